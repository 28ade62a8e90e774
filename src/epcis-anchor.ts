/**
 * Checking EPCIS event documents against the chain: an event is anchored when a custody event of the supply-chain
 * contract (ItemShipped, ItemReceived, PalletShipped, PalletReceived) carries its CBV 2.0 event hash digest as
 * `epcisHash`. When none does, the anchors that document the same pallet, read point or business step are listed
 * with the on-chain fields the document does not match.
 */
import fs from "node:fs";
import { ZeroHash, getAddress, keccak256, toUtf8Bytes } from "ethers";
import type { HistoryClient } from "./history/client";
import type { EpcisAnchor } from "./history/types";
import {
  EpcisError,
  type JsonObject,
  bareBizStep,
  epcisEventHash,
  epcisHashToBytes32,
  locationHashOf,
  validateEpcis,
} from "./epcis";
import { decodeStep } from "./supplychain";

/** One custody event on chain that carries an `epcisHash`. */
export interface ChainAnchor {
  kind: "ItemShipped" | "ItemReceived" | "PalletShipped" | "PalletReceived";
  block: number;
  tx: string;
  /** The member account that sent the transaction. */
  sender: string;
  /** The organisation that acted (`from` of a shipment, `by` of a receipt). */
  org: number;
  /** The item key or the SSCC. */
  subject: string;
  epcisHash: string;
  location: string;
  /** Shipments only: the CBV business step and the business transaction hash. */
  bizStep?: string;
  bizTransaction?: string;
  /** Receipts of items only: received as sellable. */
  sellable?: boolean;
}

/** The verdict on one event document. */
export type EpcisVerification =
  | { status: "anchored"; hashId: string; epcisHash: string; anchors: ChainAnchor[] }
  | {
      status: "not anchored";
      hashId: string;
      epcisHash: string;
      /** Anchors of the same pallet, read point or business step, with the fields that differ from the document. */
      candidates: { anchor: ChainAnchor; differs: string[] }[];
    };

const ANCHOR_KINDS: ReadonlySet<string> = new Set(["ItemShipped", "ItemReceived", "PalletShipped", "PalletReceived"]);

/** An indexed supply-chain event carrying an EPCIS hash, as a custody anchor. */
export function anchorOf(e: EpcisAnchor): ChainAnchor | undefined {
  if (!ANCHOR_KINDS.has(e.event)) return undefined;
  const a = e.args as Record<string, string | boolean>;
  const shipped = e.event.endsWith("Shipped");
  const pallet = e.event.startsWith("Pallet");
  return {
    kind: e.event as ChainAnchor["kind"],
    block: Number(e.blockNumber),
    tx: e.txHash,
    sender: getAddress(e.from),
    org: Number(shipped ? a.from : a.by),
    subject: pallet ? String(a.sscc).padStart(18, "0") : String(a.itemKey),
    epcisHash: String(a.epcisHash),
    location: String(a.location),
    ...(shipped ? { bizStep: String(a.bizStep), bizTransaction: String(a.bizTransaction) } : {}),
    ...(e.event === "ItemReceived" ? { sellable: Boolean(a.sellable) } : {}),
  };
}

/** Custody anchors (ship and receive of items and pallets) from the indexer, optionally only those of one hash. */
export async function chainAnchors(history: HistoryClient, epcisHash?: string): Promise<ChainAnchor[]> {
  const { data } = await history.anchors(epcisHash ? { epcisHash } : {});
  return data
    .map(anchorOf)
    .filter((x): x is ChainAnchor => x !== undefined)
    .sort((x, y) => x.block - y.block);
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** The on-chain fields of `anchor` that `event` does not match (the event hash always differs for a candidate). */
function differences(event: JsonObject, anchor: ChainAnchor): string[] {
  const differs: string[] = [];
  const step = bareBizStep(event);
  const receipt = anchor.kind.endsWith("Received");
  if (receipt ? step !== "receiving" : step === undefined || decodeStep(anchor.bizStep!) !== step) {
    differs.push(
      `bizStep (document "${step ?? "none"}", chain "${receipt ? "receiving" : decodeStep(anchor.bizStep!)}")`,
    );
  }
  let location: string | undefined;
  try {
    location = locationHashOf(event);
  } catch {
    location = undefined;
  }
  if (location !== anchor.location) differs.push("readPoint (its hash is not the anchored location)");
  if (anchor.bizTransaction !== undefined) {
    const first = (event.bizTransactionList as JsonObject[] | undefined)?.[0]?.bizTransaction;
    const tx = typeof first === "string" ? keccak256(toUtf8Bytes(first)) : ZeroHash;
    if (tx !== anchor.bizTransaction) differs.push("bizTransactionList (first business transaction)");
  }
  if (anchor.sellable !== undefined) {
    const sellable = event.disposition === "sellable_accessible";
    if (sellable !== anchor.sellable)
      differs.push(`disposition (chain: received ${anchor.sellable ? "" : "non-"}sellable)`);
  }
  differs.push("event hash (a field of the document differs from the anchored event)");
  return differs;
}

/**
 * Checks one EPCIS 2.0 event document against the chain. The document must be schema-valid; its CBV 2.0 hash
 * digest is looked up among the custody anchors.
 */
export async function verifyEpcisEvent(
  history: HistoryClient,
  event: JsonObject,
  anchors?: ChainAnchor[],
): Promise<EpcisVerification> {
  validateEpcis(event);
  const hashId = epcisEventHash(event);
  const epcisHash = epcisHashToBytes32(hashId);
  const found = (anchors ?? (await chainAnchors(history, epcisHash))).filter(
    (a) => a.epcisHash.toLowerCase() === epcisHash,
  );
  if (found.length > 0) return { status: "anchored", hashId, epcisHash, anchors: found };
  const all = anchors ?? (await chainAnchors(history));
  const ids = [
    ...strings(event.epcList),
    ...strings(event.childEPCs),
    ...(typeof event.parentID === "string" ? [event.parentID] : []),
  ];
  const ssccs = new Set(ids.map((id) => /\/00\/(\d{18})$/.exec(id)?.[1]).filter((x): x is string => x !== undefined));
  let location: string | undefined;
  try {
    location = locationHashOf(event);
  } catch {
    location = undefined;
  }
  const candidates = all
    .filter((a) => ssccs.has(a.subject) || (location !== undefined && a.location === location))
    .map((anchor) => ({ anchor, differs: differences(event, anchor) }));
  return { status: "not anchored", hashId, epcisHash, candidates };
}

/** The events of a file: one EPCIS event, an EPCISDocument (its eventList) or a JSON array of events. */
export function readEpcisFile(file: string): JsonObject[] {
  if (!fs.existsSync(file)) throw new EpcisError(`${file}: file not found`);
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new EpcisError(`${file}: not JSON (${(e as Error).message})`);
  }
  if (Array.isArray(doc)) return doc as JsonObject[];
  const o = doc as JsonObject;
  if (o?.type === "EPCISDocument") {
    validateEpcis(o);
    const body = o.epcisBody as JsonObject;
    const context = o["@context"];
    return (body.eventList as JsonObject[]).map((e) =>
      e["@context"] === undefined ? { "@context": context, ...e } : e,
    );
  }
  return [o];
}
