/**
 * The EPCIS 2.0 REST interface as the indexer's guard (scripts/indexer.ts) mounts it under `/epcis`: one call that
 * serves a store in the indexer's database, reads history from Ponder directly and members from the consortium.
 */
import { randomBytes } from "node:crypto";
import { HistoryClient } from "../history/client";
import { type Membership, Sessions, consortiumMembership } from "./auth";
import { EpcisRest } from "./server";
import { EpcisStore, type StoreIdentity, epcisPgliteDir } from "./store";

export interface EpcisRestStart {
  rpcUrl: string;
  /** Ponder's own loopback URL (the history routes, without the guard in between). */
  historyUrl: string;
  /** The Consortium contract (membership and roles); without it nobody can sign in. */
  consortium?: string;
  identity: StoreIdentity;
  /** PostgreSQL: the indexer's `DATABASE_URL` and a schema of the store's own. */
  databaseUrl?: string;
  schema: string;
  /** PGlite: the indexer's chain directory; the store's directory is `<dir>/epcis`. */
  indexerDbDir: string;
  /** The origins sign-in messages may name (the guard's URL and the app's origins). */
  origins: string[];
  log?: (line: string) => void;
}

export interface RunningEpcisRest {
  rest: EpcisRest;
  close(): Promise<void>;
}

/** The interface over the EPCIS store (opened on the first request that needs it). */
export function startEpcisRest(o: EpcisRestStart): RunningEpcisRest {
  const openStore = () =>
    EpcisStore.open({
      databaseUrl: o.databaseUrl,
      pgliteDir: o.databaseUrl ? undefined : epcisPgliteDir(o.indexerDbDir),
      schema: o.schema,
      identity: o.identity,
      log: o.log,
    });
  const membership: (account: string) => Promise<Membership> = o.consortium
    ? consortiumMembership(o.rpcUrl, o.consortium)
    : async () => ({ refused: "the deployment names no consortium" });
  const sessions = new Sessions({ chainId: Number(o.identity.chainId), origins: o.origins, membership });
  const rest = new EpcisRest({
    openStore,
    history: new HistoryClient(o.historyUrl),
    sessions,
    pageKey: randomBytes(32),
  });
  return { rest, close: () => rest.close() };
}
