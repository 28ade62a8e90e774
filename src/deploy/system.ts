import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Hardfork, findForbiddenOpcodes } from "./opcodes";
import { deployModule } from "./ignition";
import { CodeCheck, chainIdentity, checkDeployedCode, guardJournal } from "./verify";
import { consortiumArgs, parametersPath, readParameters, resolveAccount, resolveSigningAccount } from "./parameters";
import { SYSTEM_MODULE, deploymentDir } from "../deployments";
import type { StorageClassParameter } from "../../ignition/modules/CityChain";

/** Futures of the CityChain module and the artifact each must match. */
export const SYSTEM_CONTRACTS: Record<string, string> = {
  Consortium: "contracts/consortium/Consortium.sol:Consortium",
  SettlementToken: "contracts/payments/SettlementToken.sol:SettlementToken",
  SupplyChain: "contracts/supplychain/SupplyChain.sol:SupplyChain",
  EpcisAnchors: "contracts/supplychain/EpcisAnchors.sol:EpcisAnchors",
  DeviceRegistry: "contracts/iot/DeviceRegistry.sol:DeviceRegistry",
  ColdChain: "contracts/pharma/ColdChain.sol:ColdChain",
  MedicalRecords: "contracts/medical/MedicalRecords.sol:MedicalRecords",
  HealthInsurance: "contracts/medical/HealthInsurance.sol:HealthInsurance",
  AssetRegistry: "contracts/assets/AssetRegistry.sol:AssetRegistry",
  AssetOffering: "contracts/assets/AssetOffering.sol:AssetOffering",
  AssetMarket: "contracts/assets/AssetMarket.sol:AssetMarket",
  AssetPPA: "contracts/assets/AssetPPA.sol:AssetPPA",
  AssetVending: "contracts/assets/AssetVending.sol:AssetVending",
};

/**
 * Futures of SYSTEM_CONTRACTS deployed behind an ERC-1967 proxy (every domain contract; the settlement token is not
 * the city's to upgrade): the address is the proxy's, so the proof checks the proxy's code against OpenZeppelin's
 * ERC1967Proxy and the implementation its slot names against the contract's artifact, and fails if there is no proxy.
 */
export const PROXIED = new Set<string>(Object.keys(SYSTEM_CONTRACTS).filter((name) => name !== "SettlementToken"));

/**
 * Links the deployment must have: `contract.getter()` returns the address of `expected`. Every gated contract
 * must point at the consortium; domain contracts at the contracts they build on.
 */
export const SYSTEM_LINKS: { contract: string; getter: string; expected: string }[] = [
  { contract: "SupplyChain", getter: "consortium", expected: "Consortium" },
  { contract: "EpcisAnchors", getter: "consortium", expected: "Consortium" },
  { contract: "DeviceRegistry", getter: "consortium", expected: "Consortium" },
  { contract: "ColdChain", getter: "consortium", expected: "Consortium" },
  { contract: "ColdChain", getter: "registry", expected: "DeviceRegistry" },
  { contract: "ColdChain", getter: "supplyChain", expected: "SupplyChain" },
  { contract: "MedicalRecords", getter: "consortium", expected: "Consortium" },
  { contract: "HealthInsurance", getter: "consortium", expected: "Consortium" },
  { contract: "HealthInsurance", getter: "records", expected: "MedicalRecords" },
  { contract: "MedicalRecords", getter: "claimsProcessor", expected: "HealthInsurance" },
  { contract: "HealthInsurance", getter: "paymentToken", expected: "SettlementToken" },
  { contract: "AssetRegistry", getter: "consortium", expected: "Consortium" },
  { contract: "AssetRegistry", getter: "offering", expected: "AssetOffering" },
  { contract: "AssetRegistry", getter: "market", expected: "AssetMarket" },
  { contract: "AssetOffering", getter: "registry", expected: "AssetRegistry" },
  { contract: "AssetMarket", getter: "registry", expected: "AssetRegistry" },
  { contract: "AssetPPA", getter: "consortium", expected: "Consortium" },
  { contract: "AssetVending", getter: "consortium", expected: "Consortium" },
];

/** Rights one system contract must hold in another: `contract.getter(holder)` is true. */
export const SYSTEM_GRANTS: { contract: string; getter: string; holder: string }[] = [
  { contract: "SupplyChain", getter: "isGuardian", holder: "ColdChain" },
  { contract: "AssetRegistry", getter: "isMeteredDepositor", holder: "AssetPPA" },
  { contract: "AssetRegistry", getter: "isMeteredDepositor", holder: "AssetVending" },
];

