/**
 * The history a running story reads: the demo and the app's seed deploy their contracts chapter by chapter, so the
 * indexer is (re)started whenever the set of deployed contracts has grown, and every read waits until the indexer
 * has reached the chain's head. On the in-process Hardhat network the chain is served over JSON-RPC on 127.0.0.1
 * for the indexer; on any other network the indexer reads the network's own endpoint.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DemoContext } from "../demo/context";
import { HistoryClient } from "./client";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { getLogsRangeFor, startIndexer } from "../../scripts/indexer";

/** How long one indexer start may take to finish its backfill of the story's chain (milliseconds). */
export const STORY_INDEXER_READY_MS = 180_000;
/** How long a read waits for the indexer to reach the chain's head (milliseconds): a stalled indexer fails. */
export const STORY_SYNC_MS = 180_000;

interface StoryIndexer {
  key: string;
  indexed: IndexedChain;
}

interface StoryRuntime {
  rpc?: { url: string; close(): Promise<void> };
  running?: StoryIndexer;
}

const runtimes = new WeakMap<DemoContext, StoryRuntime>();

/**
 * The name a real deployment gives each contract a chapter keeps in a group (`ctx.system.assets.registry`): the
 * Ignition module's (ignition/modules/CityChain.ts), so that a seeded chain and a deployed one are described alike
 * and every reader (indexer, app, tasks) looks a contract up by one name.
 */
const DEPLOYED_NAMES: Record<string, Record<string, string>> = {
  assets: { registry: "assetRegistry", offering: "assetOffering", market: "assetMarket" },
  metered: { ppa: "assetPPA", vending: "assetVending" },
};

function contractTarget(value: unknown): string | undefined {
  const target = (value as { target?: unknown } | null)?.target;
  return typeof target === "string" && /^0x[0-9a-fA-F]{40}$/.test(target) ? target : undefined;
}

/**
 * The contracts deployed so far in the story, by their deployment name, as the deployment description lists them:
 * a chapter's own key for a contract (`supplyChain`), the Ignition module's name for one in a group
 * (`assets.registry` is `assetRegistry`), `group.member` for a group the module does not deploy.
 */
export function storyContracts(ctx: DemoContext): Record<string, string> {
  const contracts: Record<string, string> = {};
  for (const [key, value] of Object.entries(ctx.system)) {
    const t = contractTarget(value);
    if (t) contracts[key] = t;
    else if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [sub, inner] of Object.entries(value)) {
        const ti = contractTarget(inner);
        if (ti) contracts[DEPLOYED_NAMES[key]?.[sub] ?? `${key}.${sub}`] = ti;
      }
    }
  }
  if (ctx.city) contracts.consortium = ctx.city.consortium.target as string;
  return contracts;
}

/** An indexer started for a fixed set of contracts of `hre`'s chain, and its client. */
export interface IndexedChain {
  client: HistoryClient;
  url: string;
  /** Waits until the indexer has read the chain's latest block; returns the client. */
  synced(): Promise<HistoryClient>;
  stop(): Promise<void>;
}

/**
 * Starts an indexer of `contracts` (by system key, as a deployment description lists them) on `hre`'s chain from
 * `startBlock`: on the in-process Hardhat network the chain is served over JSON-RPC on 127.0.0.1 first.
 */
export async function indexChain(
  hre: HardhatRuntimeEnvironment,
  contracts: Record<string, string>,
  startBlock: number,
  rpc?: { url: string },
): Promise<IndexedChain & { rpcClose?: () => Promise<void> }> {
  let rpcUrl: string;
  let rpcClose: (() => Promise<void>) | undefined;
  if (rpc) rpcUrl = rpc.url;
  else if (hre.network.name === "hardhat") {
    const { startRpcServer } = await import("../stack/stack");
    const server = await startRpcServer(hre);
    rpcUrl = server.url;
    rpcClose = () => server.close();
  } else {
    const url = (hre.network.config as { url?: string }).url;
    if (!url) throw new Error(`network ${hre.network.name} has no JSON-RPC url for the indexer`);
    rpcUrl = url;
  }
  const { chainId } = await hre.ethers.provider.getNetwork();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "citychain-indexer-"));
  const deploymentFile = path.join(dataDir, "deployment.json");
  const description = {
    network: hre.network.name,
    chainId: chainId.toString(),
    rpcUrl,
    devAccounts: false,
    contracts,
    actors: [],
    facts: {},
    startBlock,
  };
  fs.writeFileSync(deploymentFile, JSON.stringify(description, null, 2));
  const indexer = await startIndexer({
    deploymentFile,
    rpcUrl,
    dataDir,
    getLogsRange: getLogsRangeFor(hre.network.name),
    log: () => undefined,
  });
  const stop = async () => {
    await indexer.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (rpcClose) await rpcClose();
  };
  try {
    await indexer.waitReady(STORY_INDEXER_READY_MS);
  } catch (err) {
    await stop();
    throw err;
  }
  const client = new HistoryClient(indexer.url);
  return {
    client,
    url: indexer.url,
    async synced() {
      await client.waitForBlock(await hre.ethers.provider.getBlockNumber(), STORY_SYNC_MS);
      return client;
    },
    stop,
  };
}

/**
 * A history client for the story's chain as it is now: starts the indexer for the contracts `only` names (every
 * contract deployed so far by default), restarts it when that set changed, and waits until it has indexed the
 * latest block.
 */
export async function storyHistory(
  ctx: DemoContext,
  only?: string[],
  log: (line: string) => void = (line) => console.log(`  ${line}`),
): Promise<HistoryClient> {
  const { hre } = ctx;
  const rt = runtimes.get(ctx) ?? {};
  runtimes.set(ctx, rt);
  const all = storyContracts(ctx);
  // A chapter names the contracts whose history it reads: each restart then backfills only those.
  const contracts = only ? Object.fromEntries(Object.entries(all).filter(([k]) => only.includes(k))) : all;
  const missing = (only ?? []).filter((k) => !(k in all));
  if (missing.length > 0) throw new Error(`the story has not deployed ${missing.join(", ")} yet`);
  const key = JSON.stringify(Object.entries(contracts).sort(([a], [b]) => a.localeCompare(b)));
  if (!rt.running || rt.running.key !== key) {
    if (rt.running) await rt.running.indexed.stop();
    rt.running = undefined;
    if (hre.network.name === "hardhat" && !rt.rpc) {
      const { startRpcServer } = await import("../stack/stack");
      rt.rpc = await startRpcServer(hre);
    }
    const started = Date.now();
    const indexed = await indexChain(hre, contracts, ctx.firstBlock, rt.rpc);
    rt.running = { key, indexed };
    log(
      `(history indexer ${indexed.url} started for ${Object.keys(contracts).length} contracts in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  }
  return rt.running.indexed.synced();
}

/** Stops the story's indexer and JSON-RPC server (safe when none was started). */
export async function stopStoryHistory(ctx: DemoContext): Promise<void> {
  const rt = runtimes.get(ctx);
  if (!rt) return;
  if (rt.running) await rt.running.indexed.stop();
  rt.running = undefined;
  if (rt.rpc) await rt.rpc.close();
  rt.rpc = undefined;
}
