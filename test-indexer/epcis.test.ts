/**
 * The EPCIS 2.0 REST interface served by the indexer's guard (`/epcis`): capture of anchored events, the query with
 * its parameters and paging, the events of one EPC, Sign-In with Ethereum sessions and the custody rule of who
 * reads what. One chain (the city, its supply chain, three custody hops anchored with real events) and ONE indexer
 * for the whole file.
 */
import { expect } from "chai";
import hre from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  DEMO_EPOCH,
  EPCIS_CONTEXT,
  type JsonObject,
  custodyHop,
  demoGln,
  epcisEventHash,
  itemUri,
  locationUri,
  lotUri,
  ssccUri,
} from "../src/epcis";
import { textHash } from "../src/supplychain";
import { type IndexedChain, indexChain } from "../src/history/demo";
import {
  EpcisRestError,
  type EpcisSession,
  captureEvents,
  captureJob,
  eventsOfEpc,
  openSession,
  queryEvents,
  signIn,
  signInNonce,
  siweMessage,
} from "../src/epcis-rest/client";
import { GTIN, LOT, SSCC, deploySupplyChainFixture } from "../test/fixtures/supplychain";

const json = (x: unknown) => JSON.parse(JSON.stringify(x)) as JsonObject;
const doc = (...events: unknown[]): JsonObject =>
  json({
    "@context": [EPCIS_CONTEXT],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: "2026-03-02T12:00:00Z",
    epcisBody: {
      eventList: events.map((e) => {
        const { ["@context"]: _ctx, ...rest } = e as JsonObject;
        return rest;
      }),
    },
  });
const PO = "urn:epcglobal:cbv:bt:9520000000017:PO-77";

/** Rejects with an EpcisRestError of `exception` (and `status`) whose message contains `text`. */
async function refused(p: Promise<unknown>, exception: string, status: number, text?: string) {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(EpcisRestError);
    const e = err as EpcisRestError;
    expect([e.exception, e.status], e.message).to.deep.equal([exception, status]);
    if (text) expect(e.message).to.contain(text);
    return;
  }
  expect.fail(`expected ${exception}`);
}

