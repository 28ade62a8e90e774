/**
 * History, one module for the SDK, the tasks and the web app (browser-safe: no Node imports).
 *
 * Histories come from a `HistorySource`:
 * - `IndexerHistory`: the indexer's read models over HTTP (indexer/, `npm run indexer`): what pages and tasks use;
 * - `ChainHistory`: the same questions answered by scanning the chain's logs. It is the reference the indexer
 *   tests compare against, the benchmark's baseline, and the source on the in-process Hardhat network (unit tests,
 *   the demo), which has no indexer. It does not scale: Besu refuses log ranges over 5,000 blocks.
 * Both return the same rows (decoded arguments as JSON: bigints as decimal strings, addresses lower-case), and the
 * timelines below are built from those rows once. Current state (is this pack sellable now?) is never read here:
 * it comes from the contracts' views.
 */
import type { EventFragment, Provider } from "ethers";
/**
 * typechain's factories, loaded when the log scan first needs them: this module is imported by the Hardhat tasks,
 * which load before `npm run compile` has generated typechain-types/ on a fresh clone.
 */
const factories = () => import("../typechain-types");
import { yymmddFromExpiry } from "./gs1";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** One decoded event of a history. */
export interface HistoryEvent {
  name: string;
  /** The emitting contract (lower-case). */
  contract: string;
  args: Record<string, Json>;
  block: number;
  logIndex: number;
  timestamp: number;
}

/** Everything an item's history is made of. */
export interface ItemRecord {
  /** The item's lot (level 0) and its upstream input lots, as their LotCommissioned events. */
  lots: { level: number; event: HistoryEvent }[];
  /** The lot's recall, quarantine, release and destruction. */
  overlays: HistoryEvent[];
  /** The item's own events. */
  items: HistoryEvent[];
  /** The item's packings into and out of pallets. */
  packings: HistoryEvent[];
  /** Shipments and receipts of those pallets (all of them; the timeline keeps those inside a packing). */
  pallets: HistoryEvent[];
}

/** An investor's history across every asset of one assets system. */
export interface PortfolioRecord {
  /** Share-token events touching the account (Transfer, RevenueClaimed, RevenueMoved). */
  tokenEvents: HistoryEvent[];
  /** Offering purchases and refunds of the account. */
  offeringEvents: HistoryEvent[];
  /** Market fills where the account bought or sold. */
  fills: HistoryEvent[];
  /** Share token → asset id, for every token involved. */
  assetOfToken: Record<string, string>;
}

/** How far the source has read the chain (`indexed to block N of M`). */
export interface Progress {
  indexedBlock: number | null;
  headBlock: number | null;
}

/** The questions the pages and tasks ask of history. */
export interface HistorySource {
  readonly kind: "indexer" | "chain";
  item(supplyChain: string, lotId: string, itemKey: string, depth: number): Promise<ItemRecord>;
  /** A shipment's events, in chain order. */
  shipment(coldChain: string, id: bigint): Promise<HistoryEvent[]>;
  /** Excursion alarms of every shipment of a cold-chain contract, in chain order. */
  excursions(coldChain: string): Promise<HistoryEvent[]>;
  /** A patient's events (`names` narrows: AccessAudited, EmergencyReviewed, ConsentGranted, ...), in chain order. */
  patient(records: string, patient: string, names?: string[]): Promise<HistoryEvent[]>;
  portfolio(system: { registry: string; offering: string; market: string }, account: string): Promise<PortfolioRecord>;
  /** Progress of the last answer (null for the chain, which is always current). */
  progress(): Progress | null;
}

/** The indexer is unreachable, failing or serving another chain: the caller says so instead of showing history. */
export class IndexerUnavailable extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "IndexerUnavailable";
  }
}

/** "indexed to block N of M" when the index trails the head, else undefined. */
export function behindText(p: Progress | null): string | undefined {
  if (!p || p.indexedBlock === null || p.headBlock === null || p.indexedBlock >= p.headBlock) return undefined;
  return `indexed to block ${p.indexedBlock} of ${p.headBlock}`;
}

// ---------------------------------------------------------------- the indexer

