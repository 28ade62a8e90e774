import hre from "hardhat";
import { expect } from "chai";
import { AbiCoder, type Interface, keccak256, toUtf8Bytes } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { implementationOf } from "../../src/deploy/proxy";
import { ROLES } from "../../src/roles";
import { textHash } from "../../src/supplychain";
import { stateChangingFunctions, zeroValue } from "../security/outsiders";
import { GTIN, GTIN2, deploySupplyChainFixture } from "../fixtures/supplychain";
import { newSupplyChainImplementation as newImplementation, voteUnpause, voteUpgrade } from "../fixtures/upgrades";

const coder = AbiCoder.defaultAbiCoder();

/** ERC-7201: keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff)). */
function erc7201(id: string): bigint {
  const inner = BigInt(keccak256(toUtf8Bytes(id))) - 1n;
  return BigInt(keccak256(coder.encode(["uint256"], [inner]))) & ~0xffn;
}

/**
 * Functions that stay open while a regulator has paused the supply chain: the consortium's emergency path (lift the
 * pause after a vote, apply a voted upgrade) and the pause itself (a second pause reverts AccessPauseUnchanged).
 * SupplyChain moves no money, so no withdrawal has to stay open.
 */
const STAYS_OPEN = new Set(["pauseDomain(string)", "unpauseDomain(uint256)", "upgradeToAndCall(address,bytes)"]);

