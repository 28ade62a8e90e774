import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ZeroAddress, formatUnits, getAddress } from "ethers";
import type { JsonRpcProvider } from "ethers";
import type { AssetRegistry } from "../../../typechain-types";
import { AssetPPA__factory, AssetVending__factory } from "../../../typechain-types";
import type { HistoryClient } from "../../../src/history/client";
import type { HistoryEvent } from "../../../src/history/types";
import { useApp } from "../app-context";
import { useFormat } from "../i18n";
import { DailyChart, DailyPoint } from "./chart";
import { PayToken, money } from "./money";

const DAY = 86_400;

/** One PPA settlement's waterfall (or a collection of arrears without a new settlement), from the events. */
export interface WaterfallRow {
  tx: string;
  /** Settlement number (0: arrears collected without a new reading). */
  settlement: number;
  fromTime: number;
  toTime: number;
  energyWh: bigint;
  /** Value of the energy settled in this transaction. */
  value: bigint;
  paid: bigint;
  /** Part of `paid` that went to arrears owed before this transaction (paid first). */
  toArrears: bigint;
  rent: bigint;
  om: bigint;
  investors: bigint;
  /** Investors' part carried as dust after this transaction (less than one unit per share). */
  dust: bigint;
  /** Still owed by the grid after this transaction. */
  arrears: bigint;
}

/** A solar asset's PPA: terms and account from the contract's views, history from its events. */
export interface PpaView {
  kind: "ppa";
  assetId: bigint;
  pay: PayToken;
  gridOrg: number;
  propertyOrg: number;
  operatorOrg: number;
  tariff: bigint;
  rentBps: number;
  rentPerKWh: bigint;
  omBps: number;
  register: bigint;
  arrears: bigint;
  alarms: number;
  rows: WaterfallRow[];
}

/** A vending ledger row: a controller's reported sales or an operator's deposit. */
export interface VendingRow {
  tx: string;
  time: number;
  kind: "report" | "deposit";
  /** Reported sales (report) or deposited amount (deposit). */
  amount: bigint;
  /** Holders' due of the report (sales minus the cost share). */
  due: bigint;
  /** The report closed a period that left a shortfall. */
  opened: boolean;
  /** Open arrear after the row. */
  arrears: bigint;
}

/** A settlement period of a vending ledger: what was reported in it against what was deposited in it. */
export interface VendingPeriod {
  start: number;
  /** When the report that closed it ended (undefined: the period is still open). */
  end?: number;
  sales: bigint;
  due: bigint;
  deposited: bigint;
  /** Open arrear when the period closed (everything reported before it, less everything deposited). */
  arrearAtClose?: bigint;
}

/** A vending or ad-screen asset's ledger: reported sales against deposits. */
export interface VendingView {
  kind: "vending";
  assetId: bigint;
  pay: PayToken;
  costShareBps: number;
  period: number;
  reported: bigint;
  due: bigint;
  matured: bigint;
  paid: bigint;
  arrears: bigint;
  rows: VendingRow[];
  /** The rows grouped by settlement period (undefined when the node cannot answer calls at past blocks). */
  periods?: VendingPeriod[];
}

export type MeteredView = PpaView | VendingView;

/** An indexed event as the metered views read it (numbers as decimal strings). */
interface FeedEvent {
  name: string;
  blockNumber: number;
  index: number;
  transactionHash: string;
  timestamp: number;
  args: Record<string, string>;
}

function feed(e: HistoryEvent): FeedEvent {
  return {
    name: e.event,
    blockNumber: Number(e.blockNumber),
    index: e.logIndex,
    transactionHash: e.txHash,
    timestamp: Number(e.timestamp),
    args: Object.fromEntries(Object.entries(e.args).map(([k, v]) => [k, String(v)])),
  };
}

