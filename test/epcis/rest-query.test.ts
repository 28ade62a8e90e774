import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { DEMO_EPOCH, custodyHop, itemUri, lotUri, packingEvent, ssccUri, transformationEvent } from "../../src/epcis";
import { EpcisProblem, asProblem, isProblemBody } from "../../src/epcis-rest/problem";
import {
  DEFAULT_PER_PAGE,
  MAX_PER_PAGE,
  bareCbv,
  cbvUri,
  epcsOf,
  isInstanceEpc,
  parseEventQuery,
  queryFingerprint,
  readPageToken,
  signPageToken,
} from "../../src/epcis-rest/query";
import { anchorOrg, publicView, subjectsOfEpcs } from "../../src/epcis-rest/access";
import { lotIdOf } from "../../src/supplychain";

const GTIN = "04012345000016";
const parse = (qs: string) => parseEventQuery(new URLSearchParams(qs));
const problemOf = (fn: () => unknown): EpcisProblem => {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(EpcisProblem);
    return err as EpcisProblem;
  }
  throw new Error("expected an EpcisProblem");
};

describe("EPCIS REST: query parameters", function () {
  it("reads every parameter, with CBV values as web URIs and EPCs as canonical Digital Links", function () {
    const q = parse(
      "eventType=ObjectEvent|AggregationEvent&EQ_bizStep=shipping|urn:epcglobal:cbv:bizstep:receiving" +
        "&EQ_disposition=https://ref.gs1.org/cbv/Disp-in_transit&EQ_bizLocation=urn:epc:id:sgln:9520000.00001.0" +
        "&EQ_readPoint=https://example.com/414/9520000000011&MATCH_epc=urn:epc:id:sgtin:4012345.000001.SN1" +
        "&MATCH_anyEPC=https://id.gs1.org/00/004012345000000012&GE_eventTime=2026-03-02T09:00:00%2B01:00" +
        "&LT_eventTime=2026-03-03T00:00:00Z&perPage=5",
    );
    expect(q).to.deep.equal({
      eventType: ["ObjectEvent", "AggregationEvent"],
      bizStep: ["https://ref.gs1.org/cbv/BizStep-shipping", "https://ref.gs1.org/cbv/BizStep-receiving"],
      disposition: ["https://ref.gs1.org/cbv/Disp-in_transit"],
      bizLocation: ["https://id.gs1.org/414/9520000000011"],
      readPoint: ["https://id.gs1.org/414/9520000000011"],
      epc: ["https://id.gs1.org/01/04012345000016/21/SN1"],
      anyEpc: ["https://id.gs1.org/00/004012345000000012"],
      geEventTime: "2026-03-02T08:00:00.000Z",
      ltEventTime: "2026-03-03T00:00:00.000Z",
      perPage: 5,
      nextPageToken: undefined,
    });
  });

  it("defaults perPage and caps it", function () {
    expect(parse("").perPage).to.equal(DEFAULT_PER_PAGE);
    expect(parse("perPage=100000").perPage).to.equal(MAX_PER_PAGE);
  });

  it("refuses unknown parameters, bad event types, times, empty lists and perPage", function () {
    for (const [qs, text] of [
      ["EQ_bizstep=shipping", 'unknown query parameter "EQ_bizstep"'],
      ["MATCH_parentID=x", 'unknown query parameter "MATCH_parentID"'],
      ["eventType=Foo", 'eventType "Foo"'],
      ["GE_eventTime=2026-03-02", "GE_eventTime must be an ISO 8601 time with a zone"],
      ["LT_eventTime=2026-03-02T10:00:00", "LT_eventTime must be an ISO 8601 time with a zone"],
      ["GE_eventTime=2026-03-02T10:00:00Z&GE_eventTime=2026-03-02T11:00:00Z", "more than once"],
      ["EQ_bizStep=|", "EQ_bizStep names no value"],
      ["perPage=0", "perPage must be a whole number"],
      ["perPage=-3", "perPage must be a whole number"],
    ]) {
      const p = problemOf(() => parse(qs));
      expect(p.exception, qs).to.equal("QueryParameterException");
      expect(p.status).to.equal(400);
      expect(p.message).to.contain(text);
    }
  });

  it("writes CBV values in both directions and leaves private vocabularies alone", function () {
    expect(cbvUri("BizStep", " shipping ")).to.equal("https://ref.gs1.org/cbv/BizStep-shipping");
    expect(cbvUri("Disp", "urn:epcglobal:cbv:disp:in_transit")).to.equal("https://ref.gs1.org/cbv/Disp-in_transit");
    expect(cbvUri("BizStep", "https://example.com/steps/x")).to.equal("https://example.com/steps/x");
    expect(bareCbv("https://ref.gs1.org/cbv/BizStep-shipping")).to.equal("shipping");
    expect(bareCbv("https://example.com/steps/x")).to.equal("https://example.com/steps/x");
  });
});

