import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployConsortiumFixture } from "../../fixtures/consortium";
import type { OutsiderTarget } from "../outsiders";

/** The settlement token next to the city: the issuer is the settlement bank (the deployer here). */
async function settlementFixture() {
  const city = await deployConsortiumFixture();
  const token = await hre.ethers.deployContract("SettlementToken", [
    "City EUR",
    "cEUR",
    2,
    city.actors.deployer.address,
  ]);
  return { city, token };
}

/** SettlementToken: only the issuer mints and manages ownership; the ERC-20 surface is open by design. */
export const target: OutsiderTarget = {
  contractName: "SettlementToken",
  async load() {
    const { city, token } = await loadFixture(settlementFixture);
    return { contract: token, outsider: city.actors.outsider };
  },
  permissionless: {
    "transfer(address,uint256)": "ERC-20: moves the caller's own balance (ERC20InsufficientBalance otherwise).",
    "approve(address,uint256)": "ERC-20: sets the caller's own allowance.",
    "transferFrom(address,address,uint256)":
      "ERC-20: spends an allowance the owner granted (ERC20InsufficientAllowance otherwise).",
    "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)":
      "EIP-2612: anyone may relay the owner's signature; the signature, nonce and deadline are the authorisation.",
    "redeem(uint256)": "Burns the caller's own balance; the bank pays out off chain on the Transfer to zero.",
  },
};
