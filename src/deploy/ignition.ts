import fs from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { HardhatPluginError } from "hardhat/plugins";
import { DEPLOYED_ADDRESSES } from "../deployments";
import {
  type BuildInfo,
  type DeploymentParameters,
  DeploymentResultType,
  type Future,
  FutureType,
  type IgnitionModule,
  type IgnitionModuleResult,
  deploy,
} from "@nomicfoundation/ignition-core";
import {
  HardhatArtifactResolver,
  PrettyEventHandler,
  errorDeploymentResultToExceptionMessage,
} from "@nomicfoundation/hardhat-ignition/helpers";

/** Futures whose artifact Ignition stores with its compiler input and output (the build info). */
const NAMED_ARTIFACT_FUTURES = new Set<FutureType>([
  FutureType.NAMED_ARTIFACT_CONTRACT_DEPLOYMENT,
  FutureType.NAMED_ARTIFACT_LIBRARY_DEPLOYMENT,
  FutureType.NAMED_ARTIFACT_CONTRACT_AT,
]);

/**
 * Hardhat's artifact resolver, except that it hands Ignition no build info: Ignition would parse the project's
 * build info (tens of MB) and write it out again for every contract it deploys, about a second each on the
 * reference machine, one after another. `writeBuildInfos` stores it once per deployment instead.
 */
class BuildInfoOnceResolver extends HardhatArtifactResolver {
  override async getBuildInfo(): Promise<BuildInfo | undefined> {
    return undefined;
  }
}

function futuresOf(module: IgnitionModule<string, string, IgnitionModuleResult<string>>): Future[] {
  const out: Future[] = [...module.futures];
  for (const sub of module.submodules) out.push(...futuresOf(sub));
  return out;
}

/**
 * Leaves the deployment directory as Ignition itself would (the layout `hardhat ignition verify` reads): one copy
 * of each build info under `build-info/` and a `<future>.dbg.json` beside each named artifact pointing at it.
 */
async function writeBuildInfos(
  hre: HardhatRuntimeEnvironment,
  module: IgnitionModule<string, string, IgnitionModuleResult<string>>,
  deploymentDir: string,
): Promise<void> {
  const buildInfoDir = path.join(deploymentDir, "build-info");
  const artifactsDir = path.join(deploymentDir, "artifacts");
  fs.mkdirSync(buildInfoDir, { recursive: true });
  fs.mkdirSync(artifactsDir, { recursive: true });
  for (const future of futuresOf(module)) {
    if (!NAMED_ARTIFACT_FUTURES.has(future.type) || !("contractName" in future)) continue;
    const artifact = await hre.artifacts.readArtifact(future.contractName);
    // Hardhat's own pointer from the artifact to its build info (artifacts/<source>/<Contract>.dbg.json).
    const hardhatDbg = path.join(hre.config.paths.artifacts, artifact.sourceName, `${artifact.contractName}.dbg.json`);
    if (!fs.existsSync(hardhatDbg)) continue;
    const pointer = JSON.parse(fs.readFileSync(hardhatDbg, "utf8")) as { buildInfo: string };
    const source = path.resolve(path.dirname(hardhatDbg), pointer.buildInfo);
    const target = path.join(buildInfoDir, path.basename(source));
    if (!fs.existsSync(target)) fs.copyFileSync(source, target);
    const dbg = { _format: "hh-sol-dbg-1", buildInfo: path.relative(artifactsDir, target) };
    fs.writeFileSync(path.join(artifactsDir, `${future.id}.dbg.json`), JSON.stringify(dbg, undefined, 2));
  }
}

/** The addresses a deployment folder's `deployed_addresses.json` records; undefined when it is absent or does not parse. */
function readRecorded(file: string): Record<string, string> | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  } catch {
    return undefined;
  }
}

/**
 * Before a run: a `deployed_addresses.json` that does not parse (a run killed while Ignition rewrote it) is set
 * aside as `deployed_addresses.json.unreadable`, so that resuming does not fail on it. Nothing is lost: the journal
 * holds every address, and `recordDeployedAddresses` writes the file again from it. Returns whether it set one aside.
 */
