import { withHistory } from "../fixtures/history";
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { computeHmac, AbiCoder } from "ethers";
import { DAY, deployMedicalWorldFixture } from "../fixtures/medical";
import {
  claimFingerprint,
  contentHash,
  categoryCode,
  newClaimNonce,
  normaliseCodes,
  ACTIONS,
  PURPOSES,
} from "../../src/fhir";
import {
  ClaimInput,
  accessRecord,
  anchorRecord,
  auditTrail,
  consentTerms,
  fundPool,
  grantConsent,
  issuePolicy,
  submitClaim,
} from "../../src/medical";
import { proposeStatus, voteUntilClosed } from "../../src/consortium";
import { ROLES } from "../../src/roles";
import { setRoles, suspend } from "./helpers";

const MEMBER = { Active: 1, Suspended: 2, Removed: 3 };

async function world() {
  const w = await loadFixture(deployMedicalWorldFixture);
  let day = 0;
  const claim = (over: Partial<ClaimInput> = {}, providerOrg = w.orgIds.hospital): ClaimInput => {
    const serviceDate = (over.serviceDate as number | undefined) ?? w.activatedAt + ++day;
    const amount = (over.amount as bigint | undefined) ?? 25_000n;
    return {
      policyId: w.policyId,
      patient: w.actors.patient1.address,
      recordIds: [w.report.recordId],
      amount,
      serviceDate,
      fingerprint: claimFingerprint(newClaimNonce(), {
        patient: w.actors.patient1.address,
        providerOrg,
        serviceDate,
        codes: ["CPT:99214"],
        amount,
      }),
      consentId: w.paymentConsent,
      ...over,
    };
  };
  return { ...w, claim };
}

