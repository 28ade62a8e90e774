/**
 * The history read models. `event` keeps every event once, with the subjects it concerns as indexed columns (the
 * timelines, audit trails and anchors are range scans on them); the other tables hold what the questions need
 * summarised (a lot's inputs, a pallet's members, a shipment's status, balances, revenue per day, open alarms, …).
 * Event references (`ref`) are `{ blockNumber, timestamp, txHash, logIndex, from }` with decimal strings.
 */
import { index, onchainTable } from "ponder";

/** The chain this database was built from (genesis and block-1 hashes) and other facts of the indexer. */
export const meta = onchainTable("meta", (t) => ({
  key: t.text().primaryKey(),
  value: t.text().notNull(),
}));

/** Every event of the system's contracts, decoded, with its subjects. id = `<block>-<logIndex>` (zero-padded). */
export const event = onchainTable(
  "event",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    /** Contract kind (`SupplyChain`, `AssetShareToken`, …). */
    source: t.text().notNull(),
    name: t.text().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    txHash: t.hex().notNull(),
    timestamp: t.bigint().notNull(),
    from: t.hex().notNull(),
    args: t.json().notNull(),
    itemKey: t.hex(),
    lotId: t.hex(),
    sscc: t.bigint(),
    shipmentId: t.bigint(),
    assetId: t.bigint(),
    shareToken: t.hex(),
    offeringId: t.bigint(),
    listingId: t.bigint(),
    patient: t.hex(),
    consentId: t.bigint(),
    policyId: t.bigint(),
    claimId: t.bigint(),
    proposalId: t.bigint(),
    orgId: t.integer(),
    device: t.hex(),
    epcisHash: t.hex(),
  }),
  (table) => ({
    order: index().on(table.blockNumber, table.logIndex),
    name: index().on(table.name),
    itemKey: index().on(table.itemKey),
    lotId: index().on(table.lotId),
    sscc: index().on(table.sscc),
    shipmentId: index().on(table.shipmentId),
    assetId: index().on(table.assetId),
    shareToken: index().on(table.shareToken),
    offeringId: index().on(table.offeringId),
    listingId: index().on(table.listingId),
    patient: index().on(table.patient),
    consentId: index().on(table.consentId),
    policyId: index().on(table.policyId),
    claimId: index().on(table.claimId),
    proposalId: index().on(table.proposalId),
    orgId: index().on(table.orgId),
    device: index().on(table.device),
    epcisHash: index().on(table.epcisHash),
  }),
);

/** Which accounts an event concerns (buyer, seller, holder, …): an investor's portfolio is a scan on `account`. */
export const accountEvent = onchainTable(
  "account_event",
  (t) => ({
    id: t.text().primaryKey(),
    account: t.hex().notNull(),
    eventId: t.text().notNull(),
    role: t.text().notNull(),
  }),
  (table) => ({ account: index().on(table.account, table.eventId) }),
);

/** Items seen on chain: their lot and the pallet they are packed on now. */
export const item = onchainTable("item", (t) => ({
  itemKey: t.hex().primaryKey(),
  lotId: t.hex(),
  sscc: t.bigint(),
}));

/** The pallet events an item travelled under (fanned out to the pallet's members when they happen). */
export const itemPalletEvent = onchainTable(
  "item_pallet_event",
  (t) => ({
    id: t.text().primaryKey(),
    itemKey: t.hex().notNull(),
    eventId: t.text().notNull(),
    sscc: t.bigint().notNull(),
  }),
  (table) => ({ itemKey: index().on(table.itemKey, table.eventId) }),
);

export const lot = onchainTable(
  "lot",
  (t) => ({
    lotId: t.hex().primaryKey(),
    gtin: t.bigint().notNull(),
    manufacturer: t.integer().notNull(),
    lotNumberHash: t.hex().notNull(),
    expiry: t.bigint().notNull(),
    origin: t.hex().notNull(),
    merkleRoot: t.hex().notNull(),
    itemCount: t.integer().notNull(),
    inputLots: t.json().$type<string[]>().notNull(),
    status: t.text().notNull(),
    ref: t.json().notNull(),
  }),
  (table) => ({ gtin: index().on(table.gtin) }),
);

