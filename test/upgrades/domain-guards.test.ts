import hre from "hardhat";
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import {
  impersonateAccount,
  loadFixture,
  setBalance,
  stopImpersonatingAccount,
} from "@nomicfoundation/hardhat-network-helpers";
import { implementationOf } from "../../src/deploy/proxy";
import { deploySupplyChainFixture } from "../fixtures/supplychain";
import { deployEpcisAnchorsFixture } from "../fixtures/epcis";
import { newSupplyChainImplementation, voteUnpause } from "../fixtures/upgrades";

/**
 * The domain contract's own guards behind the consortium's: the consortium checks a proposal's implementation and
 * lifts a pause only by a vote, but a domain must refuse a wrong upgrade or a pointless unpause even from the
 * consortium's address (a consortium upgraded to faulty code must not be able to rewire or brick a domain).
 */
describe("domain guards behind the consortium (issue 21)", function () {
  /** Runs `fn` as the consortium contract itself (its address, impersonated and funded). */
  async function asConsortium<T>(
    consortium: string,
    fn: (signer: Awaited<ReturnType<typeof hre.ethers.getSigner>>) => Promise<T>,
  ) {
    await impersonateAccount(consortium);
    await setBalance(consortium, 10n ** 18n);
    try {
      return await fn(await hre.ethers.getSigner(consortium));
    } finally {
      await stopImpersonatingAccount(consortium);
    }
  }

  it("refuses, even from the consortium, an implementation wired to another consortium or with no consortium at all", async function () {
    const { sc, consortium, actors, lotId } = await loadFixture(deploySupplyChainFixture);
    const proxy = await sc.getAddress();
    const lot = await sc.lot(lotId);
    const rewired = await newSupplyChainImplementation(proxy, actors.outsider.address);
    // a UUPS contract of another kind (the consortium's own implementation): its code has no consortium() view
    const foreign = await implementationOf(hre, await consortium.getAddress());
    await asConsortium(await consortium.getAddress(), async (self) => {
      for (const next of [rewired, foreign]) {
        await expect(sc.connect(self).upgradeToAndCall(next, "0x"), next)
          .to.be.revertedWithCustomError(sc, "AccessUpgradeRewires")
          .withArgs(next);
      }
      // the right wiring passes the same guard
      const good = await newSupplyChainImplementation(proxy, await consortium.getAddress());
      await expect(sc.connect(self).upgradeToAndCall(good, "0x")).to.emit(sc, "Upgraded").withArgs(good);
    });
    expect(await sc.lot(lotId)).to.deep.equal(lot);
  });

  it("refuses to lift a pause that is not in force, even by the consortium, and lifts a real one once", async function () {
    const city = await loadFixture(deploySupplyChainFixture);
    const { sc, consortium, actors } = city;
    await asConsortium(await consortium.getAddress(), async (self) => {
      await expect(sc.connect(self).unpauseDomain(1))
        .to.be.revertedWithCustomError(sc, "AccessPauseUnchanged")
        .withArgs(false);
    });
    await sc.connect(actors.regulator).pauseDomain("recall audit");
    await voteUnpause(city, sc);
    expect(await sc.domainPaused()).to.equal(false);
    await asConsortium(await consortium.getAddress(), async (self) => {
      await expect(sc.connect(self).unpauseDomain(2))
        .to.be.revertedWithCustomError(sc, "AccessPauseUnchanged")
        .withArgs(false);
    });
  });

  describe("EpcisAnchors behind its proxy", function () {
    const h = (s: string) => keccak256(toUtf8Bytes(s));

    it("cannot be initialised twice on the proxy, nor at all on the implementation", async function () {
      const { anchors } = await loadFixture(deployEpcisAnchorsFixture);
      await expect(anchors.initialize()).to.be.revertedWithCustomError(anchors, "InvalidInitialization");
      const impl = anchors.attach(await implementationOf(hre, await anchors.getAddress())) as typeof anchors;
      await expect(impl.initialize()).to.be.revertedWithCustomError(anchors, "InvalidInitialization");
    });

    it("stops anchoring while a regulator's pause holds, and anchors again after the vote lifts it", async function () {
      const city = await loadFixture(deployEpcisAnchorsFixture);
      const { anchors, actors } = city;
      await anchors.connect(actors.regulator).pauseDomain("forged event wave");
      await expect(anchors.connect(actors.manufacturer).anchor([h("during")])).to.be.revertedWithCustomError(
        anchors,
        "AccessDomainPaused",
      );
      const manufacturer = Number(await city.consortium.memberOf(actors.manufacturer.address));
      expect(await anchors.anchoredAt(h("during"), manufacturer)).to.equal(0n);
      await voteUnpause(city, anchors);
      await expect(anchors.connect(actors.manufacturer).anchor([h("after")])).to.emit(anchors, "EpcisAnchored");
    });
  });
});
