/**
 * The indexer's HTTP API: one route per history question (src/history.ts is its only client), plus Ponder's
 * SQL-over-HTTP and GraphQL. Every answer is JSON with bigints as decimal strings and says the block it was read at.
 */
import { Hono } from "hono";
import type { Context as HonoContext } from "hono";
import { and, asc, client, desc, eq, graphql, inArray, or, sql } from "ponder";
import { db } from "ponder:api";
import schema from "ponder:schema";

const {
  alarm,
  asset,
  claim,
  claimEvent,
  consent,
  governanceEvent,
  holding,
  itemEvent,
  listing,
  listingEvent,
  lot,
  lotEvent,
  lotInput,
  member,
  offering,
  offeringEvent,
  palletEvent,
  patientEvent,
  policy,
  proposal,
  revenueDay,
  shipment,
  shipmentEvent,
  tokenEvent,
} = schema;

type Hex = `0x${string}`;
const app = new Hono();

app.use("/sql/*", client({ db, schema }));
app.use("/graphql", graphql({ db, schema }));

/** JSON with bigints as strings. */
function send(c: HonoContext, body: unknown, status: 200 | 400 | 404 = 200) {
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return c.body(text, status, { "content-type": "application/json; charset=utf-8" });
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const UINT = /^\d{1,78}$/;

/** A path parameter checked against its pattern (lower-cased hex), or a 400 answer. */
function param(c: HonoContext, name: string, pattern: RegExp): string | undefined {
  const v = c.req.param(name);
  return v && pattern.test(v) ? v.toLowerCase() : undefined;
}
const bad = (c: HonoContext, what: string) => send(c, { error: `bad ${what}` }, 400);
const limitOf = (c: HonoContext, max = 500) => Math.min(Number(c.req.query("limit") ?? max) || max, max);

// ---------------------------------------------------------------- supply chain

/**
 * An item's history: its lot and upstream lots (to `depth` levels, default 3), the lot overlays, the item's own
 * events and every pallet event of the pallets it was packed into (the client keeps those inside each packing).
 */
app.get("/history/supply/:contract/item/:lotId/:itemKey", async (c) => {
  const contract = param(c, "contract", ADDRESS) as Hex | undefined;
  const lotId = param(c, "lotId", HEX32) as Hex | undefined;
  const itemKey = param(c, "itemKey", HEX32) as Hex | undefined;
  if (!contract || !lotId || !itemKey) return bad(c, "contract, lot id or item key");
  const depth = Math.min(Number(c.req.query("depth") ?? 3) || 0, 10);
  const lots: { lot: typeof lot.$inferSelect; level: number }[] = [];
  let frontier: Hex[] = [lotId];
  const seen = new Set<string>();
  for (let level = 0; level <= depth && frontier.length > 0; level++) {
    const ids = frontier.filter((id) => !seen.has(id));
    ids.forEach((id) => seen.add(id));
    if (ids.length === 0) break;
    const rows = await db
      .select()
      .from(lot)
      .where(and(eq(lot.contract, contract), inArray(lot.lotId, ids)))
      .orderBy(asc(lot.block), asc(lot.logIndex));
    for (const r of rows) lots.push({ lot: r, level });
    if (level === depth) break;
    const inputs = await db
      .select({ input: lotInput.inputLotId })
      .from(lotInput)
      .where(and(eq(lotInput.contract, contract), inArray(lotInput.lotId, ids)));
    frontier = inputs.map((i) => i.input);
  }
  const [overlays, items, packings] = await Promise.all([
    db
      .select()
      .from(lotEvent)
      .where(and(eq(lotEvent.contract, contract), eq(lotEvent.lotId, lotId))),
    db
      .select()
      .from(itemEvent)
      .where(and(eq(itemEvent.contract, contract), eq(itemEvent.itemKey, itemKey))),
    db
      .select()
      .from(palletEvent)
      .where(and(eq(palletEvent.contract, contract), eq(palletEvent.itemKey, itemKey))),
  ]);
  const ssccs = [...new Set(packings.map((p) => p.sscc))];
  const pallets =
    ssccs.length === 0
      ? []
      : await db
          .select()
          .from(palletEvent)
          .where(
            and(
              eq(palletEvent.contract, contract),
              inArray(palletEvent.sscc, ssccs),
              inArray(palletEvent.name, ["PalletShipped", "PalletReceived"]),
            ),
          );
  return send(c, { lots, overlays, items, packings, pallets });
});

/** Lots of a supply-chain contract, newest first (the console's lot list). */
app.get("/history/supply/:contract/lots", async (c) => {
  const contract = param(c, "contract", ADDRESS) as Hex | undefined;
  if (!contract) return bad(c, "contract");
  const rows = await db
    .select()
    .from(lot)
    .where(eq(lot.contract, contract))
    .orderBy(desc(lot.block), desc(lot.logIndex))
    .limit(limitOf(c));
  return send(c, { lots: rows });
});

/** Lot overlay events of a contract (all lots), oldest first; `?name=LotQuarantined` narrows. */
app.get("/history/supply/:contract/lot-events", async (c) => {
  const contract = param(c, "contract", ADDRESS) as Hex | undefined;
  if (!contract) return bad(c, "contract");
  const name = c.req.query("name");
  const rows = await db
    .select()
    .from(lotEvent)
    .where(name ? and(eq(lotEvent.contract, contract), eq(lotEvent.name, name)) : eq(lotEvent.contract, contract))
    .orderBy(asc(lotEvent.block), asc(lotEvent.logIndex))
    .limit(limitOf(c, 5000));
  return send(c, { events: rows });
});

// ---------------------------------------------------------------- cold chain and alarms

/** A shipment with its readings, alarms and decisions in chain order. */
app.get("/history/coldchain/:contract/shipment/:id", async (c) => {
  const contract = param(c, "contract", ADDRESS) as Hex | undefined;
  const id = param(c, "id", UINT);
  if (!contract || !id) return bad(c, "contract or shipment id");
  const [row] = await db
    .select()
    .from(shipment)
    .where(eq(shipment.id, `${contract}-${id}`));
  const events = await db
    .select()
    .from(shipmentEvent)
    .where(and(eq(shipmentEvent.contract, contract), eq(shipmentEvent.shipmentId, BigInt(id))))
    .orderBy(asc(shipmentEvent.block), asc(shipmentEvent.logIndex));
  return send(c, { shipment: row ?? null, events });
});

/** Excursion alarms of a cold-chain contract (every shipment), oldest first. */
app.get("/history/coldchain/:contract/alarms", async (c) => {
  const contract = param(c, "contract", ADDRESS) as Hex | undefined;
  if (!contract) return bad(c, "contract");
  const rows = await db
    .select()
    .from(shipmentEvent)
    .where(and(eq(shipmentEvent.contract, contract), eq(shipmentEvent.name, "ExcursionAlarmed")))
    .orderBy(asc(shipmentEvent.block), asc(shipmentEvent.logIndex))
    .limit(limitOf(c, 5000));
  return send(c, { events: rows });
});

/** Alarms, newest first; `?open=1` keeps those awaiting action, `?kind=` one kind. */
app.get("/history/alarms", async (c) => {
  const open = c.req.query("open") === "1";
  const kind = c.req.query("kind");
  const where = and(open ? eq(alarm.open, true) : undefined, kind ? eq(alarm.kind, kind) : undefined);
  const rows = await db
    .select()
    .from(alarm)
    .where(where)
    .orderBy(desc(alarm.block), desc(alarm.logIndex))
    .limit(limitOf(c));
  return send(c, { alarms: rows });
});

// ---------------------------------------------------------------- assets

/**
 * An investor's portfolio: holdings (non-zero), every share transfer, claim and revenue move touching the account,
 * offering purchases and refunds, market fills as buyer or seller, and the assets those tokens belong to.
 */
app.get("/history/portfolio/:account", async (c) => {
  const account = param(c, "account", ADDRESS) as Hex | undefined;
  if (!account) return bad(c, "account");
  const [holdings, tokens, offers, fills] = await Promise.all([
    db.select().from(holding).where(eq(holding.account, account)),
    db
      .select()
      .from(tokenEvent)
      .where(or(eq(tokenEvent.from, account), eq(tokenEvent.to, account)))
      .orderBy(asc(tokenEvent.block), asc(tokenEvent.logIndex)),
    db
      .select()
      .from(offeringEvent)
      .where(eq(offeringEvent.account, account))
      .orderBy(asc(offeringEvent.block), asc(offeringEvent.logIndex)),
    db
      .select()
      .from(listingEvent)
      .where(
        and(
          eq(listingEvent.name, "ListingFilled"),
          or(eq(listingEvent.buyer, account), eq(listingEvent.seller, account)),
        ),
      )
      .orderBy(asc(listingEvent.block), asc(listingEvent.logIndex)),
  ]);
  const tokenSet = [...new Set([...holdings.map((h) => h.token), ...tokens.map((t) => t.token)])];
  const assets = tokenSet.length === 0 ? [] : await db.select().from(asset).where(inArray(asset.shareToken, tokenSet));
  return send(c, { holdings, tokenEvents: tokens, offeringEvents: offers, fills, assets });
});

/** Revenue of one share token per day and its deposits. */
app.get("/history/revenue/:token", async (c) => {
  const token = param(c, "token", ADDRESS) as Hex | undefined;
  if (!token) return bad(c, "token");
  const [days, deposits] = await Promise.all([
    db.select().from(revenueDay).where(eq(revenueDay.token, token)).orderBy(asc(revenueDay.day)),
    db
      .select()
      .from(tokenEvent)
      .where(and(eq(tokenEvent.token, token), eq(tokenEvent.name, "RevenueDeposited")))
      .orderBy(asc(tokenEvent.block), asc(tokenEvent.logIndex)),
  ]);
  return send(c, { days, deposits });
});

/** Assets of a registry with their share tokens, offerings and open listings. */
app.get("/history/assets/:registry", async (c) => {
  const registry = param(c, "registry", ADDRESS) as Hex | undefined;
  if (!registry) return bad(c, "registry");
  const assets = await db.select().from(asset).where(eq(asset.registry, registry)).orderBy(asc(asset.assetId));
  const ids = assets.map((a) => a.assetId);
  const [offerings, listings] =
    ids.length === 0
      ? [[], []]
      : await Promise.all([
          db.select().from(offering).where(inArray(offering.assetId, ids)).orderBy(asc(offering.block)),
          db
            .select()
            .from(listing)
            .where(and(inArray(listing.assetId, ids), eq(listing.status, "open")))
            .orderBy(asc(listing.block)),
        ]);
  return send(c, { assets, offerings, listings });
});

// ---------------------------------------------------------------- medical

/** A patient's consents (with revocation) and everything that happened to their data, in chain order. */
app.get("/history/medical/:contract/patient/:patient", async (c) => {
  const contract = param(c, "contract", ADDRESS) as Hex | undefined;
  const patient = param(c, "patient", ADDRESS) as Hex | undefined;
  if (!contract || !patient) return bad(c, "contract or patient");
  const name = c.req.query("name");
  const [consents, events] = await Promise.all([
    db
      .select()
      .from(consent)
      .where(and(eq(consent.contract, contract), eq(consent.patient, patient)))
      .orderBy(asc(consent.block), asc(consent.logIndex)),
    db
      .select()
      .from(patientEvent)
      .where(
        and(
          eq(patientEvent.contract, contract),
          eq(patientEvent.patient, patient),
          name ? eq(patientEvent.name, name) : undefined,
        ),
      )
      .orderBy(asc(patientEvent.block), asc(patientEvent.logIndex)),
  ]);
  return send(c, { consents, events });
});

/** One consent by id (its grant, with terms, and whether it was revoked). */
app.get("/history/medical/:contract/consent/:id", async (c) => {
  const contract = param(c, "contract", ADDRESS) as Hex | undefined;
  const id = param(c, "id", UINT);
  if (!contract || !id) return bad(c, "contract or consent id");
  const [row] = await db
    .select()
    .from(consent)
    .where(eq(consent.id, `${contract}-${id}`));
  return send(c, { consent: row ?? null });
});

/** Break-glass openings of a records contract, oldest first. */
app.get("/history/medical/:contract/emergencies", async (c) => {
  const contract = param(c, "contract", ADDRESS) as Hex | undefined;
  if (!contract) return bad(c, "contract");
  const rows = await db
    .select()
    .from(patientEvent)
    .where(
      and(
        eq(patientEvent.contract, contract),
        inArray(patientEvent.name, ["EmergencyAccessOpened", "EmergencyReviewed"]),
      ),
    )
    .orderBy(asc(patientEvent.block), asc(patientEvent.logIndex))
    .limit(limitOf(c, 5000));
  return send(c, { events: rows });
});

/** A policy's claims with their events. */
app.get("/history/insurance/:contract/policy/:id", async (c) => {
  const contract = param(c, "contract", ADDRESS) as Hex | undefined;
  const id = param(c, "id", UINT);
  if (!contract || !id) return bad(c, "contract or policy id");
  const [row] = await db
    .select()
    .from(policy)
    .where(eq(policy.id, `${contract}-${id}`));
  const claims = await db
    .select()
    .from(claim)
    .where(and(eq(claim.contract, contract), eq(claim.policyId, BigInt(id))))
    .orderBy(asc(claim.claimId));
  const events =
    claims.length === 0
      ? []
      : await db
          .select()
          .from(claimEvent)
          .where(
            and(
              eq(claimEvent.contract, contract),
              inArray(
                claimEvent.claimId,
                claims.map((x) => x.claimId),
              ),
            ),
          )
          .orderBy(asc(claimEvent.block), asc(claimEvent.logIndex));
  return send(c, { policy: row ?? null, claims, events });
});

// ---------------------------------------------------------------- consortium

/** Members and proposals (with votes) of a consortium contract, and its governance history. */
app.get("/history/consortium/:contract", async (c) => {
  const contract = param(c, "contract", ADDRESS) as Hex | undefined;
  if (!contract) return bad(c, "contract");
  const [members, proposals, events] = await Promise.all([
    db.select().from(member).where(eq(member.contract, contract)).orderBy(asc(member.orgId)),
    db.select().from(proposal).where(eq(proposal.contract, contract)).orderBy(asc(proposal.proposalId)),
    db
      .select()
      .from(governanceEvent)
      .where(eq(governanceEvent.contract, contract))
      .orderBy(asc(governanceEvent.block), asc(governanceEvent.logIndex))
      .limit(limitOf(c, 5000)),
  ]);
  return send(c, { members, proposals, events });
});

/** Row counts of every read model (the tests' and the operator's sanity check). */
app.get("/history/counts", async (c) => {
  const tables = {
    itemEvent,
    palletEvent,
    lot,
    lotInput,
    lotEvent,
    shipment,
    shipmentEvent,
    alarm,
    asset,
    holding,
    tokenEvent,
    revenueDay,
    offering,
    offeringEvent,
    listing,
    listingEvent,
    consent,
    patientEvent,
    policy,
    claim,
    claimEvent,
    member,
    proposal,
    governanceEvent,
  };
  const out: Record<string, number> = {};
  for (const [name, table] of Object.entries(tables)) {
    const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(table);
    out[name] = Number(row?.n ?? 0);
  }
  return send(c, out);
});

export default app;
