/**
 * Checked before it is voted on (issue 21): every upgradeable implementation is validated with OpenZeppelin's
 * upgrade-safety rules, its storage layout is compared with the layout of the version deployed (recorded in
 * upgrades/layouts.json), and a new implementation is deployed and proposed to the consortium only when both pass.
 *
 * The validation data comes from @openzeppelin/hardhat-upgrades, which writes cache/validations.json on every
 * compile (hardhat.config.ts imports it). This module loads with the Hardhat config (tasks/upgrades.ts): it imports
 * only types from typechain-types.
 */
import fs from "node:fs";
import path from "node:path";
import {
  type StorageLayout,
  type ValidationData,
  type ValidationOptions,
  UpgradeableContractErrorReport,
  getErrors,
  getStorageLayout,
  getStorageUpgradeReport,
  getVersion,
  isCurrentValidationData,
  withValidationDefaults,
} from "@openzeppelin/upgrades-core";
import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Consortium } from "../typechain-types";
import { proposeUpgrade } from "./consortium";
import { implementationOf } from "./deploy/proxy";

type UnsafeAllow = NonNullable<ValidationOptions["unsafeAllow"]>;
/** upgrades-core's layout comparison report (its class is not exported from the package root). */
export type LayoutCompatibilityReport = ReturnType<typeof getStorageUpgradeReport>;

/** An upgradeable contract of the system: its artifact, its proxy kind and how its implementation is wired. */
export interface UpgradeableSpec {
  /** Fully qualified artifact name of the version in the source tree. */
  artifact: string;
  /** `uups`: an ERC-1967 proxy whose implementation upgrades it; `beacon`: every proxy follows one beacon. */
  kind: "uups" | "beacon";
  /** Future id in the Ignition deployment of the address the consortium upgrades (proxy or beacon). */
  target: string;
  /**
   * The implementation's constructor arguments, in order: each is read from the current implementation's view of
   * that name, or (for wiring without a view) taken from the deployment, `@Future` naming an Ignition future.
   */
  wiring: string[];
  /** Validation errors allowed for this contract (beyond the `@custom:oz-upgrades-unsafe-allow` annotations). */
  unsafeAllow?: UnsafeAllow;
}

/**
 * Every upgradeable implementation. Constructors and immutables are allowed by the annotations in the code
 * (`@custom:oz-upgrades-unsafe-allow constructor` / `state-variable-immutable`), not here.
 */
export const UPGRADEABLE: Record<string, UpgradeableSpec> = {
  Consortium: {
    artifact: "contracts/consortium/Consortium.sol:Consortium",
    kind: "uups",
    target: "Consortium",
    wiring: [],
  },
  SupplyChain: {
    artifact: "contracts/supplychain/SupplyChain.sol:SupplyChain",
    kind: "uups",
    target: "SupplyChain",
    wiring: ["consortium"],
    // The external library SupplyChainOversight is deployed once, on its own, and linked into the implementation:
    // its address is part of the runtime code whose hash the members vote on, so the voted code cannot be swapped
    // for another library's. The library holds no state and is only delegatecalled by SupplyChain's code.
    unsafeAllow: ["external-library-linking"],
  },
  EpcisAnchors: {
    artifact: "contracts/supplychain/EpcisAnchors.sol:EpcisAnchors",
    kind: "uups",
    target: "EpcisAnchors",
    wiring: ["consortium"],
  },
  DeviceRegistry: {
    artifact: "contracts/iot/DeviceRegistry.sol:DeviceRegistry",
    kind: "uups",
    target: "DeviceRegistry",
    wiring: ["consortium"],
  },
  ColdChain: {
    artifact: "contracts/pharma/ColdChain.sol:ColdChain",
    kind: "uups",
    target: "ColdChain",
    wiring: ["consortium", "registry", "supplyChain"],
  },
  MedicalRecords: {
    artifact: "contracts/medical/MedicalRecords.sol:MedicalRecords",
    kind: "uups",
    target: "MedicalRecords",
    wiring: ["consortium"],
  },
  HealthInsurance: {
    artifact: "contracts/medical/HealthInsurance.sol:HealthInsurance",
    kind: "uups",
    target: "HealthInsurance",
    wiring: ["consortium", "records", "paymentToken"],
  },
  AssetRegistry: {
    artifact: "contracts/assets/AssetRegistry.sol:AssetRegistry",
    kind: "uups",
    target: "AssetRegistry",
    wiring: ["consortium"],
  },
  AssetOffering: {
    artifact: "contracts/assets/AssetOffering.sol:AssetOffering",
    kind: "uups",
    target: "AssetOffering",
    wiring: ["consortium", "registry"],
  },
  AssetMarket: {
    artifact: "contracts/assets/AssetMarket.sol:AssetMarket",
    kind: "uups",
    target: "AssetMarket",
    wiring: ["consortium", "registry"],
  },
  AssetPPA: {
    artifact: "contracts/assets/AssetPPA.sol:AssetPPA",
    kind: "uups",
    target: "AssetPPA",
    wiring: ["consortium", "@AssetRegistry", "@DeviceRegistry"],
  },
  AssetVending: {
    artifact: "contracts/assets/AssetVending.sol:AssetVending",
    kind: "uups",
    target: "AssetVending",
    wiring: ["consortium", "@AssetRegistry", "@DeviceRegistry"],
  },
  AssetShareToken: {
    artifact: "contracts/assets/AssetShareToken.sol:AssetShareToken",
    kind: "beacon",
    target: "AssetShareTokenBeacon",
    wiring: ["consortium", "@AssetRegistry", "@AssetOffering", "@AssetMarket"],
  },
};

