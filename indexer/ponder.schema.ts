/**
 * The read models: one table (or a row table plus an event table) per history users ask about. Every table keeps
 * the emitting contract's address, so two deployments of the same contract on one chain never mix. Event tables
 * keep the block, log index and timestamp of each row (the history's order) and the decoded arguments as JSON
 * (bigints as decimal strings), so a contract that gains an event field needs no migration here.
 */
import { index, onchainTable } from "ponder";

// ---------------------------------------------------------------- supply chain: items, pallets, lots

/** An item's own events (activation, shipments, receipts, sale, undo, clone alerts, reports), by item key. */
export const itemEvent = onchainTable(
  "item_event",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    itemKey: t.hex().notNull(),
    lotId: t.hex(),
    name: t.text().notNull(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ byItem: index().on(table.contract, table.itemKey) }),
);

/** A pallet's events (packing and unpacking of each item, pallet shipments and receipts), by SSCC. */
export const palletEvent = onchainTable(
  "pallet_event",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    sscc: t.bigint().notNull(),
    itemKey: t.hex(),
    name: t.text().notNull(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({
    bySscc: index().on(table.contract, table.sscc),
    byItem: index().on(table.contract, table.itemKey),
  }),
);

/** A commissioned lot with its upstream input lots and its current overlay status. */
export const lot = onchainTable(
  "lot",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    lotId: t.hex().notNull(),
    gtin: t.bigint().notNull(),
    manufacturer: t.integer().notNull(),
    expiry: t.bigint().notNull(),
    itemCount: t.integer().notNull(),
    inputLots: t.json().$type<string[]>().notNull(),
    status: t.text().notNull(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ byLot: index().on(table.contract, table.lotId), byBlock: index().on(table.contract, table.block) }),
);

/** One edge lot → input lot (what a lot was made of); walked upstream by the trace. */
export const lotInput = onchainTable(
  "lot_input",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    lotId: t.hex().notNull(),
    inputLotId: t.hex().notNull(),
  }),
  (table) => ({
    byLot: index().on(table.contract, table.lotId),
    byInput: index().on(table.contract, table.inputLotId),
  }),
);

/** Lot overlays: recall, quarantine, release, destruction. */
export const lotEvent = onchainTable(
  "lot_event",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    lotId: t.hex().notNull(),
    name: t.text().notNull(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ byLot: index().on(table.contract, table.lotId), byName: index().on(table.contract, table.name) }),
);

// ---------------------------------------------------------------- cold chain: shipments, readings, alarms

/** A cold-chain shipment and where it stands. */
export const shipment = onchainTable(
  "shipment",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    shipmentId: t.bigint().notNull(),
    sender: t.integer().notNull(),
    receiver: t.integer().notNull(),
    carrier: t.integer().notNull(),
    storageClass: t.integer().notNull(),
    status: t.text().notNull(),
    readings: t.integer().notNull(),
    alarms: t.integer().notNull(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ byShipment: index().on(table.contract, table.shipmentId) }),
);

/** A shipment's events: readings, excursion alarms, quarantine, release, destruction, receipt. */
export const shipmentEvent = onchainTable(
  "shipment_event",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    shipmentId: t.bigint().notNull(),
    name: t.text().notNull(),
    device: t.hex(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({
    byShipment: index().on(table.contract, table.shipmentId),
    byName: index().on(table.contract, table.name),
  }),
);

/**
 * Alarms and their follow-up: a cold-chain excursion (open until the shipment is released, destroyed or
 * received), a clone alert, a lot quarantine (open until released or destroyed), a break-glass access (open until
 * a regulator reviews it). `open` rows are the alarms awaiting action.
 */
export const alarm = onchainTable(
  "alarm",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    kind: t.text().notNull(),
    subject: t.text().notNull(),
    open: t.boolean().notNull(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
    closedBlock: t.bigint(),
    closedBy: t.text(),
  }),
  (table) => ({ byOpen: index().on(table.open, table.kind), bySubject: index().on(table.contract, table.subject) }),
);

// ---------------------------------------------------------------- tokenized assets

