/**
 * Event handlers of the citychain history indexer. Every event of every system contract is stored once in `event`
 * (decoded arguments, the subjects it concerns), then the read model it belongs to is updated (lots, pallets,
 * shipments, alarms, holdings, revenue per day, offerings, listings, consents, policies, members, proposals, …).
 */
import { and, eq } from "ponder";
import { ponder, type Context } from "ponder:registry";
import * as schema from "ponder:schema";
import type { Abi } from "viem";
import {
  AssetMarketAbi,
  AssetOfferingAbi,
  AssetPPAAbi,
  AssetRegistryAbi,
  AssetShareTokenAbi,
  AssetVendingAbi,
  ColdChainAbi,
  ConsortiumAbi,
  DeviceRegistryAbi,
  EpcisAnchorsAbi,
  HealthInsuranceAbi,
  MedicalRecordsAbi,
  SupplyChainAbi,
} from "../abis";
import { eventId, normalise, type Ref } from "./common";

const SOURCES: Record<string, Abi> = {
  Consortium: ConsortiumAbi,
  SupplyChain: SupplyChainAbi,
  // EpcisAnchored(epcisHash, orgId, by): stored with `epcisHash` and `orgId` set, so /history/anchors lists it.
  EpcisAnchors: EpcisAnchorsAbi,
  DeviceRegistry: DeviceRegistryAbi,
  ColdChain: ColdChainAbi,
  AssetRegistry: AssetRegistryAbi,
  AssetShareToken: AssetShareTokenAbi,
  AssetOffering: AssetOfferingAbi,
  AssetMarket: AssetMarketAbi,
  AssetPPA: AssetPPAAbi,
  AssetVending: AssetVendingAbi,
  MedicalRecords: MedicalRecordsAbi,
  HealthInsurance: HealthInsuranceAbi,
};

/** Events that are no history anyone asks for (ERC-20 allowances, EIP-712 domain notices). */
const SKIPPED = new Set(["AssetShareToken:Approval", "DeviceRegistry:EIP712DomainChanged"]);
for (const s of ["AssetPPA", "AssetVending"]) SKIPPED.add(`${s}:EIP712DomainChanged`);

type Db = Context<"SupplyChain:ItemShipped">["db"];
type Args = Record<string, unknown>;

/** The parts of a Ponder log event the handlers read (the same for every contract event). */
interface LogEvent {
  args: Args;
  log: { address: string; logIndex: number };
  block: { number: bigint; timestamp: bigint };
  transaction: { hash: string; from: string };
}

/** What an updater gets: the event, its id and reference, and the database. */
interface Handled {
  db: Db;
  id: string;
  ref: Ref;
  a: Args;
  e: LogEvent;
  contract: `0x${string}`;
}

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const ZERO_HASH = `0x${"0".repeat(64)}`;
const lower = (v: unknown) => String(v).toLowerCase() as `0x${string}`;
const big = (v: unknown) => BigInt(v as bigint | number);
const num = (v: unknown) => Number(v);

/** The subjects of an event: the columns of `event` that the read routes filter on. */
async function subjects(db: Db, source: string, name: string, a: Args, contract: `0x${string}`) {
  const s: Partial<typeof schema.event.$inferInsert> = {};
  if (a.itemKey !== undefined) s.itemKey = lower(a.itemKey);
  if (a.lotId !== undefined) s.lotId = lower(a.lotId);
  if (a.sscc !== undefined) s.sscc = big(a.sscc);
  if (source === "ColdChain" && a.id !== undefined && name !== "StorageClassDefined") s.shipmentId = big(a.id);
  if (a.assetId !== undefined) s.assetId = big(a.assetId);
  if (source === "AssetShareToken") {
    s.shareToken = contract;
    const token = await db.find(schema.shareToken, { address: contract });
    if (token) s.assetId = token.assetId;
  }
  if (name === "AssetRegistered") s.shareToken = lower(a.shareToken);
  if (a.offeringId !== undefined) s.offeringId = big(a.offeringId);
  if (a.listingId !== undefined) s.listingId = big(a.listingId);
  if (a.patient !== undefined) s.patient = lower(a.patient);
  if (a.consentId !== undefined) s.consentId = big(a.consentId);
  if (a.policyId !== undefined) s.policyId = big(a.policyId);
  if (a.claimId !== undefined) {
    s.claimId = big(a.claimId);
    if (s.policyId === undefined) {
      const claim = await db.find(schema.insuranceClaim, { claimId: s.claimId });
      if (claim) s.policyId = claim.policyId;
    }
  }
  if (a.proposalId !== undefined) s.proposalId = big(a.proposalId);
  if (a.orgId !== undefined) s.orgId = num(a.orgId);
  if (a.device !== undefined) s.device = lower(a.device);
  if (a.epcisHash !== undefined && lower(a.epcisHash) !== ZERO_HASH) s.epcisHash = lower(a.epcisHash);
  return s;
}