/** Lot genealogy edges: `lotId` was made from `inputLotId` (both directions indexed). */
export const lotInput = onchainTable(
  "lot_input",
  (t) => ({
    id: t.text().primaryKey(),
    lotId: t.hex().notNull(),
    inputLotId: t.hex().notNull(),
  }),
  (table) => ({ lotId: index().on(table.lotId), inputLotId: index().on(table.inputLotId) }),
);

export const pallet = onchainTable("pallet", (t) => ({
  sscc: t.bigint().primaryKey(),
  members: t.json().$type<string[]>().notNull(),
  everMembers: t.json().$type<string[]>().notNull(),
  quarantined: t.boolean().notNull(),
}));

export const shipment = onchainTable(
  "shipment",
  (t) => ({
    id: t.bigint().primaryKey(),
    sender: t.integer().notNull(),
    receiver: t.integer().notNull(),
    carrier: t.integer().notNull(),
    storageClass: t.integer().notNull(),
    referenceHash: t.hex().notNull(),
    status: t.text().notNull(),
    receiptEventId: t.text(),
    ref: t.json().notNull(),
  }),
  (table) => ({ status: index().on(table.status) }),
);

/** Cold-chain excursion alarms; `open` until the shipment is quarantined, released, destroyed or received. */
export const alarm = onchainTable(
  "alarm",
  (t) => ({
    eventId: t.text().primaryKey(),
    shipmentId: t.bigint().notNull(),
    open: t.boolean().notNull(),
  }),
  (table) => ({ shipmentId: index().on(table.shipmentId), open: index().on(table.open) }),
);

/** PPA meter alarms (a held period), awaiting a regulator's review. */
export const meterAlarm = onchainTable(
  "meter_alarm",
  (t) => ({
    heldId: t.bigint().primaryKey(),
    assetId: t.bigint().notNull(),
    eventId: t.text().notNull(),
    reviewed: t.boolean().notNull(),
  }),
  (table) => ({ reviewed: index().on(table.reviewed) }),
);

export const device = onchainTable(
  "device",
  (t) => ({
    address: t.hex().primaryKey(),
    ownerOrg: t.integer().notNull(),
    managerOrg: t.integer().notNull(),
    kind: t.integer().notNull(),
    firmware: t.hex().notNull(),
    calibratedUntil: t.bigint().notNull(),
    suspended: t.boolean().notNull(),
    revoked: t.boolean().notNull(),
    batches: t.integer().notNull(),
  }),
  (table) => ({ ownerOrg: index().on(table.ownerOrg) }),
);

export const asset = onchainTable(
  "asset",
  (t) => ({
    assetId: t.bigint().primaryKey(),
    kind: t.integer().notNull(),
    operatorOrg: t.integer().notNull(),
    shareToken: t.hex().notNull(),
    metadataHash: t.hex().notNull(),
    cap: t.bigint().notNull(),
    status: t.integer().notNull(),
    supply: t.bigint().notNull(),
    holders: t.integer().notNull(),
    ref: t.json().notNull(),
  }),
  (table) => ({ shareToken: index().on(table.shareToken) }),
);

/** Share token → asset (the factory's children). */
export const shareToken = onchainTable("share_token", (t) => ({
  address: t.hex().primaryKey(),
  assetId: t.bigint().notNull(),
}));

export const holding = onchainTable(
  "holding",
  (t) => ({
    id: t.text().primaryKey(),
    shareToken: t.hex().notNull(),
    assetId: t.bigint().notNull(),
    account: t.hex().notNull(),
    balance: t.bigint().notNull(),
  }),
  (table) => ({ account: index().on(table.account), shareToken: index().on(table.shareToken) }),
);