/**
 * The metered revenue of every asset that has PPA or vending terms. The contracts are found from the registry's
 * `AssetMeteringBound` event (none: no metering on this deployment); current state from their views, history from
 * the history indexer, as the page reads the share tokens' revenue.
 */
export async function loadMetered(
  p: JsonRpcProvider,
  registry: AssetRegistry,
  assets: { id: bigint; operatorOrg: bigint }[],
  payToken: (address: string) => Promise<PayToken>,
  history: HistoryClient,
): Promise<Map<bigint, MeteredView>> {
  const out = new Map<bigint, MeteredView>();
  const bound = (await history.events(["AssetMeteringBound"], { contract: await registry.getAddress(), limit: 1 }))
    .data;
  if (bound.length === 0) return out;
  const ppa = AssetPPA__factory.connect(getAddress(String(bound[0].args.ppa)), p);
  const vending = AssetVending__factory.connect(getAddress(String(bound[0].args.vending)), p);
  await Promise.all(
    assets.map(async ({ id, operatorOrg }) => {
      const [pt, vt] = await Promise.all([ppa.terms(id), vending.terms(id)]);
      if (pt.meter === ZeroAddress && vt.controller === ZeroAddress) return;
      const past = (await history.metered(id)).data.events.map(feed);
      const named = (n: string) => past.filter((e) => e.name === n);
      if (pt.meter !== ZeroAddress) {
        const [account, arrears] = await Promise.all([ppa.account(id), ppa.arrears(id)]);
        const [settled, falls, alarms] = [named("PpaSettled"), named("PpaWaterfall"), named("PpaMeterAlarm")];
        const byTx = new Map(settled.map((s) => [s.transactionHash, s]));
        const rows = falls.map((w): WaterfallRow => {
          const s = byTx.get(w.transactionHash);
          const value = s ? BigInt(s.args.value) : 0n;
          const paid = BigInt(w.args.paid);
          const wArrears = BigInt(w.args.arrears);
          const before = wArrears + paid - value;
          const when = s ? Number(s.args.toTime) : w.timestamp;
          return {
            tx: w.transactionHash,
            settlement: s ? Number(s.args.settlement) : 0,
            fromTime: s ? Number(s.args.fromTime) : when,
            toTime: when,
            energyWh: s ? BigInt(s.args.energyWh) : 0n,
            value,
            paid,
            toArrears: paid < before ? paid : before,
            rent: BigInt(w.args.rent),
            om: BigInt(w.args.om),
            investors: BigInt(w.args.investors),
            dust: BigInt(w.args.dust),
            arrears: wArrears,
          };
        });
        out.set(id, {
          kind: "ppa",
          assetId: id,
          pay: await payToken(pt.paymentToken),
          gridOrg: Number(pt.gridOrg),
          propertyOrg: Number(pt.propertyOrg),
          operatorOrg: Number(operatorOrg),
          tariff: pt.tariff,
          rentBps: Number(pt.rentBps),
          rentPerKWh: pt.rentPerKWh,
          omBps: Number(pt.omBps),
          register: account.register,
          arrears,
          alarms: alarms.length,
          rows,
        });
      } else if (vt.controller !== ZeroAddress) {
        const [ledger, arrears] = await Promise.all([vending.ledger(id), vending.arrears(id)]);
        const [reports, opened, deposits] = [
          named("VendingReconciled"),
          named("VendingArrearOpened"),
          named("VendingDeposited"),
        ];
        const openedTx = new Set(opened.map((o) => o.transactionHash));
        const at = (e: FeedEvent) => ({ time: e.timestamp, order: e.blockNumber * 1e6 + e.index });
        const rows = [
          ...reports.map((e) => ({
            ...at(e),
            tx: e.transactionHash,
            kind: "report" as const,
            amount: BigInt(e.args.sales),
            due: BigInt(e.args.due),
            opened: openedTx.has(e.transactionHash),
            arrears: BigInt(e.args.arrears),
          })),
          ...deposits.map((e) => ({
            ...at(e),
            tx: e.transactionHash,
            kind: "deposit" as const,
            amount: BigInt(e.args.amount),
            due: 0n,
            opened: false,
            arrears: BigInt(e.args.arrears),
          })),
        ]
          .sort((a, b) => a.order - b.order)
          .map(({ order: _order, ...row }): VendingRow => row);
        out.set(id, {
          kind: "vending",
          periods: await vendingPeriods(vending, id, reports, rows),
          assetId: id,
          pay: await payToken(vt.paymentToken),
          costShareBps: Number(vt.costShareBps),
          period: Number(vt.period),
          reported: ledger.counter,
          due: ledger.due,
          matured: ledger.matured,
          paid: ledger.paid,
          arrears,
          rows,
        });
      }
    }),
  );
  return out;
}

