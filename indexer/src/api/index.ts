/**
 * The indexer's HTTP API on Ponder's server: Ponder's own `/ready`, `/status`, `/graphql` and `/sql/*`, and the
 * REST routes under `/history` whose JSON shapes are src/history/types.ts. Every answer carries `indexedBlock` and
 * `headBlock` ("indexed to block N of M"). CORS and the chain-identity guard sit in front of this server (the
 * launcher's proxy, scripts/indexer.ts): Ponder's own server answers any origin.
 */
import { Hono, type Context as HonoContext } from "hono";
import { and, asc, client, desc, eq, graphql, inArray, isNotNull, or } from "ponder";
import { db, publicClients } from "ponder:api";
import schema from "ponder:schema";
import type {
  AlarmsAnswer,
  AssetHistory,
  AssetRevenue,
  AssetSummary,
  ConsentHistory,
  ConsentTermsJson,
  DeviceSummary,
  EpcisAnchor,
  EventRef,
  HistoryEnvelope,
  HistoryError,
  HistoryEvent,
  HistoryStatus,
  Holding,
  ItemTimeline,
  ItemTimelineEvent,
  ListingSummary,
  LotHistory,
  LotSummary,
  MemberSummary,
  MeteredHistory,
  OfferingSummary,
  PalletHistory,
  PatientAudit,
  PolicyClaims,
  Portfolio,
  ProposalSummary,
  ShipmentAlarm,
  ShipmentHistory,
  ShipmentReadings,
  ArgValue,
} from "../../../src/history/types";

const app = new Hono();

app.use("/sql/*", client({ db, schema }));
app.use("/graphql", graphql({ db, schema }));

type EventRow = typeof schema.event.$inferSelect;
/** A drizzle condition (what `and`/`eq` build). */
type SQL = NonNullable<ReturnType<typeof and>>;

const BASE = `http://127.0.0.1:${process.env.CITY_PONDER_PORT ?? "42069"}`;
const CACHE_MS = 500;
const RPC_URL = process.env.CITY_RPC_URL ?? "";
let progress: { at: number; indexed: bigint; head: bigint; ready: boolean } | undefined;

/**
 * The chain's head, asked of the node directly (eth_blockNumber): Ponder's own RPC queue can be busy with the
 * backfill, and a status answer must not wait behind it. The last known head stands in if the node is slow.
 */
async function headBlock(fallback: bigint): Promise<bigint> {
  try {
    const res = await fetch(RPC_URL, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await res.json()) as { result?: string };
    return body.result ? BigInt(body.result) : fallback;
  } catch {
    return fallback;
  }
}

/** How far the indexer has read (Ponder's checkpoint) and the chain's head, cached for half a second. */
async function chainProgress(): Promise<{ indexed: bigint; head: bigint; ready: boolean }> {
  if (progress && Date.now() - progress.at < CACHE_MS) return progress;
  const [status, ready, head] = await Promise.all([
    fetch(`${BASE}/status`).then((r) => r.json() as Promise<Record<string, { block: { number: number } }>>),
    fetch(`${BASE}/ready`).then((r) => r.status === 200),
    headBlock(progress?.head ?? 0n),
  ]);
  const indexed = BigInt(Object.values(status)[0]?.block.number ?? 0);
  progress = { at: Date.now(), indexed, head: head > indexed ? head : indexed, ready };
  return progress;
}

let chainIdText: string | undefined;
/**
 * The indexed chain's id. Ponder knows a chain object only for ids viem lists (31337 is Hardhat's); a private
 * network's id (the PoA chain's) is asked of the node once.
 */
async function indexedChainId(): Promise<string> {
  chainIdText ??= String(publicClients.city.chain?.id ?? (await publicClients.city.getChainId()));
  return chainIdText;
}

async function answer<T>(c: HonoContext, data: T): Promise<Response> {
  const p = await chainProgress();
  const body: HistoryEnvelope<T> = {
    chainId: await indexedChainId(),
    indexedBlock: p.indexed.toString(),
    headBlock: p.head.toString(),
    data,
  };
  return c.json(body);
}