/** Where the layouts of the deployed versions are recorded. */
export const LAYOUTS_FILE = path.join(__dirname, "..", "upgrades", "layouts.json");

/** One recorded layout: the layout of the version the proxies run. */
export interface RecordedLayout {
  artifact: string;
  kind: "uups" | "beacon";
  layout: StorageLayout;
}

export interface LayoutsFile {
  contracts: Record<string, RecordedLayout>;
}

// ------------------------------------------------------------------------------------------------ typed errors

/** A contract name that is not one of the system's upgradeable contracts. */
export class UnknownUpgradeableError extends Error {
  constructor(readonly contract: string) {
    super(`${contract} is not an upgradeable contract of the system (one of ${Object.keys(UPGRADEABLE).join(", ")})`);
    this.name = "UnknownUpgradeableError";
  }
}

/** No validation data for the artifact: the project was compiled without hardhat-upgrades or the cache is stale. */
export class ValidationDataMissingError extends Error {
  constructor(readonly artifact: string) {
    super(`no upgrade validation data for ${artifact} in cache/validations.json: run \`npx hardhat compile --force\``);
    this.name = "ValidationDataMissingError";
  }
}

/** The implementation breaks OpenZeppelin's upgrade-safety rules. */
export class UnsafeImplementationError extends Error {
  constructor(
    readonly artifact: string,
    readonly kinds: string[],
    readonly explanation: string,
  ) {
    super(`${artifact} is not upgrade safe (${kinds.join(", ")}):\n${explanation}`);
    this.name = "UnsafeImplementationError";
  }
}

