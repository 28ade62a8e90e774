/**
 * The EPCIS 2.0 REST interface (the standard's OpenAPI binding, JSON only) served by the indexer's guard under
 * `/epcis`: capture of anchored events, the event query with paging, the events of one EPC, and Sign-In with
 * Ethereum sessions. Every answer that is not a success is an RFC 7807 problem with an EPCIS exception type.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HistoryClient } from "../history/client";
import {
  EPCIS_CONTEXT,
  type JsonObject,
  canonicalEpc,
  epcisEventHash,
  epcisHashToBytes32,
  schemaErrors,
} from "../epcis";
import { type AnchorInfo, CustodyCache, anchorsOf, publicView, subjectsOfEpcs } from "./access";
import type { Principal, Sessions } from "./auth";
import { EpcisProblem, asProblem } from "./problem";
import {
  EVENT_TYPES,
  type EventQuery,
  cbvUri,
  epcsOf,
  isInstanceEpc,
  parseEventQuery,
  queryFingerprint,
  readPageToken,
  signPageToken,
} from "./query";
import type { CaptureJob, EpcisStore, StoredEventInput } from "./store";

/** The namespace of the fields citychain adds to returned events (declared in each answer's `@context`). */
export const CITYCHAIN_NS = "https://citychain.city/epcis/";
/** Capture limits: events per document and body size. */
export const MAX_CAPTURE_EVENTS = 500;
export const MAX_CAPTURE_BYTES = 2 * 1024 * 1024;
/** Rows read per step while a page fills (the authorisation rule filters after the query). */
const SCAN_BATCH = 200;
/** The most rows one page request reads before it answers with what it found and a token to go on. */
const SCAN_LIMIT = 5_000;

/** What `citychain:anchor` says on every returned event. */
export interface AnchorField {
  /** The event's CBV 2.0 hash as captured. */
  eventHash: string;
  /** The hash recomputed from the stored event equals the captured one. */
  hashMatches: boolean;
  anchors: AnchorInfo[];
}

export interface EpcisRestOptions {
  /** Opens the store; called once, on the first request that needs it (an indexer nobody asks costs nothing). */
  openStore: () => Promise<EpcisStore>;
  /** The indexer's history routes (read directly from Ponder, behind the guard). */
  history: HistoryClient;
  sessions: Sessions;
  /** The key page tokens are signed with (random per start: tokens do not outlive the server). */
  pageKey: Buffer;
  maxCaptureEvents?: number;
  maxCaptureBytes?: number;
}

type Headers = Record<string, string>;

function send(res: ServerResponse, status: number, body: unknown, headers: Headers, contentType = "application/json") {
  res.writeHead(status, {
    ...headers,
    "content-type": contentType,
    "gs1-epcis-version": "2.0.0",
    "gs1-cbv-version": "2.0.0",
  });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

async function readBody(req: IncomingMessage, max: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > max)
    throw new EpcisProblem("CaptureLimitExceededException", `the body has ${declared} bytes, at most ${max} are taken`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max)
      throw new EpcisProblem("CaptureLimitExceededException", `the body exceeds ${max} bytes, the capture limit`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new EpcisProblem("ValidationException", `the body is not JSON (${(err as Error).message})`);
  }
}

const idOf = (v: unknown): string | null =>
  v && typeof v === "object" && typeof (v as { id?: unknown }).id === "string"
    ? canonicalEpc((v as { id: string }).id)
    : null;

/** The EPCIS REST interface; `handle` answers one request whose path starts with `/epcis`. */
export class EpcisRest {
  private readonly maxEvents: number;
  private readonly maxBytes: number;
  private readonly jobs = new Set<Promise<void>>();
  private opened: Promise<EpcisStore> | undefined;

  constructor(private readonly o: EpcisRestOptions) {
    this.maxEvents = o.maxCaptureEvents ?? MAX_CAPTURE_EVENTS;
    this.maxBytes = o.maxCaptureBytes ?? MAX_CAPTURE_BYTES;
  }

  /** The store, opened on first use (a failed opening is retried by the next request). */
  private store(): Promise<EpcisStore> {
    this.opened ??= this.o.openStore().catch((err) => {
      this.opened = undefined;
      throw err;
    });
    return this.opened;
  }

