/**
 * Indexing functions: each event lands in the read model of the history it belongs to (ponder.schema.ts).
 * Rows keep the emitting contract, the block, the log index and the timestamp; `args` holds the decoded event.
 */
import { and, eq } from "ponder";
import { ponder, type Context } from "ponder:registry";
import {
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
} from "ponder:schema";

type Hex = `0x${string}`;
type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** The parts of a Ponder event every row needs. */
interface AnyEvent {
  id: string;
  args: unknown;
  block: { number: bigint; timestamp: bigint };
  log: { address: Hex; logIndex: number };
}

/** Decoded arguments as JSON: bigints as decimal strings, addresses lower-cased. */
export function toJson(v: unknown): Json {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return /^0x[0-9a-fA-F]{40}$/.test(v) ? v.toLowerCase() : v;
  if (typeof v === "number" || typeof v === "boolean" || v === null) return v;
  if (Array.isArray(v)) return v.map(toJson);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return null;
}

const lower = (a: string) => a.toLowerCase() as Hex;

/** The columns every history row shares. */
function base(event: AnyEvent, name: string) {
  return {
    id: event.id,
    contract: lower(event.log.address),
    name,
    args: toJson(event.args),
    block: event.block.number,
    logIndex: event.log.logIndex,
    timestamp: event.block.timestamp,
  };
}
const key = (contract: string, id: string | bigint | number) => `${contract.toLowerCase()}-${id.toString()}`;

// ---------------------------------------------------------------- supply chain

ponder.on("SupplyChain:LotCommissioned", async ({ event, context }) => {
  const b = base(event, "LotCommissioned");
  const a = event.args;
  await context.db.insert(lot).values({
    id: key(b.contract, a.lotId),
    contract: b.contract,
    lotId: a.lotId,
    gtin: a.gtin,
    manufacturer: Number(a.manufacturer),
    expiry: a.expiry,
    itemCount: Number(a.itemCount),
    inputLots: a.inputLots.map((l) => l.toLowerCase()),
    status: "active",
    args: b.args,
    block: b.block,
    logIndex: b.logIndex,
    timestamp: b.timestamp,
  });
  if (a.inputLots.length > 0) {
    await context.db.insert(lotInput).values(
      a.inputLots.map((input, i) => ({
        id: `${event.id}-${i}`,
        contract: b.contract,
        lotId: a.lotId,
        inputLotId: input,
      })),
    );
  }
});

for (const name of ["LotRecalled", "LotQuarantined", "LotReleased", "LotDestroyed"] as const) {
  ponder.on(`SupplyChain:${name}`, async ({ event, context }) => {
    const b = base(event, name);
    const lotId = event.args.lotId;
    await context.db.insert(lotEvent).values({ ...b, lotId });
    const status = {
      LotRecalled: "recalled",
      LotQuarantined: "quarantined",
      LotReleased: "active",
      LotDestroyed: "destroyed",
    }[name];
    const row = await context.db.find(lot, { id: key(b.contract, lotId) });
    if (row && !(row.status === "destroyed") && !(row.status === "recalled" && status === "active")) {
      await context.db.update(lot, { id: row.id }).set({ status });
    }
    if (name === "LotQuarantined") {
      await context.db
        .insert(alarm)
        .values({ ...b, id: `quarantine-${event.id}`, kind: "quarantine", subject: lotId, open: true });
    } else if (name === "LotReleased" || name === "LotDestroyed") {
      await closeAlarms(context, b.contract, "quarantine", lotId, b.block, name);
    }
    if (name !== "LotReleased") await closeAlarms(context, b.contract, "clone", lotId, b.block, name);
  });
}