/** Accounts an event concerns, with their role (an investor's portfolio). */
function accounts(source: string, name: string, a: Args): [string, string][] {
  const out: [string, string][] = [];
  const add = (account: unknown, role: string) => {
    if (account !== undefined && lower(account) !== ZERO_ADDRESS) out.push([lower(account), role]);
  };
  switch (`${source}:${name}`) {
    case "AssetOffering:SharesPurchased":
      add(a.buyer, "purchase");
      break;
    case "AssetOffering:OfferingRefundBooked":
    case "AssetOffering:OfferingRefunded":
      add(a.buyer, "refund");
      break;
    case "AssetOffering:OfferingRefundRecovered":
      add(a.lostWallet, "refund");
      add(a.newWallet, "refund");
      break;
    case "AssetShareToken:RevenueClaimed":
      add(a.account, "claim");
      break;
    case "AssetShareToken:RevenueMoved":
      add(a.from, "claim");
      add(a.to, "claim");
      break;
    case "AssetShareToken:Transfer":
      add(a.from, "transfer");
      if (lower(a.to) !== lower(a.from)) add(a.to, "transfer");
      break;
    case "AssetMarket:ListingFilled":
      add(a.buyer, "fill");
      add(a.seller, "fill");
      break;
    case "AssetMarket:Listed":
      add(a.seller, "listing");
      break;
  }
  return out;
}

