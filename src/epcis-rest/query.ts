/**
 * The pure part of the EPCIS 2.0 REST query interface: query parameters (`EQ_bizStep`, `MATCH_anyEPC`,
 * `GE_eventTime`, …) parsed into one typed query, CBV values in their web-URI form, the EPCs an event names (what
 * `MATCH_epc`/`MATCH_anyEPC` match), and opaque, HMAC-signed page tokens.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { type JsonObject, canonicalEpc } from "../epcis";
import { EpcisProblem } from "./problem";

/** `perPage` when the caller names none, and the most it may ask for. */
export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 500;

export const EVENT_TYPES = [
  "ObjectEvent",
  "AggregationEvent",
  "TransactionEvent",
  "TransformationEvent",
  "AssociationEvent",
] as const;
export type EventTypeName = (typeof EVENT_TYPES)[number];

/** One parsed query of `GET /events` (every list is an OR, the fields an AND). */
export interface EventQuery {
  eventType?: EventTypeName[];
  bizStep?: string[];
  disposition?: string[];
  bizLocation?: string[];
  readPoint?: string[];
  /** `MATCH_epc`: the event's `epcList` or `childEPCs`. */
  epc?: string[];
  /** `MATCH_anyEPC`: any EPC or EPC class the event names (also parentID, input/output lists, quantity classes). */
  anyEpc?: string[];
  /** Inclusive lower and exclusive upper bound of eventTime (ISO 8601, UTC). */
  geEventTime?: string;
  ltEventTime?: string;
  perPage: number;
  nextPageToken?: string;
}

/** The query parameters `GET /events` accepts; any other is a QueryParameterException. */
export const QUERY_PARAMETERS = [
  "eventType",
  "EQ_bizStep",
  "EQ_disposition",
  "EQ_bizLocation",
  "EQ_readPoint",
  "MATCH_epc",
  "MATCH_anyEPC",
  "GE_eventTime",
  "LT_eventTime",
  "perPage",
  "nextPageToken",
] as const;

const CBV = "https://ref.gs1.org/cbv/";

/**
 * A CBV business step or disposition in its web-URI form: `shipping`, `urn:epcglobal:cbv:bizstep:shipping` and
 * `https://ref.gs1.org/cbv/BizStep-shipping` are the same value. Other URIs (a private vocabulary) stay as given.
 */
export function cbvUri(kind: "BizStep" | "Disp", value: string): string {
  const v = value.trim();
  if (/^[a-z][a-z_]*$/.test(v)) return `${CBV}${kind}-${v}`;
  const urn = /^urn:epcglobal:cbv:(bizstep|disp):([a-z_]+)$/.exec(v);
  if (urn) return `${CBV}${kind}-${urn[2]}`;
  return v;
}

/** The bare CBV name of a web URI (`https://ref.gs1.org/cbv/BizStep-shipping` → `shipping`), or the value itself. */
export function bareCbv(uri: string): string {
  const m = /^https:\/\/ref\.gs1\.org\/cbv\/(?:BizStep|Disp)-([a-z_]+)$/.exec(uri);
  return m ? m[1] : uri;
}

function list(params: URLSearchParams, name: string): string[] | undefined {
  const all = params.getAll(name);
  if (all.length === 0) return undefined;
  const values = all
    .flatMap((v) => v.split("|"))
    .map((v) => v.trim())
    .filter((v) => v !== "");
  if (values.length === 0) throw new EpcisProblem("QueryParameterException", `${name} names no value`);
  return values;
}

function timestamp(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  if (all.length === 0) return undefined;
  if (all.length > 1) throw new EpcisProblem("QueryParameterException", `${name} is given more than once`);
  const v = all[0];
  // ISO 8601 with a time zone: a bare date or a local time is ambiguous.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) || Number.isNaN(Date.parse(v)))
    throw new EpcisProblem("QueryParameterException", `${name} must be an ISO 8601 time with a zone, got "${v}"`);
  return new Date(v).toISOString();
}