/** Closes the open alarms of one kind about one subject (a lot, a shipment, a break-glass id). */
async function closeAlarms(
  context: Context,
  contract: string,
  kind: string,
  subject: string,
  block: bigint,
  by: string,
): Promise<void> {
  const rows = await context.db.sql
    .select({ id: alarm.id })
    .from(alarm)
    .where(
      and(eq(alarm.contract, lower(contract)), eq(alarm.kind, kind), eq(alarm.subject, subject), eq(alarm.open, true)),
    );
  for (const r of rows)
    await context.db.update(alarm, { id: r.id }).set({ open: false, closedBlock: block, closedBy: by });
}

ponder.on("SupplyChain:ItemActivated", async ({ event, context }) => {
  await context.db
    .insert(itemEvent)
    .values({ ...base(event, "ItemActivated"), itemKey: event.args.itemKey, lotId: event.args.lotId });
});
for (const name of [
  "ItemShipped",
  "ItemReceived",
  "ItemDecommissioned",
  "DecommissionUndone",
  "ItemStateReported",
] as const) {
  ponder.on(`SupplyChain:${name}`, async ({ event, context }) => {
    await context.db.insert(itemEvent).values({ ...base(event, name), itemKey: event.args.itemKey, lotId: null });
  });
}
ponder.on("SupplyChain:CloneAlerted", async ({ event, context }) => {
  const b = base(event, "CloneAlerted");
  await context.db.insert(itemEvent).values({ ...b, itemKey: event.args.itemKey, lotId: event.args.lotId });
  await context.db
    .insert(alarm)
    .values({ ...b, id: `clone-${event.id}`, kind: "clone", subject: event.args.lotId, open: true });
});
for (const name of ["ItemPacked", "ItemUnpacked"] as const) {
  ponder.on(`SupplyChain:${name}`, async ({ event, context }) => {
    await context.db
      .insert(palletEvent)
      .values({ ...base(event, name), sscc: event.args.sscc, itemKey: event.args.itemKey });
  });
}
for (const name of ["PalletShipped", "PalletReceived"] as const) {
  ponder.on(`SupplyChain:${name}`, async ({ event, context }) => {
    await context.db.insert(palletEvent).values({ ...base(event, name), sscc: event.args.sscc, itemKey: null });
  });
}

// ---------------------------------------------------------------- cold chain

ponder.on("ColdChain:ShipmentOpened", async ({ event, context }) => {
  const b = base(event, "ShipmentOpened");
  const a = event.args;
  await context.db.insert(shipment).values({
    id: key(b.contract, a.id),
    contract: b.contract,
    shipmentId: a.id,
    sender: Number(a.sender),
    receiver: Number(a.receiver),
    carrier: Number(a.carrier),
    storageClass: Number(a.storageClass),
    status: "in transit",
    readings: 0,
    alarms: 0,
    args: b.args,
    block: b.block,
    timestamp: b.timestamp,
  });
  await context.db.insert(shipmentEvent).values({ ...b, shipmentId: a.id, device: null });
});

ponder.on("ColdChain:ReadingsRecorded", async ({ event, context }) => {
  const b = base(event, "ReadingsRecorded");
  await context.db.insert(shipmentEvent).values({ ...b, shipmentId: event.args.id, device: lower(event.args.device) });
  await context.db
    .update(shipment, { id: key(b.contract, event.args.id) })
    .set((row) => ({ readings: row.readings + Number(event.args.count) }));
});

ponder.on("ColdChain:ExcursionAlarmed", async ({ event, context }) => {
  const b = base(event, "ExcursionAlarmed");
  const id = event.args.id;
  await context.db.insert(shipmentEvent).values({ ...b, shipmentId: id, device: lower(event.args.device) });
  await context.db
    .update(shipment, { id: key(b.contract, id) })
    .set((row) => ({ alarms: row.alarms + 1, status: "alarmed" }));
  await context.db
    .insert(alarm)
    .values({ ...b, id: `excursion-${event.id}`, kind: "excursion", subject: id.toString(), open: true });
});