const updaters: Record<string, (h: Handled) => Promise<void>> = {
  // --- supply chain --------------------------------------------------------------------------------------------
  "SupplyChain:LotCommissioned": async ({ db, a, ref }) => {
    const lotId = lower(a.lotId);
    const inputs = (a.inputLots as string[]).map(lower);
    await db.insert(schema.lot).values({
      lotId,
      gtin: big(a.gtin),
      manufacturer: num(a.manufacturer),
      lotNumberHash: lower(a.lotNumberHash),
      expiry: big(a.expiry),
      origin: lower(a.origin),
      merkleRoot: lower(a.merkleRoot),
      itemCount: num(a.itemCount),
      inputLots: inputs,
      status: "Active",
      ref,
    });
    for (const input of inputs)
      await db
        .insert(schema.lotInput)
        .values({ id: `${lotId}:${input}`, lotId, inputLotId: input })
        .onConflictDoNothing();
  },
  "SupplyChain:LotRecalled": (h) => lotStatus(h, "Recalled"),
  "SupplyChain:LotQuarantined": (h) => lotStatus(h, "Quarantined"),
  "SupplyChain:LotReleased": (h) => lotStatus(h, "Active"),
  "SupplyChain:LotDestroyed": (h) => lotStatus(h, "Destroyed"),
  "SupplyChain:ItemActivated": async ({ db, a }) => {
    await db
      .insert(schema.item)
      .values({ itemKey: lower(a.itemKey), lotId: lower(a.lotId) })
      .onConflictDoUpdate({ lotId: lower(a.lotId) });
  },
  "SupplyChain:CloneAlerted": async ({ db, a }) => {
    await db
      .insert(schema.item)
      .values({ itemKey: lower(a.itemKey), lotId: lower(a.lotId) })
      .onConflictDoNothing();
  },
  "SupplyChain:ItemPacked": async ({ db, a }) => {
    const itemKey = lower(a.itemKey);
    const sscc = big(a.sscc);
    await db.insert(schema.item).values({ itemKey, sscc }).onConflictDoUpdate({ sscc });
    const p = await db.find(schema.pallet, { sscc });
    if (!p)
      await db.insert(schema.pallet).values({ sscc, members: [itemKey], everMembers: [itemKey], quarantined: false });
    else
      await db.update(schema.pallet, { sscc }).set({
        members: [...p.members.filter((m) => m !== itemKey), itemKey],
        everMembers: p.everMembers.includes(itemKey) ? p.everMembers : [...p.everMembers, itemKey],
      });
  },
  "SupplyChain:ItemUnpacked": async ({ db, a }) => {
    const itemKey = lower(a.itemKey);
    const sscc = big(a.sscc);
    await db.insert(schema.item).values({ itemKey, sscc: null }).onConflictDoUpdate({ sscc: null });
    const p = await db.find(schema.pallet, { sscc });
    if (p) await db.update(schema.pallet, { sscc }).set({ members: p.members.filter((m) => m !== itemKey) });
  },
  "SupplyChain:PalletShipped": (h) => palletEvent(h),
  "SupplyChain:PalletReceived": (h) => palletEvent(h),
  "SupplyChain:PalletQuarantineSet": async (h) => {
    await palletEvent(h, Boolean(h.a.quarantined));
  },

  // --- cold chain and devices ----------------------------------------------------------------------------------
  "ColdChain:ShipmentOpened": async ({ db, a, ref }) => {
    await db.insert(schema.shipment).values({
      id: big(a.id),
      sender: num(a.sender),
      receiver: num(a.receiver),
      carrier: num(a.carrier),
      storageClass: num(a.storageClass),
      referenceHash: lower(a.referenceHash),
      status: "InTransit",
      ref,
    });
  },
  "ColdChain:ExcursionAlarmed": async ({ db, a, id }) => {
    await db.insert(schema.alarm).values({ eventId: id, shipmentId: big(a.id), open: true });
  },
  "ColdChain:ShipmentQuarantined": (h) => shipmentStatus(h, "Quarantined"),
  "ColdChain:ShipmentReleased": (h) => shipmentStatus(h, "Released"),
  "ColdChain:ShipmentDestroyed": (h) => shipmentStatus(h, "Destroyed"),
  "ColdChain:ShipmentReceived": (h) => shipmentStatus(h, "Received", h.id),
  "DeviceRegistry:DeviceRegistered": async ({ db, a }) => {
    await db
      .insert(schema.device)
      .values({
        address: lower(a.device),
        ownerOrg: num(a.ownerOrg),
        managerOrg: num(a.managerOrg),
        kind: num(a.kind),
        firmware: lower(a.firmware),
        calibratedUntil: big(a.calibratedUntil),
        suspended: false,
        revoked: false,
        batches: 0,
      })
      .onConflictDoNothing();
  },
  "DeviceRegistry:DeviceFirmwareUpdated": ({ db, a }) => updateDevice(db, a, { firmware: lower(a.firmware) }),
  "DeviceRegistry:DeviceRecalibrated": ({ db, a }) => updateDevice(db, a, { calibratedUntil: big(a.calibratedUntil) }),
  "DeviceRegistry:DeviceRevoked": ({ db, a }) => updateDevice(db, a, { revoked: true }),
  "DeviceRegistry:DeviceSuspensionChanged": ({ db, a }) => updateDevice(db, a, { suspended: Boolean(a.suspended) }),
  "DeviceRegistry:DeviceTransferred": ({ db, a }) => updateDevice(db, a, { ownerOrg: num(a.toOrg) }),
  "DeviceRegistry:BatchAnchored": async ({ db, a }) => {
    const d = await db.find(schema.device, { address: lower(a.device) });
    if (d) await db.update(schema.device, { address: d.address }).set({ batches: d.batches + 1 });
  },

  // --- assets --------------------------------------------------------------------------------------------------
  "AssetRegistry:AssetRegistered": async ({ db, a, ref }) => {
    const token = lower(a.shareToken);
    await db.insert(schema.asset).values({
      assetId: big(a.assetId),
      kind: num(a.kind),
      operatorOrg: num(a.operatorOrg),
      shareToken: token,
      metadataHash: lower(a.metadataHash),
      cap: big(a.cap),
      status: 0,
      supply: 0n,
      holders: 0,
      ref,
    });
    await db
      .insert(schema.shareToken)
      .values({ address: token, assetId: big(a.assetId) })
      .onConflictDoNothing();
  },
  "AssetRegistry:AssetStatusChanged": async ({ db, a }) => {
    if (await db.find(schema.asset, { assetId: big(a.assetId) }))
      await db.update(schema.asset, { assetId: big(a.assetId) }).set({ status: num(a.status) });
  },
  "AssetRegistry:AssetMetadataChanged": async ({ db, a }) => {
    if (await db.find(schema.asset, { assetId: big(a.assetId) }))
      await db.update(schema.asset, { assetId: big(a.assetId) }).set({ metadataHash: lower(a.metadataHash) });
  },
  "AssetShareToken:Transfer": async ({ db, a, contract }) => {
    const token = await db.find(schema.shareToken, { address: contract });
    const assetId = token?.assetId ?? 0n;
    const value = big(a.value);
    let holdersDelta = 0;
    let supplyDelta = 0n;
    const move = async (account: `0x${string}`, delta: bigint) => {
      const id = `${contract}:${account}`;
      const h = await db.find(schema.holding, { id });
      const before = h?.balance ?? 0n;
      const after = before + delta;
      if (before === 0n && after > 0n) holdersDelta++;
      if (before > 0n && after === 0n) holdersDelta--;
      await db
        .insert(schema.holding)
        .values({ id, shareToken: contract, assetId, account, balance: after })
        .onConflictDoUpdate({ balance: after });
    };
    if (lower(a.from) === ZERO_ADDRESS) supplyDelta += value;
    else await move(lower(a.from), -value);
    if (lower(a.to) === ZERO_ADDRESS) supplyDelta -= value;
    else await move(lower(a.to), value);
    const row = await db.find(schema.asset, { assetId });
    if (row)
      await db
        .update(schema.asset, { assetId })
        .set({ supply: row.supply + supplyDelta, holders: row.holders + holdersDelta });
  },
  "AssetShareToken:RevenueDeposited": async ({ db, a, contract, e }) => {
    const day = new Date(Number(e.block.timestamp) * 1000).toISOString().slice(0, 10);
    const paymentToken = lower(a.paymentToken);
    const id = `${contract}:${paymentToken}:${day}`;
    const amount = big(a.amount);
    const kwh = big(a.meteredKWh);
    await db
      .insert(schema.revenueDay)
      .values({ id, shareToken: contract, paymentToken, day, amount, deposits: 1, meteredKWh: kwh })
      .onConflictDoUpdate((row) => ({
        amount: row.amount + amount,
        deposits: row.deposits + 1,
        meteredKWh: row.meteredKWh + kwh,
      }));
  },
  "AssetOffering:OfferingOpened": async ({ db, a, ref }) => {
    const t = a.terms as Args;
    await db.insert(schema.offering).values({
      offeringId: big(a.offeringId),
      assetId: big(a.assetId),
      initiatorOrg: num(a.initiatorOrg),
      beneficiaryOrg: num(a.beneficiaryOrg),
      paymentToken: lower(t.paymentToken),
      price: big(t.price),
      softCap: big(t.softCap),
      hardCap: big(t.hardCap),
      start: big(t.start),
      deadline: big(t.deadline),
      sold: 0n,
      raised: 0n,
      succeeded: null,
      ref,
    });
  },
  "AssetOffering:OfferingPriceChanged": ({ db, a }) => updateOffering(db, a, () => ({ price: big(a.price) })),
  "AssetOffering:SharesPurchased": ({ db, a }) =>
    updateOffering(db, a, (o) => ({ sold: o.sold + big(a.shares), raised: o.raised + big(a.paid) })),
  "AssetOffering:OfferingFinalised": ({ db, a }) =>
    updateOffering(db, a, () => ({ succeeded: Boolean(a.succeeded), sold: big(a.sold), raised: big(a.raised) })),
  "AssetMarket:Listed": async ({ db, a, ref }) => {
    await db.insert(schema.listing).values({
      listingId: big(a.listingId),
      seller: lower(a.seller),
      assetId: big(a.assetId),
      amount: big(a.amount),
      remaining: big(a.amount),
      paymentToken: lower(a.paymentToken),
      price: big(a.price),
      expiry: big(a.expiry),
      status: "Open",
      ref,
    });
  },
  "AssetMarket:ListingFilled": async ({ db, a }) => {
    const l = await db.find(schema.listing, { listingId: big(a.listingId) });
    if (!l) return;
    const remaining = l.remaining - big(a.amount);
    await db
      .update(schema.listing, { listingId: l.listingId })
      .set({ remaining, status: remaining === 0n ? "Filled" : "Open" });
  },
  "AssetMarket:ListingCancelled": async ({ db, a }) => {
    if (await db.find(schema.listing, { listingId: big(a.listingId) }))
      await db.update(schema.listing, { listingId: big(a.listingId) }).set({ status: "Cancelled" });
  },
  "AssetPPA:PpaMeterAlarm": async ({ db, a, id }) => {
    await db
      .insert(schema.meterAlarm)
      .values({ heldId: big(a.heldId), assetId: big(a.assetId), eventId: id, reviewed: false })
      .onConflictDoNothing();
  },
  "AssetPPA:PpaHeldReviewed": async ({ db, a }) => {
    if (await db.find(schema.meterAlarm, { heldId: big(a.heldId) }))
      await db.update(schema.meterAlarm, { heldId: big(a.heldId) }).set({ reviewed: true });
  },

  // --- medical -------------------------------------------------------------------------------------------------
  "MedicalRecords:ConsentGranted": async ({ db, a, ref }) => {
    await db.insert(schema.consent).values({
      consentId: big(a.consentId),
      patient: lower(a.patient),
      grantedBy: lower(a.by),
      terms: normalise(a.terms),
      ref,
      revoked: null,
    });
  },
  "MedicalRecords:ConsentRevoked": async ({ db, a, ref }) => {
    if (await db.find(schema.consent, { consentId: big(a.consentId) }))
      await db.update(schema.consent, { consentId: big(a.consentId) }).set({ revoked: { ...ref, by: lower(a.by) } });
  },
  "HealthInsurance:PolicyIssued": async ({ db, a }) => {
    await db
      .insert(schema.policy)
      .values({ policyId: big(a.policyId), patient: lower(a.patient), insurerOrg: num(a.insurerOrg) });
  },
  "HealthInsurance:ClaimSubmitted": async ({ db, a }) => {
    await db.insert(schema.insuranceClaim).values({
      claimId: big(a.claimId),
      policyId: big(a.policyId),
      providerOrg: num(a.providerOrg),
      amount: big(a.amount),
    });
  },

  // --- consortium ----------------------------------------------------------------------------------------------
  "Consortium:MemberAdmitted": async ({ db, a, ref }) => {
    await db.insert(schema.member).values({
      orgId: num(a.orgId),
      kind: num(a.kind),
      name: String(a.name),
      metadataHash: lower(a.metadataHash),
      roles: num(a.roles),
      status: 1,
      admin: lower(a.account),
      accounts: [lower(a.account)],
      ref,
    });
  },
  "Consortium:MemberRolesChanged": ({ db, a }) => updateMember(db, a, () => ({ roles: num(a.roles) })),
  "Consortium:MemberStatusChanged": ({ db, a }) => updateMember(db, a, () => ({ status: num(a.status) })),
  "Consortium:AccountAdminChanged": ({ db, a }) => updateMember(db, a, () => ({ admin: lower(a.admin) })),
  "Consortium:AccountAdded": ({ db, a }) =>
    updateMember(db, a, (m) => ({ accounts: [...m.accounts.filter((x) => x !== lower(a.account)), lower(a.account)] })),
  "Consortium:AccountRemoved": ({ db, a }) =>
    updateMember(db, a, (m) => ({ accounts: m.accounts.filter((x) => x !== lower(a.account)) })),
  "Consortium:ProposalCreated": async ({ db, a, ref }) => {
    await db.insert(schema.proposal).values({
      proposalId: big(a.proposalId),
      kind: num(a.kind),
      proposer: num(a.proposer),
      target: num(a.target),
      expiresAt: big(a.expiresAt),
      status: "Open",
      ref,
    });
  },
  "Consortium:VoteCast": async ({ db, a, id }) => {
    await db.insert(schema.vote).values({
      eventId: id,
      proposalId: big(a.proposalId),
      orgId: num(a.orgId),
      voter: lower(a.voter),
      support: Boolean(a.support),
    });
  },
  "Consortium:ProposalExecuted": (h) => proposalStatus(h, "Executed"),
  "Consortium:ProposalDefeated": (h) => proposalStatus(h, "Defeated"),
  "Consortium:ProposalCancelled": (h) => proposalStatus(h, "Cancelled"),
};

