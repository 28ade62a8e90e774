import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HistoryClient } from "../../src/history/client";
import { type IndexedChain, indexChain } from "../../src/history/demo";
import {
  DEMO_EPOCH,
  EPCIS_CONTEXT,
  EpcisError,
  type JsonObject,
  anchorOf as hashOfEvent,
  commissioningEvent,
  decommissioningEvent,
  demoGln,
  destroyingEvent,
  packingEvent,
  quarantineEvent,
  recallEvent,
  transformationEvent,
  unpackingEvent,
} from "../../src/epcis";
import {
  EpcisAnchorError,
  anchorEpcisEvents,
  chainAnchors,
  deployEpcisAnchors,
  readEpcisFile,
  verifyEpcisEvent,
} from "../../src/epcis-anchor";
import { deployEpcisAnchorsFixture } from "../fixtures/epcis";
import { withIndexerUrl } from "../fixtures/history";
import { queryEvents, signIn } from "../../src/epcis-rest/client";
import { indexerUrl } from "../../src/history/endpoint";
import { GTIN, SSCC, deploySupplyChainFixture } from "../fixtures/supplychain";

const asJson = (x: unknown) => JSON.parse(JSON.stringify(x)) as JsonObject;

/** One event of every action that SupplyChain's custody events do not anchor (docs/epcis.md, the table). */
function unanchoredKinds(): JsonObject[] {
  const at = { time: DEMO_EPOCH, readPoint: demoGln(2) };
  const items = [
    { gtin: GTIN, serial: "A1" },
    { gtin: GTIN, serial: "A2" },
  ];
  return [
    commissioningEvent({ ...at, gtin: GTIN, lot: "L1", serials: ["A1", "A2"] }),
    transformationEvent({ ...at, inputs: [{ gtin: GTIN, lot: "L0", quantity: 5 }], output: { gtin: GTIN, lot: "L1" } }),
    packingEvent({ ...at, sscc: SSCC, items }),
    unpackingEvent({ ...at, time: DEMO_EPOCH + 60, sscc: SSCC, items }),
    decommissioningEvent({ ...at, item: items[0], step: "retail_selling" }),
    decommissioningEvent({ ...at, item: items[1], step: "dispensing" }),
    destroyingEvent({ ...at, what: { items: [items[0]] } }),
    recallEvent({ ...at, lot: { gtin: GTIN, lot: "L1" } }),
    quarantineEvent({ ...at, lot: { gtin: GTIN, lot: "L1" } }),
    quarantineEvent({ ...at, time: DEMO_EPOCH + 120, lot: { gtin: GTIN, lot: "L1" }, released: true }),
  ].map(asJson);
}