for (const [name, status] of [
  ["ShipmentQuarantined", "quarantined"],
  ["ShipmentReleased", "released"],
  ["ShipmentDestroyed", "destroyed"],
  ["ShipmentReceived", "received"],
  ["LotQuarantineFailed", null],
] as const) {
  ponder.on(`ColdChain:${name}`, async ({ event, context }) => {
    const b = base(event, name);
    const id = event.args.id;
    await context.db.insert(shipmentEvent).values({ ...b, shipmentId: id, device: null });
    if (status) await context.db.update(shipment, { id: key(b.contract, id) }).set({ status });
    if (name === "ShipmentReleased" || name === "ShipmentDestroyed" || name === "ShipmentReceived") {
      await closeAlarms(context, b.contract, "excursion", id.toString(), b.block, name);
    }
  });
}

// ---------------------------------------------------------------- tokenized assets

ponder.on("AssetRegistry:AssetRegistered", async ({ event, context }) => {
  const b = base(event, "AssetRegistered");
  const a = event.args;
  await context.db.insert(asset).values({
    id: key(b.contract, a.assetId),
    registry: b.contract,
    assetId: a.assetId,
    shareToken: lower(a.shareToken),
    kind: Number(a.kind),
    operatorOrg: Number(a.operatorOrg),
    cap: a.cap,
    status: 0,
    args: b.args,
    block: b.block,
    timestamp: b.timestamp,
  });
});
ponder.on("AssetRegistry:AssetStatusChanged", async ({ event, context }) => {
  const id = key(lower(event.log.address), event.args.assetId);
  if (await context.db.find(asset, { id }))
    await context.db.update(asset, { id }).set({ status: Number(event.args.status) });
});

const ZERO = "0x0000000000000000000000000000000000000000";

async function addBalance(context: Context, token: Hex, account: string, delta: bigint): Promise<void> {
  if (account.toLowerCase() === ZERO || delta === 0n) return;
  await context.db
    .insert(holding)
    .values({ id: `${token}-${account.toLowerCase()}`, token, account: lower(account), balance: delta })
    .onConflictDoUpdate((row) => ({ balance: row.balance + delta }));
}

ponder.on("AssetShareToken:Transfer", async ({ event, context }) => {
  const b = base(event, "Transfer");
  const token = b.contract;
  const { from, to, value } = event.args;
  await context.db.insert(tokenEvent).values({ ...b, token, from: lower(from), to: lower(to) });
  await addBalance(context, token, from, -value);
  await addBalance(context, token, to, value);
});
ponder.on("AssetShareToken:RevenueDeposited", async ({ event, context }) => {
  const b = base(event, "RevenueDeposited");
  const token = b.contract;
  const a = event.args;
  await context.db.insert(tokenEvent).values({ ...b, token, from: lower(a.depositor), to: null });
  const day = Number(b.timestamp / 86_400n);
  await context.db
    .insert(revenueDay)
    .values({
      id: `${token}-${lower(a.paymentToken)}-${day}`,
      token,
      paymentToken: lower(a.paymentToken),
      day,
      amount: a.amount,
      meteredKWh: a.meteredKWh,
      deposits: 1,
    })
    .onConflictDoUpdate((row) => ({
      amount: row.amount + a.amount,
      meteredKWh: row.meteredKWh + a.meteredKWh,
      deposits: row.deposits + 1,
    }));
});
ponder.on("AssetShareToken:RevenueClaimed", async ({ event, context }) => {
  const b = base(event, "RevenueClaimed");
  await context.db.insert(tokenEvent).values({ ...b, token: b.contract, from: null, to: lower(event.args.account) });
});
ponder.on("AssetShareToken:RevenueMoved", async ({ event, context }) => {
  const b = base(event, "RevenueMoved");
  await context.db
    .insert(tokenEvent)
    .values({ ...b, token: b.contract, from: lower(event.args.from), to: lower(event.args.to) });
});

