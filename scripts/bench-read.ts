/**
 * `npm run bench:read`: history reads through the indexer against today's log scan, on the same chain, in one run.
 * Writes bench/results.read.json: rows `{ name, ms, baseline_ms, events, blocks }` (p95 of BENCH_READ_RUNS reads;
 * backfill rows: ms = time to ready, with events_per_s).
 *
 * The chain is built before the indexer starts (Ponder follows a chain mined in bulk badly): the demo's and the
 * app's data (about 20,000 events), then BENCH_READ_BLOCKS empty blocks (default 10,000), then 80 linked blocks.
 * BENCH_DATABASE_URL adds a PostgreSQL backfill row.
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { describeDeployment, seedChain, startRpcServer } from "../src/app/stack";
import { parseDigitalLink } from "../src/gs1";
import { ChainHistory, HistorySource, IndexerHistory, itemTimeline } from "../src/history";
import { startIndexer } from "../src/indexer/service";
import { contractsFrom } from "../src/indexer/target";
import { itemKeyOf, lotIdOf } from "../src/supplychain";
import { printTable } from "../src/table";

interface Row {
  name: string;
  ms: number;
  baseline_ms: number | null;
  events: number;
  blocks: number;
  events_per_s?: number;
  target_ms?: number;
}

const RUNS = Number(process.env.BENCH_READ_RUNS ?? 40);
const EMPTY = Number(process.env.BENCH_READ_BLOCKS ?? 10_000);
const TARGET_MS = 50;

function p95(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] * 10) / 10;
}
async function time(fn: () => Promise<unknown>, runs = RUNS): Promise<number> {
  await fn(); // warm
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return p95(out);
}

async function main(): Promise<void> {
  const send = (m: string, p: unknown[] = []) => hre.network.provider.send(m, p);
  const ctx = await seedChain(hre, () => undefined);
  await send("hardhat_mine", ["0x" + EMPTY.toString(16)]);
  for (let i = 0; i < 80; i++) await send("evm_mine");
  const rpc = await startRpcServer(hre);
  const { chainId } = await hre.ethers.provider.getNetwork();
  const d = describeDeployment(ctx, "localhost", chainId, rpc.url, true);
  const contracts = contractsFrom(d.contracts);
  const blocks = Number(await send("eth_blockNumber"));
  const addresses = Object.values(contracts).flat();
  const logs = (await send("eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest", address: addresses }])) as unknown[];
  const events = logs.length;
  const rows: Row[] = [];
  const target = { chainId: Number(chainId), rpcUrl: rpc.url, startBlock: 0, ethGetLogsBlockRange: 5_000, contracts };
  const runDir = path.join(__dirname, "..", ".run", "bench-read");
  fs.rmSync(runDir, { recursive: true, force: true });

  const backfill = async (name: string, databaseUrl?: string) => {
    const t = performance.now();
    const indexer = await startIndexer({
      target,
      port: 0,
      runDir: path.join(runDir, name),
      databaseUrl,
      log: () => undefined,
    });
    await indexer.waitReady(60 * 60_000);
    const ms = Math.round(performance.now() - t);
    rows.push({
      name: `backfill (${name})`,
      ms,
      baseline_ms: null,
      events,
      blocks,
      events_per_s: Math.round(events / (ms / 1000)),
    });
    return indexer;
  };
  const indexer = await backfill("PGlite");
  try {
    const ix: HistorySource = new IndexerHistory(indexer.url);
    const chain: HistorySource = new ChainHistory(hre.ethers.provider);
    const good = parseDigitalLink(`https://id.example${(d.facts.appItems as Record<string, string>).good}`);
    const lotId = lotIdOf(good.gtin, good.lot!);
    const key = itemKeyOf(lotId, good.serial!);
    const sc = d.contracts.supplyChain;
    const timeline = (s: HistorySource) => async () => itemTimeline(await s.item(sc, lotId, key, 3));
    rows.push({
      name: "verify-page timeline (p95)",
      ms: await time(timeline(ix)),
      baseline_ms: await time(timeline(chain), Math.min(RUNS, 10)),
      events,
      blocks,
      target_ms: TARGET_MS,
    });
    const investor = d.actors.find((a) => a.key === "investor1")!.address;
    const system = {
      registry: d.contracts.assetRegistry ?? d.contracts["assets.registry"],
      offering: d.contracts.assetOffering ?? d.contracts["assets.offering"],
      market: d.contracts.assetMarket ?? d.contracts["assets.market"],
    };
    rows.push({
      name: "investor portfolio (p95)",
      ms: await time(() => ix.portfolio(system, investor)),
      baseline_ms: await time(() => chain.portfolio(system, investor), Math.min(RUNS, 10)),
      events,
      blocks,
      target_ms: TARGET_MS,
    });
  } finally {
    await indexer.stop();
  }
  if (process.env.BENCH_DATABASE_URL) (await backfill("PostgreSQL", process.env.BENCH_DATABASE_URL)).stop();
  await rpc.close();

  printTable(
    ["name", "ms", "baseline ms", "events", "blocks", "events/s"],
    rows.map((r) => [r.name, r.ms, r.baseline_ms ?? "", r.events, r.blocks, r.events_per_s ?? ""]),
    "History reads: indexer vs log scan",
  );
  const file = path.join(__dirname, "..", "bench", "results.read.json");
  fs.writeFileSync(file, JSON.stringify(rows, null, 2) + "\n");
  console.log(`wrote ${file}`);
  const missed = rows.filter((r) => r.target_ms !== undefined && r.ms > r.target_ms);
  if (missed.length > 0) {
    console.error(`over the ${TARGET_MS} ms target: ${missed.map((r) => r.name).join(", ")}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