/** Replays of the review's medical and insurance findings (issue 15): each attack, now refused or sent to review. */
describe("Medical and insurance: review findings replayed", function () {
  describe("finding 1: claims on another hospital's record or for a patient the claimant never treated", function () {
    it("sends a pharmacy's claim on Northside's record to review instead of paying it", async function () {
      const { insurance, actors, orgIds, claim, paymentTerms } = await world();
      // The attack: 492,000 of the 500,000 limit claimed by Corner Pharmacy (HOSPITAL role) on Northside's record.
      const r = await submitClaim(
        insurance,
        actors.pharmacy,
        claim({ amount: 492_000n }, orgIds.pharmacy),
        paymentTerms,
      );
      expect([r.status, r.reviewFlags]).to.deep.equal(["Pending", ["foreignRecord"]]);
      expect(await insurance.creditOf(orgIds.pharmacy)).to.equal(0);
    });

    it("sends a claim on a record the claimant anchored for a patient it never admitted to review", async function () {
      const { insurance, records, actors, orgIds, claim, paymentTerms } = await world();
      const fake = await anchorRecord(records, actors.pharmacy, {
        patient: actors.patient1.address,
        document: "encrypted:never-treated",
        location: "s3://corner/fake",
        category: "DiagnosticReport",
        authoredAt: await time.latest(),
      });
      const r = await submitClaim(
        insurance,
        actors.pharmacy,
        claim({ recordIds: [fake.recordId] }, orgIds.pharmacy),
        paymentTerms,
      );
      expect([r.status, r.reviewFlags]).to.deep.equal(["Pending", ["foreignRecord"]]);
    });

    it("pays another hospital automatically when the patient's payment consent names it", async function () {
      const { insurance, records, actors, orgIds, claim, now } = await world();
      const terms = consentTerms({
        patient: actors.patient1.address,
        granteeOrg: orgIds.pharmacy,
        actions: ["disclose"],
        purposes: ["payment"],
        categories: ["DiagnosticReport"],
        validFrom: now,
        validUntil: now + 30 * DAY,
      });
      const consentId = await grantConsent(records, actors.patient1, terms);
      const r = await submitClaim(insurance, actors.pharmacy, claim({ consentId }, orgIds.pharmacy), terms);
      expect(r.status).to.equal("Paid");
    });

    it("writes the disclosure to the insurer into the patient's audit trail", async function () {
      const { insurance, records, actors, orgIds, claim, paymentTerms, report, paymentConsent } = await world();
      const c = claim();
      const before = await records.auditCount();
      await expect(insurance.connect(actors.hospital).submitClaim(c, paymentTerms))
        .to.emit(records, "AccessAudited")
        .withArgs(
          before + 1n,
          actors.patient1.address,
          report.recordId,
          await insurance.getAddress(),
          orgIds.insurer,
          0,
          paymentConsent,
          ACTIONS.disclose,
          PURPOSES.payment,
          0,
        );
      const trail = await withHistory({ medicalRecords: records }, (h) => auditTrail(h, actors.patient1.address));
      expect(trail.at(-1)).to.deep.include({ accessorOrg: orgIds.insurer, action: "disclose", decision: "Permit" });
    });
  });

  describe("finding 2: the same treatment paid again by reordering the codes", function () {
    it("refuses a second claim on the same policy, record and service date from data the contract sees", async function () {
      const { insurance, actors, claim, paymentTerms, policyId, report, activatedAt } = await world();
      const serviceDate = activatedAt + 5;
      const first = claim({ serviceDate });
      await submitClaim(insurance, actors.hospital, first, paymentTerms);
      for (const codes of [
        ["ICD10:F32.2", "CPT:99214"],
        ["cpt:99214 ", "ICD10:F32.2"],
      ]) {
        const again = {
          ...claim({ serviceDate }),
          fingerprint: claimFingerprint(newClaimNonce(), {
            patient: actors.patient1.address,
            providerOrg: 1,
            serviceDate,
            codes,
            amount: 25_000n,
          }),
        };
        await expect(insurance.connect(actors.hospital).submitClaim(again, paymentTerms))
          .to.be.revertedWithCustomError(insurance, "InsuranceDuplicateClaim")
          .withArgs(policyId, report.recordId, serviceDate, 1);
      }
      // The same record listed twice in one claim is refused the same way.
      await expect(
        insurance
          .connect(actors.hospital)
          .submitClaim(claim({ recordIds: [report.recordId, report.recordId] }), paymentTerms),
      ).to.be.revertedWithCustomError(insurance, "InsuranceDuplicateClaim");
      expect(await insurance.claimCount()).to.equal(1);
    });

    it("normalises billing codes in the SDK: order, case and spaces do not change the fingerprint", async function () {
      expect(normaliseCodes(["ICD10:F32.2", " cpt:99214", "CPT:99214"])).to.deep.equal(["CPT:99214", "ICD10:F32.2"]);
      const nonce = newClaimNonce();
      const facts = { patient: hre.ethers.ZeroAddress, providerOrg: 6, serviceDate: 1, amount: 1n };
      expect(claimFingerprint(nonce, { ...facts, codes: ["CPT:99214", "ICD10:F32.2"] })).to.equal(
        claimFingerprint(nonce, { ...facts, codes: ["icd10:f32.2", "CPT:99214"] }),
      );
    });

    it("frees the record and day once the first claim is denied", async function () {
      const { insurance, actors, orgIds, claim, paymentTerms, policyId, report, activatedAt } = await world();
      const serviceDate = activatedAt + 7;
      const foreign = await submitClaim(
        insurance,
        actors.pharmacy,
        claim({ serviceDate }, orgIds.pharmacy),
        paymentTerms,
      );
      expect(await insurance.claimIdOfService(policyId, report.recordId, serviceDate)).to.equal(foreign.claimId);
      await insurance.connect(actors.insurer).denyClaim(foreign.claimId, contentHash("not the author"));
      expect(await insurance.claimIdOfService(policyId, report.recordId, serviceDate)).to.equal(0);
      const r = await submitClaim(insurance, actors.hospital, claim({ serviceDate }), paymentTerms);
      expect(r.status).to.equal("Paid");
    });
  });

  describe("finding 3: treatment before the premium, premiums paid by others, offers that never lapse", function () {
    async function offered() {
      const w = await world();
      const now = await time.latest();
      const policyId = await issuePolicy(w.insurance, w.actors.insurer, {
        patient: w.actors.patient1.address,
        coverageStart: now - 30 * DAY,
        coverageEnd: now + 300 * DAY,
        annualLimit: 500_000n,
        deductible: 0n,
        coinsuranceBps: 0,
        premium: 1_000n,
        payee: "provider",
        categories: ["DiagnosticReport"],
        offerExpiresAt: now + 10 * DAY,
      });
      await w.token.connect(w.actors.patient1).approve(await w.insurance.getAddress(), 10_000n);
      await w.token.connect(w.actors.outsider).approve(await w.insurance.getAddress(), 10_000n);
      return { ...w, offer: policyId, offerAt: now };
    }

    it("does not cover a service before activation, even inside the coverage period", async function () {
      const { insurance, actors, claim, paymentTerms, offer } = await loadFixture(offered);
      const treatedAt = await time.latest();
      await time.increase(3600);
      await insurance.connect(actors.patient1).payPremium(offer);
      const r = await submitClaim(
        insurance,
        actors.hospital,
        claim({ policyId: offer, serviceDate: treatedAt }),
        paymentTerms,
      );
      expect([r.status, r.reviewFlags]).to.deep.equal(["Pending", ["policyInactive"]]);
    });

    it("lets only the patient or the guardian accept, before the offer expires or is withdrawn", async function () {
      const { insurance, records, actors, offer } = await loadFixture(offered);
      await expect(insurance.connect(actors.outsider).payPremium(offer))
        .to.be.revertedWithCustomError(insurance, "InsuranceNotPolicyholder")
        .withArgs(actors.outsider.address, actors.patient1.address);
      await expect(insurance.connect(actors.hospital).payPremium(offer))
        .to.be.revertedWithCustomError(insurance, "InsuranceNotPolicyholder")
        .withArgs(actors.hospital.address, actors.patient1.address);
      await records.connect(actors.patient1).setGuardian(actors.outsider.address);
      await time.increase(11 * DAY);
      const expiry = (await insurance.policy(offer)).offerExpiresAt;
      await expect(insurance.connect(actors.outsider).payPremium(offer))
        .to.be.revertedWithCustomError(insurance, "InsuranceOfferExpired")
        .withArgs(offer, expiry);
    });

    it("lets the guardian accept, and the insurer withdraw an offer not yet accepted", async function () {
      const { insurance, records, actors, orgIds, offer } = await loadFixture(offered);
      await records.connect(actors.patient1).setGuardian(actors.outsider.address);
      await expect(insurance.connect(actors.outsider).payPremium(offer)).to.emit(insurance, "PolicyActivated");
      await expect(insurance.connect(actors.insurer).withdrawOffer(offer))
        .to.be.revertedWithCustomError(insurance, "InsurancePolicyNotOffered")
        .withArgs(offer, 2);
      const now = await time.latest();
      const second = await issuePolicy(insurance, actors.insurer, {
        patient: actors.patient1.address,
        coverageStart: now,
        coverageEnd: now + 100 * DAY,
        annualLimit: 1n,
        deductible: 0n,
        coinsuranceBps: 0,
        premium: 1n,
        payee: "provider",
        categories: ["DiagnosticReport"],
      });
      await expect(insurance.connect(actors.insurer).withdrawOffer(second))
        .to.emit(insurance, "OfferWithdrawn")
        .withArgs(second, orgIds.insurer);
      await expect(insurance.connect(actors.patient1).payPremium(second))
        .to.be.revertedWithCustomError(insurance, "InsurancePolicyNotOffered")
        .withArgs(second, 3);
    });

    it("refuses offers that expire in the past or after the coverage ends", async function () {
      const { insurance, actors } = await world();
      const now = await time.latest();
      for (const offerExpiresAt of [now, now + 200 * DAY]) {
        await expect(
          issuePolicy(insurance, actors.insurer, {
            patient: actors.patient1.address,
            coverageStart: now,
            coverageEnd: now + 100 * DAY,
            annualLimit: 1n,
            deductible: 0n,
            coinsuranceBps: 0,
            premium: 1n,
            payee: "provider",
            categories: ["DiagnosticReport"],
            offerExpiresAt,
          }),
        )
          .to.be.revertedWithCustomError(insurance, "InsuranceInvalidOfferExpiry")
          .withArgs(offerExpiresAt);
      }
    });
  });

  describe("finding 6: diagnosis codes recovered from claim fingerprints", function () {
    it("defeats the 13,556-try dictionary attack on CPT 99214 + ICD-10 F32.2", async function () {
      const { insurance, actors, orgIds, claim, paymentTerms } = await world();
      const c = claim();
      await insurance.connect(actors.hospital).submitClaim(
        {
          ...c,
          fingerprint: claimFingerprint(newClaimNonce(), {
            patient: actors.patient1.address,
            providerOrg: orgIds.hospital,
            serviceDate: Number(c.serviceDate),
            codes: ["CPT:99214", "ICD10:F32.2"],
            amount: c.amount as bigint,
          }),
        },
        paymentTerms,
      );
      const [event] = await insurance.queryFilter(insurance.filters.ClaimSubmitted());
      const { fingerprint, serviceDate, amount } = event.args;
      // The attacker: every public fact of the claim, a dictionary of 116 E/M-range CPT codes × 117 ICD-10 F-codes
      // (13,572 pairs, the true one among them) and, as a billing hospital did, the old shared claims key.
      const cpts = Array.from({ length: 116 }, (_, i) => `CPT:${99_100 + i}`);
      const icds = Array.from({ length: 117 }, (_, i) => `ICD10:F${30 + Math.floor(i / 10)}.${i % 10}`);
      expect(cpts).to.include("CPT:99214");
      expect(icds).to.include("ICD10:F32.2");
      const oldSharedKey = `0x${"5a".repeat(32)}`;
      const encode = (codes: string[]) =>
        AbiCoder.defaultAbiCoder().encode(
          ["address", "uint32", "uint64", "string[]", "uint96"],
          [actors.patient1.address, orgIds.hospital, serviceDate, normaliseCodes(codes), amount],
        );
      let tries = 0;
      const hits: string[][] = [];
      for (const cpt of cpts) {
        for (const icd of icds) {
          tries++;
          if (computeHmac("sha256", oldSharedKey, encode([cpt, icd])) === fingerprint) hits.push([cpt, icd]);
        }
      }
      expect(tries).to.be.greaterThan(13_556);
      expect(hits, "no guess matches a nonce-keyed fingerprint").to.deep.equal([]);
      // The same dictionary recovers the codes of a fingerprint under a key every billing hospital holds.
      const leaky = computeHmac("sha256", oldSharedKey, encode(["CPT:99214", "ICD10:F32.2"]));
      let recovered: string[] | undefined;
      for (const cpt of cpts) {
        for (const icd of icds) {
          if (computeHmac("sha256", oldSharedKey, encode([cpt, icd])) === leaky) recovered = [cpt, icd];
        }
      }
      expect(recovered).to.deep.equal(["CPT:99214", "ICD10:F32.2"]);
    });
  });

  describe("finding 7: waiting claims settle first in, first out", function () {
    it("refuses to settle a newer small claim before an older large one", async function () {
      const { insurance, token, actors, orgIds, claim, paymentTerms } = await world();
      const pool = await insurance.pool(orgIds.insurer);
      await insurance.connect(actors.insurer).withdrawPool(pool.balance - 1_000n);
      const big = await submitClaim(insurance, actors.hospital, claim({ amount: 60_000n }), paymentTerms);
      const small = await submitClaim(insurance, actors.hospital, claim({ amount: 3_000n }), paymentTerms);
      expect([big.status, small.status]).to.deep.equal(["Approved", "Approved"]);
      expect(await insurance.nextToSettle(orgIds.insurer)).to.equal(big.claimId);
      await fundPool(insurance, token, actors.insurer, 5_000n);
      await expect(insurance.connect(actors.outsider).settleClaim(small.claimId))
        .to.be.revertedWithCustomError(insurance, "InsuranceNotNextInLine")
        .withArgs(small.claimId, big.claimId);
      await fundPool(insurance, token, actors.insurer, 100_000n);
      await insurance.connect(actors.outsider).settleClaim(big.claimId);
      expect(await insurance.nextToSettle(orgIds.insurer)).to.equal(small.claimId);
      await insurance.connect(actors.outsider).settleClaim(small.claimId);
      expect(await insurance.nextToSettle(orgIds.insurer)).to.equal(0);
    });
  });

  describe("finding 8: credits of suspended and removed members", function () {
    it("holds a suspended member's credits; a regulator directs a removed member's credits", async function () {
      const w = await world();
      const { insurance, token, actors, orgIds, claim, paymentTerms, consortium } = w;
      await submitClaim(insurance, actors.hospital, claim(), paymentTerms);
      const credit = await insurance.creditOf(orgIds.hospital);
      expect(credit).to.be.greaterThan(0n);
      await suspend(w, orgIds.hospital, actors.hospital);
      await expect(insurance.connect(actors.hospital).withdrawCredit())
        .to.be.revertedWithCustomError(insurance, "InsuranceMemberNotActive")
        .withArgs(orgIds.hospital, MEMBER.Suspended);
      await expect(insurance.connect(actors.regulator).directCredit(orgIds.hospital, actors.outsider.address))
        .to.be.revertedWithCustomError(insurance, "InsuranceMemberNotRemoved")
        .withArgs(orgIds.hospital, MEMBER.Suspended);
      const id = await proposeStatus(consortium, actors.regulator, orgIds.hospital, "Remove");
      await voteUntilClosed(consortium, id, [
        actors.manufacturer,
        actors.distributor,
        actors.carrier,
        actors.pharmacy,
        actors.insurer,
        actors.kyc,
      ]);
      await expect(insurance.connect(actors.hospital).withdrawCredit())
        .to.be.revertedWithCustomError(insurance, "InsuranceMemberNotActive")
        .withArgs(orgIds.hospital, MEMBER.Removed);
      await expect(insurance.connect(actors.insurer).directCredit(orgIds.hospital, actors.outsider.address))
        .to.be.revertedWithCustomError(insurance, "AccessMissingRole")
        .withArgs(actors.insurer.address, ROLES.REGULATOR);
      const tx = insurance.connect(actors.regulator).directCredit(orgIds.hospital, actors.outsider.address);
      await expect(tx)
        .to.emit(insurance, "CreditDirected")
        .withArgs(orgIds.hospital, actors.outsider.address, credit, orgIds.regulator);
      await expect(tx).to.changeTokenBalances(token, [actors.outsider, insurance], [credit, -credit]);
    });
  });

  describe("finding 10: a consent to a practitioner's account", function () {
    it("ends when the account moves to another organisation", async function () {
      const { records, consortium, actors, orgIds, report, now } = await world();
      await consortium.connect(actors.pharmacy).addAccount(actors.outsider.address);
      const terms = consentTerms({
        patient: actors.patient1.address,
        granteeOrg: orgIds.pharmacy,
        granteeAccount: actors.outsider.address,
        actions: ["access"],
        purposes: ["treatment"],
        categories: ["DiagnosticReport"],
        validFrom: now,
        validUntil: now + 30 * DAY,
      });
      const id = await grantConsent(records, actors.patient1, terms);
      expect(
        (await accessRecord(records, actors.outsider, report.recordId, id, "access", "treatment", terms)).decision,
      ).to.equal("Permit");
      await consortium.connect(actors.pharmacy).removeAccount(actors.outsider.address);
      await consortium.connect(actors.hospital).addAccount(actors.outsider.address);
      expect(
        (await accessRecord(records, actors.outsider, report.recordId, id, "access", "treatment", terms)).decision,
      ).to.equal("WrongGrantee");
    });
  });

  describe("finding 11: another hospital anchors the author's document hash first", function () {
    it("keys records by author and hash, so the real author still anchors", async function () {
      const { records, actors, orgIds } = await world();
      const hash = contentHash("encrypted:northside-discharge-77");
      const now = await time.latest();
      await records
        .connect(actors.pharmacy)
        .anchorRecord(actors.patient1.address, hash, contentHash("l1"), categoryCode("DischargeSummary"), now);
      await expect(
        records
          .connect(actors.hospital)
          .anchorRecord(actors.patient1.address, hash, contentHash("l2"), categoryCode("DischargeSummary"), now),
      ).to.emit(records, "RecordAnchored");
      const squatted = await records.recordIdOf(orgIds.pharmacy, hash);
      const real = await records.recordIdOf(orgIds.hospital, hash);
      expect(squatted).to.not.equal(real);
      expect((await records.record(real)).authorOrg).to.equal(orgIds.hospital);
    });
  });

  describe("decided items", function () {
    it("bounds break-glass: at most three windows awaiting review, and an unjustified review bars the hospital", async function () {
      const { records, actors, orgIds, report } = await world();
      for (let i = 0; i < 3; i++) await records.connect(actors.pharmacy).breakGlass(report.recordId, 1);
      await expect(records.connect(actors.pharmacy).breakGlass(report.recordId, 1))
        .to.be.revertedWithCustomError(records, "MedicalTooManyPendingEmergencies")
        .withArgs(orgIds.pharmacy, 3);
      await records.connect(actors.regulator).reviewEmergency(1, false, contentHash("no emergency"));
      const barredUntil = (await time.latest()) + 30 * DAY;
      expect(await records.breakGlassStanding(orgIds.pharmacy)).to.deep.equal([2n, BigInt(barredUntil)]);
      await expect(records.connect(actors.pharmacy).breakGlass(report.recordId, 1))
        .to.be.revertedWithCustomError(records, "MedicalBreakGlassBarred")
        .withArgs(orgIds.pharmacy, barredUntil);
    });

    it("refuses a regulator reviewing its own organisation's emergency", async function () {
      const w = await world();
      const { records, actors, orgIds, report } = w;
      await setRoles(w, orgIds.hospital, ["HOSPITAL", "REGULATOR"]);
      await records.connect(actors.hospital).breakGlass(report.recordId, 1);
      await expect(records.connect(actors.hospital).reviewEmergency(1, true, contentHash("self")))
        .to.be.revertedWithCustomError(records, "MedicalSelfReview")
        .withArgs(1, orgIds.hospital);
    });

    it("stops a suspended insurer's pool from paying automatically", async function () {
      const w = await world();
      const { insurance, actors, orgIds, claim, paymentTerms } = w;
      await suspend(w, orgIds.insurer, actors.insurer);
      const r = await submitClaim(insurance, actors.hospital, claim(), paymentTerms);
      expect([r.status, r.reviewFlags]).to.deep.equal(["Pending", ["insurerInactive"]]);
    });
  });
});
