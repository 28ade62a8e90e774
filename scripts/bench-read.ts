/**
 * `npm run bench:read` (issue 17): history reads at city scale. For each size (BENCH_READ_SIZES=small,large;
 * default both) a fresh in-process chain is built (src/bench/read/chain.ts) and served over JSON-RPC; then
 * - the baseline: today's log scans (the verify page's item timeline, an investor's portfolio), p50/p95;
 * - the indexer (scripts/indexer.ts startIndexer) on PGlite and on PostgreSQL (a private cluster): backfill wall
 *   time and events/s, then the same two reads through its REST routes (HTTP round trip included), p50/p95.
 * Writes bench/results.read.json and prints a table. Target: indexer p95 ≤ 50 ms at both sizes.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { startRpcServer } from "../src/stack/stack";
import { HISTORY_SIZES, type BuiltHistory, type HistorySize, buildHistory } from "../src/bench/read/chain";
import { scanPortfolio, scanTraceItem } from "../src/bench/read/baseline";
import { type Timing, getHistory, portfolioBlocks, sameBlocks, time, timelineBlocks } from "../src/bench/read/measure";
import type { ItemTimeline, Portfolio } from "../src/history/types";
import { printTable } from "../src/table";
import { findPostgresBin, startPrivatePostgres } from "../test-indexer/postgres";
import { startIndexer } from "./indexer";

const RESULTS_FILE = path.join(__dirname, "..", "bench", "results.read.json");
const TARGET_P95_MS = 50;
const BASELINE_RUNS = 20;
/** A baseline scan slower than this is repeated fewer times (at least 5); the row says how many. */
const BASELINE_BUDGET_MS = 200_000;
const INDEXER_RUNS = 100;
const READY_MS = 45 * 60_000;

interface ResultRow {
  name: string;
  /** Indexer p95 (ms). */
  ms: number;
  /** Log-scan p95 (ms). */
  baseline_ms: number;
  events: number;
  blocks: number;
  size: string;
  read: string;
  database: string;
  p50_ms: number;
  runs: number;
  baseline_p50_ms: number;
  baseline_runs: number;
  target_p95_ms: number;
  /** The indexer's answer has the same events (by block) as the log scan's. */
  same_history: boolean;
  backfill_seconds: number;
  backfill_events_per_s: number;
  build_seconds: number;
  /** The machine's 1-minute load average when the reads were measured (2 cores: above 2 the figures are inflated). */
  load_avg: number;
}

interface Backfill {
  database: string;
  seconds: number;
  eventsPerSecond: number;
  reads: { read: string; timing: Timing; same: boolean }[];
}

async function measureBaseline(built: BuiltHistory): Promise<{ trace: Timing; portfolio: Timing; blocks: number[][] }> {
  const trace = await scanTraceItem(built.supplyChain, built.item);
  const pf = await scanPortfolio(hre, built.assets, built.investor);
  const opts = { budgetMs: BASELINE_BUDGET_MS, minRuns: 5 };
  const traceT = await time(() => scanTraceItem(built.supplyChain, built.item), BASELINE_RUNS, opts);
  const pfT = await time(() => scanPortfolio(hre, built.assets, built.investor), BASELINE_RUNS, opts);
  return {
    trace: traceT,
    portfolio: pfT,
    blocks: [trace.events.map((e) => e.block), pf.history.map((h) => h.block)],
  };
}