function fail(c: HonoContext, status: 400 | 404, code: HistoryError["code"], error: string): Response {
  return c.json({ error, code } satisfies HistoryError, status);
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const UINT = /^[0-9]{1,78}$/;

const ref = (r: unknown): EventRef => r as EventRef;

function historyEvent(row: EventRow): HistoryEvent {
  return {
    event: row.name,
    contract: row.contract,
    blockNumber: row.blockNumber.toString(),
    timestamp: row.timestamp.toString(),
    txHash: row.txHash,
    logIndex: row.logIndex,
    from: row.from,
    args: row.args as Record<string, ArgValue>,
  };
}

async function events(where: SQL | undefined): Promise<EventRow[]> {
  return db.select().from(schema.event).where(where).orderBy(asc(schema.event.id));
}

async function eventsByIds(ids: string[]): Promise<EventRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(schema.event).where(inArray(schema.event.id, ids)).orderBy(asc(schema.event.id));
}

// --- status -------------------------------------------------------------------------------------------------------

app.get("/history/status", async (c) => {
  const p = await chainProgress();
  const status: HistoryStatus = {
    chainId: await indexedChainId(),
    indexedBlock: p.indexed.toString(),
    headBlock: p.head.toString(),
    behind: (p.head > p.indexed ? p.head - p.indexed : 0n).toString(),
    ready: p.ready,
  };
  return c.json(status);
});

// --- supply chain -------------------------------------------------------------------------------------------------

const LOT_EVENTS = ["LotCommissioned", "LotRecalled", "LotQuarantined", "LotReleased", "LotDestroyed"];

app.get("/history/items/:itemKey/timeline", async (c) => {
  const itemKey = c.req.param("itemKey").toLowerCase() as `0x${string}`;
  if (!HEX32.test(itemKey)) return fail(c, 400, "bad-request", "itemKey must be a bytes32 hex string");
  // An item still inside its lot's Merkle root has no events of its own: the caller, who read the lot from the
  // pack, names it (`?lotId=`) and gets the lot's history.
  const hint = c.req.query("lotId")?.toLowerCase() as `0x${string}` | undefined;
  if (hint !== undefined && !HEX32.test(hint)) return fail(c, 400, "bad-request", "lotId must be a bytes32 hex string");
  const [item] = await db.select().from(schema.item).where(eq(schema.item.itemKey, itemKey));
  const own = await events(eq(schema.event.itemKey, itemKey));
  const hinted = hint ? (await db.select().from(schema.lot).where(eq(schema.lot.lotId, hint)))[0] : undefined;
  if (!item && own.length === 0 && !hinted) return fail(c, 404, "not-found", `item ${itemKey} is not on chain`);
  const lotId = item?.lotId ?? own.find((e) => e.lotId)?.lotId ?? hinted?.lotId ?? null;
  const lotEvents = lotId
    ? await events(and(eq(schema.event.lotId, lotId), inArray(schema.event.name, LOT_EVENTS)))
    : [];
  const via = await db.select().from(schema.itemPalletEvent).where(eq(schema.itemPalletEvent.itemKey, itemKey));
  const palletRows = await eventsByIds(via.map((v) => v.eventId));
  const viaSscc = new Map(via.map((v) => [v.eventId, v.sscc.toString()]));
  const all = [...own, ...lotEvents, ...palletRows].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const lot = lotId ? (await db.select().from(schema.lot).where(eq(schema.lot.lotId, lotId)))[0] : undefined;
  const timeline: ItemTimeline = {
    itemKey,
    lotId,
    gtin: lot ? lot.gtin.toString() : null,
    events: all.map((row): ItemTimelineEvent => ({
      ...historyEvent(row),
      itemKey,
      viaSscc: viaSscc.get(row.id) ?? null,
      org: orgOf(row),
      epcisHash: row.epcisHash ?? null,
    })),
  };
  return answer(c, timeline);
});

