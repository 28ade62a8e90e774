import { expect } from "chai";
import { PoaTimeoutError, WaitAborted, waitUntil } from "../../src/poa/wait";

describe("bounded waits of the PoA harness", function () {
  it("polls until the probe is done, treating a throwing probe as not yet", async function () {
    let calls = 0;
    await waitUntil(
      "the third look",
      async () => {
        calls++;
        if (calls === 1) throw new Error("connection refused");
        return { done: calls === 3, seen: `look ${calls}` };
      },
      5_000,
      1,
    );
    expect(calls).to.equal(3);
  });

  it("times out saying what it last saw", async function () {
    const err = await waitUntil("a block", async () => ({ done: false, seen: "head #7" }), 30, 5).catch((e) => e);
    expect(err).to.be.instanceOf(PoaTimeoutError);
    expect((err as Error).message).to.match(/timed out after 0 s waiting for a block \(last seen: head #7\)/);
  });

  it("ends at once when the probe aborts (the process it waits for exited)", async function () {
    let calls = 0;
    const started = Date.now();
    const err = await waitUntil(
      "node 1 RPC",
      async () => {
        calls++;
        throw new WaitAborted("node 1: geth exited; see geth.log");
      },
      60_000,
      1,
    ).catch((e) => e);
    expect(err).to.be.instanceOf(WaitAborted);
    expect((err as Error).message).to.equal("node 1: geth exited; see geth.log");
    expect(calls).to.equal(1);
    expect(Date.now() - started).to.be.lessThan(1_000);
  });
});
