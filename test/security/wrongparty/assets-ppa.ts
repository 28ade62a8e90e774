import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ppaWithRivalFixture } from "../../fixtures/ppa";
import type { WrongPartyTarget } from "../wrongparty";

/** AssetPPA: the asset's operator and the named grid operator agree; organisations withdraw their own credit. */
export const target: WrongPartyTarget = {
  contractName: "AssetPPA",
  async load() {
    return (await loadFixture(ppaWithRivalFixture)).ppa;
  },
  functions: {
    "propose(uint256,(address,address,address,uint32,uint32,uint32,uint64,uint128,uint128,uint16,uint16,uint64))": {
      rule: "a plant's PPA is proposed by its own operator or the grid operator the terms name, never another operator",
      async setup() {
        const f = await loadFixture(ppaWithRivalFixture);
        return {
          contract: f.ppa,
          consortium: f.consortium,
          caller: f.rival,
          role: "ASSET_OPERATOR",
          args: [f.assetId, f.terms],
          error: "PpaNotParty",
          errorArgs: [f.assetId, f.rival.address],
        };
      },
    },
    "accept(uint256,(address,address,address,uint32,uint32,uint32,uint64,uint128,uint128,uint16,uint16,uint64))": {
      rule: "the operator's proposal is accepted by the grid operator it names, never another grid operator",
      async setup() {
        const f = await loadFixture(ppaWithRivalFixture);
        return {
          contract: f.ppa,
          consortium: f.consortium,
          caller: f.rival,
          role: "GRID_OPERATOR",
          args: [f.assetId, f.change],
          error: "PpaNotParty",
          errorArgs: [f.assetId, f.rival.address],
        };
      },
    },
    "withdraw(address,uint32)": {
      rule: "an organisation's credit (the operator's O&M fee) is withdrawn by its own accounts, never another operator",
      async setup() {
        const f = await loadFixture(ppaWithRivalFixture);
        return {
          contract: f.ppa,
          consortium: f.consortium,
          caller: f.rival,
          role: "ASSET_OPERATOR",
          args: [f.ceurAddr, f.orgIds.assetOperator],
          error: "PpaNotOrgAccount",
          errorArgs: [f.orgIds.assetOperator, f.rival.address],
        };
      },
    },
    "settle((address,uint256,uint64,uint64,uint32,bytes),bytes)": {
      exempt: "anyone may relay a meter's signed batch (keeper); the device signature is the authority",
    },
    "collect(uint256)": {
      exempt:
        "anyone may pull arrears the grid owes under the agreed terms (keeper); the money goes down the waterfall",
    },
    "reviewHeld(uint256,uint64)": {
      exempt: "the city's regulator reviews held periods of every plant; REGULATOR is city-wide, no object relation",
    },
    "redirectCredit(address,uint32,uint32)": {
      exempt: "the city's regulator redirects held credits of any organisation; REGULATOR is city-wide by design",
    },
    "initialize()": { exempt: "runs once, inside the proxy's constructor; refused to everyone afterwards" },
    "pauseDomain(string)": { exempt: "any REGULATOR stops the whole domain at once; it acts on no member's object" },
    "unpauseDomain(uint256)": { exempt: "only the consortium, executing a vote, lifts the pause; no member's object" },
    "upgradeToAndCall(address,bytes)": { exempt: "only the consortium, applying a voted upgrade; no member's object" },
  },
};
