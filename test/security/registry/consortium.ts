import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import { deployConsortiumFixture } from "../../fixtures/consortium";
import { PROPOSAL_KIND, ROLES, STATUS, roleMask } from "../../../src/roles";
import type { OutsiderTarget } from "../outsiders";

/** The consortium: every function needs an active member, a voting organisation or a person-admitting authority. */
export const target: OutsiderTarget = {
  contractName: "Consortium",
  async load() {
    const { consortium, actors, orgIds } = await loadFixture(deployConsortiumFixture);
    return {
      contract: consortium,
      outsider: actors.outsider,
      // These validate their arguments before resolving the caller: valid arguments reach the caller check.
      overrides: {
        "proposeAdmission(string,bytes32,uint16,address)": [
          "Outsider Org",
          ethers.id("outsider"),
          roleMask(["MANUFACTURER"]),
          actors.outsider2.address,
        ],
        "proposeRoles(uint32,uint16)": [orgIds.manufacturer, roleMask(["DISTRIBUTOR"])],
        "proposeStatus(uint32,uint8)": [orgIds.manufacturer2, PROPOSAL_KIND.Suspend],
        "proposeQuorum(uint16)": [6_000],
        "proposeVotingPeriod(uint64)": [24 * 3600],
        "setPersonStatus(uint32,uint8)": [orgIds.patient1, STATUS.indexOf("Suspended")],
        "admitPerson(address,uint8,bytes32)": [actors.outsider2.address, ROLES.PATIENT, ethers.ZeroHash],
        "recoverAccountAdmin(uint32,address)": [orgIds.manufacturer, actors.manufacturer.address],
        "proposeUpgradeDelay(uint64)": [3600],
      },
    };
  },
  permissionless: {
    "applyUpgrade(address)":
      "anyone applies an upgrade the members voted, once its delay is over (refused otherwise: nothing scheduled, too early, code changed)",
    "initialize((string,bytes32,uint16,address)[],uint16,uint64,uint64)":
      "runs once, in the proxy's constructor; afterwards it refuses everyone with InvalidInitialization",
  },
  accessErrors: {
    ConsortiumUpgradeNotVoted: 0, // upgradeToAndCall: only the consortium itself, applying a voted upgrade
    ConsortiumNotPersonAdmin: 0, // setPersonStatus: the admitting member or a regulator
    ConsortiumMissingRole: 0, // recoverAccountAdmin: regulators only
  },
};
