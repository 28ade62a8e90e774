/**
 * A JSON-RPC proxy that behaves like Hyperledger Besu about log ranges: `eth_getLogs` over more than `maxRange`
 * blocks is refused with Besu's exact error (-32005, "Requested range exceeds maximum range limit"); everything
 * else is forwarded. It records the widest range it served and how many requests it refused.
 */
import http from "node:http";

export const BESU_RANGE_ERROR = { code: -32005, message: "Requested range exceeds maximum range limit" } as const;

interface RpcRequest {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

export interface BesuProxy {
  url: string;
  /** Widest eth_getLogs range served (blocks). */
  maxServed: number;
  refused: number;
  close(): Promise<void>;
}

export async function startBesuProxy(upstream: string, maxRange = 5_000): Promise<BesuProxy> {
  const state = { maxServed: 0, refused: 0 };
  const call = async (body: unknown) => {
    const res = await fetch(upstream, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return (await res.json()) as unknown;
  };
  let head = 0;
  const blockOf = async (tag: unknown): Promise<number> => {
    if (typeof tag === "string" && tag.startsWith("0x")) return Number(tag);
    if (tag === "earliest") return 0;
    const r = (await call({ jsonrpc: "2.0", id: 0, method: "eth_blockNumber", params: [] })) as { result: string };
    head = Number(r.result);
    return head;
  };
  /** Besu's answer to one request, or undefined to forward it. */
  const refuse = async (req: RpcRequest) => {
    if (req.method !== "eth_getLogs") return undefined;
    const filter = (req.params?.[0] ?? {}) as { fromBlock?: unknown; toBlock?: unknown; blockHash?: string };
    if (filter.blockHash) return undefined;
    const from = await blockOf(filter.fromBlock ?? "latest");
    const to = await blockOf(filter.toBlock ?? "latest");
    const range = to - from + 1;
    if (range > maxRange) {
      state.refused++;
      return { jsonrpc: "2.0", id: req.id, error: { ...BESU_RANGE_ERROR } };
    }
    state.maxServed = Math.max(state.maxServed, range);
    return undefined;
  };
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (p: Buffer) => parts.push(p));
    req.on("end", () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(parts).toString()) as RpcRequest | RpcRequest[];
        const list = Array.isArray(body) ? body : [body];
        const answers = await Promise.all(
          list.map(async (r) => (await refuse(r)) ?? ((await call(r)) as Record<string, unknown>)),
        );
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(Array.isArray(body) ? answers : answers[0]));
      })().catch((err: Error) => {
        res.statusCode = 502;
        res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32603, message: err.message } }));
      });
    });
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    get maxServed() {
      return state.maxServed;
    },
    get refused() {
      return state.refused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