ponder.on("AssetOffering:OfferingOpened", async ({ event, context }) => {
  const b = base(event, "OfferingOpened");
  const a = event.args;
  await context.db.insert(offering).values({
    id: key(b.contract, a.offeringId),
    contract: b.contract,
    offeringId: a.offeringId,
    assetId: a.assetId,
    status: "open",
    sold: 0n,
    raised: 0n,
    args: b.args,
    block: b.block,
    timestamp: b.timestamp,
  });
  await context.db.insert(offeringEvent).values({ ...b, offeringId: a.offeringId, account: null });
});
ponder.on("AssetOffering:SharesPurchased", async ({ event, context }) => {
  const b = base(event, "SharesPurchased");
  const a = event.args;
  await context.db.insert(offeringEvent).values({ ...b, offeringId: a.offeringId, account: lower(a.buyer) });
  await context.db
    .update(offering, { id: key(b.contract, a.offeringId) })
    .set((row) => ({ sold: row.sold + a.shares, raised: row.raised + a.paid }));
});
ponder.on("AssetOffering:OfferingRefunded", async ({ event, context }) => {
  const b = base(event, "OfferingRefunded");
  await context.db
    .insert(offeringEvent)
    .values({ ...b, offeringId: event.args.offeringId, account: lower(event.args.buyer) });
});
ponder.on("AssetOffering:OfferingFinalised", async ({ event, context }) => {
  const b = base(event, "OfferingFinalised");
  const a = event.args;
  await context.db.insert(offeringEvent).values({ ...b, offeringId: a.offeringId, account: null });
  await context.db
    .update(offering, { id: key(b.contract, a.offeringId) })
    .set({ status: a.succeeded ? "succeeded" : "failed", sold: a.sold, raised: a.raised });
});
for (const name of ["OfferingPriceChanged", "MilestoneApproved", "OfferingFundsReleased"] as const) {
  ponder.on(`AssetOffering:${name}`, async ({ event, context }) => {
    await context.db
      .insert(offeringEvent)
      .values({ ...base(event, name), offeringId: event.args.offeringId, account: null });
  });
}

ponder.on("AssetMarket:Listed", async ({ event, context }) => {
  const b = base(event, "Listed");
  const a = event.args;
  await context.db.insert(listing).values({
    id: key(b.contract, a.listingId),
    contract: b.contract,
    listingId: a.listingId,
    seller: lower(a.seller),
    assetId: a.assetId,
    amount: a.amount,
    remaining: a.amount,
    status: "open",
    args: b.args,
    block: b.block,
    timestamp: b.timestamp,
  });
  await context.db.insert(listingEvent).values({ ...b, listingId: a.listingId, buyer: null, seller: lower(a.seller) });
});
ponder.on("AssetMarket:ListingFilled", async ({ event, context }) => {
  const b = base(event, "ListingFilled");
  const a = event.args;
  await context.db
    .insert(listingEvent)
    .values({ ...b, listingId: a.listingId, buyer: lower(a.buyer), seller: lower(a.seller) });
  await context.db.update(listing, { id: key(b.contract, a.listingId) }).set((row) => {
    const remaining = row.remaining - a.amount;
    return { remaining, status: remaining === 0n ? "filled" : "open" };
  });
});
ponder.on("AssetMarket:ListingCancelled", async ({ event, context }) => {
  const b = base(event, "ListingCancelled");
  const a = event.args;
  await context.db.insert(listingEvent).values({ ...b, listingId: a.listingId, buyer: null, seller: lower(a.by) });
  await context.db.update(listing, { id: key(b.contract, a.listingId) }).set({ status: "cancelled", remaining: 0n });
});

// ---------------------------------------------------------------- medical data and insurance

