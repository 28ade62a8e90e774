/**
 * A JSON-RPC proxy on 127.0.0.1 that behaves like Hyperledger Besu started with `--rpc-max-logs-range N`
 * (default 5,000) in front of any upstream node: `eth_getLogs` whose resolved range is wider than N is refused
 * with Besu's exact error, everything else (and every allowed `eth_getLogs`) is forwarded unchanged. It records
 * what it refused and served, so a test can prove that a client (the indexer) never got a range Besu would refuse.
 *
 * Besu's behaviour, as read in hyperledger/besu:
 * - ethereum/api/src/main/java/org/hyperledger/besu/ethereum/api/jsonrpc/internal/response/RpcErrorType.java:
 *   `EXCEEDS_RPC_MAX_BLOCK_RANGE(-32005, "Requested range exceeds maximum RPC range limit")`.
 * - ethereum/api/.../jsonrpc/internal/methods/EthGetLogs.java: resolves fromBlock and toBlock to numbers (tags
 *   included; a missing bound is `latest`), refuses when `maxLogRange > 0 && (toBlockNumber - fromBlockNumber) >
 *   maxLogRange` and answers `new JsonRpcErrorResponse(id, RpcErrorType.EXCEEDS_RPC_MAX_BLOCK_RANGE)`, i.e.
 *   `{"jsonrpc":"2.0","id":…,"error":{"code":-32005,"message":"Requested range exceeds maximum RPC range limit"}}`.
 *   A `blockHash` filter names one block and is never range-checked. So with N = 5,000, blocks 0..5,000 (5,001
 *   blocks inclusive) are still served and 0..5,001 is refused; this proxy applies the same comparison.
 * - The CLI option is `--rpc-max-logs-range` (besu PR #4597), default 5,000 (besu-docs, options reference).
 */
import http from "node:http";

/** Besu's default `--rpc-max-logs-range`. */
export const BESU_MAX_LOGS_RANGE = 5_000;

/** Besu's `RpcErrorType.EXCEEDS_RPC_MAX_BLOCK_RANGE`, as it appears on the wire. */
export const BESU_RANGE_ERROR = { code: -32005, message: "Requested range exceeds maximum RPC range limit" } as const;

/** A resolved `eth_getLogs` range, both ends inclusive. */
export interface LogsRange {
  from: number;
  to: number;
}

export interface RangeProxyStats {
  /** `eth_getLogs` ranges answered with Besu's range error. */
  refused: LogsRange[];
  /** `eth_getLogs` ranges forwarded to the upstream node. */
  served: LogsRange[];
  /** `eth_getLogs` by `blockHash` (forwarded, one block each). */
  byHash: number;
  /** Other calls forwarded, by method. */
  methods: Record<string, number>;
}

export interface RangeProxy {
  /** The proxy's JSON-RPC endpoint (`http://127.0.0.1:<port>`). */
  url: string;
  maxRange: number;
  stats: RangeProxyStats;
  /** The widest served range, in blocks (`to - from + 1`), 0 when none was served. */
  widestServed(): number;
  /** Stops listening and closes open connections; safe to call twice. */
  close(): Promise<void>;
}

interface JsonRpcRequest {
  jsonrpc?: string;
  id?: string | number | null;
  method?: string;
  params?: unknown[];
}

interface JsonRpcResponse {
  jsonrpc: "2.0";
  id: string | number | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

interface LogFilter {
  fromBlock?: string;
  toBlock?: string;
  blockHash?: string;
}

/** Thrown when the upstream node does not answer as a JSON-RPC server. */
export class RangeProxyUpstreamError extends Error {
  constructor(
    readonly upstream: string,
    detail: string,
  ) {
    super(`the upstream node ${upstream} failed: ${detail}`);
    this.name = "RangeProxyUpstreamError";
  }
}

/** Starts the proxy in front of `upstream` (an HTTP JSON-RPC URL). */
export async function startRangeProxy(options: { upstream: string; maxRange?: number }): Promise<RangeProxy> {
  const { upstream } = options;
  const maxRange = options.maxRange ?? BESU_MAX_LOGS_RANGE;
  if (!Number.isInteger(maxRange) || maxRange <= 0) throw new RangeError(`maxRange must be a positive integer`);
  const stats: RangeProxyStats = { refused: [], served: [], byHash: 0, methods: {} };

  async function post(body: string): Promise<string> {
    let res: Response;
    try {
      res = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body });
    } catch (err) {
      throw new RangeProxyUpstreamError(upstream, (err as Error).message);
    }
    return res.text();
  }

  async function call(method: string, params: unknown[]): Promise<unknown> {
    const reply = JSON.parse(await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }))) as JsonRpcResponse;
    if (reply.error) throw new RangeProxyUpstreamError(upstream, `${method}: ${reply.error.message}`);
    return reply.result;
  }

  /** A block parameter as Besu resolves it: a number, `earliest` = 0, any other tag = that block of the node. */
  async function resolveBlock(tag: string | undefined, head: () => Promise<number>): Promise<number> {
    const value = tag ?? "latest";
    if (value === "earliest") return 0;
    if (/^0x[0-9a-fA-F]+$/.test(value)) return Number(BigInt(value));
    if (value === "latest" || value === "pending") return head();
    const block = (await call("eth_getBlockByNumber", [value, false])) as { number: string } | null;
    return block ? Number(BigInt(block.number)) : head();
  }

  async function handleOne(request: JsonRpcRequest): Promise<JsonRpcResponse> {
    const method = request.method ?? "";
    if (method !== "eth_getLogs") {
      stats.methods[method] = (stats.methods[method] ?? 0) + 1;
      return JSON.parse(await post(JSON.stringify(request))) as JsonRpcResponse;
    }
    const filter = (request.params?.[0] ?? {}) as LogFilter;
    if (filter.blockHash) {
      stats.byHash++;
      return JSON.parse(await post(JSON.stringify(request))) as JsonRpcResponse;
    }
    // Besu reads the head once per request, so `latest..latest` is one block even while blocks arrive.
    let headOnce: Promise<number> | undefined;
    const head = () => (headOnce ??= call("eth_blockNumber", []).then((n) => Number(BigInt(n as string))));
    const range = {
      from: await resolveBlock(filter.fromBlock, head),
      to: await resolveBlock(filter.toBlock, head),
    };
    if (range.to - range.from > maxRange) {
      stats.refused.push(range);
      return { jsonrpc: "2.0", id: request.id ?? null, error: { ...BESU_RANGE_ERROR } };
    }
    stats.served.push(range);
    return JSON.parse(await post(JSON.stringify(request))) as JsonRpcResponse;
  }

  async function handle(body: string): Promise<string> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return post(body); // not JSON: the upstream node answers its own parse error
    }
    if (Array.isArray(parsed)) {
      const replies = await Promise.all(parsed.map((r) => handleOne(r as JsonRpcRequest)));
      return JSON.stringify(replies);
    }
    return JSON.stringify(await handleOne(parsed as JsonRpcRequest));
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST") {
        res.writeHead(405, { allow: "POST" }).end();
        return;
      }
      handle(Buffer.concat(chunks).toString("utf8")).then(
        (reply) => res.writeHead(200, { "content-type": "application/json" }).end(reply),
        (err: Error) => {
          const reply = { jsonrpc: "2.0", id: null, error: { code: -32603, message: err.message } };
          res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify(reply));
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as { port: number };
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    maxRange,
    stats,
    widestServed: () => stats.served.reduce((w, r) => Math.max(w, r.to - r.from + 1), 0),
    async close() {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
