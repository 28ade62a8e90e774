import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256 } from "ethers";
import { assetsInEveryStateFixture } from "../assets-states";
import type { OutsiderTarget } from "../outsiders";

/** AssetMarket: investors list and buy shares (delivery versus payment), the asset's operator sets the fee. */
export const target: OutsiderTarget = {
  contractName: "AssetMarket",
  async load() {
    const f = await loadFixture(assetsInEveryStateFixture);
    return {
      contract: f.market,
      outsider: f.actors.outsider,
      errorSources: [f.consortium, f.registry],
      overrides: {
        // a live listing by investor1: the listing checks pass, the buyer must be an investor
        "buy(uint256,uint256,uint256,uint256)": [f.listingId, 1n, MaxUint256, MaxUint256],
        "cancel(uint256)": [f.listingId],
        "setFee(uint256,uint16)": [f.assetId, 0n],
      },
    };
  },
  accessErrors: {
    AccessNotConsortium: 0, // unpauseDomain: only the consortium, executing a vote
    AccessUpgradeNotVoted: 0, // upgradeToAndCall: only the consortium, applying a voted upgrade
    MarketNotSeller: 1, // cancel: only the seller before expiry (anyone may clean up an expired listing)
    AssetNotOperator: 1, // setFee: the asset's operator organisation
    MarketNotRegulator: 0, // reassignFees: a REGULATOR
  },
  permissionless: {
    "initialize()":
      "Runs once, inside the proxy's constructor at deployment; afterwards it refuses everyone with InvalidInitialization (test/assets/upgrades.test.ts).",
  },
};
