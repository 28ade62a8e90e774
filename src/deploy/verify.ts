import fs from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { IMPLEMENTATION_SLOT, implementationOf } from "./proxy";

/** The chain a deployment journal belongs to, written beside Ignition's journal. */
export interface ChainIdentity {
  chainId: string;
  genesisHash: string;
}

export const CHAIN_FILE = "citychain-chain.json";

export async function chainIdentity(hre: HardhatRuntimeEnvironment): Promise<ChainIdentity> {
  const { chainId } = await hre.ethers.provider.getNetwork();
  const genesis = await hre.ethers.provider.getBlock(0);
  if (!genesis?.hash) throw new Error("the node did not return its genesis block");
  return { chainId: chainId.toString(), genesisHash: genesis.hash };
}

/**
 * Refuses to resume a deployment journal written on another chain: same chain id but a different genesis
 * (a reset local network) would make Ignition "resume" against contracts that no longer exist.
 */
export async function guardJournal(hre: HardhatRuntimeEnvironment, deploymentDir: string): Promise<ChainIdentity> {
  const current = await chainIdentity(hre);
  const file = path.join(deploymentDir, CHAIN_FILE);
  const journal = path.join(deploymentDir, "journal.jsonl");
  if (fs.existsSync(file)) {
    const recorded = JSON.parse(fs.readFileSync(file, "utf8")) as ChainIdentity;
    if (recorded.genesisHash !== current.genesisHash || recorded.chainId !== current.chainId) {
      throw new Error(
        `the deployment journal in ${deploymentDir} belongs to chain ${recorded.chainId} with genesis ` +
          `${recorded.genesisHash}, but the node runs chain ${current.chainId} with genesis ${current.genesisHash}: ` +
          `the chain was reset. Move that folder away to deploy afresh; it will not be resumed.`,
      );
    }
    refuseImmutableJournal(journal);
  } else if (fs.existsSync(journal)) {
    throw new Error(`${journal} has no ${CHAIN_FILE}: its chain cannot be proven, so it will not be resumed`);
  } else {
    fs.mkdirSync(deploymentDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(current, null, 2) + "\n");
  }
  return current;
}

/** Futures that the upgradeable module declares as a proxy's binding (`contractAt`), never as a deployment. */
const PROXIED_FUTURES = ["CityChain#Consortium", "CityChain#SupplyChain"];

/**
 * Refuses a journal of the immutable system (before every domain moved behind a proxy): there `CityChain#Consortium`
 * was a contract deployment, now it is the binding at its proxy, and Ignition would stop on the mismatch with a
 * reconciliation error that does not say why. Those contracts cannot be made upgradeable in place.
 */
export function refuseImmutableJournal(journal: string): void {
  if (!fs.existsSync(journal)) return;
  for (const line of fs.readFileSync(journal, "utf8").split("\n")) {
    if (!line.includes("DEPLOYMENT_EXECUTION_STATE_INITIALIZE")) continue;
    const entry = JSON.parse(line) as { type?: string; futureId?: string };
    if (entry.type === "DEPLOYMENT_EXECUTION_STATE_INITIALIZE" && PROXIED_FUTURES.includes(entry.futureId ?? "")) {
      throw new ImmutableJournalError(
        `${journal} is the journal of the immutable system (${entry.futureId} deployed without a proxy). Its ` +
          "contracts cannot become upgradeable in place: deploy the upgradeable system under another deployment id " +
          "(CITYCHAIN_DEPLOYMENT_ID) or move that folder away, then migrate the members' data to it.",
      );
    }
  }
}

/** A deployment journal written by the immutable (pre-proxy) module. */
export class ImmutableJournalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImmutableJournalError";
  }
}

/** Replaces the immutable slots of runtime code with zeros so that code can be compared with its artifact. */
export function maskImmutables(
  code: string,
  refs: Record<string, { start: number; length: number }[]> | undefined,
): string {
  let hex = code.startsWith("0x") ? code.slice(2) : code;
  for (const list of Object.values(refs ?? {})) {
    for (const { start, length } of list) {
      hex = hex.slice(0, start * 2) + "00".repeat(length) + hex.slice((start + length) * 2);
    }
  }
  return `0x${hex.toLowerCase()}`;
}

export interface CodeCheck {
  contract: string;
  address: string;
  ok: boolean;
  detail: string;
}

/**
 * Checks that the code at `address` is the runtime code of the artifact `fqn` (immutables and linked library
 * addresses masked). It does not follow proxies: checkDeployedCode checks a proxy and its implementation.
 */
export async function checkCode(hre: HardhatRuntimeEnvironment, fqn: string, address: string): Promise<CodeCheck> {
  const onChain = await hre.ethers.provider.getCode(address);
  if (onChain === "0x") return { contract: fqn, address, ok: false, detail: "no code at the address" };
  const buildInfo = await hre.artifacts.getBuildInfo(fqn);
  const [source, name] = fqn.split(":");
  const compiled = buildInfo?.output.contracts[source]?.[name];
  if (!compiled) return { contract: fqn, address, ok: false, detail: "no build info for the artifact" };
  const libraries = Object.values(compiled.evm.deployedBytecode.linkReferences ?? {}).flatMap((l) => Object.entries(l));
  const refs = { ...compiled.evm.deployedBytecode.immutableReferences, ...Object.fromEntries(libraries) };
  const artifactHex = compiled.evm.deployedBytecode.object.replace(/__\$[0-9a-fA-F]{34}\$__/g, "0".repeat(40));
  const expected = maskImmutables(`0x${artifactHex}`, refs);
  const actual = maskImmutables(onChain, refs);
  const ok = expected === actual;
  return { contract: fqn, address, ok, detail: ok ? "code matches the artifact" : "code differs from the artifact" };
}

/** The artifact of the ERC-1967 proxy every upgradeable contract sits behind. */
export const ERC1967_PROXY_FQN = "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol:ERC1967Proxy";

/**
 * Checks the code of a deployed contract: for an ERC-1967 proxy, the proxy's code against the proxy artifact and
 * the implementation's (read from the proxy's slot) against `fqn`; otherwise the code at `address` against `fqn`.
 * With `proxied`, an address whose implementation slot is empty fails (the contract must sit behind its proxy).
 */
export async function checkDeployedCode(
  hre: HardhatRuntimeEnvironment,
  fqn: string,
  address: string,
  proxied = false,
): Promise<CodeCheck[]> {
  const word = await hre.ethers.provider.getStorage(address, IMPLEMENTATION_SLOT);
  if (BigInt(word) === 0n) {
    if (!proxied) return [await checkCode(hre, fqn, address)];
    return [{ contract: `${fqn} (proxy)`, address, ok: false, detail: "no ERC-1967 implementation slot: not a proxy" }];
  }
  const implementation = await implementationOf(hre, address);
  const proxy = await checkCode(hre, ERC1967_PROXY_FQN, address);
  return [{ ...proxy, contract: `${fqn} (proxy)` }, await checkCode(hre, fqn, implementation)];
}
