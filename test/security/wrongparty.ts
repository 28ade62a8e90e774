import fs from "node:fs";
import path from "node:path";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract } from "ethers";
import type { Consortium } from "../../typechain-types";
import type { RoleName } from "../../src/roles";

/**
 * Registry of the wrong-party gate (test/security/wrongparty.test.ts), beside the outsider gate. The outsider gate
 * asks "is a caller without the role refused?"; this gate asks "is a member WITH the role, but no party to the
 * object, refused?" (a DISTRIBUTOR shipping another member's lot, a HOSPITAL paid on another hospital's record).
 *
 * Every deployable contract with a state-changing function has one file in test/security/wrongparty/ exporting
 * `target: WrongPartyTarget`, and that file lists EVERY state-changing function of the ABI: either a case that
 * builds an object belonging to one party and calls the function as another member that holds the role the
 * function requires, or an exemption that says why the function acts on no object another member could own
 * (it creates the caller's own object, it is permissionless, it only touches the caller's own balance, ...).
 * A new function in the ABI without an entry fails the gate, so none can be forgotten.
 */
export interface WrongPartyTarget {
  /** The contract's artifact name. */
  contractName: string;
  /** Builds the domain's fixture and returns the instance whose ABI is checked for completeness. */
  load(): Promise<BaseContract>;
  /** Function signature (`name(type,...)`) → a case, or an exemption with its reason. */
  functions: Record<string, WrongPartyCase | WrongPartyExemption>;
}

/** Why a function needs no wrong-party case. The reason is a sentence (at least 20 characters). */
export interface WrongPartyExemption {
  exempt: string;
}

export interface WrongPartyCase {
  /** The object and the relation the function requires, in words: "a lot in Acme's custody; only its custodian ships". */
  rule: string;
  /** Builds the state (usually a loadFixture plus a few calls) and returns the refused call. */
  setup(): Promise<WrongPartyCall>;
}

export interface WrongPartyCall {
  contract: BaseContract;
  consortium: Consortium;
  /** The member's account: its organisation holds `role` (the gate checks it) but is no party to the object. */
  caller: HardhatEthersSigner;
  /** The role the function requires (checked to be held by the caller's organisation). */
  role: RoleName;
  /** Arguments of the call (the signature comes from the registry key). */
  args: unknown[];
  /** ETH sent with the call, for payable functions. */
  value?: bigint;
  /** The custom error expected, and its arguments when they are deterministic (checked exactly). */
  error: string;
  errorArgs?: unknown[];
  /** Contracts whose ABI declares errors the call can bubble up. */
  errorSources?: BaseContract[];
}

export function isExemption(entry: WrongPartyCase | WrongPartyExemption): entry is WrongPartyExemption {
  return "exempt" in entry;
}

/** Loads every registry file (test/security/wrongparty/*.ts), sorted. */
export function loadWrongPartyTargets(): { file: string; target: WrongPartyTarget }[] {
  const dir = path.join(__dirname, "wrongparty");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(dir, f)) as { target?: WrongPartyTarget };
      if (!mod.target) throw new Error(`test/security/wrongparty/${f} does not export a target`);
      return { file: f, target: mod.target };
    });
}
