import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployMedicalWorldFixture } from "../../fixtures/medical";
import type { OutsiderTarget } from "../outsiders";

/** HealthInsurance: insurers issue policies and decide reviews, hospitals claim, members withdraw their credit. */
export const target: OutsiderTarget = {
  contractName: "HealthInsurance",
  async load() {
    const { insurance, actors, consortium } = await loadFixture(deployMedicalWorldFixture);
    return { contract: insurance, outsider: actors.outsider, errorSources: [consortium] };
  },
  accessErrors: {
    InsuranceNotMember: 0, // withdrawCredit: credit belongs to an organisation, the caller must be bound to one
  },
  permissionless: {
    "payPremium(uint256)":
      "Anyone may pay an offered policy's premium (usually the patient): it only moves the payer's own tokens into the insurer's pool.",
    "settleClaim(uint256)":
      "Anyone may trigger payment of an already approved claim once the pool holds its benefit; the payee and amount are fixed by the claim.",
  },
};
