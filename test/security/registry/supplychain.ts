import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deploySupplyChainFixture } from "../../fixtures/supplychain";
import type { OutsiderTarget } from "../outsiders";

/**
 * SupplyChain: manufacturers register products and commission lots; custody roles (MANUFACTURER, DISTRIBUTOR,
 * CARRIER, HOSPITAL) ship, receive, pack and report; HOSPITAL/DISTRIBUTOR decommission; the manufacturer or a
 * REGULATOR recalls; the guardian (the cold chain) quarantines.
 */
export const target: OutsiderTarget = {
  contractName: "SupplyChain",
  async load() {
    const f = await loadFixture(deploySupplyChainFixture);
    return {
      contract: f.sc,
      outsider: f.actors.outsider,
      errorSources: [f.consortium],
      overrides: {
        // an existing lot: the lot is loaded before the manufacturer/regulator check
        "recallLot(bytes32,bytes32)": [f.lotId, "0x" + "11".repeat(32)],
      },
    };
  },
  permissionless: {
    "initialize()":
      "runs once, inside the proxy's constructor; any later call reverts InvalidInitialization (test/supplychain/upgrades.test.ts)",
  },
  accessErrors: {
    SupplyChainNoCustodyRole: 0, // ship/receive/pack/unpack/report: one of the custody roles
    SupplyChainNoDispenseRole: 0, // decommission, undoDecommission: HOSPITAL or DISTRIBUTOR
    SupplyChainNotGuardian: 0, // quarantineLot: only the guardian contract (the cold chain)
    AccessNotConsortium: 0, // unpauseDomain: only the consortium, executing a vote
    AccessUpgradeNotVoted: 0, // upgradeToAndCall: only the consortium, applying a voted upgrade
  },
};
