import fs from "node:fs";
import path from "node:path";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

/** One measured operation. `target` and `baseline` are gas; null when the issue sets none. */
export interface BenchRow {
  name: string;
  gas: number;
  target: number | null;
  baseline: number | null;
}

/**
 * A domain's benchmark: deploys what it needs on the network it is given and returns its rows. Suites live in
 * src/bench/<domain>.ts and export `suite`; scripts/bench.ts finds them, so adding a domain touches no shared file.
 */
export interface BenchSuite {
  name: string;
  /** Only run on these networks (e.g. PoA throughput rows); default: every network. */
  networks?: string[];
  run(hre: HardhatRuntimeEnvironment): Promise<BenchRow[]>;
}

export const RESULTS_FILE = path.join(__dirname, "..", "..", "bench", "results.json");

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
    if (row.target !== null && row.gas > row.target) {
      drifts.push({ name: row.name, problem: `misses its target: ${row.gas} > ${row.target}` });
    }
    const old = before.get(row.name);
    if (old && row.gas > old.gas * (1 + tolerance)) {
      const pct = ((row.gas / old.gas - 1) * 100).toFixed(1);
      drifts.push({ name: row.name, problem: `+${pct} % gas: ${old.gas} → ${row.gas}` });
    }
  }
  return drifts;
}
