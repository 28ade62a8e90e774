/**
 * Checking EPCIS event documents against the chain: an event is anchored when a custody event of the supply-chain
 * contract (ItemShipped, ItemReceived, PalletShipped, PalletReceived) carries its CBV 2.0 event hash digest as
 * `epcisHash`. When none does, the anchors that document the same pallet, read point or business step are listed
 * with the on-chain fields the document does not match.
 */
import fs from "node:fs";
import { ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import type { SupplyChain } from "../typechain-types";
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

/** Every custody anchor the contract emitted (ship and receive of items and pallets). */
export async function chainAnchors(sc: SupplyChain): Promise<ChainAnchor[]> {
  const [itemShipped, itemReceived, palletShipped, palletReceived] = await Promise.all([
    sc.queryFilter(sc.filters.ItemShipped()),
    sc.queryFilter(sc.filters.ItemReceived()),
    sc.queryFilter(sc.filters.PalletShipped()),
    sc.queryFilter(sc.filters.PalletReceived()),
  ]);
  const provider = sc.runner!.provider!;
  const senders = new Map<string, string>();
  const senderOf = async (tx: string) => {
    if (!senders.has(tx)) senders.set(tx, (await provider.getTransaction(tx))!.from);
    return senders.get(tx)!;
  };
  const out: ChainAnchor[] = [];
  for (const e of itemShipped) {
    const a = e.args;
    out.push({
      kind: "ItemShipped",
      block: e.blockNumber,
      tx: e.transactionHash,
      sender: await senderOf(e.transactionHash),
      org: Number(a.from),
      subject: a.itemKey,
      epcisHash: a.epcisHash,
      location: a.location,
      bizStep: a.bizStep,
      bizTransaction: a.bizTransaction,
    });
  }
  for (const e of palletShipped) {
    const a = e.args;
    out.push({
      kind: "PalletShipped",
      block: e.blockNumber,
      tx: e.transactionHash,
      sender: await senderOf(e.transactionHash),
      org: Number(a.from),
      subject: a.sscc.toString().padStart(18, "0"),
      epcisHash: a.epcisHash,
      location: a.location,
      bizStep: a.bizStep,
      bizTransaction: a.bizTransaction,
    });
  }
  for (const e of itemReceived) {
    const a = e.args;
    out.push({
      kind: "ItemReceived",
      block: e.blockNumber,
      tx: e.transactionHash,
      sender: await senderOf(e.transactionHash),
      org: Number(a.by),
      subject: a.itemKey,
      epcisHash: a.epcisHash,
      location: a.location,
      sellable: a.sellable,
    });
  }
  for (const e of palletReceived) {
    const a = e.args;
    out.push({
      kind: "PalletReceived",
      block: e.blockNumber,
      tx: e.transactionHash,
      sender: await senderOf(e.transactionHash),
      org: Number(a.by),
      subject: a.sscc.toString().padStart(18, "0"),
      epcisHash: a.epcisHash,
      location: a.location,
    });
  }
  return out.sort((x, y) => x.block - y.block);
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
  sc: SupplyChain,
  event: JsonObject,
  anchors?: ChainAnchor[],
): Promise<EpcisVerification> {
  validateEpcis(event);
  const hashId = epcisEventHash(event);
  const epcisHash = epcisHashToBytes32(hashId);
  const all = anchors ?? (await chainAnchors(sc));
  const found = all.filter((a) => a.epcisHash.toLowerCase() === epcisHash);
  if (found.length > 0) return { status: "anchored", hashId, epcisHash, anchors: found };
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
