import { formatUnits } from "ethers";
import { useTranslation } from "react-i18next";
import { useFormat } from "../i18n";

/** One revenue deposit of an asset. */
export interface RevenuePoint {
  asset: string;
  paymentToken: string;
  amount: bigint;
  kwh: bigint;
  time: number;
}

const COLOURS = ["#0b5cad", "#f79009", "#12b76a", "#d92d20", "#7a5af8", "#0e9384"];

/**
 * Cumulative revenue received per asset over time, one SVG chart per payment token (amounts in different
 * tokens are not added up). Drawn by hand: a step line per asset, axes with dates and amounts.
 */
export function RevenueChart({
  points,
  tokens,
}: {
  points: RevenuePoint[];
  tokens: Record<string, { symbol: string; decimals: number }>;
}) {
  const { t } = useTranslation();
  if (points.length === 0) return <div className="muted">{t("chart.none")}</div>;
  const byToken = new Map<string, RevenuePoint[]>();
  for (const p of points) {
    const k = p.paymentToken.toLowerCase();
    byToken.set(k, [...(byToken.get(k) ?? []), p]);
  }
  const assets = [...new Set(points.map((p) => p.asset))];
  return (
    <div data-testid="revenue-chart" style={{ display: "flex", flexWrap: "wrap", gap: "1.5rem" }}>
      {[...byToken.entries()].map(([k, pts]) => (
        <OneChart key={k} points={pts} token={tokens[k]} assets={assets} />
      ))}
    </div>
  );
}

