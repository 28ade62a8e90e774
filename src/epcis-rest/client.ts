/**
 * The SDK's client of the EPCIS 2.0 REST interface (`/epcis` on the indexer): Sign-In with Ethereum, capture (with
 * the job awaited), the event query and the events of one EPC. Errors are `EpcisRestError`s carrying the EPCIS
 * exception type of the answer. Browser-safe apart from the signer: only `fetch` and viem's SIWE message builder.
 */
import { createSiweMessage } from "viem/siwe";
import { EPCIS_CONTEXT, type EpcisEvent, type JsonObject } from "../epcis";
import { type EpcisExceptionType, isProblemBody } from "./problem";
import type { AnchorField } from "./server";
import type { CaptureJob } from "./store";

/** An EPCIS 2.0 document of `events` (what `POST /capture` takes). */
export function epcisDocument(
  events: (EpcisEvent | JsonObject)[],
  creationDate = new Date().toISOString(),
): JsonObject {
  return {
    "@context": [EPCIS_CONTEXT],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate,
    epcisBody: { eventList: events as unknown as JsonObject[] },
  };
}

/** An error answer of the interface (or no answer at all: `exception` "unreachable"). */
export class EpcisRestError extends Error {
  constructor(
    message: string,
    readonly exception: EpcisExceptionType | "unreachable",
    readonly status?: number,
  ) {
    super(message);
    this.name = "EpcisRestError";
  }
}

/** What signs the SIWE message: an ethers signer or anything with the same two calls. */
export interface SiweSigner {
  getAddress(): Promise<string>;
  signMessage(message: string): Promise<string>;
}

/** A signed-in session: pass it to the calls that need one. */
export interface EpcisSession {
  baseUrl: string;
  token: string;
  account: string;
  expiresAt: string;
}

/** An event as the interface returns it: the captured event plus its anchors. */
export type QueriedEvent = JsonObject & { "citychain:anchor": AnchorField };

/** One page of a query and the token of the next one. */
export interface EventPage {
  events: QueriedEvent[];
  nextPageToken?: string;
  document: JsonObject;
}

/** The query parameters of `GET /events` (lists are ORed; values as the standard writes them). */
export interface EventQueryParams {
  eventType?: string[];
  EQ_bizStep?: string[];
  EQ_disposition?: string[];
  EQ_bizLocation?: string[];
  EQ_readPoint?: string[];
  MATCH_epc?: string[];
  MATCH_anyEPC?: string[];
  GE_eventTime?: string;
  LT_eventTime?: string;
  perPage?: number;
  nextPageToken?: string;
}

async function call<T>(
  url: string,
  init: RequestInit & { session?: EpcisSession },
): Promise<{ body: T; headers: Headers; status: number }> {
  const headers = new Headers(init.headers);
  if (init.session) headers.set("authorization", `Bearer ${init.session.token}`);
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new EpcisRestError(`${url}: ${(err as Error).message}`, "unreachable");
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  if (!res.ok) {
    if (isProblemBody(body))
      throw new EpcisRestError(
        body.detail ?? body.title,
        body.type.slice("epcisException:".length) as EpcisExceptionType,
        res.status,
      );
    throw new EpcisRestError(`${url}: HTTP ${res.status} ${text.slice(0, 200)}`, "ImplementationException", res.status);
  }
  return { body: body as T, headers: res.headers, status: res.status };
}

const trim = (u: string) => u.replace(/\/+$/, "");

/** Builds the EIP-4361 message a sign-in sends for `account` (a nonce from the server; one hour by default). */
export function siweMessage(p: {
  baseUrl: string;
  account: string;
  chainId: number;
  nonce: string;
  issuedAt?: Date;
  expirationTime?: Date;
}): string {
  const url = new URL(p.baseUrl);
  const issuedAt = p.issuedAt ?? new Date();
  return createSiweMessage({
    domain: url.host,
    address: p.account as `0x${string}`,
    statement: "Sign in to the citychain EPCIS interface.",
    uri: url.origin,
    version: "1",
    chainId: p.chainId,
    nonce: p.nonce,
    issuedAt,
    expirationTime: p.expirationTime ?? new Date(issuedAt.getTime() + 3_600_000),
  });
}

/** A fresh single-use nonce of the server. */
export async function signInNonce(baseUrl: string): Promise<string> {
  return (await call<{ nonce: string }>(`${trim(baseUrl)}/epcis/auth/nonce`, { method: "GET" })).body.nonce;
}

