/**
 * GS1 EPCIS 2.0 for citychain: the JSON-LD event of every custody step, its validation against the EPCIS 2.0 JSON
 * schema, the EPCIS event hash of CBV 2.0 (section 8.9, "EPCIS Event Hash ID") and its bytes32 form on chain.
 *
 * Identifiers are GS1 Digital Link URIs on `https://id.gs1.org` (the canonical form the hash uses): instances
 * `01/<gtin>/21/<serial>`, lots `01/<gtin>/10/<lot>`, pallets `00/<sscc>`, locations `414/<gln>` and parties
 * `417/<gln>`. Browser-safe (the web app checks events against their anchors). Business data stays off chain: the contracts keep only `epcisHash` (the SHA-256 digest of the
 * canonical pre-hash string) next to the custody change it documents.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { ZeroHash, encodeBytes32String, keccak256, sha256, toUtf8Bytes } from "ethers";
import { buildDigitalLink, checkDigit, expiryFromYymmdd, Gs1Error, isValidSscc, normaliseGtin } from "./gs1";
import schema from "./epcis-schema/EPCIS-JSON-Schema.json";

/** The EPCIS 2.0 JSON-LD context every event names. */
export const EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
/** The resolver of canonical GS1 Digital Link URIs (CBV 2.0 §8.9 rule 18). */
export const GS1_RESOLVER = "https://id.gs1.org";
/** The hash algorithm version this module implements. */
export const EPCIS_HASH_VERSION = "CBV2.0";

/** An EPCIS document or value broke a rule; the message says which field and why. */
export class EpcisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EpcisError";
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Event types
// ---------------------------------------------------------------------------------------------------------------

/** A JSON value as parsed from an event document. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
/** A JSON object (an event, or a part of one). */
export type JsonObject = { [key: string]: Json };

export interface QuantityElement {
  epcClass: string;
  quantity: number;
  uom?: string;
}
export interface BizTransaction {
  type?: string;
  bizTransaction: string;
}
export interface Source {
  type: string;
  source: string;
}
export interface Destination {
  type: string;
  destination: string;
}
export interface SensorMetadata {
  time?: string;
  startTime?: string;
  endTime?: string;
  deviceID?: string;
  deviceMetadata?: string;
  rawData?: string;
  dataProcessingMethod?: string;
  bizRules?: string;
}
export interface SensorReport {
  type: string;
  exception?: string;
  deviceID?: string;
  time?: string;
  value?: number;
  minValue?: number;
  maxValue?: number;
  meanValue?: number;
  uom?: string;
}
export interface SensorElement {
  sensorMetadata?: SensorMetadata;
  sensorReport: SensorReport[];
}

interface EventBase {
  "@context": (string | Record<string, string>)[] | string;
  eventTime: string;
  eventTimeZoneOffset: string;
  eventID?: string;
  bizStep?: string;
  disposition?: string;
  readPoint?: { id: string };
  bizLocation?: { id: string };
  bizTransactionList?: BizTransaction[];
  sourceList?: Source[];
  destinationList?: Destination[];
  sensorElementList?: SensorElement[];
}
export interface ObjectEvent extends EventBase {
  type: "ObjectEvent";
  action: "ADD" | "OBSERVE" | "DELETE";
  epcList?: string[];
  quantityList?: QuantityElement[];
  ilmd?: Record<string, string>;
}
export interface AggregationEvent extends EventBase {
  type: "AggregationEvent";
  action: "ADD" | "OBSERVE" | "DELETE";
  parentID: string;
  childEPCs?: string[];
}
export interface TransformationEvent extends EventBase {
  type: "TransformationEvent";
  inputEPCList?: string[];
  inputQuantityList?: QuantityElement[];
  outputEPCList?: string[];
  outputQuantityList?: QuantityElement[];
  transformationID?: string;
  ilmd?: Record<string, string>;
}
/** Every event the SDK builds. */
export type EpcisEvent = ObjectEvent | AggregationEvent | TransformationEvent;

// ---------------------------------------------------------------------------------------------------------------
// Identifiers (GS1 Digital Link, canonical form)
// ---------------------------------------------------------------------------------------------------------------

/** A serialised item: GTIN + serial. */
export interface ItemRef {
  gtin: string;
  serial: string;
}
/** A lot (batch): GTIN + lot number, with a quantity where the event counts items. */
export interface LotRef {
  gtin: string;
  lot: string;
  quantity?: number;
}

/** `https://id.gs1.org/01/<gtin>/21/<serial>`: one item (SGTIN). */
export function itemUri(item: ItemRef): string {
  return buildDigitalLink({ gtin: item.gtin, serial: item.serial }, GS1_RESOLVER);
}

/** `https://id.gs1.org/01/<gtin>/10/<lot>`: a lot as an EPC class (LGTIN). */
export function lotUri(lot: LotRef): string {
  return buildDigitalLink({ gtin: lot.gtin, lot: lot.lot }, GS1_RESOLVER);
}

/** `https://id.gs1.org/00/<sscc>`: a pallet or case (18 digits; a bigint from the contract is zero-padded). */
export function ssccUri(sscc: string | bigint): string {
  const s = typeof sscc === "bigint" ? sscc.toString().padStart(18, "0") : sscc;
  if (!isValidSscc(s)) throw new Gs1Error(`SSCC "${sscc}" must have 18 digits and a right check digit`);
  return `${GS1_RESOLVER}/00/${s}`;
}