function OneChart({
  points,
  token,
  assets,
}: {
  points: RevenuePoint[];
  token: { symbol: string; decimals: number } | undefined;
  assets: string[];
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const W = 520;
  const H = 240;
  const L = 70;
  const B = 30;
  const T = 24;
  const R = 36;
  const value = (v: bigint) => Number(formatUnits(v, token?.decimals ?? 0));
  const sorted = [...points].sort((a, b) => a.time - b.time);
  const t0 = sorted[0].time;
  const t1 = Math.max(sorted[sorted.length - 1].time, t0 + 1);
  const series = assets
    .map((asset, i) => {
      let sum = 0;
      const steps = sorted.filter((p) => p.asset === asset).map((p) => ({ t: p.time, v: (sum += value(p.amount)) }));
      return { asset, colour: COLOURS[i % COLOURS.length], steps };
    })
    .filter((s) => s.steps.length > 0);
  const max = Math.max(...series.map((s) => s.steps[s.steps.length - 1].v), 1);
  const x = (t: number) => L + ((t - t0) / (t1 - t0)) * (W - L - R);
  const y = (v: number) => H - B - (v / max) * (H - B - T);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const dates = [0, 0.5, 1].map((f) => t0 + f * (t1 - t0));
  const fmt = (v: number) => f.number(Math.round(v));
  const symbol = token?.symbol ?? t("investors.token");
  return (
    <svg className="chart" width={W} height={H + 18} role="img" aria-label={t("chart.aria", { symbol })}>
      <text x={L} y={14} style={{ fontWeight: 600, fill: "#1d2433" }}>
        {t("chart.title", { symbol })}
      </text>
      {ticks.map((v) => (
        <g key={v}>
          <line x1={L} x2={W - R} y1={y(v)} y2={y(v)} stroke="#eaecf0" />
          <text x={L - 6} y={y(v) + 4} textAnchor="end">
            {fmt(v)}
          </text>
        </g>
      ))}
      {dates.map((d) => (
        <text key={d} x={x(d)} y={H - B + 16} textAnchor="middle">
          {f.date(d, "medium")}
        </text>
      ))}
      <line x1={L} x2={L} y1={T} y2={H - B} stroke="#98a2b3" />
      <line x1={L} x2={W - R} y1={H - B} y2={H - B} stroke="#98a2b3" />
      {series.map((s) => {
        let d = `M ${x(t0)} ${y(0)}`;
        let prev = 0;
        for (const p of s.steps) {
          d += ` L ${x(p.t)} ${y(prev)} L ${x(p.t)} ${y(p.v)}`;
          prev = p.v;
        }
        d += ` L ${x(t1)} ${y(prev)}`;
        return (
          <g key={s.asset}>
            <path d={d} fill="none" stroke={s.colour} strokeWidth={2.2} />
            {s.steps.map((p) => (
              <circle key={p.t} cx={x(p.t)} cy={y(p.v)} r={3} fill={s.colour}>
                <title>
                  {t("chart.point", { asset: s.asset, amount: fmt(p.v), symbol, date: f.date(p.t, "medium") })}
                </title>
              </circle>
            ))}
          </g>
        );
      })}
      {series.map((s, i) => (
        <g key={`legend-${s.asset}`}>
          <rect x={L + 10 + i * 90} y={H + 4} width={10} height={10} fill={s.colour} />
          <text x={L + 24 + i * 90} y={H + 13}>
            {s.asset}
          </text>
        </g>
      ))}
    </svg>
  );
}

/** One day of a metered asset: energy generated (kWh) and what it was worth (payment-token units). */
export interface DailyPoint {
  /** 00:00 UTC of the day (unix seconds). */
  day: number;
  kwh: number;
  /** Value of the day's settled energy (token units, not base units). */
  revenue: number;
}

/**
 * Generation per day beside revenue per day: one pair of bars per settled day (kWh on the left axis, revenue on
 * the right axis), drawn by hand like the revenue chart. Days without a settlement are left out.
 */
export function DailyChart({ days, symbol }: { days: DailyPoint[]; symbol: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (days.length === 0) return <div className="muted">{t("metered.noDays")}</div>;
  const W = 560;
  const H = 220;
  const L = 64;
  const R = 64;
  const T = 24;
  const B = 30;
  const maxK = Math.max(...days.map((d) => d.kwh), 1);
  const maxR = Math.max(...days.map((d) => d.revenue), 1);
  const slot = (W - L - R) / days.length;
  const bar = Math.min(18, slot / 3);
  const yK = (v: number) => H - B - (v / maxK) * (H - B - T);
  const yR = (v: number) => H - B - (v / maxR) * (H - B - T);
  const ticks = [0, 0.5, 1];
  return (
    <svg
      className="chart"
      width={W}
      height={H + 18}
      role="img"
      aria-label={t("metered.chartAria", { symbol })}
      data-testid="daily-chart"
    >
      <text x={L} y={14} style={{ fontWeight: 600, fill: "#1d2433" }}>
        {t("metered.chartTitle", { symbol })}
      </text>
      {ticks.map((k) => (
        <g key={k}>
          <line x1={L} x2={W - R} y1={yK(k * maxK)} y2={yK(k * maxK)} stroke="#eaecf0" />
          <text x={L - 6} y={yK(k * maxK) + 4} textAnchor="end">
            {f.number(Math.round(k * maxK))}
          </text>
          <text x={W - R + 6} y={yR(k * maxR) + 4} textAnchor="start">
            {f.number(Math.round(k * maxR))}
          </text>
        </g>
      ))}
      <line x1={L} x2={L} y1={T} y2={H - B} stroke="#98a2b3" />
      <line x1={W - R} x2={W - R} y1={T} y2={H - B} stroke="#98a2b3" />
      <line x1={L} x2={W - R} y1={H - B} y2={H - B} stroke="#98a2b3" />
      {days.map((d, i) => {
        const cx = L + slot * (i + 0.5);
        return (
          <g key={d.day} data-testid="daily-bar">
            <rect x={cx - bar - 1} y={yK(d.kwh)} width={bar} height={H - B - yK(d.kwh)} fill={COLOURS[0]}>
              <title>{t("metered.barKwh", { date: f.date(d.day, "medium"), kwh: f.number(d.kwh, 1) })}</title>
            </rect>
            <rect x={cx + 1} y={yR(d.revenue)} width={bar} height={H - B - yR(d.revenue)} fill={COLOURS[1]}>
              <title>
                {t("metered.barRevenue", { date: f.date(d.day, "medium"), amount: f.number(d.revenue, 2), symbol })}
              </title>
            </rect>
            {days.length <= 12 || i % Math.ceil(days.length / 12) === 0 ? (
              <text x={cx} y={H - B + 16} textAnchor="middle">
                {f.date(d.day, "short")}
              </text>
            ) : null}
          </g>
        );
      })}
      <rect x={L + 10} y={H + 4} width={10} height={10} fill={COLOURS[0]} />
      <text x={L + 24} y={H + 13}>
        {t("metered.legendKwh")}
      </text>
      <rect x={L + 160} y={H + 4} width={10} height={10} fill={COLOURS[1]} />
      <text x={L + 174} y={H + 13}>
        {t("metered.legendRevenue", { symbol })}
      </text>
    </svg>
  );
}
