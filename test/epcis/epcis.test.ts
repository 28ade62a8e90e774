import { expect } from "chai";
import { encodeBytes32String } from "ethers";
import {
  DEMO_EPOCH,
  EPCIS_CONTEXT,
  EpcisError,
  type AggregationEvent,
  type EpcisEvent,
  type ObjectEvent,
  type JsonObject,
  anchorOf,
  bytes32ToEpcisHash,
  canonicalTimestamp,
  commissioningEvent,
  custodyHop,
  decommissioningEvent,
  demoGln,
  destroyingEvent,
  epcisEventHash,
  epcisHashToBytes32,
  epcisPreHash,
  packingEvent,
  quarantineEvent,
  receivingEvent,
  recallEvent,
  schemaErrors,
  shippingEvent,
  temperatureSensorElement,
  transformationEvent,
  unpackingEvent,
  validateEpcis,
} from "../../src/epcis";
import { makeGtin, makeSscc } from "../../src/gs1";

/**
 * The EPCIS event hash is specified in CBV 2.0 §8.9 ("EPCIS Event Hash ID"): §8.9.1 lists the canonicalisation
 * rules (numbered 1-24 below as in the standard and in the reference implementation's README), §8.9.2 the canonical
 * property order. The reference implementation is RalphTro/epcis-event-hash-generator; its published expected
 * hashes are in tests/examples/expected/CBV2.0/*.hashes. The example events below recreate its example documents
 * (tests/examples/documents/*) field by field; where the original names an EPC by a Digital Link it is kept, and
 * where it uses an EPC URN the URN is kept, so that rule 17 (URN → Digital Link) is exercised too.
 */

