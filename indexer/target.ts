/**
 * What the indexer follows: one chain, one deployment. The launcher (src/indexer/ in the Hardhat workspace) writes
 * this description to a JSON file and names it in INDEXER_TARGET; `ponder.config.ts` reads it here.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The contracts the read models come from (share tokens are discovered from AssetRegistered). */
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
  /** First block to index (the deployment's first block; 0 on a development chain). */
  startBlock: number;
  /** Largest eth_getLogs range the node serves (Besu: --rpc-max-logs-range, 5,000 by default); null = no limit. */
  ethGetLogsBlockRange: number | null;
  /** Addresses per contract; a contract may be deployed more than once (the demo and the app's scenario). */
  contracts: Record<IndexedContract, `0x${string}`[]>;
}

export const INDEXER_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.join(INDEXER_DIR, "..");

/** Reads and checks the target named by INDEXER_TARGET (default `.run/indexer/target.json`). */
export function loadTarget(
  file = process.env.INDEXER_TARGET ?? path.join(REPO_ROOT, ".run", "indexer", "target.json"),
) {
  if (!fs.existsSync(file)) {
    throw new Error(`indexer target ${file} not found: start the indexer with \`npm run indexer\``);
  }
  const t = JSON.parse(fs.readFileSync(file, "utf8")) as IndexerTarget;
  if (!Number.isInteger(t.chainId) || t.chainId <= 0)
    throw new Error(`${file}: chainId ${t.chainId} is not a chain id`);
  if (typeof t.rpcUrl !== "string" || !/^https?:\/\//.test(t.rpcUrl)) throw new Error(`${file}: rpcUrl is not http(s)`);
  for (const name of INDEXED_CONTRACTS) {
    const list = t.contracts?.[name] ?? [];
    for (const a of list)
      if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw new Error(`${file}: ${name} address ${a} is not an address`);
    t.contracts = { ...t.contracts, [name]: list.map((a) => a.toLowerCase() as `0x${string}`) };
  }
  return t;
}
