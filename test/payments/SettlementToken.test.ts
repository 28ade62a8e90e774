import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

async function tokenFixture() {
  const [issuer, alice, bob] = await hre.ethers.getSigners();
  const token = await hre.ethers.deployContract("SettlementToken", ["City EUR", "cEUR", 2, issuer.address]);
  return { token, issuer, alice, bob };
}

describe("SettlementToken", function () {
  it("lets the issuer mint and holders redeem", async function () {
    const { token, alice } = await loadFixture(tokenFixture);
    expect(await token.decimals()).to.equal(2);
    await expect(token.mint(alice.address, 10_000)).to.changeTokenBalance(token, alice, 10_000);
    await expect(token.connect(alice).redeem(4_000))
      .to.emit(token, "Transfer")
      .withArgs(alice.address, hre.ethers.ZeroAddress, 4_000);
    expect(await token.totalSupply()).to.equal(6_000);
  });

  it("refuses minting by anyone but the issuer and redeeming more than held", async function () {
    const { token, alice } = await loadFixture(tokenFixture);
    await expect(token.connect(alice).mint(alice.address, 1))
      .to.be.revertedWithCustomError(token, "OwnableUnauthorizedAccount")
      .withArgs(alice.address);
    await expect(token.connect(alice).redeem(1))
      .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
      .withArgs(alice.address, 0, 1);
  });
});