interface Row {
  name: string;
  contract?: string;
  token?: string;
  args: Record<string, Json>;
  block: string | number;
  logIndex: number;
  timestamp: string | number;
}
const fromRow = (r: Row): HistoryEvent => ({
  name: r.name,
  contract: (r.contract ?? r.token ?? "").toLowerCase(),
  args: r.args,
  block: Number(r.block),
  logIndex: r.logIndex,
  timestamp: Number(r.timestamp),
});
const ordered = (a: HistoryEvent, b: HistoryEvent) => a.block - b.block || a.logIndex - b.logIndex;

/** The indexer's read models over HTTP (its guard: `npm run indexer`, default http://127.0.0.1:42069). */
export class IndexerHistory implements HistorySource {
  readonly kind = "indexer" as const;
  private last: Progress | null = null;

  constructor(
    readonly url: string,
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  progress(): Progress | null {
    return this.last;
  }

  /** GET a history route; throws IndexerUnavailable with the indexer's reason when it cannot answer truthfully. */
  async get<T>(path: string): Promise<T> {
    let res: Response;
    try {
      res = await this.fetcher(`${this.url.replace(/\/$/, "")}${path}`, { cache: "no-store" });
    } catch (err) {
      throw new IndexerUnavailable(`the indexer at ${this.url} is unreachable (${(err as Error).message})`);
    }
    const n = (h: string) => (res.headers.get(h) === null ? null : Number(res.headers.get(h)));
    this.last = { indexedBlock: n("x-indexed-block"), headBlock: n("x-chain-head") };
    const body = (await res.json().catch(() => ({}))) as T & { error?: string };
    if (!res.ok) throw new IndexerUnavailable(`indexer: ${body.error ?? `HTTP ${res.status}`}`, res.status);
    return body;
  }

  async item(supplyChain: string, lotId: string, itemKey: string, depth: number): Promise<ItemRecord> {
    const r = await this.get<{
      lots: { level: number; lot: Row }[];
      overlays: Row[];
      items: Row[];
      packings: Row[];
      pallets: Row[];
    }>(
      `/history/supply/${supplyChain.toLowerCase()}/item/${lotId.toLowerCase()}/${itemKey.toLowerCase()}?depth=${depth}`,
    );
    return {
      lots: r.lots.map((l) => ({ level: l.level, event: fromRow({ ...l.lot, name: "LotCommissioned" }) })),
      overlays: r.overlays.map(fromRow).sort(ordered),
      items: r.items.map(fromRow).sort(ordered),
      packings: r.packings.map(fromRow).sort(ordered),
      pallets: r.pallets.map(fromRow).sort(ordered),
    };
  }

  async shipment(coldChain: string, id: bigint): Promise<HistoryEvent[]> {
    const r = await this.get<{ events: Row[] }>(`/history/coldchain/${coldChain.toLowerCase()}/shipment/${id}`);
    return r.events.map(fromRow);
  }

  async excursions(coldChain: string): Promise<HistoryEvent[]> {
    const r = await this.get<{ events: Row[] }>(`/history/coldchain/${coldChain.toLowerCase()}/alarms`);
    return r.events.map(fromRow);
  }

  async patient(records: string, patient: string, names?: string[]): Promise<HistoryEvent[]> {
    const r = await this.get<{ events: Row[] }>(
      `/history/medical/${records.toLowerCase()}/patient/${patient.toLowerCase()}`,
    );
    return r.events.map(fromRow).filter((e) => !names || names.includes(e.name));
  }

  async portfolio(
    system: { registry: string; offering: string; market: string },
    account: string,
  ): Promise<PortfolioRecord> {
    const r = await this.get<{
      tokenEvents: Row[];
      offeringEvents: Row[];
      fills: Row[];
      assets: { registry: string; shareToken: string; assetId: string }[];
    }>(`/history/portfolio/${account.toLowerCase()}`);
    const registry = system.registry.toLowerCase();
    const mine = r.assets.filter((a) => a.registry === registry);
    const tokens = new Set(mine.map((a) => a.shareToken));
    // The account's own share-token events (a revenue deposit it made is the asset's history, not its portfolio).
    const tokenEvents = r.tokenEvents
      .map(fromRow)
      .filter((e) => tokens.has(e.contract) && e.name !== "RevenueDeposited");
    const involved = new Set(tokenEvents.map((e) => e.contract));
    return {
      tokenEvents,
      offeringEvents: r.offeringEvents
        .map(fromRow)
        .filter(
          (e) =>
            e.contract === system.offering.toLowerCase() && ["SharesPurchased", "OfferingRefunded"].includes(e.name),
        ),
      fills: r.fills.map(fromRow).filter((e) => e.contract === system.market.toLowerCase()),
      assetOfToken: Object.fromEntries(
        mine.filter((a) => involved.has(a.shareToken)).map((a) => [a.shareToken, String(a.assetId)]),
      ),
    };
  }
}

// ---------------------------------------------------------------- the chain (log scan)

/** Decoded arguments as JSON, as the indexer stores them. */
export function argsJson(value: unknown): Json {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return /^0x[0-9a-fA-F]{40}$/.test(value) ? value.toLowerCase() : value;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return value;
  if (Array.isArray(value)) return value.map(argsJson);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, argsJson(v)]));
  }
  return null;
}

