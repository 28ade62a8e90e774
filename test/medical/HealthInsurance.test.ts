import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DAY, YEAR, deployMedicalFixture, deployMedicalWorldFixture } from "../fixtures/medical";
import { deployConsortiumFixture } from "../fixtures/consortium";
import { shouldBehaveLikeRestricted } from "../behaviours/restricted";
import { categoryCode, claimFingerprint, contentHash } from "../../src/fhir";
import {
  ClaimInput,
  anchorRecord,
  claimView,
  consentTerms,
  deployMedical,
  grantConsent,
  issuePolicy,
  revokeConsent,
  submitClaim,
} from "../../src/medical";
import { ROLES } from "../../src/roles";
import { setRoles, suspend } from "./helpers";

const NONCE = `0x${"5a".repeat(32)}`;
const OUTCOME = { queued: 0, complete: 1, partial: 2 };
const STATUS = { None: 0, Pending: 1, Approved: 2, Paid: 3, Denied: 4 };
const flag = (bits: number) => hre.ethers.zeroPadValue(hre.ethers.toBeHex(bits), 32);

async function world() {
  const w = await loadFixture(deployMedicalWorldFixture);
  const { actors, orgIds, policyId, report, paymentConsent } = w;
  let n = 0;
  const claim = (over: Partial<ClaimInput> = {}): ClaimInput => {
    n++;
    // One live claim per record and service date: each helper claim bills its own day's service.
    const serviceDate = (over.serviceDate as number | undefined) ?? w.activatedAt + n;
    const amount = (over.amount as bigint | undefined) ?? 25_000n;
    return {
      policyId,
      patient: actors.patient1.address,
      recordIds: [report.recordId],
      amount,
      serviceDate,
      fingerprint: claimFingerprint(NONCE, {
        patient: actors.patient1.address,
        providerOrg: orgIds.hospital,
        serviceDate,
        codes: [`CPT:99${n}`],
        amount,
      }),
      consentId: paymentConsent,
      ...over,
    };
  };
  return { ...w, claim };
}

