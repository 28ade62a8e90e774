import { createContext, useContext } from "react";
import type { JsonRpcProvider, Signer } from "ethers";
import type { AppDeployment } from "../../src/app/deployment";
import type { Namer } from "../../src/app/revert";
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