  async handle(req: IncomingMessage, res: ServerResponse, headers: Headers): Promise<void> {
    const url = new URL(req.url ?? "/", "http://epcis.invalid");
    const route = url.pathname.replace(/\/+$/, "");
    try {
      if (req.method === "GET" && route === "/epcis/auth/nonce")
        return send(res, 200, { nonce: this.o.sessions.nonce() }, headers);
      if (req.method === "POST" && route === "/epcis/auth/session") {
        const body = parseJson(await readBody(req, 16_384)) as { message?: unknown; signature?: unknown } | null;
        const s = await this.o.sessions.signIn(body?.message, body?.signature);
        return send(res, 201, { ...s, tokenType: "Bearer" }, headers);
      }
      const principal = await this.o.sessions.principal(req.headers.authorization);
      if (req.method === "POST" && route === "/epcis/capture") return await this.capture(req, res, headers, principal);
      const job = /^\/epcis\/capture\/([0-9a-f-]{36})$/.exec(route);
      if (req.method === "GET" && job) return await this.jobStatus(job[1], res, headers, principal);
      if (req.method === "GET" && route === "/epcis/events") {
        if (principal.kind !== "member")
          throw new EpcisProblem("SecurityException", "querying events needs a session (sign in with Ethereum)");
        return await this.query(url, parseEventQuery(url.searchParams), "/epcis/events", res, headers, principal);
      }
      const epc = /^\/epcis\/epcs\/([^/]+)\/events$/.exec(route);
      if (req.method === "GET" && epc) return await this.eventsOfEpc(url, epc[1], res, headers, principal);
      throw new EpcisProblem("NoSuchResourceException", `no resource ${req.method} ${url.pathname}`);
    } catch (err) {
      const problem = asProblem(err);
      if (res.headersSent) return void res.destroy();
      // A partly read body is drained so that the answer reaches the client.
      req.resume();
      send(res, problem.status, problem.body(url.pathname), headers, "application/problem+json");
    }
  }

  private async capture(req: IncomingMessage, res: ServerResponse, headers: Headers, who: Principal): Promise<void> {
    if (who.kind !== "member") throw new EpcisProblem("SecurityException", "capture needs a session");
    if (!who.canCapture)
      throw new EpcisProblem(
        "SecurityException",
        `organisation ${who.org} holds no role that captures (MANUFACTURER, DISTRIBUTOR, CARRIER, HOSPITAL)`,
        403,
      );
    const behaviourHeader = String(req.headers["gs1-capture-error-behaviour"] ?? "rollback");
    if (behaviourHeader !== "rollback" && behaviourHeader !== "proceed")
      throw new EpcisProblem("ValidationException", `GS1-Capture-Error-Behaviour must be rollback or proceed`);
    const doc = parseJson(await readBody(req, this.maxBytes));
    const errors = schemaErrors(doc);
    if (errors.length > 0) throw new EpcisProblem("ValidationException", errors.join("; "));
    const d = doc as JsonObject;
    let events: JsonObject[];
    if (d.type === "EPCISDocument") {
      const body = d.epcisBody as { eventList?: JsonObject[] } | undefined;
      const context = d["@context"];
      events = (body?.eventList ?? []).map((e) => ({ ...(context ? { "@context": context } : {}), ...e }));
    } else if ((EVENT_TYPES as readonly unknown[]).includes(d.type)) events = [d];
    else throw new EpcisProblem("ValidationException", "capture takes an EPCISDocument or one EPCIS event");
    if (events.length === 0) throw new EpcisProblem("ValidationException", "the document has no events");
    if (events.length > this.maxEvents)
      throw new EpcisProblem(
        "CaptureLimitExceededException",
        `the document has ${events.length} events, at most ${this.maxEvents} are taken per capture`,
      );
    const job: CaptureJob = {
      captureID: randomUUID(),
      createdAt: new Date().toISOString(),
      running: true,
      success: false,
      captureErrorBehaviour: behaviourHeader,
      errors: [],
      eventCount: events.length,
      storedCount: 0,
    };
    await (await this.store()).createJob(job, who.org, who.account);
    const run = this.runCapture(job, events, who).finally(() => this.jobs.delete(run));
    this.jobs.add(run);
    send(res, 202, { captureID: job.captureID }, { ...headers, location: `/epcis/capture/${job.captureID}` });
  }

  /** Checks every event against the chain, then stores them (all or, with `proceed`, the anchored ones). */
  private async runCapture(job: CaptureJob, events: JsonObject[], who: Principal & { kind: "member" }) {
    const accepted: StoredEventInput[] = [];
    const errors: CaptureJob["errors"] = [];
    try {
      for (const [i, event] of events.entries()) {
        let hash: string | undefined;
        try {
          hash = epcisEventHash(event);
          const { anchors, subjects } = await anchorsOf(this.o.history, epcisHashToBytes32(hash));
          if (anchors.length === 0)
            throw new EpcisProblem("ValidationException", "the event hash is not anchored on chain");
          if (!anchors.some((a) => a.org === who.org))
            throw new EpcisProblem(
              "SecurityException",
              `the event is anchored by organisation ${[...new Set(anchors.map((a) => a.org))].join(", ")}, ` +
                `not by ${who.org}`,
              403,
            );
          const epcs = epcsOf(event);
          accepted.push({
            hash,
            eventType: String(event.type),
            eventTime: new Date(String(event.eventTime)).toISOString(),
            bizStep: typeof event.bizStep === "string" ? cbvUri("BizStep", event.bizStep) : null,
            disposition: typeof event.disposition === "string" ? cbvUri("Disp", event.disposition) : null,
            bizLocation: idOf(event.bizLocation),
            readPoint: idOf(event.readPoint),
            captureId: job.captureID,
            org: who.org,
            account: who.account,
            event,
            epcs,
            subjects: [...new Set([...subjects, ...subjectsOfEpcs(epcs.map((e) => e.epc))])],
          });
        } catch (err) {
          const p = asProblem(err);
          errors.push({ eventIndex: i, eventHash: hash, exception: p.body().type, detail: p.message });
        }
      }
      const kept = errors.length > 0 && job.captureErrorBehaviour === "rollback" ? [] : accepted;
      await (await this.store()).finishJob(job.captureID, kept, errors);
    } catch (err) {
      // The job fails whole (nothing stored) and says why.
      const p = asProblem(err);
      const failure = { eventIndex: -1, exception: p.body().type, detail: p.message };
      await this.store()
        .then((store) => store.finishJob(job.captureID, [], [...errors, failure]))
        .catch(() => undefined);
    }
  }

