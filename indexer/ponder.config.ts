/**
 * Ponder configuration of the citychain history indexer. Everything chain-specific comes from the environment that
 * scripts/indexer.ts (the launcher) sets:
 * - CITY_DEPLOYMENT: the deployment description (AppDeployment: chainId, contracts by system key, optional
 *   startBlock = the block before the first deployment);
 * - CITY_RPC_URL: the chain's JSON-RPC endpoint; CITY_GETLOGS_RANGE: the eth_getLogs block range (5,000 on Besu);
 * - DATABASE_URL: PostgreSQL; otherwise PGlite in CITY_INDEXER_DB_DIR.
 * ABIs are the typechain factories' (abis/index.ts is generated from them by the launcher).
 */
import fs from "node:fs";
import { createConfig, factory } from "ponder";
import { getAbiItem } from "viem";
import {
  AssetMarketAbi,
  AssetOfferingAbi,
  AssetPPAAbi,
  AssetRegistryAbi,
  AssetShareTokenAbi,
  AssetVendingAbi,
  ColdChainAbi,
  ConsortiumAbi,
  DeviceRegistryAbi,
  EpcisAnchorsAbi,
  HealthInsuranceAbi,
  MedicalRecordsAbi,
  SupplyChainAbi,
} from "./abis";

interface Deployment {
  chainId: string | number;
  contracts: Record<string, string>;
  startBlock?: number | string;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start the indexer with \`npm run indexer\` (scripts/indexer.ts)`);
  return value;
}

const deployment = JSON.parse(fs.readFileSync(env("CITY_DEPLOYMENT"), "utf8")) as Deployment;
const startBlock = Number(deployment.startBlock ?? 0);
if (!Number.isSafeInteger(startBlock) || startBlock < 0)
  throw new Error(`startBlock ${deployment.startBlock} is not a block number`);
/** An address that never emits: a system missing from the description yields no events. */
const NOWHERE = "0x000000000000000000000000000000000000dEaD" as const;

/** A contract's address by its deployment name (the Ignition module's, which the seeded chains use too). */
function address(key: string): `0x${string}` {
  const a = deployment.contracts[key];
  return a && /^0x[0-9a-fA-F]{40}$/.test(a) ? (a as `0x${string}`) : NOWHERE;
}

const chain = "city" as const;
const database = process.env.DATABASE_URL
  ? ({ kind: "postgres", connectionString: process.env.DATABASE_URL } as const)
  : ({ kind: "pglite", directory: env("CITY_INDEXER_DB_DIR") } as const);

export default createConfig({
  database,
  chains: {
    city: {
      id: Number(deployment.chainId),
      rpc: env("CITY_RPC_URL"),
      ethGetLogsBlockRange: Number(process.env.CITY_GETLOGS_RANGE ?? 5_000),
      pollingInterval: Number(process.env.CITY_POLLING_MS ?? 1_000),
      // The chain identity is checked by the launcher; a development chain is reset often, so no RPC cache.
      disableCache: true,
    },
  },
  contracts: {
    Consortium: { chain, abi: ConsortiumAbi, address: address("consortium"), startBlock },
    SupplyChain: { chain, abi: SupplyChainAbi, address: address("supplyChain"), startBlock },
    EpcisAnchors: { chain, abi: EpcisAnchorsAbi, address: address("epcisAnchors"), startBlock },
    DeviceRegistry: { chain, abi: DeviceRegistryAbi, address: address("deviceRegistry"), startBlock },
    ColdChain: { chain, abi: ColdChainAbi, address: address("coldChain"), startBlock },
    AssetRegistry: {
      chain,
      abi: AssetRegistryAbi,
      address: address("assetRegistry"),
      startBlock,
    },
    AssetShareToken: {
      chain,
      abi: AssetShareTokenAbi,
      address: factory({
        address: address("assetRegistry"),
        event: getAbiItem({ abi: AssetRegistryAbi, name: "AssetRegistered" }),
        parameter: "shareToken",
      }),
      startBlock,
    },
    AssetOffering: {
      chain,
      abi: AssetOfferingAbi,
      address: address("assetOffering"),
      startBlock,
    },
    AssetMarket: { chain, abi: AssetMarketAbi, address: address("assetMarket"), startBlock },
    AssetPPA: { chain, abi: AssetPPAAbi, address: address("assetPPA"), startBlock },
    AssetVending: { chain, abi: AssetVendingAbi, address: address("assetVending"), startBlock },
    MedicalRecords: { chain, abi: MedicalRecordsAbi, address: address("medicalRecords"), startBlock },
    HealthInsurance: { chain, abi: HealthInsuranceAbi, address: address("healthInsurance"), startBlock },
  },
});
