import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployConsortiumFixture } from "../../fixtures/consortium";
import type { WrongPartyTarget } from "../wrongparty";

async function settlementFixture() {
  const city = await deployConsortiumFixture();
  const { actors } = city;
  const token = await hre.ethers.deployContract("SettlementToken", ["City EUR", "cEUR", 2, actors.deployer.address]);
  await token.mint(actors.investor1.address, 1_000_00n);
  return { city, token };
}

/** SettlementToken: balances belong to their holders; an allowance is the only relation that lets another spend. */
export const target: WrongPartyTarget = {
  contractName: "SettlementToken",
  async load() {
    return (await loadFixture(settlementFixture)).token;
  },
  functions: {
    "transferFrom(address,address,uint256)": {
      rule: "an investor's balance: another investor spends it only through an allowance the holder granted",
      async setup() {
        const { city, token } = await loadFixture(settlementFixture);
        const { actors } = city;
        return {
          contract: token,
          consortium: city.consortium,
          caller: actors.investor2,
          role: "INVESTOR",
          args: [actors.investor1.address, actors.investor2.address, 1n],
          error: "ERC20InsufficientAllowance",
          errorArgs: [actors.investor2.address, 0n, 1n],
        };
      },
    },
    "transfer(address,uint256)": { exempt: "moves only the caller's own balance (ERC-20)" },
    "approve(address,uint256)": { exempt: "sets only the caller's own allowance (ERC-20)" },
    "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)": {
      exempt: "the owner's EIP-712 signature, nonce and deadline are the authorisation; any relayer may submit it",
    },
    "redeem(uint256)": { exempt: "burns only the caller's own balance" },
    "mint(address,uint256)": { exempt: "the issuer's function: one owner, no member-owned object (outsider gate)" },
    "transferOwnership(address)": { exempt: "the issuer's function: one owner (Ownable2Step, outsider gate)" },
    "acceptOwnership()": { exempt: "only the pending owner named by the issuer accepts (Ownable2Step)" },
    "renounceOwnership()": { exempt: "the issuer's function: one owner (Ownable2Step, outsider gate)" },
  },
};
