import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ROLES } from "../../src/roles";
import { SerialTree, VERIFY_REASONS, cbv, itemKeyOf, lotIdOf, textHash } from "../../src/supplychain";
import { GTIN, PER_ITEM_LOT, SSCC, deploySupplyChainFixture, shipment } from "../fixtures/supplychain";

const h = textHash;
const LOC = textHash("counter");
const reason = (name: (typeof VERIFY_REASONS)[number]) => BigInt(VERIFY_REASONS.indexOf(name));

/** P1 sold by Corner Pharmacy (it received it from Acme). */
async function soldFixture() {
  const f = await deploySupplyChainFixture();
  const { sc, actors, orgIds, perItemLotId } = f;
  await sc.connect(actors.manufacturer).shipItem(perItemLotId, h("P1"), [], shipment(orgIds.pharmacy));
  await sc.connect(actors.pharmacy).receiveItem(perItemLotId, h("P1"), true, LOC, LOC);
  await sc.connect(actors.pharmacy).decommission(perItemLotId, h("P1"), [], cbv("retail_selling"), LOC);
  return f;
}

describe("issue 14: supply-chain replays (findings 9-11 and the decided items)", function () {
  it("finding 9: a clone alert by a dispenser without the pack is a report; the genuine undo and sale stand", async function () {
    const f = await loadFixture(soldFixture);
    const { sc, actors, perItemLotId, lotExpiry } = f;
    const key = itemKeyOf(perItemLotId, "P1");
    // Northside never held P1 but read its public code and presents it
    await expect(sc.connect(actors.hospital).decommission(perItemLotId, h("P1"), [], cbv("dispensing"), LOC)).to.emit(
      sc,
      "CloneAlerted",
    );
    expect((await sc.item(perItemLotId, h("P1"))).suspect).to.equal(false);
    // the pharmacy undoes its sale (a returned pack): verify says the report is pending, the sale is possible
    await sc.connect(actors.pharmacy).undoDecommission(perItemLotId, h("P1"));
    expect(await sc.verify(GTIN, "P1", PER_ITEM_LOT, lotExpiry, [])).to.deep.equal([true, reason("suspect reported")]);
    await expect(
      sc.connect(actors.pharmacy).decommission(perItemLotId, h("P1"), [], cbv("retail_selling"), LOC),
    ).to.emit(sc, "ItemDecommissioned");
    // only a REGULATOR decides; clearing needs a report, confirming a pending one
    await expect(sc.connect(actors.hospital).decideCloneReport(perItemLotId, h("P1"), true, h("x")))
      .to.be.revertedWithCustomError(sc, "AccessMissingRole")
      .withArgs(actors.hospital.address, ROLES.REGULATOR);
    await expect(sc.connect(actors.regulator).decideCloneReport(perItemLotId, h("P1"), false, h("false report")))
      .to.emit(sc, "CloneReportDecided")
      .withArgs(key, actors.regulator.address, false, h("false report"));
    await expect(sc.connect(actors.regulator).decideCloneReport(perItemLotId, h("P1"), true, h("x")))
      .to.be.revertedWithCustomError(sc, "SupplyChainNoCloneReport")
      .withArgs(key);
    expect((await sc.item(perItemLotId, h("P1"))).cloneReported).to.equal(false);
  });

  it("finding 10: a one-serial Merkle lot can be activated, moved and dispensed", async function () {
    const f = await loadFixture(deploySupplyChainFixture);
    const { sc, actors, orgIds } = f;
    const tree = SerialTree.of(["ONLY1"]);
    await sc.connect(actors.manufacturer).commissionLot(f.lotInput("SINGLE", tree.root, 1));
    const lotId = lotIdOf(GTIN, "SINGLE");
    expect(tree.proof("ONLY1")).to.deep.equal([]);
    await sc.connect(actors.manufacturer).shipItem(lotId, h("ONLY1"), [], shipment(orgIds.pharmacy));
    await sc.connect(actors.pharmacy).receiveItem(lotId, h("ONLY1"), true, LOC, LOC);
    await expect(sc.connect(actors.pharmacy).decommission(lotId, h("ONLY1"), [], cbv("retail_selling"), LOC)).to.emit(
      sc,
      "ItemDecommissioned",
    );
    // a wrong serial with an empty proof is still refused
    await expect(sc.connect(actors.manufacturer).shipItem(lotId, h("OTHER"), [], shipment(orgIds.pharmacy)))
      .to.be.revertedWithCustomError(sc, "SupplyChainInvalidProof")
      .withArgs(lotId, h("OTHER"));
    // packing it with an empty multiproof works too
    const tree2 = SerialTree.of(["ONLY2"]);
    await sc.connect(actors.manufacturer).commissionLot(f.lotInput("SINGLE2", tree2.root, 1));
    await expect(
      sc.connect(actors.manufacturer).packItems(SSCC, lotIdOf(GTIN, "SINGLE2"), [h("ONLY2")], [], []),
    ).to.emit(sc, "ItemPacked");
  });

  it("finding 11: a pallet move checks recall, destruction and expiry of the lots inside", async function () {
    const f = await loadFixture(deploySupplyChainFixture);
    const { sc, actors, orgIds, perItemLotId, lotExpiry } = f;
    const m = sc.connect(actors.manufacturer);
    await m.packItems(SSCC, perItemLotId, [h("P1"), h("P2")], [], []);
    expect(await sc.palletLots(SSCC)).to.deep.equal([perItemLotId]);
    await m.recallLot(perItemLotId, h("recall"));
    await expect(m.shipPallet(SSCC, shipment(orgIds.distributor)))
      .to.be.revertedWithCustomError(sc, "SupplyChainLotRecalled")
      .withArgs(perItemLotId);
    // back to its manufacturer only: the distributor holding a recalled pallet returns it
    await sc.connect(actors.regulator).destroyLot(perItemLotId, h("destroyed"));
    await expect(m.shipPallet(SSCC, shipment(orgIds.distributor)))
      .to.be.revertedWithCustomError(sc, "SupplyChainLotDestroyed")
      .withArgs(perItemLotId);
    // expiry: a pallet of an expired lot goes nowhere but back to its manufacturer
    const g = await loadFixture(deploySupplyChainFixture);
    await g.sc.connect(g.actors.manufacturer).packItems(SSCC, g.perItemLotId, [h("P1")], [], []);
    await time.increaseTo(Number(lotExpiry));
    await expect(g.sc.connect(g.actors.manufacturer).shipPallet(SSCC, shipment(g.orgIds.distributor)))
      .to.be.revertedWithCustomError(g.sc, "SupplyChainLotExpired")
      .withArgs(g.perItemLotId, lotExpiry);
  });

  it("also decided: an expired lot is neither shipped onward nor received as sellable", async function () {
    const f = await loadFixture(deploySupplyChainFixture);
    const { sc, actors, orgIds, perItemLotId, lotExpiry } = f;
    await sc.connect(actors.manufacturer).shipItem(perItemLotId, h("P1"), [], shipment(orgIds.distributor));
    await time.increaseTo(Number(lotExpiry));
    await expect(sc.connect(actors.distributor).receiveItem(perItemLotId, h("P1"), true, LOC, LOC))
      .to.be.revertedWithCustomError(sc, "SupplyChainLotExpired")
      .withArgs(perItemLotId, lotExpiry);
    await sc.connect(actors.distributor).receiveItem(perItemLotId, h("P1"), false, LOC, LOC);
    await expect(sc.connect(actors.distributor).shipItem(perItemLotId, h("P1"), [], shipment(orgIds.pharmacy)))
      .to.be.revertedWithCustomError(sc, "SupplyChainLotExpired")
      .withArgs(perItemLotId, lotExpiry);
    await expect(
      sc.connect(actors.distributor).shipItem(perItemLotId, h("P1"), [], shipment(orgIds.manufacturer)),
    ).to.emit(sc, "ItemShipped");
    void hre;
  });
});
