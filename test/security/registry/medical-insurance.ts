import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployMedicalWorldFixture } from "../../fixtures/medical";
import type { OutsiderTarget } from "../outsiders";

/** HealthInsurance: insurers issue policies and decide reviews, hospitals claim, members withdraw their credit. */
export const target: OutsiderTarget = {
  contractName: "HealthInsurance",
  async load() {
    const { insurance, actors, consortium } = await loadFixture(deployMedicalWorldFixture);
    return {
      contract: insurance,
      outsider: actors.outsider,
      errorSources: [consortium],
      // Policy 1 exists: the policyholder check comes right after the policy lookup.
      overrides: { "payPremium(uint256)": [1] },
    };
  },
  accessErrors: {
    InsuranceNotMember: 0, // withdrawCredit: credit belongs to an organisation, the caller must be bound to one
    InsuranceNotPolicyholder: 0, // payPremium: only the patient (or guardian) accepts a policy
    AccessNotConsortium: 0, // unpauseDomain: only the consortium, executing a vote
    AccessUpgradeNotVoted: 0, // upgradeToAndCall: only the consortium, applying a voted upgrade
  },
  permissionless: {
    "initialize()":
      "Runs once, inside the proxy's constructor at deployment; afterwards it refuses everyone with InvalidInitialization (test/medical/upgrades.test.ts).",
    "settleClaim(uint256)":
      "Anyone may trigger payment of an already approved claim once the pool holds its benefit; the payee and amount are fixed by the claim.",
  },
};
