/**
 * The indexer test harness: the in-process Hardhat network seeded with the demo (its chapters and the app's
 * scenario, `seedChain`), served over JSON-RPC like a `hardhat node`, described in a deployment file, and indexed
 * by a Ponder process (scripts/indexer.ts `startIndexer`). One seeded chain per mocha process: the seed takes
 * minutes, every test file shares it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { describeDeployment, seedChain, startRpcServer, writeDeployment } from "../src/stack/stack";
import type { AppDeployment } from "../src/stack/deployment";
import type { DemoContext } from "../src/demo/context";
import { stopStoryHistory } from "../src/history/demo";
import type { HistoryEnvelope, HistoryError, HistoryStatus } from "../src/history/types";
import { type RunningIndexer, type StartIndexerOptions, startIndexer } from "../scripts/indexer";

export interface SeededChain {
  ctx: DemoContext;
  rpcUrl: string;
  deployment: AppDeployment;
  deploymentFile: string;
  /** Seconds the seed took. */
  seedSeconds: number;
  close(): Promise<void>;
}

let seeded: Promise<SeededChain> | undefined;

/** Seeds the in-process network once per process (later calls share it) and serves it over JSON-RPC. */
export function seededChain(): Promise<SeededChain> {
  seeded ??= (async () => {
    const started = Date.now();
    const before = await hre.ethers.provider.getBlockNumber();
    const ctx = await seedChain(hre, () => undefined);
    // The story's own indexers (the chapters read their history while they run) are not the one under test.
    await stopStoryHistory(ctx);
    const seedSeconds = (Date.now() - started) / 1000;
    const rpc = await startRpcServer(hre);
    const { chainId } = await hre.ethers.provider.getNetwork();
    const deployment: AppDeployment = {
      ...describeDeployment(ctx, "localhost", chainId, rpc.url, true),
      startBlock: String(before),
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "city-indexer-"));
    const deploymentFile = writeDeployment(deployment, dir);
    return { ctx, rpcUrl: rpc.url, deployment, deploymentFile, seedSeconds, close: () => rpc.close() };
  })();
  return seeded;
}

/** Starts an indexer over the seeded chain (a private PGlite directory unless `databaseUrl`) and waits for it. */
export async function indexSeeded(
  chain: SeededChain,
  options: Partial<StartIndexerOptions> = {},
  readyMs = 600_000,
): Promise<{ indexer: RunningIndexer; readySeconds: number; dataDir: string }> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "city-indexer-db-"));
  const started = Date.now();
  const indexer = await startIndexer({
    deploymentFile: chain.deploymentFile,
    rpcUrl: chain.rpcUrl,
    dataDir,
    log: () => undefined,
    ...options,
  });
  try {
    await indexer.waitReady(readyMs);
    await waitCaughtUp(indexer);
  } catch (err) {
    await indexer.stop();
    throw err;
  }
  return { indexer, readySeconds: (Date.now() - started) / 1000, dataDir };
}

/** Resolves once the indexer has read up to the chain's head (Ponder is ready at head - finality, then follows). */
export async function waitCaughtUp(indexer: { url: string }, timeoutMs = 120_000): Promise<HistoryStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: HistoryStatus | undefined;
  while (Date.now() < deadline) {
    const res = await fetch(`${indexer.url}/history/status`);
    if (res.ok) {
      last = (await res.json()) as HistoryStatus;
      if (last.ready && last.behind === "0") return last;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the indexer did not reach the head within ${timeoutMs / 1000} s (${JSON.stringify(last)})`);
}

/** GET a history route; throws with the JSON error on a non-2xx answer. */
export async function history<T>(indexer: { url: string }, route: string): Promise<HistoryEnvelope<T>> {
  const res = await fetch(`${indexer.url}${route}`);
  const body = (await res.json()) as HistoryEnvelope<T> | HistoryError;
  if (!res.ok) throw new Error(`${route}: HTTP ${res.status} ${(body as HistoryError).error}`);
  return body as HistoryEnvelope<T>;
}
