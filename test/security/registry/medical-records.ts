import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployMedicalWorldFixture } from "../../fixtures/medical";
import type { OutsiderTarget } from "../outsiders";

/** MedicalRecords: hospitals anchor, patients (or guardians) consent, hospitals and insurers ask for access. */
export const target: OutsiderTarget = {
  contractName: "MedicalRecords",
  async load() {
    const { records, actors, consortium } = await loadFixture(deployMedicalWorldFixture);
    return { contract: records, outsider: actors.outsider, errorSources: [consortium] };
  },
  accessErrors: {
    MedicalNotPatientOrGuardian: 0, // (caller, patient)
    MedicalNotRecipient: 0, // only HOSPITAL or INSURER accounts ask for access
    MedicalNotClaimsProcessor: 0, // discloseForClaim: only the HealthInsurance contract audits claim disclosures
    MedicalClaimsProcessorLocked: 0, // setClaimsProcessor: the deployer, once
    AccessNotConsortium: 0, // unpauseDomain: only the consortium, executing a vote
    AccessUpgradeNotVoted: 0, // upgradeToAndCall: only the consortium, applying a voted upgrade
  },
  permissionless: {
    "initialize()":
      "Runs once, inside the proxy's constructor at deployment; afterwards it refuses everyone with InvalidInitialization (test/medical/upgrades.test.ts).",
  },
};