/** The organisation an event names as the actor (by, from, manufacturer, reporter). */
function orgOf(row: EventRow): number | null {
  const a = row.args as Record<string, ArgValue>;
  for (const k of ["by", "from", "manufacturer", "reporter"]) {
    const v = a[k];
    if (typeof v === "string" && UINT.test(v)) return Number(v);
  }
  return null;
}

function lotSummary(l: typeof schema.lot.$inferSelect): LotSummary {
  return {
    lotId: l.lotId,
    gtin: l.gtin.toString(),
    manufacturer: l.manufacturer,
    lotNumberHash: l.lotNumberHash,
    expiry: l.expiry.toString(),
    origin: l.origin,
    merkleRoot: l.merkleRoot,
    itemCount: l.itemCount,
    inputLots: l.inputLots,
    commissioned: ref(l.ref),
    status: l.status as LotSummary["status"],
  };
}

app.get("/history/lots", async (c) => {
  const { gtin, limit } = c.req.query();
  if (gtin !== undefined && !UINT.test(gtin)) return fail(c, 400, "bad-request", "gtin must be a decimal number");
  if (limit !== undefined && !/^[0-9]{1,4}$/.test(limit)) return fail(c, 400, "bad-request", "limit must be 1-1000");
  const max = Math.min(Math.max(Number(limit ?? 200), 1), 1_000);
  const rows = await db
    .select()
    .from(schema.lot)
    .where(gtin !== undefined ? eq(schema.lot.gtin, BigInt(gtin)) : undefined);
  // Newest commissioning first; the page asks for as many as it shows.
  const body: LotSummary[] = rows
    .map(lotSummary)
    .sort(
      (x, y) =>
        Number(BigInt(y.commissioned.blockNumber) - BigInt(x.commissioned.blockNumber)) ||
        y.commissioned.logIndex - x.commissioned.logIndex,
    )
    .slice(0, max);
  return answer(c, body);
});

app.get("/history/lots/:lotId", async (c) => {
  const lotId = c.req.param("lotId").toLowerCase() as `0x${string}`;
  if (!HEX32.test(lotId)) return fail(c, 400, "bad-request", "lotId must be a bytes32 hex string");
  const [lot] = await db.select().from(schema.lot).where(eq(schema.lot.lotId, lotId));
  if (!lot) return fail(c, 404, "not-found", `lot ${lotId} was never commissioned`);
  // Upstream lots, breadth first (nearest first), each once.
  const upstream: LotSummary[] = [];
  const seen = new Set<string>([lotId]);
  let frontier: `0x${string}`[] = [lotId];
  while (frontier.length > 0) {
    const edges = await db.select().from(schema.lotInput).where(inArray(schema.lotInput.lotId, frontier));
    const next = [...new Set(edges.map((e) => e.inputLotId))].filter((id) => !seen.has(id));
    next.forEach((id) => seen.add(id));
    if (next.length === 0) break;
    const rows = await db.select().from(schema.lot).where(inArray(schema.lot.lotId, next));
    const byId = new Map(rows.map((r) => [r.lotId, r]));
    for (const id of next) {
      const r = byId.get(id);
      if (r) upstream.push(lotSummary(r));
    }
    frontier = next;
  }
  const body: LotHistory = {
    lot: lotSummary(lot),
    events: (await events(and(eq(schema.event.lotId, lotId), inArray(schema.event.name, LOT_EVENTS)))).map(
      historyEvent,
    ),
    upstream,
  };
  return answer(c, body);
});