/** Parses the query string of `GET /events` (or `/epcs/{epc}/events`, which adds its EPC as `MATCH_anyEPC`). */
export function parseEventQuery(params: URLSearchParams): EventQuery {
  for (const name of new Set(params.keys()))
    if (!(QUERY_PARAMETERS as readonly string[]).includes(name))
      throw new EpcisProblem(
        "QueryParameterException",
        `unknown query parameter "${name}" (this interface answers ${QUERY_PARAMETERS.join(", ")})`,
      );
  const eventType = list(params, "eventType");
  for (const t of eventType ?? [])
    if (!(EVENT_TYPES as readonly string[]).includes(t))
      throw new EpcisProblem("QueryParameterException", `eventType "${t}" is not an EPCIS 2.0 event type`);
  const perPageText = params.get("perPage");
  let perPage = DEFAULT_PER_PAGE;
  if (perPageText !== null) {
    if (!/^[0-9]{1,6}$/.test(perPageText) || Number(perPageText) < 1)
      throw new EpcisProblem("QueryParameterException", `perPage must be a whole number from 1, got "${perPageText}"`);
    perPage = Math.min(Number(perPageText), MAX_PER_PAGE);
  }
  const q: EventQuery = {
    eventType: eventType as EventTypeName[] | undefined,
    bizStep: list(params, "EQ_bizStep")?.map((v) => cbvUri("BizStep", v)),
    disposition: list(params, "EQ_disposition")?.map((v) => cbvUri("Disp", v)),
    bizLocation: list(params, "EQ_bizLocation")?.map(canonicalEpc),
    readPoint: list(params, "EQ_readPoint")?.map(canonicalEpc),
    epc: list(params, "MATCH_epc")?.map(canonicalEpc),
    anyEpc: list(params, "MATCH_anyEPC")?.map(canonicalEpc),
    geEventTime: timestamp(params, "GE_eventTime"),
    ltEventTime: timestamp(params, "LT_eventTime"),
    perPage,
    nextPageToken: params.get("nextPageToken") ?? undefined,
  };
  return q;
}

/** What a page token binds: the query's filters (not perPage) and who asked. */
export function queryFingerprint(q: EventQuery, principal: string): string {
  const { perPage: _p, nextPageToken: _t, ...filters } = q;
  const sorted = Object.fromEntries(
    Object.entries(filters)
      .filter(([, v]) => v !== undefined)
      .sort(),
  );
  return createHash("sha256")
    .update(JSON.stringify({ filters: sorted, principal }))
    .digest("base64url")
    .slice(0, 22);
}

/** A page token: the last record read, the query it belongs to, signed with the server's key. */
export function signPageToken(key: Buffer, after: string, fingerprint: string): string {
  const payload = Buffer.from(JSON.stringify({ a: after, q: fingerprint })).toString("base64url");
  const mac = createHmac("sha256", key).update(payload).digest("base64url");
  return `${payload}.${mac}`;
}

/** The record a page token continues after; a QueryParameterException when it is forged, altered or not this query's. */
export function readPageToken(key: Buffer, token: string, fingerprint: string): string {
  const bad = () => new EpcisProblem("QueryParameterException", "nextPageToken is not a token this query issued");
  const [payload, mac, extra] = token.split(".");
  if (!payload || !mac || extra !== undefined) throw bad();
  const expected = createHmac("sha256", key).update(payload).digest();
  const given = Buffer.from(mac, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw bad();
  let body: { a?: unknown; q?: unknown };
  try {
    body = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as typeof body;
  } catch {
    throw bad();
  }
  if (body.q !== fingerprint || typeof body.a !== "string" || !/^[0-9]{1,18}$/.test(body.a)) throw bad();
  return body.a;
}

/** How an EPC appears in an event: `MATCH_epc` matches "epc" and "child", `MATCH_anyEPC` every kind. */
export type EpcRole = "epc" | "child" | "parent" | "input" | "output" | "class";

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const classes = (v: unknown): string[] =>
  Array.isArray(v)
    ? v
        .map((q) => (q && typeof q === "object" ? (q as { epcClass?: unknown }).epcClass : undefined))
        .filter((x): x is string => typeof x === "string")
    : [];

/** Every EPC and EPC class an event names, canonical, with its role. */
export function epcsOf(event: JsonObject): { epc: string; role: EpcRole }[] {
  const out: { epc: string; role: EpcRole }[] = [];
  const add = (role: EpcRole, values: string[]) => values.forEach((v) => out.push({ epc: canonicalEpc(v), role }));
  add("epc", strings(event.epcList));
  add("child", strings(event.childEPCs));
  if (typeof event.parentID === "string") add("parent", [event.parentID]);
  add("input", strings(event.inputEPCList));
  add("output", strings(event.outputEPCList));
  for (const k of ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"])
    add("class", classes(event[k]));
  const seen = new Set<string>();
  return out.filter((x) => (seen.has(`${x.role} ${x.epc}`) ? false : (seen.add(`${x.role} ${x.epc}`), true)));
}

/** True for an EPC of one thing (a serialised item `01/…/21/…` or a pallet `00/…`), not a class. */
export function isInstanceEpc(epc: string): boolean {
  return /^https:\/\/id\.gs1\.org\/(01\/\d{14}\/21\/[^/]+|00\/\d{18})$/.test(canonicalEpc(epc));
}
