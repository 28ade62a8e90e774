import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { assetsWithRivalFixture } from "../assets-wrongparty-states";
import type { WrongPartyCase, WrongPartyTarget } from "../wrongparty";

/** A call on the city's solar plant (operated by City Assets Co) made by a rival ASSET_OPERATOR organisation. */
function rivalOnAsset(
  sig: string,
  args: (f: Awaited<ReturnType<typeof assetsWithRivalFixture>>) => unknown[],
): WrongPartyCase {
  return {
    rule: `${sig.split("(")[0]}: an asset belongs to its operating organisation; another ASSET_OPERATOR may not manage it`,
    async setup() {
      const f = await loadFixture(assetsWithRivalFixture);
      return {
        contract: f.registry,
        consortium: f.consortium,
        caller: f.rival,
        role: "ASSET_OPERATOR",
        args: args(f),
        error: "AssetNotOperator",
        errorArgs: [f.assetId, f.rival.address],
      };
    },
  };
}

/** AssetRegistry: every function on an asset is its operating organisation's. */
export const target: WrongPartyTarget = {
  contractName: "AssetRegistry",
  async load() {
    return (await loadFixture(assetsWithRivalFixture)).registry;
  },
  functions: {
    "setStatus(uint256,uint8)": rivalOnAsset("setStatus(uint256,uint8)", () => [1n, 3n]),
    "setMetadata(uint256,bytes32)": rivalOnAsset("setMetadata(uint256,bytes32)", () => [1n, "0x" + "11".repeat(32)]),
    "setDevices(uint256,address[])": rivalOnAsset("setDevices(uint256,address[])", () => [1n, []]),
    "addPaymentToken(uint256,address)": rivalOnAsset("addPaymentToken(uint256,address)", (f) => [
      f.assetId,
      f.actors.outsider2.address,
    ]),
    "retirePaymentToken(uint256,address)": rivalOnAsset("retirePaymentToken(uint256,address)", (f) => [
      f.assetId,
      f.usdc.target,
    ]),
    "setGridOperator(uint256,uint32)": rivalOnAsset("setGridOperator(uint256,uint32)", (f) => [
      f.assetId,
      f.orgIds.gridOperator,
    ]),
    "register((uint8,bytes32,string,string,uint256,address[],address[],uint32))": {
      exempt: "creates a new asset operated by the caller's own organisation; no existing object is touched",
    },
    "fundingSucceeded(uint256)": {
      exempt: "callable only by the bound offering contract; no member account is ever a party (outsider gate)",
    },
    "bindMetering(address,address)": {
      exempt: "the deployer binds the PPA and vending contracts once after initialise (outsider gate)",
    },
    "initialise(address,address,address)": {
      exempt:
        "the proxy's deployer binds the offering, market and share-token beacon once before any asset exists (outsider gate)",
    },
    "initialize()": { exempt: "runs once, inside the proxy's constructor; refused to everyone afterwards" },
    "pauseDomain(string)": { exempt: "any REGULATOR stops the whole domain at once; it acts on no member's object" },
    "unpauseDomain(uint256)": { exempt: "only the consortium, executing a vote, lifts the pause; no member's object" },
    "upgradeToAndCall(address,bytes)": { exempt: "only the consortium, applying a voted upgrade; no member's object" },
  },
};
