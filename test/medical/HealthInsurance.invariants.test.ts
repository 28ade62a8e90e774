import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { DAY, deployMedicalWorldFixture } from "../fixtures/medical";
import { contentHash } from "../../src/fhir";
import {
  ClaimInput,
  anchorRecord,
  consentTerms,
  eventsOf,
  grantConsent,
  issuePolicy,
  payPremium,
} from "../../src/medical";
import { prng } from "./helpers";

const SEEDS = [1, 7, 2026];
const STEPS = 70;

/**
 * Random sequences of claims, reviews, funding, withdrawals, settlements and payee withdrawals, from fixed seeds.
 * After every step: tokens held = Σ pool balances + Σ credits; payouts never exceed what was funded; no claim is
 * paid twice; each policy's committed benefit equals the sum of its paid/approved claims and stays ≤ its limit;
 * each pool's `owed` equals the benefits of its claims waiting for funds. Business rules: one paid claim per policy,
 * record and service date (duplicates refused with the live claim's id); an automatically paid claim rests on a
 * record its claimant authored and a service date within [activation, coverage end]; waiting claims settle first
 * in, first out (any other waiting claim is refused with `InsuranceNotNextInLine`).
 */
describe("HealthInsurance invariants (fixed-seed PRNG)", function () {
  for (const seed of SEEDS) {
    it(`keeps the pool solvent and the limits for seed ${seed}`, async function () {
      const w = await loadFixture(deployMedicalWorldFixture);
      const { insurance, records, token, actors, orgIds, now } = w;
      const rnd = prng(seed);
      const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
      const address = await insurance.getAddress();

      // A second policy (patient2, paid to the patient, small limit) so limits and payees vary.
      const rec2 = await anchorRecord(records, actors.pharmacy, {
        patient: actors.patient2.address,
        document: "encrypted:p2-proc",
        location: "s3://corner/p2",
        category: "Procedure",
        authoredAt: now,
      });
      const terms2 = consentTerms({
        patient: actors.patient2.address,
        granteeOrg: orgIds.insurer,
        actions: ["disclose"],
        purposes: ["payment"],
        categories: ["Procedure"],
        validFrom: now,
        validUntil: now + 300 * DAY,
      });
      const consent2 = await grantConsent(records, actors.patient2, terms2);
      const policy2 = await issuePolicy(insurance, actors.insurer, {
        patient: actors.patient2.address,
        coverageStart: now - DAY,
        coverageEnd: now + 300 * DAY,
        annualLimit: 60_000n,
        deductible: 3_000n,
        coinsuranceBps: 1_500,
        premium: 5_000n,
        payee: "patient",
        categories: ["Procedure"],
      });
      await payPremium(insurance, token, actors.patient2, policy2);
      await token.connect(actors.insurer).approve(address, 2n ** 64n);
      await token.connect(actors.deployer).mint(actors.insurer.address, 50_000_000n);
      // Keep the pool tight so that claims regularly wait for funds.
      await insurance.connect(actors.insurer).withdrawPool(1_060_000n);

      const plans = [
        {
          policyId: w.policyId,
          patient: actors.patient1.address,
          recordId: w.report.recordId,
          author: orgIds.hospital,
          activatedAt: BigInt(w.activatedAt),
          consentId: w.paymentConsent,
          terms: w.paymentTerms,
        },
        {
          policyId: policy2,
          patient: actors.patient2.address,
          recordId: rec2.recordId,
          author: orgIds.pharmacy,
          activatedAt: (await insurance.policy(policy2)).activatedAt,
          consentId: consent2,
          terms: terms2,
        },
      ];
      const hospitals = [actors.hospital, actors.pharmacy];
      const payees = [orgIds.hospital, orgIds.pharmacy, orgIds.patient1, orgIds.patient2];
      let funded = 1_000_000n + 120_000n + 5_000n; // fixture funding + both premiums
      let withdrawnFromPool = 1_060_000n;
      let waited = 0;
      let settled = 0;
      let paidOut = 0n;
      const paidClaims = new Set<bigint>();
      /** What each claim rested on, to check the business rules of every paid claim. */
      const submitted = new Map<bigint, { recordId: bigint; serviceDate: bigint; provider: number }>();
      const services: { policyId: bigint; recordId: bigint; serviceDate: number }[] = [];
      let serviceClock = Math.max(w.activatedAt, Number(plans[1].activatedAt));

      const check = async () => {
        const pool = await insurance.pool(orgIds.insurer);
        let credits = 0n;
        for (const org of payees) credits += await insurance.creditOf(org);
        expect(await token.balanceOf(address), "tokens = pools + credits").to.equal(pool.balance + credits);
        expect(paidOut, "payouts <= funded").to.be.lte(funded - withdrawnFromPool);
        expect(pool.balance).to.equal(funded - withdrawnFromPool - paidOut);
        const count = await insurance.claimCount();
        const used = new Map<bigint, bigint>();
        let owed = 0n;
        for (let id = 1n; id <= count; id++) {
          const c = await insurance.claim(id);
          if (c.status === 2n || c.status === 3n) used.set(c.policyId, (used.get(c.policyId) ?? 0n) + c.benefit);
          if (c.status === 2n) owed += c.benefit;
        }
        expect(pool.owed, "owed = waiting benefits").to.equal(owed);
        for (const plan of plans) {
          const p = await insurance.policy(plan.policyId);
          expect(p.used, "used = committed benefits").to.equal(used.get(plan.policyId) ?? 0n);
          expect(p.used, "used <= annual limit").to.be.lte(p.annualLimit);
        }
        // Business rules of every paid claim: one paid claim per policy, record and service date; an automatically
        // paid claim rests on a record its claimant authored and a service date within [activation, end].
        const paidService = new Set<string>();
        for (let id = 1n; id <= count; id++) {
          const c = await insurance.claim(id);
          if (c.status !== 3n) continue;
          const s = submitted.get(id)!;
          const key = `${c.policyId}/${s.recordId}/${s.serviceDate}`;
          expect(paidService.has(key), "one paid claim per policy, record and date").to.equal(false);
          paidService.add(key);
          if (c.reviewFlags === 0n) {
            const plan = plans.find((x) => x.policyId === c.policyId)!;
            const policy = await insurance.policy(c.policyId);
            expect(s.provider, "auto-paid: the claimant authored the record").to.equal(plan.author);
            expect(c.serviceDate, "auto-paid: on or after activation").to.be.gte(policy.activatedAt);
            expect(c.serviceDate, "auto-paid: before coverage end").to.be.lte(policy.coverageEnd);
          }
        }
      };

      for (let step = 0; step < STEPS; step++) {
        const op = rnd();
        if (op < 0.4) {
          const plan = pick(plans);
          const previous = services.filter((x) => x.policyId === plan.policyId);
          const duplicate = previous.length > 0 && rnd() < 0.15;
          const serviceDate = duplicate ? pick(previous).serviceDate : ++serviceClock;
          const input: ClaimInput = {
            policyId: plan.policyId,
            patient: plan.patient,
            recordIds: [plan.recordId],
            amount: BigInt(1 + Math.floor(rnd() * 90_000)),
            serviceDate,
            fingerprint: contentHash(`seed${seed}-claim${step}`),
            consentId: plan.consentId,
          };
          // Mostly the record's author claims; sometimes the other hospital tries (and must be sent to review).
          const authorSigner = plan.author === orgIds.hospital ? actors.hospital : actors.pharmacy;
          const hospital = rnd() < 0.75 ? authorSigner : pick(hospitals);
          const live = duplicate ? await insurance.claimIdOfService(plan.policyId, plan.recordId, serviceDate) : 0n;
          const sent = insurance.connect(hospital).submitClaim(input, plan.terms);
          if (live !== 0n) {
            await expect(sent)
              .to.be.revertedWithCustomError(insurance, "InsuranceDuplicateClaim")
              .withArgs(plan.policyId, plan.recordId, serviceDate, live);
            continue;
          }
          const receipt = await (await sent).wait();
          const claimId = await insurance.claimCount();
          submitted.set(claimId, {
            recordId: plan.recordId,
            serviceDate: BigInt(serviceDate),
            provider: Number(await w.consortium.memberOf(hospital.address)),
          });
          if (!duplicate) services.push({ policyId: plan.policyId, recordId: plan.recordId, serviceDate });
          waited += eventsOf(insurance.interface, receipt, "ClaimAwaitingFunds").length;
          for (const e of eventsOf(insurance.interface, receipt, "ClaimPaid")) {
            expect(paidClaims.has(e.args.claimId), "paid once").to.equal(false);
            paidClaims.add(e.args.claimId);
            paidOut += e.args.benefit as bigint;
          }
        } else if (op < 0.55) {
          const count = await insurance.claimCount();
          if (count === 0n) continue;
          const id = BigInt(1 + Math.floor(rnd() * Number(count)));
          const c = await insurance.claim(id);
          if (c.status !== 1n) {
            await expect(insurance.connect(actors.insurer).approveClaim(id, 1n)).to.be.revertedWithCustomError(
              insurance,
              "InsuranceWrongClaimStatus",
            );
            continue;
          }
          if (rnd() < 0.3) {
            await insurance.connect(actors.insurer).denyClaim(id, contentHash("denied"));
            continue;
          }
          const eligible = BigInt(1 + Math.floor(rnd() * Number(c.submitted)));
          const sent = insurance.connect(actors.insurer).approveClaim(id, eligible);
          try {
            const receipt = await (await sent).wait();
            waited += eventsOf(insurance.interface, receipt, "ClaimAwaitingFunds").length;
            for (const e of eventsOf(insurance.interface, receipt, "ClaimPaid")) {
              expect(paidClaims.has(e.args.claimId)).to.equal(false);
              paidClaims.add(e.args.claimId);
              paidOut += e.args.benefit as bigint;
            }
          } catch {
            await expect(sent).to.be.revertedWithCustomError(insurance, "InsuranceOverLimit");
          }
        } else if (op < 0.7) {
          const amount = BigInt(1 + Math.floor(rnd() * 60_000));
          await insurance.connect(actors.insurer).fundPool(amount);
          funded += amount;
        } else if (op < 0.8) {
          const pool = await insurance.pool(orgIds.insurer);
          const available = pool.balance > pool.owed ? pool.balance - pool.owed : 0n;
          const amount = BigInt(1 + Math.floor(rnd() * 80_000));
          if (amount > available) {
            await expect(insurance.connect(actors.insurer).withdrawPool(amount)).to.be.revertedWithCustomError(
              insurance,
              "InsuranceInsufficientPool",
            );
          } else {
            await insurance.connect(actors.insurer).withdrawPool(amount);
            withdrawnFromPool += amount;
          }
        } else if (op < 0.9) {
          // First in, first out: only the head of the line settles; any other waiting claim is refused.
          for (;;) {
            const id = await insurance.nextToSettle(orgIds.insurer);
            if (id === 0n) break;
            const c = await insurance.claim(id);
            expect(c.status, "the head of the line waits for funds").to.equal(2n);
            const count = await insurance.claimCount();
            for (let other = 1n; other <= count; other++) {
              if (other === id || (await insurance.claim(other)).status !== 2n) continue;
              await expect(insurance.connect(actors.outsider).settleClaim(other))
                .to.be.revertedWithCustomError(insurance, "InsuranceNotNextInLine")
                .withArgs(other, id);
              break;
            }
            const pool = await insurance.pool(orgIds.insurer);
            if (pool.balance < c.benefit) {
              await expect(insurance.connect(actors.outsider).settleClaim(id)).to.be.revertedWithCustomError(
                insurance,
                "InsurancePoolUnderfunded",
              );
              break;
            } else {
              await insurance.connect(actors.outsider).settleClaim(id);
              expect(paidClaims.has(id)).to.equal(false);
              paidClaims.add(id);
              paidOut += c.benefit;
              settled++;
            }
          }
        } else {
          const who = pick([actors.hospital, actors.pharmacy, actors.patient1, actors.patient2]);
          const org = await w.consortium.memberOf(who.address);
          if ((await insurance.creditOf(org)) > 0n) await insurance.connect(who).withdrawCredit();
        }
        await check();
      }
      // The sequence exercised the interesting paths, not only the happy one.
      expect(paidClaims.size, "claims paid").to.be.greaterThan(0);
      expect(waited, "claims that waited for funds").to.be.greaterThan(0);
      expect(settled, "waiting claims settled").to.be.greaterThan(0);
    });
  }
});