describe("EPCIS 2.0 REST interface of the indexer", function () {
  let f: Awaited<ReturnType<typeof deploySupplyChainFixture>>;
  let indexed: IndexedChain;
  let base: string;
  let chainId: number;
  let hop1: ReturnType<typeof custodyHop>;
  let pallet: ReturnType<typeof custodyHop>;
  let hop3: ReturnType<typeof custodyHop>;
  let mfr: EpcisSession, dst: EpcisSession, carrier: EpcisSession, regulator: EpcisSession, outsider: EpcisSession;
  const P1 = itemUri({ gtin: GTIN, serial: "P1" });
  const P3 = itemUri({ gtin: GTIN, serial: "P3" });

  before(async function () {
    const started = Date.now();
    f = await deploySupplyChainFixture();
    const { sc, actors, orgIds, perItemLotId } = f;
    const o = orgIds;
    // Hop 1: item P1 from the manufacturer to the distributor (shipped and received).
    hop1 = custodyHop({
      what: { items: [{ gtin: GTIN, serial: "P1" }] },
      from: o.manufacturer,
      to: o.distributor,
      owner: o.manufacturer,
      time: DEMO_EPOCH,
      purchaseOrder: PO,
    });
    await sc
      .connect(actors.manufacturer)
      .shipItem(perItemLotId, textHash("P1"), [], { receiver: o.distributor, newOwner: 0, ...hop1.shipment });
    await sc
      .connect(actors.distributor)
      .receiveItem(perItemLotId, textHash("P1"), true, hop1.receipt.location, hop1.receipt.epcisHash);
    // A pallet (P2 packed) from the manufacturer to the carrier.
    await sc.connect(actors.manufacturer).packItems(SSCC, perItemLotId, [textHash("P2")], [], []);
    pallet = custodyHop({
      what: { sscc: SSCC },
      from: o.manufacturer,
      to: o.carrier,
      owner: o.manufacturer,
      time: DEMO_EPOCH + 7200,
    });
    await sc.connect(actors.manufacturer).shipPallet(SSCC, { receiver: o.carrier, newOwner: 0, ...pallet.shipment });
    // Item P3 from the manufacturer to the distributor (shipped only).
    hop3 = custodyHop({
      what: { items: [{ gtin: GTIN, serial: "P3" }] },
      from: o.manufacturer,
      to: o.distributor,
      owner: o.manufacturer,
      time: DEMO_EPOCH + 14_400,
    });
    await sc
      .connect(actors.manufacturer)
      .shipItem(perItemLotId, textHash("P3"), [], { receiver: o.distributor, newOwner: 0, ...hop3.shipment });
    indexed = await indexChain(
      hre,
      { consortium: await f.consortium.getAddress(), supplyChain: await sc.getAddress() },
      0,
    );
    await indexed.synced();
    base = indexed.url;
    chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
    [mfr, dst, carrier, regulator, outsider] = await Promise.all(
      [actors.manufacturer, actors.distributor, actors.carrier, actors.regulator, actors.manufacturer2].map((s) =>
        signIn(s, base),
      ),
    );
    console.log(`      (chain and indexer ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  });

  after(async function () {
    await indexed?.stop();
  });

  /** The CBV 2.0 hashes of built events, or of returned ones (whose hash, recomputed by the server, matched). */
  const hashes = (events: readonly object[]) =>
    (events as JsonObject[])
      .map((e) => {
        const anchor = e["citychain:anchor"] as { eventHash: string; hashMatches: boolean } | undefined;
        if (anchor) expect(anchor.hashMatches).to.equal(true);
        return anchor ? anchor.eventHash : epcisEventHash(e);
      })
      .sort();

  describe("capture", function () {
    it("stores events anchored by the capturing member's organisation, with a job and its Location", async function () {
      const job = await captureEvents(mfr, doc(hop1.shipping, pallet.shipping));
      expect(job).to.include({ running: false, success: true, captureErrorBehaviour: "rollback", eventCount: 2 });
      expect(job.storedCount).to.equal(2);
      expect(job.errors).to.deep.equal([]);
      // The job is the capturing organisation's (and a regulator's) to read: another member is told it does not exist.
      expect((await captureJob(regulator, job.captureID)).storedCount).to.equal(2);
      await refused(captureJob(carrier, job.captureID), "NoSuchResourceException", 404);
      // A single event (not wrapped in a document) is taken too.
      const received = await captureEvents(dst, json(hop1.receiving));
      expect(received).to.include({ success: true, storedCount: 1 });
      const { events } = await queryEvents(regulator, { perPage: 10 });
      expect(hashes(events)).to.deep.equal(hashes([hop1.shipping, pallet.shipping, hop1.receiving]));
    });

    it("refuses an event altered by one field (not anchored) and stores nothing of the document (rollback)", async function () {
      const altered = json(hop3.shipping);
      altered.eventTime = "2026-03-02T12:00:01.000Z";
      const job = await captureEvents(mfr, doc(hop3.shipping, altered));
      expect(job).to.include({ running: false, success: false, storedCount: 0 });
      expect(job.errors).to.have.length(1);
      expect(job.errors[0]).to.include({
        eventIndex: 1,
        eventHash: epcisEventHash(altered),
        exception: "epcisException:ValidationException",
        detail: "the event hash is not anchored on chain",
      });
      expect((await queryEvents(regulator, { MATCH_epc: [P3] })).events).to.deep.equal([]);
    });

    it("with GS1-Capture-Error-Behaviour proceed stores the anchored events and reports the others", async function () {
      const altered = json(hop3.shipping);
      altered.bizStep = "departing";
      const job = await captureEvents(mfr, doc(hop3.shipping, altered), { behaviour: "proceed" });
      expect(job).to.include({ success: false, storedCount: 1, captureErrorBehaviour: "proceed" });
      expect(job.errors.map((e) => e.eventIndex)).to.deep.equal([1]);
      const { events } = await queryEvents(regulator, { MATCH_epc: [P3] });
      expect(hashes(events)).to.deep.equal(hashes([hop3.shipping]));
    });

    it("refuses, per event, an event anchored by another organisation", async function () {
      const job = await captureEvents(carrier, doc(hop1.shipping));
      expect(job).to.include({ success: false, storedCount: 0 });
      expect(job.errors[0].exception).to.equal("epcisException:SecurityException");
      expect(job.errors[0].detail).to.equal(
        `the event is anchored by organisation ${f.orgIds.manufacturer}, not by ${f.orgIds.carrier}`,
      );
    });

    it("needs a session and a capturing role; bad documents and limits are EPCIS problems", async function () {
      const post = (body: string, headers: Record<string, string> = {}) =>
        fetch(`${base}/epcis/capture`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body,
        });
      const bearer = (s: EpcisSession) => ({ authorization: `Bearer ${s.token}` });
      const problem = async (res: Response) => {
        expect(res.headers.get("content-type")).to.equal("application/problem+json");
        return (await res.json()) as { type: string; status: number; title: string; detail: string };
      };
      let res = await post(JSON.stringify(doc(hop1.shipping)));
      expect(res.status).to.equal(401);
      expect((await problem(res)).type).to.equal("epcisException:SecurityException");
      const insurer = await signIn(f.actors.insurer, base);
      await refused(captureEvents(insurer, doc(hop1.shipping)), "SecurityException", 403, "no role that captures");
      res = await post("{not json", bearer(mfr));
      expect(res.status).to.equal(400);
      expect(await problem(res)).to.include({ type: "epcisException:ValidationException", status: 400 });
      const broken = json(hop1.shipping);
      delete broken.eventTimeZoneOffset;
      res = await post(JSON.stringify(broken), bearer(mfr));
      expect(res.status).to.equal(400);
      expect((await problem(res)).detail).to.contain("eventTimeZoneOffset");
      res = await post(JSON.stringify(doc(...Array.from({ length: 501 }, () => hop1.shipping))), bearer(mfr));
      expect(res.status).to.equal(413);
      expect((await problem(res)).type).to.equal("epcisException:CaptureLimitExceededException");
      res = await post(JSON.stringify({ pad: "x".repeat(2 * 1024 * 1024) }), bearer(mfr));
      expect(res.status).to.equal(413);
      res = await fetch(`${base}/epcis/capture/00000000-0000-4000-8000-000000000000`, { headers: bearer(mfr) });
      expect(res.status).to.equal(404);
      expect((await problem(res)).type).to.equal("epcisException:NoSuchResourceException");
    });
  });

  describe("query", function () {
    const shipping = () => [hop1.shipping, pallet.shipping, hop3.shipping];

    it("each parameter narrows the answer; bare CBV values and full URIs are the same", async function () {
      const q = async (p: Parameters<typeof queryEvents>[1]) => hashes((await queryEvents(regulator, p)).events);
      expect(await q({ EQ_bizStep: ["shipping"] })).to.deep.equal(hashes(shipping()));
      expect(await q({ EQ_bizStep: ["https://ref.gs1.org/cbv/BizStep-shipping"] })).to.deep.equal(hashes(shipping()));
      expect(await q({ EQ_bizStep: ["receiving"] })).to.deep.equal(hashes([hop1.receiving]));
      expect(await q({ EQ_disposition: ["in_transit"] })).to.deep.equal(hashes(shipping()));
      expect(await q({ EQ_disposition: ["https://ref.gs1.org/cbv/Disp-sellable_accessible"] })).to.deep.equal(
        hashes([hop1.receiving]),
      );
      const dstSite = locationUri(demoGln(f.orgIds.distributor));
      expect(await q({ EQ_bizLocation: [dstSite] })).to.deep.equal(hashes([hop1.receiving]));
      expect(await q({ EQ_readPoint: [dstSite] })).to.deep.equal(hashes([hop1.receiving]));
      expect(await q({ EQ_readPoint: [locationUri(demoGln(f.orgIds.manufacturer))] })).to.deep.equal(
        hashes(shipping()),
      );
      expect(await q({ MATCH_epc: [P1] })).to.deep.equal(hashes([hop1.shipping, hop1.receiving]));
      expect(await q({ MATCH_anyEPC: [ssccUri(SSCC)] })).to.deep.equal(hashes([pallet.shipping]));
      expect(await q({ MATCH_anyEPC: [P1, P3] })).to.deep.equal(hashes([hop1.shipping, hop1.receiving, hop3.shipping]));
      expect(await q({ GE_eventTime: "2026-03-02T09:00:00Z" })).to.deep.equal(
        hashes([hop1.receiving, pallet.shipping, hop3.shipping]),
      );
      expect(await q({ GE_eventTime: "2026-03-02T09:00:00Z", LT_eventTime: "2026-03-02T10:00:00Z" })).to.deep.equal(
        hashes([hop1.receiving]),
      );
      expect(await q({ eventType: ["ObjectEvent"] })).to.have.length(4);
      expect(await q({ eventType: ["AggregationEvent"] })).to.deep.equal([]);
      expect(await q({ EQ_bizStep: ["shipping"], MATCH_epc: [P1] })).to.deep.equal(hashes([hop1.shipping]));
    });

    it("every event carries its anchors: block, transaction, organisation and a recomputed hash that matches", async function () {
      const { sc } = f;
      const [event] = (await queryEvents(regulator, { MATCH_epc: [P1], EQ_bizStep: ["shipping"] })).events;
      const log = (await sc.queryFilter(sc.filters.ItemShipped()))[0];
      expect(event["citychain:anchor"]).to.deep.equal({
        eventHash: epcisEventHash(hop1.shipping),
        hashMatches: true,
        anchors: [
          {
            kind: "ItemShipped",
            block: String(log.blockNumber),
            transaction: log.transactionHash.toLowerCase(),
            org: f.orgIds.manufacturer,
            sender: f.actors.manufacturer.address,
          },
        ],
      });
      const page = await queryEvents(regulator, { MATCH_epc: [P1] });
      expect((page.document["@context"] as unknown[]).at(-1)).to.deep.equal({
        citychain: "https://citychain.city/epcis/",
      });
      expect(page.document.type).to.equal("EPCISQueryDocument");
    });

    it("pages with perPage and a signed nextPageToken (Link rel=next); a tampered token is refused", async function () {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await queryEvents(regulator, { perPage: 2, nextPageToken: token });
        expect(page.events.length).to.be.at.most(2);
        seen.push(...hashes(page.events));
        token = page.nextPageToken;
        pages++;
      } while (token && pages < 10);
      expect(pages).to.equal(2); // 4 events: 2 + 2, and no token after the last
      expect(seen.sort()).to.deep.equal(hashes([...shipping(), hop1.receiving]));
      const first = await fetch(`${base}/epcis/events?perPage=1&EQ_bizStep=shipping`, {
        headers: { authorization: `Bearer ${regulator.token}` },
      });
      const link = first.headers.get("link")!;
      expect(link).to.match(/^<\/epcis\/events\?perPage=1&EQ_bizStep=shipping&nextPageToken=[^>]+>; rel="next"$/);
      const next = new URL(link.slice(1, link.indexOf(">")), base).searchParams.get("nextPageToken")!;
      const [payload, mac] = next.split(".");
      const forged = Buffer.from(
        JSON.stringify({ a: "0", q: JSON.parse(Buffer.from(payload, "base64url").toString()).q }),
      ).toString("base64url");
      await refused(
        queryEvents(regulator, { perPage: 1, EQ_bizStep: ["shipping"], nextPageToken: `${forged}.${mac}` }),
        "QueryParameterException",
        400,
        "nextPageToken",
      );
      // A genuine token of another query (or another member) is refused too.
      await refused(
        queryEvents(regulator, { perPage: 1, EQ_bizStep: ["receiving"], nextPageToken: next }),
        "QueryParameterException",
        400,
      );
      await refused(
        queryEvents(mfr, { perPage: 1, EQ_bizStep: ["shipping"], nextPageToken: next }),
        "QueryParameterException",
        400,
      );
      const second = await queryEvents(regulator, { perPage: 1, EQ_bizStep: ["shipping"], nextPageToken: next });
      expect(second.events).to.have.length(1);
    });

    it("refuses unknown parameters, bad times and bad perPage with a QueryParameterException problem", async function () {
      for (const qs of ["EQ_bizstep=shipping", "GE_eventTime=yesterday", "perPage=0", "eventType=Foo"]) {
        const res = await fetch(`${base}/epcis/events?${qs}`, { headers: { authorization: `Bearer ${mfr.token}` } });
        expect(res.status, qs).to.equal(400);
        expect(res.headers.get("content-type")).to.equal("application/problem+json");
        const body = (await res.json()) as { type: string; title: string; status: number; instance: string };
        expect(body).to.include({
          type: "epcisException:QueryParameterException",
          status: 400,
          instance: "/epcis/events",
        });
      }
      const res = await fetch(`${base}/epcis/events`);
      expect(res.status).to.equal(401);
    });
  });

  describe("who reads what", function () {
    const visible = async (s: EpcisSession) => hashes((await queryEvents(s, { perPage: 50 })).events);

    it("a regulator sees every event", async function () {
      expect(await visible(regulator)).to.deep.equal(
        hashes([hop1.shipping, hop1.receiving, pallet.shipping, hop3.shipping]),
      );
    });

    it("a member sees what it captured and the events of goods that passed through its custody", async function () {
      // The distributor captured the receipt of P1 and received P1 and P3: not the pallet sent to the carrier.
      expect(await visible(dst)).to.deep.equal(hashes([hop1.shipping, hop1.receiving, hop3.shipping]));
      // The carrier holds the pallet: only its shipment.
      expect(await visible(carrier)).to.deep.equal(hashes([pallet.shipping]));
      // The manufacturer captured three and made the goods of all four.
      expect(await visible(mfr)).to.deep.equal(hashes([hop1.shipping, hop1.receiving, pallet.shipping, hop3.shipping]));
    });

    it("a member with no custody link sees none of another member's events", async function () {
      expect(await visible(outsider)).to.deep.equal([]);
      expect((await eventsOfEpc(outsider, P1)).events).to.deep.equal([]);
    });

    it("/epcs/{epc}/events: members get the full events, a caller without session the verify page's fields", async function () {
      const full = await eventsOfEpc(dst, P1);
      expect(hashes(full.events)).to.deep.equal(hashes([hop1.shipping, hop1.receiving]));
      expect(full.events[0].bizTransactionList).to.deep.equal([{ type: "po", bizTransaction: PO }]);
      const pub = await eventsOfEpc(base, P1);
      expect(pub.events).to.have.length(2);
      for (const e of pub.events) {
        expect(Object.keys(e).sort()).to.deep.equal([
          "action",
          "bizStep",
          "citychain:anchor",
          "disposition",
          "epcList",
          "eventTime",
          "eventTimeZoneOffset",
          "type",
        ]);
        expect(e["citychain:anchor"].hashMatches).to.equal(true);
        expect(e.epcList).to.deep.equal([P1]);
      }
      // A Digital Link on another domain names the same pallet.
      const pallets = await eventsOfEpc(base, ssccUri(SSCC).replace("https://id.gs1.org", "https://example.com"));
      expect(pallets.events.map((e) => e.bizStep)).to.deep.equal(["shipping"]);
      await refused(eventsOfEpc(base, lotUri({ gtin: GTIN, lot: LOT })), "SecurityException", 401, "instance EPC");
      await refused(
        eventsOfEpc(dst, P1, { MATCH_anyEPC: [P3] } as never),
        "QueryParameterException",
        400,
        "MATCH_anyEPC",
      );
    });
  });

  describe("Sign-In with Ethereum", function () {
    const message = async (account: string, over: Partial<Parameters<typeof siweMessage>[0]> = {}) =>
      siweMessage({ baseUrl: base, account, chainId, nonce: await signInNonce(base), ...over });
    const sign = async (s: HardhatEthersSigner, m: string) => openSession(base, m, await s.signMessage(m));

    it("refuses a signature by another account, a wrong domain, a wrong chain and a reused nonce", async function () {
      const { manufacturer, distributor } = f.actors;
      let m = await message(manufacturer.address);
      await refused(openSession(base, m, await distributor.signMessage(m)), "SecurityException", 401, "signature");
      // the nonce survives a bad signature and works once
      await sign(manufacturer, m);
      await refused(sign(manufacturer, m), "SecurityException", 401, "nonce");
      m = await message(manufacturer.address, { baseUrl: "http://evil.example:8080" });
      await refused(sign(manufacturer, m), "SecurityException", 401, "domain evil.example:8080");
      m = await message(manufacturer.address, { chainId: chainId + 1 });
      await refused(sign(manufacturer, m), "SecurityException", 401, "chain");
      m = await message(manufacturer.address, { nonce: "abcdefgh12345678" });
      await refused(sign(manufacturer, m), "SecurityException", 401, "nonce");
      m = await message(manufacturer.address, {
        issuedAt: new Date(Date.now() - 7200_000),
        expirationTime: new Date(Date.now() - 3600_000),
      });
      await refused(sign(manufacturer, m), "SecurityException", 401, "expired");
    });

    it("refuses an account that is no member of an active organisation", async function () {
      await refused(signIn(f.actors.outsider, base), "SecurityException", 403, "not a member account");
    });

    it("a session ends at the message's expirationTime, never later", async function () {
      const { distributor } = f.actors;
      const m = await message(distributor.address, { expirationTime: new Date(Date.now() + 1500) });
      const s = await sign(distributor, m);
      expect(Date.parse(s.expiresAt)).to.be.at.most(Date.now() + 1500);
      expect((await queryEvents(s, { perPage: 1 })).events).to.have.length(1);
      await new Promise((r) => setTimeout(r, 1700));
      await refused(queryEvents(s), "SecurityException", 401, "expired");
      await refused(queryEvents({ ...s, token: "A".repeat(43) }), "SecurityException", 401, "unknown session");
    });
  });
});
