/**
 * An item's custody timeline in words, built from the indexer's item timeline (`GET /history/items/:key/timeline`)
 * and its lot's upstream lots (`GET /history/lots/:id`). The one timeline of the project: `supply:trace`, the demo
 * and the web app's verify page all show these entries (the app renders their English forms in the reader's
 * language, app/src/i18n/timeline.ts). Browser-safe: no Node imports.
 */
import { keccak256, toUtf8Bytes } from "ethers";
import { bytes32ToEpcisHash, demoGln, locationUri } from "../epcis";
import { yymmddFromExpiry } from "../gs1";
import { ITEM_STATES } from "../supplychain";
import type { ArgValue, HistoryEvent, ItemTimeline, LotHistory, LotSummary } from "./types";

/** One entry of an item's timeline. */
export interface TimelineEntry {
  block: number;
  index: number;
  /** Block timestamp (seconds). */
  timestamp: number;
  title: string;
  detail: string;
  tone: "normal" | "warn" | "bad";
  /** What the custody event commits of its EPCIS 2.0 event, when it commits anything (see `EpcisFacts`). */
  epcis?: EpcisFacts;
  /** The event as the indexer stored it (name, contract, arguments, transaction). */
  event: HistoryEvent;
}

/**
 * The EPCIS side of a custody event, from what the contract stored: the CBV business step, the read point (a
 * keccak256 of its GLN-based id, named when it is a known site), and the anchor (the CBV 2.0 event hash ID of the
 * EPCIS event the actor anchored, `ni:///sha-256;…?ver=CBV2.0`; an event document with that hash is the one that
 * happened).
 */
export interface EpcisFacts {
  bizStep?: string;
  location?: string;
  anchor?: string;
}

/** Names an organisation (uint32 id) and an account (a regulator's, a guardian's) in timeline texts. */
export interface Namers {
  org(id: bigint | number): string;
  who(address: string): string;
  /** A read point by its on-chain hash (keccak256 of its id), when it is a known site (see `sitePlaces`). */
  place?(locationHash: string): string | undefined;
}

/** A place namer for `Namers.place`: each site's read point id (`https://id.gs1.org/414/<gln>`) hashed as on chain. */
export function sitePlaces(sites: { gln: string; name: string }[]): (locationHash: string) => string | undefined {
  const byHash = new Map(sites.map((s) => [keccak256(toUtf8Bytes(locationUri(s.gln))).toLowerCase(), s]));
  return (h) => {
    const site = byHash.get(h.toLowerCase());
    return site ? `${site.name} (GLN ${site.gln})` : undefined;
  };
}

/**
 * The members' sites as the demo, the app's seed, the bench and the tests name them: organisation N reads at
 * `demoGln(N)` (GS1's example prefix 952). A production deployment lists its members' own GLNs with `sitePlaces`.
 */
export function memberSites(orgIds: Iterable<number>, org: (id: number) => string): { gln: string; name: string }[] {
  return [...orgIds].map((id) => ({ gln: demoGln(id), name: org(id) }));
}

const ZERO32 = /^0x0{64}$/;

/** The EPCIS facts of a custody event: its step (given, or the event's own), read point and anchored hash. */
function epcisFacts(a: HistoryEvent["args"], names: Namers, step?: string): EpcisFacts {
  const facts: EpcisFacts = {};
  const bizStep = step ?? (typeof a.bizStep === "string" ? stepText(a.bizStep) : undefined);
  if (bizStep) facts.bizStep = bizStep;
  if (typeof a.location === "string" && !ZERO32.test(a.location))
    facts.location = names.place?.(a.location) ?? `read point ${a.location.slice(0, 10)}…`;
  if (typeof a.epcisHash === "string" && !ZERO32.test(a.epcisHash)) facts.anchor = bytes32ToEpcisHash(a.epcisHash);
  return facts;
}

/** The EPCIS facts of a custody event in one line (`shipping · MedSupply (GLN …) · ni:///sha-256;…`). */
export function epcisLine(facts: EpcisFacts | undefined): string {
  if (!facts) return "";
  return [facts.bizStep, facts.location, facts.anchor].filter((x) => x).join(" · ");
}

/** A CBV step (bytes32 short string, `0x7368697070696e67…`) as words (`shipping`), or its hex head when not text. */
export function stepText(step: string): string {
  const hex = step.startsWith("0x") ? step.slice(2) : step;
  let text = "";
  for (let i = 0; i + 2 <= hex.length; i += 2) {
    const code = parseInt(hex.slice(i, i + 2), 16);
    if (code === 0) break;
    if (code < 0x20 || code > 0x7e) return step.slice(0, 10) + "…";
    text += String.fromCharCode(code);
  }
  return text.replace(/_/g, " ");
}

function str(v: ArgValue | undefined): string {
  return typeof v === "string" ? v : String(v);
}

function num(v: ArgValue | undefined): bigint {
  return BigInt(str(v));
}

type Described = Pick<TimelineEntry, "title" | "detail" | "tone" | "epcis">;