/** A registered asset and its share token (discovered from AssetRegistered). */
export const asset = onchainTable(
  "asset",
  (t) => ({
    id: t.text().primaryKey(),
    registry: t.hex().notNull(),
    assetId: t.bigint().notNull(),
    shareToken: t.hex().notNull(),
    kind: t.integer().notNull(),
    operatorOrg: t.integer().notNull(),
    cap: t.bigint().notNull(),
    status: t.integer().notNull(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ byToken: index().on(table.shareToken), byAsset: index().on(table.registry, table.assetId) }),
);

/** An account's balance of one share token (every account that ever held shares keeps its row). */
export const holding = onchainTable(
  "holding",
  (t) => ({
    id: t.text().primaryKey(),
    token: t.hex().notNull(),
    account: t.hex().notNull(),
    balance: t.bigint().notNull(),
  }),
  (table) => ({ byAccount: index().on(table.account), byToken: index().on(table.token) }),
);

/** A share token's events (transfers, revenue deposits, claims, moves, ...) with the accounts they touch. */
export const tokenEvent = onchainTable(
  "token_event",
  (t) => ({
    id: t.text().primaryKey(),
    token: t.hex().notNull(),
    name: t.text().notNull(),
    from: t.hex(),
    to: t.hex(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({
    byTokenName: index().on(table.token, table.name),
    byFrom: index().on(table.from),
    byTo: index().on(table.to),
  }),
);

/** Revenue deposited into a share token per UTC day (the investors' chart). */
export const revenueDay = onchainTable(
  "revenue_day",
  (t) => ({
    id: t.text().primaryKey(),
    token: t.hex().notNull(),
    paymentToken: t.hex().notNull(),
    day: t.integer().notNull(),
    amount: t.bigint().notNull(),
    meteredKWh: t.bigint().notNull(),
    deposits: t.integer().notNull(),
  }),
  (table) => ({ byToken: index().on(table.token, table.day) }),
);

/** A crowdfunding offering and where it stands. */
export const offering = onchainTable(
  "offering",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    offeringId: t.bigint().notNull(),
    assetId: t.bigint().notNull(),
    status: t.text().notNull(),
    sold: t.bigint().notNull(),
    raised: t.bigint().notNull(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ byAsset: index().on(table.contract, table.assetId) }),
);

/** An offering's events (purchases, refunds, price changes, finalisation, milestones, releases). */
export const offeringEvent = onchainTable(
  "offering_event",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    offeringId: t.bigint().notNull(),
    name: t.text().notNull(),
    account: t.hex(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ byAccount: index().on(table.account), byOffering: index().on(table.contract, table.offeringId) }),
);

/** A market listing and what is left of it. */
export const listing = onchainTable(
  "listing",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    listingId: t.bigint().notNull(),
    seller: t.hex().notNull(),
    assetId: t.bigint().notNull(),
    amount: t.bigint().notNull(),
    remaining: t.bigint().notNull(),
    status: t.text().notNull(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ bySeller: index().on(table.seller), byAsset: index().on(table.contract, table.assetId) }),
);

/** A listing's fills and cancellation, with buyer and seller. */
export const listingEvent = onchainTable(
  "listing_event",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    listingId: t.bigint().notNull(),
    name: t.text().notNull(),
    buyer: t.hex(),
    seller: t.hex(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ byBuyer: index().on(table.buyer), bySeller: index().on(table.seller) }),
);

// ---------------------------------------------------------------- medical data and insurance

/** A consent and whether it was revoked. */
export const consent = onchainTable(
  "consent",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    consentId: t.bigint().notNull(),
    patient: t.hex().notNull(),
    by: t.hex().notNull(),
    revoked: t.boolean().notNull(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ byPatient: index().on(table.contract, table.patient) }),
);

/** Everything that happened to a patient's data: anchors, consents, audited accesses, break-glass, reviews. */
export const patientEvent = onchainTable(
  "patient_event",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    patient: t.hex().notNull(),
    name: t.text().notNull(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ byPatient: index().on(table.contract, table.patient, table.name) }),
);

/** An insurance policy. */
export const policy = onchainTable(
  "policy",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    policyId: t.bigint().notNull(),
    patient: t.hex().notNull(),
    insurerOrg: t.integer().notNull(),
    active: t.boolean().notNull(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ byPatient: index().on(table.contract, table.patient) }),
);

/** A claim and its latest adjudication and payment. */
export const claim = onchainTable(
  "claim",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    claimId: t.bigint().notNull(),
    policyId: t.bigint().notNull(),
    providerOrg: t.integer().notNull(),
    amount: t.bigint().notNull(),
    status: t.integer(),
    outcome: t.integer(),
    benefit: t.bigint(),
    paid: t.boolean().notNull(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ byPolicy: index().on(table.contract, table.policyId) }),
);

/** A claim's events (submission, adjudication, waiting for funds, payment). */
export const claimEvent = onchainTable(
  "claim_event",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    claimId: t.bigint().notNull(),
    name: t.text().notNull(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ byClaim: index().on(table.contract, table.claimId) }),
);

// ---------------------------------------------------------------- consortium: members and proposals

/** A member organisation as admitted and changed since. */
export const member = onchainTable(
  "member",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    orgId: t.integer().notNull(),
    kind: t.integer().notNull(),
    name: t.text().notNull(),
    roles: t.integer().notNull(),
    status: t.integer().notNull(),
    account: t.hex().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ byOrg: index().on(table.contract, table.orgId) }),
);

/** A proposal with its votes so far and its outcome. */
export const proposal = onchainTable(
  "proposal",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    proposalId: t.bigint().notNull(),
    kind: t.integer().notNull(),
    proposer: t.integer().notNull(),
    target: t.integer().notNull(),
    expiresAt: t.bigint().notNull(),
    status: t.text().notNull(),
    votesFor: t.integer().notNull(),
    votesAgainst: t.integer().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ byContract: index().on(table.contract, table.proposalId) }),
);

/** Governance history: admissions, role and status changes, accounts, proposals, votes, parameters. */
export const governanceEvent = onchainTable(
  "governance_event",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    orgId: t.integer(),
    proposalId: t.bigint(),
    name: t.text().notNull(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({
    byOrg: index().on(table.contract, table.orgId),
    byProposal: index().on(table.contract, table.proposalId),
  }),
);
