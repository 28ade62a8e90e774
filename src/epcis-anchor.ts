/**
 * EPCIS event documents and the chain. Anchoring: any EPCIS 2.0 event is anchored by the organisation that captured
 * it through the EpcisAnchors contract (`anchorEpcisEvents`). Checking: an event is anchored when a custody event of
 * the supply-chain contract (ItemShipped, ItemReceived, PalletShipped, PalletReceived) carries its CBV 2.0 event hash
 * digest as `epcisHash`, or when a member organisation anchored that digest (EpcisAnchored). When none does, the
 * custody anchors that document the same pallet, read point or business step are listed with the on-chain fields
 * the document does not match.
 */
import fs from "node:fs";
import { type Signer, ZeroHash, getAddress, keccak256, toUtf8Bytes } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Consortium, EpcisAnchors } from "../typechain-types";
import type { HistoryClient } from "./history/client";
import type { EpcisAnchor } from "./history/types";
import {
  EpcisError,
  type EpcisEvent,
  type JsonObject,
  anchorOf as hashOfEvent,
  bareBizStep,
  epcisEventHash,
  epcisHashToBytes32,
  locationHashOf,
  validateEpcis,
} from "./epcis";
import { deployProxied } from "./deploy/proxy";
import { STATUS } from "./roles";
import { decodeStep } from "./supplychain";

/** The custody events of the supply-chain contract that carry an `epcisHash`. */
export type CustodyAnchorKind = "ItemShipped" | "ItemReceived" | "PalletShipped" | "PalletReceived";

/**
 * One event on chain that carries an `epcisHash`: a custody event of the supply-chain contract, or an
 * `EpcisAnchored` assertion of the EpcisAnchors contract (which has no subject, location or business step).
 */
export interface ChainAnchor {
  kind: CustodyAnchorKind | "EpcisAnchored";
  block: number;
  tx: string;
  /** The member account that sent the transaction. */
  sender: string;
  /** The organisation that acted (`from` of a shipment, `by` of a receipt, the asserting organisation of an anchor). */
  org: number;
  /** The item key or the SSCC (custody events only). */
  subject?: string;
  epcisHash: string;
  /** keccak256 of the read point (custody events only). */
  location?: string;
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

/** An indexed event carrying an EPCIS hash (a custody event or an organisation's EpcisAnchored), as a chain anchor. */
export function anchorOf(e: EpcisAnchor): ChainAnchor | undefined {
  const a = e.args as Record<string, string | boolean>;
  if (e.event === "EpcisAnchored") {
    return {
      kind: "EpcisAnchored",
      block: Number(e.blockNumber),
      tx: e.txHash,
      sender: getAddress(String(a.by)),
      org: Number(a.orgId),
      epcisHash: String(a.epcisHash),
    };
  }
  if (!ANCHOR_KINDS.has(e.event)) return undefined;
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

/**
 * Chain anchors from the indexer (ship and receive of items and pallets, and organisations' EpcisAnchored
 * assertions), optionally only those of one hash.
 */
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
 * digest is looked up among the chain anchors: custody events and organisations' EpcisAnchored assertions (each
 * anchor names its organisation: a caller that requires a given capturing member filters on `org`). Only custody
 * anchors are offered as candidates of an event that is not anchored (an assertion carries nothing but the hash).
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
    .filter((a) => a.kind !== "EpcisAnchored")
    .filter((a) => ssccs.has(a.subject!) || (location !== undefined && a.location === location))
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

/**
 * Deploys the EpcisAnchors contract behind its ERC-1967 proxy against a consortium (the demo's chapters deploy their
 * own contracts); the binding is at the proxy.
 */
export async function deployEpcisAnchors(
  hre: HardhatRuntimeEnvironment,
  consortium: string,
  deployer?: Signer,
): Promise<EpcisAnchors> {
  const { contract } = await deployProxied<EpcisAnchors>(hre, "EpcisAnchors", [consortium], [], deployer);
  return contract;
}

/** Thrown when events cannot be anchored by a signer: its account is bound to no active member organisation. */
export class EpcisAnchorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EpcisAnchorError";
  }
}

/** What `anchorEpcisEvents` did with one event of its list. */
export interface AnchoredEvent {
  /** Position of the event in the list given. */
  index: number;
  /** `ni:///sha-256;…?ver=CBV2.0`. */
  hashId: string;
  /** The bytes32 digest anchored. */
  epcisHash: string;
  /** The asserting organisation (the signer's). */
  org: number;
  /**
   * `anchored`: sent by this call; `already anchored`: the organisation had anchored it before (or the same event
   * appears earlier in the list), nothing was sent for it.
   */
  status: "anchored" | "already anchored";
  /** The transaction that anchored it (this call's, or the earlier one). */
  tx: string;
  block: number;
}

