import { createContext, useContext } from "react";
import type { JsonRpcProvider, Signer } from "ethers";
import type { AppDeployment } from "../../src/stack/deployment";
import type { Namer } from "../../src/stack/revert";
import type { HistoryClient } from "../../src/history/client";

/** What every page reads: the deployment, a read provider, the connected account, and a refresh counter. */
export interface AppState {
  deployment: AppDeployment;
  provider: JsonRpcProvider;
  /** The history indexer (what happened); current state comes from `provider`'s contract views. */
  history?: HistoryClient;
  namer: Namer;
  /** The connected account, if any. */
  account?: { address: string; signer: Signer; label: string };
  /** Increases on every new block and every confirmed transaction: pages reload their data on change. */
  version: number;
  /** Called after a confirmed transaction. */
  refresh(): void;
  /** Client-side navigation. */
  navigate(path: string): void;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const app = useContext(AppContext);
  if (!app) throw new Error("useApp outside the app");
  return app;
}

/** How long a page waits for the history indexer to reach the block it renders before it shows what is indexed. */
export const HISTORY_SYNC_MS = 10_000;

/**
 * The history client once the indexer has read the chain's latest block (bounded by `HISTORY_SYNC_MS`; a lagging
 * indexer still answers, and the page says how far it is). Throws when the deployment has no indexer.
 */
export async function syncedHistory(app: Pick<AppState, "history" | "provider">): Promise<HistoryClient> {
  if (!app.history)
    throw new Error("no history indexer in deployment.json (historyUrl): start it with npm run indexer");
  const head = await app.provider.getBlockNumber();
  await app.history.waitForBlock(head, HISTORY_SYNC_MS).catch((err: unknown) => {
    if ((err as { code?: string }).code !== "timeout") throw err;
  });
  return app.history;
}