app.get("/history/pallets/:sscc", async (c) => {
  const raw = c.req.param("sscc");
  if (!UINT.test(raw)) return fail(c, 400, "bad-request", "sscc must be a decimal number");
  const sscc = BigInt(raw);
  const [pallet] = await db.select().from(schema.pallet).where(eq(schema.pallet.sscc, sscc));
  const rows = await events(eq(schema.event.sscc, sscc));
  if (!pallet && rows.length === 0) return fail(c, 404, "not-found", `pallet ${raw} is not on chain`);
  const everMembers = pallet?.everMembers ?? [];
  const items =
    everMembers.length > 0
      ? await db
          .select()
          .from(schema.item)
          .where(inArray(schema.item.itemKey, everMembers as `0x${string}`[]))
      : [];
  const body: PalletHistory = {
    sscc: sscc.toString(),
    members: pallet?.members ?? [],
    everMembers,
    itemLots: Object.fromEntries(items.filter((i) => i.lotId !== null).map((i) => [i.itemKey, i.lotId!])),
    events: rows.map(historyEvent),
  };
  return answer(c, body);
});

// --- cold chain ---------------------------------------------------------------------------------------------------

function shipmentAlarm(row: EventRow, open: boolean): ShipmentAlarm {
  const a = row.args as Record<string, string>;
  return {
    ...historyEvent(row),
    shipmentId: a.id!,
    device: a.device!,
    kind: Number(a.kind),
    at: a.at!,
    deviation: Number(a.deviation),
    duration: Number(a.duration),
    open,
  };
}

app.get("/history/shipments/:id", async (c) => {
  const raw = c.req.param("id");
  if (!UINT.test(raw)) return fail(c, 400, "bad-request", "shipment id must be a decimal number");
  const id = BigInt(raw);
  const [s] = await db.select().from(schema.shipment).where(eq(schema.shipment.id, id));
  if (!s) return fail(c, 404, "not-found", `shipment ${raw} was never opened`);
  const rows = await events(eq(schema.event.shipmentId, id));
  const alarms = await db.select().from(schema.alarm).where(eq(schema.alarm.shipmentId, id));
  const open = new Map(alarms.map((x) => [x.eventId, x.open]));
  const receipt = rows.find((r) => r.id === s.receiptEventId);
  const body: ShipmentHistory = {
    id: raw,
    sender: s.sender,
    receiver: s.receiver,
    carrier: s.carrier,
    storageClass: s.storageClass,
    referenceHash: s.referenceHash,
    opened: ref(s.ref),
    status: s.status as ShipmentHistory["status"],
    readings: rows
      .filter((r) => r.name === "ReadingsRecorded")
      .map((r): ShipmentReadings => {
        const a = r.args as Record<string, string>;
        return {
          ...historyEvent(r),
          device: a.device!,
          count: Number(a.count),
          firstValue: Number(a.firstValue),
          lastValue: Number(a.lastValue),
          outside: Number(a.outside),
        };
      }),
    alarms: rows.filter((r) => r.name === "ExcursionAlarmed").map((r) => shipmentAlarm(r, open.get(r.id) ?? false)),
    receipt: receipt ? { ...historyEvent(receipt), mkt: Number((receipt.args as Record<string, string>).mkt) } : null,
    events: rows.map(historyEvent),
  };
  return answer(c, body);
});

app.get("/history/alarms", async (c) => {
  const onlyOpen = c.req.query("open") === "1";
  const alarms = await db
    .select()
    .from(schema.alarm)
    .where(onlyOpen ? eq(schema.alarm.open, true) : undefined);
  const meters = await db
    .select()
    .from(schema.meterAlarm)
    .where(onlyOpen ? eq(schema.meterAlarm.reviewed, false) : undefined);
  const rows = new Map((await eventsByIds([...alarms, ...meters].map((a) => a.eventId))).map((r) => [r.id, r]));
  const body: AlarmsAnswer = {
    shipmentAlarms: alarms
      .filter((a) => rows.has(a.eventId))
      .sort((x, y) => (x.eventId < y.eventId ? -1 : 1))
      .map((a) => shipmentAlarm(rows.get(a.eventId)!, a.open)),
    meterAlarms: meters
      .filter((m) => rows.has(m.eventId))
      .sort((x, y) => (x.eventId < y.eventId ? -1 : 1))
      .map((m) => ({
        ...historyEvent(rows.get(m.eventId)!),
        assetId: m.assetId.toString(),
        heldId: m.heldId.toString(),
        reviewed: m.reviewed,
      })),
  };
  return answer(c, body);
});