function validGln(gln: string): string {
  if (!/^\d{13}$/.test(gln) || checkDigit(gln.slice(0, 12)) !== Number(gln[12])) {
    throw new Gs1Error(`GLN "${gln}" must have 13 digits and a right check digit`);
  }
  return gln;
}

/** `https://id.gs1.org/414/<gln>`: a physical location (read point, business location). */
export function locationUri(gln: string): string {
  return `${GS1_RESOLVER}/414/${validGln(gln)}`;
}

/** `https://id.gs1.org/417/<gln>`: a party (owner or possessor in source and destination lists). */
export function partyUri(gln: string): string {
  return `${GS1_RESOLVER}/417/${validGln(gln)}`;
}

/**
 * A GLN in GS1's demonstration prefix 952 (reserved for examples, never assigned to a company): `952` + a 9-digit
 * reference + the check digit. The demo, the bench and the tests name their parties and places with these.
 */
export function demoGln(reference: number): string {
  if (!Number.isInteger(reference) || reference < 0 || reference > 999_999_999) {
    throw new Gs1Error(`demo GLN reference ${reference} must be an integer of at most 9 digits`);
  }
  const body = `952${String(reference).padStart(9, "0")}`;
  return body + checkDigit(body);
}

// ---------------------------------------------------------------------------------------------------------------
// Event builders
// ---------------------------------------------------------------------------------------------------------------

/** When and where an event happened. */
export interface EventWhen {
  /** Event time: a Date, an ISO 8601 string or unix seconds. */
  time: Date | string | number;
  /** The local time zone offset of the place, e.g. "+01:00" (default "+00:00"). */
  tzOffset?: string;
  /** GLN of the read point. */
  readPoint: string;
  /** GLN of the business location where the goods are afterwards (default: none). */
  bizLocation?: string;
}

/** Owner and possessor of goods (GLNs of the parties). */
export interface Custody {
  owner: string;
  possessor: string;
}

/** A business transaction reference (CBV 2.0 BTT type and an identifier URI). */
export interface BizTx {
  type: "po" | "desadv" | "inv" | "bol" | "recadv" | "prodorder" | "rma" | "pedigree";
  id: string;
}

function isoTime(t: Date | string | number): string {
  const d = t instanceof Date ? t : typeof t === "number" ? new Date(t * 1000) : new Date(t);
  if (Number.isNaN(d.getTime())) throw new EpcisError(`event time "${String(t)}" is not a date`);
  return d.toISOString();
}

function tz(offset: string | undefined): string {
  const o = offset ?? "+00:00";
  if (!/^[+-]((0\d|1[0-3]):[0-5]\d|14:00)$/.test(o)) throw new EpcisError(`time zone offset "${o}" must be ±hh:mm`);
  return o;
}

function base(when: EventWhen) {
  return {
    "@context": [EPCIS_CONTEXT],
    eventTime: isoTime(when.time),
    eventTimeZoneOffset: tz(when.tzOffset),
  };
}

function where(when: EventWhen) {
  return {
    readPoint: { id: locationUri(when.readPoint) },
    ...(when.bizLocation !== undefined ? { bizLocation: { id: locationUri(when.bizLocation) } } : {}),
  };
}

function custodyLists(from?: Custody, to?: Custody) {
  return {
    ...(from
      ? {
          sourceList: [
            { type: "owning_party", source: partyUri(from.owner) },
            { type: "possessing_party", source: partyUri(from.possessor) },
          ],
        }
      : {}),
    ...(to
      ? {
          destinationList: [
            { type: "owning_party", destination: partyUri(to.owner) },
            { type: "possessing_party", destination: partyUri(to.possessor) },
          ],
        }
      : {}),
  };
}

function bizTxList(txs: BizTx[] | undefined) {
  return txs && txs.length > 0 ? { bizTransactionList: txs.map((t) => ({ type: t.type, bizTransaction: t.id })) } : {};
}

function sensors(list: SensorElement[] | undefined) {
  return list && list.length > 0 ? { sensorElementList: list } : {};
}

function lotIlmd(lot: string, expiry?: string): Record<string, string> {
  const ilmd: Record<string, string> = { "cbvmda:lotNumber": lot };
  if (expiry !== undefined) {
    const last = new Date((expiryFromYymmdd(expiry) - 86_400) * 1000);
    ilmd["cbvmda:itemExpirationDate"] = last.toISOString().slice(0, 10);
  }
  return ilmd;
}

/** What an event is about: serialised items, a pallet (SSCC) or a lot with a quantity. */
export type What = { items: ItemRef[] } | { sscc: string | bigint } | { lot: LotRef };

function whatOf(what: What): { epcList?: string[]; quantityList?: QuantityElement[] } {
  if ("items" in what) {
    if (what.items.length === 0) throw new EpcisError("an event needs at least one item");
    return { epcList: what.items.map(itemUri) };
  }
  if ("sscc" in what) return { epcList: [ssccUri(what.sscc)] };
  return { quantityList: [{ epcClass: lotUri(what.lot), quantity: what.lot.quantity ?? 1 }] };
}