describe("EPCIS REST: page tokens", function () {
  const key = randomBytes(32);
  const fp = queryFingerprint(parse("EQ_bizStep=shipping"), "org:2");

  it("round-trips the position of a query, whatever perPage", function () {
    const token = signPageToken(key, "42", fp);
    expect(readPageToken(key, token, queryFingerprint(parse("EQ_bizStep=shipping&perPage=3"), "org:2"))).to.equal("42");
  });

  it("refuses a token that was altered, signed with another key, or issued for another query or caller", function () {
    const token = signPageToken(key, "42", fp);
    const [payload, mac] = token.split(".");
    const altered = Buffer.from(JSON.stringify({ a: "1", q: fp })).toString("base64url");
    for (const [bad, fingerprint] of [
      [`${altered}.${mac}`, fp],
      [signPageToken(randomBytes(32), "42", fp), fp],
      [token, queryFingerprint(parse("EQ_bizStep=receiving"), "org:2")],
      [token, queryFingerprint(parse("EQ_bizStep=shipping"), "org:3")],
      [`${payload}`, fp],
      [`${payload}.${mac}.x`, fp],
      ["", fp],
    ]) {
      const p = problemOf(() => readPageToken(key, bad, fingerprint));
      expect(p.exception).to.equal("QueryParameterException");
      expect(p.message).to.equal("nextPageToken is not a token this query issued");
    }
  });
});

describe("EPCIS REST: what an event names", function () {
  const hop = custodyHop({
    what: { items: [{ gtin: GTIN, serial: "SN1" }] },
    from: 2,
    to: 4,
    owner: 2,
    time: DEMO_EPOCH,
  });

  it("lists EPCs by role: epcList, childEPCs, parentID, input/output lists and quantity classes", function () {
    expect(epcsOf(hop.shipping as never)).to.deep.equal([{ epc: itemUri({ gtin: GTIN, serial: "SN1" }), role: "epc" }]);
    const packing = packingEvent({
      time: DEMO_EPOCH,
      readPoint: "9520000000028",
      sscc: "004012345000000012",
      items: [{ gtin: GTIN, serial: "SN1" }],
    });
    expect(epcsOf(packing as never)).to.deep.equal([
      { epc: itemUri({ gtin: GTIN, serial: "SN1" }), role: "child" },
      { epc: ssccUri("004012345000000012"), role: "parent" },
    ]);
    const t = transformationEvent({
      time: DEMO_EPOCH,
      readPoint: "9520000000028",
      inputs: [{ gtin: GTIN, lot: "A", quantity: 10 }],
      output: { gtin: GTIN, lot: "B", quantity: 5 },
    });
    expect(epcsOf(t as never)).to.deep.equal([
      { epc: lotUri({ gtin: GTIN, lot: "A" }), role: "class" },
      { epc: lotUri({ gtin: GTIN, lot: "B" }), role: "class" },
    ]);
  });

  it("tells instance EPCs from classes, in any of their spellings", function () {
    expect(isInstanceEpc(itemUri({ gtin: GTIN, serial: "SN1" }))).to.equal(true);
    expect(isInstanceEpc("urn:epc:id:sgtin:4012345.000001.SN1")).to.equal(true);
    expect(isInstanceEpc("https://example.com/00/004012345000000012")).to.equal(true);
    expect(isInstanceEpc(lotUri({ gtin: GTIN, lot: "L1" }))).to.equal(false);
    expect(isInstanceEpc("https://id.gs1.org/414/9520000000011")).to.equal(false);
  });

  it("names the pallets and lots whose custody decides who reads an event", function () {
    expect(subjectsOfEpcs([ssccUri("004012345000000012"), lotUri({ gtin: GTIN, lot: "L-1" })])).to.deep.equal([
      "pallet:4012345000000012",
      `lot:${lotIdOf(GTIN, "L-1").toLowerCase()}`,
    ]);
  });

  it("takes an anchor's organisation from the shipper, the receiver or the anchoring organisation", function () {
    expect(anchorOrg({ event: "ItemShipped", args: { from: "2", to: "4" } })).to.equal(2);
    expect(anchorOrg({ event: "PalletReceived", args: { by: "5" } })).to.equal(5);
    expect(
      anchorOrg({ event: "EpcisAnchored", args: { orgId: "7", by: "0x0000000000000000000000000000000000000001" } }),
    ).to.equal(7);
    expect(anchorOrg({ event: "Unrelated", args: {} })).to.equal(undefined);
  });

  it("reduces an event to the verify page's fields", function () {
    const full = {
      ...(hop.shipping as never as Record<string, never>),
      "citychain:anchor": { eventHash: "h" } as never,
    };
    const view = publicView(full, "https://id.gs1.org/01/04012345000016/21/SN1");
    expect(Object.keys(view).sort()).to.deep.equal([
      "action",
      "bizStep",
      "citychain:anchor",
      "disposition",
      "epcList",
      "eventTime",
      "eventTimeZoneOffset",
      "type",
    ]);
  });
});

describe("EPCIS REST: problem answers", function () {
  it("are RFC 7807 documents with the EPCIS exception type and its status", function () {
    const p = new EpcisProblem("CaptureLimitExceededException", "too many");
    expect(p.body("/epcis/capture")).to.deep.equal({
      type: "epcisException:CaptureLimitExceededException",
      title: "Capture limit exceeded",
      status: 413,
      detail: "too many",
      instance: "/epcis/capture",
    });
    expect(new EpcisProblem("SecurityException", "no", 403).status).to.equal(403);
    expect(isProblemBody(p.body())).to.equal(true);
    expect(isProblemBody({ error: "x", status: 400 })).to.equal(false);
  });

  it("turn any other failure into an ImplementationException", function () {
    const p = asProblem(new Error("disk full"));
    expect([p.exception, p.status, p.message]).to.deep.equal(["ImplementationException", 500, "disk full"]);
  });
});