/** Options of `anchorEpcisEvents`. */
export interface AnchorOptions {
  /** Hashes per transaction (1 to the contract's MAX_BATCH; default MAX_BATCH). */
  batchSize?: number;
  /** Called after each batch with the number of new hashes anchored so far and their total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Anchors EPCIS 2.0 events as the assertions of `signer`'s organisation. Every event is validated against the
 * EPCIS 2.0 schema and hashed first (one invalid event refuses the whole list, nothing is sent); hashes the
 * organisation already anchored are skipped (their earlier transaction and block are returned), the others are
 * sent in batches of at most the contract's MAX_BATCH. Returns, per event in the order given, its hash and the
 * transaction and block of its anchor. A batch that fails (e.g. the same organisation anchored one of its hashes
 * from another process in between: `EpcisAnchorsAlreadyAnchored`) throws; batches sent before it stay anchored, and
 * a second call skips them.
 */
export async function anchorEpcisEvents(
  contract: EpcisAnchors,
  signer: Signer,
  events: (EpcisEvent | JsonObject)[],
  options: AnchorOptions = {},
): Promise<AnchoredEvent[]> {
  if (events.length === 0) throw new EpcisError("no events to anchor");
  const hashes = events.map((event, i) => {
    try {
      return hashOfEvent(event);
    } catch (e) {
      throw new EpcisError(`event ${i + 1} of ${events.length}: ${(e as Error).message}`);
    }
  });
  const max = Number(await contract.MAX_BATCH());
  const batchSize = options.batchSize ?? max;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > max) {
    throw new EpcisAnchorError(`batch size ${batchSize}: must be an integer from 1 to ${max}`);
  }
  const account = await signer.getAddress();
  // Loaded here, not at the top: the supply:epcis task loads this module with the config, before the first compile
  // has generated the bindings.
  const { Consortium__factory } = await import("../typechain-types");
  const consortium: Consortium = Consortium__factory.connect(await contract.consortium(), contract.runner ?? signer);
  const org = Number(await consortium.memberOf(account));
  if (org === 0) throw new EpcisAnchorError(`${account} is bound to no member of the consortium`);
  const member = await consortium.member(org);
  const status = STATUS[Number(member.status)];
  if (status !== "Active") throw new EpcisAnchorError(`${account}'s member ${org} is not active (${status})`);
  if (Number(member.kind) !== 0)
    throw new EpcisAnchorError(`${account}'s member ${org} is a person, not an organisation`);

  // Where each distinct hash stands: anchored before (its block), or to send.
  const done = new Map<string, { tx: string; block: number; earlier: boolean }>();
  const earlierBlocks = new Map<string, number>();
  const toSend: string[] = [];
  const distinct = [...new Set(hashes.map((x) => x.epcisHash))];
  // Looked up 50 at a time: a file of thousands of events neither waits on one request per hash nor floods the node.
  for (let i = 0; i < distinct.length; i += 50) {
    const slice = distinct.slice(i, i + 50);
    const blocks = await Promise.all(slice.map((h) => contract.anchoredAt(h, org)));
    slice.forEach((h, j) => (blocks[j] > 0n ? earlierBlocks.set(h, Number(blocks[j])) : toSend.push(h)));
  }
  // The earlier transactions: one log query per block they were anchored in.
  for (const block of new Set(earlierBlocks.values())) {
    const logs = await contract.queryFilter(contract.filters.EpcisAnchored(undefined, org), block, block);
    for (const log of logs) {
      const h = log.args.epcisHash.toLowerCase();
      if (earlierBlocks.get(h) === block) done.set(h, { tx: log.transactionHash, block, earlier: true });
    }
  }
  const sender = contract.connect(signer);
  for (let i = 0; i < toSend.length; i += batchSize) {
    const batch = toSend.slice(i, i + batchSize);
    const receipt = await (await sender.anchor(batch)).wait();
    if (!receipt || receipt.status !== 1)
      throw new EpcisAnchorError(`anchor transaction failed (${batch.length} hashes)`);
    for (const h of batch) done.set(h, { tx: receipt.hash, block: receipt.blockNumber, earlier: false });
    options.onProgress?.(Math.min(i + batchSize, toSend.length), toSend.length);
  }
  const seen = new Set<string>();
  return hashes.map(({ hashId, epcisHash }, index) => {
    const d = done.get(epcisHash);
    if (!d) throw new EpcisAnchorError(`no EpcisAnchored log found for ${epcisHash} of member ${org}`);
    const repeated = seen.has(epcisHash);
    seen.add(epcisHash);
    return {
      index,
      hashId,
      epcisHash,
      org,
      status: d.earlier || repeated ? "already anchored" : "anchored",
      tx: d.tx,
      block: d.block,
    };
  });
}