/** Checks every link of SYSTEM_LINKS and grant of SYSTEM_GRANTS against the deployed addresses. */
export async function checkLinks(
  hre: HardhatRuntimeEnvironment,
  addresses: Record<string, string>,
): Promise<CodeCheck[]> {
  const checks: CodeCheck[] = [];
  for (const link of SYSTEM_LINKS) {
    const contract = await hre.ethers.getContractAt(SYSTEM_CONTRACTS[link.contract], addresses[link.contract]);
    const name = `${link.contract}.${link.getter}()`;
    let actual: string;
    try {
      actual = String(await contract.getFunction(link.getter).staticCall());
    } catch (err) {
      checks.push({
        contract: name,
        address: addresses[link.contract],
        ok: false,
        detail: `call failed: ${(err as Error).message.slice(0, 80)}`,
      });
      continue;
    }
    const ok = actual.toLowerCase() === addresses[link.expected].toLowerCase();
    checks.push({
      contract: name,
      address: actual,
      ok,
      detail: ok ? `is ${link.expected}` : `should be ${link.expected} ${addresses[link.expected]}`,
    });
  }
  for (const grant of SYSTEM_GRANTS) {
    const contract = await hre.ethers.getContractAt(SYSTEM_CONTRACTS[grant.contract], addresses[grant.contract]);
    const ok = (await contract.getFunction(grant.getter).staticCall(addresses[grant.holder])) === true;
    checks.push({
      contract: `${grant.contract}.${grant.getter}(${grant.holder})`,
      address: addresses[grant.holder],
      ok,
      detail: ok ? "granted" : "not granted",
    });
  }
  return checks;
}

/** Checks that the cold chain's storage classes 1..n are the ones the parameters specify. */
export async function checkStorageClasses(
  hre: HardhatRuntimeEnvironment,
  coldChainAddress: string,
  classes: StorageClassParameter[],
): Promise<CodeCheck[]> {
  const coldChain = await hre.ethers.getContractAt(SYSTEM_CONTRACTS.ColdChain, coldChainAddress);
  const checks: CodeCheck[] = [];
  for (const [i, c] of classes.entries()) {
    const got = await coldChain.getFunction("storageClass").staticCall(i + 1);
    const fields = ["hardMin", "hardMax", "low", "high", "allowance", "maxGap"] as const;
    const ok = got.defined === true && fields.every((f) => Number(got[f]) === c[f]);
    checks.push({
      contract: `ColdChain.storageClass(${i + 1})`,
      address: coldChainAddress,
      ok,
      detail: ok ? c.name : `differs from the parameters (${c.name})`,
    });
  }
  return checks;
}

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
      upgradeDelay: consortium.upgradeDelay,
      tokenName: token.name,
      tokenSymbol: token.symbol,
      tokenDecimals: token.decimals,
      tokenIssuer: await resolveAccount(hre, token.issuer),
    },
  };
}

/** Thrown when the chain stops sealing during a deployment (e.g. a majority of Clique signers is down). */
export class ChainStalledError extends Error {}

/**
 * Resolves never; rejects with ChainStalledError once the head has not moved for `stallMs`. A deployment raced
 * against it stops with a clear error instead of waiting for confirmations that cannot come.
 */
