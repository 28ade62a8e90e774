import fs from "node:fs";
import { Wallet } from "ethers";
import { vars } from "hardhat/config";
import type { NetworksUserConfig } from "hardhat/types";
import { POA_CHAIN_ID, POA_NETWORK_FILE, type PoaNetworkDescription } from "./poa/network";

/**
 * Networks that depend on the environment: `poa` (the local Clique network, when the harness has written its
 * description) and `besu` (a production QBFT network, from BESU_RPC_URL, BESU_CHAIN_ID and BESU_DEPLOYER_KEY).
 * Keys never live in git: the harness keeps its own in `.run/`, Besu's come from the environment.
 */
export function networksFromEnvironment(): NetworksUserConfig {
  const networks: NetworksUserConfig = {};
  if (fs.existsSync(POA_NETWORK_FILE)) {
    const poa = JSON.parse(fs.readFileSync(POA_NETWORK_FILE, "utf8")) as PoaNetworkDescription;
    // gasPrice stays "auto": EIP-1559 with a tip >= geth's --miner.gasprice (a fixed gasPrice would send legacy txs)
    networks.poa = { url: poa.rpcUrl, chainId: poa.chainId, accounts: poa.accounts, timeout: 60_000 };
  } else {
    networks.poa = { url: "http://127.0.0.1:8545", chainId: POA_CHAIN_ID };
  }
  const besuUrl = process.env.BESU_RPC_URL;
  if (besuUrl) {
    networks.besu = {
      url: besuUrl,
      chainId: process.env.BESU_CHAIN_ID ? Number(process.env.BESU_CHAIN_ID) : undefined,
      accounts: besuAccounts(),
      // QBFT with zeroBaseFee and --min-gas-price=0: transactions carry no fee.
      gasPrice: 0,
    };
  }
  return networks;
}

/**
 * The Besu deployer's key, never from git: an encrypted keystore file (BESU_KEYSTORE + BESU_KEYSTORE_PASSWORD),
 * else Hardhat's encrypted-at-rest variables (`npx hardhat vars set BESU_DEPLOYER_KEY`), else the environment.
 * Further signing accounts (e.g. the regulator's, for the cold chain's guardian grant) come from
 * BESU_EXTRA_KEYS (comma-separated), from Hardhat's variables or the environment.
 */
export function besuAccounts(): string[] {
  const keys: string[] = [];
  const keystore = process.env.BESU_KEYSTORE;
  if (keystore) {
    const password = process.env.BESU_KEYSTORE_PASSWORD;
    if (password === undefined) throw new Error("BESU_KEYSTORE is set but BESU_KEYSTORE_PASSWORD is not");
    keys.push(Wallet.fromEncryptedJsonSync(fs.readFileSync(keystore, "utf8"), password).privateKey);
  } else {
    const key = vars.get("BESU_DEPLOYER_KEY", process.env.BESU_DEPLOYER_KEY ?? "");
    if (key) keys.push(key);
  }
  const extra = vars.get("BESU_EXTRA_KEYS", process.env.BESU_EXTRA_KEYS ?? "");
  keys.push(
    ...extra
      .split(",")
      .map((k) => k.trim())
      .filter((k) => k !== ""),
  );
  return keys;
}
