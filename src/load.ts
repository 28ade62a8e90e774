import type { Provider, Signer, TransactionRequest, TransactionResponse } from "ethers";

/**
 * Bulk ingestion with correct nonce handling: each sender's transactions are signed with consecutive nonces
 * taken once from the node and sent without waiting for each other; senders run in parallel. Then every
 * receipt is awaited (a failed transaction fails the run) and block utilisation is measured over the blocks
 * that carried the load.
 */
export interface LoadReport {
  transactions: number;
  gasUsed: bigint;
  blocks: { number: number; gasUsed: bigint; gasLimit: bigint; ours: number }[];
  /** Mean of gasUsed/gasLimit over the blocks from the first to the last that carried our transactions. */
  utilisation: number;
  /** The same without the first and last block, which the load only partly fills by construction. */
  steadyUtilisation: number;
  seconds: number;
}

export async function sendLoad(
  provider: Provider,
  work: { signer: Signer; requests: TransactionRequest[] }[],
  options: { timeoutMs?: number; onSent?: () => void } = {},
): Promise<LoadReport> {
  const started = Date.now();
  const sent: TransactionResponse[] = [];
  await Promise.all(
    work.map(async ({ signer, requests }) => {
      let nonce = await signer.getNonce("pending");
      for (const request of requests) {
        const response = await signer.sendTransaction({ ...request, nonce: nonce++ });
        sent.push(response);
        options.onSent?.();
      }
    }),
  );
  const timeout = options.timeoutMs ?? 300_000;
  const receipts = await Promise.all(
    sent.map(async (tx) => {
      const receipt = await tx.wait(1, timeout);
      if (!receipt || receipt.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
      return receipt;
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const perBlock = new Map<number, number>();
  let gasUsed = 0n;
  for (const r of receipts) {
    perBlock.set(r.blockNumber, (perBlock.get(r.blockNumber) ?? 0) + 1);
    gasUsed += r.gasUsed;
  }
  const first = Math.min(...perBlock.keys());
  const last = Math.max(...perBlock.keys());
  const blocks: LoadReport["blocks"] = [];
  for (let n = first; n <= last; n++) {
    const b = await provider.getBlock(n);
    if (!b) throw new Error(`block ${n} is missing`);
    blocks.push({ number: n, gasUsed: b.gasUsed, gasLimit: b.gasLimit, ours: perBlock.get(n) ?? 0 });
  }
  const mean = (list: typeof blocks) =>
    list.length === 0 ? 0 : list.reduce((s, b) => s + Number(b.gasUsed) / Number(b.gasLimit), 0) / list.length;
  return {
    transactions: receipts.length,
    gasUsed,
    blocks,
    utilisation: mean(blocks),
    steadyUtilisation: blocks.length > 2 ? mean(blocks.slice(1, -1)) : mean(blocks),
    seconds,
  };
}