ponder.on("MedicalRecords:ConsentGranted", async ({ event, context }) => {
  const b = base(event, "ConsentGranted");
  const a = event.args;
  await context.db.insert(consent).values({
    id: key(b.contract, a.consentId),
    contract: b.contract,
    consentId: a.consentId,
    patient: lower(a.patient),
    by: lower(a.by),
    revoked: false,
    args: b.args,
    block: b.block,
    logIndex: b.logIndex,
    timestamp: b.timestamp,
  });
  await context.db.insert(patientEvent).values({ ...b, patient: lower(a.patient) });
});
ponder.on("MedicalRecords:ConsentRevoked", async ({ event, context }) => {
  const b = base(event, "ConsentRevoked");
  await context.db.insert(patientEvent).values({ ...b, patient: lower(event.args.patient) });
  await context.db.update(consent, { id: key(b.contract, event.args.consentId) }).set({ revoked: true });
});
for (const name of ["RecordAnchored", "AccessAudited", "GuardianChanged"] as const) {
  ponder.on(`MedicalRecords:${name}`, async ({ event, context }) => {
    await context.db.insert(patientEvent).values({ ...base(event, name), patient: lower(event.args.patient) });
  });
}
ponder.on("MedicalRecords:EmergencyAccessOpened", async ({ event, context }) => {
  const b = base(event, "EmergencyAccessOpened");
  await context.db.insert(patientEvent).values({ ...b, patient: lower(event.args.patient) });
  await context.db.insert(alarm).values({
    ...b,
    id: `break-glass-${event.id}`,
    kind: "break-glass",
    subject: event.args.emergencyId.toString(),
    open: true,
  });
});
ponder.on("MedicalRecords:EmergencyReviewed", async ({ event, context }) => {
  const b = base(event, "EmergencyReviewed");
  await context.db.insert(patientEvent).values({ ...b, patient: lower(event.args.patient) });
  await closeAlarms(
    context,
    b.contract,
    "break-glass",
    event.args.emergencyId.toString(),
    b.block,
    "EmergencyReviewed",
  );
});

ponder.on("HealthInsurance:PolicyIssued", async ({ event, context }) => {
  const b = base(event, "PolicyIssued");
  const a = event.args;
  await context.db.insert(policy).values({
    id: key(b.contract, a.policyId),
    contract: b.contract,
    policyId: a.policyId,
    patient: lower(a.patient),
    insurerOrg: Number(a.insurerOrg),
    active: false,
    args: b.args,
    block: b.block,
    timestamp: b.timestamp,
  });
});
ponder.on("HealthInsurance:PolicyActivated", async ({ event, context }) => {
  const id = key(lower(event.log.address), event.args.policyId);
  if (await context.db.find(policy, { id })) await context.db.update(policy, { id }).set({ active: true });
});
ponder.on("HealthInsurance:ClaimSubmitted", async ({ event, context }) => {
  const b = base(event, "ClaimSubmitted");
  const a = event.args;
  await context.db.insert(claim).values({
    id: key(b.contract, a.claimId),
    contract: b.contract,
    claimId: a.claimId,
    policyId: a.policyId,
    providerOrg: Number(a.providerOrg),
    amount: a.amount,
    status: null,
    outcome: null,
    benefit: null,
    paid: false,
    args: b.args,
    block: b.block,
    timestamp: b.timestamp,
  });
  await context.db.insert(claimEvent).values({ ...b, claimId: a.claimId });
});
ponder.on("HealthInsurance:ClaimAdjudicated", async ({ event, context }) => {
  const b = base(event, "ClaimAdjudicated");
  const a = event.args;
  await context.db.insert(claimEvent).values({ ...b, claimId: a.claimId });
  await context.db
    .update(claim, { id: key(b.contract, a.claimId) })
    .set({ status: Number(a.status), outcome: Number(a.outcome), benefit: a.benefit });
});
ponder.on("HealthInsurance:ClaimAwaitingFunds", async ({ event, context }) => {
  await context.db.insert(claimEvent).values({ ...base(event, "ClaimAwaitingFunds"), claimId: event.args.claimId });
});
ponder.on("HealthInsurance:ClaimPaid", async ({ event, context }) => {
  const b = base(event, "ClaimPaid");
  await context.db.insert(claimEvent).values({ ...b, claimId: event.args.claimId });
  await context.db
    .update(claim, { id: key(b.contract, event.args.claimId) })
    .set({ paid: true, benefit: event.args.benefit });
});

