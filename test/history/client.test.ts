import { expect } from "chai";
import { HistoryClient, HistoryNotFoundError, HistoryUnavailableError, lagNote } from "../../src/history/client";

type Reply = { status: number; body: unknown } | "hang";

/** A fetch that answers from a script, one reply per call (the last one repeats). */
function scripted(replies: Reply[]) {
  const calls: string[] = [];
  const fetch = async (url: string, init?: { signal?: AbortSignal }): Promise<Response> => {
    calls.push(url);
    const reply = replies[Math.min(calls.length - 1, replies.length - 1)];
    if (reply === "hang") {
      return new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(new Error("aborted"))));
    }
    return new Response(JSON.stringify(reply.body), { status: reply.status });
  };
  return { fetch, calls };
}

const status = (indexed: number, head: number) => ({
  status: 200,
  body: { chainId: "31337", indexedBlock: String(indexed), headBlock: String(head), behind: "0", ready: true },
});

describe("history client", function () {
  it("maps the indexer's error answers to typed errors", async function () {
    const notFound = scripted([{ status: 404, body: { error: "item 0x… is not on chain", code: "not-found" } }]);
    await expect(new HistoryClient("http://x", { fetch: notFound.fetch }).lot("0x01")).to.be.rejectedWith(
      HistoryNotFoundError,
      "is not on chain",
    );
    const reset = scripted([{ status: 503, body: { error: "stopped: the chain was reset", code: "chain-reset" } }]);
    const err = await new HistoryClient("http://x", { fetch: reset.fetch }).members().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(HistoryUnavailableError);
    expect((err as HistoryUnavailableError).code).to.equal("chain-reset");
    expect((err as HistoryUnavailableError).status).to.equal(503);
  });

  it("waits for a block through a status request that times out, and fails at its own deadline", async function () {
    const busy = scripted(["hang", status(5, 9), status(9, 9)]);
    const client = new HistoryClient("http://x", { fetch: busy.fetch, timeoutMs: 50 });
    const reached = await client.waitForBlock(9, 5_000, 10);
    expect(reached.indexedBlock).to.equal("9");
    expect(busy.calls).to.have.length(3);
    const stuck = scripted([status(5, 9)]);
    await expect(new HistoryClient("http://x", { fetch: stuck.fetch }).waitForBlock(9, 100, 10)).to.be.rejectedWith(
      HistoryUnavailableError,
      "did not reach block 9 within 0.1 s (indexed to block 5 of 9)",
    );
  });

  it("says how far a lagging answer is, and nothing when it is current", function () {
    expect(lagNote({ indexedBlock: 5n, headBlock: 9n })).to.equal("indexed to block 5 of 9");
    expect(lagNote({ indexedBlock: 9n, headBlock: 9n })).to.equal(undefined);
  });
});
