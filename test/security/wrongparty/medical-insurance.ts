import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployMedicalWorldFixture } from "../../fixtures/medical";
import { proposeRoles, voteUntilClosed } from "../../../src/consortium";
import { contentHash } from "../../../src/fhir";
import { issuePolicy } from "../../../src/medical";
import type { WrongPartyTarget } from "../wrongparty";

/**
 * Corner Pharmacy also becomes an INSURER (a second insurer); CareShield has a pending claim (1, on a record it
 * did not author, from the pharmacy) and an offered policy for patient 1 (2).
 */
async function twoInsurersWorld() {
  const w = await loadFixture(deployMedicalWorldFixture);
  const { consortium, insurance, actors, orgIds } = w;
  const id = await proposeRoles(consortium, actors.regulator, orgIds.pharmacy, ["HOSPITAL", "DISTRIBUTOR", "INSURER"]);
  await voteUntilClosed(consortium, id, [
    actors.manufacturer,
    actors.distributor,
    actors.carrier,
    actors.hospital,
    actors.pharmacy,
    actors.insurer,
  ]);
  await insurance.connect(actors.pharmacy).submitClaim(
    {
      policyId: w.policyId,
      patient: actors.patient1.address,
      recordIds: [w.report.recordId],
      amount: 10_000n,
      serviceDate: w.activatedAt + 1,
      fingerprint: contentHash("wrong-party"),
      consentId: w.paymentConsent,
    },
    w.paymentTerms,
  );
  const now = await time.latest();
  const offer = await issuePolicy(insurance, actors.insurer, {
    patient: actors.patient1.address,
    coverageStart: now,
    coverageEnd: now + 100 * 24 * 3600,
    annualLimit: 1_000n,
    deductible: 0n,
    coinsuranceBps: 0,
    premium: 10n,
    payee: "provider",
    categories: ["DiagnosticReport"],
  });
  return { ...w, offer };
}

/**
 * HealthInsurance: a policy belongs to its patient and its insurer, a claim's review to the policy's insurer, credits
 * to the payee organisation. Pools are the caller's own; claims on another hospital's record go to review by design.
 */
export const target: WrongPartyTarget = {
  contractName: "HealthInsurance",
  async load() {
    return (await loadFixture(deployMedicalWorldFixture)).insurance;
  },
  functions: {
    "payPremium(uint256)": {
      rule: "a policy offered to patient 1: only patient 1 (or the guardian) accepts it",
      async setup() {
        const { insurance, consortium, actors, offer } = await loadFixture(twoInsurersWorld);
        return {
          contract: insurance,
          consortium,
          caller: actors.patient2,
          role: "PATIENT",
          args: [offer],
          error: "InsuranceNotPolicyholder",
          errorArgs: [actors.patient2.address, actors.patient1.address],
        };
      },
    },
    "withdrawOffer(uint256)": {
      rule: "CareShield's offer: another insurer cannot withdraw it",
      async setup() {
        const { insurance, consortium, actors, orgIds, offer } = await loadFixture(twoInsurersWorld);
        return {
          contract: insurance,
          consortium,
          caller: actors.pharmacy,
          role: "INSURER",
          args: [offer],
          error: "InsuranceNotPolicyInsurer",
          errorArgs: [offer, orgIds.pharmacy],
        };
      },
    },
    "approveClaim(uint256,uint96)": {
      rule: "a pending claim on CareShield's policy: only CareShield approves it",
      async setup() {
        const { insurance, consortium, actors, orgIds, policyId } = await loadFixture(twoInsurersWorld);
        return {
          contract: insurance,
          consortium,
          caller: actors.pharmacy,
          role: "INSURER",
          args: [1n, 10_000n],
          error: "InsuranceNotPolicyInsurer",
          errorArgs: [policyId, orgIds.pharmacy],
        };
      },
    },
    "denyClaim(uint256,bytes32)": {
      rule: "a pending claim on CareShield's policy: only CareShield denies it",
      async setup() {
        const { insurance, consortium, actors, orgIds, policyId } = await loadFixture(twoInsurersWorld);
        return {
          contract: insurance,
          consortium,
          caller: actors.pharmacy,
          role: "INSURER",
          args: [1n, contentHash("no")],
          error: "InsuranceNotPolicyInsurer",
          errorArgs: [policyId, orgIds.pharmacy],
        };
      },
    },
    "directCredit(uint32,address)": {
      rule: "an active member's credits: a regulator directs only a removed member's credits",
      async setup() {
        const { insurance, consortium, actors, orgIds } = await loadFixture(deployMedicalWorldFixture);
        return {
          contract: insurance,
          consortium,
          caller: actors.regulator,
          role: "REGULATOR",
          args: [orgIds.hospital, actors.regulator.address],
          error: "InsuranceMemberNotRemoved",
          errorArgs: [orgIds.hospital, 1n],
        };
      },
    },
    "issuePolicy((address,uint64,uint64,uint96,uint96,uint16,uint96,uint8,uint64,bytes32[]))": {
      exempt: "creates the caller's own offer; it binds the patient only when the patient accepts (payPremium)",
    },
    "fundPool(uint256)": { exempt: "adds to the caller's own insurer pool" },
    "withdrawPool(uint256)": { exempt: "takes free funds from the caller's own insurer pool" },
    "submitClaim((uint256,address,uint256[],uint96,uint64,bytes32,uint256),(address,uint32,address,uint8,uint8,uint8,uint64,uint64,bytes32[]))":
      {
        exempt:
          "a claim on another hospital's record or patient is sent to review (foreignRecord flag), not refused: test/medical/findings.test.ts",
      },
    "settleClaim(uint256)": {
      exempt: "permissionless: pays an approved claim first in, first out; payee fixed by the claim",
    },
    "withdrawCredit()": { exempt: "withdraws only the caller's own organisation's credit, while it is active" },
    "initialize()": { exempt: "runs once, inside the proxy's constructor; refused to everyone afterwards" },
    "pauseDomain(string)": { exempt: "any REGULATOR stops the whole domain at once; it acts on no member's object" },
    "unpauseDomain(uint256)": { exempt: "only the consortium, executing a vote, lifts the pause; no member's object" },
    "upgradeToAndCall(address,bytes)": { exempt: "only the consortium, applying a voted upgrade; no member's object" },
  },
};