app.get("/history/devices", async (c) => {
  const rows = await db.select().from(schema.device).orderBy(asc(schema.device.address));
  const body: DeviceSummary[] = rows.map((d) => ({
    address: d.address,
    ownerOrg: d.ownerOrg,
    managerOrg: d.managerOrg,
    kind: d.kind,
    firmware: d.firmware,
    calibratedUntil: d.calibratedUntil.toString(),
    suspended: d.suspended,
    revoked: d.revoked,
    batches: d.batches,
  }));
  return answer(c, body);
});

// --- assets -------------------------------------------------------------------------------------------------------

function assetSummary(a: typeof schema.asset.$inferSelect): AssetSummary {
  return {
    assetId: a.assetId.toString(),
    kind: a.kind,
    operatorOrg: a.operatorOrg,
    shareToken: a.shareToken,
    metadataHash: a.metadataHash,
    cap: a.cap.toString(),
    status: a.status,
    registered: ref(a.ref),
    supply: a.supply.toString(),
    holders: a.holders,
  };
}

const holding = (h: typeof schema.holding.$inferSelect): Holding => ({
  assetId: h.assetId.toString(),
  shareToken: h.shareToken,
  account: h.account,
  balance: h.balance.toString(),
});

/** An asset by its share token address or its id. */
async function findAsset(key: string) {
  const where = ADDRESS.test(key)
    ? eq(schema.asset.shareToken, key.toLowerCase() as `0x${string}`)
    : UINT.test(key)
      ? eq(schema.asset.assetId, BigInt(key))
      : undefined;
  if (!where) return undefined;
  return (await db.select().from(schema.asset).where(where))[0];
}

app.get("/history/assets", async (c) => {
  const rows = await db.select().from(schema.asset).orderBy(asc(schema.asset.assetId));
  return answer(c, rows.map(assetSummary));
});

app.get("/history/assets/:token", async (c) => {
  const a = await findAsset(c.req.param("token"));
  if (!a) return fail(c, 404, "not-found", `no asset ${c.req.param("token")}`);
  const holdings = await db
    .select()
    .from(schema.holding)
    .where(eq(schema.holding.shareToken, a.shareToken))
    .orderBy(asc(schema.holding.account));
  const body: AssetHistory = {
    asset: assetSummary(a),
    holdings: holdings.filter((h) => h.balance > 0n).map(holding),
    events: (await events(eq(schema.event.assetId, a.assetId))).map(historyEvent),
  };
  return answer(c, body);
});

app.get("/history/assets/:token/revenue", async (c) => {
  const a = await findAsset(c.req.param("token"));
  if (!a) return fail(c, 404, "not-found", `no asset ${c.req.param("token")}`);
  const days = await db
    .select()
    .from(schema.revenueDay)
    .where(eq(schema.revenueDay.shareToken, a.shareToken))
    .orderBy(asc(schema.revenueDay.day), asc(schema.revenueDay.paymentToken));
  const claims = await events(and(eq(schema.event.shareToken, a.shareToken), eq(schema.event.name, "RevenueClaimed")));
  const body: AssetRevenue = {
    shareToken: a.shareToken,
    days: days.map((d) => ({
      day: d.day,
      paymentToken: d.paymentToken,
      amount: d.amount.toString(),
      deposits: d.deposits,
      meteredKWh: d.meteredKWh.toString(),
    })),
    claims: claims.map((r) => {
      const x = r.args as Record<string, string>;
      return { ...historyEvent(r), account: x.account!, paymentToken: x.paymentToken!, amount: x.amount! };
    }),
  };
  return answer(c, body);
});