// ---------------------------------------------------------------- consortium

ponder.on("Consortium:MemberAdmitted", async ({ event, context }) => {
  const b = base(event, "MemberAdmitted");
  const a = event.args;
  await context.db.insert(member).values({
    id: key(b.contract, a.orgId),
    contract: b.contract,
    orgId: Number(a.orgId),
    kind: Number(a.kind),
    name: a.name,
    roles: Number(a.roles),
    status: 1,
    account: lower(a.account),
    block: b.block,
    timestamp: b.timestamp,
  });
  await context.db.insert(governanceEvent).values({ ...b, orgId: Number(a.orgId), proposalId: null });
});
ponder.on("Consortium:MemberRolesChanged", async ({ event, context }) => {
  const b = base(event, "MemberRolesChanged");
  await context.db.insert(governanceEvent).values({ ...b, orgId: Number(event.args.orgId), proposalId: null });
  await context.db.update(member, { id: key(b.contract, event.args.orgId) }).set({ roles: Number(event.args.roles) });
});
ponder.on("Consortium:MemberStatusChanged", async ({ event, context }) => {
  const b = base(event, "MemberStatusChanged");
  await context.db.insert(governanceEvent).values({ ...b, orgId: Number(event.args.orgId), proposalId: null });
  await context.db.update(member, { id: key(b.contract, event.args.orgId) }).set({ status: Number(event.args.status) });
});
for (const name of ["AccountAdded", "AccountRemoved"] as const) {
  ponder.on(`Consortium:${name}`, async ({ event, context }) => {
    await context.db
      .insert(governanceEvent)
      .values({ ...base(event, name), orgId: Number(event.args.orgId), proposalId: null });
  });
}
ponder.on("Consortium:ProposalCreated", async ({ event, context }) => {
  const b = base(event, "ProposalCreated");
  const a = event.args;
  await context.db.insert(proposal).values({
    id: key(b.contract, a.proposalId),
    contract: b.contract,
    proposalId: a.proposalId,
    kind: Number(a.kind),
    proposer: Number(a.proposer),
    target: Number(a.target),
    expiresAt: a.expiresAt,
    status: "open",
    votesFor: 0,
    votesAgainst: 0,
    block: b.block,
    timestamp: b.timestamp,
  });
  await context.db.insert(governanceEvent).values({ ...b, orgId: Number(a.proposer), proposalId: a.proposalId });
});
ponder.on("Consortium:VoteCast", async ({ event, context }) => {
  const b = base(event, "VoteCast");
  const a = event.args;
  await context.db.insert(governanceEvent).values({ ...b, orgId: Number(a.orgId), proposalId: a.proposalId });
  await context.db
    .update(proposal, { id: key(b.contract, a.proposalId) })
    .set((row) => (a.support ? { votesFor: row.votesFor + 1 } : { votesAgainst: row.votesAgainst + 1 }));
});
for (const [name, status] of [
  ["ProposalExecuted", "executed"],
  ["ProposalDefeated", "defeated"],
] as const) {
  ponder.on(`Consortium:${name}`, async ({ event, context }) => {
    const b = base(event, name);
    await context.db.insert(governanceEvent).values({ ...b, orgId: null, proposalId: event.args.proposalId });
    await context.db.update(proposal, { id: key(b.contract, event.args.proposalId) }).set({ status });
  });
}
for (const name of ["QuorumChanged", "VotingPeriodChanged"] as const) {
  ponder.on(`Consortium:${name}`, async ({ event, context }) => {
    await context.db.insert(governanceEvent).values({ ...base(event, name), orgId: null, proposalId: null });
  });
}
