import fs from "node:fs";
import path from "node:path";
import type { NetworksUserConfig } from "hardhat/types";

/** Where the local PoA harness (`npm run chain`) writes the description of the running network. */
export const POA_NETWORK_FILE = path.join(
  process.env.CITYCHAIN_POA_DIR
    ? path.resolve(process.env.CITYCHAIN_POA_DIR)
    : path.join(__dirname, "..", ".run", "poa"),
  "network.json",
);

interface PoaNetworkFile {
  rpcUrl: string;
  chainId: number;
  accounts: string[];
  rpcUrls?: string[];
  genesisHash?: string;
  signers?: string[];
  blockPeriodSeconds?: number;
  minPriorityFeeWei?: string;
}

/**
 * Networks that depend on the environment: `poa` (the local Clique network, when the harness has written its
 * description) and `besu` (a production QBFT network, from BESU_RPC_URL, BESU_CHAIN_ID and BESU_DEPLOYER_KEY).
 * Keys never live in git: the harness keeps its own in `.run/`, Besu's come from the environment.
 */
export function networksFromEnvironment(): NetworksUserConfig {
  const networks: NetworksUserConfig = {};
  if (fs.existsSync(POA_NETWORK_FILE)) {
    const poa = JSON.parse(fs.readFileSync(POA_NETWORK_FILE, "utf8")) as PoaNetworkFile;
    // gasPrice stays "auto": EIP-1559 with a tip >= geth's --miner.gasprice (a fixed gasPrice would send legacy txs)
    networks.poa = { url: poa.rpcUrl, chainId: poa.chainId, accounts: poa.accounts, timeout: 60_000 };
  } else {
    networks.poa = { url: "http://127.0.0.1:8545", chainId: 31_337_001 };
  }
  const besuUrl = process.env.BESU_RPC_URL;
  if (besuUrl) {
    const key = process.env.BESU_DEPLOYER_KEY;
    networks.besu = {
      url: besuUrl,
      chainId: process.env.BESU_CHAIN_ID ? Number(process.env.BESU_CHAIN_ID) : undefined,
      accounts: key ? [key] : [],
      gasPrice: 0,
    };
  }
  return networks;
}