export function setAsideUnreadableAddresses(deploymentDir: string): boolean {
  const file = path.join(deploymentDir, DEPLOYED_ADDRESSES);
  if (!fs.existsSync(file) || readRecorded(file) !== undefined) return false;
  fs.renameSync(file, `${file}.unreadable`);
  return true;
}

/**
 * After a successful run: writes `deployed_addresses.json` from the journal's result (every deployed contract and
 * every contract seen at an address), replacing the file in one rename. Ignition journals a contract as complete
 * and only then records its address in this file, in a second write; a run killed between the two resumes with the
 * contract complete and never records it. Returns the futures the file lacked, or recorded differently.
 */
export function recordDeployedAddresses(
  deploymentDir: string,
  contracts: Record<string, { address: string }>,
): string[] {
  const file = path.join(deploymentDir, DEPLOYED_ADDRESSES);
  const recorded = readRecorded(file) ?? {};
  const restored = Object.keys(contracts).filter((future) => recorded[future] !== contracts[future].address);
  if (restored.length === 0) return restored;
  const complete = { ...recorded };
  for (const future of restored) complete[future] = contracts[future].address;
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(complete, undefined, 2)}\n`);
  fs.renameSync(temporary, file);
  return restored;
}

/**
 * Deploys (or resumes) an Ignition module as `hre.ignition.deploy` does, with two differences that matter on a
 * real chain: the project's `ignition` settings (`requiredConfirmations`, `blockPollingInterval`, …) are applied
 * (the ethers helper ignores them and waits for five confirmations per batch), and the build info is written once
 * instead of once per contract. Returns the address of each of the module's results.
 */
export async function deployModule(
  hre: HardhatRuntimeEnvironment,
  module: IgnitionModule<string, string, IgnitionModuleResult<string>>,
  options: { parameters: DeploymentParameters; deploymentId?: string; displayUi: boolean },
): Promise<Record<string, string>> {
  const accounts = (await hre.network.provider.request({ method: "eth_accounts" })) as string[];
  const persistent = hre.network.name !== "hardhat";
  if (persistent && options.deploymentId === undefined) {
    throw new HardhatPluginError("citychain", "a deployment on a persistent network needs a deployment id");
  }
  const deploymentDir = persistent
    ? path.join(hre.config.paths.ignition, "deployments", options.deploymentId!)
    : undefined;
  if (deploymentDir !== undefined && setAsideUnreadableAddresses(deploymentDir) && options.displayUi) {
    console.log(
      `${DEPLOYED_ADDRESSES} did not parse (a run killed while writing it): set aside, rewritten from the journal`,
    );
  }
  const networkIgnition = hre.config.networks[hre.network.name]?.ignition;
  const result = await deploy({
    config: hre.config.ignition,
    provider: hre.network.provider,
    deploymentDir,
    executionEventListener: options.displayUi ? new PrettyEventHandler() : undefined,
    artifactResolver: new BuildInfoOnceResolver(hre),
    ignitionModule: module,
    deploymentParameters: options.parameters,
    accounts,
    maxFeePerGasLimit: networkIgnition?.maxFeePerGasLimit,
    maxPriorityFeePerGas: networkIgnition?.maxPriorityFeePerGas,
    maxRetries: hre.config.ignition.maxRetries,
    retryInterval: hre.config.ignition.retryInterval,
  });
  if (deploymentDir !== undefined && fs.existsSync(path.join(deploymentDir, "journal.jsonl"))) {
    await writeBuildInfos(hre, module, deploymentDir);
  }
  if (result.type !== DeploymentResultType.SUCCESSFUL_DEPLOYMENT) {
    throw new HardhatPluginError("citychain", errorDeploymentResultToExceptionMessage(result));
  }
  if (deploymentDir !== undefined) {
    const restored = recordDeployedAddresses(deploymentDir, result.contracts);
    if (restored.length > 0 && options.displayUi) {
      console.log(`${DEPLOYED_ADDRESSES}: recorded from the journal ${restored.join(", ")}`);
    }
  }
  const addresses: Record<string, string> = {};
  for (const [name, future] of Object.entries(module.results)) {
    addresses[name] = result.contracts[future.id].address;
  }
  return addresses;
}
