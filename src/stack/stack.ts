import { ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { cityActors } from "../city";
import { DEPLOYED_ADDRESSES, SYSTEM_MODULE, deploymentDir } from "../deployments";
import type { DemoChapter, DemoContext } from "../demo/context";
import { demoContext, heading } from "../demo/context";
import { captureStory } from "../demo/epcis";
import { AppDeployment, actorLabel } from "./deployment";
import { type IndexedChain, indexChain, stopStoryHistory, storyContracts } from "../history/demo";

/** Repository root (src/stack → ..). */
export const REPO_ROOT = path.join(__dirname, "..", "..");
/** Where `npm run app` keeps its run state (git-ignored): the deployment description and Vite's cache. */
export const APP_RUN_DIR = path.join(REPO_ROOT, ".run", "app");

/** Every wait of the stack is bounded by one of these (milliseconds). */
export const TIMEOUTS = { rpc: 30_000, vite: 90_000, stop: 10_000 } as const;

interface JsonRpcServerLike {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

export interface RunningStack {
  /** The app's base URL (`http://127.0.0.1:5173`). */
  url: string;
  /** The chain's JSON-RPC endpoint (`http://127.0.0.1:8545`). */
  rpcUrl: string;
  /** The history indexer's own URL (the app reaches it as `/history` on its origin). */
  historyUrl: string;
  deployment: AppDeployment;
  /** Stops Vite and the JSON-RPC server; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Seeds the in-process Hardhat network with the demo's chapters (src/demo/chapters, in order) and the app's own
 * scenario chapters (src/stack/scenario, in order: the exact states the pages and the browser tests need), and
 * returns the context they built.
 */
export async function seedChain(hre: HardhatRuntimeEnvironment, log = console.log): Promise<DemoContext> {
  const ctx = await demoContext(hre);
  try {
    await seedChapters(ctx, log);
  } catch (err) {
    // The story's own indexers (started by chapters that read history) must not outlive a failed seed.
    await stopStoryHistory(ctx);
    throw err;
  }
  return ctx;
}

async function seedChapters(ctx: DemoContext, log: typeof console.log): Promise<void> {
  const dirs = [path.join(REPO_ROOT, "src", "demo", "chapters"), path.join(__dirname, "scenario")];
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    const files = fs
      .readdirSync(dir)
      .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"))
      .sort();
    for (const file of files) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { chapter } = require(path.join(dir, file)) as { chapter: DemoChapter };
      heading(`Seed: ${chapter.title}`);
      const started = Date.now();
      await chapter.run(ctx);
      log(`  (${file} in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  }
}

/** The deployment description of a seeded context (the same split as the demo's DEMO_EXPORT). */
export function describeDeployment(
  ctx: DemoContext,
  network: string,
  chainId: bigint,
  rpcUrl: string,
  devAccounts: boolean,
): AppDeployment {
  const contracts = storyContracts(ctx);
  const facts: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(ctx.system)) {
    if (!(key in contracts) && isPlainData(value)) facts[key] = value;
  }
  const actors = Object.entries(ctx.actors).map(([key, s]) => ({ key, label: actorLabel(key), address: s.address }));
  return { network, chainId: chainId.toString(), rpcUrl, devAccounts, contracts, actors, facts };
}

/** Plain JSON-able data (strings, numbers, bigints, booleans, arrays and plain objects of them). */
function isPlainData(value: unknown, depth = 0): boolean {
  if (depth > 8) return false;
  if (value === null || ["string", "number", "bigint", "boolean"].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every((v) => isPlainData(v, depth + 1));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value as object).every((v) => isPlainData(v, depth + 1));
  }
  return false;
}

/** Writes the description where Vite serves it (`/deployment.json`), bigints as decimal strings. */
export function writeDeployment(deployment: AppDeployment, dir = path.join(APP_RUN_DIR, "public")): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "deployment.json");
  const json = JSON.stringify(deployment, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2);
  fs.writeFileSync(file, json + "\n");
  return file;
}

/** Serves the in-process Hardhat network over JSON-RPC on 127.0.0.1 at a free port (a `hardhat node`). */
export async function startRpcServer(hre: HardhatRuntimeEnvironment): Promise<{ url: string; close(): Promise<void> }> {
  const server = (await hre.run(TASK_NODE_CREATE_SERVER, {
    hostname: "127.0.0.1",
    port: 0,
    provider: hre.network.provider,
  })) as JsonRpcServerLike;
  const { port } = await withTimeout(server.listen(), TIMEOUTS.rpc, "the JSON-RPC server did not start");
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      if (closed) return;
      closed = true;
      await withTimeout(server.close(), TIMEOUTS.stop, "the JSON-RPC server did not stop").catch(() => undefined);
    },
  };
}

/** Rejects after `ms` with `message` unless the promise settles first. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitForHttp(url: string, ms: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + ms;
  let last = "";
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite exited with code ${child.exitCode} before serving ${url}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the app did not answer at ${url} within ${ms / 1000} s (last: ${last})`);
}

/** Ends a child process we started (by its pid): SIGTERM, then SIGKILL if it has not exited in time. */
export async function stopChild(child: ChildProcess, ms = TIMEOUTS.stop): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  try {
    await withTimeout(exited, ms, "vite did not stop");
  } catch {
    child.kill("SIGKILL");
    await withTimeout(exited, ms, "vite did not die").catch(() => undefined);
  }
}

/**
 * Serves the app with Vite (app/vite.config.mts) on 127.0.0.1: the browser reaches the chain through Vite's
 * `/rpc` proxy, so the page and the chain share one origin. Resolves once the app answers.
 */
export async function startVite(options: {
  rpcTarget: string;
  /** The history indexer's base URL, proxied as `/history` on the app's origin. */
  historyTarget?: string;
  port?: number;
  quiet?: boolean;
}): Promise<{ url: string; child: ChildProcess }> {
  const port = options.port ?? (await freePort());
  const vite = path.join(REPO_ROOT, "node_modules", "vite", "bin", "vite.js");
  const child = spawn(
    process.execPath,
    [vite, "--config", path.join(REPO_ROOT, "app", "vite.config.mts"), "--port", String(port), "--strictPort"],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        APP_RPC_TARGET: options.rpcTarget,
        ...(options.historyTarget ? { APP_HISTORY_TARGET: options.historyTarget } : {}),
        APP_PUBLIC_DIR: path.join(APP_RUN_DIR, "public"),
        APP_CACHE_DIR: path.join(APP_RUN_DIR, "vite-cache"),
      },
      stdio: ["ignore", options.quiet ? "ignore" : "inherit", "inherit"],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/deployment.json`, TIMEOUTS.vite, child);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return { url, child };
}

/** A free TCP port on 127.0.0.1 (asked of the OS). */
export async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The whole local stack: seed the chain, serve it over JSON-RPC, describe it, serve the app. On any failure
 * what was started is stopped before the error propagates.
 */
export async function startAppStack(
  hre: HardhatRuntimeEnvironment,
  options: { port?: number; quiet?: boolean } = {},
): Promise<RunningStack> {
  const ctx = await seedChain(hre);
  const rpc = await startRpcServer(hre);
  let history: IndexedChain | undefined;
  try {
    // The story's own indexers followed it chapter by chapter; the app's indexer covers every contract it deployed.
    await stopStoryHistory(ctx);
    history = await indexChain(hre, storyContracts(ctx), ctx.firstBlock, rpc);
    await history.synced();
    // The members' EPCIS documents live off chain: each member captures what it anchored into the app's interface.
    await captureStory(ctx, history.url);
    const { chainId } = await hre.ethers.provider.getNetwork();
    const deployment = {
      ...describeDeployment(ctx, "localhost", chainId, "/rpc", true),
      startBlock: String(ctx.firstBlock),
      historyUrl: "",
    };
    writeDeployment(deployment);
    const vite = await startVite({
      rpcTarget: rpc.url,
      historyTarget: history.url,
      port: options.port,
      quiet: options.quiet,
    });
    const child = vite.child;
    const indexer = history;
    let stopped = false;
    return {
      url: vite.url,
      rpcUrl: rpc.url,
      historyUrl: indexer.url,
      deployment,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopChild(child);
        await indexer.stop();
        await rpc.close();
      },
    };
  } catch (err) {
    await history?.stop();
    await rpc.close();
    throw err;
  }
}

/**
 * The description of an already deployed system on the selected network (`npm run app -- --network poa` after
 * `npm run chain` and the deployment): addresses from Ignition's journal for the chain (`CityChain#SupplyChain`
 * → `supplyChain`), the browser reaching the node through the `/rpc` proxy. The developer account picker is
 * offered only when the node itself holds unlocked accounts (a development node); otherwise the page uses the
 * injected wallet.
 */
export async function describeExisting(hre: HardhatRuntimeEnvironment): Promise<AppDeployment> {
  const { chainId } = await hre.ethers.provider.getNetwork();
  const file = path.join(deploymentDir(chainId), DEPLOYED_ADDRESSES);
  if (!fs.existsSync(file)) {
    throw new Error(
      `no deployment for chain ${chainId} (${file}): deploy the system first, or run the app without --network`,
    );
  }
  const recorded = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  const contracts: Record<string, string> = {};
  for (const [future, address] of Object.entries(recorded)) {
    const [module, name] = future.split("#");
    if (module === SYSTEM_MODULE && name) contracts[name.charAt(0).toLowerCase() + name.slice(1)] = address;
  }
  const unlocked = new Set(
    ((await hre.ethers.provider.send("eth_accounts", [])) as string[]).map((a) => a.toLowerCase()),
  );
  const actors = Object.entries(await cityActors(hre).catch(() => ({})))
    .map(([key, s]) => ({ key, label: actorLabel(key), address: (s as { address: string }).address }))
    .filter((a) => unlocked.has(a.address.toLowerCase()));
  return {
    network: hre.network.name,
    chainId: chainId.toString(),
    rpcUrl: "/rpc",
    devAccounts: actors.length > 0,
    contracts,
    actors,
    facts: {},
  };
}

/** Serves the app against the selected (already deployed) network: no seeding, no chain of our own. */
export async function startAppOnNetwork(
  hre: HardhatRuntimeEnvironment,
  options: { port?: number; quiet?: boolean } = {},
): Promise<RunningStack> {
  const url = (hre.network.config as { url?: string }).url;
  if (!url) throw new Error(`network ${hre.network.name} has no JSON-RPC url`);
  const described = await describeExisting(hre);
  const history = await indexChain(hre, described.contracts, Number(described.startBlock ?? 0));
  try {
    const deployment = { ...described, historyUrl: "" };
    writeDeployment(deployment);
    const vite = await startVite({
      rpcTarget: url,
      historyTarget: history.url,
      port: options.port,
      quiet: options.quiet,
    });
    let stopped = false;
    return {
      url: vite.url,
      rpcUrl: url,
      historyUrl: history.url,
      deployment,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopChild(vite.child);
        await history.stop();
      },
    };
  } catch (err) {
    await history.stop();
    throw err;
  }
}