async function lotStatus({ db, a }: Handled, status: string): Promise<void> {
  if (await db.find(schema.lot, { lotId: lower(a.lotId) }))
    await db.update(schema.lot, { lotId: lower(a.lotId) }).set({ status });
}

/** A pallet event reaches every item packed on the pallet now (their timelines show it). */
async function palletEvent({ db, a, id }: Handled, quarantined?: boolean): Promise<void> {
  const sscc = big(a.sscc);
  const p = await db.find(schema.pallet, { sscc });
  if (!p) {
    await db.insert(schema.pallet).values({ sscc, members: [], everMembers: [], quarantined: quarantined ?? false });
    return;
  }
  if (quarantined !== undefined) await db.update(schema.pallet, { sscc }).set({ quarantined });
  for (const itemKey of p.members)
    await db
      .insert(schema.itemPalletEvent)
      .values({ id: `${itemKey}:${id}`, itemKey: lower(itemKey), eventId: id, sscc });
}

async function shipmentStatus({ db, a }: Handled, status: string, receiptEventId?: string): Promise<void> {
  const id = big(a.id);
  if (await db.find(schema.shipment, { id }))
    await db.update(schema.shipment, { id }).set(receiptEventId ? { status, receiptEventId } : { status });
  // Any of these is the action an excursion alarm waits for.
  const open = await db.sql
    .select()
    .from(schema.alarm)
    .where(and(eq(schema.alarm.shipmentId, id), eq(schema.alarm.open, true)));
  for (const row of open) await db.update(schema.alarm, { eventId: row.eventId }).set({ open: false });
}

