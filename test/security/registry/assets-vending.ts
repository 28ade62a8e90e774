import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ppaWithRivalFixture } from "../../fixtures/ppa";
import type { OutsiderTarget } from "../outsiders";

/** AssetVending: the fleet's operator proposes and deposits, a regulator accepts, anyone relays signed sales. */
export const target: OutsiderTarget = {
  contractName: "AssetVending",
  async load() {
    const f = await loadFixture(ppaWithRivalFixture);
    return {
      contract: f.vending,
      outsider: f.actors.outsider,
      errorSources: [f.consortium, f.registry],
      overrides: {
        "propose(uint256,(address,address,uint16,uint32))": [f.vendingId, f.vterms],
        "deposit(uint256,uint256)": [f.vendingId, 1n],
      },
    };
  },
  permissionless: {
    "initialize()":
      "Runs once, inside the proxy's constructor at deployment; afterwards it refuses everyone with InvalidInitialization (test/assets/upgrades.test.ts).",
    "reconcile((address,uint256,uint64,uint64,uint32,bytes),bytes)":
      "a relayer submits the controller's signed sales; the device's EIP-712 signature is the authority",
  },
  accessErrors: {
    AccessNotConsortium: 0, // unpauseDomain: only the consortium, executing a vote
    AccessUpgradeNotVoted: 0, // upgradeToAndCall: only the consortium, applying a voted upgrade
    VendingNotParty: 1, // propose, deposit: the asset's operator; accept: a regulator
  },
};
