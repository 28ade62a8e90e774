import { isError } from "ethers";
import type { Provider, TransactionReceipt } from "ethers";

/**
 * A transaction that was accepted by a node but not sealed in time. On a Clique chain this means fewer than a
 * majority of signers are online (with 3 signers, 2 must be up); on QBFT, more than a third of validators are down.
 */
export class ConfirmationTimeoutError extends Error {
  constructor(
    readonly hash: string,
    readonly timeoutMs: number,
    readonly headAtSend: number,
    readonly headNow: number,
  ) {
    const stalled = headNow === headAtSend;
    super(
      `transaction ${hash} was not confirmed within ${Math.round(timeoutMs / 1000)} s: ` +
        (stalled
          ? `the chain head stayed at #${headNow}, so sealing has stopped (too few signers or validators are online; check the validator nodes)`
          : `the chain advanced from #${headAtSend} to #${headNow} without including it (check the fee and the nonce)`),
    );
    this.name = "ConfirmationTimeoutError";
  }
}

/**
 * Waits at most `timeoutMs` for one confirmation of `hash`. Resolves with the receipt, or rejects with a
 * ConfirmationTimeoutError that says whether the chain stalled, instead of waiting forever as `tx.wait()` does.
 */
export async function confirmWithin(provider: Provider, hash: string, timeoutMs: number): Promise<TransactionReceipt> {
  const headAtSend = await provider.getBlockNumber();
  try {
    const receipt = await provider.waitForTransaction(hash, 1, timeoutMs);
    if (!receipt) throw new Error(`transaction ${hash} has no receipt`);
    return receipt;
  } catch (err) {
    if (!isError(err, "TIMEOUT")) throw err;
    throw new ConfirmationTimeoutError(hash, timeoutMs, headAtSend, await provider.getBlockNumber());
  }
}