/** Commissioning (ObjectEvent ADD): a lot and, when given, its serials come to life; ILMD carries lot and expiry. */
export function commissioningEvent(
  p: EventWhen & { gtin: string; lot: string; expiry?: string; serials?: string[]; quantity?: number },
): ObjectEvent {
  const what: What =
    p.serials && p.serials.length > 0
      ? { items: p.serials.map((serial) => ({ gtin: p.gtin, serial })) }
      : { lot: { gtin: p.gtin, lot: p.lot, quantity: p.quantity } };
  return {
    ...base(p),
    type: "ObjectEvent",
    action: "ADD",
    ...whatOf(what),
    bizStep: "commissioning",
    disposition: "active",
    ...where(p),
    ilmd: lotIlmd(p.lot, p.expiry),
  };
}

/** Shipping (ObjectEvent OBSERVE, in_transit): custody (and maybe ownership) leaves `from` for `to`. */
export function shippingEvent(
  p: EventWhen & {
    what: What;
    from: Custody;
    to: Custody;
    bizTransactions?: BizTx[];
    sensorElements?: SensorElement[];
  },
): ObjectEvent {
  return {
    ...base(p),
    type: "ObjectEvent",
    action: "OBSERVE",
    ...whatOf(p.what),
    bizStep: "shipping",
    disposition: "in_transit",
    ...where(p),
    ...bizTxList(p.bizTransactions),
    ...custodyLists(p.from, p.to),
    ...sensors(p.sensorElements),
  };
}

/** Receiving (ObjectEvent OBSERVE): sellable_accessible, or non_sellable_other when refused as sellable. */
export function receivingEvent(
  p: EventWhen & {
    what: What;
    sellable: boolean;
    from?: Custody;
    to?: Custody;
    bizTransactions?: BizTx[];
    sensorElements?: SensorElement[];
  },
): ObjectEvent {
  return {
    ...base(p),
    type: "ObjectEvent",
    action: "OBSERVE",
    ...whatOf(p.what),
    bizStep: "receiving",
    disposition: p.sellable ? "sellable_accessible" : "non_sellable_other",
    ...where(p),
    ...bizTxList(p.bizTransactions),
    ...custodyLists(p.from, p.to),
    ...sensors(p.sensorElements),
  };
}

/** Sale or dispensing (ObjectEvent OBSERVE): retail_selling → retail_sold, dispensing → dispensed. */
export function decommissioningEvent(
  p: EventWhen & { item: ItemRef; step: "retail_selling" | "dispensing" },
): ObjectEvent {
  return {
    ...base(p),
    type: "ObjectEvent",
    action: "OBSERVE",
    epcList: [itemUri(p.item)],
    bizStep: p.step,
    disposition: p.step === "retail_selling" ? "retail_sold" : "dispensed",
    ...where(p),
  };
}

/** Destruction (ObjectEvent DELETE, destroyed): items or a whole lot cease to exist. */
export function destroyingEvent(p: EventWhen & { what: What }): ObjectEvent {
  return {
    ...base(p),
    type: "ObjectEvent",
    action: "DELETE",
    ...whatOf(p.what),
    bizStep: "destroying",
    disposition: "destroyed",
    ...where(p),
  };
}

/** A recall of a lot (ObjectEvent OBSERVE, holding → recalled). */
export function recallEvent(p: EventWhen & { lot: LotRef }): ObjectEvent {
  return {
    ...base(p),
    type: "ObjectEvent",
    action: "OBSERVE",
    quantityList: whatOf({ lot: p.lot }).quantityList,
    bizStep: "holding",
    disposition: "recalled",
    ...where(p),
  };
}

/**
 * Quarantine of a lot (ObjectEvent OBSERVE, holding → non_sellable_other) or its release after inspection
 * (inspecting → sellable_accessible).
 */
export function quarantineEvent(p: EventWhen & { lot: LotRef; released?: boolean }): ObjectEvent {
  return {
    ...base(p),
    type: "ObjectEvent",
    action: "OBSERVE",
    quantityList: whatOf({ lot: p.lot }).quantityList,
    bizStep: p.released ? "inspecting" : "holding",
    disposition: p.released ? "sellable_accessible" : "non_sellable_other",
    ...where(p),
  };
}

/** Packing items into a pallet (AggregationEvent ADD, the SSCC as parentID). */
export function packingEvent(p: EventWhen & { sscc: string | bigint; items: ItemRef[] }): AggregationEvent {
  if (p.items.length === 0) throw new EpcisError("packing needs at least one item");
  return {
    ...base(p),
    type: "AggregationEvent",
    parentID: ssccUri(p.sscc),
    childEPCs: p.items.map(itemUri),
    action: "ADD",
    bizStep: "packing",
    disposition: "container_closed",
    ...where(p),
  };
}

/** Unpacking items from a pallet (AggregationEvent DELETE). */
export function unpackingEvent(p: EventWhen & { sscc: string | bigint; items: ItemRef[] }): AggregationEvent {
  if (p.items.length === 0) throw new EpcisError("unpacking needs at least one item");
  return {
    ...base(p),
    type: "AggregationEvent",
    parentID: ssccUri(p.sscc),
    childEPCs: p.items.map(itemUri),
    action: "DELETE",
    bizStep: "unpacking",
    disposition: "in_progress",
    ...where(p),
  };
}