/** The words of one item, lot or pallet event; undefined for events that are not part of an item's story. */
export function describeEvent(e: HistoryEvent, names: Namers): Described | undefined {
  const a = e.args;
  const { org, who } = names;
  switch (e.event) {
    case "LotCommissioned":
      return {
        title: "Lot commissioned",
        detail: `by ${org(num(a.manufacturer))}: ${str(a.itemCount)} serials committed`,
        tone: "normal",
      };
    case "ItemActivated":
      return {
        title: "Item on chain",
        detail: a.registered ? "registered individually" : "activated with its Merkle proof",
        tone: "normal",
      };
    case "ItemShipped":
      return {
        title: `Shipped (${stepText(str(a.bizStep))})`,
        detail: `${org(num(a.from))} → ${org(num(a.to))}`,
        tone: "normal",
        epcis: epcisFacts(a, names),
      };
    case "ItemReceived":
      return {
        title: "Received",
        detail: `by ${org(num(a.by))}${a.sellable ? ", sellable" : ", non-sellable"}`,
        tone: "normal",
        epcis: epcisFacts(a, names, "receiving"),
      };
    case "ItemPacked":
      return { title: "Packed", detail: `into pallet SSCC ${str(a.sscc).padStart(18, "0")}`, tone: "normal" };
    case "ItemUnpacked":
      return { title: "Unpacked", detail: `from pallet ${str(a.sscc)}`, tone: "normal" };
    case "PalletShipped":
      return {
        title: `Pallet shipped (${stepText(str(a.bizStep))})`,
        detail: `${org(num(a.from))} → ${org(num(a.to))}`,
        tone: "normal",
        epcis: epcisFacts(a, names),
      };
    case "PalletReceived":
      return {
        title: "Pallet received",
        detail: `by ${org(num(a.by))}`,
        tone: "normal",
        epcis: epcisFacts(a, names, "receiving"),
      };
    case "PalletQuarantineSet":
      return a.quarantined
        ? { title: "Pallet quarantined", detail: `by ${who(str(a.by))}`, tone: "bad" }
        : { title: "Pallet released from quarantine", detail: `by ${who(str(a.by))}`, tone: "warn" };
    case "ItemDecommissioned":
      return {
        title: `Decommissioned (${stepText(str(a.bizStep))})`,
        detail: `by ${org(num(a.by))}`,
        tone: "normal",
        epcis: epcisFacts(a, names),
      };
    case "DecommissionUndone":
      return { title: "Sale undone", detail: `by ${org(num(a.by))}`, tone: "warn" };
    case "CloneAlerted":
      return {
        title: "Clone alert",
        detail: `code presented again by ${org(num(a.reporter))} after ${org(num(a.firstBy))} sold it`,
        tone: "bad",
      };
    case "CloneReportDecided":
      return a.confirmed
        ? { title: "Clone confirmed", detail: `by ${who(str(a.by))}: the code is suspect`, tone: "bad" }
        : { title: "Clone report cleared", detail: `by ${who(str(a.by))}`, tone: "warn" };
    case "ItemStateReported":
      return {
        title: `Reported ${ITEM_STATES[Number(num(a.state))] ?? `state ${str(a.state)}`}`,
        detail: `by ${org(num(a.by))}`,
        tone: "bad",
      };
    case "LotRecalled":
      return { title: "Lot recalled", detail: `by ${org(num(a.by))}`, tone: "bad" };
    case "LotQuarantined":
      return { title: "Lot quarantined", detail: `by ${who(str(a.by))}`, tone: "bad" };
    case "LotReleased":
      return { title: "Lot released from quarantine", detail: `by ${who(str(a.by))}`, tone: "warn" };
    case "LotDestroyed":
      return { title: "Lot destroyed", detail: `by ${who(str(a.by))}`, tone: "bad" };
    default:
      return undefined;
  }
}

function entry(e: HistoryEvent, d: Described): TimelineEntry {
  return {
    block: Number(e.blockNumber),
    index: e.logIndex,
    timestamp: Number(e.timestamp),
    ...d,
    event: e,
  };
}

/**
 * The upstream lots of `lot` to `depth` levels (breadth first, each lot once) with their level (1 = a direct
 * input), from the lot history's transitive `upstream` list.
 */
export function upstreamLevels(lot: LotHistory, depth: number): { lot: LotSummary; level: number }[] {
  const byId = new Map(lot.upstream.map((u) => [u.lotId.toLowerCase(), u]));
  const out: { lot: LotSummary; level: number }[] = [];
  const seen = new Set<string>([lot.lot.lotId.toLowerCase()]);
  let frontier = lot.lot.inputLots.map((id) => id.toLowerCase());
  for (let level = 1; level <= depth && frontier.length > 0; level++) {
    const next: string[] = [];
    for (const id of frontier) {
      if (seen.has(id)) continue;
      seen.add(id);
      const u = byId.get(id);
      if (!u) continue;
      out.push({ lot: u, level });
      next.push(...u.inputLots.map((x) => x.toLowerCase()));
    }
    frontier = next;
  }
  return out;
}

/**
 * The item's timeline in order: its own events, its lot's, the pallet events it travelled under, and (with a lot
 * history) the commissioning of its upstream lots to `depth` levels.
 */
export function timelineEntries(
  timeline: ItemTimeline,
  names: Namers,
  lot?: LotHistory | null,
  depth = 3,
): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const e of timeline.events) {
    const d = describeEvent(e, names);
    if (d) out.push(entry(e, d));
  }
  if (lot) {
    for (const { lot: u, level } of upstreamLevels(lot, depth)) {
      const c = u.commissioned;
      const e: HistoryEvent = { ...c, event: "LotCommissioned", contract: "", args: {} };
      out.push(
        entry(e, {
          title: `Upstream lot commissioned (level ${level})`,
          detail: `${u.lotId.slice(0, 10)}… GTIN ${u.gtin} by ${names.org(u.manufacturer)}, ${u.itemCount} items, expiry ${yymmddFromExpiry(BigInt(u.expiry))}`,
          tone: "normal",
        }),
      );
    }
  }
  out.sort((a, b) => a.block - b.block || a.index - b.index);
  return out;
}
