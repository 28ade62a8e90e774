import { formatUnits } from "ethers";

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
  if (points.length === 0) return <div className="muted">No revenue deposited yet.</div>;
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
  const fmt = (v: number) => v.toLocaleString("en-GB", { maximumFractionDigits: 0 });
  return (
    <svg className="chart" width={W} height={H + 18} role="img" aria-label={`Revenue in ${token?.symbol}`}>
      <text x={L} y={14} style={{ fontWeight: 600, fill: "#1d2433" }}>
        Cumulative revenue ({token?.symbol ?? "token"})
      </text>
      {ticks.map((v) => (
        <g key={v}>
          <line x1={L} x2={W - R} y1={y(v)} y2={y(v)} stroke="#eaecf0" />
          <text x={L - 6} y={y(v) + 4} textAnchor="end">
            {fmt(v)}
          </text>
        </g>
      ))}
      {dates.map((t) => (
        <text key={t} x={x(t)} y={H - B + 16} textAnchor="middle">
          {new Date(t * 1000).toISOString().slice(0, 10)}
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
                  {s.asset}: {fmt(p.v)} {token?.symbol} by {new Date(p.t * 1000).toISOString().slice(0, 10)}
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
