import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { fundedAssetFixture } from "../../fixtures/assets";
import type { OutsiderTarget } from "../outsiders";

/**
 * AssetShareToken (deployed per asset by the registry): the agent (asset operator or regulator) pauses and freezes,
 * a regulator forces transfers and recovers wallets; only the registry, offering and market drive the system hooks;
 * revenue is deposited by the asset's named grid operator or its operator. Probed on the funded asset.
 */
export const target: OutsiderTarget = {
  contractName: "AssetShareToken",
  async load() {
    const f = await loadFixture(fundedAssetFixture);
    return {
      contract: f.token,
      outsider: f.actors.outsider,
      errorSources: [f.consortium],
      overrides: {
        // funding is closed and cEUR accepted: the depositor check is reached
        "deposit(address,uint256,uint256,bytes32)": [f.ceurAddr, 1n, 0n, "0x" + "00".repeat(32)],
      },
    };
  },
  accessErrors: {
    AccessNotConsortium: 0, // unpauseDomain: only the consortium, executing a vote
    ShareUnauthorised: 0, // agent functions, operator's issue, registry/offering/market hooks
    RevenueNotDepositor: 0, // deposit: the asset's named GRID_OPERATOR or its operator organisation
  },
  permissionless: {
    "initialize((uint256,uint32,string,string,uint256,address[],uint32))":
      "Runs once, inside the asset's beacon proxy constructor (the registry's register); afterwards it refuses everyone with InvalidInitialization (test/assets/upgrades.test.ts).",
    "transfer(address,uint256)":
      "ERC-20 transfer of the caller's own shares; still compliance-checked in _update: the receiver must be an active INVESTOR, neither side frozen, not paused, locked shares excluded.",
    "approve(address,uint256)":
      "ERC-20 allowance over the caller's own shares; moving them later goes through transferFrom and the same compliance checks.",
    "transferFrom(address,address,uint256)":
      "ERC-20 transfer within an allowance granted by the holder; the same compliance checks as transfer (eligible active investor receiver, no frozen side, not paused, unlocked shares only).",
    "burn(uint256)":
      "A holder may destroy their own unlocked shares (not paused, not frozen); it only lowers their own stake.",
    "claim(address)":
      "A holder pulls their own pro-rata revenue; the amount is computed from their balance history, frozen accounts are refused.",
  },
};
