import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { assetsWithRivalFixture } from "../assets-wrongparty-states";
import type { WrongPartyCase, WrongPartyTarget } from "../wrongparty";
import type { RoleName } from "../../../src/roles";

type F = Awaited<ReturnType<typeof assetsWithRivalFixture>>;

/** A call on the solar plant's share token by a member that holds `role` but is no party to this asset. */
function refused(
  rule: string,
  role: RoleName,
  who: (f: F) => HardhatEthersSigner,
  args: (f: F) => unknown[],
  error: string,
  errorArgs: (f: F) => unknown[],
  prepare?: (f: F) => Promise<void>,
): WrongPartyCase {
  return {
    rule,
    async setup() {
      const f = await loadFixture(assetsWithRivalFixture);
      if (prepare) await prepare(f);
      return {
        contract: f.token,
        consortium: f.consortium,
        caller: who(f),
        role,
        args: args(f),
        error,
        errorArgs: errorArgs(f),
      };
    },
  };
}

const rival = (f: F) => f.rival;
const onlyContract = (what: string) => ({
  exempt: `callable only by the asset's ${what} contract; no member account is ever a party (outsider gate)`,
});

/** AssetShareToken: agent powers belong to the asset's operator (pause, freeze) or the regulator (moves). */
export const target: WrongPartyTarget = {
  contractName: "AssetShareToken",
  async load() {
    return (await loadFixture(assetsWithRivalFixture)).token;
  },
  functions: {
    "pause()": refused(
      "an asset's transfers are paused by its own operator or a regulator, never another operator",
      "ASSET_OPERATOR",
      rival,
      () => [],
      "ShareUnauthorised",
      (f) => [f.rival.address],
    ),
    "unpause()": refused(
      "an asset's transfers are resumed by its own operator or a regulator, never another operator",
      "ASSET_OPERATOR",
      rival,
      () => [],
      "ShareUnauthorised",
      (f) => [f.rival.address],
    ),
    "setFrozen(address,bool)": refused(
      "a holder of this asset is frozen by the asset's operator or a regulator, never another operator",
      "ASSET_OPERATOR",
      rival,
      (f) => [f.actors.investor1.address, true],
      "ShareUnauthorised",
      (f) => [f.rival.address],
    ),
    "issue(address,uint256)": refused(
      "shares of an asset are issued by its own operator only",
      "ASSET_OPERATOR",
      rival,
      (f) => [f.actors.investor1.address, 1n],
      "ShareUnauthorised",
      (f) => [f.rival.address],
    ),
    "forcedTransfer(address,address,uint256)": refused(
      "a holder's shares are moved only by a regulator, not even by the asset's own (interested) operator",
      "ASSET_OPERATOR",
      (f) => f.actors.assetOperator,
      (f) => [f.actors.investor1.address, f.actors.investor2.address, 1n],
      "ShareUnauthorised",
      (f) => [f.actors.assetOperator.address],
    ),
    "recoverWallet(address,address)": refused(
      "a lost wallet is recovered only by a regulator, not even by the asset's own (interested) operator",
      "ASSET_OPERATOR",
      (f) => f.actors.assetOperator,
      (f) => [f.actors.investor1.address, f.actors.investor2.address],
      "ShareUnauthorised",
      (f) => [f.actors.assetOperator.address],
    ),
    "deposit(address,uint256,uint256,bytes32)": refused(
      "an asset's revenue is paid by its operator or the grid operator it names, not any GRID_OPERATOR",
      "GRID_OPERATOR",
      rival,
      (f) => [f.usdc.target, 1_000_000n, 0n, "0x" + "00".repeat(32)],
      "RevenueNotDepositor",
      (f) => [f.rival.address],
      async (f) => {
        await f.registry.connect(f.actors.assetOperator).setGridOperator(f.assetId, 0);
      },
    ),
    "transferFrom(address,address,uint256)": refused(
      "an investor's shares: another investor moves them only within an allowance the holder granted",
      "INVESTOR",
      (f) => f.actors.investor2,
      (f) => [f.actors.investor1.address, f.actors.investor2.address, 1n],
      "ERC20InsufficientAllowance",
      (f) => [f.actors.investor2.address, 0n, 1n],
    ),
    "transfer(address,uint256)": { exempt: "moves only the caller's own unlocked shares (ERC-20, compliance-checked)" },
    "approve(address,uint256)": { exempt: "sets only the caller's own allowance (ERC-20)" },
    "burn(uint256)": { exempt: "burns only the caller's own unlocked shares" },
    "claim(address)": { exempt: "pays only the caller's own revenue entitlement" },
    "closeFunding()": onlyContract("registry"),
    "addPaymentToken(address)": onlyContract("registry"),
    "retirePaymentToken(address)": onlyContract("registry"),
    "setGridOperator(uint32)": onlyContract("registry"),
    "mintOffered(address,uint256,uint256)": onlyContract("offering"),
    "burnOffered(address,uint256)": onlyContract("offering"),
    "releaseOffering(uint256)": onlyContract("offering"),
    "depositFromOffering(address,uint256)": onlyContract("offering or bound metered revenue (PPA, vending)"),
    "lockListing(address,uint256)": onlyContract("market"),
    "unlockListing(address,uint256,uint256)": onlyContract("market"),
    "fillListing(address,address,uint256,uint256)": onlyContract("market"),
    "initialize((uint256,uint32,string,string,uint256,address[],uint32))": {
      exempt: "runs once, inside the proxy's constructor; refused to everyone afterwards",
    },
    "pauseDomain(string)": { exempt: "any REGULATOR stops the whole domain at once; it acts on no member's object" },
    "unpauseDomain(uint256)": { exempt: "only the consortium, executing a vote, lifts the pause; no member's object" },
  },
};