describe("anchorEpcisEvents: any EPCIS event anchored by the member that captured it", function () {
  it("anchors one event of every action the custody events do not, as the signer's organisation", async function () {
    const { anchors, actors, orgIds } = await loadFixture(deployEpcisAnchorsFixture);
    const events = unanchoredKinds();
    const results = await anchorEpcisEvents(anchors, actors.manufacturer, events);
    expect(results).to.have.length(events.length);
    expect(new Set(results.map((r) => r.epcisHash)).size, "ten distinct events, ten hashes").to.equal(events.length);
    const tx = await hre.ethers.provider.getTransactionReceipt(results[0].tx);
    for (const [i, r] of results.entries()) {
      expect(r.index).to.equal(i);
      expect(r.epcisHash).to.equal(hashOfEvent(events[i]).epcisHash);
      expect(r.hashId).to.equal(hashOfEvent(events[i]).hashId);
      expect([r.status, r.org, r.tx, r.block]).to.deep.equal([
        "anchored",
        orgIds.manufacturer,
        tx!.hash,
        tx!.blockNumber,
      ]);
      expect(await anchors.anchoredAt(r.epcisHash, orgIds.manufacturer)).to.equal(BigInt(r.block));
    }
  });

  it("skips what the organisation anchored before, returning the earlier transaction, and sends nothing", async function () {
    const { anchors, actors } = await loadFixture(deployEpcisAnchorsFixture);
    const events = unanchoredKinds();
    const first = await anchorEpcisEvents(anchors, actors.manufacturer, events.slice(0, 3));
    const before = await hre.ethers.provider.getBlockNumber();
    const again = await anchorEpcisEvents(anchors, actors.manufacturer, events.slice(0, 3));
    expect(await hre.ethers.provider.getBlockNumber(), "no transaction sent").to.equal(before);
    expect(again.map((r) => [r.status, r.tx, r.block])).to.deep.equal(
      first.map((r) => ["already anchored", r.tx, r.block]),
    );
    // a list mixing old and new: only the new ones are sent, in one transaction
    const mixed = await anchorEpcisEvents(anchors, actors.manufacturer, events.slice(2, 5));
    expect(mixed.map((r) => r.status)).to.deep.equal(["already anchored", "anchored", "anchored"]);
    expect(mixed[0].tx).to.equal(first[2].tx);
    expect(mixed[1].tx).to.equal(mixed[2].tx).and.not.equal(first[2].tx);
  });

  it("anchors an event listed twice once, and another organisation's anchor does not count as the signer's", async function () {
    const { anchors, actors, orgIds } = await loadFixture(deployEpcisAnchorsFixture);
    const [e] = unanchoredKinds();
    await anchorEpcisEvents(anchors, actors.carrier, [e]);
    const results = await anchorEpcisEvents(anchors, actors.manufacturer, [e, e]);
    expect(results.map((r) => [r.status, r.org])).to.deep.equal([
      ["anchored", orgIds.manufacturer],
      ["already anchored", orgIds.manufacturer],
    ]);
    expect(results[0].tx).to.equal(results[1].tx);
  });

  it("sends batches of the size asked, and refuses a size beyond the contract's MAX_BATCH", async function () {
    const { anchors, actors } = await loadFixture(deployEpcisAnchorsFixture);
    const progress: [number, number][] = [];
    const results = await anchorEpcisEvents(anchors, actors.distributor, unanchoredKinds().slice(0, 5), {
      batchSize: 2,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(new Set(results.map((r) => r.tx)).size).to.equal(3);
    expect(progress).to.deep.equal([
      [2, 5],
      [4, 5],
      [5, 5],
    ]);
    await expect(
      anchorEpcisEvents(anchors, actors.distributor, unanchoredKinds(), { batchSize: 501 }),
    ).to.be.rejectedWith(EpcisAnchorError, "batch size 501: must be an integer from 1 to 500");
  });

  it("refuses an invalid event, an empty list, an outsider and a person before sending anything", async function () {
    const { anchors, actors } = await loadFixture(deployEpcisAnchorsFixture);
    const before = await hre.ethers.provider.getBlockNumber();
    const events = unanchoredKinds();
    const broken = { ...events[1] };
    delete broken.eventTimeZoneOffset;
    await expect(anchorEpcisEvents(anchors, actors.manufacturer, [events[0], broken])).to.be.rejectedWith(
      EpcisError,
      /event 2 of 2: [\s\S]*eventTimeZoneOffset/,
    );
    await expect(anchorEpcisEvents(anchors, actors.manufacturer, [])).to.be.rejectedWith(EpcisError, "no events");
    await expect(anchorEpcisEvents(anchors, actors.outsider, events)).to.be.rejectedWith(
      EpcisAnchorError,
      `${actors.outsider.address} is bound to no member of the consortium`,
    );
    await expect(anchorEpcisEvents(anchors, actors.patient1, events)).to.be.rejectedWith(
      EpcisAnchorError,
      "is a person, not an organisation",
    );
    expect(await hre.ethers.provider.getBlockNumber()).to.equal(before);
  });
});

/** The supply chain and the anchors contract of one consortium, with Acme's events anchored by the task. */
async function taskFixture() {
  const f = await deploySupplyChainFixture();
  const anchors = await deployEpcisAnchors(hre, await f.consortium.getAddress(), f.actors.deployer);
  return { ...f, anchors };
}

describe("supply:epcis anchor, then verify: EpcisAnchored anchors through the indexer", function () {
  // Everything is anchored before the indexer starts; the tests below only read.
  let f: Awaited<ReturnType<typeof taskFixture>>;
  let indexed: IndexedChain;
  let history: HistoryClient;
  let doc: string;
  let events: JsonObject[];
  let dir: string;
  const log: string[] = [];
  before(async function () {
    f = await loadFixture(taskFixture);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "epcis-anchor-"));
    events = unanchoredKinds().slice(0, 4);
    doc = path.join(dir, "doc.json");
    fs.writeFileSync(
      doc,
      JSON.stringify({
        "@context": [EPCIS_CONTEXT],
        type: "EPCISDocument",
        schemaVersion: "2.0",
        creationDate: "2026-03-02T12:00:00Z",
        epcisBody: { eventList: events.map(({ ["@context"]: _ctx, ...e }) => e) },
      }),
    );
    const address = await f.anchors.getAddress();
    const original = console.log;
    console.log = (...a: unknown[]) => void log.push(a.join(" "));
    try {
      await hre.run("supply:epcis", { action: "anchor", file: doc, address, from: "manufacturer" });
      await hre.run("supply:epcis", { action: "anchor", file: doc, address, from: "manufacturer" });
    } finally {
      console.log = original;
    }
    // the carrier anchors the first event too: its own assertion, beside Acme's
    await anchorEpcisEvents(f.anchors, f.actors.carrier, [events[0]]);
    indexed = await indexChain(hre, { supplyChain: String(f.sc.target), epcisAnchors: String(f.anchors.target) }, 0);
    history = await indexed.synced();
  });
  after(async function () {
    await indexed?.stop();
  });

  it("the task anchors every event of the document once, and a second run sends nothing", async function () {
    expect(log).to.include("4 event(s) anchored, 0 already anchored by this member");
    expect(log).to.include("0 event(s) anchored, 4 already anchored by this member");
    const logs = await f.anchors.queryFilter(f.anchors.filters.EpcisAnchored(undefined, f.orgIds.manufacturer));
    expect(logs.map((l) => l.args.epcisHash)).to.deep.equal(events.map((e) => hashOfEvent(e).epcisHash));
  });

  it("verify finds each event anchored by the organisation that asserted it", async function () {
    const [first, ...rest] = readEpcisFile(doc);
    const v = await verifyEpcisEvent(history, first);
    expect(v.status).to.equal("anchored");
    if (v.status !== "anchored") return;
    expect(v.anchors.map((a) => [a.kind, a.org, a.sender])).to.deep.equal([
      ["EpcisAnchored", f.orgIds.manufacturer, f.actors.manufacturer.address],
      ["EpcisAnchored", f.orgIds.carrier, f.actors.carrier.address],
    ]);
    const log0 = (await f.anchors.queryFilter(f.anchors.filters.EpcisAnchored(v.epcisHash, f.orgIds.manufacturer)))[0];
    expect([v.anchors[0].block, v.anchors[0].tx]).to.deep.equal([log0.blockNumber, log0.transactionHash]);
    for (const e of rest) expect((await verifyEpcisEvent(history, e)).status).to.equal("anchored");
    expect((await chainAnchors(history)).filter((a) => a.kind === "EpcisAnchored")).to.have.length(5);
  });

  it("an altered event is not anchored, and an assertion is never offered as a candidate", async function () {
    const altered = asJson(events[0]);
    altered.eventTime = "2026-03-02T08:00:01.000Z";
    const v = await verifyEpcisEvent(history, altered);
    expect(v.status).to.equal("not anchored");
    if (v.status === "not anchored") expect(v.candidates).to.deep.equal([]);
  });

  it("the verify task accepts the anchored document", async function () {
    process.env.CITY_INDEXER_URL = indexed.url;
    const original = console.log;
    const out: string[] = [];
    console.log = (...a: unknown[]) => void out.push(a.join(" "));
    try {
      await hre.run("supply:epcis", { action: "verify", file: doc, address: String(f.sc.target) });
    } finally {
      console.log = original;
      delete process.env.CITY_INDEXER_URL;
    }
    expect(out).to.include("4 of 4 event(s) anchored");
  });

  it("the task refuses anchor without --from, and an unknown action", async function () {
    const address = await f.anchors.getAddress();
    await expect(hre.run("supply:epcis", { action: "anchor", file: doc, address })).to.be.rejectedWith(
      "--from (the capturing member's signer) is required",
    );
    await expect(hre.run("supply:epcis", { action: "stamp", file: doc, address })).to.be.rejectedWith(
      'unknown action "stamp" (expected anchor, capture or verify)',
    );
  });
});

