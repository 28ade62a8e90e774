import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import { proposeStatus, voteUntilClosed } from "../../src/consortium";
import { deployEpcisAnchorsFixture } from "../fixtures/epcis";

const h = (s: string) => keccak256(toUtf8Bytes(s));
const hashes = (n: number, tag = "e") => Array.from({ length: n }, (_, i) => h(`${tag}-${i}`));

describe("EpcisAnchors", function () {
  describe("anchoring", function () {
    it("anchors a list of event hashes as the caller organisation's, with the block and the sender", async function () {
      const { anchors, actors, orgIds } = await loadFixture(deployEpcisAnchorsFixture);
      const list = hashes(3);
      const tx = anchors.connect(actors.manufacturer).anchor(list);
      for (const x of list) {
        await expect(tx)
          .to.emit(anchors, "EpcisAnchored")
          .withArgs(x, orgIds.manufacturer, actors.manufacturer.address);
      }
      const block = (await (await tx).wait())!.blockNumber;
      for (const x of list) {
        expect(await anchors.anchoredAt(x, orgIds.manufacturer)).to.equal(block);
        const rec = await anchors.anchorOf(x, orgIds.manufacturer);
        expect([rec.blockNumber, rec.by]).to.deep.equal([BigInt(block), actors.manufacturer.address]);
      }
      expect(await anchors.anchoredAt(h("never"), orgIds.manufacturer)).to.equal(0n);
    });

    it("returns the asserting organisation", async function () {
      const { anchors, actors, orgIds } = await loadFixture(deployEpcisAnchorsFixture);
      expect(await anchors.connect(actors.carrier).anchor.staticCall([h("x")])).to.equal(BigInt(orgIds.carrier));
    });

    it("lets any active organisation anchor, whatever its roles (an insurer, a device manager)", async function () {
      const { anchors, actors, orgIds } = await loadFixture(deployEpcisAnchorsFixture);
      await anchors.connect(actors.insurer).anchor([h("a")]);
      await anchors.connect(actors.deviceManager).anchor([h("a")]);
      expect(await anchors.anchoredAt(h("a"), orgIds.insurer)).to.not.equal(0n);
      expect(await anchors.anchoredAt(h("a"), orgIds.deviceManager)).to.not.equal(0n);
    });

    it("another organisation's anchor of the same hash is its own: org A's record stays empty (no front-running)", async function () {
      const { anchors, actors, orgIds } = await loadFixture(deployEpcisAnchorsFixture);
      const x = h("captured by Acme");
      // the carrier sees Acme's hash first and anchors it: that is the carrier's assertion only
      await anchors.connect(actors.carrier).anchor([x]);
      expect(await anchors.anchoredAt(x, orgIds.manufacturer)).to.equal(0n);
      expect(await anchors.anchoredAt(x, orgIds.carrier)).to.not.equal(0n);
      // and Acme still anchors it as its own, later
      await mine(3);
      await expect(anchors.connect(actors.manufacturer).anchor([x]))
        .to.emit(anchors, "EpcisAnchored")
        .withArgs(x, orgIds.manufacturer, actors.manufacturer.address);
      const acme = await anchors.anchoredAt(x, orgIds.manufacturer);
      expect(acme).to.be.greaterThan(await anchors.anchoredAt(x, orgIds.carrier));
    });

    it("anchors up to MAX_BATCH (500) hashes in one transaction, every one under the caller's organisation", async function () {
      const { anchors, actors, orgIds } = await loadFixture(deployEpcisAnchorsFixture);
      const max = Number(await anchors.MAX_BATCH());
      expect(max).to.equal(500);
      const list = hashes(max);
      await (await anchors.connect(actors.manufacturer).anchor(list)).wait();
      for (const x of [list[0], list[max - 1]]) {
        expect(await anchors.anchoredAt(x, orgIds.manufacturer)).to.be.greaterThan(0n);
        expect(await anchors.anchoredAt(x, orgIds.carrier)).to.equal(0n);
      }
      // Its gas (one hash, and per hash in a full batch) is a bench row: src/bench/epcis.ts.
    });
  });

  describe("refusals", function () {
    it("refuses an account that belongs to no member", async function () {
      const { anchors, actors } = await loadFixture(deployEpcisAnchorsFixture);
      await expect(anchors.connect(actors.outsider).anchor([h("a")]))
        .to.be.revertedWithCustomError(anchors, "EpcisAnchorsNotMember")
        .withArgs(actors.outsider.address);
    });

    it("refuses a suspended organisation in the block of its suspension, and takes it back once reinstated", async function () {
      const { anchors, consortium, actors, orgIds } = await loadFixture(deployEpcisAnchorsFixture);
      const voters = [actors.regulator, actors.manufacturer, actors.distributor, actors.hospital, actors.pharmacy];
      const id = await proposeStatus(consortium, actors.regulator, orgIds.carrier, "Suspend");
      await voteUntilClosed(consortium, id, [...voters, actors.insurer, actors.assetOperator]);
      await expect(anchors.connect(actors.carrier).anchor([h("a")]))
        .to.be.revertedWithCustomError(anchors, "EpcisAnchorsMemberNotActive")
        .withArgs(orgIds.carrier, 2);
      const back = await proposeStatus(consortium, actors.regulator, orgIds.carrier, "Reinstate");
      await voteUntilClosed(consortium, back, [...voters, actors.insurer, actors.assetOperator]);
      await expect(anchors.connect(actors.carrier).anchor([h("a")])).to.emit(anchors, "EpcisAnchored");
    });

    it("refuses an account its organisation removed", async function () {
      const { anchors, consortium, actors, orgIds } = await loadFixture(deployEpcisAnchorsFixture);
      await consortium.connect(actors.carrier).addAccount(actors.outsider2.address);
      await expect(anchors.connect(actors.outsider2).anchor([h("a")]))
        .to.emit(anchors, "EpcisAnchored")
        .withArgs(h("a"), orgIds.carrier, actors.outsider2.address);
      await consortium.connect(actors.carrier).removeAccount(actors.outsider2.address);
      await expect(anchors.connect(actors.outsider2).anchor([h("b")]))
        .to.be.revertedWithCustomError(anchors, "EpcisAnchorsNotMember")
        .withArgs(actors.outsider2.address);
    });

    it("refuses a natural person (a patient, an investor): only organisations capture events", async function () {
      const { anchors, actors, orgIds } = await loadFixture(deployEpcisAnchorsFixture);
      await expect(anchors.connect(actors.patient1).anchor([h("a")]))
        .to.be.revertedWithCustomError(anchors, "EpcisAnchorsNotOrganisation")
        .withArgs(orgIds.patient1);
      await expect(anchors.connect(actors.investor1).anchor([h("a")]))
        .to.be.revertedWithCustomError(anchors, "EpcisAnchorsNotOrganisation")
        .withArgs(orgIds.investor1);
    });

    it("refuses an empty list", async function () {
      const { anchors, actors } = await loadFixture(deployEpcisAnchorsFixture);
      await expect(anchors.connect(actors.manufacturer).anchor([])).to.be.revertedWithCustomError(
        anchors,
        "EpcisAnchorsEmptyBatch",
      );
    });

    it("refuses more than MAX_BATCH hashes", async function () {
      const { anchors, actors } = await loadFixture(deployEpcisAnchorsFixture);
      await expect(anchors.connect(actors.manufacturer).anchor(hashes(501)))
        .to.be.revertedWithCustomError(anchors, "EpcisAnchorsBatchTooLarge")
        .withArgs(501, 500);
    });

    it("refuses a zero hash, naming its position, and anchors nothing of the list", async function () {
      const { anchors, actors, orgIds } = await loadFixture(deployEpcisAnchorsFixture);
      await expect(anchors.connect(actors.manufacturer).anchor([h("a"), ZeroHash]))
        .to.be.revertedWithCustomError(anchors, "EpcisAnchorsZeroHash")
        .withArgs(1);
      expect(await anchors.anchoredAt(h("a"), orgIds.manufacturer)).to.equal(0n);
    });

    it("refuses the same organisation anchoring a hash twice (a replay), from any of its accounts", async function () {
      const { anchors, consortium, actors, orgIds } = await loadFixture(deployEpcisAnchorsFixture);
      const tx = await (await anchors.connect(actors.manufacturer).anchor([h("a")])).wait();
      await expect(anchors.connect(actors.manufacturer).anchor([h("b"), h("a")]))
        .to.be.revertedWithCustomError(anchors, "EpcisAnchorsAlreadyAnchored")
        .withArgs(h("a"), orgIds.manufacturer, tx!.blockNumber);
      await consortium.connect(actors.manufacturer).addAccount(actors.outsider2.address);
      await expect(anchors.connect(actors.outsider2).anchor([h("a")]))
        .to.be.revertedWithCustomError(anchors, "EpcisAnchorsAlreadyAnchored")
        .withArgs(h("a"), orgIds.manufacturer, tx!.blockNumber);
      expect(await anchors.anchoredAt(h("b"), orgIds.manufacturer)).to.equal(0n);
    });

    it("refuses a hash listed twice in one call", async function () {
      const { anchors, actors, orgIds } = await loadFixture(deployEpcisAnchorsFixture);
      await expect(anchors.connect(actors.manufacturer).anchor([h("a"), h("a")]))
        .to.be.revertedWithCustomError(anchors, "EpcisAnchorsAlreadyAnchored")
        .withArgs(h("a"), orgIds.manufacturer, anyValue);
      expect(await anchors.anchoredAt(h("a"), orgIds.manufacturer)).to.equal(0n);
    });

    it("cannot be deployed without a consortium", async function () {
      const factory = await hre.ethers.getContractFactory("EpcisAnchors");
      await expect(factory.deploy(hre.ethers.ZeroAddress)).to.be.revertedWithCustomError(
        factory,
        "AccessZeroConsortium",
      );
    });
  });
});
