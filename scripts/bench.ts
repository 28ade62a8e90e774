/**
 * `npm run bench`: runs every domain's benchmark suite (src/bench/*.ts) on the selected network, prints the
 * table (operation, gas, target, gas/target, baseline, baseline/gas) and writes bench/results.json.
 * `npm run bench:check` (BENCH_CHECK=1) also fails when an operation misses its target or costs more than 5 %
 * above the committed bench/results.json.
 */
import fs from "node:fs";
import hre from "hardhat";
import { BenchRow, RESULTS_FILE, compareWithCommitted, loadSuites } from "../src/bench/harness";
import { printTable } from "../src/table";

async function main(): Promise<void> {
  const committed: BenchRow[] = fs.existsSync(RESULTS_FILE)
    ? (JSON.parse(fs.readFileSync(RESULTS_FILE, "utf8")) as BenchRow[])
    : [];
  const rows: BenchRow[] = [];
  for (const suite of loadSuites()) {
    if (suite.networks && !suite.networks.includes(hre.network.name)) continue;
    process.stdout.write(`bench: ${suite.name}…\n`);
    rows.push(...(await suite.run(hre)));
  }
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b !== 0 ? (a / b).toFixed(2) : "");
  printTable(
    ["operation", "gas", "target", "gas/target", "baseline", "baseline/gas"],
    rows.map((r) => [
      r.name,
      r.gas,
      r.target ?? "",
      ratio(r.gas, r.target),
      r.baseline ?? "",
      ratio(r.baseline, r.gas),
    ]),
    `Benchmarks on ${hre.network.name}`,
  );
  const drifts = process.env.BENCH_CHECK ? compareWithCommitted(rows, committed) : [];
  if (!process.env.BENCH_CHECK) {
    fs.writeFileSync(RESULTS_FILE, JSON.stringify(rows, null, 2) + "\n");
    console.log(`wrote ${rows.length} rows to bench/results.json`);
  }
  const missed = rows.filter((r) => r.target !== null && r.gas > r.target);
  if (drifts.length > 0 || missed.length > 0) {
    const all = [
      ...drifts,
      ...missed
        .filter((m) => !drifts.some((d) => d.name === m.name))
        .map((m) => ({ name: m.name, problem: `misses its target: ${m.gas} > ${m.target}` })),
    ];
    printTable(
      ["operation", "problem"],
      all.map((d) => [d.name, d.problem]),
      "Gas regressions",
    );
    process.exitCode = 1;
  } else if (process.env.BENCH_CHECK) {
    console.log(`gas check: ${rows.length} operations within target and within 5 % of bench/results.json`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
