/**
 * The one way the SDK, the tasks and the web app read history: the indexer's REST routes (indexer/, `/history/*`).
 * Authoritative current state (is this pack sellable now? what does this investor hold now?) still comes from the
 * contracts' views; what happened, in order, comes from here. Browser-safe: only `fetch`, no Node imports.
 */
import type {
  AlarmsAnswer,
  AssetHistory,
  AssetRevenue,
  AssetSummary,
  ConsentHistory,
  EpcisAnchor,
  HistoryEnvelope,
  HistoryError,
  HistoryEvent,
  HistoryStatus,
  ItemTimeline,
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
  ShipmentHistory,
} from "./types";

/** The indexer answered with an error, or could not be reached. `code` says which (see `HistoryError`). */
export class HistoryUnavailableError extends Error {
  constructor(
    message: string,
    readonly code: HistoryError["code"] | "unreachable" | "timeout",
    readonly status?: number,
  ) {
    super(message);
    this.name = "HistoryUnavailableError";
  }
}

/** The object asked for is not in the indexed history (unknown item, shipment, consent…). */
export class HistoryNotFoundError extends HistoryUnavailableError {
  constructor(message: string) {
    super(message, "not-found", 404);
    this.name = "HistoryNotFoundError";
  }
}

/** An answer and how far the indexer had read the chain when it gave it. */
export interface Indexed<T> {
  data: T;
  indexedBlock: bigint;
  headBlock: bigint;
  /** Blocks the answer may be missing (0 when the indexer is at the head). */
  behind: bigint;
}

/** "indexed to block N of M" when the answer lags the head, otherwise undefined. */
export function lagNote(answer: { indexedBlock: bigint; headBlock: bigint }): string | undefined {
  return answer.headBlock > answer.indexedBlock
    ? `indexed to block ${answer.indexedBlock} of ${answer.headBlock}`
    : undefined;
}

type Fetch = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

export interface HistoryClientOptions {
  /** Per-request bound in milliseconds (default 15 s). */
  timeoutMs?: number;
  fetch?: Fetch;
}

/** A typed client of one indexer (its base URL, e.g. `http://127.0.0.1:42069` or `/indexer` behind the app). */
export class HistoryClient {
  /** The indexer's base URL ("" when it is served on the page's own origin, e.g. behind the app's proxy). */
  readonly base: string;
  private readonly timeoutMs: number;
  private readonly fetcher: Fetch;

  constructor(baseUrl: string, options: HistoryClientOptions = {}) {
    this.base = baseUrl.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.fetcher = options.fetch ?? ((url, init) => fetch(url, init));
  }

  /** Where the indexer is: its block, the head it saw, whether its backfill is complete. */
  async status(): Promise<HistoryStatus> {
    return this.json<HistoryStatus>("/history/status");
  }

