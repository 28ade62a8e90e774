/**
 * The EPCIS store (src/epcis-rest/store.ts) on both databases the indexer runs on: PGlite (the guard's own
 * directory) and PostgreSQL (a private cluster, a schema of its own). Same SQL, same answers; a store of another
 * chain is dropped before use.
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEMO_EPOCH, type JsonObject, custodyHop, epcisEventHash } from "../src/epcis";
import { cbvUri, epcsOf, parseEventQuery } from "../src/epcis-rest/query";
import { type CaptureJob, EpcisStore, type StoreOptions, type StoredEventInput } from "../src/epcis-rest/store";
import { type PrivatePostgres, startPrivatePostgres } from "./postgres";

const GTIN = "04012345000016";
const CHAIN = { chainId: "31337", genesisHash: "0x" + "11".repeat(32) };
const hops = [1, 2, 3].map((n) =>
  custodyHop({
    what: { items: [{ gtin: GTIN, serial: `S${n}` }] },
    from: 2,
    to: 4,
    owner: 2,
    time: DEMO_EPOCH + n * 3600,
  }),
);

function input(event: JsonObject, captureId: string): StoredEventInput {
  const rp = event.readPoint as { id: string };
  return {
    hash: epcisEventHash(event),
    eventType: String(event.type),
    eventTime: String(event.eventTime),
    bizStep: cbvUri("BizStep", String(event.bizStep)),
    disposition: cbvUri("Disp", String(event.disposition)),
    bizLocation: null,
    readPoint: rp.id,
    captureId,
    org: 2,
    account: "0x0000000000000000000000000000000000000002",
    event,
    epcs: epcsOf(event),
    subjects: [],
  };
}

function job(id: string, count: number): CaptureJob {
  return {
    captureID: id,
    createdAt: new Date().toISOString(),
    running: true,
    success: false,
    captureErrorBehaviour: "rollback",
    errors: [],
    eventCount: count,
    storedCount: 0,
  };
}

function behavesLikeAStore(open: (identity: typeof CHAIN) => Promise<EpcisStore>) {
  it("records a job, stores events once, and filters and pages them in record order", async function () {
    const store = await open(CHAIN);
    try {
      const id = "3b0c3f2e-0000-4000-8000-000000000001";
      await store.createJob(job(id, 3), 2, "0x02");
      expect(await store.job(id)).to.include({ running: true, success: false, org: 2 });
      const events = hops.map((h) => JSON.parse(JSON.stringify(h.shipping)) as JsonObject);
      await store.finishJob(
        id,
        [...events, events[0]].map((e) => input(e, id)),
        [],
      );
      expect(await store.job(id)).to.include({ running: false, success: true, storedCount: 4 });
      const all = await store.scan(parseEventQuery(new URLSearchParams()), "0", 10);
      expect(all.map((r) => r.hash)).to.deep.equal(events.map((e) => epcisEventHash(e)));
      const q = (qs: string) => store.scan(parseEventQuery(new URLSearchParams(qs)), "0", 10);
      expect(await q(`MATCH_epc=https://id.gs1.org/01/${GTIN}/21/S2`)).to.have.length(1);
      expect(await q("EQ_bizStep=receiving")).to.have.length(0);
      expect(await q("GE_eventTime=2026-03-02T10:00:00Z")).to.have.length(2);
      const page = await store.scan(parseEventQuery(new URLSearchParams()), all[0].seq, 1);
      expect(page.map((r) => r.hash)).to.deep.equal([all[1].hash]);
      // a failed job stores nothing and keeps its errors
      const failed = "3b0c3f2e-0000-4000-8000-000000000002";
      await store.createJob(job(failed, 1), 2, "0x02");
      const errors = [{ eventIndex: 0, exception: "epcisException:ValidationException", detail: "not anchored" }];
      await store.finishJob(failed, [], errors);
      expect(await store.job(failed)).to.deep.include({ success: false, storedCount: 0, errors });
    } finally {
      await store.close();
    }
  });

  it("keeps its events on the same chain and drops them for another", async function () {
    let store = await open(CHAIN);
    const before = (await store.scan(parseEventQuery(new URLSearchParams()), "0", 10)).length;
    await store.close();
    expect(before).to.equal(3);
    store = await open({ ...CHAIN, genesisHash: "0x" + "22".repeat(32) });
    try {
      expect(await store.scan(parseEventQuery(new URLSearchParams()), "0", 10)).to.deep.equal([]);
      expect(await store.job("3b0c3f2e-0000-4000-8000-000000000001")).to.equal(undefined);
    } finally {
      await store.close();
    }
  });
}

describe("EPCIS store", function () {
  describe("on PGlite", function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "epcis-store-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    behavesLikeAStore((identity) => EpcisStore.open({ pgliteDir: path.join(dir, "epcis"), identity }));
  });

  describe("on PostgreSQL", function () {
    let pg: PrivatePostgres;
    before(async function () {
      pg = await startPrivatePostgres();
    });
    after(async function () {
      await pg?.stop();
    });
    const options = (identity: typeof CHAIN): StoreOptions => ({
      databaseUrl: pg.url,
      schema: "citychain_31337_epcis",
      identity,
    });
    behavesLikeAStore((identity) => EpcisStore.open(options(identity)));
  });
});