async function updateDevice(db: Db, a: Args, set: Partial<typeof schema.device.$inferInsert>): Promise<void> {
  if (await db.find(schema.device, { address: lower(a.device) }))
    await db.update(schema.device, { address: lower(a.device) }).set(set);
}

async function updateOffering(
  db: Db,
  a: Args,
  set: (o: typeof schema.offering.$inferSelect) => Partial<typeof schema.offering.$inferInsert>,
): Promise<void> {
  const o = await db.find(schema.offering, { offeringId: big(a.offeringId) });
  if (o) await db.update(schema.offering, { offeringId: o.offeringId }).set(set(o));
}

async function updateMember(
  db: Db,
  a: Args,
  set: (m: typeof schema.member.$inferSelect) => Partial<typeof schema.member.$inferInsert>,
): Promise<void> {
  const m = await db.find(schema.member, { orgId: num(a.orgId) });
  if (m) await db.update(schema.member, { orgId: m.orgId }).set(set(m));
}

async function proposalStatus({ db, a }: Handled, status: string): Promise<void> {
  if (await db.find(schema.proposal, { proposalId: big(a.proposalId) }))
    await db.update(schema.proposal, { proposalId: big(a.proposalId) }).set({ status });
}

/** Stores one event and updates its read model. */
async function handle(source: string, name: string, e: LogEvent, db: Db): Promise<void> {
  const id = eventId(e.block.number, e.log.logIndex);
  const contract = lower(e.log.address);
  const ref: Ref = {
    blockNumber: e.block.number.toString(),
    timestamp: e.block.timestamp.toString(),
    txHash: lower(e.transaction.hash),
    logIndex: e.log.logIndex,
    from: lower(e.transaction.from),
  };
  // Events without arguments (FundingClosed()) come with none.
  const a = e.args ?? {};
  await db.insert(schema.event).values({
    id,
    contract,
    source,
    name,
    blockNumber: e.block.number,
    logIndex: e.log.logIndex,
    txHash: ref.txHash as `0x${string}`,
    timestamp: e.block.timestamp,
    from: ref.from as `0x${string}`,
    args: normalise(a),
    ...(await subjects(db, source, name, a, contract)),
  });
  for (const [account, role] of accounts(source, name, a))
    await db
      .insert(schema.accountEvent)
      .values({ id: `${id}:${account}:${role}`, account: account as `0x${string}`, eventId: id, role })
      .onConflictDoNothing();
  const update = updaters[`${source}:${name}`];
  if (update) await update({ db, id, ref, a, e, contract });
}

