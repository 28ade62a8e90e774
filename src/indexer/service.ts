/**
 * Runs the indexer: a Ponder process (indexer/) behind a small guard that is the only thing clients reach.
 *
 * The guard
 * - keys the database by the chain's identity (chain id, genesis hash, first block's hash): a chain that was reset
 *   gets a fresh database and a rebuild, never the old one's rows; it re-checks the identity while running;
 * - answers `/ready` only after checking, at that moment, that Ponder is alive, caught up and on the same chain;
 * - serves the read models only while that holds (503 with the reason otherwise), with `x-indexed-block` and
 *   `x-chain-head` on every answer so pages can say "indexed to block N of M";
 * - stops with Ponder's own message when Ponder stops (e.g. a reorg deeper than its finality limit);
 * - listens on 127.0.0.1 unless told otherwise and allows one browser origin (CORS), nobody else's.
 */
import { ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { IndexerTarget, writeTarget } from "./target";

export const REPO_ROOT = path.join(__dirname, "..", "..");
export const INDEXER_RUN_DIR = path.join(REPO_ROOT, ".run", "indexer");
const PONDER_BIN = path.join(REPO_ROOT, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js");

export interface IndexerOptions {
  target: IndexerTarget;
  /** Guard port (default 42069; 0 = a free port). */
  port?: number;
  /** Guard host (default 127.0.0.1). */
  host?: string;
  /** The one browser origin allowed to read (CORS); none when unset. */
  corsOrigin?: string;
  /** PostgreSQL connection string; PGlite under `runDir` when unset. */
  databaseUrl?: string;
  /** Where the target file, the PGlite databases and Ponder's log live (default `.run/indexer`). */
  runDir?: string;
  /** How often the guard re-checks the chain's identity and Ponder's progress (ms, default 500). */
  checkEveryMs?: number;
  /** Blocks the index may trail the head by and still be ready (default 2: one polling interval). */
  maxLagBlocks?: number;
  /** Ponder's log level (default `warn`). */
  logLevel?: string;
  log?: (line: string) => void;
}

export interface ChainIdentity {
  chainId: number;
  genesis: string;
  first: string;
}

export interface IndexerStatus {
  state: "starting" | "indexing" | "ready" | "rebuilding" | "failed" | "stopped";
  chainId: number;
  indexedBlock: number | null;
  headBlock: number | null;
  identity: string | null;
  error: string | null;
}

export interface RunningIndexer {
  url: string;
  status(): IndexerStatus;
  /** Resolves when `/ready` answers 200 (rejects when the indexer fails or `ms` passes). */
  waitReady(ms?: number): Promise<void>;
  /** Resolves when the indexer has stopped by itself (a fatal error) with that error. */
  failed: Promise<Error>;
  stop(): Promise<void>;
}

/** One JSON-RPC call over fetch (no provider objects: the guard must stay small and fast). */
export async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await res.json()) as { result?: T; error?: { code: number; message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message} (${body.error.code})`);
  return body.result as T;
}

/** The chain's identity: its id, the start block's hash and the next block's (a reset chain differs in one). */
export async function chainIdentity(rpcUrl: string, startBlock: number): Promise<ChainIdentity | null> {
  const hex = (n: number) => "0x" + n.toString(16);
  const [chainId, genesis, first] = await Promise.all([
    rpc<string>(rpcUrl, "eth_chainId"),
    rpc<{ hash: string } | null>(rpcUrl, "eth_getBlockByNumber", [hex(startBlock), false]),
    rpc<{ hash: string } | null>(rpcUrl, "eth_getBlockByNumber", [hex(startBlock + 1), false]),
  ]);
  if (!genesis || !first) return null;
  return { chainId: Number(chainId), genesis: genesis.hash, first: first.hash };
}

/** A short stable name for an identity (the database's directory or schema suffix). */
export function identityKey(id: ChainIdentity): string {
  return crypto.createHash("sha256").update(`${id.chainId}:${id.genesis}:${id.first}`).digest("hex").slice(0, 12);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the guard and Ponder; resolves once the guard listens (indexing continues in the background). */
export async function startIndexer(options: IndexerOptions): Promise<RunningIndexer> {
  const target = options.target;
  const runDir = options.runDir ?? INDEXER_RUN_DIR;
  const log = options.log ?? ((line: string) => console.log(line));
  const checkEvery = options.checkEveryMs ?? 500;
  const maxLag = options.maxLagBlocks ?? 2;
  fs.mkdirSync(runDir, { recursive: true });
  const targetFile = writeTarget(target, path.join(runDir, "target.json"));

  const status: IndexerStatus = {
    state: "starting",
    chainId: target.chainId,
    indexedBlock: null,
    headBlock: null,
    identity: null,
    error: null,
  };
  let child: ChildProcess | undefined;
  let ponderPort = 0;
  let stopping = false;
  let lastCheck = 0;
  let checking: Promise<void> | undefined;
  let failWith: (e: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => (failWith = resolve));
  let ponderTail: string[] = [];

  const fail = (message: string) => {
    if (status.state === "failed" || stopping) return;
    status.state = "failed";
    status.error = message;
    log(`indexer stopped: ${message}`);
    failWith(new Error(message));
  };

  /** Starts Ponder on a database named by the chain's identity (a reset chain never sees an old database). */
  const startPonder = async (id: ChainIdentity) => {
    const key = identityKey(id);
    status.identity = key;
    status.indexedBlock = null;
    ponderPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PONDER_TELEMETRY_DISABLED: "1",
      INDEXER_TARGET: targetFile,
      PONDER_LOG_LEVEL: options.logLevel ?? process.env.PONDER_LOG_LEVEL ?? "warn",
      NO_COLOR: "1",
      FORCE_COLOR: "0",
    };
    if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
    else {
      delete env.DATABASE_URL;
      env.INDEXER_PGLITE_DIR = path.join(runDir, "pglite", key);
      // Databases of other chain identities are stale by construction: remove them.
      const root = path.join(runDir, "pglite");
      if (fs.existsSync(root)) {
        for (const d of fs.readdirSync(root))
          if (d !== key) fs.rmSync(path.join(root, d), { recursive: true, force: true });
      }
    }
    // PostgreSQL: a fresh schema per start (chain identity + start time), for the same reason.
    const schema = `citychain_${key}_${Date.now().toString(36)}`;
    ponderTail = [];
    const logFile = fs.createWriteStream(path.join(runDir, "ponder.log"), { flags: "a" });
    const proc = spawn(
      process.execPath,
      [
        PONDER_BIN,
        "start",
        "--root",
        path.join(REPO_ROOT, "indexer"),
        "--port",
        String(ponderPort),
        "--hostname",
        "127.0.0.1",
        "--schema",
        schema,
      ],
      { cwd: path.join(REPO_ROOT, "indexer"), env, stdio: ["ignore", "pipe", "pipe"] },
    );
    child = proc;
    const keep = (chunk: Buffer) => {
      logFile.write(chunk);
      for (const line of chunk.toString().split("\n")) {
        if (line.trim() === "") continue;
        ponderTail.push(line);
        if (ponderTail.length > 40) ponderTail.shift();
      }
    };
    proc.stdout?.on("data", keep);
    proc.stderr?.on("data", keep);
    proc.once("exit", (code, signal) => {
      logFile.end();
      if (child !== proc || stopping || status.state === "rebuilding") return;
      child = undefined;
      void (async () => {
        // A reset chain first: Ponder may stop on the reorg a reset looks like.
        const now = await chainIdentity(target.rpcUrl, target.startBlock).catch(() => undefined);
        if (now === null) {
          status.state = "rebuilding";
          status.identity = null;
          return;
        }
        if (now && identityKey(now) !== status.identity) return rebuild(now);
        const reason = ponderTail.filter((l) => /error|reorg|fatal|unrecoverable/i.test(l)).slice(-6);
        fail(
          `Ponder exited (${signal ?? `code ${code}`}): ${(reason.length ? reason : ponderTail.slice(-6)).join(" | ")}`,
        );
      })();
    });
    status.state = "indexing";
    log(
      `indexer: chain ${id.chainId} (identity ${key}), ${options.databaseUrl ? `PostgreSQL schema ${schema}` : `PGlite ${env.INDEXER_PGLITE_DIR}`}`,
    );
  };

  const stopPonder = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    proc.kill("SIGTERM");
    const t = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(t);
  };

  const rebuild = async (id: ChainIdentity) => {
    status.state = "rebuilding";
    log(
      `indexer: the chain was reset (identity ${status.identity} -> ${identityKey(id)}): rebuilding from block ${target.startBlock}`,
    );
    await stopPonder();
    if (stopping) return;
    await startPonder(id);
  };

  /** Re-reads the chain's identity, its head and Ponder's progress; rebuilds on a reset. */
  const check = async () => {
    if (status.state === "failed" || stopping) return;
    let id: ChainIdentity | null;
    try {
      id = await chainIdentity(target.rpcUrl, target.startBlock);
    } catch {
      status.headBlock = null; // the node does not answer: nothing new to index, and /ready says so
      if (status.state === "ready") status.state = "indexing";
      return;
    }
    if (!id) {
      // The chain lost the blocks we indexed (reset to genesis): stop serving them, rebuild once it has blocks.
      if (status.identity !== null) {
        status.state = "rebuilding";
        status.identity = null;
        log("indexer: the chain no longer has its first block (reset): waiting for blocks to rebuild");
        await stopPonder();
      }
      return;
    }
    if (status.identity === null && status.state === "rebuilding") {
      await startPonder(id);
      return;
    }
    if (status.identity && identityKey(id) !== status.identity && status.state !== "rebuilding") {
      await rebuild(id);
      return;
    }
    status.headBlock = Number(await rpc<string>(target.rpcUrl, "eth_blockNumber").catch(() => "0x0"));
    if (!child || status.state === "rebuilding") return;
    try {
      const res = await fetch(`http://127.0.0.1:${ponderPort}/status`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) {
        const body = (await res.json()) as Record<string, { block?: { number: number } }>;
        const block = Object.values(body)[0]?.block?.number;
        if (typeof block === "number") status.indexedBlock = block;
      }
      // A head below the index (a reorg to a shorter branch, or a reset whose first blocks came out identical) is
      // never "ready", and reads refuse while it lasts (below). Ponder settles it: it follows the new branch, or
      // stops on a reorg deeper than its finality (then the guard stops with its message).
      const ready = await fetch(`http://127.0.0.1:${ponderPort}/ready`, { signal: AbortSignal.timeout(2_000) });
      const caughtUp =
        status.indexedBlock !== null &&
        status.headBlock !== null &&
        status.headBlock >= status.indexedBlock &&
        status.headBlock - status.indexedBlock <= maxLag;
      status.state = ready.status === 200 && caughtUp ? "ready" : "indexing";
    } catch {
      status.state = status.state === "ready" ? "indexing" : status.state;
    }
    lastCheck = Date.now();
  };
  /** One check at a time; answers within `freshMs` reuse the last one. */
  const checked = async (freshMs: number) => {
    if (Date.now() - lastCheck <= freshMs && !checking) return;
    checking ??= check().finally(() => (checking = undefined));
    await checking;
  };

  // Wait for a chain with at least one block after the start block (a deployment), then start Ponder.
  let first: ChainIdentity | null = null;
  for (let i = 0; i < 600 && !first; i++) {
    first = await chainIdentity(target.rpcUrl, target.startBlock).catch(() => null);
    if (!first) await sleep(500);
  }
  if (!first) throw new Error(`no chain with blocks at ${target.rpcUrl}`);
  await startPonder(first);
  const timer = setInterval(() => void checked(0).catch(() => undefined), checkEvery);

  const cors = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const origin = req.headers.origin;
    if (origin && options.corsOrigin && origin === options.corsOrigin) {
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("vary", "origin");
      res.setHeader("access-control-expose-headers", "x-indexed-block, x-chain-head, x-indexer-state");
    }
  };
  const json = (res: http.ServerResponse, code: number, body: unknown) => {
    res.statusCode = code;
    res.setHeader("content-type", "application/json; charset=utf-8");
    res.setHeader("cache-control", "no-store");
    res.end(JSON.stringify(body));
  };
  const progressHeaders = (res: http.ServerResponse) => {
    if (status.indexedBlock !== null) res.setHeader("x-indexed-block", String(status.indexedBlock));
    if (status.headBlock !== null) res.setHeader("x-chain-head", String(status.headBlock));
    res.setHeader("x-indexer-state", status.state);
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      cors(req, res);
      const url = new URL(req.url ?? "/", "http://guard");
      if (req.method === "OPTIONS") {
        if (req.headers.origin && req.headers.origin === options.corsOrigin) {
          res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
          res.setHeader("access-control-allow-headers", "content-type");
        }
        res.statusCode = 204;
        return res.end();
      }
      if (url.pathname === "/ready") {
        await checked(0); // never from a cache: ready means ready now
        const ok = status.state === "ready";
        return json(res, ok ? 200 : 503, { ready: ok, ...status });
      }
      if (url.pathname === "/indexer/status") {
        await checked(250);
        progressHeaders(res);
        return json(res, 200, status);
      }
      if (!/^\/(history|sql|graphql)(\/|$)/.test(url.pathname)) return json(res, 404, { error: "not found" });
      await checked(0); // every read re-checks the chain (concurrent reads share one check)
      progressHeaders(res);
      if (status.state === "failed") return json(res, 503, { ...status, error: status.error });
      if (status.headBlock !== null && status.indexedBlock !== null && status.headBlock < status.indexedBlock) {
        return json(res, 503, { ...status, error: "the chain is behind the index (a reorg or a reset): wait" });
      }
      if (status.state === "rebuilding" || status.state === "starting" || !child) {
        return json(res, 503, { ...status, error: `indexer ${status.state}` });
      }
      const body = await new Promise<Buffer>((resolve) => {
        const parts: Buffer[] = [];
        req.on("data", (p: Buffer) => parts.push(p));
        req.on("end", () => resolve(Buffer.concat(parts)));
      });
      const headers: Record<string, string> = {};
      if (req.headers["content-type"]) headers["content-type"] = String(req.headers["content-type"]);
      if (req.headers.accept) headers.accept = String(req.headers.accept);
      try {
        const upstream = await fetch(`http://127.0.0.1:${ponderPort}${url.pathname}${url.search}`, {
          method: req.method,
          headers,
          body: req.method === "GET" || req.method === "HEAD" ? undefined : new Uint8Array(body),
          signal: AbortSignal.timeout(30_000),
        });
        res.statusCode = upstream.status;
        const type = upstream.headers.get("content-type");
        if (type) res.setHeader("content-type", type);
        res.setHeader("cache-control", "no-store");
        res.end(Buffer.from(await upstream.arrayBuffer()));
      } catch (err) {
        json(res, 503, { ...status, error: `indexer unreachable: ${(err as Error).message}` });
      }
    })().catch((err: Error) => json(res, 500, { error: err.message }));
  });
  const host = options.host ?? "127.0.0.1";
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 42069, host, () => resolve((server.address() as { port: number }).port));
  });
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    url,
    status: () => ({ ...status }),
    failed,
    async waitReady(ms = 300_000) {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (status.state === "failed") throw new Error(status.error ?? "indexer failed");
        const res = await fetch(`${url}/ready`).catch(() => undefined);
        if (res?.status === 200) return;
        await sleep(250);
      }
      throw new Error(
        `the indexer was not ready within ${ms / 1000} s (${status.state}, block ${status.indexedBlock} of ${status.headBlock})`,
      );
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      await stopPonder();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections?.();
      status.state = "stopped";
    },
  };
}

/** A free TCP port on 127.0.0.1. */
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
