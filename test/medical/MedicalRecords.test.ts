import { withHistory } from "../fixtures/history";
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { DAY, deployMedicalFixture, deployMedicalWorldFixture } from "../fixtures/medical";
import { shouldBehaveLikeRestricted } from "../behaviours/restricted";
import { ACTIONS, DECISIONS, EMERGENCY_REASONS, PURPOSES, categoryCode, contentHash, saltedHash } from "../../src/fhir";
import { accessRecord, auditTrail, consentTerms, grantConsent, revokeConsent } from "../../src/medical";
import { ROLES } from "../../src/roles";
import { suspend } from "./helpers";

const D = Object.fromEntries(DECISIONS.map((d, i) => [d, i])) as Record<(typeof DECISIONS)[number], number>;
const ZERO = hre.ethers.ZeroAddress;
const SALT = `0x${"ab".repeat(32)}`;

describe("MedicalRecords", function () {
  describe("anchoring", function () {
    it("anchors a record by a hospital with hashes, category and authored time", async function () {
      const { records, actors, orgIds } = await loadFixture(deployMedicalFixture);
      const now = await time.latest();
      const hash = contentHash("encrypted:doc");
      const location = saltedHash(SALT, "s3://northside/doc");
      const category = categoryCode("DischargeSummary");
      await expect(
        records.connect(actors.hospital).anchorRecord(actors.patient1.address, hash, location, category, now),
      )
        .to.emit(records, "RecordAnchored")
        .withArgs(1, actors.patient1.address, orgIds.hospital, category, hash, location, now);
      const r = await records.record(1);
      expect([r.patient, r.authorOrg, r.authoredAt, r.category, r.contentHash, r.locationHash]).to.deep.equal([
        actors.patient1.address,
        BigInt(orgIds.hospital),
        BigInt(now),
        category,
        hash,
        location,
      ]);
      expect(await records.recordIdOf(orgIds.hospital, hash)).to.equal(1);
      expect(await records.recordIdOf(orgIds.pharmacy, hash)).to.equal(0);
      expect(await records.recordCount()).to.equal(1);
    });

    it("refuses a record for an account that is not a patient", async function () {
      const { records, actors } = await loadFixture(deployMedicalFixture);
      const now = await time.latest();
      await expect(
        records
          .connect(actors.hospital)
          .anchorRecord(actors.investor1.address, contentHash("x"), contentHash("l"), categoryCode("Procedure"), now),
      )
        .to.be.revertedWithCustomError(records, "MedicalNotPatient")
        .withArgs(actors.investor1.address);
    });

    it("refuses zero hashes or a zero category", async function () {
      const { records, actors } = await loadFixture(deployMedicalFixture);
      const now = await time.latest();
      const [h, l, c] = [contentHash("x"), contentHash("l"), categoryCode("Procedure")];
      for (const [a, b, d] of [
        [hre.ethers.ZeroHash, l, c],
        [h, hre.ethers.ZeroHash, c],
        [h, l, hre.ethers.ZeroHash],
      ]) {
        await expect(records.connect(actors.hospital).anchorRecord(actors.patient1.address, a, b, d, now))
          .to.be.revertedWithCustomError(records, "MedicalInvalidRecord")
          .withArgs(a, b, d);
      }
    });

    it("refuses an authored time of zero or in the future", async function () {
      const { records, actors } = await loadFixture(deployMedicalFixture);
      const now = await time.latest();
      const args = [actors.patient1.address, contentHash("x"), contentHash("l"), categoryCode("Procedure")] as const;
      await expect(records.connect(actors.hospital).anchorRecord(...args, 0))
        .to.be.revertedWithCustomError(records, "MedicalInvalidAuthoredTime")
        .withArgs(0, now + 1);
      await expect(records.connect(actors.hospital).anchorRecord(...args, now + 100))
        .to.be.revertedWithCustomError(records, "MedicalInvalidAuthoredTime")
        .withArgs(now + 100, now + 2);
    });

    it("refuses the same author anchoring the same document twice", async function () {
      const { records, actors, report } = await loadFixture(deployMedicalWorldFixture);
      const now = await time.latest();
      await expect(
        records
          .connect(actors.hospital)
          .anchorRecord(actors.patient1.address, report.contentHash, contentHash("l"), categoryCode("Procedure"), now),
      )
        .to.be.revertedWithCustomError(records, "MedicalRecordAlreadyAnchored")
        .withArgs(report.contentHash, report.recordId);
    });

    it("refuses reading an unknown record", async function () {
      const { records } = await loadFixture(deployMedicalFixture);
      await expect(records.record(7)).to.be.revertedWithCustomError(records, "MedicalUnknownRecord").withArgs(7);
    });
  });

  describe("guardians", function () {
    it("lets a named guardian grant and revoke for the patient, and not after removal", async function () {
      const { records, actors, orgIds, now } = await loadFixture(deployMedicalWorldFixture);
      const guardian = actors.outsider2;
      await expect(records.connect(actors.patient1).setGuardian(guardian.address))
        .to.emit(records, "GuardianChanged")
        .withArgs(actors.patient1.address, ZERO, guardian.address);
      expect(await records.guardianOf(actors.patient1.address)).to.equal(guardian.address);
      const terms = consentTerms({
        patient: actors.patient1.address,
        granteeOrg: orgIds.hospital,
        actions: ["access"],
        purposes: ["treatment"],
        categories: ["Observation"],
        validFrom: now,
        validUntil: now + DAY,
      });
      await expect(records.connect(guardian).grantConsent(terms))
        .to.emit(records, "ConsentGranted")
        .withArgs(3, actors.patient1.address, guardian.address, anyValue);
      await expect(records.connect(guardian).revokeConsent(3, terms))
        .to.emit(records, "ConsentRevoked")
        .withArgs(3, actors.patient1.address, guardian.address);
      await expect(records.connect(actors.patient1).setGuardian(ZERO))
        .to.emit(records, "GuardianChanged")
        .withArgs(actors.patient1.address, guardian.address, ZERO);
      await expect(records.connect(guardian).grantConsent(terms))
        .to.be.revertedWithCustomError(records, "MedicalNotPatientOrGuardian")
        .withArgs(guardian.address, actors.patient1.address);
    });

    it("refuses a patient naming themself, and a non-patient naming a guardian", async function () {
      const { records, actors } = await loadFixture(deployMedicalFixture);
      await expect(records.connect(actors.patient1).setGuardian(actors.patient1.address))
        .to.be.revertedWithCustomError(records, "MedicalInvalidGuardian")
        .withArgs(actors.patient1.address);
      await expect(records.connect(actors.hospital).setGuardian(actors.outsider.address))
        .to.be.revertedWithCustomError(records, "AccessMissingRole")
        .withArgs(actors.hospital.address, ROLES.PATIENT);
    });
  });

  describe("consent", function () {
    async function base() {
      const world = await loadFixture(deployMedicalWorldFixture);
      const spec = {
        patient: world.actors.patient1.address,
        granteeOrg: world.orgIds.pharmacy,
        actions: ["access"] as ("access" | "disclose")[],
        purposes: ["treatment"] as ("treatment" | "payment" | "research")[],
        categories: ["DiagnosticReport"],
        validFrom: world.now,
        validUntil: world.now + DAY,
      };
      return { ...world, spec };
    }

    it("grants a consent, stores only the hash of its terms and emits the terms", async function () {
      const { records, actors, treatmentTerms, treatmentConsent } = await loadFixture(deployMedicalWorldFixture);
      const encoded = hre.ethers.AbiCoder.defaultAbiCoder().encode(
        ["tuple(address,uint32,address,uint8,uint8,uint8,uint64,uint64,bytes32[])"],
        [
          [
            treatmentTerms.patient,
            treatmentTerms.granteeOrg,
            treatmentTerms.granteeAccount,
            treatmentTerms.actions,
            treatmentTerms.purposes,
            treatmentTerms.scopeKind,
            treatmentTerms.validFrom,
            treatmentTerms.validUntil,
            treatmentTerms.scope,
          ],
        ],
      );
      expect(await records.consentState(treatmentConsent)).to.deep.equal([hre.ethers.keccak256(encoded), false]);
      expect(await records.consentCount()).to.equal(2);
      expect(await records.consentState(99)).to.deep.equal([hre.ethers.ZeroHash, false]);
      const logs = await records.queryFilter(records.filters.ConsentGranted(treatmentConsent));
      expect(logs[0].args.patient).to.equal(actors.patient1.address);
      expect(logs[0].args.terms.scope).to.deep.equal(treatmentTerms.scope);
    });

    it("refuses a grant by someone who is neither the patient nor the guardian", async function () {
      const { records, actors, spec } = await base();
      await expect(records.connect(actors.hospital).grantConsent(consentTerms(spec)))
        .to.be.revertedWithCustomError(records, "MedicalNotPatientOrGuardian")
        .withArgs(actors.hospital.address, actors.patient1.address);
    });

    it("refuses a grant for an account that is not a patient", async function () {
      const { records, actors, spec } = await base();
      await expect(
        records.connect(actors.outsider).grantConsent(consentTerms({ ...spec, patient: actors.outsider.address })),
      )
        .to.be.revertedWithCustomError(records, "MedicalNotPatient")
        .withArgs(actors.outsider.address);
    });

    it("refuses grantees that are not exactly one active hospital/insurer or hospital account", async function () {
      const { records, actors, orgIds, spec } = await base();
      const cases: [number, string][] = [
        [0, ZERO],
        [orgIds.pharmacy, actors.hospital.address],
        [orgIds.carrier, ZERO],
        [0, actors.carrier.address],
        [0, actors.outsider.address],
        // An account grant names the account's hospital too (finding 10): the account alone is refused.
        [0, actors.pharmacy.address],
      ];
      for (const [org, account] of cases) {
        await expect(
          records
            .connect(actors.patient1)
            .grantConsent({ ...consentTerms(spec), granteeOrg: org, granteeAccount: account }),
        )
          .to.be.revertedWithCustomError(records, "MedicalInvalidGrantee")
          .withArgs(org, account);
      }
    });

    it("accepts an insurer organisation and a practitioner account as grantees", async function () {
      const { records, actors, orgIds, spec } = await base();
      await grantConsent(records, actors.patient1, consentTerms({ ...spec, granteeOrg: orgIds.insurer }));
      await grantConsent(
        records,
        actors.patient1,
        consentTerms({ ...spec, granteeOrg: orgIds.pharmacy, granteeAccount: actors.pharmacy.address }),
      );
      expect(await records.consentCount()).to.equal(4);
    });

    it("refuses empty or undefined action and purpose bits", async function () {
      const { records, actors, spec } = await base();
      const t = consentTerms(spec);
      for (const actions of [0, 4]) {
        await expect(records.connect(actors.patient1).grantConsent({ ...t, actions }))
          .to.be.revertedWithCustomError(records, "MedicalInvalidActions")
          .withArgs(actions);
      }
      for (const purposes of [0, 8]) {
        await expect(records.connect(actors.patient1).grantConsent({ ...t, purposes }))
          .to.be.revertedWithCustomError(records, "MedicalInvalidPurposes")
          .withArgs(purposes);
      }
    });

    it("refuses an empty, oversized or zero-item scope", async function () {
      const { records, actors, spec } = await base();
      const t = consentTerms(spec);
      const code = categoryCode("Observation");
      for (const scope of [[], Array(17).fill(code), [code, hre.ethers.ZeroHash]]) {
        await expect(records.connect(actors.patient1).grantConsent({ ...t, scope }))
          .to.be.revertedWithCustomError(records, "MedicalInvalidScope")
          .withArgs(scope.length, 16);
      }
    });

    it("refuses an empty or past validity period", async function () {
      const { records, actors, spec, now } = await base();
      const t = consentTerms(spec);
      for (const [validFrom, validUntil] of [
        [now + 10, now + 10],
        [now - 100, now - 10],
      ]) {
        await expect(records.connect(actors.patient1).grantConsent({ ...t, validFrom, validUntil }))
          .to.be.revertedWithCustomError(records, "MedicalInvalidPeriod")
          .withArgs(validFrom, validUntil);
      }
    });

    it("revokes with immediate effect: the next access is denied as Revoked", async function () {
      const { records, actors, orgIds, report, treatmentConsent, treatmentTerms } =
        await loadFixture(deployMedicalWorldFixture);
      await expect(records.connect(actors.patient1).revokeConsent(treatmentConsent, treatmentTerms))
        .to.emit(records, "ConsentRevoked")
        .withArgs(treatmentConsent, actors.patient1.address, actors.patient1.address);
      expect(await records.consentState(treatmentConsent)).to.deep.equal([hre.ethers.ZeroHash, true]);
      await expect(
        records
          .connect(actors.pharmacy)
          .accessRecord(report.recordId, treatmentConsent, treatmentTerms, ACTIONS.access, PURPOSES.treatment),
      )
        .to.emit(records, "AccessAudited")
        .withArgs(
          1,
          actors.patient1.address,
          report.recordId,
          actors.pharmacy.address,
          orgIds.pharmacy,
          0,
          treatmentConsent,
          ACTIONS.access,
          PURPOSES.treatment,
          D.Revoked,
        );
    });

    it("refuses revoking twice, with other terms, an unknown consent or by a stranger", async function () {
      const { records, actors, treatmentConsent, treatmentTerms } = await loadFixture(deployMedicalWorldFixture);
      await expect(records.connect(actors.patient1).revokeConsent(treatmentConsent, { ...treatmentTerms, purposes: 7 }))
        .to.be.revertedWithCustomError(records, "MedicalUnknownConsent")
        .withArgs(treatmentConsent);
      await expect(records.connect(actors.patient1).revokeConsent(42, treatmentTerms))
        .to.be.revertedWithCustomError(records, "MedicalUnknownConsent")
        .withArgs(42);
      await expect(records.connect(actors.hospital).revokeConsent(treatmentConsent, treatmentTerms))
        .to.be.revertedWithCustomError(records, "MedicalNotPatientOrGuardian")
        .withArgs(actors.hospital.address, actors.patient1.address);
      await revokeConsent(records, actors.patient1, treatmentConsent, treatmentTerms);
      await expect(records.connect(actors.patient1).revokeConsent(treatmentConsent, treatmentTerms))
        .to.be.revertedWithCustomError(records, "MedicalConsentAlreadyRevoked")
        .withArgs(treatmentConsent);
    });
  });

  describe("access", function () {
    it("grants a consented access and audits who, which record, purpose and outcome", async function () {
      const { records, actors, orgIds, report, treatmentConsent, treatmentTerms } =
        await loadFixture(deployMedicalWorldFixture);
      const call = records
        .connect(actors.pharmacy)
        .accessRecord(report.recordId, treatmentConsent, treatmentTerms, ACTIONS.access, PURPOSES.treatment);
      expect(
        await records
          .connect(actors.pharmacy)
          .accessRecord.staticCall(
            report.recordId,
            treatmentConsent,
            treatmentTerms,
            ACTIONS.access,
            PURPOSES.treatment,
          ),
      ).to.deep.equal([true, 1n]);
      await expect(call)
        .to.emit(records, "AccessAudited")
        .withArgs(
          1,
          actors.patient1.address,
          report.recordId,
          actors.pharmacy.address,
          orgIds.pharmacy,
          0,
          treatmentConsent,
          ACTIONS.access,
          PURPOSES.treatment,
          D.Permit,
        );
      expect(await records.auditCount()).to.equal(1);
    });

    it("audits a denied attempt without reverting and changes nothing but the audit trail", async function () {
      const { records, actors, report, treatmentConsent, treatmentTerms } =
        await loadFixture(deployMedicalWorldFixture);
      const before = await records.consentState(treatmentConsent);
      expect(
        await records
          .connect(actors.pharmacy)
          .accessRecord.staticCall(
            report.recordId,
            treatmentConsent,
            treatmentTerms,
            ACTIONS.access,
            PURPOSES.research,
          ),
      ).to.deep.equal([false, 1n]);
      const r = await accessRecord(
        records,
        actors.pharmacy,
        report.recordId,
        treatmentConsent,
        "access",
        "research",
        treatmentTerms,
      );
      expect(r).to.deep.equal({ granted: false, auditId: 1n, decision: "PurposeNotPermitted" });
      expect(await records.consentState(treatmentConsent)).to.deep.equal(before);
      expect(await records.auditCount()).to.equal(1);
      const trail = await withHistory({ medicalRecords: records }, (h) => auditTrail(h, actors.patient1.address));
      expect(trail.map((e) => e.decision)).to.deep.equal(["PurposeNotPermitted"]);
    });

    it("denies (audited) every way a consent does not cover the request", async function () {
      const world = await loadFixture(deployMedicalWorldFixture);
      const { records, actors, orgIds, report, observation, treatmentConsent, treatmentTerms, now } = world;
      const p2Terms = consentTerms({
        patient: actors.patient2.address,
        granteeOrg: orgIds.pharmacy,
        actions: ["access"],
        purposes: ["treatment"],
        categories: ["DiagnosticReport"],
        validFrom: now,
        validUntil: now + DAY,
      });
      const p2Consent = await grantConsent(records, actors.patient2, p2Terms);
      const laterTerms = consentTerms({
        patient: actors.patient1.address,
        granteeOrg: orgIds.pharmacy,
        actions: ["access"],
        purposes: ["treatment"],
        categories: ["DiagnosticReport"],
        validFrom: now + 10 * DAY,
        validUntil: now + 20 * DAY,
      });
      const laterConsent = await grantConsent(records, actors.patient1, laterTerms);
      const cases: [string, typeof actors.pharmacy, bigint, bigint, typeof treatmentTerms, number, number][] = [
        ["UnknownConsent", actors.pharmacy, report.recordId, 0n, treatmentTerms, ACTIONS.access, PURPOSES.treatment],
        [
          "UnknownConsent",
          actors.pharmacy,
          report.recordId,
          treatmentConsent,
          { ...treatmentTerms, purposes: 7 },
          ACTIONS.access,
          PURPOSES.treatment,
        ],
        ["OtherPatient", actors.pharmacy, report.recordId, p2Consent, p2Terms, ACTIONS.access, PURPOSES.treatment],
        [
          "WrongGrantee",
          actors.hospital,
          report.recordId,
          treatmentConsent,
          treatmentTerms,
          ACTIONS.access,
          PURPOSES.treatment,
        ],
        // the grantee is checked before what the consent permits: a stranger learns nothing about its terms
        [
          "WrongGrantee",
          actors.hospital,
          report.recordId,
          treatmentConsent,
          treatmentTerms,
          ACTIONS.disclose,
          PURPOSES.research,
        ],
        ["NotYetValid", actors.pharmacy, report.recordId, laterConsent, laterTerms, ACTIONS.access, PURPOSES.treatment],
        [
          "ActionNotPermitted",
          actors.pharmacy,
          report.recordId,
          treatmentConsent,
          treatmentTerms,
          ACTIONS.disclose,
          PURPOSES.treatment,
        ],
        [
          "PurposeNotPermitted",
          actors.pharmacy,
          report.recordId,
          treatmentConsent,
          treatmentTerms,
          ACTIONS.access,
          PURPOSES.payment,
        ],
        [
          "OutOfScope",
          actors.pharmacy,
          observation.recordId,
          treatmentConsent,
          treatmentTerms,
          ACTIONS.access,
          PURPOSES.treatment,
        ],
      ];
      let auditId = 0;
      for (const [decision, who, recordId, consentId, terms, action, purpose] of cases) {
        auditId++;
        await expect(records.connect(who).accessRecord(recordId, consentId, terms, action, purpose), decision)
          .to.emit(records, "AccessAudited")
          .withArgs(
            auditId,
            actors.patient1.address,
            recordId,
            who.address,
            anyValue,
            0,
            consentId,
            action,
            purpose,
            D[decision as keyof typeof D],
          );
      }
      await time.increaseTo(now + 30 * DAY);
      const r = await accessRecord(
        records,
        actors.pharmacy,
        report.recordId,
        treatmentConsent,
        "access",
        "treatment",
        treatmentTerms,
      );
      expect(r.decision).to.equal("Expired");
    });

    it("scopes a consent to specific record ids and to one practitioner account", async function () {
      const { records, actors, consortium, orgIds, report, observation, now } =
        await loadFixture(deployMedicalWorldFixture);
      await consortium.connect(actors.pharmacy).addAccount(actors.outsider2.address);
      const terms = consentTerms({
        patient: actors.patient1.address,
        granteeOrg: orgIds.pharmacy,
        granteeAccount: actors.pharmacy.address,
        actions: ["access", "disclose"],
        purposes: ["treatment", "research"],
        recordIds: [observation.recordId],
        validFrom: now,
        validUntil: now + DAY,
      });
      const id = await grantConsent(records, actors.patient1, terms);
      const ok = await accessRecord(records, actors.pharmacy, observation.recordId, id, "access", "research", terms);
      expect(ok.decision).to.equal("Permit");
      const colleague = await accessRecord(
        records,
        actors.outsider2,
        observation.recordId,
        id,
        "access",
        "research",
        terms,
      );
      expect(colleague.decision).to.equal("WrongGrantee");
      const other = await accessRecord(records, actors.pharmacy, report.recordId, id, "access", "research", terms);
      expect(other.decision).to.equal("OutOfScope");
    });

    it("lets an insurer organisation ask under its own consent", async function () {
      const { records, actors, report, paymentConsent, paymentTerms } = await loadFixture(deployMedicalWorldFixture);
      const r = await accessRecord(
        records,
        actors.insurer,
        report.recordId,
        paymentConsent,
        "disclose",
        "payment",
        paymentTerms,
      );
      expect(r.decision).to.equal("Permit");
    });

    it("refuses askers that are not active hospital or insurer accounts (nothing to audit)", async function () {
      const world = await loadFixture(deployMedicalWorldFixture);
      const { records, actors, orgIds, report, treatmentConsent, treatmentTerms } = world;
      for (const who of [actors.carrier, actors.outsider, actors.patient1]) {
        await expect(
          records
            .connect(who)
            .accessRecord(report.recordId, treatmentConsent, treatmentTerms, ACTIONS.access, PURPOSES.treatment),
        )
          .to.be.revertedWithCustomError(records, "MedicalNotRecipient")
          .withArgs(who.address);
      }
      await suspend(world, orgIds.pharmacy, actors.pharmacy);
      await expect(
        records
          .connect(actors.pharmacy)
          .accessRecord(report.recordId, treatmentConsent, treatmentTerms, ACTIONS.access, PURPOSES.treatment),
      )
        .to.be.revertedWithCustomError(records, "MedicalNotRecipient")
        .withArgs(actors.pharmacy.address);
      expect(await records.auditCount()).to.equal(0);
    });

    it("refuses a request that is not one defined action and one defined purpose", async function () {
      const { records, actors, report, treatmentConsent, treatmentTerms } =
        await loadFixture(deployMedicalWorldFixture);
      for (const [action, purpose] of [
        [3, 1],
        [1, 0],
        [4, 1],
        [1, 8],
      ]) {
        await expect(
          records
            .connect(actors.pharmacy)
            .accessRecord(report.recordId, treatmentConsent, treatmentTerms, action, purpose),
        )
          .to.be.revertedWithCustomError(records, "MedicalInvalidRequest")
          .withArgs(action, purpose);
      }
      await expect(records.checkConsent(treatmentConsent, treatmentTerms, report.recordId, 0, 1))
        .to.be.revertedWithCustomError(records, "MedicalInvalidRequest")
        .withArgs(0, 1);
    });

    it("refuses an access to an unknown record", async function () {
      const { records, actors, treatmentConsent, treatmentTerms } = await loadFixture(deployMedicalWorldFixture);
      await expect(
        records
          .connect(actors.pharmacy)
          .accessRecord(99, treatmentConsent, treatmentTerms, ACTIONS.access, PURPOSES.treatment),
      )
        .to.be.revertedWithCustomError(records, "MedicalUnknownRecord")
        .withArgs(99);
    });

    it("answers consent questions as a view; only the claims processor audits disclosures through claims", async function () {
      const { records, insurance, actors, orgIds, report, paymentConsent, paymentTerms } =
        await loadFixture(deployMedicalWorldFixture);
      expect(
        await records.checkConsent(paymentConsent, paymentTerms, report.recordId, ACTIONS.disclose, PURPOSES.payment),
      ).to.equal(D.Permit);
      await expect(
        records.checkConsent(paymentConsent, paymentTerms, report.recordId, ACTIONS.disclose, 3),
      ).to.be.revertedWithCustomError(records, "MedicalInvalidRequest");
      expect(await records.claimsProcessor()).to.equal(await insurance.getAddress());
      await expect(
        records
          .connect(actors.hospital)
          .discloseForClaim(report.recordId, paymentConsent, paymentTerms, orgIds.insurer, orgIds.hospital),
      )
        .to.be.revertedWithCustomError(records, "MedicalNotClaimsProcessor")
        .withArgs(actors.hospital.address);
      await expect(records.connect(actors.deployer).setClaimsProcessor(actors.outsider.address))
        .to.be.revertedWithCustomError(records, "MedicalClaimsProcessorLocked")
        .withArgs(actors.deployer.address, await insurance.getAddress());
    });
  });

  describe("break-glass", function () {
    it("opens a fixed window with a reason, notifies the patient and audits the access", async function () {
      const { records, actors, orgIds, report } = await loadFixture(deployMedicalWorldFixture);
      const tx = await records.connect(actors.pharmacy).breakGlass(report.recordId, EMERGENCY_REASONS.ETREAT);
      const receipt = await tx.wait();
      const at = (await hre.ethers.provider.getBlock(receipt!.blockNumber))!.timestamp;
      await expect(tx)
        .to.emit(records, "EmergencyAccessOpened")
        .withArgs(1, actors.patient1.address, orgIds.pharmacy, report.recordId, EMERGENCY_REASONS.ETREAT, at + 3600)
        .and.to.emit(records, "AccessAudited")
        .withArgs(
          1,
          actors.patient1.address,
          report.recordId,
          actors.pharmacy.address,
          orgIds.pharmacy,
          1,
          1,
          ACTIONS.access,
          PURPOSES.treatment,
          D.Permit,
        );
      const e = await records.emergency(1);
      expect([e.patient, e.hospitalOrg, e.reason, e.review, e.openedAt, e.expiresAt, e.openedBy]).to.deep.equal([
        actors.patient1.address,
        BigInt(orgIds.pharmacy),
        BigInt(EMERGENCY_REASONS.ETREAT),
        0n,
        BigInt(at),
        BigInt(at + 3600),
        actors.pharmacy.address,
      ]);
      expect(await records.emergencyCount()).to.equal(1);
      expect(await records.BREAK_GLASS_WINDOW()).to.equal(3600);
    });

    it("allows the patient's other records in the window, denies (audited) after it or for others", async function () {
      const { records, actors, report, observation, now } = await loadFixture(deployMedicalWorldFixture);
      await records.connect(actors.pharmacy).breakGlass(report.recordId, EMERGENCY_REASONS.BTG);
      const other = await records
        .connect(actors.hospital)
        .anchorRecord(actors.patient2.address, contentHash("p2"), contentHash("l2"), categoryCode("Procedure"), now)
        .then(() => records.recordCount());
      await expect(records.connect(actors.pharmacy).emergencyAccess(1, observation.recordId))
        .to.emit(records, "AccessAudited")
        .withArgs(
          2,
          actors.patient1.address,
          observation.recordId,
          actors.pharmacy.address,
          anyValue,
          1,
          1,
          1,
          1,
          D.Permit,
        );
      await expect(records.connect(actors.hospital).emergencyAccess(1, observation.recordId))
        .to.emit(records, "AccessAudited")
        .withArgs(
          3,
          actors.patient1.address,
          observation.recordId,
          actors.hospital.address,
          anyValue,
          1,
          1,
          1,
          1,
          D.WrongGrantee,
        );
      await expect(records.connect(actors.pharmacy).emergencyAccess(1, other))
        .to.emit(records, "AccessAudited")
        .withArgs(4, actors.patient2.address, other, actors.pharmacy.address, anyValue, 1, 1, 1, 1, D.OtherPatient);
      await time.increase(3600);
      await expect(records.connect(actors.pharmacy).emergencyAccess(1, observation.recordId))
        .to.emit(records, "AccessAudited")
        .withArgs(
          5,
          actors.patient1.address,
          observation.recordId,
          actors.pharmacy.address,
          anyValue,
          1,
          1,
          1,
          1,
          D.EmergencyClosed,
        );
    });

    it("refuses break-glass by a non-hospital, without a defined reason, or on an unknown record", async function () {
      const { records, actors, report } = await loadFixture(deployMedicalWorldFixture);
      await expect(records.connect(actors.insurer).breakGlass(report.recordId, 1))
        .to.be.revertedWithCustomError(records, "AccessMissingRole")
        .withArgs(actors.insurer.address, ROLES.HOSPITAL);
      for (const reason of [0, 5]) {
        await expect(records.connect(actors.pharmacy).breakGlass(report.recordId, reason))
          .to.be.revertedWithCustomError(records, "MedicalInvalidReason")
          .withArgs(reason);
      }
      await expect(records.connect(actors.pharmacy).breakGlass(77, 1))
        .to.be.revertedWithCustomError(records, "MedicalUnknownRecord")
        .withArgs(77);
      await expect(records.connect(actors.pharmacy).emergencyAccess(5, report.recordId))
        .to.be.revertedWithCustomError(records, "MedicalUnknownEmergency")
        .withArgs(5);
    });

    it("records a regulator's review once, with its outcome and findings", async function () {
      const { records, actors, orgIds, report } = await loadFixture(deployMedicalWorldFixture);
      await records.connect(actors.pharmacy).breakGlass(report.recordId, EMERGENCY_REASONS.ERTREAT);
      await records.connect(actors.pharmacy).breakGlass(report.recordId, EMERGENCY_REASONS.PUBHLTH);
      const findings = contentHash("review 2026-17: patient unconscious, justified");
      await expect(records.connect(actors.regulator).reviewEmergency(1, true, findings))
        .to.emit(records, "EmergencyReviewed")
        .withArgs(1, actors.patient1.address, orgIds.regulator, 1, findings);
      await expect(records.connect(actors.regulator).reviewEmergency(2, false, findings))
        .to.emit(records, "EmergencyReviewed")
        .withArgs(2, actors.patient1.address, orgIds.regulator, 2, findings);
      const e = await records.emergency(1);
      expect([e.review, e.reviewerOrg, e.findingsHash]).to.deep.equal([1n, BigInt(orgIds.regulator), findings]);
      await expect(records.connect(actors.regulator).reviewEmergency(1, false, findings))
        .to.be.revertedWithCustomError(records, "MedicalEmergencyAlreadyReviewed")
        .withArgs(1, 1);
      await expect(records.connect(actors.regulator).reviewEmergency(9, true, findings))
        .to.be.revertedWithCustomError(records, "MedicalUnknownEmergency")
        .withArgs(9);
      const trail = await withHistory({ medicalRecords: records }, (h) => auditTrail(h, actors.patient1.address));
      expect(trail.map((t) => [t.basis, t.review])).to.deep.equal([
        ["Emergency", "Justified"],
        ["Emergency", "Unjustified"],
      ]);
    });
  });

  shouldBehaveLikeRestricted(async () => {
    const { records, actors, report, treatmentConsent, treatmentTerms } = await loadFixture(deployMedicalWorldFixture);
    const o = records.connect(actors.outsider);
    const h = contentHash("o");
    return [
      {
        name: "anchorRecord by a non-hospital",
        send: () => o.anchorRecord(actors.patient1.address, h, h, h, 1),
        contract: records,
        error: "AccessMissingRole",
        args: [actors.outsider.address, ROLES.HOSPITAL],
      },
      {
        name: "setGuardian by a non-patient",
        send: () => o.setGuardian(actors.outsider2.address),
        contract: records,
        error: "AccessMissingRole",
        args: [actors.outsider.address, ROLES.PATIENT],
      },
      {
        name: "grantConsent by a stranger",
        send: () => o.grantConsent(treatmentTerms),
        contract: records,
        error: "MedicalNotPatientOrGuardian",
        args: [actors.outsider.address, actors.patient1.address],
      },
      {
        name: "revokeConsent by a stranger",
        send: () => o.revokeConsent(treatmentConsent, treatmentTerms),
        contract: records,
        error: "MedicalNotPatientOrGuardian",
        args: [actors.outsider.address, actors.patient1.address],
      },
      {
        name: "accessRecord by a non-member",
        send: () => o.accessRecord(report.recordId, treatmentConsent, treatmentTerms, 1, 1),
        contract: records,
        error: "MedicalNotRecipient",
        args: [actors.outsider.address],
      },
      {
        name: "breakGlass by a non-hospital",
        send: () => o.breakGlass(report.recordId, 1),
        contract: records,
        error: "AccessMissingRole",
        args: [actors.outsider.address, ROLES.HOSPITAL],
      },
      {
        name: "emergencyAccess by a non-hospital",
        send: () => o.emergencyAccess(1, report.recordId),
        contract: records,
        error: "AccessMissingRole",
        args: [actors.outsider.address, ROLES.HOSPITAL],
      },
      {
        name: "reviewEmergency by a non-regulator",
        send: () => o.reviewEmergency(1, true, h),
        contract: records,
        error: "AccessMissingRole",
        args: [actors.outsider.address, ROLES.REGULATOR],
      },
    ];
  });
});