export function watchSealing(
  hre: HardhatRuntimeEnvironment,
  stallMs: number,
): { stalled: Promise<never>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const stalled = new Promise<never>((_resolve, reject) => {
    let last = -1;
    let since = Date.now();
    const tick = async () => {
      if (stopped) return;
      try {
        const head = await hre.ethers.provider.getBlockNumber();
        if (head !== last) {
          last = head;
          since = Date.now();
        } else if (Date.now() - since >= stallMs) {
          reject(
            new ChainStalledError(
              `the chain stopped sealing: head stuck at #${head} for ${Math.round(stallMs / 1000)} s ` +
                `(are a majority of the validators up?). The deployment journal is kept: rerun the deploy once the chain seals again.`,
            ),
          );
          return;
        }
      } catch (err) {
        if (Date.now() - since >= stallMs) {
          reject(new ChainStalledError(`the node stopped answering: ${(err as Error).message}`));
          return;
        }
      }
      timer = setTimeout(tick, 1000);
    };
    void tick();
  });
  stalled.catch(() => undefined);
  return {
    stalled,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/**
 * Names of system contracts whose proxy runs, after a voted upgrade, the code of another artifact than the module's
 * (`SupplyChain=contracts/…:SupplyChainV2`): the proof checks their implementation against that artifact. Parsed from
 * `CITYCHAIN_IMPLEMENTATIONS` ("Name=fqn,Name=fqn"); an unknown name, an unproxied contract or a missing artifact is
 * refused before anything is deployed.
 */
export function parseImplementations(spec: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of (spec ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [name, fqn, ...rest] = entry.split("=");
    if (!name || !fqn || rest.length > 0) {
      throw new Error(`CITYCHAIN_IMPLEMENTATIONS: "${entry}" is not Name=path/File.sol:Contract`);
    }
    out[name.trim()] = fqn.trim();
  }
  return out;
}

async function checkImplementations(
  hre: HardhatRuntimeEnvironment,
  implementations: Record<string, string>,
): Promise<Record<string, string>> {
  for (const [name, fqn] of Object.entries(implementations)) {
    if (!PROXIED.has(name)) {
      throw new Error(
        `implementations: ${name} is not an upgradeable contract of the system (${[...PROXIED].join(", ")})`,
      );
    }
    if (!(await hre.artifacts.artifactExists(fqn))) {
      throw new Error(`implementations: ${name}=${fqn}: no such artifact (compile the voted source first)`);
    }
  }
  return implementations;
}

/** The shortest stall limit: below it a healthy chain with slow blocks would be taken for a stalled one. */
const MIN_STALL_MS = 1_000;

/**
 * Deploys (or resumes) the whole system with Ignition, then proves it: every contract's code matches its
 * artifact. The in-process `hardhat` network keeps no journal; every other network journals to
 * ignition/deployments/chain-<id>, guarded against resuming on a reset chain.
 */
export async function deploySystem(
  hre: HardhatRuntimeEnvironment,
  options: { quiet?: boolean; deploymentId?: string; stallMs?: number; implementations?: Record<string, string> } = {},
): Promise<DeployedSystem> {
  const { stallMs = 20_000 } = options;
  const implementations = await checkImplementations(hre, options.implementations ?? {});
  if (!Number.isFinite(stallMs) || stallMs < MIN_STALL_MS) {
    throw new Error(
      `stall limit ${stallMs} ms (CITYCHAIN_STALL_MS): must be a number of milliseconds >= ${MIN_STALL_MS}`,
    );
  }
  const hardfork = ((hre.network.config as { hardfork?: string }).hardfork ?? "london") as Hardfork;
  await preflightOpcodes(hre, hardfork);
  const identity = await chainIdentity(hre);
  const persistent = hre.network.name !== "hardhat";
  const deploymentId = persistent ? (options.deploymentId ?? `chain-${identity.chainId}`) : options.deploymentId;
  if (deploymentId) await guardJournal(hre, path.join(deploymentDir(identity.chainId), "..", deploymentId));
  const params = readParameters(parametersPath(hre.network.name));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildCityChain } = require(path.join(__dirname, "..", "..", "ignition", "modules", "CityChain.ts"));
  const module = buildCityChain(
    await resolveSigningAccount(hre, params.wiring?.regulator ?? "@regulator", "the regulator (wiring.regulator)"),
    params.storageClasses,
  );
  const parameters = await systemParameters(hre);
  const watchdog = persistent ? watchSealing(hre, stallMs) : undefined;
  let deployed: Record<string, string>;
  try {
    const deployment = deployModule(hre, module, { parameters, deploymentId, displayUi: !options.quiet });
    deployed = await (watchdog ? Promise.race([deployment, watchdog.stalled]) : deployment);
  } finally {
    watchdog?.stop();
  }
  const addresses: Record<string, string> = {};
  for (const [key, address] of Object.entries(deployed)) addresses[key[0].toUpperCase() + key.slice(1)] = address;
  const checks: CodeCheck[] = [];
  for (const [name, fqn] of Object.entries(SYSTEM_CONTRACTS)) {
    checks.push(...(await checkDeployedCode(hre, implementations[name] ?? fqn, addresses[name], PROXIED.has(name))));
  }
  checks.push(...(await checkLinks(hre, addresses)));
  checks.push(...(await checkStorageClasses(hre, addresses.ColdChain, params.storageClasses)));
  return { ...identity, addresses, checks };
}
