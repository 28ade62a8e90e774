import fs from "node:fs";
import path from "node:path";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

/**
 * One measured operation. `gas`, `target` and `baseline` are gas unless `unit` says otherwise (seconds, or a
 * percentage for throughput rows); null when the issue sets none. `better: "higher"` marks a row whose target is
 * a minimum (e.g. block utilisation). `moved` says why a target is not the one the issue set (the figure
 * and the arithmetic of the move); the bench prints it with the row, so a moved target is never silent.
 */
export interface BenchRow {
  name: string;
  gas: number;
  target: number | null;
  baseline: number | null;
  unit?: "gas" | "s" | "%";
  better?: "lower" | "higher";
  moved?: { from: number; why: string };
}

/** True when the row misses its target. */
export function missesTarget(row: BenchRow): boolean {
  if (row.target === null) return false;
  return row.better === "higher" ? row.gas < row.target : row.gas > row.target;
}

/**
 * A domain's benchmark: deploys what it needs on the network it is given and returns its rows. Suites live in
 * src/bench/<domain>.ts and export `suite`; scripts/bench.ts finds them, so adding a domain touches no shared file.
 */
export interface BenchSuite {
  name: string;
  /** Networks the suite runs on; default: only the in-process `hardhat` network (gas is the same on any EVM). */
  networks?: string[];
  run(hre: HardhatRuntimeEnvironment): Promise<BenchRow[]>;
}

/** The committed results of the in-process network (checked by CI); other networks write their own file. */
export const RESULTS_FILE = path.join(__dirname, "..", "..", "bench", "results.json");

export function resultsFile(network: string): string {
  return network === "hardhat" ? RESULTS_FILE : path.join(path.dirname(RESULTS_FILE), `results.${network}.json`);
}

/** Gas used by a sent transaction, once mined. */
export async function gasOf(sent: Promise<ContractTransactionResponse> | ContractTransactionResponse): Promise<number> {
  const receipt = await (await sent).wait();
  if (!receipt) throw new Error("transaction was not mined");
  return Number(receipt.gasUsed);
}

/** Loads every suite in src/bench (all files but this one), in file-name order. */
export function loadSuites(): BenchSuite[] {
  const dir = __dirname;
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && f !== "harness.ts")
    .sort()
    .map((f) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(dir, f)) as { suite?: BenchSuite };
      if (!mod.suite) throw new Error(`src/bench/${f} does not export a suite`);
      return mod.suite;
    });
}

export interface Drift {
  name: string;
  problem: string;
}

/** Compares a run with the committed figures: >5 % more gas, or a missed target, is a regression. */
export function compareWithCommitted(rows: BenchRow[], committed: BenchRow[], tolerance = 0.05): Drift[] {
  const drifts: Drift[] = [];
  const before = new Map(committed.map((r) => [r.name, r]));
  for (const row of rows) {
    if (missesTarget(row)) {
      const sign = row.better === "higher" ? "<" : ">";
      drifts.push({ name: row.name, problem: `misses its target: ${row.gas} ${sign} ${row.target}` });
    }
    const old = before.get(row.name);
    // Drift applies to gas only: seconds and percentages depend on the machine.
    if (old && (row.unit ?? "gas") === "gas" && row.gas > old.gas * (1 + tolerance)) {
      const pct = ((row.gas / old.gas - 1) * 100).toFixed(1);
      drifts.push({ name: row.name, problem: `+${pct} % gas: ${old.gas} → ${row.gas}` });
    }
  }
  return drifts;
}

/**
 * What crossing a proxy costs the first time in a transaction (EIP-2929 cold access), for the notes of the targets
 * that moved when every domain went behind its proxy (issue 21).
 */
export const PROXY_HOPS = {
  domain: "the domain's ERC-1967 proxy (cold implementation account 2,600 + implementation slot 2,100 + DELEGATECALL)",
  own: "the consortium's own ERC-1967 proxy (cold implementation account 2,600 + implementation slot 2,100 + DELEGATECALL)",
  second: "a second domain's proxy in the same transaction (2,600 + 2,100 + DELEGATECALL)",
  consortium: "the consortium's proxy on the role check (2,600 + 2,100 + DELEGATECALL)",
  pause: "the emergency-stop flag (a cold slot, 2,100)",
  beacon:
    "the share token's BeaconProxy (its beacon slot 2,100, the beacon's account 2,600 and implementation slot 2,100, " +
    "the implementation's account 2,600)",
  library: "the linked SupplyChainOversight library (cold account 2,600 + DELEGATECALL)",
} as const;

/**
 * A target moved by issue 21: the figure (`from`) and the proxy hops the operation pays. A first hop costs at
 * least 4,700 gas by EIP-2929, so a row that sat within 1,700 gas of its target cannot stay within +3,000 of it;
 * the new target is the measured figure rounded up, and the bench prints the measured added cost beside it.
 */
export function movedByProxies(from: number, hops: (keyof typeof PROXY_HOPS)[]): { from: number; why: string } {
  return { from, why: `Issue 21: the call now crosses ${hops.map((h) => PROXY_HOPS[h]).join("; ")}.` };
}