/** What the log scan reads of an ethers (typed) event log. */
interface LogLike {
  blockNumber: number;
  index: number;
  address: string;
  fragment?: EventFragment;
  args?: ArrayLike<unknown>;
}

/** The log's arguments by name (structs as objects, arrays as arrays), like viem decodes them. */
function namedArgs(fragment: EventFragment, args: ArrayLike<unknown>): Record<string, Json> {
  const out: Record<string, Json> = {};
  fragment.inputs.forEach((input, i) => {
    out[input.name] = argsJson(
      toPlain(
        args[i],
        input.components?.map((c) => c.name),
      ),
    );
  });
  return out;
}
function toPlain(value: unknown, names?: string[]): unknown {
  if (value && typeof value === "object" && "toArray" in value && typeof value.toArray === "function") {
    const arr = (value as { toArray(): unknown[] }).toArray();
    if (names && names.every((n) => n !== "")) return Object.fromEntries(names.map((n, i) => [n, toPlain(arr[i])]));
    return arr.map((v) => toPlain(v));
  }
  return value;
}

/** The same questions answered by scanning the chain's logs from `fromBlock` (the baseline; see the header). */
export class ChainHistory implements HistorySource {
  readonly kind = "chain" as const;
  private readonly times = new Map<number, number>();

  constructor(
    readonly provider: Provider,
    readonly fromBlock = 0,
  ) {}

  progress(): Progress | null {
    return null;
  }

  private async events(logs: LogLike[]): Promise<HistoryEvent[]> {
    const decoded = logs.filter(
      (l): l is LogLike & { fragment: EventFragment; args: ArrayLike<unknown> } => !!l.fragment && !!l.args,
    );
    const missing = [...new Set(decoded.map((l) => l.blockNumber))].filter((b) => !this.times.has(b));
    const blocks = await Promise.all(missing.map((b) => this.provider.getBlock(b)));
    missing.forEach((b, i) => this.times.set(b, blocks[i]?.timestamp ?? 0));
    return decoded
      .map((l) => ({
        name: l.fragment.name,
        contract: l.address.toLowerCase(),
        args: namedArgs(l.fragment, l.args),
        block: l.blockNumber,
        logIndex: l.index,
        timestamp: this.times.get(l.blockNumber) ?? 0,
      }))
      .sort(ordered);
  }

