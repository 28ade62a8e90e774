import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployConsortiumFixture } from "../fixtures/consortium";
import { ROLES } from "../../src/roles";

async function probeFixture() {
  const city = await deployConsortiumFixture();
  const probe = await hre.ethers.deployContract("GatedProbe", [await city.consortium.getAddress()]);
  return { ...city, probe };
}

describe("ConsortiumGated", function () {
  it("resolves the caller's organisation when it holds the role", async function () {
    const { probe, actors, orgIds, consortium } = await loadFixture(probeFixture);
    await probe.connect(actors.hospital).act(ROLES.HOSPITAL);
    expect(await probe.lastOrg()).to.equal(orgIds.hospital);
    expect(await probe.check(ROLES.HOSPITAL, actors.hospital.address)).to.deep.equal([true, BigInt(orgIds.hospital)]);
    expect(await probe.consortium()).to.equal(await consortium.getAddress());
  });

  it("refuses a caller without the role with AccessMissingRole", async function () {
    const { probe, actors } = await loadFixture(probeFixture);
    await expect(probe.connect(actors.carrier).act(ROLES.HOSPITAL))
      .to.be.revertedWithCustomError(probe, "AccessMissingRole")
      .withArgs(actors.carrier.address, ROLES.HOSPITAL);
    expect(await probe.check(ROLES.HOSPITAL, actors.outsider.address)).to.deep.equal([false, 0n]);
  });

  it("refuses a zero consortium address at deployment", async function () {
    const factory = await hre.ethers.getContractFactory("GatedProbe");
    await expect(factory.deploy(hre.ethers.ZeroAddress)).to.be.revertedWithCustomError(factory, "AccessZeroConsortium");
  });
});