describe("supply:epcis capture: anchors what the member has not anchored, then captures into the EPCIS interface", function () {
  it("anchors the new events with the member's key, captures the document, and the regulator reads it anchored", async function () {
    const f = await loadFixture(taskFixture);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "epcis-capture-"));
    const events = unanchoredKinds().slice(4, 7);
    const doc = path.join(dir, "doc.json");
    fs.writeFileSync(doc, JSON.stringify(events));
    // one of them the manufacturer anchored before: only the other two are sent now
    await anchorEpcisEvents(f.anchors, f.actors.manufacturer, [events[0]]);
    const address = await f.anchors.getAddress();
    await withIndexerUrl({ consortium: f.consortium, supplyChain: f.sc, epcisAnchors: f.anchors }, async () => {
      const out: string[] = [];
      const original = console.log;
      console.log = (...a: unknown[]) => void out.push(a.join(" "));
      try {
        await hre.run("supply:epcis", { action: "capture", file: doc, address, from: "manufacturer" });
      } finally {
        console.log = original;
      }
      // eslint-disable-next-line no-control-regex
      const table = out.join("\n").replace(/\x1b\[[0-9;]*m/g, "");
      expect(table, "events, stored, newly anchored").to.match(/│\s*3\s*│\s*3\s*│\s*2\s*│\s*captured/);
      expect(out).to.include("3 event(s) captured");
      const logs = await f.anchors.queryFilter(f.anchors.filters.EpcisAnchored(undefined, f.orgIds.manufacturer));
      expect(logs.map((l) => l.args.epcisHash)).to.deep.equal(events.map((e) => hashOfEvent(e).epcisHash));

      const regulator = await signIn(f.actors.regulator, indexerUrl());
      const page = await queryEvents(regulator, { perPage: 100 });
      expect(page.events.map((e) => e["citychain:anchor"].eventHash)).to.have.members(
        events.map((e) => hashOfEvent(e).hashId),
      );
      for (const e of page.events) {
        expect(e["citychain:anchor"].hashMatches).to.equal(true);
        expect(e["citychain:anchor"].anchors.map((a) => a.org)).to.deep.equal([f.orgIds.manufacturer]);
      }
      // a person (an investor) cannot anchor, so it cannot capture: nothing is sent
      const before = await hre.ethers.provider.getBlockNumber();
      await expect(
        hre.run("supply:epcis", { action: "capture", file: doc, address, from: "investor1" }),
      ).to.be.rejectedWith(EpcisAnchorError, "is a person, not an organisation");
      expect(await hre.ethers.provider.getBlockNumber()).to.equal(before);
      await expect(hre.run("supply:epcis", { action: "capture", file: doc, address })).to.be.rejectedWith(
        "--from (the capturing member's signer) is required",
      );
    });
  });
});
