/**
 * Where the tasks find the history indexer: `CITY_INDEXER_URL`, or `npm run indexer`'s default address on this
 * machine. Node-only (reads the environment).
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { HistoryClient, HistoryUnavailableError } from "./client";

/** `npm run indexer` listens here unless told otherwise (`--port`, `CITY_INDEXER_PORT`). */
export const DEFAULT_INDEXER_URL = "http://127.0.0.1:42069";

/** How long a task waits for the indexer to reach the chain's head before it answers with what is indexed. */
export const CLI_SYNC_MS = 15_000;

/** The indexer the CLI reads history from. */
export function indexerUrl(): string {
  return process.env.CITY_INDEXER_URL ?? DEFAULT_INDEXER_URL;
}

/**
 * A client of the indexer the CLI reads history from, after giving it up to `CLI_SYNC_MS` to reach the chain's
 * head (what a member just did shows at once); a lagging indexer is answered with, and the task says how far it is.
 */
export async function cliHistory(hre: HardhatRuntimeEnvironment): Promise<HistoryClient> {
  const client = new HistoryClient(indexerUrl());
  const head = await hre.ethers.provider.getBlockNumber();
  try {
    await client.waitForBlock(head, CLI_SYNC_MS);
  } catch (err) {
    if (!(err instanceof HistoryUnavailableError) || err.code !== "timeout") throw err;
  }
  return client;
}