/**
 * Groups a vending ledger's rows by settlement period. Which report closed a period is read from the ledger's
 * `periodStart` at that report's block (a call at a past block; the event does not carry it): a report that moved
 * it closed the period before it, and its own sales count in the new one (the contract matures what was due before
 * the closing batch). Undefined when the node keeps no state of past blocks.
 */
async function vendingPeriods(
  vending: ReturnType<typeof AssetVending__factory.connect>,
  id: bigint,
  reports: { blockNumber: number; transactionHash: string }[],
  rows: VendingRow[],
): Promise<VendingPeriod[] | undefined> {
  if (reports.length === 0) return [];
  let starts: number[];
  try {
    starts = await Promise.all(
      [reports[0].blockNumber - 1, ...reports.map((r) => r.blockNumber)].map(async (blockTag) =>
        Number((await vending.ledger(id, { blockTag })).periodStart),
      ),
    );
  } catch {
    return undefined;
  }
  const after = new Map(reports.map((r, i) => [r.transactionHash, { before: starts[i], after: starts[i + 1] }]));
  const periods: VendingPeriod[] = [];
  let current: VendingPeriod = { start: starts[0], sales: 0n, due: 0n, deposited: 0n };
  for (const r of rows) {
    if (r.kind === "deposit") {
      current.deposited += r.amount;
      continue;
    }
    const s = after.get(r.tx);
    if (s && s.after !== s.before) {
      periods.push({ ...current, end: s.after, arrearAtClose: r.arrears });
      current = { start: s.after, sales: 0n, due: 0n, deposited: 0n };
    }
    current.sales += r.amount;
    current.due += r.due;
  }
  periods.push(current);
  return periods;
}

const pct = (bps: number, lang: string) =>
  new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 2 }).format(bps / 10_000);

/** Investors' view of metered revenue: one tab per metered asset, the first one open. */
export function MeteredRevenue({
  assets,
}: {
  assets: { id: bigint; name: string; symbol: string; metered?: MeteredView }[];
}) {
  const { t } = useTranslation();
  const metered = assets.filter((a) => a.metered);
  const [open, setOpen] = useState<string>("");
  if (metered.length === 0) return null;
  const chosen = metered.find((a) => a.id.toString() === open) ?? metered[0];
  return (
    <section className="card" data-testid="metered">
      <h2>{t("metered.title")}</h2>
      <p className="muted">{t("metered.intro")}</p>
      <div className="form-row">
        {metered.map((a) => (
          <button
            key={a.id.toString()}
            data-testid="metered-open"
            data-asset={a.id.toString()}
            className={a === chosen ? "" : "secondary"}
            onClick={() => setOpen(a.id.toString())}
          >
            {a.name} ({a.symbol})
          </button>
        ))}
      </div>
      {chosen.metered!.kind === "ppa" ? (
        <PpaPanel key={chosen.id.toString()} view={chosen.metered as PpaView} />
      ) : (
        <VendingPanel key={chosen.id.toString()} view={chosen.metered as VendingView} />
      )}
    </section>
  );
}

