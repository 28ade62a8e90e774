import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ppaWithRivalFixture } from "../../fixtures/ppa";
import type { WrongPartyTarget } from "../wrongparty";

/** AssetVending: the fleet's own operator proposes terms and deposits; a regulator accepts. */
export const target: WrongPartyTarget = {
  contractName: "AssetVending",
  async load() {
    return (await loadFixture(ppaWithRivalFixture)).vending;
  },
  functions: {
    "propose(uint256,(address,address,uint16,uint32))": {
      rule: "a fleet's vending terms are proposed by its own operator, never another operator",
      async setup() {
        const f = await loadFixture(ppaWithRivalFixture);
        return {
          contract: f.vending,
          consortium: f.consortium,
          caller: f.rival,
          role: "ASSET_OPERATOR",
          args: [f.vendingId, f.vterms],
          error: "VendingNotParty",
          errorArgs: [f.vendingId, f.rival.address],
        };
      },
    },
    "deposit(uint256,uint256)": {
      rule: "a fleet's sales are deposited by its own operator (it collects the cash), never another operator",
      async setup() {
        const f = await loadFixture(ppaWithRivalFixture);
        return {
          contract: f.vending,
          consortium: f.consortium,
          caller: f.rival,
          role: "ASSET_OPERATOR",
          args: [f.vendingId, 1n],
          error: "VendingNotParty",
          errorArgs: [f.vendingId, f.rival.address],
        };
      },
    },
    "accept(uint256,(address,address,uint16,uint32))": {
      exempt: "the city's regulator accepts vending terms for investors of every fleet; REGULATOR is city-wide",
    },
    "reconcile((address,uint256,uint64,uint64,uint32,bytes),bytes)": {
      exempt: "anyone may relay a controller's signed batch (relayer); the device signature is the authority",
    },
    "initialize()": { exempt: "runs once, inside the proxy's constructor; refused to everyone afterwards" },
    "pauseDomain(string)": { exempt: "any REGULATOR stops the whole domain at once; it acts on no member's object" },
    "unpauseDomain(uint256)": { exempt: "only the consortium, executing a vote, lifts the pause; no member's object" },
    "upgradeToAndCall(address,bytes)": { exempt: "only the consortium, applying a voted upgrade; no member's object" },
  },
};
