import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Hardfork, findForbiddenOpcodes } from "./opcodes";
import { CodeCheck, chainIdentity, checkCode, guardJournal } from "./verify";
import { consortiumArgs, parametersPath, readParameters, resolveAccount } from "./parameters";
import { SYSTEM_MODULE, deploymentDir } from "../deployments";

/** Futures of the CityChain module and the artifact each must match. */
export const SYSTEM_CONTRACTS: Record<string, string> = {
  Consortium: "contracts/consortium/Consortium.sol:Consortium",
  SettlementToken: "contracts/payments/SettlementToken.sol:SettlementToken",
};

export interface DeployedSystem {
  chainId: string;
  genesisHash: string;
  addresses: Record<string, string>;
  checks: CodeCheck[];
}

/** Refuses artifacts with opcodes the network's hardfork cannot run (PUSH0, MCOPY, TSTORE… on London). */
export async function preflightOpcodes(hre: HardhatRuntimeEnvironment, target: Hardfork = "london"): Promise<void> {
  const problems: string[] = [];
  for (const fqn of Object.values(SYSTEM_CONTRACTS)) {
    const artifact = await hre.artifacts.readArtifact(fqn);
    for (const code of [artifact.bytecode, artifact.deployedBytecode]) {
      for (const f of findForbiddenOpcodes(code, target)) problems.push(`${fqn}: ${f.opcode} at byte ${f.offset}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`artifacts contain opcodes a ${target} chain cannot run:\n  ${problems.join("\n  ")}`);
  }
}

/** Ignition parameters of the CityChain module for this network. */
export async function systemParameters(hre: HardhatRuntimeEnvironment) {
  const p = readParameters(parametersPath(hre.network.name));
  const consortium = await consortiumArgs(hre, p);
  const token = p.settlementToken ?? { name: "City EUR", symbol: "cEUR", decimals: 2, issuer: "@deployer" };
  return {
    [SYSTEM_MODULE]: {
      founders: consortium.founders,
      quorumBps: consortium.quorumBps,
      votingPeriod: consortium.votingPeriod,
      tokenName: token.name,
      tokenSymbol: token.symbol,
      tokenDecimals: token.decimals,
      tokenIssuer: await resolveAccount(hre, token.issuer),
    },
  };
}

/**
 * Deploys (or resumes) the whole system with Ignition, then proves it: every contract's code matches its
 * artifact. The in-process `hardhat` network keeps no journal; every other network journals to
 * ignition/deployments/chain-<id>, guarded against resuming on a reset chain.
 */
export async function deploySystem(
  hre: HardhatRuntimeEnvironment,
  options: { quiet?: boolean } = {},
): Promise<DeployedSystem> {
  const hardfork = ((hre.network.config as { hardfork?: string }).hardfork ?? "london") as Hardfork;
  await preflightOpcodes(hre, hardfork);
  const identity = await chainIdentity(hre);
  const persistent = hre.network.name !== "hardhat";
  if (persistent) await guardJournal(hre, deploymentDir(identity.chainId));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(path.join(__dirname, "..", "..", "ignition", "modules", "CityChain.ts")).default;
  const result = (await hre.ignition.deploy(module, {
    parameters: await systemParameters(hre),
    deploymentId: persistent ? `chain-${identity.chainId}` : undefined,
    displayUi: !options.quiet,
  })) as Record<string, { getAddress(): Promise<string> }>;
  const addresses: Record<string, string> = {};
  for (const [key, contract] of Object.entries(result)) {
    addresses[key[0].toUpperCase() + key.slice(1)] = await contract.getAddress();
  }
  const checks: CodeCheck[] = [];
  for (const [name, fqn] of Object.entries(SYSTEM_CONTRACTS)) {
    checks.push(await checkCode(hre, fqn, addresses[name]));
  }
  return { ...identity, addresses, checks };
}