const CTX = [EPCIS_CONTEXT];
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe("EPCIS event hash: the reference implementation's published CBV 2.0 hashes", function () {
  it("epcisDocWithShippingAndTransportingEvent: a departing event with business transaction, source and destination", function () {
    const departing: JsonObject = {
      "@context": CTX,
      type: "ObjectEvent",
      eventTime: "2022-02-16T12:50:00+01:00",
      eventTimeZoneOffset: "+01:00",
      epcList: ["urn:epc:id:sscc:4012345.1112223334"],
      action: "OBSERVE",
      bizStep: "departing",
      readPoint: { id: "urn:epc:id:sgln:4012345.00022.0" },
      bizTransactionList: [{ type: "desadv", bizTransaction: "urn:epcglobal:cbv:bt:4012345000009:ASN1099" }],
      sourceList: [{ type: "possessing_party", source: "urn:epc:id:pgln:4012345.00000" }],
      destinationList: [{ type: "possessing_party", destination: "urn:epc:id:pgln:4023333.00000" }],
    };
    expect(epcisEventHash(departing)).to.equal(
      "ni:///sha-256;2919bf0587534fef0e25eea97b5dda68f345e6bbf2c6b4cb27b2a52e0039272b?ver=CBV2.0",
    );
  });

  it("epcisDocWithShippingAndTransportingEvent: a transporting event read at a geo: URI", function () {
    const transporting: JsonObject = {
      "@context": CTX,
      type: "ObjectEvent",
      eventTime: "2022-02-16T16:50:00+01:00",
      eventTimeZoneOffset: "+01:00",
      epcList: ["https://id.gs1.org/00/140123451122233341"],
      action: "OBSERVE",
      bizStep: "transporting",
      readPoint: { id: "geo:47.506694,11.104301" },
    };
    expect(epcisEventHash(transporting)).to.equal(
      "ni:///sha-256;1d2ec4174d8f0b5988a44795b31a636e8bc7f88ebc4bdc0d35c14f215a842e80?ver=CBV2.0",
    );
  });

  it("epcisDocWithSensorDataObjectEvent: three sensor elements of four reports each", function () {
    const element = (time: string, h: number, lux: number, kmh: number, cel: number) => ({
      sensorMetadata: {
        time,
        deviceID: "urn:epc:id:giai:4000001.111",
        deviceMetadata: "https://id.gs1.org/8004/4000001111",
        rawData: "https://example.org/8004/401234599999",
      },
      sensorReport: [
        { type: "Temperature", value: cel, uom: "CEL" },
        { type: "AbsoluteHumidity", value: h, uom: "A93" },
        { type: "Speed", value: kmh, uom: "KMH" },
        { type: "Illuminance", value: lux, uom: "LUX" },
      ],
    });
    const inspecting: JsonObject = {
      "@context": CTX,
      type: "ObjectEvent",
      eventTime: "2022-02-16T15:00:00.000+01:00",
      eventTimeZoneOffset: "+01:00",
      epcList: ["urn:epc:id:sgtin:4012345.011111.9876"],
      action: "OBSERVE",
      bizStep: "inspecting",
      readPoint: { id: "urn:epc:id:sgln:4012345.00005.0" },
      sensorElementList: [
        element("2022-02-16T13:05:00.000Z", 12.1, 800, 160, 26.0),
        element("2022-02-16T13:35:00.000Z", 12.2, 801, 161, 26.1),
        element("2022-02-16T13:55:00.000Z", 12.2, 802, 162, 26.2),
      ],
    };
    expect(epcisEventHash(inspecting)).to.equal(
      "ni:///sha-256;bea63f2741e3f4ae7cab8abba1be5bf172109f749bedaa7e8620fb9bd26847b5?ver=CBV2.0",
    );
  });

  it("TimeStampRoundOff: 4th decimal rounds the 3rd up (.1415 → .142) or not (.1414 → .141)", function () {
    const shipping: JsonObject = {
      "@context": CTX,
      type: "ObjectEvent",
      eventTime: "2023-02-02T12:04:03.1415+01:00",
      eventTimeZoneOffset: "+01:00",
      epcList: ["urn:epc:id:sscc:4012345.0111111111"],
      action: "OBSERVE",
      bizStep: "shipping",
      disposition: "in_transit",
      readPoint: { id: "urn:epc:id:sgln:4012345.00011.0" },
    };
    const transporting: JsonObject = {
      "@context": CTX,
      type: "ObjectEvent",
      eventTime: "2023-02-02T12:04:03.1414+01:00",
      eventTimeZoneOffset: "+01:00",
      epcList: ["urn:epc:id:sscc:4012345.0111111111"],
      action: "OBSERVE",
      bizStep: "transporting",
      readPoint: { id: "geo:50.947573340894124,6.922120147375441" },
    };
    const receiving: JsonObject = {
      "@context": CTX,
      type: "ObjectEvent",
      eventTime: "2023-02-12T12:04:03.1415+01:00",
      eventTimeZoneOffset: "+01:00",
      epcList: ["https://id.gs1.org/01/04012345999990/21/XYZ-1234"],
      action: "OBSERVE",
      bizStep: "receiving",
      disposition: "in_progress",
      readPoint: { id: "urn:epc:id:sgln:4012345.00011.0" },
      sensorElementList: [
        {
          sensorMetadata: {
            time: "2023-02-12T12:04:03.1009+01:00",
            bizRules: "https://id.gs1.org/253/4012345000054987",
          },
          sensorReport: [
            {
              type: "Dimensionless",
              exception: "ALARM_CONDITION",
              coordinateReferenceSystem: "http://www.opengis.net/def/crs/EPSG/0/27700",
            },
          ],
        },
      ],
    };
    expect([shipping, transporting, receiving].map(epcisEventHash)).to.deep.equal([
      "ni:///sha-256;af7658e711574363633f20b3dadc7bc4c13c6f612cf96d95e03c421c0e58f3c6?ver=CBV2.0",
      "ni:///sha-256;0550df44527332c1fe417c5837fe61b9e71eaa93307b88519dac549bf2d4dcf9?ver=CBV2.0",
      "ni:///sha-256;bf052637920f56c28bd6bc4ce10bb296203fcddc543f1e293d5a77b07592dcec?ver=CBV2.0",
    ]);
  });

  it("TransformationEvent_all_possible_fields: URNs of every key, persistent disposition, ILMD and nested user extensions", function () {
    const inner = {
      "ext1:object": {
        "ext1:object": {
          "ext2:array": ["14", "23.0", "stringInArrayInObjectInArray"],
          "ext2:object": { "ext2:object": { "ext3:string": "stringInObjectInObjectInArray" } },
          "ext2:int": "13",
          "ext2:string": "stringInObjectInArray",
        },
      },
    };
    const object = {
      "ext2:array": ["11", "21", "stringInArrayInObject"],
      "ext2:object": { "ext2:object": { "ext3:string": "stringInObjectInObject" } },
      "ext2:string": "stringInObject",
    };
    const extensions = {
      "ext1:float": "20",
      "ext1:time": "2013-06-08T14:58:56.591Z",
      "ext1:array": ["12", "22", "2013-06-08T14:58:56.591Z", "true", "stringInArray", inner],
      "ext1:boolean": "true",
      "ext1:object": object,
      "ext1:default": "stringAsDefaultValue",
      "ext1:int": "10",
      "ext1:string": "string",
    };
    const quantities: JsonObject[] = [
      { epcClass: "urn:epc:class:lgtin:4012345.011111.4444", quantity: 10, uom: "KGM" },
      { epcClass: "urn:epc:class:lgtin:0614141.077777.987", quantity: 30 },
      { epcClass: "urn:epc:idpat:sgtin:4012345.066666.*", quantity: 220 },
    ];
    const event: JsonObject = {
      "@context": [
        "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
        { ext3: "http://example.com/ext3/" },
        { ext2: "http://example.com/ext2/" },
        { ext1: "http://example.com/ext1/" },
        { cbvmda: "http://example.com/cbvmda/" },
      ],
      type: "TransformationEvent",
      eventTime: "2013-10-31T14:58:56.591Z",
      eventTimeZoneOffset: "+02:00",
      eventID: "ni:///sha-256;0bf4271d60ed65fb687e95f7216c4c0a4c1181c070f657d41385b6fbd93e97ef?ver=CBV2.0",
      certificationInfo: "https://accreditation-council.example.org/certificate/ABC12345",
      errorDeclaration: {
        declarationTime: "2013-11-07T14:00:00.000+01:00",
        reason: "incorrect_data",
        correctiveEventIDs: [
          "ni:///sha-256;fec9667280c4710a3fa9558b7bc8ddc2ced0dc442d87f82becae24bb6ca6a46f?ver=CBV2.0",
        ],
      },
      inputEPCList: ["urn:epc:id:sgtin:4012345.011122.25", "urn:epc:id:sgtin:4000001.065432.99886655"],
      inputQuantityList: quantities,
      outputEPCList: [
        "urn:epc:id:sgtin:4012345.077889.25",
        "urn:epc:id:sgtin:4012345.077889.26",
        "urn:epc:id:sgtin:4012345.077889.27",
        "urn:epc:id:sgtin:4012345.077889.28",
      ],
      outputQuantityList: quantities,
      transformationID: "urn:epc:id:gdti:0614141.12345.400",
      bizStep: "commissioning",
      disposition: "in_progress",
      readPoint: { id: "urn:epc:id:sgln:4012345.00001.0" },
      bizLocation: { id: "urn:epc:id:sgln:0614141.00888.0" },
      bizTransactionList: [
        { type: "po", bizTransaction: "urn:epc:id:gdti:0614141.00001.1618034" },
        { type: "pedigree", bizTransaction: "urn:epc:id:gsrn:0614141.0000010253" },
      ],
      sourceList: [
        { type: "location", source: "urn:epc:id:sgln:4012345.00225.0" },
        { type: "possessing_party", source: "urn:epc:id:pgln:4012345.00225" },
        { type: "owning_party", source: "urn:epc:id:pgln:4012345.00225" },
      ],
      destinationList: [
        { type: "location", destination: "urn:epc:id:sgln:0614141.00777.0" },
        { type: "possessing_party", destination: "urn:epc:id:pgln:0614141.00777" },
        { type: "owning_party", destination: "urn:epc:id:pgln:0614141.00777" },
      ],
      ilmd: {
        ...extensions,
        "cbvmda:countryOfExport": "KR",
        "cbvmda:grossWeight": "3.5",
        "cbvmda:netWeight": "3.5",
        "cbvmda:countryOfOrigin": "GB",
        "cbvmda:drainedWeight": "3.5",
        "cbvmda:lotNumber": "ABC123",
      },
      sensorElementList: [
        {
          sensorMetadata: {
            time: "2019-04-02T13:05:00.000Z",
            deviceID: "urn:epc:id:giai:4000001.111",
            deviceMetadata: "https://id.gs1.org/8004/4000001111",
            rawData: "https://example.org/8004/401234599999",
            startTime: "2019-04-02T12:55:01.000Z",
            endTime: "2019-04-02T13:55:00.000Z",
            dataProcessingMethod: "https://example.com/253/4012345000054987",
            bizRules: "https://example.com/253/4012345000054987",
            "ext1:someFurtherMetadata": "someText",
          },
          sensorReport: [
            {
              type: "Temperature",
              deviceID: "urn:epc:id:giai:4000001.111",
              rawData: "https://example.org/8004/401234599999",
              dataProcessingMethod: "https://example.com/253/4012345000054987",
              time: "2019-07-19T13:00:00.000Z",
              microorganism: "https://www.ncbi.nlm.nih.gov/taxonomy/1126011",
              chemicalSubstance: "https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N",
              value: 26,
              component: "example:x",
              stringValue: "SomeString",
              booleanValue: true,
              hexBinaryValue: "f0f0f0",
              uriValue: "https://id.gs1.org/8004/4000001111",
              minValue: 26,
              maxValue: 26.2,
              meanValue: 13.2,
              percRank: 50,
              percValue: 12.7,
              uom: "CEL",
              sDev: 0.1,
              "ext1:someFurtherReportData": "someText",
              deviceMetadata: "https://id.gs1.org/8004/4000001111",
            },
          ],
          ...extensions,
        },
      ],
      persistentDisposition: { unset: ["completeness_inferred"], set: ["completeness_verified"] },
      ...extensions,
    };
    expect(epcisEventHash(event)).to.equal(
      "ni:///sha-256;529cc54b8cf9d8664208cc6c77473274d8c2dd473469920a7d09a814623f52cc?ver=CBV2.0",
    );
  });
});

