import path from "node:path";

/**
 * What the local PoA harness and the Hardhat `poa` network share: where the harness keeps its run, the chain id,
 * and the description of the running network it writes for Hardhat (`network.json`). No Hardhat import: the
 * Hardhat config reads this module.
 */

/** The run directory of the local PoA chain (git-ignored): keys, genesis, node data, logs, network.json. */
export const POA_RUN_DIR = process.env.CITYCHAIN_POA_DIR
  ? path.resolve(process.env.CITYCHAIN_POA_DIR)
  : path.join(__dirname, "..", "..", ".run", "poa");

/** The file name of the running network's description, in a run directory. */
export const NETWORK_FILE_NAME = "network.json";

/** The description of the default run's network, which the Hardhat `poa` network reads. */
export const POA_NETWORK_FILE = path.join(POA_RUN_DIR, NETWORK_FILE_NAME);

/** The chain id of the local PoA chain (also the Hardhat `poa` network's before the harness has run). */
export const POA_CHAIN_ID = 31_337_001;

/** The description of the running network that the Hardhat `poa` network reads (src/networks.ts). */
export interface PoaNetworkDescription {
  rpcUrl: string;
  chainId: number;
  /** Funded member accounts' private keys: index 0 deploys, then the city cast (src/city.ts), then spares. */
  accounts: string[];
  rpcUrls: string[];
  genesisHash: string;
  signers: string[];
  blockPeriodSeconds: number;
  /** The minimum priority fee (wei, decimal) a transaction must offer; lower is refused as underpriced. */
  minPriorityFeeWei: string;
  client: string;
}