describe("HealthInsurance", function () {
  describe("policies", function () {
    it("issues a policy, activates it when the premium is paid into the insurer's pool", async function () {
      const { insurance, records, token, actors, orgIds } = await loadFixture(deployMedicalFixture);
      const now = await time.latest();
      const terms = {
        patient: actors.patient2.address,
        coverageStart: now,
        coverageEnd: now + YEAR,
        annualLimit: 100_000n,
        deductible: 5_000n,
        coinsuranceBps: 1_000,
        premium: 9_000n,
        payee: 1,
        offerExpiresAt: now + DAY,
        coveredCategories: [categoryCode("Procedure")],
      };
      await expect(insurance.connect(actors.insurer).issuePolicy(terms))
        .to.emit(insurance, "PolicyIssued")
        .withArgs(1, actors.patient2.address, orgIds.insurer, Object.values(terms));
      let p = await insurance.policy(1);
      expect([p.patient, p.insurerOrg, p.patientOrg, p.payee, p.status]).to.deep.equal([
        actors.patient2.address,
        BigInt(orgIds.insurer),
        BigInt(orgIds.patient2),
        1n,
        1n,
      ]);
      expect(await insurance.covers(1, categoryCode("Procedure"))).to.equal(true);
      expect(await insurance.covers(1, categoryCode("Observation"))).to.equal(false);
      expect(await insurance.policyCount()).to.equal(1);
      await token.connect(actors.patient2).approve(await insurance.getAddress(), 9_000n);
      const premium = insurance.connect(actors.patient2).payPremium(1);
      await expect(premium).to.emit(insurance, "PolicyActivated").withArgs(1, actors.patient2.address, 9_000n);
      await expect(premium).to.changeTokenBalances(token, [actors.patient2, insurance], [-9_000n, 9_000n]);
      p = await insurance.policy(1);
      expect(p.status).to.equal(2);
      expect(p.activatedAt).to.equal(await time.latest());
      expect((await insurance.pool(orgIds.insurer)).balance).to.equal(9_000n);
      await expect(insurance.connect(actors.patient2).payPremium(1))
        .to.be.revertedWithCustomError(insurance, "InsurancePolicyNotOffered")
        .withArgs(1, 2);
      expect(await insurance.paymentToken()).to.equal(await token.getAddress());
      expect(await insurance.records()).to.equal(await records.getAddress());
    });

    it("refuses a premium after the coverage ended and for an unknown policy", async function () {
      const { insurance, actors } = await loadFixture(deployMedicalFixture);
      const now = await time.latest();
      await issuePolicy(insurance, actors.insurer, {
        patient: actors.patient2.address,
        coverageStart: now,
        coverageEnd: now + 10 * DAY,
        annualLimit: 1n,
        deductible: 0n,
        coinsuranceBps: 0,
        premium: 1n,
        payee: "patient",
        categories: ["Procedure"],
      });
      await time.increase(11 * DAY);
      await expect(insurance.connect(actors.patient2).payPremium(1))
        .to.be.revertedWithCustomError(insurance, "InsurancePolicyExpired")
        .withArgs(1, now + 10 * DAY);
      await expect(insurance.payPremium(2))
        .to.be.revertedWithCustomError(insurance, "InsuranceUnknownPolicy")
        .withArgs(2);
      await expect(insurance.policy(2)).to.be.revertedWithCustomError(insurance, "InsuranceUnknownPolicy").withArgs(2);
    });

    it("refuses malformed policy terms with the offending values", async function () {
      const { insurance, actors } = await loadFixture(deployMedicalFixture);
      const now = await time.latest();
      const good = {
        patient: actors.patient1.address,
        coverageStart: now,
        coverageEnd: now + YEAR,
        annualLimit: 1_000n,
        deductible: 0n,
        coinsuranceBps: 0,
        premium: 10n,
        payee: 0,
        offerExpiresAt: now + DAY,
        coveredCategories: [categoryCode("Procedure")],
      };
      const i = insurance.connect(actors.insurer);
      await expect(i.issuePolicy({ ...good, patient: actors.investor1.address }))
        .to.be.revertedWithCustomError(insurance, "InsuranceNotPatient")
        .withArgs(actors.investor1.address);
      for (const [s, e] of [
        [now + 5, now + 5],
        [now, now + 367 * DAY],
        [now - 20 * DAY, now - DAY],
      ]) {
        await expect(i.issuePolicy({ ...good, coverageStart: s, coverageEnd: e }))
          .to.be.revertedWithCustomError(insurance, "InsuranceInvalidCoverage")
          .withArgs(s, e);
      }
      await expect(i.issuePolicy({ ...good, annualLimit: 0n }))
        .to.be.revertedWithCustomError(insurance, "InsuranceInvalidLimit")
        .withArgs(0);
      await expect(i.issuePolicy({ ...good, coinsuranceBps: 10_000 }))
        .to.be.revertedWithCustomError(insurance, "InsuranceInvalidCoinsurance")
        .withArgs(10_000);
      await expect(i.issuePolicy({ ...good, premium: 0n })).to.be.revertedWithCustomError(
        insurance,
        "InsuranceInvalidPremium",
      );
      const c = categoryCode("Procedure");
      for (const cats of [[], Array(17).fill(c), [c, hre.ethers.ZeroHash]]) {
        await expect(i.issuePolicy({ ...good, coveredCategories: cats }))
          .to.be.revertedWithCustomError(insurance, "InsuranceInvalidCategories")
          .withArgs(cats.length, 16);
      }
    });
  });

  describe("pools", function () {
    it("funds and withdraws only the free balance", async function () {
      const { insurance, token, actors, orgIds } = await world();
      const addr = await insurance.getAddress();
      await token.connect(actors.insurer).approve(addr, 5n);
      await expect(insurance.connect(actors.insurer).fundPool(5n))
        .to.emit(insurance, "PoolFunded")
        .withArgs(orgIds.insurer, actors.insurer.address, 5n, 1_120_005n);
      await expect(insurance.connect(actors.insurer).withdrawPool(1_120_006n))
        .to.be.revertedWithCustomError(insurance, "InsuranceInsufficientPool")
        .withArgs(orgIds.insurer, 1_120_005n, 1_120_006n);
      const withdrawal = insurance.connect(actors.insurer).withdrawPool(120_005n);
      await expect(withdrawal)
        .to.emit(insurance, "PoolWithdrawn")
        .withArgs(orgIds.insurer, actors.insurer.address, 120_005n, 1_000_000n);
      await expect(withdrawal).to.changeTokenBalances(token, [actors.insurer, insurance], [120_005n, -120_005n]);
      for (const f of [
        () => insurance.connect(actors.insurer).fundPool(0),
        () => insurance.connect(actors.insurer).withdrawPool(0),
      ]) {
        await expect(f()).to.be.revertedWithCustomError(insurance, "InsuranceZeroAmount");
      }
    });

    it("refuses funding beyond the pool's 128-bit accounting", async function () {
      const { insurance, token, actors } = await world();
      const huge = 2n ** 128n;
      await token.connect(actors.deployer).mint(actors.insurer.address, huge);
      await token.connect(actors.insurer).approve(await insurance.getAddress(), huge);
      await expect(insurance.connect(actors.insurer).fundPool(huge))
        .to.be.revertedWithCustomError(insurance, "SafeCastOverflowedUintDowncast")
        .withArgs(128, huge);
    });
  });

  describe("automatic adjudication", function () {
    it("pays a claim in the same transaction after deductible and coinsurance, crediting the hospital", async function () {
      const { insurance, actors, orgIds, policyId, claim, paymentTerms, report } = await world();
      const c = claim();
      const tx = insurance.connect(actors.hospital).submitClaim(c, paymentTerms);
      // 25,000 claimed; 10,000 deductible open; 20 % coinsurance: (25,000 − 10,000) × 0.8 = 12,000.
      await expect(tx)
        .to.emit(insurance, "ClaimSubmitted")
        .withArgs(1, policyId, orgIds.hospital, c.fingerprint, [report.recordId], 25_000n, c.serviceDate)
        .and.to.emit(insurance, "ClaimAdjudicated")
        .withArgs(1, OUTCOME.complete, STATUS.Paid, 25_000n, 25_000n, 10_000n, 12_000n, hre.ethers.ZeroHash)
        .and.to.emit(insurance, "ClaimPaid")
        .withArgs(1, orgIds.hospital, 12_000n);
      expect(await insurance.creditOf(orgIds.hospital)).to.equal(12_000n);
      expect(await insurance.pool(orgIds.insurer)).to.deep.equal([1_108_000n, 0n]);
      const p = await insurance.policy(policyId);
      expect([p.used, p.deductibleMet]).to.deep.equal([12_000n, 10_000n]);
      expect(await claimView(insurance, 1n)).to.deep.include({ status: "Paid", benefit: 12_000n, deductible: 10_000n });
      expect(await insurance.claimIdOfService(policyId, report.recordId, c.serviceDate)).to.equal(1);
      expect(await insurance.claimCount()).to.equal(1);
      // The deductible is met: the next claim pays 80 %.
      const r = await submitClaim(insurance, actors.hospital, claim({ amount: 5_000n }), paymentTerms);
      expect([r.status, r.deductible, r.benefit]).to.deep.equal(["Paid", 0n, 4_000n]);
    });

    it("pays the patient when the policy says so, and the payee withdraws its credit", async function () {
      const { insurance, records, token, actors, orgIds, now } = await world();
      const rec = await anchorRecord(records, actors.pharmacy, {
        patient: actors.patient2.address,
        document: "encrypted:p2",
        location: "s3://corner/p2",
        category: "Procedure",
        authoredAt: now,
      });
      const terms = consentTerms({
        patient: actors.patient2.address,
        granteeOrg: orgIds.pharmacy,
        actions: ["disclose"],
        purposes: ["payment"],
        categories: ["Procedure"],
        validFrom: now,
        validUntil: now + 10 * DAY,
      });
      const consentId = await grantConsent(records, actors.patient2, terms);
      const policyId = await issuePolicy(insurance, actors.insurer, {
        patient: actors.patient2.address,
        coverageStart: now - DAY,
        coverageEnd: now + 100 * DAY,
        annualLimit: 50_000n,
        deductible: 0n,
        coinsuranceBps: 0,
        premium: 1n,
        payee: "patient",
        categories: ["Procedure"],
      });
      await token.connect(actors.patient2).approve(await insurance.getAddress(), 1n);
      await insurance.connect(actors.patient2).payPremium(policyId);
      const r = await submitClaim(
        insurance,
        actors.pharmacy,
        {
          policyId,
          patient: actors.patient2.address,
          recordIds: [rec.recordId],
          amount: 7_000n,
          serviceDate: await time.latest(),
          fingerprint: contentHash("fp-p2"),
          consentId,
        },
        terms,
      );
      expect([r.status, r.benefit]).to.deep.equal(["Paid", 7_000n]);
      expect(await insurance.creditOf(orgIds.patient2)).to.equal(7_000n);
      const withdrawal = insurance.connect(actors.patient2).withdrawCredit();
      await expect(withdrawal)
        .to.emit(insurance, "CreditWithdrawn")
        .withArgs(orgIds.patient2, actors.patient2.address, 7_000n);
      await expect(withdrawal).to.changeTokenBalances(token, [actors.patient2, insurance], [7_000n, -7_000n]);
      await expect(insurance.connect(actors.patient2).withdrawCredit())
        .to.be.revertedWithCustomError(insurance, "InsuranceNothingToWithdraw")
        .withArgs(orgIds.patient2);
      await expect(insurance.connect(actors.outsider).withdrawCredit())
        .to.be.revertedWithCustomError(insurance, "InsuranceNotMember")
        .withArgs(actors.outsider.address);
    });

    it("counts a claim inside the open deductible towards it and pays nothing", async function () {
      const { insurance, actors, claim, paymentTerms, policyId } = await world();
      const r = await submitClaim(insurance, actors.hospital, claim({ amount: 4_000n }), paymentTerms);
      expect([r.status, r.eligible, r.deductible, r.benefit]).to.deep.equal(["Paid", 4_000n, 4_000n, 0n]);
      const p = await insurance.policy(policyId);
      expect([p.used, p.deductibleMet]).to.deep.equal([0n, 4_000n]);
      // 6,000 of deductible remain: (10,000 − 6,000) × 0.8 = 3,200
      const next = await submitClaim(insurance, actors.hospital, claim({ amount: 10_000n }), paymentTerms);
      expect([next.deductible, next.benefit]).to.deep.equal([6_000n, 3_200n]);
    });

    it("refuses a second claim on the same policy, record and service date, whoever submits it", async function () {
      const { insurance, actors, claim, paymentTerms, policyId, report } = await world();
      const c = claim();
      await insurance.connect(actors.hospital).submitClaim(c, paymentTerms);
      await expect(
        insurance
          .connect(actors.pharmacy)
          .submitClaim({ ...c, amount: 1n, fingerprint: contentHash("x") }, paymentTerms),
      )
        .to.be.revertedWithCustomError(insurance, "InsuranceDuplicateClaim")
        .withArgs(policyId, report.recordId, c.serviceDate, 1);
    });

    it("refuses malformed claims with the offending values and stores nothing", async function () {
      const { insurance, records, actors, claim, paymentTerms, now, policyId } = await world();
      const h = insurance.connect(actors.hospital);
      const other = await anchorRecord(records, actors.hospital, {
        patient: actors.patient2.address,
        document: "encrypted:other",
        location: "x",
        category: "Observation",
        authoredAt: now,
      });
      await expect(h.submitClaim(claim({ policyId: 9 }), paymentTerms))
        .to.be.revertedWithCustomError(insurance, "InsuranceUnknownPolicy")
        .withArgs(9);
      await expect(h.submitClaim(claim({ patient: actors.patient2.address }), paymentTerms))
        .to.be.revertedWithCustomError(insurance, "InsurancePatientMismatch")
        .withArgs(policyId, actors.patient2.address);
      await expect(h.submitClaim(claim({ amount: 0n }), paymentTerms)).to.be.revertedWithCustomError(
        insurance,
        "InsuranceZeroAmount",
      );
      for (const serviceDate of [0, now + 10 * DAY]) {
        await expect(h.submitClaim(claim({ serviceDate }), paymentTerms))
          .to.be.revertedWithCustomError(insurance, "InsuranceInvalidServiceDate")
          .withArgs(serviceDate);
      }
      await expect(
        h.submitClaim(claim({ fingerprint: hre.ethers.ZeroHash }), paymentTerms),
      ).to.be.revertedWithCustomError(insurance, "InsuranceInvalidFingerprint");
      for (const ids of [[], Array.from({ length: 9 }, (_, i) => BigInt(i + 1))]) {
        await expect(h.submitClaim(claim({ recordIds: ids }), paymentTerms))
          .to.be.revertedWithCustomError(insurance, "InsuranceInvalidRecords")
          .withArgs(ids.length, 8);
      }
      await expect(h.submitClaim(claim({ recordIds: [99n] }), paymentTerms))
        .to.be.revertedWithCustomError(records, "MedicalUnknownRecord")
        .withArgs(99n);
      await expect(h.submitClaim(claim({ recordIds: [other.recordId] }), paymentTerms))
        .to.be.revertedWithCustomError(insurance, "InsuranceRecordOfOtherPatient")
        .withArgs(other.recordId, actors.patient2.address);
      expect(await insurance.claimCount()).to.equal(0);
    });

    it("refuses a claim by a suspended hospital", async function () {
      const w = await world();
      await suspend(w, w.orgIds.hospital, w.actors.hospital);
      await expect(w.insurance.connect(w.actors.hospital).submitClaim(w.claim(), w.paymentTerms))
        .to.be.revertedWithCustomError(w.insurance, "AccessMissingRole")
        .withArgs(w.actors.hospital.address, ROLES.HOSPITAL);
    });

    it("sends an uncovered category to review, flagged", async function () {
      const { insurance, records, actors, claim, paymentTerms, now } = await world();
      const scan = await anchorRecord(records, actors.hospital, {
        patient: actors.patient1.address,
        document: "encrypted:scan",
        location: "x",
        category: "ImagingStudy",
        authoredAt: now,
      });
      const terms = consentTerms({
        patient: actors.patient1.address,
        granteeOrg: paymentTerms.granteeOrg as number,
        actions: ["disclose"],
        purposes: ["payment"],
        categories: ["ImagingStudy", "DiagnosticReport"],
        validFrom: now,
        validUntil: now + 10 * DAY,
      });
      const consentId = await grantConsent(records, actors.patient1, terms);
      await expect(
        insurance.connect(actors.hospital).submitClaim(claim({ recordIds: [scan.recordId], consentId }), terms),
      )
        .to.emit(insurance, "ClaimAdjudicated")
        .withArgs(1, OUTCOME.queued, STATUS.Pending, 25_000n, 0, 0, 0, flag(4));
      expect(await claimView(insurance, 1n)).to.deep.include({
        status: "Pending",
        reviewFlags: ["categoryNotCovered"],
      });
    });

    it("sends a claim without consent to disclose for payment to review (revoked, other purpose, other grantee)", async function () {
      const {
        insurance,
        records,
        actors,
        orgIds,
        claim,
        paymentTerms,
        paymentConsent,
        treatmentConsent,
        treatmentTerms,
      } = await world();
      const h = insurance.connect(actors.hospital);
      // consent to the pharmacy for treatment: wrong grantee for this claim
      await expect(h.submitClaim(claim({ consentId: treatmentConsent }), treatmentTerms))
        .to.emit(insurance, "ClaimAdjudicated")
        .withArgs(1, OUTCOME.queued, STATUS.Pending, 25_000n, 0, 0, 0, flag(2));
      // the hospital itself as grantee, but for treatment only
      const t2 = consentTerms({
        patient: actors.patient1.address,
        granteeOrg: orgIds.hospital,
        actions: ["disclose"],
        purposes: ["treatment"],
        categories: ["DiagnosticReport"],
        validFrom: (await time.latest()) - 10,
        validUntil: (await time.latest()) + DAY,
      });
      const id2 = await grantConsent(records, actors.patient1, t2);
      await expect(h.submitClaim(claim({ consentId: id2 }), t2))
        .to.emit(insurance, "ClaimAdjudicated")
        .withArgs(2, OUTCOME.queued, STATUS.Pending, 25_000n, 0, 0, 0, flag(2));
      await revokeConsent(records, actors.patient1, paymentConsent, paymentTerms);
      await expect(h.submitClaim(claim(), paymentTerms))
        .to.emit(insurance, "ClaimAdjudicated")
        .withArgs(3, OUTCOME.queued, STATUS.Pending, 25_000n, 0, 0, 0, flag(2));
      // consent to the hospital itself to disclose for payment is enough
      const t3 = { ...t2, purposes: 2 };
      const id3 = await grantConsent(records, actors.patient1, t3);
      const r = await submitClaim(insurance, actors.hospital, claim({ consentId: id3 }), t3);
      expect(r.status).to.equal("Paid");
    });

    it("sends a claim outside the coverage period or on an unpaid policy to review", async function () {
      const { insurance, actors, claim, paymentTerms, now, policyId } = await world();
      const p = await insurance.policy(policyId);
      await expect(
        insurance.connect(actors.hospital).submitClaim(claim({ serviceDate: p.coverageStart - 1n }), paymentTerms),
      )
        .to.emit(insurance, "ClaimAdjudicated")
        .withArgs(1, OUTCOME.queued, STATUS.Pending, 25_000n, 0, 0, 0, flag(1));
      const unpaid = await issuePolicy(insurance, actors.insurer, {
        patient: actors.patient1.address,
        coverageStart: now - DAY,
        coverageEnd: now + DAY,
        annualLimit: 1_000_000n,
        deductible: 0n,
        coinsuranceBps: 0,
        premium: 1n,
        payee: "provider",
        categories: ["DiagnosticReport"],
      });
      const r = await submitClaim(insurance, actors.hospital, claim({ policyId: unpaid }), paymentTerms);
      expect(r.reviewFlags).to.deep.equal(["policyInactive"]);
      await time.increase(YEAR);
      const late = await submitClaim(
        insurance,
        actors.hospital,
        claim({ serviceDate: p.coverageEnd + 1n }),
        paymentTerms,
      );
      expect(late.reviewFlags).to.deep.equal(["policyInactive", "noPaymentConsent"]);
    });

    it("sends a claim over the remaining annual limit to review", async function () {
      const { insurance, actors, claim, paymentTerms } = await world();
      // (700,000 − 10,000) × 0.8 = 552,000 > 500,000
      await expect(insurance.connect(actors.hospital).submitClaim(claim({ amount: 700_000n }), paymentTerms))
        .to.emit(insurance, "ClaimAdjudicated")
        .withArgs(1, OUTCOME.queued, STATUS.Pending, 700_000n, 0, 0, 0, flag(8));
    });
  });

  describe("review", function () {
    async function pending() {
      const w = await world();
      await w.insurance.connect(w.actors.hospital).submitClaim(w.claim({ amount: 700_000n }), w.paymentTerms);
      return w;
    }

    it("approves in part within the limit: Partial outcome, paid", async function () {
      const { insurance, actors, orgIds } = await pending();
      // (600,000 − 10,000) × 0.8 = 472,000
      await expect(insurance.connect(actors.insurer).approveClaim(1, 600_000n))
        .to.emit(insurance, "ClaimAdjudicated")
        .withArgs(1, OUTCOME.partial, STATUS.Paid, 700_000n, 600_000n, 10_000n, 472_000n, hre.ethers.ZeroHash)
        .and.to.emit(insurance, "ClaimPaid")
        .withArgs(1, orgIds.hospital, 472_000n);
      await expect(insurance.connect(actors.insurer).approveClaim(1, 1n))
        .to.be.revertedWithCustomError(insurance, "InsuranceWrongClaimStatus")
        .withArgs(1, STATUS.Paid);
    });

    it("approves in full with a Complete outcome", async function () {
      const { insurance, actors, claim, paymentTerms } = await pending();
      await insurance.connect(actors.hospital).submitClaim(claim({ serviceDate: 1 }), paymentTerms);
      await expect(insurance.connect(actors.insurer).approveClaim(2, 25_000n))
        .to.emit(insurance, "ClaimAdjudicated")
        .withArgs(2, OUTCOME.complete, STATUS.Paid, 25_000n, 25_000n, 10_000n, 12_000n, hre.ethers.ZeroHash);
    });

    it("refuses an approval over the remaining limit or outside 1..submitted", async function () {
      const { insurance, actors } = await pending();
      const i = insurance.connect(actors.insurer);
      await expect(i.approveClaim(1, 700_000n))
        .to.be.revertedWithCustomError(insurance, "InsuranceOverLimit")
        .withArgs(1, 552_000n, 500_000n);
      for (const e of [0n, 700_001n]) {
        await expect(i.approveClaim(1, e))
          .to.be.revertedWithCustomError(insurance, "InsuranceInvalidEligible")
          .withArgs(1, e, 700_000n);
      }
      await expect(i.approveClaim(5, 1n)).to.be.revertedWithCustomError(insurance, "InsuranceUnknownClaim").withArgs(5);
    });

    it("denies with a reason; a denied claim is closed", async function () {
      const { insurance, actors } = await pending();
      const reason = hre.ethers.encodeBytes32String("a001");
      await expect(insurance.connect(actors.insurer).denyClaim(1, hre.ethers.ZeroHash))
        .to.be.revertedWithCustomError(insurance, "InsuranceMissingReason")
        .withArgs(1);
      await expect(insurance.connect(actors.insurer).denyClaim(1, reason))
        .to.emit(insurance, "ClaimAdjudicated")
        .withArgs(1, OUTCOME.complete, STATUS.Denied, 700_000n, 0, 0, 0, reason);
      await expect(insurance.connect(actors.insurer).denyClaim(1, reason))
        .to.be.revertedWithCustomError(insurance, "InsuranceWrongClaimStatus")
        .withArgs(1, STATUS.Denied);
    });

    it("refuses a review by an insurer that does not hold the policy", async function () {
      const w = await pending();
      await setRoles(w, w.orgIds.assetOperator, ["ASSET_OPERATOR", "INSURER"]);
      await expect(w.insurance.connect(w.actors.assetOperator).approveClaim(1, 1n))
        .to.be.revertedWithCustomError(w.insurance, "InsuranceNotPolicyInsurer")
        .withArgs(w.policyId, w.orgIds.assetOperator);
      await expect(w.insurance.connect(w.actors.assetOperator).denyClaim(1, hre.ethers.ZeroHash))
        .to.be.revertedWithCustomError(w.insurance, "InsuranceNotPolicyInsurer")
        .withArgs(w.policyId, w.orgIds.assetOperator);
    });
  });

  describe("underfunded pool", function () {
    it("never pays partially: the approved claim waits, visible, until anyone settles it after funding", async function () {
      const { insurance, token, actors, orgIds, claim, paymentTerms } = await world();
      await insurance.connect(actors.insurer).withdrawPool(1_110_000n); // 10,000 left
      const tx = insurance.connect(actors.hospital).submitClaim(claim(), paymentTerms);
      await expect(tx)
        .to.emit(insurance, "ClaimAdjudicated")
        .withArgs(1, OUTCOME.complete, STATUS.Approved, 25_000n, 25_000n, 10_000n, 12_000n, hre.ethers.ZeroHash)
        .and.to.emit(insurance, "ClaimAwaitingFunds")
        .withArgs(1, orgIds.insurer, 12_000n, 10_000n);
      await expect(tx).not.to.emit(insurance, "ClaimPaid");
      expect(await insurance.pool(orgIds.insurer)).to.deep.equal([10_000n, 12_000n]);
      expect(await insurance.creditOf(orgIds.hospital)).to.equal(0);
      // a second, smaller claim cannot take the funds the first one waits for
      const second = await submitClaim(insurance, actors.hospital, claim({ amount: 1_000n }), paymentTerms);
      expect(second.status).to.equal("Approved");
      await expect(insurance.connect(actors.insurer).withdrawPool(1n))
        .to.be.revertedWithCustomError(insurance, "InsuranceInsufficientPool")
        .withArgs(orgIds.insurer, 0, 1);
      await expect(insurance.connect(actors.outsider).settleClaim(1))
        .to.be.revertedWithCustomError(insurance, "InsurancePoolUnderfunded")
        .withArgs(orgIds.insurer, 10_000n, 12_000n);
      await token.connect(actors.insurer).approve(await insurance.getAddress(), 5_000n);
      await insurance.connect(actors.insurer).fundPool(5_000n);
      await expect(insurance.connect(actors.outsider).settleClaim(1))
        .to.emit(insurance, "ClaimPaid")
        .withArgs(1, orgIds.hospital, 12_000n);
      await expect(insurance.connect(actors.outsider).settleClaim(2))
        .to.emit(insurance, "ClaimPaid")
        .withArgs(2, orgIds.hospital, 800n);
      expect(await insurance.pool(orgIds.insurer)).to.deep.equal([2_200n, 0n]);
      await expect(insurance.settleClaim(1))
        .to.be.revertedWithCustomError(insurance, "InsuranceWrongClaimStatus")
        .withArgs(1, STATUS.Paid);
      await expect(insurance.settleClaim(9))
        .to.be.revertedWithCustomError(insurance, "InsuranceUnknownClaim")
        .withArgs(9);
    });

    it("lets an insurer approval wait for funds too", async function () {
      const { insurance, actors, orgIds, claim, paymentTerms } = await world();
      await insurance.connect(actors.hospital).submitClaim(claim({ amount: 700_000n }), paymentTerms);
      await insurance.connect(actors.insurer).withdrawPool(1_000_000n);
      await expect(insurance.connect(actors.insurer).approveClaim(1, 600_000n))
        .to.emit(insurance, "ClaimAwaitingFunds")
        .withArgs(1, orgIds.insurer, 472_000n, 120_000n);
      expect((await claimView(insurance, 1n)).status).to.equal("Approved");
    });
  });

  describe("re-entrancy", function () {
    async function reentrantWorld() {
      const city = await deployConsortiumFixture();
      const { actors, orgIds } = city;
      const token = await hre.ethers.deployContract("ReentrantPaymentToken");
      const { records, insurance } = await deployMedical(hre, city.consortium, token, actors.deployer);
      const address = await insurance.getAddress();
      for (const a of [actors.insurer, actors.patient1]) {
        await token.mint(a.address, 1_000_000n);
        await token.connect(a).approve(address, 1_000_000n);
      }
      const now = await time.latest();
      const rec = await anchorRecord(records, actors.hospital, {
        patient: actors.patient1.address,
        document: "encrypted:r",
        location: "x",
        category: "Procedure",
        authoredAt: now,
      });
      const terms = consentTerms({
        patient: actors.patient1.address,
        granteeOrg: orgIds.insurer,
        actions: ["disclose"],
        purposes: ["payment"],
        categories: ["Procedure"],
        validFrom: now,
        validUntil: now + 10 * DAY,
      });
      const consentId = await grantConsent(records, actors.patient1, terms);
      const policyId = await issuePolicy(insurance, actors.insurer, {
        patient: actors.patient1.address,
        coverageStart: now - DAY,
        coverageEnd: now + DAY,
        annualLimit: 100_000n,
        deductible: 0n,
        coinsuranceBps: 0,
        premium: 10n,
        payee: "provider",
        categories: ["Procedure"],
      });
      return { ...city, token, insurance, rec, terms, consentId, policyId, now };
    }

    it("refuses re-entry from the token into every function that moves tokens", async function () {
      const { token, insurance, actors, rec, terms, consentId, policyId } = await loadFixture(reentrantWorld);
      const target = await insurance.getAddress();
      const arm = (data: string) => token.arm(target, data);
      const iface = insurance.interface;
      await arm(iface.encodeFunctionData("payPremium", [policyId]));
      await expect(insurance.connect(actors.patient1).payPremium(policyId)).to.be.revertedWithCustomError(
        insurance,
        "ReentrancyGuardReentrantCall",
      );
      await token.arm(hre.ethers.ZeroAddress, "0x");
      await insurance.connect(actors.patient1).payPremium(policyId);
      await arm(iface.encodeFunctionData("fundPool", [1]));
      await expect(insurance.connect(actors.insurer).fundPool(500_000n)).to.be.revertedWithCustomError(
        insurance,
        "ReentrancyGuardReentrantCall",
      );
      await token.arm(hre.ethers.ZeroAddress, "0x");
      await insurance.connect(actors.insurer).fundPool(500_000n);
      await arm(iface.encodeFunctionData("withdrawPool", [1]));
      await expect(insurance.connect(actors.insurer).withdrawPool(10n)).to.be.revertedWithCustomError(
        insurance,
        "ReentrancyGuardReentrantCall",
      );
      await token.arm(hre.ethers.ZeroAddress, "0x");
      await insurance.connect(actors.hospital).submitClaim(
        {
          policyId,
          patient: actors.patient1.address,
          recordIds: [rec.recordId],
          amount: 1_000n,
          serviceDate: Number((await insurance.policy(policyId)).activatedAt),
          fingerprint: contentHash("reentry"),
          consentId,
        },
        terms,
      );
      await arm(iface.encodeFunctionData("withdrawCredit"));
      await expect(insurance.connect(actors.hospital).withdrawCredit()).to.be.revertedWithCustomError(
        insurance,
        "ReentrancyGuardReentrantCall",
      );
    });
  });

  shouldBehaveLikeRestricted(async () => {
    const { insurance, actors, claim, paymentTerms, now } = await world();
    const o = insurance.connect(actors.outsider);
    return [
      {
        name: "issuePolicy by a non-insurer",
        send: () =>
          o.issuePolicy({
            patient: actors.patient1.address,
            coverageStart: now,
            coverageEnd: now + DAY,
            annualLimit: 1n,
            deductible: 0n,
            coinsuranceBps: 0,
            premium: 1n,
            payee: 0,
            offerExpiresAt: now + DAY,
            coveredCategories: [categoryCode("Procedure")],
          }),
        contract: insurance,
        error: "AccessMissingRole",
        args: [actors.outsider.address, ROLES.INSURER],
      },
      {
        name: "fundPool by a non-insurer",
        send: () => o.fundPool(1),
        contract: insurance,
        error: "AccessMissingRole",
        args: [actors.outsider.address, ROLES.INSURER],
      },
      {
        name: "withdrawPool by a non-insurer",
        send: () => o.withdrawPool(1),
        contract: insurance,
        error: "AccessMissingRole",
        args: [actors.outsider.address, ROLES.INSURER],
      },
      {
        name: "submitClaim by a non-hospital",
        send: () => o.submitClaim(claim(), paymentTerms),
        contract: insurance,
        error: "AccessMissingRole",
        args: [actors.outsider.address, ROLES.HOSPITAL],
      },
      {
        name: "approveClaim by a non-insurer",
        send: () => o.approveClaim(1, 1),
        contract: insurance,
        error: "AccessMissingRole",
        args: [actors.outsider.address, ROLES.INSURER],
      },
      {
        name: "denyClaim by a non-insurer",
        send: () => o.denyClaim(1, hre.ethers.ZeroHash),
        contract: insurance,
        error: "AccessMissingRole",
        args: [actors.outsider.address, ROLES.INSURER],
      },
      {
        name: "withdrawCredit by a non-member",
        send: () => o.withdrawCredit(),
        contract: insurance,
        error: "InsuranceNotMember",
        args: [actors.outsider.address],
      },
    ];
  });
});