function listingSummary(l: typeof schema.listing.$inferSelect): ListingSummary {
  return {
    listingId: l.listingId.toString(),
    seller: l.seller,
    assetId: l.assetId.toString(),
    amount: l.amount.toString(),
    remaining: l.remaining.toString(),
    paymentToken: l.paymentToken,
    price: l.price.toString(),
    expiry: l.expiry.toString(),
    status: l.status as ListingSummary["status"],
    listed: ref(l.ref),
  };
}

app.get("/history/investors/:address/portfolio", async (c) => {
  const account = c.req.param("address").toLowerCase() as `0x${string}`;
  if (!ADDRESS.test(account)) return fail(c, 400, "bad-request", "address must be a 20-byte hex address");
  const links = await db.select().from(schema.accountEvent).where(eq(schema.accountEvent.account, account));
  const rows = new Map((await eventsByIds([...new Set(links.map((l) => l.eventId))])).map((r) => [r.id, r]));
  const byRole = (role: string) =>
    [...new Set(links.filter((l) => l.role === role).map((l) => l.eventId))]
      .sort()
      .map((id) => historyEvent(rows.get(id)!));
  const holdings = await db
    .select()
    .from(schema.holding)
    .where(eq(schema.holding.account, account))
    .orderBy(asc(schema.holding.assetId));
  const listings = await db
    .select()
    .from(schema.listing)
    .where(eq(schema.listing.seller, account))
    .orderBy(asc(schema.listing.listingId));
  const body: Portfolio = {
    account,
    holdings: holdings.filter((h) => h.balance > 0n).map(holding),
    purchases: byRole("purchase"),
    refunds: byRole("refund"),
    claims: byRole("claim"),
    fills: byRole("fill"),
    listings: listings.map(listingSummary),
    transfers: byRole("transfer"),
  };
  return answer(c, body);
});

app.get("/history/offerings", async (c) => {
  const rows = await db.select().from(schema.offering).orderBy(asc(schema.offering.offeringId));
  const body: OfferingSummary[] = rows.map((o) => ({
    offeringId: o.offeringId.toString(),
    assetId: o.assetId.toString(),
    initiatorOrg: o.initiatorOrg,
    beneficiaryOrg: o.beneficiaryOrg,
    paymentToken: o.paymentToken,
    price: o.price.toString(),
    softCap: o.softCap.toString(),
    hardCap: o.hardCap.toString(),
    start: o.start.toString(),
    deadline: o.deadline.toString(),
    sold: o.sold.toString(),
    raised: o.raised.toString(),
    succeeded: o.succeeded ?? null,
    opened: ref(o.ref),
  }));
  return answer(c, body);
});

app.get("/history/listings", async (c) => {
  const status = c.req.query("status");
  const rows = await db
    .select()
    .from(schema.listing)
    .where(status ? eq(schema.listing.status, status) : undefined)
    .orderBy(asc(schema.listing.listingId));
  return answer(c, rows.map(listingSummary));
});

const PPA_SETTLEMENTS = ["PpaSettled", "PpaWaterfall"];
const VENDING_PERIODS = ["VendingReconciled", "VendingArrearOpened", "VendingDeposited"];

app.get("/history/metered/:assetId", async (c) => {
  const raw = c.req.param("assetId");
  if (!UINT.test(raw)) return fail(c, 400, "bad-request", "assetId must be a decimal number");
  const rows = await events(
    and(eq(schema.event.assetId, BigInt(raw)), inArray(schema.event.source, ["AssetPPA", "AssetVending"])),
  );
  const kind: MeteredHistory["kind"] = rows.some((r) => r.source === "AssetPPA")
    ? "ppa"
    : rows.some((r) => r.source === "AssetVending")
      ? "vending"
      : "none";
  const body: MeteredHistory = {
    assetId: raw,
    kind,
    events: rows.map(historyEvent),
    settlements: rows.filter((r) => PPA_SETTLEMENTS.includes(r.name)).map(historyEvent),
    periods: rows.filter((r) => VENDING_PERIODS.includes(r.name)).map(historyEvent),
  };
  return answer(c, body);
});

// --- medical ------------------------------------------------------------------------------------------------------