async function measureIndexer(
  built: BuiltHistory,
  rpcUrl: string,
  database: string,
  databaseUrl: string | undefined,
  baselineBlocks: number[][],
): Promise<Backfill> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-read-${built.size.name}-`));
  const started = Date.now();
  const indexer = await startIndexer({
    deploymentFile: built.deploymentFile,
    rpcUrl,
    databaseUrl,
    dataDir,
    schema: `bench_read_${built.size.name}`,
    log: () => undefined,
  });
  try {
    await indexer.waitReady(READY_MS);
    const seconds = (Date.now() - started) / 1000;
    const routes = [
      { read: "item timeline", route: `/history/items/${built.itemKey}/timeline` },
      { read: "investor portfolio", route: `/history/investors/${built.investor.toLowerCase()}/portfolio` },
    ];
    const timeline = await getHistory<ItemTimeline>(indexer.url, routes[0].route);
    const portfolio = await getHistory<Portfolio>(indexer.url, routes[1].route);
    const same = [
      sameBlocks(timelineBlocks(timeline.data), baselineBlocks[0]),
      sameBlocks(portfolioBlocks(portfolio.data), baselineBlocks[1]),
    ];
    const reads = [];
    for (const [i, r] of routes.entries()) {
      reads.push({
        read: r.read,
        timing: await time(() => getHistory(indexer.url, r.route), INDEXER_RUNS, { warmup: 5 }),
        same: same[i],
      });
    }
    return { database, seconds, eventsPerSecond: Math.round(built.events / seconds), reads };
  } catch (err) {
    console.error(
      `${built.size.name}: the indexer on ${database} failed; its last output:\n${indexer.output().split("\n").slice(-30).join("\n")}`,
    );
    throw err;
  } finally {
    await indexer.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Writes the rows, keeping the committed rows of the sizes this run did not measure (BENCH_READ_SIZES=small). */
function writeResults(rows: ResultRow[], sizes: HistorySize[]): void {
  const measured = new Set(sizes.map((s) => s.name));
  const kept = fs.existsSync(RESULTS_FILE)
    ? (JSON.parse(fs.readFileSync(RESULTS_FILE, "utf8")) as ResultRow[]).filter(
        (r) => !measured.has(r.size as HistorySize["name"]),
      )
    : [];
  const order = (r: ResultRow) => Object.keys(HISTORY_SIZES).indexOf(r.size);
  const all = [...kept, ...rows].sort((a, b) => order(a) - order(b));
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  fs.writeFileSync(RESULTS_FILE, JSON.stringify(all, null, 2) + "\n");
}

/** A fresh database on the private cluster for one size (Ponder's sync tables are per database, not per schema). */
function createDatabase(url: string, name: string): string {
  const psql = path.join(findPostgresBin(), "psql");
  execFileSync(psql, [url, "-v", "ON_ERROR_STOP=1", "-c", `CREATE DATABASE ${name}`], { stdio: "pipe" });
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function main(): Promise<void> {
  const names = (process.env.BENCH_READ_SIZES ?? "small,large").split(",").map((s) => s.trim());
  const sizes: HistorySize[] = names.map((n) => {
    const size = HISTORY_SIZES[n as HistorySize["name"]];
    if (!size) throw new Error(`BENCH_READ_SIZES: unknown size "${n}" (small, large)`);
    return size;
  });
  const runStarted = Date.now();
  const rpc = await startRpcServer(hre);
  const pg = await startPrivatePostgres();
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-read-"));
  const rows: ResultRow[] = [];
  try {
    for (const size of sizes) {
      console.log(`\n${size.name}: building ≥ ${size.events} events over ≥ ${size.blocks} blocks …`);
      const built = await buildHistory(hre, size, rpc.url, outDir);
      console.log(
        `${size.name}: built ${built.events} events over ${built.blocks} blocks in ${built.buildSeconds.toFixed(1)} s; ` +
          `the item's events at blocks ${built.spread.item.join(", ")}; the investor's at ${built.spread.investor.join(", ")}`,
      );
      console.log(`${size.name}: baseline log scans …`);
      const base = await measureBaseline(built);
      console.log(
        `${size.name}: baseline item timeline p50 ${base.trace.p50} ms, p95 ${base.trace.p95} ms (${base.trace.runs} runs); ` +
          `portfolio p50 ${base.portfolio.p50} ms, p95 ${base.portfolio.p95} ms (${base.portfolio.runs} runs)`,
      );
      for (const [database, url] of [
        ["PGlite", undefined],
        ["PostgreSQL", createDatabase(pg.url, `bench_read_${size.name}`)],
      ] as const) {
        console.log(`${size.name}: indexer on ${database} …`);
        const b = await measureIndexer(built, rpc.url, database, url, base.blocks);
        console.log(`${size.name}: ${database} ready in ${b.seconds.toFixed(1)} s (${b.eventsPerSecond} events/s)`);
        for (const [i, r] of b.reads.entries()) {
          const baseline = i === 0 ? base.trace : base.portfolio;
          console.log(
            `${size.name}: ${database} ${r.read} p50 ${r.timing.p50} ms, p95 ${r.timing.p95} ms (${r.timing.runs} runs)`,
          );
          rows.push({
            name: `read: ${r.read} via the indexer (${b.database}), ${size.name} history`,
            ms: r.timing.p95,
            baseline_ms: baseline.p95,
            events: built.events,
            blocks: built.blocks,
            size: size.name,
            read: r.read,
            database: b.database,
            p50_ms: r.timing.p50,
            runs: r.timing.runs,
            baseline_p50_ms: baseline.p50,
            baseline_runs: baseline.runs,
            target_p95_ms: TARGET_P95_MS,
            same_history: r.same,
            backfill_seconds: Math.round(b.seconds * 10) / 10,
            backfill_events_per_s: b.eventsPerSecond,
            build_seconds: Math.round(built.buildSeconds * 10) / 10,
            load_avg: Math.round(os.loadavg()[0] * 10) / 10,
          });
        }
        // written after every database: a long run that is stopped keeps what it measured
        writeResults(rows, sizes);
      }
    }
  } finally {
    await rpc.close();
    await pg.stop();
    fs.rmSync(outDir, { recursive: true, force: true });
  }
  printTable(
    [
      "size",
      "read",
      "database",
      "events",
      "blocks",
      "p50 ms",
      "p95 ms",
      "baseline p50",
      "baseline p95",
      "runs",
      "backfill",
      "same",
    ],
    rows.map((r) => [
      r.size,
      r.read,
      r.database,
      r.events,
      r.blocks,
      r.p50_ms,
      r.ms,
      r.baseline_p50_ms,
      r.baseline_ms,
      `${r.runs} / ${r.baseline_runs}`,
      `${r.backfill_seconds} s, ${r.backfill_events_per_s} ev/s`,
      r.same_history ? "yes" : "NO",
    ]),
  );
  const total = (Date.now() - runStarted) / 1000;
  console.log(
    `\nbench:read: ${rows.length} rows written to ${path.relative(process.cwd(), RESULTS_FILE)} in ${total.toFixed(0)} s`,
  );
  const missed = rows.filter((r) => r.ms > TARGET_P95_MS);
  for (const r of missed) console.log(`  over the ${TARGET_P95_MS} ms target: ${r.name} (p95 ${r.ms} ms)`);
  const differs = rows.filter((r) => !r.same_history);
  for (const r of differs) console.log(`  the indexer's answer differs from the log scan's: ${r.name}`);
  if (differs.length > 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
