/**
 * What the chain says about a captured event, read from the indexer: its anchors (any `/history/anchors` row whose
 * `epcisHash` is the event's digest: custody events of the supply chain, `EpcisAnchored` of the EPCIS anchor
 * contract) and the organisations that held the goods it names (the custody rule of who may read it).
 */
import { getAddress } from "ethers";
import type { HistoryClient } from "../history/client";
import { HistoryNotFoundError } from "../history/client";
import type { ArgValue, EpcisAnchor, HistoryEvent } from "../history/types";
import { type JsonObject, canonicalEpc } from "../epcis";
import { lotIdOf } from "../supplychain";

/** One on-chain anchor of an event, as every returned event carries it under `citychain:anchor`. */
export interface AnchorInfo {
  /** The chain event that carries the hash (`ItemShipped`, `PalletReceived`, `EpcisAnchored`, …). */
  kind: string;
  block: string;
  transaction: string;
  /** The organisation that anchored it. */
  org: number;
  /** The account that sent the transaction. */
  sender: string;
}

/** The organisation an anchor row names as the one that anchored: the shipper, the receiver, the anchoring org. */
export function anchorOrg(row: { event: string; args: Record<string, ArgValue> }): number | undefined {
  const keys = row.event.endsWith("Shipped") ? ["from"] : ["orgId", "by", "from"];
  for (const k of keys) {
    const v = row.args[k];
    if (typeof v === "string" && /^[0-9]+$/.test(v)) return Number(v);
  }
  return undefined;
}

export function anchorInfo(row: EpcisAnchor): AnchorInfo | undefined {
  const org = anchorOrg(row);
  if (org === undefined) return undefined;
  return { kind: row.event, block: row.blockNumber, transaction: row.txHash, org, sender: getAddress(row.from) };
}

/** The anchors of one hash digest (bytes32), with the subjects (item keys, pallets) their rows name. */
export async function anchorsOf(
  history: HistoryClient,
  epcisHash: string,
): Promise<{ anchors: AnchorInfo[]; subjects: string[] }> {
  const { data } = await history.anchors({ epcisHash });
  const anchors: AnchorInfo[] = [];
  const subjects: string[] = [];
  for (const row of data) {
    const info = anchorInfo(row);
    if (info) anchors.push(info);
    if (row.itemKey) subjects.push(`item:${row.itemKey.toLowerCase()}`);
    if (row.sscc) subjects.push(`pallet:${BigInt(row.sscc)}`);
  }
  return { anchors, subjects };
}

/** The subjects an event's own EPCs name: pallets by SSCC, lots by GTIN and lot number (a class EPC). */
export function subjectsOfEpcs(epcs: string[]): string[] {
  const out: string[] = [];
  for (const raw of epcs) {
    const epc = canonicalEpc(raw);
    const sscc = /^https:\/\/id\.gs1\.org\/00\/(\d{18})$/.exec(epc);
    if (sscc) out.push(`pallet:${BigInt(sscc[1])}`);
    const lot = /^https:\/\/id\.gs1\.org\/01\/(\d{14})\/10\/([^/]+)$/.exec(epc);
    if (lot) out.push(`lot:${lotIdOf(BigInt(lot[1]), decodeURIComponent(lot[2])).toLowerCase()}`);
  }
  return out;
}

/** Event arguments that name an organisation that acted on or received the goods. */
const PARTY_ARGS = ["by", "from", "to", "newOwner", "manufacturer", "reporter", "receiver", "orgId", "owner"];

function partiesOf(events: HistoryEvent[], into: Set<number>): void {
  for (const e of events)
    for (const k of PARTY_ARGS) {
      const v = e.args[k];
      if (typeof v === "string" && /^[0-9]+$/.test(v) && v !== "0") into.add(Number(v));
    }
}

/** The organisations in a subject's indexed history (actors, senders, receivers, owners, manufacturer). */
export async function custodyOrgs(history: HistoryClient, subject: string): Promise<Set<number>> {
  const orgs = new Set<number>();
  const [kind, id] = subject.split(":");
  try {
    if (kind === "item") partiesOf((await history.itemTimeline(id)).data.events, orgs);
    else if (kind === "pallet") partiesOf((await history.pallet(id)).data.events, orgs);
    else if (kind === "lot") {
      const { data } = await history.lot(id);
      orgs.add(data.lot.manufacturer);
      partiesOf(data.events, orgs);
    }
  } catch (err) {
    // A subject with no history (a lot never commissioned) names nobody; any other failure is the server's.
    if (!(err instanceof HistoryNotFoundError)) throw err;
  }
  return orgs;
}

/** Per request: the custody organisations of each subject, fetched once. */
export class CustodyCache {
  private readonly cache = new Map<string, Promise<Set<number>>>();
  constructor(private readonly history: HistoryClient) {}

  orgs(subject: string): Promise<Set<number>> {
    let p = this.cache.get(subject);
    if (!p) this.cache.set(subject, (p = custodyOrgs(this.history, subject)));
    return p;
  }

  /** True when `org` appears in the history of any of the subjects. */
  async linked(org: number, subjects: string[]): Promise<boolean> {
    for (const s of subjects) if ((await this.orgs(s)).has(org)) return true;
    return false;
  }
}

/** The fields of an event the public verify page shows (no parties, transactions, sensor data or ILMD). */
export function publicView(event: JsonObject, epc: string): JsonObject {
  const keep = ["type", "eventTime", "eventTimeZoneOffset", "action", "bizStep", "disposition", "citychain:anchor"];
  const out: JsonObject = Object.fromEntries(keep.filter((k) => event[k] !== undefined).map((k) => [k, event[k]]));
  // The EPC asked about, so that the reduced event still says what it is about.
  if (event.type === "AggregationEvent") out.childEPCs = [epc];
  else out.epcList = [epc];
  return out;
}
