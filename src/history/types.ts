/**
 * The shapes the history indexer (indexer/, Ponder) answers on its REST routes (`/history/...`), shared by the
 * indexer, the history client (src/history/client.ts), the tasks and the web app. Browser-safe: types only, no
 * imports. Every integer that can exceed 2^53 (amounts, ids, block numbers, timestamps) travels as a decimal
 * string; hashes and addresses as 0x-hex (addresses lower-case); organisation ids (uint32) and small enums as
 * numbers.
 */

/** A decimal integer string (`"12345"`): a uint256/int256/uint64 value without loss. */
export type DecimalString = string;
/** 0x-prefixed hex (a bytes32 hash, a transaction hash). */
export type Hex = string;
/** 0x-prefixed 20-byte address, lower-case. */
export type Address = string;

/**
 * A decoded event argument: numbers as decimal strings, booleans, hex strings, arrays and structs (objects keyed
 * by the ABI's component names).
 */
export type ArgValue = string | boolean | ArgValue[] | { [name: string]: ArgValue };

/** Where and when an event happened. `(blockNumber, logIndex)` orders every history. */
export interface EventRef {
  blockNumber: DecimalString;
  /** Block timestamp (seconds since the epoch). */
  timestamp: DecimalString;
  txHash: Hex;
  logIndex: number;
  /** The transaction's sender (the account that acted). */
  from: Address;
}

/** One contract event as it happened: its name, the emitting contract and its decoded arguments. */
export interface HistoryEvent extends EventRef {
  /** Event name as in the ABI (`ItemShipped`, `PalletReceived`, …). */
  event: string;
  /** The emitting contract. */
  contract: Address;
  /** Every argument of the event by its ABI name. */
  args: Record<string, ArgValue>;
}

/** Every answer carries how far the indexer has read the chain: pages say "indexed to block N of M". */
export interface HistoryEnvelope<T> {
  chainId: DecimalString;
  /** Last block whose events are in the answer. */
  indexedBlock: DecimalString;
  /** The chain's head as the indexer last saw it. */
  headBlock: DecimalString;
  data: T;
}

/** `GET /history/status`. */
export interface HistoryStatus {
  chainId: DecimalString;
  indexedBlock: DecimalString;
  headBlock: DecimalString;
  /** headBlock - indexedBlock (0 when caught up). */
  behind: DecimalString;
  /** True once the backfill is complete and the chain identity matches the database. */
  ready: boolean;
}

/** The JSON body of every non-2xx answer (404 unknown object, 503 chain reset / not ready). */
export interface HistoryError {
  error: string;
  /**
   * Machine-readable reason: `not-found`, `bad-request`, `not-ready`; `chain-reset` (the chain's genesis or block 1
   * changed: the indexer stops and is rebuilt) and `stopped` (the indexer stopped, e.g. a reorg deeper than its
   * finality depth): nothing it holds may be served then.
   */
  code: "not-found" | "chain-reset" | "not-ready" | "bad-request" | "stopped";
}

// ---------------------------------------------------------------------------------------------------------------
// Supply chain

/** An event in an item's life, including the pallet events it travelled under (`viaSscc`). */
export interface ItemTimelineEvent extends HistoryEvent {
  itemKey: Hex;
  /** The pallet (SSCC, decimal) when the event was a pallet's (shipped/received/quarantine while packed). */
  viaSscc: DecimalString | null;
  /** The organisation that acted, when the event names one. */
  org: number | null;
  epcisHash: Hex | null;
}

/** `GET /history/items/:itemKey/timeline`. */
export interface ItemTimeline {
  itemKey: Hex;
  lotId: Hex | null;
  gtin: DecimalString | null;
  events: ItemTimelineEvent[];
}

export interface LotSummary {
  lotId: Hex;
  gtin: DecimalString;
  manufacturer: number;
  lotNumberHash: Hex;
  expiry: DecimalString;
  origin: Hex;
  merkleRoot: Hex;
  itemCount: number;
  inputLots: Hex[];
  commissioned: EventRef;
  /** `Active`, `Recalled`, `Quarantined`, `Destroyed` as the last lot event left it. */
  status: "Active" | "Recalled" | "Quarantined" | "Destroyed";
}

