import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { assetsWithRivalFixture } from "../assets-wrongparty-states";
import type { WrongPartyTarget } from "../wrongparty";

/** AssetMarket: a listing belongs to its seller; an asset's fee to its operator; stranded fees to a regulator. */
export const target: WrongPartyTarget = {
  contractName: "AssetMarket",
  async load() {
    return (await loadFixture(assetsWithRivalFixture)).market;
  },
  functions: {
    "cancel(uint256)": {
      rule: "a live listing is cancelled by its seller only (anyone may clean up once it expired)",
      async setup() {
        const f = await loadFixture(assetsWithRivalFixture);
        return {
          contract: f.market,
          consortium: f.consortium,
          caller: f.actors.investor2,
          role: "INVESTOR",
          args: [f.listingId],
          error: "MarketNotSeller",
          errorArgs: [f.listingId, f.actors.investor2.address],
        };
      },
    },
    "setFee(uint256,uint16)": {
      rule: "an asset's market fee is set by the asset's operating organisation, not another operator",
      async setup() {
        const f = await loadFixture(assetsWithRivalFixture);
        return {
          contract: f.market,
          consortium: f.consortium,
          caller: f.rival,
          role: "ASSET_OPERATOR",
          args: [f.assetId, 0n],
          error: "AssetNotOperator",
          errorArgs: [f.assetId, f.rival.address],
          errorSources: [f.registry],
        };
      },
    },
    "reassignFees(uint32,address,uint32)": {
      rule: "stranded fees are reassigned by a regulator, never by an operator that would receive them",
      async setup() {
        const f = await loadFixture(assetsWithRivalFixture);
        return {
          contract: f.market,
          consortium: f.consortium,
          caller: f.rival,
          role: "ASSET_OPERATOR",
          args: [f.orgIds.assetOperator, await f.ceur.getAddress(), f.orgIds.gridOperator],
          error: "MarketNotRegulator",
          errorArgs: [f.rival.address],
        };
      },
    },
    "list(uint256,uint256,address,uint128,uint64)": {
      exempt: "lists only the caller's own unlocked shares; the lock is taken in the caller's balance",
    },
    "buy(uint256,uint256,uint256,uint256)": {
      exempt: "any investor fills a public listing for itself, paying from its own balance (delivery versus payment)",
    },
    "withdrawFees(address)": { exempt: "withdraws only the fees accrued to the caller's own organisation" },
    "initialize()": { exempt: "runs once, inside the proxy's constructor; refused to everyone afterwards" },
    "pauseDomain(string)": { exempt: "any REGULATOR stops the whole domain at once; it acts on no member's object" },
    "unpauseDomain(uint256)": { exempt: "only the consortium, executing a vote, lifts the pause; no member's object" },
    "upgradeToAndCall(address,bytes)": { exempt: "only the consortium, applying a voted upgrade; no member's object" },
  },
};