/** Revenue deposits per share token, payment token and UTC day. */
export const revenueDay = onchainTable(
  "revenue_day",
  (t) => ({
    id: t.text().primaryKey(),
    shareToken: t.hex().notNull(),
    paymentToken: t.hex().notNull(),
    day: t.text().notNull(),
    amount: t.bigint().notNull(),
    deposits: t.integer().notNull(),
    meteredKWh: t.bigint().notNull(),
  }),
  (table) => ({ shareToken: index().on(table.shareToken, table.day) }),
);

export const offering = onchainTable(
  "offering",
  (t) => ({
    offeringId: t.bigint().primaryKey(),
    assetId: t.bigint().notNull(),
    initiatorOrg: t.integer().notNull(),
    beneficiaryOrg: t.integer().notNull(),
    paymentToken: t.hex().notNull(),
    price: t.bigint().notNull(),
    softCap: t.bigint().notNull(),
    hardCap: t.bigint().notNull(),
    start: t.bigint().notNull(),
    deadline: t.bigint().notNull(),
    sold: t.bigint().notNull(),
    raised: t.bigint().notNull(),
    succeeded: t.boolean(),
    ref: t.json().notNull(),
  }),
  (table) => ({ assetId: index().on(table.assetId) }),
);

export const listing = onchainTable(
  "listing",
  (t) => ({
    listingId: t.bigint().primaryKey(),
    seller: t.hex().notNull(),
    assetId: t.bigint().notNull(),
    amount: t.bigint().notNull(),
    remaining: t.bigint().notNull(),
    paymentToken: t.hex().notNull(),
    price: t.bigint().notNull(),
    expiry: t.bigint().notNull(),
    status: t.text().notNull(),
    ref: t.json().notNull(),
  }),
  (table) => ({ seller: index().on(table.seller), status: index().on(table.status) }),
);

/** Consents with their full terms (the contract keeps only their hash). */
export const consent = onchainTable(
  "consent",
  (t) => ({
    consentId: t.bigint().primaryKey(),
    patient: t.hex().notNull(),
    grantedBy: t.hex().notNull(),
    terms: t.json().notNull(),
    ref: t.json().notNull(),
    revoked: t.json(),
  }),
  (table) => ({ patient: index().on(table.patient) }),
);

export const policy = onchainTable(
  "policy",
  (t) => ({
    policyId: t.bigint().primaryKey(),
    patient: t.hex().notNull(),
    insurerOrg: t.integer().notNull(),
  }),
  (table) => ({ patient: index().on(table.patient) }),
);

export const insuranceClaim = onchainTable(
  "insurance_claim",
  (t) => ({
    claimId: t.bigint().primaryKey(),
    policyId: t.bigint().notNull(),
    providerOrg: t.integer().notNull(),
    amount: t.bigint().notNull(),
  }),
  (table) => ({ policyId: index().on(table.policyId) }),
);

export const member = onchainTable("member", (t) => ({
  orgId: t.integer().primaryKey(),
  kind: t.integer().notNull(),
  name: t.text().notNull(),
  metadataHash: t.hex().notNull(),
  roles: t.integer().notNull(),
  status: t.integer().notNull(),
  admin: t.hex().notNull(),
  accounts: t.json().$type<string[]>().notNull(),
  ref: t.json().notNull(),
}));

export const proposal = onchainTable("proposal", (t) => ({
  proposalId: t.bigint().primaryKey(),
  kind: t.integer().notNull(),
  proposer: t.integer().notNull(),
  target: t.integer().notNull(),
  expiresAt: t.bigint().notNull(),
  status: t.text().notNull(),
  ref: t.json().notNull(),
}));

export const vote = onchainTable(
  "vote",
  (t) => ({
    eventId: t.text().primaryKey(),
    proposalId: t.bigint().notNull(),
    orgId: t.integer().notNull(),
    voter: t.hex().notNull(),
    support: t.boolean().notNull(),
  }),
  (table) => ({ proposalId: index().on(table.proposalId) }),
);