// Ponder's registry is typed per event name; the handlers are registered for every event of every ABI, so the
// name is widened here (each handler reads the fields every log event has).
type AnyName = "SupplyChain:ItemShipped";
type AnyHandler = Parameters<typeof ponder.on<AnyName>>[1];

for (const [source, abi] of Object.entries(SOURCES)) {
  for (const item of abi) {
    if (item.type !== "event") continue;
    const key = `${source}:${item.name}`;
    if (SKIPPED.has(key)) continue;
    const handler = (async ({ event, context }: { event: unknown; context: { db: Db } }) =>
      handle(source, item.name, event as LogEvent, context.db)) as unknown as AnyHandler;
    ponder.on(key as AnyName, handler);
  }
}

/** The chain's identity (genesis and block-1 hashes) next to the data built from it. */
ponder.on("Consortium:setup", async ({ context }) => {
  const genesis = await context.client.getBlock({ blockNumber: 0n });
  await context.db.insert(schema.meta).values({ key: "genesisHash", value: genesis.hash }).onConflictDoNothing();
  const first = await context.client.getBlock({ blockNumber: 1n }).catch(() => undefined);
  if (first)
    await context.db.insert(schema.meta).values({ key: "firstBlockHash", value: first.hash }).onConflictDoNothing();
});