  async item(supplyChain: string, lotId: string, itemKey: string, depth: number): Promise<ItemRecord> {
    const { SupplyChain__factory } = await factories();
    const sc = SupplyChain__factory.connect(supplyChain, this.provider);
    const f = sc.filters;
    const q = <T extends Parameters<typeof sc.queryFilter>[0]>(filter: T) => sc.queryFilter(filter, this.fromBlock);
    const lots: { level: number; event: HistoryEvent }[] = [];
    let frontier = [lotId.toLowerCase()];
    const seen = new Set<string>();
    for (let level = 0; level <= depth && frontier.length > 0; level++) {
      const ids = frontier.filter((id) => !seen.has(id));
      ids.forEach((id) => seen.add(id));
      const found = await this.events((await Promise.all(ids.map((id) => q(f.LotCommissioned(id))))).flat());
      for (const e of found) lots.push({ level, event: e });
      frontier =
        level === depth ? [] : found.flatMap((e) => (e.args.inputLots as string[]).map((x) => x.toLowerCase()));
    }
    const [overlays, items, packings] = await Promise.all([
      Promise.all([
        q(f.LotRecalled(lotId)),
        q(f.LotQuarantined(lotId)),
        q(f.LotReleased(lotId)),
        q(f.LotDestroyed(lotId)),
      ]),
      Promise.all([
        q(f.ItemActivated(lotId, itemKey)),
        q(f.ItemShipped(itemKey)),
        q(f.ItemReceived(itemKey)),
        q(f.ItemDecommissioned(itemKey)),
        q(f.DecommissionUndone(itemKey)),
        q(f.CloneAlerted(undefined, itemKey)),
        q(f.ItemStateReported(itemKey)),
      ]),
      Promise.all([q(f.ItemPacked(undefined, itemKey)), q(f.ItemUnpacked(undefined, itemKey))]),
    ]);
    const packingEvents = await this.events(packings.flat());
    const ssccs = [...new Set(packingEvents.map((p) => String(p.args.sscc)))];
    const pallets = (
      await Promise.all(ssccs.map((s) => Promise.all([q(f.PalletShipped(BigInt(s))), q(f.PalletReceived(BigInt(s)))])))
    ).flat(2);
    return {
      lots,
      overlays: await this.events(overlays.flat()),
      items: await this.events(items.flat()),
      packings: packingEvents,
      pallets: await this.events(pallets),
    };
  }

  async shipment(coldChain: string, id: bigint): Promise<HistoryEvent[]> {
    const { ColdChain__factory } = await factories();
    const cc = ColdChain__factory.connect(coldChain, this.provider);
    const f = cc.filters;
    const from = this.fromBlock;
    const logs = await Promise.all([
      cc.queryFilter(f.ShipmentOpened(id), from),
      cc.queryFilter(f.ReadingsRecorded(id), from),
      cc.queryFilter(f.ExcursionAlarmed(id), from),
      cc.queryFilter(f.ShipmentQuarantined(id), from),
      cc.queryFilter(f.ShipmentReleased(id), from),
      cc.queryFilter(f.ShipmentDestroyed(id), from),
      cc.queryFilter(f.ShipmentReceived(id), from),
      cc.queryFilter(f.LotQuarantineFailed(id), from),
    ]);
    return this.events(logs.flat());
  }

  async excursions(coldChain: string): Promise<HistoryEvent[]> {
    const { ColdChain__factory } = await factories();
    const cc = ColdChain__factory.connect(coldChain, this.provider);
    return this.events(await cc.queryFilter(cc.filters.ExcursionAlarmed(), this.fromBlock));
  }

  async patient(records: string, patient: string, names?: string[]): Promise<HistoryEvent[]> {
    const { MedicalRecords__factory } = await factories();
    const mr = MedicalRecords__factory.connect(records, this.provider);
    const f = mr.filters;
    const from = this.fromBlock;
    const all: [string, () => Promise<LogLike[]>][] = [
      ["RecordAnchored", () => mr.queryFilter(f.RecordAnchored(undefined, patient), from)],
      ["GuardianChanged", () => mr.queryFilter(f.GuardianChanged(patient), from)],
      ["ConsentGranted", () => mr.queryFilter(f.ConsentGranted(undefined, patient), from)],
      ["ConsentRevoked", () => mr.queryFilter(f.ConsentRevoked(undefined, patient), from)],
      ["AccessAudited", () => mr.queryFilter(f.AccessAudited(undefined, patient), from)],
      ["EmergencyAccessOpened", () => mr.queryFilter(f.EmergencyAccessOpened(undefined, patient), from)],
      ["EmergencyReviewed", () => mr.queryFilter(f.EmergencyReviewed(undefined, patient), from)],
    ];
    const wanted = all.filter(([n]) => !names || names.includes(n));
    return this.events((await Promise.all(wanted.map(([, read]) => read()))).flat());
  }

