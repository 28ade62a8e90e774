/** A minimal JSON-RPC client for the harness: one request, a hard timeout, the node's error message verbatim. */
export class RpcError extends Error {
  constructor(
    readonly url: string,
    readonly method: string,
    message: string,
  ) {
    super(`${method} on ${url}: ${message}`);
    this.name = "RpcError";
  }
}

let nextId = 1;

export async function rpc<T>(url: string, method: string, params: unknown[] = [], timeoutMs = 5_000): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new RpcError(url, method, cause ?? (err instanceof Error ? err.message : String(err)));
  }
  if (!response.ok) throw new RpcError(url, method, `HTTP ${response.status}`);
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new RpcError(url, method, body.error.message);
  return body.result as T;
}
