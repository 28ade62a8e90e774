import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HistoryClient } from "../../src/history/client";
import { type IndexedChain, indexChain } from "../../src/history/demo";
import { EPCIS_CONTEXT, type JsonObject, DEMO_EPOCH, EpcisError, custodyHop } from "../../src/epcis";
import { chainAnchors, readEpcisFile, verifyEpcisEvent } from "../../src/epcis-anchor";
import { textHash } from "../../src/supplychain";
import { GTIN, SSCC, deploySupplyChainFixture } from "../fixtures/supplychain";

const asJson = (x: unknown) => JSON.parse(JSON.stringify(x)) as JsonObject;

/** The fixture plus one item shipped and received, and one pallet shipped, each anchored with a real event. */
async function anchoredFixture() {
  const f = await deploySupplyChainFixture();
  const { sc, actors, orgIds, perItemLotId } = f;
  const { manufacturer: mfr, distributor: dst, carrier } = orgIds;
  const item = custodyHop({
    what: { items: [{ gtin: GTIN, serial: "P1" }] },
    from: mfr,
    to: dst,
    owner: mfr,
    time: DEMO_EPOCH,
  });
  await sc
    .connect(actors.manufacturer)
    .shipItem(perItemLotId, textHash("P1"), [], { receiver: dst, newOwner: 0, ...item.shipment });
  await sc
    .connect(actors.distributor)
    .receiveItem(perItemLotId, textHash("P1"), true, item.receipt.location, item.receipt.epcisHash);
  await sc.connect(actors.manufacturer).packItems(SSCC, perItemLotId, [textHash("P2")], [], []);
  const pallet = custodyHop({ what: { sscc: SSCC }, from: mfr, to: carrier, owner: mfr, time: DEMO_EPOCH + 7200 });
  await sc.connect(actors.manufacturer).shipPallet(SSCC, { receiver: carrier, newOwner: 0, ...pallet.shipment });
  return { ...f, item, pallet };
}

describe("supply:epcis verify: event documents against their anchors", function () {
  // One anchored chain and one indexer of it for every test here: nothing below transacts.
  let f: Awaited<ReturnType<typeof anchoredFixture>>;
  let indexed: IndexedChain;
  let history: HistoryClient;
  before(async function () {
    f = await loadFixture(anchoredFixture);
    indexed = await indexChain(hre, { supplyChain: String(f.sc.target) }, 0);
    history = await indexed.synced();
  });
  after(async function () {
    await indexed?.stop();
  });

  it("finds a shipping and a receiving event anchored, in their block, by the acting organisation", async function () {
    const { sc, item, orgIds, actors } = f;
    const shipped = await verifyEpcisEvent(history, asJson(item.shipping));
    expect(shipped.status).to.equal("anchored");
    if (shipped.status !== "anchored") return;
    expect(shipped.anchors).to.have.length(1);
    const [a] = shipped.anchors;
    expect(a.kind).to.equal("ItemShipped");
    expect(a.org).to.equal(orgIds.manufacturer);
    expect(a.sender).to.equal(await actors.manufacturer.getAddress());
    const log = (await sc.queryFilter(sc.filters.ItemShipped()))[0];
    expect([a.block, a.tx]).to.deep.equal([log.blockNumber, log.transactionHash]);
    const received = await verifyEpcisEvent(history, asJson(item.receiving));
    expect(received.status).to.equal("anchored");
    if (received.status === "anchored") expect(received.anchors[0].org).to.equal(orgIds.distributor);
  });

  it("reports an event altered by one field as not anchored, with the anchor it resembles", async function () {
    const { item } = f;
    const altered = asJson(item.shipping);
    altered.eventTime = "2026-03-02T08:00:01.000Z";
    const v = await verifyEpcisEvent(history, altered);
    expect(v.status).to.equal("not anchored");
    if (v.status !== "not anchored") return;
    // the item's own shipment and the pallet shipped from the same read point resemble it
    expect(v.candidates.map((c) => c.anchor.kind)).to.deep.equal(["ItemShipped", "PalletShipped"]);
    expect(v.candidates[0].differs).to.deep.equal([
      "event hash (a field of the document differs from the anchored event)",
    ]);
  });

  it("names the on-chain fields a pallet document does not match", async function () {
    const { pallet } = f;
    const altered = asJson(pallet.shipping);
    altered.bizStep = "departing";
    altered.bizTransactionList = [{ type: "po", bizTransaction: "urn:epcglobal:cbv:bt:9520000000017:PO-9" }];
    const v = await verifyEpcisEvent(history, altered);
    expect(v.status).to.equal("not anchored");
    if (v.status !== "not anchored") return;
    const shipped = v.candidates.find((c) => c.anchor.kind === "PalletShipped")!;
    expect(shipped.differs).to.deep.equal([
      'bizStep (document "departing", chain "shipping")',
      "bizTransactionList (first business transaction)",
      "event hash (a field of the document differs from the anchored event)",
    ]);
  });

  it("refuses a document that is not a valid EPCIS 2.0 event, and a missing file", async function () {
    const { item } = f;
    const broken = asJson(item.shipping);
    delete broken.eventTimeZoneOffset;
    await expect(verifyEpcisEvent(history, broken)).to.be.rejectedWith(EpcisError, "eventTimeZoneOffset");
    expect(() => readEpcisFile("/nonexistent/epcis.json")).to.throw(EpcisError, "file not found");
  });

  it("the task checks every event of an EPCIS document and fails when one is not anchored", async function () {
    const { sc, item, pallet } = f;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "epcis-"));
    const doc = (events: JsonObject[]) => ({
      "@context": [EPCIS_CONTEXT],
      type: "EPCISDocument",
      schemaVersion: "2.0",
      creationDate: "2026-03-02T12:00:00Z",
      epcisBody: { eventList: events.map(({ ["@context"]: _ctx, ...e }) => e) },
    });
    const good = path.join(dir, "good.json");
    fs.writeFileSync(
      good,
      JSON.stringify(doc([asJson(item.shipping), asJson(item.receiving), asJson(pallet.shipping)])),
    );
    expect(readEpcisFile(good)).to.have.length(3);
    const address = await sc.getAddress();
    process.env.CITY_INDEXER_URL = indexed.url;
    try {
      await hre.run("supply:epcis", { action: "verify", file: good, address });
      const altered = asJson(item.receiving);
      altered.disposition = "non_sellable_other";
      const bad = path.join(dir, "bad.json");
      fs.writeFileSync(bad, JSON.stringify(doc([asJson(item.shipping), altered])));
      await expect(hre.run("supply:epcis", { action: "verify", file: bad, address })).to.be.rejectedWith(
        "1 of 2 event(s) not anchored",
      );
    } finally {
      delete process.env.CITY_INDEXER_URL;
    }
    expect((await chainAnchors(history)).map((a) => a.kind)).to.deep.equal([
      "ItemShipped",
      "ItemReceived",
      "PalletShipped",
    ]);
  });
});