/** `GET /history/lots/:lotId`: the lot, its own events and its upstream lots (transitively, nearest first). */
export interface LotHistory {
  lot: LotSummary;
  events: HistoryEvent[];
  upstream: LotSummary[];
}

/** `GET /history/pallets/:sscc`. */
export interface PalletHistory {
  sscc: DecimalString;
  /** Items packed on the pallet now (packed and not unpacked). */
  members: Hex[];
  /** Every item ever packed on it. */
  everMembers: Hex[];
  /** The lot of every item ever packed on it (item key → lot id), so contents can be told by lot. */
  itemLots: Record<Hex, Hex>;
  events: HistoryEvent[];
}

// ---------------------------------------------------------------------------------------------------------------
// Cold chain and devices

export interface ShipmentReadings extends HistoryEvent {
  device: Address;
  count: number;
  firstValue: number;
  lastValue: number;
  outside: number;
}

export interface ShipmentAlarm extends HistoryEvent {
  shipmentId: DecimalString;
  device: Address;
  kind: number;
  at: DecimalString;
  deviation: number;
  duration: number;
  /** True while the shipment has not been quarantined, released, destroyed or received since the alarm. */
  open: boolean;
}

/** `GET /history/shipments/:id`. */
export interface ShipmentHistory {
  id: DecimalString;
  sender: number;
  receiver: number;
  carrier: number;
  storageClass: number;
  referenceHash: Hex;
  opened: EventRef;
  status: "InTransit" | "Quarantined" | "Released" | "Received" | "Destroyed";
  readings: ShipmentReadings[];
  alarms: ShipmentAlarm[];
  /** ShipmentReceived with the mean kinetic temperature, if received. */
  receipt: (HistoryEvent & { mkt: number }) | null;
  events: HistoryEvent[];
}

/** `GET /history/devices`: the registered sensors, meters and controllers as their events left them. */
export interface DeviceSummary {
  address: Address;
  ownerOrg: number;
  managerOrg: number;
  kind: number;
  firmware: Hex;
  calibratedUntil: DecimalString;
  suspended: boolean;
  revoked: boolean;
  /** Telemetry batches anchored (BatchAnchored). */
  batches: number;
}

/** `GET /history/alarms?open=1`: cold-chain excursion alarms (and PPA meter alarms) awaiting action. */
export interface AlarmsAnswer {
  shipmentAlarms: ShipmentAlarm[];
  meterAlarms: (HistoryEvent & { assetId: DecimalString; heldId: DecimalString; reviewed: boolean })[];
}

// ---------------------------------------------------------------------------------------------------------------
// Assets

export interface AssetSummary {
  assetId: DecimalString;
  kind: number;
  operatorOrg: number;
  shareToken: Address;
  metadataHash: Hex;
  cap: DecimalString;
  status: number;
  registered: EventRef;
  /** Sum of all share balances (indexed Transfer events). */
  supply: DecimalString;
  holders: number;
}

export interface Holding {
  assetId: DecimalString;
  shareToken: Address;
  account: Address;
  balance: DecimalString;
}

/** `GET /history/assets/:token`. */
export interface AssetHistory {
  asset: AssetSummary;
  holdings: Holding[];
  events: HistoryEvent[];
}

/** One UTC day of revenue deposits for one payment token. */
export interface RevenueDay {
  /** `YYYY-MM-DD` (UTC) of the block timestamps. */
  day: string;
  paymentToken: Address;
  amount: DecimalString;
  deposits: number;
  meteredKWh: DecimalString;
}

/** `GET /history/assets/:token/revenue`. */
export interface AssetRevenue {
  shareToken: Address;
  days: RevenueDay[];
  claims: (HistoryEvent & { account: Address; paymentToken: Address; amount: DecimalString })[];
}

