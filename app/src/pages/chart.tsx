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