  async portfolio(
    system: { registry: string; offering: string; market: string },
    account: string,
  ): Promise<PortfolioRecord> {
    const { AssetMarket__factory, AssetOffering__factory, AssetRegistry__factory, AssetShareToken__factory } =
      await factories();
    const registry = AssetRegistry__factory.connect(system.registry, this.provider);
    const from = this.fromBlock;
    const registered = await registry.queryFilter(registry.filters.AssetRegistered(), from);
    const assetOfToken: Record<string, string> = {};
    const tokenLogs: LogLike[] = [];
    for (const r of registered) {
      const token = AssetShareToken__factory.connect(r.args.shareToken, this.provider);
      const f = token.filters;
      const logs = (
        await Promise.all([
          token.queryFilter(f.Transfer(account), from),
          token.queryFilter(f.Transfer(undefined, account), from),
          token.queryFilter(f.RevenueClaimed(account), from),
          token.queryFilter(f.RevenueMoved(account), from),
          token.queryFilter(f.RevenueMoved(undefined, account), from),
        ])
      ).flat();
      if (logs.length > 0) assetOfToken[r.args.shareToken.toLowerCase()] = r.args.assetId.toString();
      tokenLogs.push(...logs);
    }
    const offering = AssetOffering__factory.connect(system.offering, this.provider);
    const market = AssetMarket__factory.connect(system.market, this.provider);
    const [bought, refunded, asBuyer, asSeller] = await Promise.all([
      offering.queryFilter(offering.filters.SharesPurchased(undefined, account), from),
      offering.queryFilter(offering.filters.OfferingRefunded(undefined, account), from),
      market.queryFilter(market.filters.ListingFilled(undefined, account), from),
      market.queryFilter(market.filters.ListingFilled(undefined, undefined, account), from),
    ]);
    // A self-transfer matches both filters: keep each log once.
    const unique = (logs: LogLike[]) => [...new Map(logs.map((l) => [`${l.blockNumber}-${l.index}`, l])).values()];
    return {
      tokenEvents: await this.events(unique(tokenLogs)),
      offeringEvents: await this.events([...bought, ...refunded]),
      fills: await this.events(unique([...asBuyer, ...asSeller])),
      assetOfToken,
    };
  }
}

/**
 * The history source for a provider: the indexer at `url` (default INDEXER_URL in Node) when there is one,
 * otherwise the chain's logs (only sensible on a short development chain: the in-process Hardhat network).
 */
export function historyFor(provider: Provider, url: string | undefined = envIndexerUrl()): HistorySource {
  return url ? new IndexerHistory(url) : new ChainHistory(provider);
}
function envIndexerUrl(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.INDEXER_URL || undefined;
}

// ---------------------------------------------------------------- timelines, built once from rows

/** Names organisations (by id) and accounts (by address) in timeline lines. */
export interface HistoryNamer {
  org(id: number): string;
  account(address: string): string;
}
export const plainNamer: HistoryNamer = { org: (id) => `org #${id}`, account: (a) => a };

/** One line of a timeline. */
export interface TimelineEntry {
  block: number;
  logIndex: number;
  timestamp: number;
  what: string;
  detail: string;
  tone: "normal" | "warn" | "bad";
}

/** `ItemState` of ISupplyChain, by index (as src/supplychain.ts's ITEM_STATES). */
const ITEM_STATE_WORDS = [
  "none",
  "commissioned",
  "in transit",
  "received",
  "decommissioned",
  "destroyed",
  "stolen",
  "returned",
] as const;

/** A bytes32 CBV step as text (or the hex when it is not a short string). */
export function stepWords(step: string): string {
  const hex = step.replace(/^0x/, "");
  let text = "";
  for (let i = 0; i + 1 < hex.length; i += 2) {
    const c = parseInt(hex.slice(i, i + 2), 16);
    if (c === 0) break;
    text += String.fromCharCode(c);
  }
  return /^[\x20-\x7e]*$/.test(text) ? text : step;
}

