/** Timing helpers of the read benchmark: repeated runs, nearest-rank percentiles, the indexer's REST reads. */
import type { HistoryEnvelope, ItemTimeline, Portfolio } from "../../history/types";

export interface Timing {
  runs: number;
  p50: number;
  p95: number;
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) throw new Error("bench:read: no samples");
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Runs `fn` `runs` times (after `warmup` unmeasured runs) and returns p50/p95 in milliseconds. When `budgetMs` is
 * given, stops early once the measured runs have taken that long (at least `minRuns` runs).
 */
export async function time(
  fn: () => Promise<unknown>,
  runs: number,
  options: { warmup?: number; budgetMs?: number; minRuns?: number } = {},
): Promise<Timing> {
  for (let i = 0; i < (options.warmup ?? 0); i++) await fn();
  const samples: number[] = [];
  const began = performance.now();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
    const spent = performance.now() - began;
    if (options.budgetMs && spent > options.budgetMs && samples.length >= (options.minRuns ?? 1)) break;
  }
  samples.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return { runs: samples.length, p50: round(percentile(samples, 50)), p95: round(percentile(samples, 95)) };
}

/** GET a history route of the indexer (the whole HTTP round trip and JSON parse); throws on a non-2xx answer. */
export async function getHistory<T>(baseUrl: string, route: string): Promise<HistoryEnvelope<T>> {
  const res = await fetch(`${baseUrl}${route}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`bench:read: GET ${route}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as HistoryEnvelope<T>;
}

/** The blocks of a timeline's events, as the indexer answers them. */
export function timelineBlocks(t: ItemTimeline): number[] {
  return t.events.map((e) => Number(e.blockNumber));
}

/** The blocks of a portfolio's events (purchases, refunds, claims, fills, transfers). */
export function portfolioBlocks(p: Portfolio): number[] {
  return [...p.purchases, ...p.refunds, ...p.claims, ...p.fills, ...p.transfers].map((e) => Number(e.blockNumber));
}

/** True when two lists hold the same blocks with the same multiplicities. */
export function sameBlocks(a: number[], b: number[]): boolean {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
