import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ppaWithRivalFixture } from "../../fixtures/ppa";
import type { OutsiderTarget } from "../outsiders";

/** AssetPPA: the plant's operator and grid operator agree; regulators review; organisations withdraw credit. */
export const target: OutsiderTarget = {
  contractName: "AssetPPA",
  async load() {
    const f = await loadFixture(ppaWithRivalFixture);
    return {
      contract: f.ppa,
      outsider: f.actors.outsider,
      errorSources: [f.consortium, f.registry],
      overrides: {
        // the plant and its pending change: both exist before the caller is compared with the parties
        "propose(uint256,(address,address,address,uint32,uint32,uint32,uint64,uint128,uint128,uint16,uint16,uint64))": [
          f.assetId,
          f.terms,
        ],
        "accept(uint256,(address,address,address,uint32,uint32,uint32,uint64,uint128,uint128,uint16,uint16,uint64))": [
          f.assetId,
          f.change,
        ],
      },
    };
  },
  permissionless: {
    "initialize()":
      "Runs once, inside the proxy's constructor at deployment; afterwards it refuses everyone with InvalidInitialization (test/assets/upgrades.test.ts).",
    "settle((address,uint256,uint64,uint64,uint32,bytes),bytes)":
      "a keeper or the meter's relayer settles; the device's EIP-712 signature is the authority",
    "collect(uint256)": "a keeper pulls agreed arrears from the grid's allowance into the waterfall",
  },
  accessErrors: {
    AccessNotConsortium: 0, // unpauseDomain: only the consortium, executing a vote
    AccessUpgradeNotVoted: 0, // upgradeToAndCall: only the consortium, applying a voted upgrade
    PpaNotParty: 1, // propose, accept: the asset's operator or the named grid operator
    PpaNotRegulator: 0, // reviewHeld, redirectCredit
    PpaNotOrgAccount: 1, // withdraw: an account of the credited organisation
  },
};
