import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, ZeroAddress } from "ethers";
import { assetsInEveryStateFixture } from "../assets-states";
import type { OutsiderTarget } from "../outsiders";

/**
 * AssetOffering: the asset's operator opens and edits sales, investors buy, the beneficiary and cosigner release
 * milestones. It validates the offering's state before the caller, so the probes use offerings in the right state.
 */
export const target: OutsiderTarget = {
  contractName: "AssetOffering",
  async load() {
    const f = await loadFixture(assetsInEveryStateFixture);
    const { succeeded, running, upcoming } = f.offerings;
    return {
      contract: f.offering,
      outsider: f.actors.outsider,
      errorSources: [f.consortium, f.registry],
      overrides: {
        "open((uint256,address,uint128,uint64,uint64,uint64,uint64,uint64,uint64,uint32,uint32,uint16[]))": [
          [f.assetId, ZeroAddress, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, []],
        ],
        "setPrice(uint256,uint128)": [upcoming, 1n],
        "cancel(uint256)": [upcoming],
        "buy(uint256,uint256,uint256,uint256)": [running, 10n, MaxUint256, MaxUint256],
        "approveMilestone(uint256,uint256)": [succeeded, 0n],
        "withdraw(uint256)": [succeeded],
      },
    };
  },
  accessErrors: {
    AccessNotConsortium: 0, // unpauseDomain: only the consortium, executing a vote
    AccessUpgradeNotVoted: 0, // upgradeToAndCall: only the consortium, applying a voted upgrade
    OfferingNotInitiator: 1, // open, setPrice, cancel: only the asset's operator organisation
    OfferingNotParty: 1, // approveMilestone (initiator or cosigner), withdraw (beneficiary)
    OfferingNotRegulator: 0, // recoverRefund, replaceParty: a REGULATOR
  },
  permissionless: {
    "initialize()":
      "Runs once, inside the proxy's constructor at deployment; afterwards it refuses everyone with InvalidInitialization (test/assets/upgrades.test.ts).",
    "finalise(uint256)":
      "Anyone may close a sale after its deadline (or at its hard cap): the outcome is fixed by sold vs soft cap, the caller chooses nothing.",
    "refund(uint256)":
      "A buyer of a failed sale takes back their own escrowed payment; it burns their own offered shares and pays only them.",
    "refundFor(uint256,address)":
      "Anyone may book a failed sale's refund for its buyer (so a new sale is not blocked by an absent buyer): the shares are burned and the money is owed only to that buyer, who pulls it.",
    "sweepToHolders(uint256)":
      "Anyone may, after ESCROW_TIMEOUT, turn a succeeded sale's unreleased escrow into revenue for the asset's holders: the caller receives nothing and chooses nothing.",
  },
};