/** Sends a signed message and opens a session (a SecurityException names what was refused). */
export async function openSession(baseUrl: string, message: string, signature: string): Promise<EpcisSession> {
  const { body } = await call<{ token: string; account: string; expiresAt: string }>(
    `${trim(baseUrl)}/epcis/auth/session`,
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message, signature }) },
  );
  return { baseUrl: trim(baseUrl), ...body };
}

/** Signs in with Ethereum: nonce, message for the chain (the indexer's when not given), signature, session. */
export async function signIn(signer: SiweSigner, baseUrl: string, chainId?: number): Promise<EpcisSession> {
  chainId ??= Number(
    (await call<{ chainId: string }>(`${trim(baseUrl)}/history/status`, { method: "GET" })).body.chainId,
  );
  if (!Number.isSafeInteger(chainId) || chainId <= 0)
    throw new EpcisRestError(`${baseUrl} names no chain id to sign in for`, "ImplementationException");
  const nonce = await signInNonce(baseUrl);
  const message = siweMessage({ baseUrl, account: await signer.getAddress(), chainId, nonce });
  return openSession(baseUrl, message, await signer.signMessage(message));
}

/** The status of a capture job. */
export async function captureJob(session: EpcisSession, captureID: string): Promise<CaptureJob> {
  return (await call<CaptureJob>(`${session.baseUrl}/epcis/capture/${captureID}`, { method: "GET", session })).body;
}

/**
 * Captures an EPCIS document (or one event) and waits for its job to finish; returns the finished job (`success`
 * false with `errors` per event when an event was refused).
 */
export async function captureEvents(
  session: EpcisSession,
  document: JsonObject,
  options: { behaviour?: "rollback" | "proceed"; timeoutMs?: number } = {},
): Promise<CaptureJob> {
  const { body, headers } = await call<{ captureID: string }>(`${session.baseUrl}/epcis/capture`, {
    method: "POST",
    session,
    headers: { "content-type": "application/json", "gs1-capture-error-behaviour": options.behaviour ?? "rollback" },
    body: JSON.stringify(document),
  });
  const location = headers.get("location");
  if (location !== `/epcis/capture/${body.captureID}`)
    throw new EpcisRestError(`the capture answered Location ${location}`, "ImplementationException");
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const job = await captureJob(session, body.captureID);
    if (!job.running) return job;
    if (Date.now() > deadline)
      throw new EpcisRestError(`capture job ${body.captureID} still runs`, "ImplementationException");
    await new Promise((r) => setTimeout(r, 100));
  }
}

function queryString(params: EventQueryParams): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    q.set(k, Array.isArray(v) ? v.join("|") : String(v));
  }
  const s = q.toString();
  return s === "" ? "" : `?${s}`;
}

function page(document: JsonObject, link: string | null): EventPage {
  const body = document.epcisBody as { queryResults: { resultsBody: { eventList: QueriedEvent[] } } };
  const next = link ? /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
  const nextPageToken = next ? (new URL(next, "http://x").searchParams.get("nextPageToken") ?? undefined) : undefined;
  return { events: body.queryResults.resultsBody.eventList, nextPageToken, document };
}

/** One page of `GET /events` (a session is required). */
export async function queryEvents(session: EpcisSession, params: EventQueryParams = {}): Promise<EventPage> {
  const { body, headers } = await call<JsonObject>(`${session.baseUrl}/epcis/events${queryString(params)}`, {
    method: "GET",
    session,
  });
  return page(body, headers.get("link"));
}

/**
 * One page of `GET /epcs/{epc}/events`. Without a session (pass the base URL) only an item's or pallet's events,
 * reduced to what the public verify page shows.
 */
export async function eventsOfEpc(
  target: EpcisSession | string,
  epc: string,
  params: Omit<EventQueryParams, "MATCH_anyEPC"> = {},
): Promise<EventPage> {
  const session = typeof target === "string" ? undefined : target;
  const base = typeof target === "string" ? trim(target) : target.baseUrl;
  const url = `${base}/epcis/epcs/${encodeURIComponent(epc)}/events${queryString(params)}`;
  const { body, headers } = await call<JsonObject>(url, { method: "GET", session });
  return page(body, headers.get("link"));
}
