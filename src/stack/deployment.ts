/**
 * The deployment description the web app loads (`/deployment.json`): which chain, where its JSON-RPC endpoint
 * is, the system's contract addresses, and who is who. Written by `npm run app` (src/stack/stack.ts) from the
 * seeded chain; a production deployment writes the same shape from its Ignition addresses.
 * Browser-safe: no Node imports.
 */
import { CITY_ORGANISATIONS, CITY_PERSONS, OrganisationKey, PersonKey } from "../city";

export interface AppActor {
  /** Cast key (`regulator`, `investor1`, …). */
  key: string;
  /** What the developer account picker shows (`Acme Pharma — manufacturer`). */
  label: string;
  address: string;
}

export interface AppDeployment {
  /** Network name the data was seeded on (`localhost`, `poa`, …). */
  network: string;
  chainId: string;
  /** JSON-RPC endpoint the browser uses: a path on the app's own origin (proxied) or a full URL. */
  rpcUrl: string;
  /** True on a local development chain whose node holds unlocked developer accounts (the picker is shown). */
  devAccounts: boolean;
  /**
   * The block before the system's first deployment (decimal): the history indexer starts there instead of at 0.
   * Absent when unknown.
   */
  startBlock?: string;
  /**
   * Where the history indexer answers (`/history/*`): "" when the app's own origin proxies it (the local stack), or
   * a full URL. Absent: the page has no history, and says so.
   */
  historyUrl?: string;
  /** Contract addresses by system key (`consortium`, `supplyChain`, …). */
  contracts: Record<string, string>;
  actors: AppActor[];
  /** Plain facts the seed recorded (items to verify, offerings, …) for links on the pages and the e2e tests. */
  facts: Record<string, unknown>;
}

/** How a cast key reads in the developer account picker: the organisation's name and roles from the city's cast. */
export function actorLabel(key: string): string {
  if (key in CITY_ORGANISATIONS) {
    const org = CITY_ORGANISATIONS[key as OrganisationKey];
    return `${org.name} — ${org.roles.map((r) => r.toLowerCase().replace("_", " ")).join(", ")}`;
  }
  if (key in CITY_PERSONS)
    return `${key.replace(/(\d+)$/, " $1")} — ${CITY_PERSONS[key as PersonKey].toLowerCase()} (person)`;
  if (key === "deployer") return "Deployer — no membership";
  if (key.startsWith("outsider")) return `${key.replace(/(\d+)$/, " $1")} — not a member`;
  return key;
}
