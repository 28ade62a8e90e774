/**
 * What the indexer follows (the same shape indexer/target.ts reads): the chain, its JSON-RPC endpoint, the largest
 * eth_getLogs range the node serves, and the system's addresses (from Ignition's journal or the app's stack).
 */
import fs from "node:fs";
import path from "node:path";
import { SYSTEM_MODULE, deploymentDir } from "../deployments";

export const INDEXED_CONTRACTS = [
  "Consortium",
  "SupplyChain",
  "ColdChain",
  "AssetRegistry",
  "AssetOffering",
  "AssetMarket",
  "MedicalRecords",
  "HealthInsurance",
] as const;
export type IndexedContract = (typeof INDEXED_CONTRACTS)[number];

export interface IndexerTarget {
  chainId: number;
  rpcUrl: string;
  startBlock: number;
  ethGetLogsBlockRange: number | null;
  contracts: Record<IndexedContract, string[]>;
}

/** Besu's default `--rpc-max-logs-range`: eth_getLogs over more blocks is refused with -32005. */
export const BESU_MAX_LOGS_RANGE = 5_000;

/**
 * The eth_getLogs range for a network: INDEXER_LOGS_RANGE if set; for Besu networks (named `besu*`) the node's
 * `--rpc-max-logs-range` (BESU_RPC_MAX_LOGS_RANGE, default 5,000); otherwise no limit (Hardhat, geth).
 */
export function logsRangeFor(network: string, env: NodeJS.ProcessEnv = process.env): number | null {
  const explicit = env.INDEXER_LOGS_RANGE ?? (network.startsWith("besu") ? env.BESU_RPC_MAX_LOGS_RANGE : undefined);
  if (explicit !== undefined && explicit !== "") {
    const n = Number(explicit);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`logs range "${explicit}" is not a positive whole number`);
    return n;
  }
  return network.startsWith("besu") ? BESU_MAX_LOGS_RANGE : null;
}

const empty = (): Record<IndexedContract, string[]> =>
  Object.fromEntries(INDEXED_CONTRACTS.map((c) => [c, [] as string[]])) as Record<IndexedContract, string[]>;

/** The kind of contract a deployment key names (`supplyChain`, `assets.registry`, `assetRegistry`, ...). */
export function contractKind(key: string): IndexedContract | undefined {
  const k = key.toLowerCase().replace(/[^a-z.]/g, "");
  const last = k.split(".").pop() ?? k;
  const byName: Record<string, IndexedContract> = {
    consortium: "Consortium",
    supplychain: "SupplyChain",
    coldchain: "ColdChain",
    assetregistry: "AssetRegistry",
    registry: "AssetRegistry",
    assetoffering: "AssetOffering",
    offering: "AssetOffering",
    assetmarket: "AssetMarket",
    market: "AssetMarket",
    medicalrecords: "MedicalRecords",
    records: "MedicalRecords",
    healthinsurance: "HealthInsurance",
    insurance: "HealthInsurance",
  };
  return byName[last];
}

/** Addresses by kind from a `{ key: address }` map (the app's deployment.json or Ignition's, module prefix removed). */
export function contractsFrom(map: Record<string, string>): Record<IndexedContract, string[]> {
  const out = empty();
  for (const [key, address] of Object.entries(map)) {
    const name = key.includes("#") ? key.split("#")[1] : key;
    const kind = contractKind(name);
    if (kind && !out[kind].includes(address.toLowerCase())) out[kind].push(address.toLowerCase());
  }
  return out;
}

/** The system Ignition deployed on a chain (`ignition/deployments/chain-<id>/deployed_addresses.json`). */
export function ignitionContracts(chainId: number): Record<IndexedContract, string[]> {
  const file = path.join(deploymentDir(chainId), "deployed_addresses.json");
  if (!fs.existsSync(file)) throw new Error(`no deployment for chain ${chainId} (${file}): deploy the system first`);
  const recorded = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  return contractsFrom(
    Object.fromEntries(Object.entries(recorded).filter(([future]) => future.startsWith(`${SYSTEM_MODULE}#`))),
  );
}

/** Writes the target where the Ponder config reads it and returns the file. */
export function writeTarget(target: IndexerTarget, file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(target, null, 2) + "\n");
  return file;
}

/**
 * Where a task reads history: INDEXER_URL if set; on a real network the local indexer (`npm run indexer`,
 * http://127.0.0.1:42069); on the in-process Hardhat network (no indexer) the chain's logs.
 */
export function indexerUrlFor(network: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.INDEXER_URL) return env.INDEXER_URL;
  return network === "hardhat" ? undefined : `http://127.0.0.1:${env.INDEXER_PORT ?? 42069}`;
}