const AUDIT_EVENTS = ["AccessAudited", "EmergencyAccessOpened", "EmergencyReviewed"];

function consentHistory(row: typeof schema.consent.$inferSelect): ConsentHistory {
  return {
    consentId: row.consentId.toString(),
    patient: row.patient,
    grantedBy: row.grantedBy,
    terms: row.terms as ConsentTermsJson,
    granted: ref(row.ref),
    revoked: (row.revoked as ConsentHistory["revoked"]) ?? null,
  };
}

app.get("/history/patients/:address/audit", async (c) => {
  const patient = c.req.param("address").toLowerCase() as `0x${string}`;
  if (!ADDRESS.test(patient)) return fail(c, 400, "bad-request", "address must be a 20-byte hex address");
  const rows = await events(and(eq(schema.event.patient, patient), inArray(schema.event.name, AUDIT_EVENTS)));
  const body: PatientAudit = { patient, events: rows.map(historyEvent) };
  return answer(c, body);
});

app.get("/history/patients/:address/consents", async (c) => {
  const patient = c.req.param("address").toLowerCase() as `0x${string}`;
  if (!ADDRESS.test(patient)) return fail(c, 400, "bad-request", "address must be a 20-byte hex address");
  const rows = await db
    .select()
    .from(schema.consent)
    .where(eq(schema.consent.patient, patient))
    .orderBy(asc(schema.consent.consentId));
  return answer(c, rows.map(consentHistory));
});

app.get("/history/consents/:id", async (c) => {
  const raw = c.req.param("id");
  if (!UINT.test(raw)) return fail(c, 400, "bad-request", "consent id must be a decimal number");
  const [row] = await db
    .select()
    .from(schema.consent)
    .where(eq(schema.consent.consentId, BigInt(raw)));
  if (!row) return fail(c, 404, "not-found", `consent ${raw} was never granted`);
  return answer(c, consentHistory(row));
});

app.get("/history/policies/:id/claims", async (c) => {
  const raw = c.req.param("id");
  if (!UINT.test(raw)) return fail(c, 400, "bad-request", "policy id must be a decimal number");
  const policyId = BigInt(raw);
  const [p] = await db.select().from(schema.policy).where(eq(schema.policy.policyId, policyId));
  const rows = await events(eq(schema.event.policyId, policyId));
  if (!p && rows.length === 0) return fail(c, 404, "not-found", `policy ${raw} was never issued`);
  const claims = await db
    .select()
    .from(schema.insuranceClaim)
    .where(eq(schema.insuranceClaim.policyId, policyId))
    .orderBy(asc(schema.insuranceClaim.claimId));
  const body: PolicyClaims = {
    policyId: raw,
    patient: p?.patient ?? null,
    insurerOrg: p?.insurerOrg ?? null,
    events: rows.filter((r) => r.claimId === null).map(historyEvent),
    claims: claims.map((cl) => ({
      claimId: cl.claimId.toString(),
      providerOrg: cl.providerOrg,
      amount: cl.amount.toString(),
      events: rows.filter((r) => r.claimId === cl.claimId).map(historyEvent),
    })),
  };
  return answer(c, body);
});

// --- consortium ---------------------------------------------------------------------------------------------------

app.get("/history/members", async (c) => {
  const rows = await db.select().from(schema.member).orderBy(asc(schema.member.orgId));
  const body: MemberSummary[] = rows.map((m) => ({
    orgId: m.orgId,
    kind: m.kind,
    name: m.name,
    metadataHash: m.metadataHash,
    roles: m.roles,
    status: m.status,
    admin: m.admin,
    accounts: m.accounts,
    admitted: ref(m.ref),
  }));
  return answer(c, body);
});