export interface OfferingSummary {
  offeringId: DecimalString;
  assetId: DecimalString;
  initiatorOrg: number;
  beneficiaryOrg: number;
  paymentToken: Address;
  price: DecimalString;
  softCap: DecimalString;
  hardCap: DecimalString;
  start: DecimalString;
  deadline: DecimalString;
  sold: DecimalString;
  raised: DecimalString;
  /** null while open; true/false once finalised. */
  succeeded: boolean | null;
  opened: EventRef;
}

export interface ListingSummary {
  listingId: DecimalString;
  seller: Address;
  assetId: DecimalString;
  amount: DecimalString;
  remaining: DecimalString;
  paymentToken: Address;
  price: DecimalString;
  expiry: DecimalString;
  status: "Open" | "Filled" | "Cancelled";
  listed: EventRef;
}

/** `GET /history/investors/:address/portfolio`. */
export interface Portfolio {
  account: Address;
  holdings: Holding[];
  purchases: HistoryEvent[];
  refunds: HistoryEvent[];
  claims: HistoryEvent[];
  fills: HistoryEvent[];
  listings: ListingSummary[];
  /** Share-token transfers in or out of the account. */
  transfers: HistoryEvent[];
}

/** `GET /history/metered/:assetId`: PPA terms, settlements and alarms, or vending periods and deposits. */
export interface MeteredHistory {
  assetId: DecimalString;
  kind: "ppa" | "vending" | "none";
  events: HistoryEvent[];
  settlements: HistoryEvent[];
  periods: HistoryEvent[];
}

// ---------------------------------------------------------------------------------------------------------------
// Medical

export interface ConsentTermsJson {
  patient: Address;
  granteeOrg: number;
  granteeAccount: Address;
  actions: number;
  purposes: number;
  scopeKind: number;
  validFrom: DecimalString;
  validUntil: DecimalString;
  scope: Hex[];
}

/** `GET /history/consents/:id` and the entries of `/history/patients/:address/consents`. */
export interface ConsentHistory {
  consentId: DecimalString;
  patient: Address;
  grantedBy: Address;
  terms: ConsentTermsJson;
  granted: EventRef;
  revoked: (EventRef & { by: Address }) | null;
}

/** `GET /history/patients/:address/audit`: AccessAudited, EmergencyAccessOpened, EmergencyReviewed in order. */
export interface PatientAudit {
  patient: Address;
  events: HistoryEvent[];
}

/** `GET /history/policies/:id/claims`. */
export interface PolicyClaims {
  policyId: DecimalString;
  patient: Address | null;
  insurerOrg: number | null;
  /** PolicyIssued, PolicyActivated, OfferWithdrawn. */
  events: HistoryEvent[];
  claims: {
    claimId: DecimalString;
    providerOrg: number;
    amount: DecimalString;
    /** Every event of the claim (submitted, adjudicated, awaiting funds, paid) in order. */
    events: HistoryEvent[];
  }[];
}

// ---------------------------------------------------------------------------------------------------------------
// Consortium

export interface MemberSummary {
  orgId: number;
  kind: number;
  name: string;
  metadataHash: Hex;
  roles: number;
  status: number;
  admin: Address;
  accounts: Address[];
  admitted: EventRef;
}

export interface ProposalSummary {
  proposalId: DecimalString;
  kind: number;
  proposer: number;
  target: number;
  expiresAt: DecimalString;
  status: "Open" | "Executed" | "Defeated" | "Cancelled";
  votes: (EventRef & { orgId: number; voter: Address; support: boolean })[];
  created: EventRef;
}

// ---------------------------------------------------------------------------------------------------------------
// EPCIS anchors

/** `GET /history/anchors?epcisHash=&itemKey=&sscc=`: every supply-chain event that carries an EPCIS hash. */
export interface EpcisAnchor extends HistoryEvent {
  epcisHash: Hex;
  itemKey: Hex | null;
  sscc: DecimalString | null;
}
