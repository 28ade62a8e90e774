import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ZeroAddress } from "ethers";
import { assetsWithRivalFixture } from "../assets-wrongparty-states";
import type { WrongPartyCase, WrongPartyTarget } from "../wrongparty";

type F = Awaited<ReturnType<typeof assetsWithRivalFixture>>;

function refused(
  rule: string,
  who: (f: F) => HardhatEthersSigner,
  args: (f: F) => unknown[],
  error: string,
  errorArgs: (f: F) => unknown[],
): WrongPartyCase {
  return {
    rule,
    async setup() {
      const f = await loadFixture(assetsWithRivalFixture);
      return {
        contract: f.offering,
        consortium: f.consortium,
        caller: who(f),
        role: "ASSET_OPERATOR",
        args: args(f),
        error,
        errorArgs: errorArgs(f),
        errorSources: [f.registry],
      };
    },
  };
}

const rival = (f: F) => f.rival;

/**
 * AssetOffering: a sale belongs to its initiator (the asset's operator); milestones to the initiator and the
 * co-signer; the raise to the beneficiary; refund recovery and party replacement to a regulator.
 */
export const target: WrongPartyTarget = {
  contractName: "AssetOffering",
  async load() {
    return (await loadFixture(assetsWithRivalFixture)).offering;
  },
  functions: {
    "open((uint256,address,uint128,uint64,uint64,uint64,uint64,uint64,uint64,uint32,uint32,uint16[]))": refused(
      "a sale of an asset is opened by the asset's operating organisation, not another operator",
      rival,
      (f) => [[f.assetId, ZeroAddress, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, []]],
      "OfferingNotInitiator",
      (f) => [0n, f.rival.address],
    ),
    "setPrice(uint256,uint128)": refused(
      "an upcoming sale's price is changed by its initiator only",
      rival,
      (f) => [f.offerings.upcoming, 1n],
      "OfferingNotInitiator",
      (f) => [f.offerings.upcoming, f.rival.address],
    ),
    "cancel(uint256)": refused(
      "an upcoming sale is cancelled by its initiator only",
      rival,
      (f) => [f.offerings.upcoming],
      "OfferingNotInitiator",
      (f) => [f.offerings.upcoming, f.rival.address],
    ),
    "approveMilestone(uint256,uint256)": refused(
      "a milestone is approved by the sale's initiator and co-signer, not another operator",
      rival,
      (f) => [f.offerings.succeeded, 0n],
      "OfferingNotParty",
      (f) => [f.offerings.succeeded, f.rival.address],
    ),
    "withdraw(uint256)": refused(
      "the raise is withdrawn by the sale's beneficiary organisation only",
      rival,
      (f) => [f.offerings.succeeded],
      "OfferingNotParty",
      (f) => [f.offerings.succeeded, f.rival.address],
    ),
    "replaceParty(uint256,uint8,uint32)": refused(
      "a gone party of a sale is replaced by a regulator, never by the sale's own (interested) initiator",
      (f) => f.actors.assetOperator,
      (f) => [f.offerings.succeeded, 1n, f.orgIds.hospital],
      "OfferingNotRegulator",
      (f) => [f.actors.assetOperator.address],
    ),
    "recoverRefund(uint256,address,address)": refused(
      "a booked refund is carried to a new wallet by a regulator, never by the sale's own initiator",
      (f) => f.actors.assetOperator,
      (f) => [f.offerings.succeeded, f.actors.investor1.address, f.actors.investor2.address],
      "OfferingNotRegulator",
      (f) => [f.actors.assetOperator.address],
    ),
    "buy(uint256,uint256,uint256,uint256)": {
      exempt: "any investor buys for itself and pays from its own balance; the shares are minted to the caller",
    },
    "finalise(uint256)": {
      exempt: "permissionless after the deadline or at the hard cap; the outcome is fixed by sold vs soft cap",
    },
    "refund(uint256)": { exempt: "pays only the caller's own refund of a failed sale (frozen wallets refused)" },
    "refundFor(uint256,address)": {
      exempt: "anyone books a buyer's refund; the shares burned and the money owed are that buyer's only",
    },
    "sweepToHolders(uint256)": {
      exempt: "permissionless after ESCROW_TIMEOUT; the escrow becomes revenue of the holders, the caller gets nothing",
    },
    "initialize()": { exempt: "runs once, inside the proxy's constructor; refused to everyone afterwards" },
    "pauseDomain(string)": { exempt: "any REGULATOR stops the whole domain at once; it acts on no member's object" },
    "unpauseDomain(uint256)": { exempt: "only the consortium, executing a vote, lifts the pause; no member's object" },
    "upgradeToAndCall(address,bytes)": { exempt: "only the consortium, applying a voted upgrade; no member's object" },
  },
};