  /**
   * Resolves once the indexer has read block `block` (e.g. the block of a transaction just mined, so the history
   * shown includes it). Bounded: a stalled indexer is a `HistoryUnavailableError("timeout")`, never a hang.
   */
  async waitForBlock(block: bigint | number, timeoutMs = 60_000, pollMs = 200): Promise<HistoryStatus> {
    const deadline = Date.now() + timeoutMs;
    let last: HistoryStatus | undefined;
    for (;;) {
      try {
        last = await this.status();
        if (BigInt(last.indexedBlock) >= BigInt(block)) return last;
      } catch (err) {
        // An indexer busy with a heavy block answers late: that is "not yet", until the overall deadline.
        if (!(err instanceof HistoryUnavailableError) || err.code !== "timeout" || Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline) {
        const where = last ? ` (indexed to block ${last.indexedBlock} of ${last.headBlock})` : "";
        throw new HistoryUnavailableError(
          `the indexer did not reach block ${block} within ${timeoutMs / 1000} s${where}`,
          "timeout",
        );
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /**
   * An item's timeline. With `lotId` (read from the pack), an item still inside its lot's Merkle root, which has no
   * events of its own, answers with its lot's history instead of "not found".
   */
  itemTimeline(itemKey: string, lotId?: string): Promise<Indexed<ItemTimeline>> {
    return this.get(`/history/items/${itemKey}/timeline${lotId ? `?lotId=${lotId}` : ""}`);
  }

  /** Commissioned lots, newest first (of one GTIN when given), at most `limit` (1-1,000, default 200). */
  lots(filter: { gtin?: bigint | string; limit?: number } = {}): Promise<Indexed<LotSummary[]>> {
    const q = new URLSearchParams();
    if (filter.gtin !== undefined) q.set("gtin", BigInt(filter.gtin).toString());
    if (filter.limit !== undefined) q.set("limit", String(filter.limit));
    const qs = q.toString();
    return this.get(`/history/lots${qs ? `?${qs}` : ""}`);
  }

  lot(lotId: string): Promise<Indexed<LotHistory>> {
    return this.get(`/history/lots/${lotId}`);
  }

  pallet(sscc: bigint | string): Promise<Indexed<PalletHistory>> {
    return this.get(`/history/pallets/${sscc.toString()}`);
  }

  shipment(id: bigint | string): Promise<Indexed<ShipmentHistory>> {
    return this.get(`/history/shipments/${id.toString()}`);
  }

  alarms(onlyOpen = true): Promise<Indexed<AlarmsAnswer>> {
    return this.get(`/history/alarms${onlyOpen ? "?open=1" : ""}`);
  }

  assets(): Promise<Indexed<AssetSummary[]>> {
    return this.get("/history/assets");
  }

  asset(shareToken: string): Promise<Indexed<AssetHistory>> {
    return this.get(`/history/assets/${shareToken}`);
  }

  revenue(shareToken: string): Promise<Indexed<AssetRevenue>> {
    return this.get(`/history/assets/${shareToken}/revenue`);
  }

  portfolio(account: string): Promise<Indexed<Portfolio>> {
    return this.get(`/history/investors/${account}/portfolio`);
  }

  offerings(): Promise<Indexed<OfferingSummary[]>> {
    return this.get("/history/offerings");
  }

  listings(): Promise<Indexed<ListingSummary[]>> {
    return this.get("/history/listings");
  }

  metered(assetId: bigint | string): Promise<Indexed<MeteredHistory>> {
    return this.get(`/history/metered/${assetId.toString()}`);
  }

  patientAudit(patient: string): Promise<Indexed<PatientAudit>> {
    return this.get(`/history/patients/${patient}/audit`);
  }

  patientConsents(patient: string): Promise<Indexed<ConsentHistory[]>> {
    return this.get(`/history/patients/${patient}/consents`);
  }

  consent(consentId: bigint | string): Promise<Indexed<ConsentHistory>> {
    return this.get(`/history/consents/${consentId.toString()}`);
  }

  policyClaims(policyId: bigint | string): Promise<Indexed<PolicyClaims>> {
    return this.get(`/history/policies/${policyId.toString()}/claims`);
  }

  members(): Promise<Indexed<MemberSummary[]>> {
    return this.get("/history/members");
  }

  proposals(): Promise<Indexed<ProposalSummary[]>> {
    return this.get("/history/proposals");
  }

  /** The newest events of the given names (of one contract when given), newest first, at most `limit` (≤ 1,000). */
  events(names: string[], filter: { contract?: string; limit?: number } = {}): Promise<Indexed<HistoryEvent[]>> {
    const q = new URLSearchParams({ name: names.join(",") });
    if (filter.contract) q.set("contract", filter.contract);
    if (filter.limit !== undefined) q.set("limit", String(filter.limit));
    return this.get(`/history/events?${q.toString()}`);
  }

  /** Supply-chain events carrying an EPCIS hash, filtered by any of hash, item and pallet. */
  anchors(
    filter: { epcisHash?: string; itemKey?: string; sscc?: bigint | string } = {},
  ): Promise<Indexed<EpcisAnchor[]>> {
    const q = new URLSearchParams();
    if (filter.epcisHash) q.set("epcisHash", filter.epcisHash);
    if (filter.itemKey) q.set("itemKey", filter.itemKey);
    if (filter.sscc !== undefined) q.set("sscc", filter.sscc.toString());
    const qs = q.toString();
    return this.get(`/history/anchors${qs ? `?${qs}` : ""}`);
  }

  private async get<T>(path: string): Promise<Indexed<T>> {
    const env = await this.json<HistoryEnvelope<T>>(path);
    const indexedBlock = BigInt(env.indexedBlock);
    const headBlock = BigInt(env.headBlock);
    return {
      data: env.data,
      indexedBlock,
      headBlock,
      behind: headBlock > indexedBlock ? headBlock - indexedBlock : 0n,
    };
  }

  private async json<T>(path: string): Promise<T> {
    const url = `${this.base}${path}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let res: Response;
    try {
      res = await this.fetcher(url, { signal: controller.signal });
    } catch (err) {
      const aborted = controller.signal.aborted;
      throw new HistoryUnavailableError(
        aborted
          ? `the indexer at ${this.base} did not answer ${path} within ${this.timeoutMs / 1000} s`
          : `the indexer at ${this.base} is unreachable (${(err as Error).message}); start it with \`npm run indexer\``,
        aborted ? "timeout" : "unreachable",
      );
    } finally {
      clearTimeout(timer);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HistoryUnavailableError(
        `the indexer answered ${path} with HTTP ${res.status} and no JSON`,
        "bad-request",
        res.status,
      );
    }
    if (!res.ok) {
      const e = body as Partial<HistoryError>;
      const message = `${path}: ${e.error ?? `HTTP ${res.status}`}`;
      if (res.status === 404) throw new HistoryNotFoundError(message);
      throw new HistoryUnavailableError(message, e.code ?? "not-ready", res.status);
    }
    return body as T;
  }
}