/** The new layout is incompatible with the deployed one; `fields` names every field at fault. */
export class IncompatibleLayoutError extends Error {
  constructor(
    readonly contract: string,
    readonly artifact: string,
    readonly fields: string[],
    readonly explanation: string,
  ) {
    super(
      `${artifact} has a storage layout incompatible with the deployed ${contract} ` +
        `(field${fields.length === 1 ? "" : "s"} ${fields.map((f) => `\`${f}\``).join(", ")}):\n${explanation}`,
    );
    this.name = "IncompatibleLayoutError";
  }
}

/** No layout recorded for a contract in upgrades/layouts.json. */
export class LayoutNotRecordedError extends Error {
  constructor(readonly contract: string) {
    super(
      `no layout of ${contract} recorded in upgrades/layouts.json: record the deployed version with ` +
        "`npm run upgrades:record`",
    );
    this.name = "LayoutNotRecordedError";
  }
}

/** The new implementation's runtime code is the one the target already runs: nothing to vote on. */
export class IdenticalImplementationError extends Error {
  constructor(
    readonly contract: string,
    readonly codehash: string,
  ) {
    super(
      `the new ${contract} implementation is identical to the current one (code hash ${codehash}): nothing to propose`,
    );
    this.name = "IdenticalImplementationError";
  }
}

/** The proposer's account belongs to no active organisation of the consortium (only they may propose). */
export class ProposerNotMemberError extends Error {
  constructor(readonly account: string) {
    super(`${account} is not an account of an active member organisation of the consortium: it cannot propose`);
    this.name = "ProposerNotMemberError";
  }
}

/** The constructor wiring of the new artifact cannot be derived from the current implementation. */
export class WiringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WiringError";
  }
}

// ------------------------------------------------------------------------------------------------ validation

/** The upgrade validation data hardhat-upgrades wrote on the last compile. */
export function readValidationData(hre: HardhatRuntimeEnvironment): ValidationData {
  const file = path.join(hre.config.paths.cache, "validations.json");
  if (!fs.existsSync(file)) throw new ValidationDataMissingError("any contract");
  const data = JSON.parse(fs.readFileSync(file, "utf8")) as ValidationData;
  if (!isCurrentValidationData(data)) throw new ValidationDataMissingError("any contract (outdated format)");
  return data;
}

/** The validation options of a contract: its kind and its allowances. */
export function validationOptions(kind: "uups" | "beacon", unsafeAllow: UnsafeAllow = []): Required<ValidationOptions> {
  return withValidationDefaults({ kind, unsafeAllow });
}

/** The result of validating one artifact (and comparing its layout, when a reference is given). */
export interface ImplementationCheck {
  artifact: string;
  kind: "uups" | "beacon";
  layout: StorageLayout;
  /** Upgrade-safety errors left after the annotations and allowances. */
  errors: UpgradeableContractErrorReport;
  /** The comparison with the reference layout, when there is one. */
  report?: LayoutCompatibilityReport;
}

/** Validates `artifact` as a `kind` implementation; compares its layout with `reference` when given. */
export async function checkImplementation(
  hre: HardhatRuntimeEnvironment,
  data: ValidationData,
  artifact: string,
  kind: "uups" | "beacon",
  unsafeAllow: UnsafeAllow = [],
  reference?: StorageLayout,
): Promise<ImplementationCheck> {
  const a = await hre.artifacts.readArtifact(artifact);
  const fqn = `${a.sourceName}:${a.contractName}`;
  const version = getVersion(a.bytecode);
  const opts = validationOptions(kind, unsafeAllow);
  let layout: StorageLayout;
  let errors: UpgradeableContractErrorReport;
  try {
    layout = getStorageLayout(data, version);
    errors = new UpgradeableContractErrorReport(getErrors(data, version, opts));
  } catch (err) {
    if ((err as Error).name === "ContractSourceNotFoundError") throw new ValidationDataMissingError(fqn);
    throw err;
  }
  const report = reference ? getStorageUpgradeReport(reference, layout, opts) : undefined;
  return { artifact: fqn, kind, layout, errors, report };
}

/** The fields a layout report finds at fault (top-level variables or members of a namespaced struct). */
export function faultyFields(report: LayoutCompatibilityReport): string[] {
  const fields = new Set<string>();
  for (const op of report.ops) {
    const f = (op as { original?: { label?: string } }).original ?? (op as { updated?: { label?: string } }).updated;
    if (f?.label) fields.add(f.label);
  }
  return [...fields];
}

/** Throws the typed error of a failed check (unsafe code first, then the layout). */
export function assertCheckPassed(contract: string, check: ImplementationCheck): void {
  if (!check.errors.ok) {
    throw new UnsafeImplementationError(
      check.artifact,
      [...new Set(check.errors.errors.map((e) => e.kind))],
      check.errors.explain(false),
    );
  }
  if (check.report && !check.report.pass) {
    throw new IncompatibleLayoutError(
      contract,
      check.artifact,
      faultyFields(check.report),
      check.report.explain(false),
    );
  }
}

/** Human-readable diff of a layout against the recorded one: new namespaces and fields, and any incompatibility. */
export function describeLayoutDiff(
  reference: StorageLayout,
  updated: StorageLayout,
  report?: LayoutCompatibilityReport,
) {
  const lines: string[] = [];
  const refNs = reference.namespaces ?? {};
  const newNs = updated.namespaces ?? {};
  for (const [id, items] of Object.entries(newNs)) {
    const before = refNs[id];
    if (!before) {
      lines.push(`+ namespace ${id}: ${items.map((i) => i.label).join(", ") || "(empty)"}`);
      continue;
    }
    for (const item of items.slice(before.length)) lines.push(`+ ${id}: ${item.label} (${item.type})`);
  }
  for (const id of Object.keys(refNs)) if (!newNs[id]) lines.push(`- namespace ${id}`);
  for (const item of updated.storage.slice(reference.storage.length))
    lines.push(`+ storage: ${item.label} (${item.type})`);
  if (report && !report.pass) lines.push(report.explain(false));
  return lines.length > 0 ? lines.join("\n") : "(no layout change)";
}

// ------------------------------------------------------------------------------------------------ recorded layouts

export function readLayouts(file = LAYOUTS_FILE): LayoutsFile {
  if (!fs.existsSync(file)) return { contracts: {} };
  return JSON.parse(fs.readFileSync(file, "utf8")) as LayoutsFile;
}

export function writeLayouts(layouts: LayoutsFile, file = LAYOUTS_FILE): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sorted: LayoutsFile = { contracts: {} };
  for (const name of Object.keys(layouts.contracts).sort()) sorted.contracts[name] = layouts.contracts[name];
  fs.writeFileSync(file, JSON.stringify(sorted, null, 2) + "\n");
}

/** The recorded layout of `contract`, or LayoutNotRecordedError. */
export function recordedLayout(contract: string, layouts: LayoutsFile = readLayouts()): StorageLayout {
  const r = layouts.contracts[contract];
  if (!r) throw new LayoutNotRecordedError(contract);
  return r.layout;
}

export function specOf(contract: string): UpgradeableSpec {
  const spec = UPGRADEABLE[contract];
  if (!spec) throw new UnknownUpgradeableError(contract);
  return spec;
}

/** One row of the CI check. */
export interface CheckRow {
  contract: string;
  check: ImplementationCheck;
  reference?: StorageLayout;
  problem?: Error;
}

/**
 * The CI check: every upgradeable implementation is validated, and its layout compared with the recorded one.
 * Never throws for a failing contract: each row carries its problem (typed error).
 */
export async function checkAll(
  hre: HardhatRuntimeEnvironment,
  layouts: LayoutsFile = readLayouts(),
  contracts: string[] = Object.keys(UPGRADEABLE),
): Promise<CheckRow[]> {
  const data = readValidationData(hre);
  const rows: CheckRow[] = [];
  for (const contract of contracts) {
    const spec = specOf(contract);
    const reference = layouts.contracts[contract]?.layout;
    const check = await checkImplementation(hre, data, spec.artifact, spec.kind, spec.unsafeAllow, reference);
    let problem: Error | undefined;
    try {
      // Unsafe code is reported first; a contract without a recorded layout cannot be compared.
      if (check.errors.ok && !reference) throw new LayoutNotRecordedError(contract);
      assertCheckPassed(contract, check);
    } catch (err) {
      problem = err as Error;
    }
    rows.push({ contract, check, reference, problem });
  }
  return rows;
}

// ------------------------------------------------------------------------------------------------ proposing

/** Runtime code without its trailing CBOR metadata (the compiler appends its length as the last two bytes). */
export function stripMetadata(code: string): string {
  const hex = code.replace(/^0x/, "");
  if (hex.length < 4) return hex;
  const len = parseInt(hex.slice(-4), 16) * 2;
  return len + 4 <= hex.length ? hex.slice(0, hex.length - len - 4) : hex;
}

/** Addresses pushed with PUSH20 in `code` (a real opcode walk: push data is skipped). */
export function push20Operands(code: string): string[] {
  const bytes = Buffer.from(code.replace(/^0x/, ""), "hex");
  const found = new Set<string>();
  for (let i = 0; i < bytes.length; i++) {
    const op = bytes[i];
    if (op >= 0x60 && op <= 0x7f) {
      const n = op - 0x5f;
      if (op === 0x73 && i + 21 <= bytes.length) found.add("0x" + bytes.subarray(i + 1, i + 21).toString("hex"));
      i += n;
    }
  }
  return [...found];
}

/** A library's runtime code with its own address (the call guard `PUSH20 <self>` at byte 1) zeroed, no metadata. */
function libraryShape(code: string): string {
  const hex = code.replace(/^0x/, "").toLowerCase();
  return stripMetadata(hex.slice(0, 2) + "0".repeat(40) + hex.slice(42));
}

/** Runtime code with every 32-byte word holding `self` (an immutable `address(this)`) zeroed. */
export function withoutSelf(code: string, self: string): string {
  const word = self.toLowerCase().replace(/^0x/, "").padStart(64, "0");
  return code.toLowerCase().split(word).join("0".repeat(64));
}

/** The implementation a `uups` proxy or a beacon currently delegates to. */
export async function currentImplementation(
  hre: HardhatRuntimeEnvironment,
  spec: UpgradeableSpec,
  target: string,
): Promise<string> {
  if (spec.kind === "beacon") {
    const beacon = await hre.ethers.getContractAt("UpgradeableBeacon", target);
    return hre.ethers.getAddress(await beacon.implementation());
  }
  return implementationOf(hre, target);
}

/**
 * The constructor arguments of the new implementation: the current implementation's views (its immutables) or the
 * deployment's addresses for wiring without a view, each checked to be an immutable of the current implementation
 * (present in its runtime code), so the new version carries the same wiring.
 */
export async function wiringOf(
  hre: HardhatRuntimeEnvironment,
  spec: UpgradeableSpec,
  current: string,
  deployment: (future: string) => Promise<string>,
): Promise<string[]> {
  const code = (await hre.ethers.provider.getCode(current)).toLowerCase();
  const args: string[] = [];
  for (const w of spec.wiring) {
    let value: string;
    if (w.startsWith("@")) {
      value = await deployment(w.slice(1));
    } else {
      const c = new hre.ethers.Contract(current, [`function ${w}() view returns (address)`], hre.ethers.provider);
      try {
        value = String(await c.getFunction(w).staticCall());
      } catch (err) {
        throw new WiringError(`the current implementation ${current} has no view ${w}(): ${(err as Error).message}`);
      }
    }
    const word = value.toLowerCase().replace(/^0x/, "").padStart(64, "0");
    if (!code.includes(word)) {
      throw new WiringError(
        `${w.replace(/^@/, "")} ${value} is not an immutable of the current implementation ${current}`,
      );
    }
    args.push(hre.ethers.getAddress(value));
  }
  return args;
}

/**
 * The libraries to link into `artifact`: for each library it references, the library the current implementation
 * uses when its code is the one of the current artifact (address and metadata aside); otherwise the library is
 * deployed anew from the current artifacts (`deployed` lists those).
 */
export async function librariesFor(
  hre: HardhatRuntimeEnvironment,
  artifact: string,
  current: string,
  deployer: Signer,
): Promise<{ libraries: Record<string, string>; deployed: string[] }> {
  const a = await hre.artifacts.readArtifact(artifact);
  const names = Object.entries(a.linkReferences).flatMap(([source, libs]) =>
    Object.keys(libs).map((name) => `${source}:${name}`),
  );
  const libraries: Record<string, string> = {};
  const deployed: string[] = [];
  if (names.length === 0) return { libraries, deployed };
  const candidates: { address: string; shape: string }[] = [];
  for (const address of push20Operands(await hre.ethers.provider.getCode(current))) {
    const code = await hre.ethers.provider.getCode(address);
    // A library's code starts with its call guard: PUSH20 <its own address>.
    if (code.toLowerCase().startsWith("0x73" + address.slice(2).toLowerCase())) {
      candidates.push({ address: hre.ethers.getAddress(address), shape: libraryShape(code) });
    }
  }
  for (const fqn of names) {
    const lib = await hre.artifacts.readArtifact(fqn);
    const match = candidates.find((c) => c.shape === libraryShape(lib.deployedBytecode));
    if (match) {
      libraries[fqn] = match.address;
      continue;
    }
    const factory = await hre.ethers.getContractFactory(fqn, deployer);
    const contract = await factory.deploy();
    await contract.waitForDeployment();
    libraries[fqn] = await contract.getAddress();
    deployed.push(`${fqn} ${libraries[fqn]}`);
  }
  return { libraries, deployed };
}

export interface ProposeUpgradeOptions {
  contract: string;
  /** The proxy or beacon to upgrade (default: the deployment's). */
  target: string;
  consortium: Consortium;
  proposer: Signer;
  /** The artifact of the new version (default: the contract's own). */
  artifact?: string;
  /** Resolves an Ignition future's address (wiring without a view). */
  deployment: (future: string) => Promise<string>;
  layouts?: LayoutsFile;
  log?: (line: string) => void;
}

export interface ProposedUpgrade {
  proposalId: bigint;
  target: string;
  implementation: string;
  codehash: string;
  previousImplementation: string;
  upgradeDelay: bigint;
  layoutDiff: string;
  libraries: Record<string, string>;
}

/**
 * Checks, deploys and proposes a new implementation of `contract`: validation and layout comparison against the
 * recorded layout first (nothing is sent when they fail), the proposer must be a member, the new runtime code must
 * differ from the current one; then the implementation (and a library that changed) is deployed with the current
 * wiring and the upgrade proposed with its code hash.
 */
export async function checkAndProposeUpgrade(
  hre: HardhatRuntimeEnvironment,
  options: ProposeUpgradeOptions,
): Promise<ProposedUpgrade> {
  const log = options.log ?? (() => undefined);
  const spec = specOf(options.contract);
  const artifact = options.artifact ?? spec.artifact;
  const reference = recordedLayout(options.contract, options.layouts ?? readLayouts());
  const check = await checkImplementation(
    hre,
    readValidationData(hre),
    artifact,
    spec.kind,
    spec.unsafeAllow,
    reference,
  );
  const layoutDiff = describeLayoutDiff(reference, check.layout, check.report);
  log(`storage layout of ${check.artifact} against the recorded ${options.contract}:\n${layoutDiff}`);
  assertCheckPassed(options.contract, check);

  const { consortium, proposer, target } = options;
  const account = await proposer.getAddress();
  const orgId = await consortium.memberOf(account);
  if (orgId === 0n) throw new ProposerNotMemberError(account);
  const member = await consortium.member(orgId);
  // Organisation (kind 0), active (status 1): only they propose.
  if (member.kind !== 0n || member.status !== 1n) throw new ProposerNotMemberError(account);

  const current = await currentImplementation(hre, spec, target);
  const currentCode = await hre.ethers.provider.getCode(current);
  const args = await wiringOf(hre, spec, current, options.deployment);
  const inputs = new hre.ethers.Interface((await hre.artifacts.readArtifact(artifact)).abi).deploy.inputs.length;
  if (inputs !== args.length) {
    throw new WiringError(
      `${check.artifact}'s constructor takes ${inputs} arguments, the current ${options.contract} is wired with ${args.length}`,
    );
  }
  const { libraries, deployed } = await librariesFor(hre, artifact, current, proposer);
  for (const d of deployed) log(`deployed the changed library ${d}`);
  const factory = await hre.ethers.getContractFactory(artifact, { signer: proposer, libraries });
  // The runtime code the deployment would produce, simulated without sending anything. A UUPS implementation holds
  // its own address as an immutable (UUPSUpgradeable's `__self`): both codes are compared with it zeroed.
  const creation = await factory.getDeployTransaction(...args);
  const predicted = await hre.ethers.provider.call({ from: account, data: creation.data });
  const predictedAddress = hre.ethers.getCreateAddress({
    from: account,
    nonce: await hre.ethers.provider.getTransactionCount(account),
  });
  if (withoutSelf(predicted, predictedAddress) === withoutSelf(currentCode, current)) {
    throw new IdenticalImplementationError(options.contract, hre.ethers.keccak256(currentCode));
  }
  const impl = await factory.deploy(...args);
  await impl.waitForDeployment();
  const implementation = await impl.getAddress();
  const codehash = hre.ethers.keccak256(await hre.ethers.provider.getCode(implementation));
  log(`new implementation ${implementation}, code hash ${codehash}`);
  const proposalId = await proposeUpgrade(consortium, proposer, target, implementation);
  return {
    proposalId,
    target,
    implementation,
    codehash,
    previousImplementation: current,
    upgradeDelay: await consortium.upgradeDelay(),
    layoutDiff,
    libraries,
  };
}