describe("SupplyChain behind its UUPS proxy", function () {
  it("keeps its state in the ERC-7201 namespace citychain.storage.SupplyChain", async function () {
    const { sc, orgIds } = await loadFixture(deploySupplyChainFixture);
    const base = erc7201("citychain.storage.SupplyChain");
    // products is the namespace's first field: the fixture's product sits at keccak256(gtin . base).
    const slot = keccak256(coder.encode(["uint64", "uint256"], [GTIN, base]));
    const word = BigInt(await hre.ethers.provider.getStorage(await sc.getAddress(), slot));
    expect(word & 0xffffffffn).to.equal(BigInt(orgIds.manufacturer));
    expect((await sc.product(GTIN)).manufacturer).to.equal(orgIds.manufacturer);
    // nothing in the proxy's first slots (no unnamespaced state)
    for (let i = 0; i < 8; i++) expect(await hre.ethers.provider.getStorage(await sc.getAddress(), i)).to.equal(0n);
  });

  it("cannot be initialised twice on the proxy, nor at all on the implementation", async function () {
    const { sc } = await loadFixture(deploySupplyChainFixture);
    await expect(sc.initialize()).to.be.revertedWithCustomError(sc, "InvalidInitialization");
    const impl = sc.attach(await implementationOf(hre, await sc.getAddress())) as typeof sc;
    await expect(impl.initialize()).to.be.revertedWithCustomError(sc, "InvalidInitialization");
  });

  it("refuses upgradeToAndCall from every account, the deployer and a regulator included", async function () {
    const { sc, consortium, actors } = await loadFixture(deploySupplyChainFixture);
    const next = await newImplementation(await sc.getAddress(), await consortium.getAddress());
    for (const who of [actors.deployer, actors.regulator, actors.manufacturer, actors.outsider]) {
      await expect(sc.connect(who).upgradeToAndCall(next, "0x"))
        .to.be.revertedWithCustomError(sc, "AccessUpgradeNotVoted")
        .withArgs(who.address);
    }
  });

  it("upgrades by a vote of the members, keeping every lot, and refuses a proposal of an implementation of another consortium", async function () {
    const city = await loadFixture(deploySupplyChainFixture);
    const { sc, consortium, actors, lotId } = city;
    const proxy = await sc.getAddress();
    const before = await sc.lot(lotId);
    const next = await newImplementation(proxy, await consortium.getAddress());
    const rewired = await newImplementation(proxy, actors.outsider.address);
    const rewiredHash = keccak256(await hre.ethers.provider.getCode(rewired));
    await expect(consortium.connect(actors.regulator).proposeUpgrade(proxy, rewired, rewiredHash))
      .to.be.revertedWithCustomError(consortium, "ConsortiumUpgradeNotUpgradeable")
      .withArgs(rewired);
    await voteUpgrade(city, proxy, next);
    expect(await implementationOf(hre, proxy)).to.equal(next);
    expect(await sc.lot(lotId)).to.deep.equal(before);
  });

  describe("emergency pause", function () {
    it("refuses a pause from an outsider and from a member without REGULATOR", async function () {
      const { sc, actors } = await loadFixture(deploySupplyChainFixture);
      for (const who of [actors.outsider, actors.manufacturer]) {
        await expect(sc.connect(who).pauseDomain("no"))
          .to.be.revertedWithCustomError(sc, "AccessMissingRole")
          .withArgs(who.address, ROLES.REGULATOR);
      }
      expect(await sc.domainPaused()).to.equal(false);
    });

    it("stops every state-changing function of the ABI once a regulator pauses", async function () {
      const { sc, actors, orgIds } = await loadFixture(deploySupplyChainFixture);
      const tx = await sc.connect(actors.regulator).pauseDomain("counterfeit wave");
      const at = (await hre.ethers.provider.getBlock((await tx.wait())!.blockNumber))!.timestamp;
      await expect(tx)
        .to.emit(sc, "DomainPaused")
        .withArgs(actors.regulator.address, orgIds.regulator, at, "counterfeit wave");
      expect(await sc.domainPaused()).to.equal(true);
      const refused: string[] = [];
      for (const f of stateChangingFunctions(sc)) {
        if (STAYS_OPEN.has(f.format())) continue;
        refused.push(f.format());
        const args = f.inputs.map((p) => zeroValue(p));
        // initialize refuses every call after the proxy's construction, paused or not
        const error = f.format() === "initialize()" ? "InvalidInitialization" : "AccessDomainPaused";
        // the manufacturer holds the roles of most of them: the pause, not the role check, must refuse
        await expect(
          actors.manufacturer.sendTransaction({
            to: await sc.getAddress(),
            data: (sc.interface as Interface).encodeFunctionData(f, args),
          }),
          f.format(),
        ).to.be.revertedWithCustomError(sc, error);
      }
      expect(refused).to.include.members(["registerProduct(uint64,bytes32)", "setGuardian(address,bool)"]);
      await expect(sc.connect(actors.regulator).pauseDomain("again"))
        .to.be.revertedWithCustomError(sc, "AccessPauseUnchanged")
        .withArgs(true);
    });

    it("keeps the views answering while paused", async function () {
      const { sc, actors, lotId } = await loadFixture(deploySupplyChainFixture);
      await sc.connect(actors.regulator).pauseDomain("audit");
      expect((await sc.lot(lotId)).itemCount).to.equal(64n);
      expect((await sc.product(GTIN)).manufacturer).to.not.equal(0n);
    });

    it("lifts the pause only by a vote of the members, then works again", async function () {
      const city = await loadFixture(deploySupplyChainFixture);
      const { sc, actors } = city;
      await sc.connect(actors.regulator).pauseDomain("audit");
      for (const who of [actors.regulator, actors.deployer, actors.outsider]) {
        await expect(sc.connect(who).unpauseDomain(1))
          .to.be.revertedWithCustomError(sc, "AccessNotConsortium")
          .withArgs(who.address);
      }
      const proposalId = await voteUnpause(city, sc);
      // the executed vote is the one the domain names as lifting its pause
      expect(await sc.queryFilter(sc.filters.DomainUnpaused(proposalId))).to.have.lengthOf(1);
      expect(await sc.domainPaused()).to.equal(false);
      await expect(sc.connect(actors.manufacturer).registerProduct(GTIN2, textHash("after the pause"))).to.emit(
        sc,
        "ProductRegistered",
      );
    });
  });
});