/**
 * An item's timeline: its lot and upstream lots, activation, custody (its own and its pallets' while it was
 * packed), sale, clone alerts, reports and the lot's overlays, in chain order. The verify page and `supply:trace`
 * both show this.
 */
export function itemTimeline(record: ItemRecord, names: HistoryNamer = plainNamer): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const add = (e: HistoryEvent, what: string, detail: string, tone: TimelineEntry["tone"] = "normal") =>
    out.push({ block: e.block, logIndex: e.logIndex, timestamp: e.timestamp, what, detail, tone });
  const org = (v: Json) => names.org(Number(v));
  for (const { level, event: e } of record.lots) {
    const a = e.args;
    const inputs = (a.inputLots as string[]).length;
    add(
      e,
      level === 0 ? "Lot commissioned" : `Upstream lot (level ${level}) commissioned`,
      `by ${org(a.manufacturer)}: ${a.itemCount} serials committed, GTIN ${a.gtin}, expiry ${yymmddFromExpiry(Number(a.expiry))}${inputs ? `, ${inputs} input lot(s)` : ""}`,
    );
  }
  for (const e of record.overlays) {
    const by = e.name === "LotRecalled" ? org(e.args.by) : names.account(String(e.args.by));
    if (e.name === "LotRecalled") add(e, "Lot recalled", `by ${by}`, "bad");
    else if (e.name === "LotQuarantined") add(e, "Lot quarantined", `by ${by}`, "bad");
    else if (e.name === "LotReleased") add(e, "Lot released from quarantine", `by ${by}`, "warn");
    else if (e.name === "LotDestroyed") add(e, "Lot destroyed", `by ${by}`, "bad");
  }
  for (const e of record.items) {
    const a = e.args;
    switch (e.name) {
      case "ItemActivated":
        add(e, "Item on chain", a.registered ? "registered individually" : "activated with its Merkle proof");
        break;
      case "ItemShipped":
        add(e, `Shipped (${stepWords(String(a.bizStep))})`, `${org(a.from)} → ${org(a.to)}`);
        break;
      case "ItemReceived":
        add(e, "Received", `by ${org(a.by)}${a.sellable ? ", sellable" : ", non-sellable"}`);
        break;
      case "ItemDecommissioned":
        add(e, `Decommissioned (${stepWords(String(a.bizStep))})`, `by ${org(a.by)}`);
        break;
      case "DecommissionUndone":
        add(e, "Sale undone", `by ${org(a.by)}`, "warn");
        break;
      case "CloneAlerted":
        add(e, "Clone alert", `code presented again by ${org(a.reporter)} after ${org(a.firstBy)} sold it`, "bad");
        break;
      case "ItemStateReported":
        add(e, `Reported ${ITEM_STATE_WORDS[Number(a.state)] ?? a.state}`, `by ${org(a.by)}`, "bad");
        break;
    }
  }
  const packed = record.packings.filter((p) => p.name === "ItemPacked");
  const unpacked = record.packings.filter((p) => p.name === "ItemUnpacked");
  for (const p of packed) {
    const sscc = String(p.args.sscc);
    add(p, "Packed", `into pallet SSCC ${sscc.padStart(18, "0")}`);
    const end = unpacked.find((u) => String(u.args.sscc) === sscc && ordered(u, p) > 0);
    const within = (e: HistoryEvent) => ordered(e, p) > 0 && (!end || ordered(e, end) < 0);
    for (const e of record.pallets.filter((x) => String(x.args.sscc) === sscc && within(x))) {
      if (e.name === "PalletShipped") {
        add(e, `Pallet shipped (${stepWords(String(e.args.bizStep))})`, `${org(e.args.from)} → ${org(e.args.to)}`);
      } else if (e.name === "PalletReceived") add(e, "Pallet received", `by ${org(e.args.by)}`);
    }
    if (end) add(end, "Unpacked", `from pallet SSCC ${sscc.padStart(18, "0")}`);
  }
  return out.sort((a, b) => a.block - b.block || a.logIndex - b.logIndex);
}
