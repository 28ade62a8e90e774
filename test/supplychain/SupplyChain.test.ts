import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { proposeStatus, voteUntilClosed } from "../../src/consortium";
import { ROLES } from "../../src/roles";
import { ITEM_STATE, SerialTree, VERIFY_REASONS, itemKeyOf, lotIdOf, textHash, cbv } from "../../src/supplychain";
import { shouldBehaveLikeRestricted } from "../behaviours/restricted";
import {
  GTIN,
  GTIN2,
  LOT,
  ORIGIN,
  PER_ITEM_LOT,
  RECEIPT_EPCIS,
  SERIALS,
  SSCC,
  SSCC2,
  deploySupplyChainFixture,
  shipment,
} from "../fixtures/supplychain";

const h = textHash;
const REASON = h("reason");
const LOC = h(ORIGIN);
const EPCIS = RECEIPT_EPCIS;
const reason = (name: (typeof VERIFY_REASONS)[number]) => BigInt(VERIFY_REASONS.indexOf(name));

describe("SupplyChain", function () {
  shouldBehaveLikeRestricted(async () => {
    const { sc, actors, lotId, lotInput } = await loadFixture(deploySupplyChainFixture);
    const o = sc.connect(actors.outsider);
    const who = actors.outsider.address;
    return [
      {
        name: "registerProduct",
        send: () => o.registerProduct(GTIN2, REASON),
        contract: sc,
        error: "AccessMissingRole",
        args: [who, ROLES.MANUFACTURER],
      },
      {
        name: "commissionLot",
        send: () => o.commissionLot(lotInput("X", h("r"), 1)),
        contract: sc,
        error: "AccessMissingRole",
        args: [who, ROLES.MANUFACTURER],
      },
      {
        name: "registerItem",
        send: () => o.registerItem(lotId, h("x")),
        contract: sc,
        error: "AccessMissingRole",
        args: [who, ROLES.MANUFACTURER],
      },
      {
        name: "registerItems",
        send: () => o.registerItems(lotId, [h("x")]),
        contract: sc,
        error: "AccessMissingRole",
        args: [who, ROLES.MANUFACTURER],
      },
      {
        name: "shipItem",
        send: () => o.shipItem(lotId, h("x"), [], shipment(1)),
        contract: sc,
        error: "SupplyChainNoCustodyRole",
        args: [who],
      },
      {
        name: "receiveItem",
        send: () => o.receiveItem(lotId, h("x"), true, LOC, EPCIS),
        contract: sc,
        error: "SupplyChainNoCustodyRole",
        args: [who],
      },
      {
        name: "packItems",
        send: () => o.packItems(SSCC, lotId, [h("x")], [], []),
        contract: sc,
        error: "SupplyChainNoCustodyRole",
        args: [who],
      },
      {
        name: "unpackItems",
        send: () => o.unpackItems(SSCC, lotId, [h("x")]),
        contract: sc,
        error: "SupplyChainNoCustodyRole",
        args: [who],
      },
      {
        name: "shipPallet",
        send: () => o.shipPallet(SSCC, shipment(1)),
        contract: sc,
        error: "SupplyChainNoCustodyRole",
        args: [who],
      },
      {
        name: "receivePallet",
        send: () => o.receivePallet(SSCC, LOC, EPCIS),
        contract: sc,
        error: "SupplyChainNoCustodyRole",
        args: [who],
      },
      {
        name: "reportItem",
        send: () => o.reportItem(lotId, h("x"), [], ITEM_STATE.Stolen, REASON),
        contract: sc,
        error: "SupplyChainNoCustodyRole",
        args: [who],
      },
      {
        name: "decommission",
        send: () => o.decommission(lotId, h("x"), [], cbv("dispensing"), LOC),
        contract: sc,
        error: "SupplyChainNoDispenseRole",
        args: [who],
      },
      {
        name: "undoDecommission",
        send: () => o.undoDecommission(lotId, h("x")),
        contract: sc,
        error: "SupplyChainNoDispenseRole",
        args: [who],
      },
      {
        name: "recallLot",
        send: () => o.recallLot(lotId, REASON),
        contract: sc,
        error: "AccessMissingRole",
        args: [who, ROLES.MANUFACTURER],
      },
      {
        name: "setGuardian",
        send: () => o.setGuardian(who, true),
        contract: sc,
        error: "AccessMissingRole",
        args: [who, ROLES.REGULATOR],
      },
      {
        name: "quarantineLot",
        send: () => o.quarantineLot(lotId, REASON),
        contract: sc,
        error: "SupplyChainNotGuardian",
        args: [who],
      },
      {
        name: "releaseLot",
        send: () => o.releaseLot(lotId, REASON),
        contract: sc,
        error: "AccessMissingRole",
        args: [who, ROLES.REGULATOR],
      },
      {
        name: "destroyLot",
        send: () => o.destroyLot(lotId, REASON),
        contract: sc,
        error: "AccessMissingRole",
        args: [who, ROLES.REGULATOR],
      },
    ];
  });

  describe("products", function () {
    it("registers a GTIN-14 with its metadata hash for the manufacturer's organisation", async function () {
      const { sc, actors, orgIds } = await loadFixture(deploySupplyChainFixture);
      await expect(sc.connect(actors.manufacturer).registerProduct(GTIN2, h("meta")))
        .to.emit(sc, "ProductRegistered")
        .withArgs(GTIN2, orgIds.manufacturer, h("meta"));
      const p = await sc.product(GTIN2);
      expect(p.manufacturer).to.equal(orgIds.manufacturer);
      expect(p.metadataHash).to.equal(h("meta"));
    });

    it("refuses a GTIN with a wrong check digit, zero or more than 14 digits", async function () {
      const { sc, actors } = await loadFixture(deploySupplyChainFixture);
      const m = sc.connect(actors.manufacturer);
      const wrong = BigInt(GTIN2) + 1n;
      for (const bad of [wrong, 0n, 100_000_000_000_000n]) {
        await expect(m.registerProduct(bad, h("meta")))
          .to.be.revertedWithCustomError(sc, "SupplyChainInvalidGtin")
          .withArgs(bad);
      }
    });

    it("refuses to register a GTIN twice", async function () {
      const { sc, actors } = await loadFixture(deploySupplyChainFixture);
      await expect(sc.connect(actors.manufacturer2).registerProduct(GTIN, h("meta")))
        .to.be.revertedWithCustomError(sc, "SupplyChainProductExists")
        .withArgs(GTIN);
    });

    it("cuts a suspended manufacturer off at once", async function () {
      const { sc, consortium, actors, orgIds } = await loadFixture(deploySupplyChainFixture);
      const id = await proposeStatus(consortium, actors.regulator, orgIds.manufacturer2, "Suspend");
      await voteUntilClosed(consortium, id, [
        actors.manufacturer,
        actors.distributor,
        actors.carrier,
        actors.hospital,
        actors.pharmacy,
        actors.insurer,
      ]);
      await expect(sc.connect(actors.manufacturer2).registerProduct(GTIN2, h("meta")))
        .to.be.revertedWithCustomError(sc, "AccessMissingRole")
        .withArgs(actors.manufacturer2.address, ROLES.MANUFACTURER);
    });
  });

  describe("lots", function () {
    it("commissions a lot as one Merkle root and records its origin and input lots", async function () {
      const { sc, actors, orgIds, lotId, perItemLotId, lotInput, lotExpiry } =
        await loadFixture(deploySupplyChainFixture);
      const tree = SerialTree.of(["A1", "A2", "A3"]);
      const input = lotInput("L-OUT", tree.root, 3, [lotId, perItemLotId]);
      const out = lotIdOf(GTIN, "L-OUT");
      await expect(sc.connect(actors.manufacturer).commissionLot(input))
        .to.emit(sc, "LotCommissioned")
        .withArgs(out, GTIN, orgIds.manufacturer, h("L-OUT"), lotExpiry, h(ORIGIN), tree.root, 3, [
          lotId,
          perItemLotId,
        ]);
      const l = await sc.lot(out);
      expect([l.manufacturer, l.gtin, l.expiry, l.itemCount, l.merkleRoot]).to.deep.equal([
        BigInt(orgIds.manufacturer),
        BigInt(GTIN),
        lotExpiry,
        3n,
        tree.root,
      ]);
      expect([l.recalled, l.quarantined, l.destroyed]).to.deep.equal([false, false, false]);
      expect(await sc.lotIdOf(GTIN, h("L-OUT"))).to.equal(out);
    });

    it("refuses unknown products, other manufacturers' products and unknown input lots", async function () {
      const { sc, actors, orgIds, lotInput } = await loadFixture(deploySupplyChainFixture);
      const m = sc.connect(actors.manufacturer);
      await expect(m.commissionLot({ ...lotInput("X", h("r"), 1), gtin: GTIN2 }))
        .to.be.revertedWithCustomError(sc, "SupplyChainUnknownProduct")
        .withArgs(GTIN2);
      await expect(sc.connect(actors.manufacturer2).commissionLot(lotInput("X", h("r"), 1)))
        .to.be.revertedWithCustomError(sc, "SupplyChainNotProductManufacturer")
        .withArgs(GTIN, orgIds.manufacturer2);
      await expect(m.commissionLot(lotInput("X", h("r"), 1, [h("nope")])))
        .to.be.revertedWithCustomError(sc, "SupplyChainUnknownLot")
        .withArgs(h("nope"));
      const many = Array.from({ length: 33 }, () => h("x"));
      await expect(m.commissionLot(lotInput("X", h("r"), 1, many)))
        .to.be.revertedWithCustomError(sc, "SupplyChainTooManyInputs")
        .withArgs(33, 32);
    });

    it("refuses a past or oversized expiry, a wrong item count and a duplicate lot", async function () {
      const { sc, actors, lotInput, lotId } = await loadFixture(deploySupplyChainFixture);
      const m = sc.connect(actors.manufacturer);
      const now = BigInt(await time.latest());
      await expect(m.commissionLot({ ...lotInput("X", h("r"), 1), expiry: now }))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidExpiry")
        .withArgs(now);
      await expect(m.commissionLot({ ...lotInput("X", h("r"), 1), expiry: 2n ** 40n }))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidExpiry")
        .withArgs(2n ** 40n);
      await expect(m.commissionLot(lotInput("X", h("r"), 0)))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidItemCount")
        .withArgs(h("r"), 0);
      await expect(m.commissionLot(lotInput("X", hre.ethers.ZeroHash, 5)))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidItemCount")
        .withArgs(hre.ethers.ZeroHash, 5);
      await expect(m.commissionLot(lotInput(LOT, h("r"), 1)))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotExists")
        .withArgs(lotId);
    });
  });

  describe("per-item registration", function () {
    it("registers one item in a per-item lot and counts it", async function () {
      const { sc, actors, orgIds, perItemLotId } = await loadFixture(deploySupplyChainFixture);
      const key = itemKeyOf(perItemLotId, "P9");
      await expect(sc.connect(actors.manufacturer).registerItem(perItemLotId, h("P9")))
        .to.emit(sc, "ItemActivated")
        .withArgs(perItemLotId, key, h("P9"), true);
      const it = await sc.item(perItemLotId, h("P9"));
      expect([it.state, it.activated, it.owner, it.custodian]).to.deep.equal([
        BigInt(ITEM_STATE.Commissioned),
        true,
        BigInt(orgIds.manufacturer),
        BigInt(orgIds.manufacturer),
      ]);
      expect((await sc.lot(perItemLotId)).itemCount).to.equal(4n);
      expect(await sc.itemKeyOf(perItemLotId, h("P9"))).to.equal(key);
    });

    it("refuses a duplicate serial, a Merkle lot, another manufacturer, an unknown lot and a bad batch", async function () {
      const { sc, actors, orgIds, lotId, perItemLotId } = await loadFixture(deploySupplyChainFixture);
      const m = sc.connect(actors.manufacturer);
      await expect(m.registerItem(perItemLotId, h("P1")))
        .to.be.revertedWithCustomError(sc, "SupplyChainDuplicateSerial")
        .withArgs(perItemLotId, h("P1"));
      await expect(m.registerItems(perItemLotId, [h("P7"), h("P7")]))
        .to.be.revertedWithCustomError(sc, "SupplyChainDuplicateSerial")
        .withArgs(perItemLotId, h("P7"));
      await expect(m.registerItem(lotId, h("P9")))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotHasTree")
        .withArgs(lotId);
      await expect(sc.connect(actors.manufacturer2).registerItem(perItemLotId, h("P9")))
        .to.be.revertedWithCustomError(sc, "SupplyChainNotLotManufacturer")
        .withArgs(perItemLotId, orgIds.manufacturer2);
      await expect(m.registerItem(h("nope"), h("P9")))
        .to.be.revertedWithCustomError(sc, "SupplyChainUnknownLot")
        .withArgs(h("nope"));
      await expect(m.registerItems(perItemLotId, []))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidBatch")
        .withArgs(0, 1000);
      const tooMany = Array.from({ length: 1001 }, (_, i) => h(`Q${i}`));
      await expect(m.registerItems(perItemLotId, tooMany))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidBatch")
        .withArgs(1001, 1000);
      await m.recallLot(perItemLotId, REASON);
      await expect(m.registerItem(perItemLotId, h("P9")))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotRecalled")
        .withArgs(perItemLotId);
    });
  });

  describe("lazy activation and item custody", function () {
    it("materialises an item on its first action with its proof and ships it", async function () {
      const { sc, actors, orgIds, lotId, tree } = await loadFixture(deploySupplyChainFixture);
      const key = itemKeyOf(lotId, "SN0001");
      expect((await sc.item(lotId, h("SN0001"))).activated).to.equal(false);
      const s = shipment(orgIds.carrier);
      await expect(sc.connect(actors.manufacturer).shipItem(lotId, h("SN0001"), tree.proof("SN0001"), s))
        .to.emit(sc, "ItemActivated")
        .withArgs(lotId, key, h("SN0001"), false)
        .and.to.emit(sc, "ItemShipped")
        .withArgs(key, orgIds.manufacturer, orgIds.carrier, 0, s.bizStep, s.location, s.epcisHash, s.bizTransaction);
      const it = await sc.item(lotId, h("SN0001"));
      expect([it.state, it.receiver, it.custodian]).to.deep.equal([
        BigInt(ITEM_STATE.InTransit),
        BigInt(orgIds.carrier),
        BigInt(orgIds.manufacturer),
      ]);
    });

    it("re-ships a returned item and refuses lazy activation in a per-item lot", async function () {
      const { sc, actors, orgIds, perItemLotId, tree } = await loadFixture(deploySupplyChainFixture);
      const m = sc.connect(actors.manufacturer);
      await m.shipItem(perItemLotId, h("P1"), [], shipment(orgIds.distributor));
      await sc.connect(actors.distributor).receiveItem(perItemLotId, h("P1"), true, LOC, EPCIS);
      await sc.connect(actors.distributor).shipItem(perItemLotId, h("P1"), [], shipment(orgIds.manufacturer));
      await m.receiveItem(perItemLotId, h("P1"), true, LOC, EPCIS);
      expect((await sc.item(perItemLotId, h("P1"))).state).to.equal(ITEM_STATE.Returned);
      await expect(m.shipItem(perItemLotId, h("P1"), [], shipment(orgIds.hospital))).to.emit(sc, "ItemShipped");
      await expect(m.shipItem(perItemLotId, h("P9"), tree.proof(SERIALS[0]), shipment(orgIds.hospital)))
        .to.be.revertedWithCustomError(sc, "SupplyChainUnknownItem")
        .withArgs(perItemLotId, h("P9"));
    });

    it("refuses a missing proof and a proof for the wrong lot", async function () {
      const { sc, actors, orgIds, lotId, tree, lotInput } = await loadFixture(deploySupplyChainFixture);
      const m = sc.connect(actors.manufacturer);
      await expect(m.shipItem(lotId, h("SN0001"), [], shipment(orgIds.carrier)))
        .to.be.revertedWithCustomError(sc, "SupplyChainUnknownItem")
        .withArgs(lotId, h("SN0001"));
      const other = SerialTree.of(["SN0001", "B2", "B3"]);
      await m.commissionLot(lotInput("L-B", other.root, 3));
      const lotB = lotIdOf(GTIN, "L-B");
      await expect(m.shipItem(lotB, h("SN0001"), tree.proof("SN0001"), shipment(orgIds.carrier)))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidProof")
        .withArgs(lotB, h("SN0001"));
    });

    it("hands over custody in two steps and ownership only by the owner", async function () {
      const { sc, actors, orgIds, perItemLotId } = await loadFixture(deploySupplyChainFixture);
      const key = itemKeyOf(perItemLotId, "P1");
      const m = sc.connect(actors.manufacturer);
      await m.shipItem(perItemLotId, h("P1"), [], shipment(orgIds.carrier));
      await expect(sc.connect(actors.distributor).receiveItem(perItemLotId, h("P1"), true, LOC, EPCIS))
        .to.be.revertedWithCustomError(sc, "SupplyChainNotReceiver")
        .withArgs(key, orgIds.distributor);
      await expect(m.shipItem(perItemLotId, h("P1"), [], shipment(orgIds.carrier)))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidItemState")
        .withArgs(key, ITEM_STATE.InTransit);
      await expect(sc.connect(actors.carrier).receiveItem(perItemLotId, h("P1"), true, LOC, EPCIS))
        .to.emit(sc, "ItemReceived")
        .withArgs(key, orgIds.carrier, true, LOC, EPCIS);
      await expect(sc.connect(actors.carrier).receiveItem(perItemLotId, h("P1"), true, LOC, EPCIS))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidItemState")
        .withArgs(key, ITEM_STATE.Received);
      await expect(
        sc
          .connect(actors.carrier)
          .shipItem(perItemLotId, h("P1"), [], shipment(orgIds.distributor, orgIds.distributor)),
      )
        .to.be.revertedWithCustomError(sc, "SupplyChainNotOwner")
        .withArgs(key, orgIds.carrier);
      await sc.connect(actors.carrier).shipItem(perItemLotId, h("P1"), [], shipment(orgIds.distributor));
      await sc.connect(actors.distributor).receiveItem(perItemLotId, h("P1"), true, LOC, EPCIS);
      let it = await sc.item(perItemLotId, h("P1"));
      expect([it.owner, it.custodian, it.state]).to.deep.equal([
        BigInt(orgIds.manufacturer),
        BigInt(orgIds.distributor),
        BigInt(ITEM_STATE.Received),
      ]);
      // The owner sells to the distributor: ownership moves on receipt.
      await m.shipItem(perItemLotId, h("P2"), [], shipment(orgIds.distributor, orgIds.distributor));
      await sc.connect(actors.distributor).receiveItem(perItemLotId, h("P2"), true, LOC, EPCIS);
      it = await sc.item(perItemLotId, h("P2"));
      expect([it.owner, it.custodian]).to.deep.equal([BigInt(orgIds.distributor), BigInt(orgIds.distributor)]);
    });

    it("cuts a suspended carrier out of a handoff in progress and refuses it as a receiver", async function () {
      const { sc, consortium, actors, orgIds, perItemLotId } = await loadFixture(deploySupplyChainFixture);
      await sc.connect(actors.manufacturer).shipItem(perItemLotId, h("P1"), [], shipment(orgIds.carrier));
      const id = await proposeStatus(consortium, actors.regulator, orgIds.carrier, "Suspend");
      await voteUntilClosed(consortium, id, [
        actors.manufacturer,
        actors.distributor,
        actors.hospital,
        actors.pharmacy,
        actors.insurer,
        actors.kyc,
      ]);
      await expect(sc.connect(actors.carrier).receiveItem(perItemLotId, h("P1"), true, LOC, EPCIS))
        .to.be.revertedWithCustomError(sc, "SupplyChainNoCustodyRole")
        .withArgs(actors.carrier.address);
      await expect(sc.connect(actors.manufacturer).shipItem(perItemLotId, h("P2"), [], shipment(orgIds.carrier)))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidReceiver")
        .withArgs(orgIds.carrier);
    });

    it("refuses shipping what the caller does not hold and invalid receivers", async function () {
      const { sc, actors, orgIds, perItemLotId } = await loadFixture(deploySupplyChainFixture);
      const key = itemKeyOf(perItemLotId, "P1");
      const m = sc.connect(actors.manufacturer);
      await expect(sc.connect(actors.distributor).shipItem(perItemLotId, h("P1"), [], shipment(orgIds.carrier)))
        .to.be.revertedWithCustomError(sc, "SupplyChainNotHolder")
        .withArgs(key, orgIds.distributor);
      for (const bad of [orgIds.manufacturer, orgIds.insurer, 0, 999]) {
        await expect(m.shipItem(perItemLotId, h("P1"), [], shipment(bad)))
          .to.be.revertedWithCustomError(sc, "SupplyChainInvalidReceiver")
          .withArgs(bad);
      }
      await expect(m.shipItem(perItemLotId, h("P1"), [], shipment(orgIds.hospital, orgIds.insurer)))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidReceiver")
        .withArgs(orgIds.insurer);
      await expect(sc.connect(actors.carrier).receiveItem(perItemLotId, h("P9"), true, LOC, EPCIS))
        .to.be.revertedWithCustomError(sc, "SupplyChainUnknownItem")
        .withArgs(perItemLotId, h("P9"));
      await expect(m.shipItem(h("nope"), h("P1"), [], shipment(orgIds.carrier)))
        .to.be.revertedWithCustomError(sc, "SupplyChainUnknownLot")
        .withArgs(h("nope"));
    });

    it("lets a recalled lot flow back to its manufacturer only, received as returned", async function () {
      const { sc, actors, orgIds, perItemLotId } = await loadFixture(deploySupplyChainFixture);
      const m = sc.connect(actors.manufacturer);
      await m.shipItem(perItemLotId, h("P1"), [], shipment(orgIds.distributor));
      await sc.connect(actors.distributor).receiveItem(perItemLotId, h("P1"), true, LOC, EPCIS);
      await m.recallLot(perItemLotId, REASON);
      const d = sc.connect(actors.distributor);
      await expect(d.shipItem(perItemLotId, h("P1"), [], shipment(orgIds.pharmacy)))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotRecalled")
        .withArgs(perItemLotId);
      await d.shipItem(perItemLotId, h("P1"), [], shipment(orgIds.manufacturer));
      await expect(m.receiveItem(perItemLotId, h("P1"), true, LOC, EPCIS))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotRecalled")
        .withArgs(perItemLotId);
      await m.receiveItem(perItemLotId, h("P1"), false, LOC, EPCIS);
      expect((await sc.item(perItemLotId, h("P1"))).state).to.equal(ITEM_STATE.Returned);
    });

    it("refuses to receive a quarantined lot as sellable and to ship a destroyed lot", async function () {
      const { sc, actors, orgIds, perItemLotId } = await loadFixture(deploySupplyChainFixture);
      const m = sc.connect(actors.manufacturer);
      await m.shipItem(perItemLotId, h("P1"), [], shipment(orgIds.distributor));
      await sc.connect(actors.regulator).quarantineLot(perItemLotId, REASON);
      const d = sc.connect(actors.distributor);
      await expect(d.receiveItem(perItemLotId, h("P1"), true, LOC, EPCIS))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotQuarantined")
        .withArgs(perItemLotId);
      await expect(d.receiveItem(perItemLotId, h("P1"), false, LOC, EPCIS)).to.emit(sc, "ItemReceived");
      await sc.connect(actors.regulator).destroyLot(perItemLotId, REASON);
      await expect(d.receiveItem(perItemLotId, h("P1"), true, LOC, EPCIS)).to.be.revertedWithCustomError(
        sc,
        "SupplyChainInvalidItemState",
      );
      await expect(m.shipItem(perItemLotId, h("P2"), [], shipment(orgIds.distributor)))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotDestroyed")
        .withArgs(perItemLotId);
      expect((await sc.item(perItemLotId, h("P2"))).state).to.equal(ITEM_STATE.Destroyed);
    });
  });

  describe("pallets", function () {
    async function packedFixture() {
      const f = await deploySupplyChainFixture();
      const serials = SERIALS.slice(0, 10);
      const mp = f.tree.multiProof(serials);
      await f.sc.connect(f.actors.manufacturer).packItems(SSCC, f.lotId, mp.serialHashes, mp.proof, mp.proofFlags);
      return { ...f, serials, hashes: serials.map(h) };
    }

    it("packs lazy items with a multiproof and moves them all with the pallet in O(1)", async function () {
      const { sc, actors, orgIds, lotId, tree } = await loadFixture(deploySupplyChainFixture);
      const mp = tree.multiProof(SERIALS.slice(0, 10));
      const key = itemKeyOf(lotId, SERIALS[0]);
      await expect(sc.connect(actors.manufacturer).packItems(SSCC, lotId, mp.serialHashes, mp.proof, mp.proofFlags))
        .to.emit(sc, "ItemPacked")
        .withArgs(SSCC, key);
      expect((await sc.pallet(SSCC)).itemCount).to.equal(10n);
      const s = shipment(orgIds.carrier);
      await expect(sc.connect(actors.manufacturer).shipPallet(SSCC, s))
        .to.emit(sc, "PalletShipped")
        .withArgs(SSCC, orgIds.manufacturer, orgIds.carrier, 0, s.bizStep, s.location, s.epcisHash, s.bizTransaction);
      let it = await sc.item(lotId, h(SERIALS[0]));
      expect([it.state, it.pallet, it.receiver]).to.deep.equal([
        BigInt(ITEM_STATE.InTransit),
        SSCC,
        BigInt(orgIds.carrier),
      ]);
      await expect(sc.connect(actors.carrier).receivePallet(SSCC, LOC, EPCIS))
        .to.emit(sc, "PalletReceived")
        .withArgs(SSCC, orgIds.carrier, LOC, EPCIS);
      it = await sc.item(lotId, h(SERIALS[9]));
      expect([it.state, it.custodian, it.owner]).to.deep.equal([
        BigInt(ITEM_STATE.Received),
        BigInt(orgIds.carrier),
        BigInt(orgIds.manufacturer),
      ]);
      await expect(sc.connect(actors.carrier).shipPallet(SSCC, shipment(orgIds.distributor, orgIds.distributor)))
        .to.be.revertedWithCustomError(sc, "SupplyChainPalletNotOwner")
        .withArgs(SSCC, orgIds.carrier);
      await sc.connect(actors.carrier).shipPallet(SSCC, shipment(orgIds.distributor));
      await sc.connect(actors.distributor).receivePallet(SSCC, LOC, EPCIS);
      await expect(sc.connect(actors.distributor).unpackItems(SSCC, lotId, [h(SERIALS[0])]))
        .to.emit(sc, "ItemUnpacked")
        .withArgs(SSCC, key);
      it = await sc.item(lotId, h(SERIALS[0]));
      expect([it.state, it.custodian, it.pallet]).to.deep.equal([
        BigInt(ITEM_STATE.Received),
        BigInt(orgIds.distributor),
        0n,
      ]);
      expect((await sc.pallet(SSCC)).itemCount).to.equal(9n);
    });

    it("transfers pallet ownership on receipt when the owner ships it", async function () {
      const { sc, actors, orgIds, lotId, hashes } = await loadFixture(packedFixture);
      await sc.connect(actors.manufacturer).shipPallet(SSCC, shipment(orgIds.distributor, orgIds.distributor));
      await sc.connect(actors.distributor).receivePallet(SSCC, LOC, EPCIS);
      expect((await sc.pallet(SSCC)).owner).to.equal(orgIds.distributor);
      await sc.connect(actors.distributor).unpackItems(SSCC, lotId, hashes);
      expect((await sc.item(lotId, hashes[3])).owner).to.equal(orgIds.distributor);
      expect((await sc.pallet(SSCC)).itemCount).to.equal(0n);
    });

    it("unpacks an unmoved pallet keeping the items commissioned, and returned pallets as returned", async function () {
      const { sc, actors, orgIds, lotId, hashes } = await loadFixture(packedFixture);
      const m = sc.connect(actors.manufacturer);
      await m.unpackItems(SSCC, lotId, [hashes[0]]);
      expect((await sc.item(lotId, hashes[0])).state).to.equal(ITEM_STATE.Commissioned);
      await m.shipPallet(SSCC, shipment(orgIds.distributor));
      await sc.connect(actors.distributor).receivePallet(SSCC, LOC, EPCIS);
      await sc.connect(actors.distributor).shipPallet(SSCC, shipment(orgIds.manufacturer));
      await m.receivePallet(SSCC, LOC, EPCIS);
      await m.unpackItems(SSCC, lotId, [hashes[1]]);
      expect((await sc.item(lotId, hashes[1])).state).to.equal(ITEM_STATE.Returned);
    });

    it("packs registered items without a proof into an existing pallet", async function () {
      const { sc, actors, perItemLotId } = await loadFixture(packedFixture);
      await sc.connect(actors.manufacturer).packItems(SSCC, perItemLotId, [h("P1"), h("P2")], [], []);
      expect((await sc.pallet(SSCC)).itemCount).to.equal(12n);
    });

    it("refuses bad SSCCs, batches, proofs and items that are not the caller's to pack", async function () {
      const { sc, actors, orgIds, lotId, perItemLotId, tree, hashes } = await loadFixture(packedFixture);
      const m = sc.connect(actors.manufacturer);
      await expect(m.packItems(SSCC + 1n, lotId, [hashes[0]], [], []))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidSscc")
        .withArgs(SSCC + 1n);
      await expect(m.packItems(SSCC2, lotId, [], [], []))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidBatch")
        .withArgs(0, 1000);
      await expect(m.packItems(SSCC2, lotId, [hashes[0]], [], []))
        .to.be.revertedWithCustomError(sc, "SupplyChainItemPacked")
        .withArgs(itemKeyOf(lotId, SERIALS[0]), SSCC);
      await expect(m.packItems(SSCC2, lotId, [h(SERIALS[20])], [], []))
        .to.be.revertedWithCustomError(sc, "SupplyChainUnknownItem")
        .withArgs(lotId, h(SERIALS[20]));
      const mp = tree.multiProof([SERIALS[20], SERIALS[21]]);
      await expect(m.packItems(SSCC2, lotId, mp.serialHashes, mp.proof.slice(1), mp.proofFlags))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidProof")
        .withArgs(lotId, mp.serialHashes[0]);
      await expect(m.packItems(SSCC2, lotId, [mp.serialHashes[0], h("forged")], mp.proof, mp.proofFlags))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidProof")
        .withArgs(lotId, mp.serialHashes[0]);
      await expect(m.packItems(SSCC2, perItemLotId, [h("P1")], [h("x")], []))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidProof")
        .withArgs(perItemLotId, h("P1"));
      await expect(sc.connect(actors.distributor).packItems(SSCC, perItemLotId, [h("P1")], [], []))
        .to.be.revertedWithCustomError(sc, "SupplyChainPalletNotHolder")
        .withArgs(SSCC, orgIds.distributor);
      await expect(sc.connect(actors.distributor).packItems(SSCC2, perItemLotId, [h("P1")], [], []))
        .to.be.revertedWithCustomError(sc, "SupplyChainNotHolder")
        .withArgs(itemKeyOf(perItemLotId, "P1"), orgIds.distributor);
      await m.shipItem(perItemLotId, h("P3"), [], shipment(orgIds.carrier));
      await expect(m.packItems(SSCC2, perItemLotId, [h("P3")], [], []))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidItemState")
        .withArgs(itemKeyOf(perItemLotId, "P3"), ITEM_STATE.InTransit);
      await sc.connect(actors.carrier).receiveItem(perItemLotId, h("P3"), true, LOC, EPCIS);
      await expect(sc.connect(actors.carrier).packItems(SSCC2, perItemLotId, [h("P3")], [], []))
        .to.be.revertedWithCustomError(sc, "SupplyChainNotOwner")
        .withArgs(itemKeyOf(perItemLotId, "P3"), orgIds.carrier);
      await m.shipPallet(SSCC, shipment(orgIds.carrier));
      await expect(m.packItems(SSCC, perItemLotId, [h("P1")], [], []))
        .to.be.revertedWithCustomError(sc, "SupplyChainPalletInTransit")
        .withArgs(SSCC);
      await m.recallLot(perItemLotId, REASON);
      await expect(m.packItems(SSCC2, perItemLotId, [h("P1")], [], []))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotRecalled")
        .withArgs(perItemLotId);
    });

    it("refuses pallet moves by anyone but the holder and the named receiver", async function () {
      const { sc, actors, orgIds, lotId, hashes } = await loadFixture(packedFixture);
      const m = sc.connect(actors.manufacturer);
      await expect(m.shipPallet(SSCC2, shipment(orgIds.carrier)))
        .to.be.revertedWithCustomError(sc, "SupplyChainUnknownPallet")
        .withArgs(SSCC2);
      await expect(sc.connect(actors.carrier).shipPallet(SSCC, shipment(orgIds.distributor)))
        .to.be.revertedWithCustomError(sc, "SupplyChainPalletNotHolder")
        .withArgs(SSCC, orgIds.carrier);
      await expect(m.receivePallet(SSCC, LOC, EPCIS))
        .to.be.revertedWithCustomError(sc, "SupplyChainPalletNotInTransit")
        .withArgs(SSCC);
      await expect(m.shipItem(lotId, hashes[0], [], shipment(orgIds.carrier)))
        .to.be.revertedWithCustomError(sc, "SupplyChainItemPacked")
        .withArgs(itemKeyOf(lotId, SERIALS[0]), SSCC);
      await expect(m.unpackItems(SSCC, lotId, [h(SERIALS[30])]))
        .to.be.revertedWithCustomError(sc, "SupplyChainNotInPallet")
        .withArgs(itemKeyOf(lotId, SERIALS[30]), SSCC);
      await expect(m.unpackItems(SSCC, lotId, []))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidBatch")
        .withArgs(0, 1000);
      await expect(m.unpackItems(SSCC2, lotId, [hashes[0]]))
        .to.be.revertedWithCustomError(sc, "SupplyChainUnknownPallet")
        .withArgs(SSCC2);
      await m.shipPallet(SSCC, shipment(orgIds.carrier));
      await expect(m.shipPallet(SSCC, shipment(orgIds.carrier)))
        .to.be.revertedWithCustomError(sc, "SupplyChainPalletInTransit")
        .withArgs(SSCC);
      await expect(sc.connect(actors.distributor).receivePallet(SSCC, LOC, EPCIS))
        .to.be.revertedWithCustomError(sc, "SupplyChainPalletNotReceiver")
        .withArgs(SSCC, orgIds.distributor);
      await expect(m.unpackItems(SSCC, lotId, [hashes[0]]))
        .to.be.revertedWithCustomError(sc, "SupplyChainPalletInTransit")
        .withArgs(SSCC);
      await sc.connect(actors.carrier).receivePallet(SSCC, LOC, EPCIS);
      await expect(m.unpackItems(SSCC, lotId, [hashes[0]]))
        .to.be.revertedWithCustomError(sc, "SupplyChainPalletNotHolder")
        .withArgs(SSCC, orgIds.manufacturer);
      await sc.connect(actors.carrier).shipPallet(SSCC, shipment(orgIds.distributor));
      await expect(sc.connect(actors.carrier).unpackItems(SSCC, lotId, [hashes[0]]))
        .to.be.revertedWithCustomError(sc, "SupplyChainPalletInTransit")
        .withArgs(SSCC);
      await sc.connect(actors.distributor).receivePallet(SSCC, LOC, EPCIS);
      await expect(sc.connect(actors.carrier).unpackItems(SSCC, lotId, [hashes[0]]))
        .to.be.revertedWithCustomError(sc, "SupplyChainPalletNotHolder")
        .withArgs(SSCC, orgIds.carrier);
    });
  });

  describe("decommission, clone alerts and undo", function () {
    /** P1 delivered to the pharmacy (HOSPITAL + DISTRIBUTOR), P2 to the hospital, P3 to the distributor. */
    async function deliveredFixture() {
      const f = await deploySupplyChainFixture();
      const m = f.sc.connect(f.actors.manufacturer);
      const to = [
        ["P1", "pharmacy"],
        ["P2", "hospital"],
        ["P3", "distributor"],
      ] as const;
      for (const [serial, who] of to) {
        await m.shipItem(f.perItemLotId, h(serial), [], shipment(f.orgIds[who], f.orgIds[who]));
        await f.sc.connect(f.actors[who]).receiveItem(f.perItemLotId, h(serial), true, LOC, EPCIS);
      }
      return f;
    }

    it("decommissions at sale and reports a second decommission as a clone without reverting", async function () {
      const { sc, actors, orgIds, perItemLotId, expiryYymmdd } = await loadFixture(deliveredFixture);
      const key = itemKeyOf(perItemLotId, "P1");
      await expect(sc.connect(actors.pharmacy).decommission(perItemLotId, h("P1"), [], cbv("retail_selling"), LOC))
        .to.emit(sc, "ItemDecommissioned")
        .withArgs(key, orgIds.pharmacy, cbv("retail_selling"), LOC);
      const expiry = BigInt((await import("../../src/gs1")).expiryFromYymmdd(expiryYymmdd));
      expect(await sc.verify(GTIN, "P1", PER_ITEM_LOT, expiry, [])).to.deep.equal([
        false,
        reason("already decommissioned"),
      ]);
      await expect(sc.connect(actors.hospital).decommission(perItemLotId, h("P1"), [], cbv("dispensing"), LOC))
        .to.emit(sc, "CloneAlerted")
        .withArgs(perItemLotId, key, orgIds.hospital, orgIds.pharmacy);
      // a second presentation only REPORTS a clone (anyone who saw the code could make it); a regulator confirms
      const reported = await sc.item(perItemLotId, h("P1"));
      expect([reported.suspect, reported.cloneReported]).to.deep.equal([false, true]);
      await expect(sc.connect(actors.regulator).decideCloneReport(perItemLotId, h("P1"), true, h("lab report")))
        .to.emit(sc, "CloneReportDecided")
        .withArgs(key, actors.regulator.address, true, h("lab report"));
      expect((await sc.item(perItemLotId, h("P1"))).suspect).to.equal(true);
      expect(await sc.verify(GTIN, "P1", PER_ITEM_LOT, expiry, [])).to.deep.equal([false, reason("suspect")]);
    });

    it("lets hospitals and distributor retailers decommission what they hold, nobody else", async function () {
      const { sc, actors, orgIds, perItemLotId } = await loadFixture(deliveredFixture);
      await expect(sc.connect(actors.hospital).decommission(perItemLotId, h("P2"), [], cbv("dispensing"), LOC)).to.emit(
        sc,
        "ItemDecommissioned",
      );
      await expect(
        sc.connect(actors.distributor).decommission(perItemLotId, h("P3"), [], cbv("retail_selling"), LOC),
      ).to.emit(sc, "ItemDecommissioned");
      await expect(sc.connect(actors.carrier).decommission(perItemLotId, h("P1"), [], cbv("dispensing"), LOC))
        .to.be.revertedWithCustomError(sc, "SupplyChainNoDispenseRole")
        .withArgs(actors.carrier.address);
      await expect(sc.connect(actors.hospital).decommission(perItemLotId, h("P1"), [], cbv("dispensing"), LOC))
        .to.be.revertedWithCustomError(sc, "SupplyChainNotHolder")
        .withArgs(itemKeyOf(perItemLotId, "P1"), orgIds.hospital);
    });

    it("refuses to sell a recalled, quarantined, destroyed or expired lot", async function () {
      const { sc, actors, perItemLotId, lotExpiry } = await loadFixture(deliveredFixture);
      const sell = () =>
        sc.connect(actors.pharmacy).decommission(perItemLotId, h("P1"), [], cbv("retail_selling"), LOC);
      await sc.connect(actors.regulator).quarantineLot(perItemLotId, REASON);
      await expect(sell()).to.be.revertedWithCustomError(sc, "SupplyChainLotQuarantined").withArgs(perItemLotId);
      await sc.connect(actors.regulator).releaseLot(perItemLotId, REASON);
      await time.increaseTo(lotExpiry);
      await expect(sell()).to.be.revertedWithCustomError(sc, "SupplyChainLotExpired").withArgs(perItemLotId, lotExpiry);
      await sc.connect(actors.manufacturer).recallLot(perItemLotId, REASON);
      await expect(sell()).to.be.revertedWithCustomError(sc, "SupplyChainLotRecalled").withArgs(perItemLotId);
      await sc.connect(actors.regulator).destroyLot(perItemLotId, REASON);
      await expect(sell()).to.be.revertedWithCustomError(sc, "SupplyChainLotDestroyed").withArgs(perItemLotId);
    });

    it("refuses to sell stolen, packed, in-transit or suspect items", async function () {
      const { sc, actors, orgIds, perItemLotId } = await loadFixture(deliveredFixture);
      const p = sc.connect(actors.pharmacy);
      const key = itemKeyOf(perItemLotId, "P1");
      await p.reportItem(perItemLotId, h("P1"), [], ITEM_STATE.Stolen, REASON);
      await expect(p.decommission(perItemLotId, h("P1"), [], cbv("retail_selling"), LOC))
        .to.be.revertedWithCustomError(sc, "SupplyChainItemStolen")
        .withArgs(key);
      const d = sc.connect(actors.distributor);
      await d.packItems(SSCC, perItemLotId, [h("P3")], [], []);
      await expect(d.decommission(perItemLotId, h("P3"), [], cbv("retail_selling"), LOC))
        .to.be.revertedWithCustomError(sc, "SupplyChainItemPacked")
        .withArgs(itemKeyOf(perItemLotId, "P3"), SSCC);
      await sc.connect(actors.hospital).shipItem(perItemLotId, h("P2"), [], shipment(orgIds.pharmacy));
      await expect(sc.connect(actors.hospital).decommission(perItemLotId, h("P2"), [], cbv("dispensing"), LOC))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidItemState")
        .withArgs(itemKeyOf(perItemLotId, "P2"), ITEM_STATE.InTransit);
      await sc.connect(actors.pharmacy).receiveItem(perItemLotId, h("P2"), true, LOC, EPCIS);
      await p.decommission(perItemLotId, h("P2"), [], cbv("retail_selling"), LOC);
      await sc.connect(actors.hospital).decommission(perItemLotId, h("P2"), [], cbv("dispensing"), LOC);
      await p.undoDecommission(perItemLotId, h("P2"));
      await sc.connect(actors.regulator).decideCloneReport(perItemLotId, h("P2"), true, h("confirmed"));
      await expect(p.decommission(perItemLotId, h("P2"), [], cbv("retail_selling"), LOC))
        .to.be.revertedWithCustomError(sc, "SupplyChainItemSuspect")
        .withArgs(itemKeyOf(perItemLotId, "P2"));
    });

    it("lets the decommissioner undo within 10 days, unless recalled, expired or stolen", async function () {
      const { sc, actors, orgIds, perItemLotId, lotExpiry } = await loadFixture(deliveredFixture);
      const p = sc.connect(actors.pharmacy);
      const key = itemKeyOf(perItemLotId, "P1");
      await expect(p.undoDecommission(perItemLotId, h("P1")))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidItemState")
        .withArgs(key, ITEM_STATE.Received);
      await p.decommission(perItemLotId, h("P1"), [], cbv("retail_selling"), LOC);
      await expect(sc.connect(actors.hospital).undoDecommission(perItemLotId, h("P1")))
        .to.be.revertedWithCustomError(sc, "SupplyChainNotDecommissioner")
        .withArgs(key, orgIds.hospital);
      await expect(p.undoDecommission(perItemLotId, h("P1")))
        .to.emit(sc, "DecommissionUndone")
        .withArgs(key, orgIds.pharmacy);
      expect((await sc.item(perItemLotId, h("P1"))).state).to.equal(ITEM_STATE.Received);
      await p.decommission(perItemLotId, h("P1"), [], cbv("retail_selling"), LOC);
      const since = (await sc.item(perItemLotId, h("P1"))).since;
      await time.increase(10 * 86_400 + 1);
      await expect(p.undoDecommission(perItemLotId, h("P1")))
        .to.be.revertedWithCustomError(sc, "SupplyChainUndoWindowClosed")
        .withArgs(key, since + 864_000n);
      // Recalled, expired, destroyed, stolen: each blocks an undo inside the window.
      const h2 = sc.connect(actors.hospital);
      await h2.decommission(perItemLotId, h("P2"), [], cbv("dispensing"), LOC);
      await sc.connect(actors.regulator).destroyLot(perItemLotId, REASON);
      await expect(h2.undoDecommission(perItemLotId, h("P2")))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotDestroyed")
        .withArgs(perItemLotId);
      void lotExpiry;
    });

    it("blocks undo on a recalled or expired lot and on a stolen item", async function () {
      const { sc, actors, orgIds, perItemLotId, lotInput } = await loadFixture(deliveredFixture);
      const p = sc.connect(actors.pharmacy);
      const h2 = sc.connect(actors.hospital);
      const d = sc.connect(actors.distributor);
      await p.decommission(perItemLotId, h("P1"), [], cbv("retail_selling"), LOC);
      await d.decommission(perItemLotId, h("P3"), [], cbv("retail_selling"), LOC);
      await d.reportItem(perItemLotId, h("P3"), [], ITEM_STATE.Stolen, REASON);
      await expect(d.undoDecommission(perItemLotId, h("P3")))
        .to.be.revertedWithCustomError(sc, "SupplyChainItemStolen")
        .withArgs(itemKeyOf(perItemLotId, "P3"));
      // A lot that expires in three days: sold today, the undo two days later... after expiry.
      const m = sc.connect(actors.manufacturer);
      const shortExpiry = BigInt((await time.latest()) + 3 * 86_400);
      await m.commissionLot({ ...lotInput("SHORT", hre.ethers.ZeroHash, 0), expiry: shortExpiry });
      const shortLot = lotIdOf(GTIN, "SHORT");
      await m.registerItem(shortLot, h("S1"));
      await m.shipItem(shortLot, h("S1"), [], shipment(orgIds.hospital));
      await h2.receiveItem(shortLot, h("S1"), true, LOC, EPCIS);
      await h2.decommission(shortLot, h("S1"), [], cbv("dispensing"), LOC);
      await time.increaseTo(shortExpiry);
      await expect(h2.undoDecommission(shortLot, h("S1")))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotExpired")
        .withArgs(shortLot, shortExpiry);
      await sc.connect(actors.manufacturer).recallLot(perItemLotId, REASON);
      await expect(p.undoDecommission(perItemLotId, h("P1")))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotRecalled")
        .withArgs(perItemLotId);
    });
  });

  describe("item reports", function () {
    it("lets the holder or the owner report an item stolen, then destroyed", async function () {
      const { sc, actors, orgIds, perItemLotId, lotId, tree } = await loadFixture(deploySupplyChainFixture);
      const key = itemKeyOf(perItemLotId, "P1");
      const m = sc.connect(actors.manufacturer);
      await m.shipItem(perItemLotId, h("P1"), [], shipment(orgIds.carrier));
      await sc.connect(actors.carrier).receiveItem(perItemLotId, h("P1"), true, LOC, EPCIS);
      await expect(sc.connect(actors.distributor).reportItem(perItemLotId, h("P1"), [], ITEM_STATE.Stolen, REASON))
        .to.be.revertedWithCustomError(sc, "SupplyChainNotHolder")
        .withArgs(key, orgIds.distributor);
      await expect(m.reportItem(perItemLotId, h("P1"), [], ITEM_STATE.Stolen, REASON))
        .to.emit(sc, "ItemStateReported")
        .withArgs(key, orgIds.manufacturer, ITEM_STATE.Stolen, REASON);
      await expect(m.reportItem(perItemLotId, h("P1"), [], ITEM_STATE.Stolen, REASON))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidItemState")
        .withArgs(key, ITEM_STATE.Stolen);
      await expect(m.reportItem(perItemLotId, h("P1"), [], ITEM_STATE.Received, REASON))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidItemState")
        .withArgs(key, ITEM_STATE.Received);
      await sc.connect(actors.carrier).reportItem(perItemLotId, h("P1"), [], ITEM_STATE.Destroyed, REASON);
      await expect(m.reportItem(perItemLotId, h("P1"), [], ITEM_STATE.Stolen, REASON))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidItemState")
        .withArgs(key, ITEM_STATE.Destroyed);
      // A lazy item can be reported with its proof; a packed one cannot.
      await m.reportItem(lotId, h(SERIALS[5]), tree.proof(SERIALS[5]), ITEM_STATE.Destroyed, REASON);
      await m.packItems(SSCC, perItemLotId, [h("P2")], [], []);
      await expect(m.reportItem(perItemLotId, h("P2"), [], ITEM_STATE.Stolen, REASON))
        .to.be.revertedWithCustomError(sc, "SupplyChainItemPacked")
        .withArgs(itemKeyOf(perItemLotId, "P2"), SSCC);
    });
  });

  describe("recall, quarantine, destruction", function () {
    it("recalls a lot in O(1) by its manufacturer or a regulator, once", async function () {
      const { sc, actors, orgIds, lotId, perItemLotId } = await loadFixture(deploySupplyChainFixture);
      await expect(sc.connect(actors.manufacturer).recallLot(lotId, REASON))
        .to.emit(sc, "LotRecalled")
        .withArgs(lotId, orgIds.manufacturer, REASON);
      expect((await sc.lot(lotId)).recalled).to.equal(true);
      await expect(sc.connect(actors.manufacturer).recallLot(lotId, REASON))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotRecalled")
        .withArgs(lotId);
      await expect(sc.connect(actors.regulator).recallLot(perItemLotId, REASON))
        .to.emit(sc, "LotRecalled")
        .withArgs(perItemLotId, orgIds.regulator, REASON);
    });

    it("refuses a recall by another manufacturer or of an unknown lot", async function () {
      const { sc, actors, orgIds, lotId } = await loadFixture(deploySupplyChainFixture);
      await expect(sc.connect(actors.manufacturer2).recallLot(lotId, REASON))
        .to.be.revertedWithCustomError(sc, "SupplyChainNotLotManufacturer")
        .withArgs(lotId, orgIds.manufacturer2);
      await expect(sc.connect(actors.regulator).recallLot(h("nope"), REASON))
        .to.be.revertedWithCustomError(sc, "SupplyChainUnknownLot")
        .withArgs(h("nope"));
    });

    it("lets a regulator allow guardian contracts that quarantine lots; only a regulator releases", async function () {
      const { sc, actors, lotId } = await loadFixture(deploySupplyChainFixture);
      const guardian = actors.outsider2;
      await expect(
        sc.connect(actors.regulator).setGuardian(hre.ethers.ZeroAddress, true),
      ).to.be.revertedWithCustomError(sc, "SupplyChainZeroGuardian");
      await expect(sc.connect(actors.regulator).setGuardian(guardian.address, true))
        .to.emit(sc, "GuardianSet")
        .withArgs(guardian.address, true);
      expect(await sc.isGuardian(guardian.address)).to.equal(true);
      await expect(sc.connect(guardian).quarantineLot(lotId, REASON))
        .to.emit(sc, "LotQuarantined")
        .withArgs(lotId, guardian.address, REASON);
      expect((await sc.lot(lotId)).quarantined).to.equal(true);
      await expect(sc.connect(guardian).quarantineLot(lotId, REASON))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotQuarantined")
        .withArgs(lotId);
      await expect(sc.connect(guardian).releaseLot(lotId, REASON))
        .to.be.revertedWithCustomError(sc, "AccessMissingRole")
        .withArgs(guardian.address, ROLES.REGULATOR);
      await expect(sc.connect(actors.regulator).releaseLot(lotId, REASON))
        .to.emit(sc, "LotReleased")
        .withArgs(lotId, actors.regulator.address, REASON);
      await expect(sc.connect(actors.regulator).releaseLot(lotId, REASON))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotNotQuarantined")
        .withArgs(lotId);
      await sc.connect(actors.regulator).setGuardian(guardian.address, false);
      await expect(sc.connect(guardian).quarantineLot(lotId, REASON))
        .to.be.revertedWithCustomError(sc, "SupplyChainNotGuardian")
        .withArgs(guardian.address);
      await expect(sc.connect(actors.regulator).quarantineLot(h("nope"), REASON))
        .to.be.revertedWithCustomError(sc, "SupplyChainUnknownLot")
        .withArgs(h("nope"));
    });

    it("destroys a lot terminally: every item reads destroyed and no overlay changes afterwards", async function () {
      const { sc, actors, lotId, tree } = await loadFixture(deploySupplyChainFixture);
      const r = sc.connect(actors.regulator);
      await r.quarantineLot(lotId, REASON);
      await expect(r.destroyLot(lotId, REASON))
        .to.emit(sc, "LotDestroyed")
        .withArgs(lotId, actors.regulator.address, REASON);
      await expect(r.destroyLot(lotId, REASON))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotDestroyed")
        .withArgs(lotId);
      await expect(r.quarantineLot(lotId, REASON))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotDestroyed")
        .withArgs(lotId);
      await expect(r.releaseLot(lotId, REASON))
        .to.be.revertedWithCustomError(sc, "SupplyChainLotDestroyed")
        .withArgs(lotId);
      const l = await sc.lot(lotId);
      expect(l.destroyed).to.equal(true);
      await sc
        .connect(actors.manufacturer)
        .reportItem(lotId, h(SERIALS[0]), tree.proof(SERIALS[0]), ITEM_STATE.Stolen, REASON);
      expect((await sc.item(lotId, h(SERIALS[0]))).state).to.equal(ITEM_STATE.Destroyed);
    });
  });

  describe("verify", function () {
    it("answers every reason code of the verification router", async function () {
      const { sc, actors, orgIds, lotId, perItemLotId, tree, lotExpiry } = await loadFixture(deploySupplyChainFixture);
      const v = (serial: string, lot = LOT, proof: string[] = tree.proof(serial), gtin = GTIN, expiry = lotExpiry) =>
        sc.verify(gtin, serial, lot, expiry, proof);
      expect(await v(SERIALS[0])).to.deep.equal([true, reason("verified")]);
      expect(await v(SERIALS[0], LOT, [], GTIN2)).to.deep.equal([false, reason("unknown product")]);
      await sc.connect(actors.manufacturer2).registerProduct(GTIN2, h("other"));
      expect(await v(SERIALS[0], LOT, [], GTIN2)).to.deep.equal([false, reason("lot mismatch")]);
      expect(await v("NOPE1", LOT, tree.proof(SERIALS[1]))).to.deep.equal([false, reason("unknown serial")]);
      expect(await v(SERIALS[0], LOT, [])).to.deep.equal([false, reason("unknown serial")]);
      expect(await v("P1", PER_ITEM_LOT, [])).to.deep.equal([true, reason("verified")]);
      expect(await v("P9", PER_ITEM_LOT, [])).to.deep.equal([false, reason("unknown serial")]);
      expect(await v(SERIALS[0], "NOT-A-LOT")).to.deep.equal([false, reason("lot mismatch")]);
      expect(await v(SERIALS[0], LOT, undefined, GTIN, lotExpiry - 86_400n)).to.deep.equal([
        false,
        reason("expiry mismatch"),
      ]);
      // Stolen reads as suspect, a destroyed item as destroyed.
      const m = sc.connect(actors.manufacturer);
      await m.reportItem(perItemLotId, h("P1"), [], ITEM_STATE.Stolen, REASON);
      expect(await v("P1", PER_ITEM_LOT, [])).to.deep.equal([false, reason("suspect")]);
      await m.reportItem(perItemLotId, h("P2"), [], ITEM_STATE.Destroyed, REASON);
      expect(await v("P2", PER_ITEM_LOT, [])).to.deep.equal([false, reason("destroyed")]);
      await sc.connect(actors.regulator).quarantineLot(lotId, REASON);
      expect(await v(SERIALS[0])).to.deep.equal([false, reason("quarantined")]);
      await m.recallLot(lotId, REASON);
      expect(await v(SERIALS[0])).to.deep.equal([false, reason("recalled")]);
      await sc.connect(actors.regulator).destroyLot(lotId, REASON);
      expect(await v(SERIALS[0])).to.deep.equal([false, reason("destroyed")]);
      await time.increaseTo(lotExpiry);
      expect(await v("P3", PER_ITEM_LOT, [])).to.deep.equal([false, reason("expired")]);
      void orgIds;
    });

    it("refuses a malformed GTIN or a serial outside GS1 AI 21", async function () {
      const { sc, lotExpiry } = await loadFixture(deploySupplyChainFixture);
      await expect(sc.verify(BigInt(GTIN) + 1n, "A", LOT, lotExpiry, []))
        .to.be.revertedWithCustomError(sc, "SupplyChainInvalidGtin")
        .withArgs(BigInt(GTIN) + 1n);
      for (const bad of ["A".repeat(21), "", "AB#1", "a b", "x@y", "~", "\x7f"]) {
        await expect(sc.verify(GTIN, bad, LOT, lotExpiry, []))
          .to.be.revertedWithCustomError(sc, "SupplyChainInvalidSerial")
          .withArgs(Buffer.byteLength(bad));
      }
      for (const ok of ["!\"%&'()*+,-./", ":;<=>?_", "Az09", "A".repeat(20)]) {
        expect(await sc.verify(GTIN, ok, LOT, lotExpiry, [])).to.deep.equal([false, reason("unknown serial")]);
      }
    });
  });
});
