import fs from "node:fs";
import path from "node:path";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { type BaseContract, type FunctionFragment, type ParamType, ZeroAddress, ZeroHash } from "ethers";

/**
 * Registry of the outsider gate (test/security/outsiders.test.ts). Every deployable contract in contracts/
 * (mocks excepted) with a state-changing function must be registered by one file in test/security/registry/
 * exporting `target: OutsiderTarget`. The gate calls every non-view, non-pure function from an account with no
 * role, with arguments generated from the ABI (zero values) unless the target overrides them, and expects one
 * of the access errors below naming the outsider. Deliberately permissionless functions are listed with the reason.
 */
export interface OutsiderTarget {
  /** The contract's artifact name (what `hre.ethers.getContractFactory` takes). */
  contractName: string;
  /** Builds the system with the domain's own fixture (via loadFixture) and returns the instance to probe. */
  load(): Promise<LoadedTarget>;
  /** Function signature (`name(type,...)`) → why anyone may call it. Listed functions are not probed. */
  permissionless?: Record<string, string>;
  /**
   * More access errors this contract uses: the position of the caller's address in the error's arguments, or
   * `{ org: n }` when argument n is the caller's organisation id instead (0 for an outsider, who has none).
   */
  accessErrors?: Record<string, number | { org: number }>;
}

export interface LoadedTarget {
  contract: BaseContract;
  /** An account with no role in the consortium (the city's `actors.outsider`). */
  outsider: HardhatEthersSigner;
  /**
   * Function signature → arguments, for functions that validate their input before checking the caller (zero
   * values would hit the validation error first). The gate fails on an override that names no function.
   */
  overrides?: Record<string, unknown[]>;
  /** Contracts whose ABI declares errors the target can bubble up (e.g. the consortium). */
  errorSources?: BaseContract[];
}

/**
 * Access errors of the system and the position of the refused caller in their arguments: the consortium's own
 * checks, ConsortiumGated (every domain contract), OpenZeppelin Ownable/AccessControl.
 */
export const ACCESS_ERRORS: Record<string, number> = {
  AccessMissingRole: 0,
  ConsortiumNotMember: 0,
  ConsortiumCannotAdmitPerson: 0,
  OwnableUnauthorizedAccount: 0,
  AccessControlUnauthorizedAccount: 0,
  AccessManagedUnauthorized: 0,
};

/** Loads every registry file (test/security/registry/*.ts), sorted, like the bench suites. */
export function loadTargets(): { file: string; target: OutsiderTarget }[] {
  const dir = path.join(__dirname, "registry");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(dir, f)) as { target?: OutsiderTarget };
      if (!mod.target) throw new Error(`test/security/registry/${f} does not export a target`);
      return { file: f, target: mod.target };
    });
}

/** The state-changing functions of a contract's ABI (nonpayable and payable), by signature. */
export function stateChangingFunctions(contract: BaseContract): FunctionFragment[] {
  const fns: FunctionFragment[] = [];
  contract.interface.forEachFunction((f) => {
    if (!f.constant) fns.push(f);
  });
  return fns;
}

/** The zero value of an ABI type: 0, false, the zero address, zero bytes, "", [] or a tuple of zeros. */
export function zeroValue(param: ParamType): unknown {
  if (param.isArray()) {
    return param.arrayLength !== null && param.arrayLength > 0
      ? Array.from({ length: param.arrayLength }, () => zeroValue(param.arrayChildren))
      : [];
  }
  if (param.isTuple()) return param.components.map(zeroValue);
  const t = param.baseType;
  if (t.startsWith("uint") || t.startsWith("int")) return 0n;
  if (t === "bool") return false;
  if (t === "address") return ZeroAddress;
  if (t === "string") return "";
  if (t === "bytes") return "0x";
  const fixed = /^bytes(\d+)$/.exec(t);
  if (fixed) return ZeroHash.slice(0, 2 + 2 * Number(fixed[1]));
  throw new Error(`no zero value for ABI type ${param.format()}`);
}

/** Finds the revert data in the error thrown by a rejected call. */
export function revertData(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let queue: unknown[] = [error];
  while (queue.length > 0) {
    const next: unknown[] = [];
    for (const e of queue) {
      if (e === null || typeof e !== "object" || seen.has(e)) continue;
      seen.add(e);
      const rec = e as Record<string, unknown>;
      if (typeof rec.data === "string" && rec.data.startsWith("0x")) return rec.data;
      next.push(rec.error, rec.info, rec.cause, rec.data);
    }
    queue = next;
  }
  return undefined;
}
