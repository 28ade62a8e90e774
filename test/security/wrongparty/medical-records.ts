import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployMedicalWorldFixture } from "../../fixtures/medical";
import { contentHash } from "../../../src/fhir";
import { proposeRoles, voteUntilClosed } from "../../../src/consortium";
import type { WrongPartyTarget } from "../wrongparty";

/** Northside holds HOSPITAL and REGULATOR and opened emergency 1 (for the self-review case). */
async function selfReviewWorld() {
  const w = await loadFixture(deployMedicalWorldFixture);
  const { consortium, actors, orgIds } = w;
  const id = await proposeRoles(consortium, actors.regulator, orgIds.hospital, ["HOSPITAL", "REGULATOR"]);
  await voteUntilClosed(consortium, id, [
    actors.manufacturer,
    actors.distributor,
    actors.carrier,
    actors.hospital,
    actors.pharmacy,
    actors.insurer,
  ]);
  await w.records.connect(actors.hospital).breakGlass(w.report.recordId, 1);
  return w;
}

/**
 * MedicalRecords: consents belong to their patient (or the guardian the patient named), emergencies to the hospital
 * that opened them and are reviewed by a regulator of another organisation. Access attempts by a non-grantee are
 * denied and audited rather than reverted, by design: the audit record is the evidence.
 */
export const target: WrongPartyTarget = {
  contractName: "MedicalRecords",
  async load() {
    return (await loadFixture(deployMedicalWorldFixture)).records;
  },
  functions: {
    "grantConsent((address,uint32,address,uint8,uint8,uint8,uint64,uint64,bytes32[]))": {
      rule: "patient 1's consent: another patient cannot grant it",
      async setup() {
        const { records, consortium, actors, treatmentTerms } = await loadFixture(deployMedicalWorldFixture);
        return {
          contract: records,
          consortium,
          caller: actors.patient2,
          role: "PATIENT",
          args: [treatmentTerms],
          error: "MedicalNotPatientOrGuardian",
          errorArgs: [actors.patient2.address, actors.patient1.address],
        };
      },
    },
    "revokeConsent(uint256,(address,uint32,address,uint8,uint8,uint8,uint64,uint64,bytes32[]))": {
      rule: "patient 1's consent: another patient cannot revoke it",
      async setup() {
        const { records, consortium, actors, treatmentConsent, treatmentTerms } =
          await loadFixture(deployMedicalWorldFixture);
        return {
          contract: records,
          consortium,
          caller: actors.patient2,
          role: "PATIENT",
          args: [treatmentConsent, treatmentTerms],
          error: "MedicalNotPatientOrGuardian",
          errorArgs: [actors.patient2.address, actors.patient1.address],
        };
      },
    },
    "reviewEmergency(uint256,bool,bytes32)": {
      rule: "Northside's emergency: a regulator reviews it only if it is not Northside itself",
      async setup() {
        const { records, consortium, actors, orgIds } = await loadFixture(selfReviewWorld);
        return {
          contract: records,
          consortium,
          caller: actors.hospital,
          role: "REGULATOR",
          args: [1n, true, contentHash("self")],
          error: "MedicalSelfReview",
          errorArgs: [1n, orgIds.hospital],
        };
      },
    },
    "anchorRecord(address,bytes32,bytes32,bytes32,uint64)": {
      exempt: "creates a record authored by the caller's hospital; records are keyed by author and hash",
    },
    "setGuardian(address)": { exempt: "names the guardian of the caller's own patient account" },
    "accessRecord(uint256,uint256,(address,uint32,address,uint8,uint8,uint8,uint64,uint64,bytes32[]),uint8,uint8)": {
      exempt:
        "a non-grantee is denied (WrongGrantee) and audited, not reverted: the audit record is the evidence (MedicalRecords.test.ts)",
    },
    "emergencyAccess(uint256,uint256)": {
      exempt: "another hospital using an emergency is denied (WrongGrantee) and audited, not reverted, by design",
    },
    "breakGlass(uint256,uint8)": {
      exempt:
        "any hospital may open an emergency for any patient by design; bounded to 3 pending, barred after an unjustified review",
    },
    "discloseForClaim(uint256,uint256,(address,uint32,address,uint8,uint8,uint8,uint64,uint64,bytes32[]),uint32,uint32)":
      {
        exempt: "callable only by the claims processor contract, never by a member account (outsider gate)",
      },
    "setClaimsProcessor(address)": { exempt: "the deployer binds the claims processor once; no member-owned object" },
    "initialize()": { exempt: "runs once, inside the proxy's constructor; refused to everyone afterwards" },
    "pauseDomain(string)": { exempt: "any REGULATOR stops the whole domain at once; it acts on no member's object" },
    "unpauseDomain(uint256)": { exempt: "only the consortium, executing a vote, lifts the pause; no member's object" },
    "upgradeToAndCall(address,bytes)": { exempt: "only the consortium, applying a voted upgrade; no member's object" },
  },
};