function PpaPanel({ view }: { view: PpaView }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { namer } = useApp();
  const org = (id: number) => namer.org?.(id) ?? `#${id}`;
  const m = (v: bigint) => money(v, view.pay, fmt.lang);
  const kwh = (wh: bigint) => fmt.number(Number(wh) / 1000, 1);
  const days = new Map<number, DailyPoint>();
  for (const r of view.rows) {
    if (r.settlement === 0) continue;
    const day = Math.floor(r.toTime / DAY) * DAY;
    const d = days.get(day) ?? { day, kwh: 0, revenue: 0 };
    d.kwh += Number(r.energyWh) / 1000;
    d.revenue += Number(formatUnits(r.value, view.pay.decimals));
    days.set(day, d);
  }
  return (
    <div data-testid="ppa" data-asset={view.assetId.toString()}>
      <div className="muted" data-testid="ppa-terms">
        {t("metered.ppaTerms", {
          grid: org(view.gridOrg),
          tariff: money(view.tariff, view.pay, fmt.lang),
          property: view.propertyOrg ? org(view.propertyOrg) : t("metered.noProperty"),
          rent:
            pct(view.rentBps, fmt.lang) +
            (view.rentPerKWh > 0n ? ` + ${money(view.rentPerKWh, view.pay, fmt.lang)}/kWh` : ""),
          operator: org(view.operatorOrg),
          om: pct(view.omBps, fmt.lang),
          register: kwh(view.register),
        })}
      </div>
      <div data-testid="ppa-arrears" className="form-row">
        {view.arrears > 0n ? (
          <>
            <span className="badge bad">{t("metered.arrearsBadge")}</span>
            <span data-testid="ppa-arrears-amount">
              {t("metered.gridArrears", { amount: m(view.arrears), grid: org(view.gridOrg) })}
            </span>
          </>
        ) : (
          <span className="badge ok">{t("metered.noArrears")}</span>
        )}
        {view.alarms > 0 ? <span className="badge warn">{t("metered.alarms", { count: view.alarms })}</span> : null}
      </div>
      <DailyChart days={[...days.values()].sort((a, b) => a.day - b.day)} symbol={view.pay.symbol} />
      <h3>{t("metered.waterfallTitle")}</h3>
      <p className="muted">{t("metered.waterfallIntro")}</p>
      <table data-testid="waterfall">
        <thead>
          <tr>
            <th>{t("metered.day")}</th>
            <th>{t("metered.kwh")}</th>
            <th>{t("metered.value")}</th>
            <th>{t("metered.gridPaid")}</th>
            <th>{t("metered.toArrears")}</th>
            <th>{t("metered.rent")}</th>
            <th>{t("metered.om")}</th>
            <th>{t("metered.investors")}</th>
            <th>{t("metered.dust")}</th>
            <th>{t("metered.arrearsAfter")}</th>
          </tr>
        </thead>
        <tbody>
          {view.rows.map((r) => (
            <tr
              key={r.tx}
              data-testid="waterfall-row"
              data-settlement={r.settlement}
              className={r.arrears > 0n ? "arrears" : undefined}
            >
              <td>
                {r.settlement > 0 ? (
                  <>
                    {fmt.date(r.toTime, "medium")}{" "}
                    <span className="muted">{t("metered.settlementNo", { n: r.settlement })}</span>
                  </>
                ) : (
                  <>
                    {fmt.date(r.toTime, "medium")} <span className="muted">{t("metered.collected")}</span>
                  </>
                )}
              </td>
              <td data-testid="wf-kwh">{r.settlement > 0 ? kwh(r.energyWh) : "—"}</td>
              <td data-testid="wf-value">{m(r.value)}</td>
              <td data-testid="wf-paid">{m(r.paid)}</td>
              <td data-testid="wf-to-arrears">{r.toArrears > 0n ? m(r.toArrears) : "—"}</td>
              <td data-testid="wf-rent">{m(r.rent)}</td>
              <td data-testid="wf-om">{m(r.om)}</td>
              <td data-testid="wf-investors">{m(r.investors)}</td>
              <td data-testid="wf-dust">{m(r.dust)}</td>
              <td data-testid="wf-arrears">
                {r.arrears > 0n ? <span className="badge bad">{m(r.arrears)}</span> : m(0n)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function VendingPanel({ view }: { view: VendingView }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const m = (v: bigint) => money(v, view.pay, fmt.lang);
  return (
    <div data-testid="vending" data-asset={view.assetId.toString()}>
      <div className="muted">
        {t("metered.vendingTerms", {
          cost: pct(view.costShareBps, fmt.lang),
          hours: fmt.number(view.period / 3600, 2),
        })}
      </div>
      <table data-testid="vending-summary">
        <thead>
          <tr>
            <th>{t("metered.reported")}</th>
            <th>{t("metered.holdersDue")}</th>
            <th>{t("metered.matured")}</th>
            <th>{t("metered.deposited")}</th>
            <th>{t("metered.openArrear")}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>{m(view.reported)}</td>
            <td>{m(view.due)}</td>
            <td>{m(view.matured)}</td>
            <td>{m(view.paid)}</td>
            <td data-testid="vending-arrears">
              {view.arrears > 0n ? (
                <span className="badge bad">{m(view.arrears)}</span>
              ) : (
                <span className="badge ok">{t("metered.noArrears")}</span>
              )}
            </td>
          </tr>
        </tbody>
      </table>
      {view.periods ? (
        <>
          <h3>{t("metered.periodsTitle")}</h3>
          <table data-testid="vending-periods">
            <thead>
              <tr>
                <th>{t("metered.period")}</th>
                <th>{t("metered.salesReported")}</th>
                <th>{t("metered.holdersDue")}</th>
                <th>{t("metered.depositedIn")}</th>
                <th>{t("metered.arrearAtClose")}</th>
              </tr>
            </thead>
            <tbody>
              {view.periods.map((x) => (
                <tr key={x.start} data-testid="vending-period" data-closed={x.end !== undefined}>
                  <td>
                    {fmt.when(x.start)} → {x.end !== undefined ? fmt.when(x.end) : t("metered.periodOpen")}
                  </td>
                  <td>{m(x.sales)}</td>
                  <td>{m(x.due)}</td>
                  <td>{m(x.deposited)}</td>
                  <td data-testid="period-arrear">
                    {x.arrearAtClose === undefined ? (
                      "—"
                    ) : x.arrearAtClose > 0n ? (
                      <span className="badge bad">{m(x.arrearAtClose)}</span>
                    ) : (
                      m(0n)
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <h3>{t("metered.ledgerTitle")}</h3>
      <table data-testid="vending-ledger">
        <thead>
          <tr>
            <th>{t("metered.when")}</th>
            <th>{t("metered.entry")}</th>
            <th>{t("metered.salesReported")}</th>
            <th>{t("metered.holdersDue")}</th>
            <th>{t("metered.deposit")}</th>
            <th>{t("metered.openArrear")}</th>
          </tr>
        </thead>
        <tbody>
          {view.rows.map((r) => (
            <tr key={`${r.tx}-${r.kind}`} data-testid="vending-row" data-kind={r.kind}>
              <td>{fmt.when(r.time)}</td>
              <td>
                {r.kind === "report" ? t("metered.report") : t("metered.depositEntry")}
                {r.opened ? (
                  <>
                    {" "}
                    <span className="badge bad">{t("metered.periodShort")}</span>
                  </>
                ) : null}
              </td>
              <td>{r.kind === "report" ? m(r.amount) : "—"}</td>
              <td>{r.kind === "report" ? m(r.due) : "—"}</td>
              <td>{r.kind === "deposit" ? m(r.amount) : "—"}</td>
              <td>{m(r.arrears)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