describe("EPCIS event hash: CBV 2.0 §8.9 rules", function () {
  const GTIN = makeGtin("9520000000001");
  const base = (): JsonObject => ({
    "@context": CTX,
    type: "ObjectEvent",
    eventTime: "2026-03-01T10:15:30.250+01:00",
    eventTimeZoneOffset: "+01:00",
    epcList: [`https://id.gs1.org/01/${GTIN}/21/B`, `https://id.gs1.org/01/${GTIN}/21/A`],
    action: "OBSERVE",
    bizStep: "shipping",
    disposition: "in_transit",
    readPoint: { id: `https://id.gs1.org/414/${demoGln(1)}` },
    bizTransactionList: [
      { type: "po", bizTransaction: "urn:epcglobal:cbv:bt:9520000000017:PO-1" },
      { type: "desadv", bizTransaction: "urn:epcglobal:cbv:bt:9520000000017:ASN-1" },
    ],
    sourceList: [{ type: "owning_party", source: `https://id.gs1.org/417/${demoGln(1)}` }],
    sensorElementList: [
      {
        sensorMetadata: { startTime: "2026-03-01T08:00:00Z", endTime: "2026-03-01T09:00:00Z" },
        sensorReport: [
          { type: "Temperature", value: 4.5, uom: "CEL", time: "2026-03-01T08:00:00Z" },
          { type: "Temperature", value: 5, uom: "CEL", time: "2026-03-01T09:00:00Z" },
        ],
      },
    ],
  });
  const h = base();
  const hash = epcisEventHash(h);

  it("rule 1 and §8.9.2: the canonical property order, not the document's key order, decides", function () {
    const reversed = Object.fromEntries(Object.entries(base()).reverse()) as JsonObject;
    expect(epcisEventHash(reversed)).to.equal(hash);
    const pre = epcisPreHash(h);
    const order = ["eventType=", "eventTime=", "epcList", "action=", "bizStep=", "disposition=", "readPoint"];
    const at = order.map((k) => pre.indexOf(k));
    expect(at).to.deep.equal([...at].sort((a, b) => a - b));
    expect(pre.indexOf("bizTransactionList")).to.be.lessThan(pre.indexOf("sourceList"));
    expect(pre.indexOf("sourceList")).to.be.lessThan(pre.indexOf("sensorElement"));
  });

  it("rules 2-4: key=value pairs concatenated without separators; absent fields add nothing", function () {
    const e = clone(h);
    delete e.sourceList;
    const pre = epcisPreHash(e);
    expect(pre).to.not.contain("sourceList");
    expect(pre).to.contain("eventTimeZoneOffset=+01:00epcListepc=");
  });

  it("rule 5: leading and trailing whitespace of values is ignored", function () {
    const e = clone(h);
    e.bizStep = "  shipping ";
    expect(epcisEventHash(e)).to.equal(hash);
  });

  it('rules 6-7: numbers without trailing zeros or quotes (4.50, "4.5" and 4.5 hash alike)', function () {
    const e = clone(h);
    const report = ((e.sensorElementList as JsonObject[])[0].sensorReport as JsonObject[])[0];
    report.value = "4.50";
    expect(epcisEventHash(e)).to.equal(hash);
    report.value = 4.51;
    expect(epcisEventHash(e)).to.not.equal(hash);
  });

  it("rules 8-9: timestamps in UTC with a Z and millisecond precision, whatever the time zone written", function () {
    expect(canonicalTimestamp("2026-03-01T10:15:30.25+01:00")).to.equal("2026-03-01T09:15:30.250Z");
    expect(canonicalTimestamp("2026-03-01T09:15:30Z")).to.equal("2026-03-01T09:15:30.000Z");
    expect(canonicalTimestamp("2026-03-01T09:15:30.9996Z")).to.equal("2026-03-01T09:15:31.000Z");
    expect(canonicalTimestamp("2026-03-01T00:30:00-05:30")).to.equal("2026-03-01T06:00:00.000Z");
    const e = clone(h);
    e.eventTime = "2026-03-01T09:15:30.2504Z";
    expect(epcisEventHash(e)).to.equal(hash);
    e.eventTime = "2026-03-01T09:15:30.2505Z";
    expect(epcisEventHash(e)).to.not.equal(hash);
  });

  it("rules 10-12: list children (EPCs, business transactions, sensor reports) are sorted by UTF-8 code", function () {
    const e = clone(h);
    (e.epcList as string[]).reverse();
    (e.bizTransactionList as JsonObject[]).reverse();
    ((e.sensorElementList as JsonObject[])[0].sensorReport as JsonObject[]).reverse();
    expect(epcisEventHash(e)).to.equal(hash);
    expect(epcisPreHash(h)).to.contain(`epcListepc=https://id.gs1.org/01/${GTIN}/21/Aepc=`);
  });

  it("rule 13: the type of a business transaction, source or destination stands before its identifier", function () {
    expect(epcisPreHash(h)).to.contain(
      "sourceListtype=https://ref.gs1.org/cbv/SDT-owning_partysource=https://id.gs1.org/417/",
    );
    const e = clone(h);
    (e.bizTransactionList as JsonObject[])[0] = {
      bizTransaction: "urn:epcglobal:cbv:bt:9520000000017:PO-1",
      type: "po",
    };
    expect(epcisEventHash(e)).to.equal(hash);
  });

  it("rules 14 and 16: CBV URNs and bare CBV strings become the same CBV web URI", function () {
    const e = clone(h);
    e.bizStep = "urn:epcglobal:cbv:bizstep:shipping";
    e.disposition = "https://ref.gs1.org/cbv/Disp-in_transit";
    expect(epcisEventHash(e)).to.equal(hash);
    expect(epcisPreHash(h)).to.contain("bizStep=https://ref.gs1.org/cbv/BizStep-shipping");
  });

  it("rule 15: compact IRIs (CURIEs) are expanded", function () {
    const e = clone(h);
    e.bizStep = "cbv:BizStep-shipping";
    ((e.sensorElementList as JsonObject[])[0].sensorReport as JsonObject[])[0].type = "gs1:Temperature";
    expect(epcisEventHash(e)).to.equal(hash);
  });

  it("rules 17-18: EPC URNs and custom-domain Digital Links with qualifiers and query strings hash as the canonical Digital Link", function () {
    const e = clone(h);
    e.epcList = [
      `https://id.example/01/${GTIN}/10/LOT1/21/B?17=271231`,
      `urn:epc:id:sgtin:${GTIN.slice(1, 8)}.${GTIN[0]}${GTIN.slice(8, 13)}.A`,
    ];
    expect(epcisPreHash(e)).to.contain(`epc=https://id.gs1.org/01/${GTIN}/21/A`);
    expect(epcisEventHash(e)).to.equal(hash);
  });

  it("rules 19-21: ILMD and user extensions as {namespace}name=value, sorted, whatever the prefix chosen", function () {
    const a: JsonObject = { ...clone(h), "@context": [...CTX, { city: "https://citychain.example/epcis/" }] };
    a["city:dock"] = "7";
    a["city:shift"] = "night";
    const b: JsonObject = { ...clone(h), "@context": [...CTX, { cc: "https://citychain.example/epcis/" }] };
    b["cc:shift"] = "night";
    b["cc:dock"] = "7.0";
    expect(epcisPreHash(a)).to.match(
      /\{https:\/\/citychain\.example\/epcis\/\}dock=7\{https:\/\/citychain\.example\/epcis\/\}shift=night$/,
    );
    expect(epcisEventHash(a)).to.equal(epcisEventHash(b));
    expect(epcisEventHash(a)).to.not.equal(hash);
  });

  it("fields outside the hash: eventID, recordTime, errorDeclaration and @context URLs do not change it", function () {
    const e = clone(h);
    e.eventID = "urn:uuid:7d7c6a0e-0d8b-4d9e-9a3e-3f1f0f0c2b11";
    e.recordTime = "2026-03-02T00:00:00Z";
    expect(epcisEventHash(e)).to.equal(hash);
  });

  it("rules 22-24: ni:///sha-256;<64 hex digits>?ver=CBV2.0 over the UTF-8 pre-hash string", function () {
    expect(hash).to.match(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
  });

  it("any change of any value changes the hash", function () {
    const mutations: ((e: JsonObject) => void)[] = [
      (e) => (e.eventTime = "2026-03-01T10:15:31.250+01:00"),
      (e) => (e.eventTimeZoneOffset = "+02:00"),
      (e) => (e.epcList = [`https://id.gs1.org/01/${GTIN}/21/A`]),
      (e) => (e.action = "ADD"),
      (e) => (e.bizStep = "receiving"),
      (e) => (e.disposition = "in_progress"),
      (e) => (e.readPoint = { id: `https://id.gs1.org/414/${demoGln(2)}` }),
      (e) => ((e.bizTransactionList as JsonObject[])[0].bizTransaction = "urn:epcglobal:cbv:bt:9520000000017:PO-2"),
      (e) => ((e.sourceList as JsonObject[])[0].type = "possessing_party"),
      (e) => (((e.sensorElementList as JsonObject[])[0].sensorMetadata as JsonObject).endTime = "2026-03-01T09:01:00Z"),
      (e) => (e.destinationList = [{ type: "owning_party", destination: `https://id.gs1.org/417/${demoGln(2)}` }]),
    ];
    const seen = new Set([hash]);
    for (const m of mutations) {
      const e = clone(h);
      m(e);
      const x = epcisEventHash(e);
      expect(seen.has(x), `mutation ${m.toString()}`).to.equal(false);
      seen.add(x);
    }
  });

  it("refuses an event without type or eventTime", function () {
    const e = clone(h);
    delete e.type;
    expect(() => epcisEventHash(e)).to.throw(EpcisError, "no type");
    const f = clone(h);
    delete f.eventTime;
    expect(() => epcisEventHash(f)).to.throw(EpcisError, "no eventTime");
  });
});

describe("EPCIS events of every custody step: built, schema-valid and anchored", function () {
  const GTIN = makeGtin("9520000000001");
  const GTIN2 = makeGtin("9520000000002");
  const SSCC = makeSscc("09520000000000001");
  const plant = demoGln(1);
  const dc = demoGln(2);
  const pharmacy = demoGln(3);
  const when = { time: "2026-03-01T09:00:00Z", tzOffset: "+01:00", readPoint: plant, bizLocation: plant };
  const items = [
    { gtin: GTIN, serial: "SN0001" },
    { gtin: GTIN, serial: "SN0002" },
  ];
  const custody = (gln: string) => ({ owner: gln, possessor: gln });

  const events: [string, EpcisEvent][] = [
    ["commissioning", commissioningEvent({ ...when, gtin: GTIN, lot: "L1", expiry: "271231", serials: ["SN0001"] })],
    ["commissioning a lot", commissioningEvent({ ...when, gtin: GTIN, lot: "L1", quantity: 64 })],
    [
      "shipping with sensor readings",
      shippingEvent({
        ...when,
        what: { items },
        from: custody(plant),
        to: custody(dc),
        bizTransactions: [{ type: "po", id: "urn:epcglobal:cbv:bt:9520000000017:PO-42" }],
        sensorElements: [
          temperatureSensorElement(
            [
              { time: 1_772_355_600, centiCelsius: 450 },
              { time: 1_772_356_500, centiCelsius: 510 },
            ],
            "https://id.gs1.org/8004/9520000000001",
          ),
        ],
      }),
    ],
    ["shipping a pallet", shippingEvent({ ...when, what: { sscc: SSCC }, from: custody(plant), to: custody(dc) })],
    ["receiving", receivingEvent({ ...when, readPoint: dc, bizLocation: dc, what: { items }, sellable: true })],
    ["receiving non-sellable", receivingEvent({ ...when, readPoint: dc, what: { sscc: SSCC }, sellable: false })],
    ["retail selling", decommissioningEvent({ ...when, readPoint: pharmacy, item: items[0], step: "retail_selling" })],
    ["dispensing", decommissioningEvent({ ...when, readPoint: pharmacy, item: items[0], step: "dispensing" })],
    ["destroying items", destroyingEvent({ ...when, what: { items } })],
    ["destroying a lot", destroyingEvent({ ...when, what: { lot: { gtin: GTIN, lot: "L1", quantity: 64 } } })],
    ["recall", recallEvent({ ...when, lot: { gtin: GTIN, lot: "L1" } })],
    ["quarantine", quarantineEvent({ ...when, lot: { gtin: GTIN, lot: "L1" } })],
    ["release", quarantineEvent({ ...when, lot: { gtin: GTIN, lot: "L1" }, released: true })],
    ["packing", packingEvent({ ...when, sscc: SSCC, items })],
    ["unpacking", unpackingEvent({ ...when, sscc: SSCC, items })],
    [
      "transformation",
      transformationEvent({
        ...when,
        inputs: [{ gtin: GTIN, lot: "API-7", quantity: 20 }],
        output: { gtin: GTIN2, lot: "TAB-1", quantity: 1000, expiry: "280630" },
      }),
    ],
  ];

  for (const [name, event] of events) {
    it(`${name}: valid against the EPCIS 2.0 JSON schema and anchored as the digest of its hash`, function () {
      expect(schemaErrors(event)).to.deep.equal([]);
      const anchor = anchorOf(event);
      expect(anchor.hashId).to.equal(epcisEventHash(event));
      expect(bytes32ToEpcisHash(anchor.epcisHash)).to.equal(anchor.hashId);
    });
  }

  it("the demo's first hop hashes to the value docs/epcis.md shows (a partner can check it by hand)", function () {
    const hop = custodyHop({
      what: { items: [{ gtin: makeGtin("0401234500001"), serial: "SN0001" }] },
      from: 1,
      to: 4,
      owner: 1,
      newOwner: 4,
      time: DEMO_EPOCH,
      tzOffset: "+01:00",
      purchaseOrder: "urn:epcglobal:cbv:bt:4012345000009:PO-42",
    });
    expect(epcisEventHash(hop.shipping)).to.equal(
      "ni:///sha-256;9d52ea99d1b633c0b5d87ddbe901fa00f5a920d676ee366274d3cab03233c2ce?ver=CBV2.0",
    );
    expect(hop.shipment.epcisHash).to.equal("0x9d52ea99d1b633c0b5d87ddbe901fa00f5a920d676ee366274d3cab03233c2ce");
    expect(hop.shipment.bizStep).to.equal(encodeBytes32String("shipping"));
    expect(hop.receipt.epcisHash).to.equal(epcisHashToBytes32(epcisEventHash(hop.receiving)));
    expect(hop.receiving.disposition).to.equal("sellable_accessible");
  });

  it("all custody steps hash differently", function () {
    expect(new Set(events.map(([, e]) => epcisEventHash(e))).size).to.equal(events.length);
  });

  it("identifiers are canonical Digital Links and GLN-based ids", function () {
    const [, ship] = events[2];
    expect(ship.type).to.equal("ObjectEvent");
    const s = ship as ObjectEvent;
    expect(s.epcList![0]).to.equal(`https://id.gs1.org/01/${GTIN}/21/SN0001`);
    expect(ship.readPoint).to.deep.equal({ id: `https://id.gs1.org/414/${plant}` });
    expect(ship.destinationList).to.deep.equal([
      { type: "owning_party", destination: `https://id.gs1.org/417/${dc}` },
      { type: "possessing_party", destination: `https://id.gs1.org/417/${dc}` },
    ]);
    expect((events[13][1] as AggregationEvent).parentID).to.equal(`https://id.gs1.org/00/${SSCC}`);
    expect(ship.sensorElementList![0].sensorReport[0]).to.deep.equal({
      type: "Temperature",
      time: "2026-03-01T09:00:00.000Z",
      value: 4.5,
      uom: "CEL",
    });
  });

  it("the schema refuses a broken event, and anchorOf refuses to hash it", function () {
    const broken = clone(events[0][1]) as unknown as JsonObject;
    delete broken.eventTimeZoneOffset;
    broken.action = "MOVE";
    const errors = schemaErrors(broken);
    expect(errors.join("\n")).to.contain("eventTimeZoneOffset");
    expect(errors.join("\n")).to.contain("/action");
    expect(() => anchorOf(broken)).to.throw(EpcisError, "not a valid EPCIS 2.0 event");
    expect(() => validateEpcis({ ...broken, eventTimeZoneOffset: "+01:00", action: "ADD" })).to.not.throw();
  });

  it("bad identifiers and values are refused with a clear error", function () {
    expect(() => packingEvent({ ...when, sscc: "123", items })).to.throw("SSCC");
    expect(() =>
      shippingEvent({
        ...when,
        readPoint: plant.slice(0, 12) + ((Number(plant[12]) + 1) % 10),
        what: { items },
        from: custody(plant),
        to: custody(dc),
      }),
    ).to.throw("GLN");
    expect(() => commissioningEvent({ ...when, tzOffset: "+25:00", gtin: GTIN, lot: "L1" })).to.throw("offset");
    expect(() => commissioningEvent({ ...when, time: "yesterday", gtin: GTIN, lot: "L1" })).to.throw("not a date");
    expect(() => packingEvent({ ...when, sscc: SSCC, items: [] })).to.throw("at least one item");
    expect(() => epcisHashToBytes32("ni:///sha-256;abc?ver=CBV2.0")).to.throw(EpcisError);
    expect(() => bytes32ToEpcisHash("0x1234")).to.throw(EpcisError);
  });
});
