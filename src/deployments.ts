import fs from "node:fs";
import path from "node:path";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { ActorKey, cityActors } from "./city";

/** The Ignition module id whose futures name the system's contracts (`CityChain#Consortium`, …). */
export const SYSTEM_MODULE = "CityChain";

/** Ignition's record of each contract's address in a deployment folder, read by the tasks, the app and the indexer. */
export const DEPLOYED_ADDRESSES = "deployed_addresses.json";

/** Folder of Ignition's deployment journal and addresses for a chain. */
export function deploymentDir(chainId: bigint | number | string): string {
  return path.join(__dirname, "..", "ignition", "deployments", `chain-${chainId}`);
}

/**
 * The address of a deployed system contract: the explicit `--address` if given, otherwise the one Ignition
 * recorded for this chain. Throws a message that says what to do when neither exists.
 */
export async function resolveAddress(
  hre: HardhatRuntimeEnvironment,
  contract: string,
  explicit?: string,
): Promise<string> {
  if (explicit) {
    if (!hre.ethers.isAddress(explicit)) throw new Error(`--address ${explicit} is not an address`);
    return explicit;
  }
  const { chainId } = await hre.ethers.provider.getNetwork();
  const file = path.join(deploymentDir(chainId), DEPLOYED_ADDRESSES);
  if (!fs.existsSync(file)) {
    throw new Error(
      `no deployment for chain ${chainId}: run \`npm run deploy -- --network ${hre.network.name}\` or pass --address`,
    );
  }
  const addresses = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  const address = addresses[`${SYSTEM_MODULE}#${contract}`];
  if (!address) throw new Error(`${contract} is not in ${file}`);
  return address;
}

/** A signer named by a city actor key (`regulator`, `hospital`, …), an address, or a signer index. */
export async function resolveSigner(hre: HardhatRuntimeEnvironment, from: string): Promise<HardhatEthersSigner> {
  if (hre.ethers.isAddress(from)) return hre.ethers.getSigner(from);
  if (/^\d+$/.test(from)) return (await hre.ethers.getSigners())[Number(from)];
  const actors = await cityActors(hre);
  const signer = actors[from as ActorKey];
  if (!signer)
    throw new Error(`unknown signer "${from}" (an address, an index, or one of ${Object.keys(actors).join(", ")})`);
  return signer;
}