app.get("/history/proposals", async (c) => {
  const rows = await db.select().from(schema.proposal).orderBy(asc(schema.proposal.proposalId));
  const votes = await db.select().from(schema.vote).orderBy(asc(schema.vote.eventId));
  const voteRows = new Map((await eventsByIds(votes.map((v) => v.eventId))).map((r) => [r.id, r]));
  const body: ProposalSummary[] = rows.map((p) => ({
    proposalId: p.proposalId.toString(),
    kind: p.kind,
    proposer: p.proposer,
    target: p.target,
    expiresAt: p.expiresAt.toString(),
    status: p.status as ProposalSummary["status"],
    created: ref(p.ref),
    votes: votes
      .filter((v) => v.proposalId === p.proposalId)
      .map((v) => {
        const e = historyEvent(voteRows.get(v.eventId)!);
        return {
          blockNumber: e.blockNumber,
          timestamp: e.timestamp,
          txHash: e.txHash,
          logIndex: e.logIndex,
          from: e.from,
          orgId: v.orgId,
          voter: v.voter,
          support: v.support,
        };
      }),
  }));
  return answer(c, body);
});

// --- EPCIS anchors ------------------------------------------------------------------------------------------------

app.get("/history/anchors", async (c) => {
  const { epcisHash, itemKey, sscc } = c.req.query();
  const filters: (SQL | undefined)[] = [isNotNull(schema.event.epcisHash)];
  if (epcisHash) {
    if (!HEX32.test(epcisHash)) return fail(c, 400, "bad-request", "epcisHash must be a bytes32 hex string");
    filters.push(eq(schema.event.epcisHash, epcisHash.toLowerCase() as `0x${string}`));
  }
  if (itemKey) {
    if (!HEX32.test(itemKey)) return fail(c, 400, "bad-request", "itemKey must be a bytes32 hex string");
    const via = await db
      .select()
      .from(schema.itemPalletEvent)
      .where(eq(schema.itemPalletEvent.itemKey, itemKey.toLowerCase() as `0x${string}`));
    const ids = via.map((v) => v.eventId);
    const own = eq(schema.event.itemKey, itemKey.toLowerCase() as `0x${string}`);
    filters.push(ids.length > 0 ? or(own, inArray(schema.event.id, ids)) : own);
  }
  if (sscc) {
    if (!UINT.test(sscc)) return fail(c, 400, "bad-request", "sscc must be a decimal number");
    filters.push(eq(schema.event.sscc, BigInt(sscc)));
  }
  const rows = await events(and(...filters));
  const body: EpcisAnchor[] = rows.map((r) => ({
    ...historyEvent(r),
    epcisHash: r.epcisHash!,
    itemKey: r.itemKey ?? null,
    sscc: r.sscc === null ? null : r.sscc.toString(),
  }));
  return answer(c, body);
});

// --- event feeds ----------------------------------------------------------------------------------------------------

/**
 * `GET /history/events?name=A,B&contract=0x…&limit=N`: the newest events of the given names (and contract), for
 * feeds such as the console's alarms. At most `limit` (1-1,000, default 500), newest first.
 */
app.get("/history/events", async (c) => {
  const { name, contract, limit } = c.req.query();
  const names = (name ?? "").split(",").filter((n) => /^[A-Za-z][A-Za-z0-9]{0,63}$/.test(n));
  if (names.length === 0) return fail(c, 400, "bad-request", "name must list one or more event names");
  if (contract !== undefined && !ADDRESS.test(contract)) {
    return fail(c, 400, "bad-request", "contract must be a 20-byte hex address");
  }
  if (limit !== undefined && !/^[0-9]{1,4}$/.test(limit)) return fail(c, 400, "bad-request", "limit must be 1-1000");
  const max = Math.min(Math.max(Number(limit ?? 500), 1), 1_000);
  const rows = await db
    .select()
    .from(schema.event)
    .where(
      and(
        inArray(schema.event.name, names),
        contract !== undefined ? eq(schema.event.contract, contract.toLowerCase() as `0x${string}`) : undefined,
      ),
    )
    .orderBy(desc(schema.event.id))
    .limit(max);
  return answer(c, rows.map(historyEvent));
});

app.all("/history/*", (c) => fail(c, 404, "not-found", `no route ${c.req.path}`));

export default app;