  private async jobStatus(id: string, res: ServerResponse, headers: Headers, who: Principal): Promise<void> {
    if (who.kind !== "member") throw new EpcisProblem("SecurityException", "capture jobs need a session");
    const job = await (await this.store()).job(id);
    if (!job || (job.org !== who.org && !who.regulator))
      throw new EpcisProblem("NoSuchResourceException", `no capture job ${id} of organisation ${who.org}`);
    const { org: _org, ...body } = job;
    send(res, 200, body, headers);
  }

  private async eventsOfEpc(url: URL, raw: string, res: ServerResponse, headers: Headers, who: Principal) {
    let epc: string;
    try {
      epc = canonicalEpc(decodeURIComponent(raw));
    } catch {
      throw new EpcisProblem("QueryParameterException", "the EPC is not URL-encoded correctly");
    }
    if (who.kind === "public" && !isInstanceEpc(epc))
      throw new EpcisProblem(
        "SecurityException",
        "without a session only the events of one item or pallet (an instance EPC) can be read",
      );
    const params = new URLSearchParams(url.searchParams);
    if (params.has("MATCH_anyEPC"))
      throw new EpcisProblem("QueryParameterException", "the path names the EPC: MATCH_anyEPC is not taken here");
    params.set("MATCH_anyEPC", epc);
    const q = parseEventQuery(params);
    return this.query(url, q, `/epcis/epcs/${raw}/events`, res, headers, who, epc);
  }

  private async query(
    url: URL,
    q: EventQuery,
    path: string,
    res: ServerResponse,
    headers: Headers,
    who: Principal,
    publicEpc?: string,
  ): Promise<void> {
    const principal = who.kind === "member" ? `org:${who.org}` : "public";
    const fingerprint = queryFingerprint(q, principal);
    let after = q.nextPageToken ? readPageToken(this.o.pageKey, q.nextPageToken, fingerprint) : "0";
    const custody = new CustodyCache(this.o.history);
    const visible = async (row: { org: number; subjects: string[] }) =>
      who.kind === "public" || who.regulator || row.org === who.org || (await custody.linked(who.org, row.subjects));
    const page: { event: JsonObject; hash: string }[] = [];
    let scanned = 0;
    let more = false;
    while (page.length < q.perPage && scanned < SCAN_LIMIT) {
      const rows = await (await this.store()).scan(q, after, SCAN_BATCH);
      if (rows.length === 0) break;
      for (const row of rows) {
        scanned++;
        after = row.seq;
        if (await visible(row)) page.push({ event: row.event, hash: row.hash });
        if (page.length === q.perPage) break;
      }
      if (rows.length < SCAN_BATCH && page.length < q.perPage) break;
    }
    if (page.length === q.perPage || scanned >= SCAN_LIMIT)
      more = (await (await this.store()).scan(q, after, 1)).length > 0;
    const contexts = new Map<string, unknown>();
    const eventList: JsonObject[] = [];
    for (const { event, hash } of page) {
      const { "@context": context, ...rest } = event;
      for (const c of Array.isArray(context) ? context : context ? [context] : [])
        if (c !== EPCIS_CONTEXT) contexts.set(JSON.stringify(c), c);
      const recomputed = epcisEventHash(event);
      const { anchors } = await anchorsOf(this.o.history, epcisHashToBytes32(hash));
      const anchor: AnchorField = { eventHash: hash, hashMatches: recomputed === hash, anchors };
      const full = { ...rest, "citychain:anchor": anchor as unknown as JsonObject };
      eventList.push(publicEpc && who.kind === "public" ? publicView(full, publicEpc) : full);
    }
    const responseHeaders: Headers = { ...headers };
    if (more) {
      const next = new URLSearchParams(url.searchParams);
      next.set("nextPageToken", signPageToken(this.o.pageKey, after, fingerprint));
      responseHeaders.link = `<${path}?${next.toString()}>; rel="next"`;
    }
    const doc = {
      "@context": [EPCIS_CONTEXT, ...contexts.values(), { citychain: CITYCHAIN_NS }],
      type: "EPCISQueryDocument",
      schemaVersion: "2.0",
      creationDate: new Date().toISOString(),
      epcisBody: { queryResults: { queryName: "SimpleEventQuery", resultsBody: { eventList } } },
    };
    send(res, 200, doc, responseHeaders);
  }

  /** Waits for running capture jobs, then closes the store if it was opened. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.jobs]);
    const opened = this.opened;
    this.opened = undefined;
    if (opened) await (await opened.catch(() => undefined))?.close();
  }
}