/** Input lots becoming an output lot (TransformationEvent, commissioning; ILMD of the output lot). */
export function transformationEvent(
  p: EventWhen & { inputs: LotRef[]; output: LotRef & { expiry?: string } },
): TransformationEvent {
  if (p.inputs.length === 0) throw new EpcisError("a transformation needs at least one input lot");
  return {
    ...base(p),
    type: "TransformationEvent",
    inputQuantityList: p.inputs.map((l) => ({ epcClass: lotUri(l), quantity: l.quantity ?? 1 })),
    outputQuantityList: [{ epcClass: lotUri(p.output), quantity: p.output.quantity ?? 1 }],
    bizStep: "commissioning",
    disposition: "active",
    ...where(p),
    ilmd: lotIlmd(p.output.lot, p.output.expiry),
  };
}

/** One temperature reading of a logger: unix seconds and hundredths of a degree Celsius. */
export interface TemperatureReading {
  time: number;
  centiCelsius: number;
}

/**
 * A logger's readings as one EPCIS 2.0 sensor element: metadata (device, start and end) and one Temperature report
 * per reading in degrees Celsius (uom CEL), each with its time.
 */
export function temperatureSensorElement(readings: TemperatureReading[], deviceID?: string): SensorElement {
  if (readings.length === 0) throw new EpcisError("a sensor element needs at least one reading");
  const times = readings.map((r) => r.time);
  return {
    sensorMetadata: {
      ...(deviceID !== undefined ? { deviceID } : {}),
      startTime: isoTime(Math.min(...times)),
      endTime: isoTime(Math.max(...times)),
    },
    sensorReport: readings.map((r) => ({
      type: "Temperature",
      time: isoTime(r.time),
      value: r.centiCelsius / 100,
      uom: "CEL",
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Schema validation
// ---------------------------------------------------------------------------------------------------------------

let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  return validator;
}

/** The schema errors of a document (empty when it is a valid EPCIS 2.0 event or document). */
export function schemaErrors(doc: unknown): string[] {
  const validate = compiled();
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
}

/** Throws an `EpcisError` listing every violation unless `doc` validates against the EPCIS 2.0 JSON schema. */
export function validateEpcis<T>(doc: T): T {
  const errors = schemaErrors(doc);
  if (errors.length > 0) throw new EpcisError(`not a valid EPCIS 2.0 event:\n  ${[...new Set(errors)].join("\n  ")}`);
  return doc;
}

// ---------------------------------------------------------------------------------------------------------------
// The EPCIS event hash (CBV 2.0 §8.9)
// ---------------------------------------------------------------------------------------------------------------

/** Prefixes of the EPCIS 2.0 context that events use in compact IRIs (CURIEs), CBV 2.0 §8.9 rule 15. */
const STANDARD_PREFIXES: Record<string, string> = {
  epcis: "https://ref.gs1.org/epcis/",
  cbv: "https://ref.gs1.org/cbv/",
  cbvmda: "urn:epcglobal:cbv:mda:",
  gs1: "https://ref.gs1.org/voc/",
};

const CBV_URN: [string, string][] = [
  ["urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"],
  ["urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"],
  ["urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"],
  ["urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"],
  ["urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"],
];

/** Where a bare-string standard vocabulary value of a field expands to (rule 16). */
type Vocab = "BizStep" | "Disp" | "BTT" | "SDT" | "Comp" | "voc";

/** Fields that never enter the pre-hash string. */
const IGNORED = new Set(["@context", "type", "isA", "recordTime", "eventID", "errorDeclaration", "certificationInfo"]);
const IGNORED_ANYWHERE = new Set(["comment", "rdfs:comment"]);

/** The GS1 keys (AIs) a constrained canonical Digital Link keeps, with the qualifiers each may keep (rule 18). */
const DL_KEYS: Record<string, string[][]> = {
  "00": [[]],
  "01": [["21"], ["10"], ["235"], []],
  "253": [[]],
  "255": [[]],
  "401": [[]],
  "402": [[]],
  "414": [["254"], []],
  "417": [[]],
  "8003": [[]],
  "8004": [[]],
  "8006": [["21"], ["10"], []],
  "8010": [["8011"], []],
  "8017": [[]],
  "8018": [[]],
};

/** A GS1 Digital Link URI (any domain) reduced to `https://id.gs1.org/<key>/<value>[/<qualifier>/<value>]`. */
function constrainDigitalLink(uri: string): string | undefined {
  if (!/^https?:\/\//i.test(uri)) return undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  const parts = url.pathname.split("/").filter((p) => p.length > 0);
  for (let i = 0; i < parts.length - 1; i++) {
    const options = DL_KEYS[parts[i]];
    if (!options) continue;
    let key = parts[i + 1];
    if (parts[i] === "01" && /^\d{8}$|^\d{12,14}$/.test(key)) key = key.padStart(14, "0");
    const pairs = new Map<string, string>();
    for (let j = i + 2; j + 1 < parts.length; j += 2) pairs.set(parts[j], parts[j + 1]);
    for (const quals of options) {
      if (quals.every((q) => pairs.has(q))) {
        return `${GS1_RESOLVER}/${parts[i]}/${key}${quals.map((q) => `/${q}/${pairs.get(q)}`).join("")}`;
      }
    }
  }
  return undefined;
}

/**
 * An EPC or EPC class (EPC URN, or a Digital Link on any domain) as the constrained canonical Digital Link the hash
 * uses (rules 17-18); any other identifier trimmed. The EPCIS REST interface indexes and matches EPCs in this form.
 */
export function canonicalEpc(uri: string): string {
  const v = uri.trim();
  return epcUrnToDigitalLink(v) ?? constrainDigitalLink(v) ?? v;
}

/** An EPC pure-identity or class URN (`urn:epc:id:…`, `urn:epc:class:…`, `urn:epc:idpat:…`) as a canonical DL. */
function epcUrnToDigitalLink(urn: string): string | undefined {
  const m = /^urn:epc:(id|class|idpat):([a-z]+):(.+)$/.exec(urn);
  if (!m) return undefined;
  const [, kind, scheme, rest] = m;
  const f = rest.split(".").map((x) => decodeURIComponent(x));
  const withCheck = (body: string) => body + checkDigit(body);
  const gtinOf = (cp: string, ir: string) => withCheck(ir[0] + cp + ir.slice(1));
  if (kind === "id" && scheme === "sgtin" && f.length === 3)
    return `${GS1_RESOLVER}/01/${gtinOf(f[0], f[1])}/21/${f[2]}`;
  if (kind === "class" && scheme === "lgtin" && f.length === 3)
    return `${GS1_RESOLVER}/01/${gtinOf(f[0], f[1])}/10/${f[2]}`;
  if (kind === "idpat" && scheme === "sgtin" && f.length === 3 && f[2] === "*")
    return `${GS1_RESOLVER}/01/${gtinOf(f[0], f[1])}`;
  if (kind === "id" && scheme === "sscc" && f.length === 2)
    return `${GS1_RESOLVER}/00/${withCheck(f[1][0] + f[0] + f[1].slice(1))}`;
  if (kind === "id" && scheme === "sgln" && f.length === 3) {
    const gln = withCheck(f[0] + f[1]);
    return `${GS1_RESOLVER}/414/${gln}${f[2] === "0" ? "" : `/254/${f[2]}`}`;
  }
  if (kind === "id" && scheme === "pgln" && f.length === 2) return `${GS1_RESOLVER}/417/${withCheck(f[0] + f[1])}`;
  if (kind === "id" && scheme === "giai" && f.length === 2) return `${GS1_RESOLVER}/8004/${f[0]}${f[1]}`;
  if (kind === "id" && scheme === "gsrn" && f.length === 2) return `${GS1_RESOLVER}/8018/${withCheck(f[0] + f[1])}`;
  if (kind === "id" && scheme === "gdti" && f.length === 3)
    return `${GS1_RESOLVER}/253/${withCheck(f[0] + f[1])}${f[2]}`;
  return undefined;
}

/** Rule 6/7: a decimal number without trailing zeros, a leading "+" or quotes. Non-numbers are unchanged. */
function canonicalNumber(text: string): string {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return text;
  const n = Number(text);
  return Number.isFinite(n) ? String(n) : text;
}

/**
 * Rules 8/9: UTC with a "Z" and exactly three decimals; a 4th decimal of 5-9 rounds the 3rd up. Values that are not
 * an xsd:dateTimeStamp are left as they are.
 */
export function canonicalTimestamp(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(text.trim());
  if (!m) return text.trim();
  const [, y, mo, d, h, mi, s, frac = "", zone] = m;
  let ms = Number((frac + "000").slice(0, 3));
  if (frac.length > 3 && Number(frac[3]) >= 5) ms += 1;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) + ms;
  if (zone !== "Z") {
    const sign = zone[0] === "+" ? 1 : -1;
    t -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return new Date(t).toISOString();
}

/** The namespace map of an event: the EPCIS context's prefixes plus the objects in its `@context`. */
function namespacesOf(event: JsonObject): Record<string, string> {
  const ns: Record<string, string> = { ...STANDARD_PREFIXES };
  const ctx = event["@context"];
  const list = Array.isArray(ctx) ? ctx : ctx !== undefined ? [ctx] : [];
  for (const c of list) {
    if (c && typeof c === "object" && !Array.isArray(c)) {
      for (const [k, v] of Object.entries(c)) if (typeof v === "string") ns[k] = v;
    }
  }
  return ns;
}

/** Strict UTF-8 code-unit order (rules 10-12). */
function utf8Sort(values: string[]): string[] {
  return values.sort((a, b) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));
}

class PreHash {
  constructor(private readonly ns: Record<string, string>) {}

  /** Rules 5, 14-18 (and 6/7 for numbers): one value in canonical form. */
  value(raw: Json, vocab?: Vocab): string {
    let text = typeof raw === "string" ? raw.trim() : String(raw);
    for (const [urn, web] of CBV_URN) if (text.startsWith(urn)) text = web + text.slice(urn.length);
    if (vocab && /^[A-Za-z0-9_]+$/.test(text)) {
      text = vocab === "voc" ? `https://ref.gs1.org/voc/${text}` : `https://ref.gs1.org/cbv/${vocab}-${text}`;
    }
    const curie = /^([A-Za-z][\w.-]*):(.+)$/.exec(text);
    if (curie && this.ns[curie[1]] !== undefined && !curie[2].startsWith("//")) text = this.ns[curie[1]] + curie[2];
    text = canonicalNumber(text);
    return epcUrnToDigitalLink(text) ?? constrainDigitalLink(text) ?? text;
  }

  /** `key=value` (rule 3), a timestamp in canonical form when the key names a time (rules 8/9). */
  field(key: string, raw: Json | undefined, vocab?: Vocab): string {
    if (raw === undefined || raw === null) return "";
    const isTime = /time/i.test(key) && !/offset/i.test(key);
    const v = isTime && typeof raw === "string" ? canonicalTimestamp(raw) : this.value(raw, vocab);
    return v === "" ? "" : `${key}=${v}`;
  }

  /** A user extension or ILMD key as `{namespace}localName` (rules 19-21). */
  extKey(key: string): string {
    const curie = /^([A-Za-z][\w.-]*):(.+)$/.exec(key);
    if (curie && this.ns[curie[1]] !== undefined) return `{${this.ns[curie[1]]}}${curie[2]}`;
    const iri = /^(.*[/#])([^/#]+)$/.exec(key);
    if (iri && /^[a-z][\w+.-]*:/i.test(key)) return `{${iri[1]}}${iri[2]}`;
    return key;
  }

  /** Extension elements: `{ns}name=value`, nested objects as `{ns}name` + their children, sorted per level. */
  extensions(entries: [string, Json][]): string[] {
    const out: string[] = [];
    for (const [key, val] of entries) {
      if (IGNORED_ANYWHERE.has(key)) continue;
      const k = this.extKey(key);
      const items = Array.isArray(val) ? val : [val];
      for (const item of items) {
        if (item !== null && typeof item === "object" && !Array.isArray(item)) {
          out.push(k + this.extensions(Object.entries(item)).join(""));
        } else if (item !== null) {
          const v = this.value(item);
          out.push(v === "" ? k : `${k}=${v}`);
        }
      }
    }
    return utf8Sort(out);
  }

  /** A list field: its name once, then its sorted children (rule 11); nothing when empty. */
  list(name: string, children: string[]): string {
    const c = children.filter((x) => x !== "");
    return c.length === 0 ? "" : name + utf8Sort(c).join("");
  }
}

const asObject = (v: Json | undefined): JsonObject =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? v : {};
const asArray = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

const META_ORDER = [
  "time",
  "startTime",
  "endTime",
  "deviceID",
  "deviceMetadata",
  "rawData",
  "dataProcessingMethod",
  "bizRules",
];
const REPORT_ORDER = [
  "type",
  "exception",
  "deviceID",
  "deviceMetadata",
  "rawData",
  "dataProcessingMethod",
  "time",
  "microorganism",
  "chemicalSubstance",
  "value",
  "component",
  "stringValue",
  "booleanValue",
  "hexBinaryValue",
  "uriValue",
  "minValue",
  "maxValue",
  "meanValue",
  "sDev",
  "percRank",
  "percValue",
  "uom",
  "coordinateReferenceSystem",
];
const REPORT_VOCAB: Record<string, Vocab> = { type: "voc", exception: "voc", component: "Comp" };
const QUANTITY_LISTS = ["quantityList", "childQuantityList", "inputQuantityList"];

/** Every top-level field the canonical property order names (rule 1); the rest are user extensions. */
const KNOWN = new Set([
  "eventTime",
  "eventTimeZoneOffset",
  "epcList",
  "parentID",
  "inputEPCList",
  "childEPCs",
  "quantityList",
  "childQuantityList",
  "inputQuantityList",
  "outputEPCList",
  "outputQuantityList",
  "action",
  "transformationID",
  "bizStep",
  "disposition",
  "persistentDisposition",
  "readPoint",
  "bizLocation",
  "bizTransactionList",
  "sourceList",
  "destinationList",
  "sensorElementList",
  "ilmd",
]);

/**
 * The canonical pre-hash string of an EPCIS 2.0 JSON/JSON-LD event (CBV 2.0 §8.9.1 rules 1-21, §8.9.2 canonical
 * property order). Extensions inside readPoint, bizLocation and sensor elements are appended after the ILMD with
 * the event's own extensions, each block behind its parent's name, as the CBV 2.0 profile of the reference
 * implementation does.
 */
export function epcisPreHash(event: EpcisEvent | JsonObject): string {
  const ev = event as JsonObject;
  const eventType = ev.type ?? ev.isA;
  if (typeof eventType !== "string" || eventType === "") throw new EpcisError("the event has no type");
  if (typeof ev.eventTime !== "string") throw new EpcisError("the event has no eventTime");
  const p = new PreHash(namespacesOf(ev));
  const s: string[] = [`eventType=${eventType}`];
  const epcs = (name: string) =>
    p.list(
      name,
      asArray(ev[name]).map((e) => p.field("epc", e)),
    );
  const quantities = (name: string) =>
    p.list(
      name,
      asArray(ev[name]).map((q) => {
        const o = asObject(q);
        return `quantityElement${p.field("epcClass", o.epcClass)}${p.field("quantity", o.quantity)}${p.field("uom", o.uom)}`;
      }),
    );
  const deferred: string[] = [];
  const extsOf = (o: JsonObject, known: string[]) =>
    p.extensions(Object.entries(o).filter(([k]) => !known.includes(k)));

  s.push(p.field("eventTime", ev.eventTime), p.field("eventTimeZoneOffset", ev.eventTimeZoneOffset));
  s.push(epcs("epcList"), p.field("parentID", ev.parentID), epcs("inputEPCList"), epcs("childEPCs"));
  for (const q of QUANTITY_LISTS) s.push(quantities(q));
  s.push(epcs("outputEPCList"), quantities("outputQuantityList"));
  s.push(p.field("action", ev.action), p.field("transformationID", ev.transformationID));
  s.push(p.field("bizStep", ev.bizStep, "BizStep"), p.field("disposition", ev.disposition, "Disp"));
  if (ev.persistentDisposition !== undefined) {
    const pd = asObject(ev.persistentDisposition);
    const set = utf8Sort(asArray(pd.set).map((d) => p.field("set", d, "Disp")));
    const unset = utf8Sort(asArray(pd.unset).map((d) => p.field("unset", d, "Disp")));
    if (set.length + unset.length > 0) s.push("persistentDisposition" + set.join("") + unset.join(""));
  }
  for (const name of ["readPoint", "bizLocation"]) {
    if (ev[name] === undefined) continue;
    const o = asObject(ev[name]);
    s.push(o.id !== undefined ? name + p.field("id", o.id) : "");
    const ext = extsOf(o, ["id"]);
    if (ext.length > 0) deferred.push(name + ext.join(""));
  }
  s.push(
    p.list(
      "bizTransactionList",
      asArray(ev.bizTransactionList).map((b) => {
        const o = asObject(b);
        return p.field("type", o.type, "BTT") + p.field("bizTransaction", o.bizTransaction);
      }),
    ),
  );
  for (const [list, key] of [
    ["sourceList", "source"],
    ["destinationList", "destination"],
  ]) {
    s.push(
      p.list(
        list,
        asArray(ev[list]).map((x) => {
          const o = asObject(x);
          return p.field("type", o.type, "SDT") + p.field(key, o[key]);
        }),
      ),
    );
  }
  const elements: string[] = [];
  for (const e of asArray(ev.sensorElementList)) {
    const el = asObject(e);
    const meta = asObject(el.sensorMetadata);
    const metaText = META_ORDER.map((k) => p.field(k, meta[k])).join("");
    const reports = asArray(el.sensorReport).map(asObject);
    const reportTexts = reports.map(
      (r) => "sensorReport" + REPORT_ORDER.map((k) => p.field(k, r[k], REPORT_VOCAB[k])).join(""),
    );
    elements.push("sensorElement" + (metaText ? "sensorMetadata" + metaText : "") + utf8Sort(reportTexts).join(""));
    const metaExt = extsOf(meta, META_ORDER);
    const reportExt = reports.map((r) => extsOf(r, REPORT_ORDER)).filter((x) => x.length > 0);
    const elExt = extsOf(el, ["sensorMetadata", "sensorReport"]);
    if (metaExt.length + reportExt.length + elExt.length > 0) {
      deferred.push(
        "sensorElement" +
          (metaExt.length > 0 ? "sensorMetadata" + metaExt.join("") : "") +
          reportExt.map((x) => "sensorReport" + x.join("")).join("") +
          elExt.join(""),
      );
    }
  }
  s.push(utf8Sort(elements).join(""));
  if (ev.ilmd !== undefined) {
    const ilmd = p.extensions(Object.entries(asObject(ev.ilmd)));
    if (ilmd.length > 0) s.push("ilmd" + ilmd.join(""));
  }
  const topExt = p.extensions(Object.entries(ev).filter(([k]) => !KNOWN.has(k) && !IGNORED.has(k)));
  s.push(utf8Sort([...deferred, ...topExt]).join(""));
  return s.join("");
}

/** The SHA-256 digest (hex, lowercase) of the pre-hash string. */
function digestHex(preHash: string): string {
  // ethers' SHA-256 (not node:crypto): the web app recomputes event hashes in the browser
  return sha256(toUtf8Bytes(preHash)).slice(2);
}

/**
 * The EPCIS Event Hash ID of CBV 2.0 §8.9: `ni:///sha-256;<hex digest>?ver=CBV2.0` (RFC 6920 `ni` URI, rule 22).
 * Any partner implementing CBV 2.0 gets the same value for the same event, whatever its key order or serialisation.
 */
export function epcisEventHash(event: EpcisEvent | JsonObject): string {
  return `ni:///sha-256;${digestHex(epcisPreHash(event))}?ver=${EPCIS_HASH_VERSION}`;
}

const NI = /^ni:\/\/\/sha-256;([0-9a-f]{64})\?ver=CBV2\.0$/;

/** The bytes32 the contracts store as `epcisHash`: the SHA-256 digest of the event hash ID. */
export function epcisHashToBytes32(ni: string): string {
  const m = NI.exec(ni);
  if (!m) throw new EpcisError(`"${ni}" is not a CBV 2.0 sha-256 event hash ID`);
  return `0x${m[1]}`;
}

/** The event hash ID of an on-chain `epcisHash`. */
export function bytes32ToEpcisHash(bytes32: string): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(bytes32)) throw new EpcisError(`"${bytes32}" is not a bytes32`);
  return `ni:///sha-256;${bytes32.slice(2).toLowerCase()}?ver=${EPCIS_HASH_VERSION}`;
}

/** What goes on chain for an event: validated against the schema first, then hashed. */
export interface Anchor {
  /** `ni:///sha-256;…?ver=CBV2.0`. */
  hashId: string;
  /** The same digest as the contracts' bytes32 `epcisHash`. */
  epcisHash: string;
}

/** Validates `event` against the EPCIS 2.0 schema and returns its event hash ID and the bytes32 to anchor. */
export function anchorOf(event: EpcisEvent | JsonObject): Anchor {
  validateEpcis(event);
  const hashId = epcisEventHash(event);
  return { hashId, epcisHash: epcisHashToBytes32(hashId) };
}

/** The bare CBV business step of an event (`shipping` for "shipping" or its web URI / URN forms). */
export function bareBizStep(event: EpcisEvent | JsonObject): string | undefined {
  const step = (event as JsonObject).bizStep;
  if (typeof step !== "string") return undefined;
  const m = /(?:BizStep-|bizstep:)([A-Za-z_]+)$/.exec(step);
  return m ? m[1] : step;
}

/** The on-chain fields of a shipment (ISupplyChain.Shipment without receiver and new owner) that document `event`. */
export interface ShipmentFields {
  /** The CBV business step as bytes32 text (`shipping`). */
  bizStep: string;
  /** keccak256 of the read point id (a GLN-based Digital Link). */
  location: string;
  /** The event's EPCIS hash digest. */
  epcisHash: string;
  /** keccak256 of the first business transaction id, or zero when the event names none. */
  bizTransaction: string;
}

/** `keccak256` of an event's read point id: how a location is committed on chain. */
export function locationHashOf(event: EpcisEvent | JsonObject): string {
  const rp = (event as JsonObject).readPoint;
  const id = rp !== null && typeof rp === "object" && !Array.isArray(rp) ? rp.id : undefined;
  if (typeof id !== "string") throw new EpcisError("the event has no readPoint id");
  return keccak256(toUtf8Bytes(id));
}

/** The shipment fields to send with `shipItem`/`shipPallet` for a schema-valid shipping event. */
export function shipmentFieldsOf(event: EpcisEvent): ShipmentFields {
  const { epcisHash } = anchorOf(event);
  const step = bareBizStep(event);
  if (step === undefined) throw new EpcisError("a shipment event needs a bizStep");
  const tx = event.bizTransactionList?.[0]?.bizTransaction;
  return {
    bizStep: encodeBytes32String(step),
    location: locationHashOf(event),
    epcisHash,
    bizTransaction: tx === undefined ? ZeroHash : keccak256(toUtf8Bytes(tx)),
  };
}

/** The `location` and `epcisHash` to send with `receiveItem`/`receivePallet` for a schema-valid receiving event. */
export function receiptFieldsOf(event: EpcisEvent): { location: string; epcisHash: string } {
  return { location: locationHashOf(event), epcisHash: anchorOf(event).epcisHash };
}

/** 2026-03-02T08:00:00Z: the business time of the demo's, the app's and the bench's first custody event. */
export const DEMO_EPOCH = 1_772_438_400;

/** One custody hop between member organisations (named by org id; their sites and parties are `demoGln(orgId)`). */
export interface CustodyHop {
  what: What;
  /** The sender (possessor before the hop). */
  from: number;
  /** The named receiver (possessor after the hop). */
  to: number;
  /** The owner before the hop. */
  owner: number;
  /** The owner after the hop; 0 or absent keeps `owner`. */
  newOwner?: number;
  /** When the goods leave; they are received `transitSeconds` later (default one hour). */
  time: Date | string | number;
  transitSeconds?: number;
  tzOffset?: string;
  /** A business transaction id (a purchase order URI). */
  purchaseOrder?: string;
  sellable?: boolean;
  sensorElements?: SensorElement[];
}

/**
 * The shipping and receiving events of a hop and the fields that anchor them on chain: `shipment` for
 * `shipItem`/`shipPallet` (with receiver and new owner added by the caller), `receipt` for `receiveItem`/
 * `receivePallet`.
 */
export function custodyHop(h: CustodyHop): {
  shipping: ObjectEvent;
  receiving: ObjectEvent;
  shipment: ShipmentFields;
  receipt: { location: string; epcisHash: string };
} {
  const owner = demoGln(h.owner);
  const newOwner = h.newOwner ? demoGln(h.newOwner) : owner;
  const from = { owner, possessor: demoGln(h.from) };
  const to = { owner: newOwner, possessor: demoGln(h.to) };
  const bizTransactions: BizTx[] = h.purchaseOrder ? [{ type: "po", id: h.purchaseOrder }] : [];
  const start = new Date(isoTime(h.time)).getTime() / 1000;
  const shipping = shippingEvent({
    time: start,
    tzOffset: h.tzOffset,
    readPoint: demoGln(h.from),
    what: h.what,
    from,
    to,
    bizTransactions,
    sensorElements: h.sensorElements,
  });
  const receiving = receivingEvent({
    time: start + (h.transitSeconds ?? 3600),
    tzOffset: h.tzOffset,
    readPoint: demoGln(h.to),
    bizLocation: demoGln(h.to),
    what: h.what,
    sellable: h.sellable ?? true,
    from,
    to,
    bizTransactions,
  });
  return { shipping, receiving, shipment: shipmentFieldsOf(shipping), receipt: receiptFieldsOf(receiving) };
}

/** The GTIN-14 of an item URI built by `itemUri` (for callers that only hold the URI). */
export function gtinOfUri(uri: string): string {
  const m = /\/01\/(\d{14})/.exec(uri);
  if (!m) throw new EpcisError(`"${uri}" names no GTIN`);
  return normaliseGtin(m[1]);
}
