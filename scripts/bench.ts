/**
 * `npm run bench`: runs every domain's benchmark suite (src/bench/*.ts) on the selected network, prints the
 * table (operation, gas, target, gas/target, baseline, baseline/gas) and writes bench/results.json.
 * `npm run bench:check` (BENCH_CHECK=1) also fails when an operation misses its target or costs more than 5 %
 * above the committed bench/results.json.
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { BenchRow, RESULTS_FILE, compareWithCommitted, loadSuites, resultsFile } from "../src/bench/harness";
import { printTable } from "../src/table";

async function main(): Promise<void> {
  const file = resultsFile(hre.network.name);
  const committed: BenchRow[] = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as BenchRow[]) : [];
  const rows: BenchRow[] = [];
  for (const suite of loadSuites()) {
    if (!(suite.networks ?? ["hardhat"]).includes(hre.network.name)) continue;
    process.stdout.write(`bench: ${suite.name}…\n`);
    // Every suite starts from a fresh in-process chain: same addresses and nonces on every run.
    if (hre.network.name === "hardhat") await hre.network.provider.send("hardhat_reset", []);
    rows.push(...(await suite.run(hre)));
  }
  // The same suites measured on the immutable contracts, before every domain moved behind its proxy (issue 21): the
  // added cost of the proxies, per row. Those contracts no longer exist in the tree, so this is the one column that
  // is not measured in this run; it is frozen and never rewritten.
  const immutableFile = path.join(path.dirname(RESULTS_FILE), "immutable.json");
  const immutable = new Map(
    (fs.existsSync(immutableFile) ? (JSON.parse(fs.readFileSync(immutableFile, "utf8")) as BenchRow[]) : []).map(
      (r) => [r.name, r],
    ),
  );
  const proxyCost = (r: BenchRow) => {
    const before = immutable.get(r.name);
    if (!before || (r.unit ?? "gas") !== "gas") return "";
    const d = r.gas - before.gas;
    return `${d >= 0 ? "+" : ""}${d}`;
  };
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b !== 0 ? (a / b).toFixed(2) : "");
  printTable(
    ["operation", "value", "unit", "target", "value/target", "baseline", "baseline/value", "proxies: + vs immutable"],
    rows.map((r) => [
      r.name,
      r.gas,
      r.unit ?? "gas",
      r.target === null ? "" : `${r.better === "higher" ? "≥" : "≤"} ${r.target}`,
      ratio(r.gas, r.target),
      r.baseline ?? "",
      ratio(r.baseline, r.gas),
      proxyCost(r),
    ]),
    `Benchmarks on ${hre.network.name}`,
  );
  const moved = rows.filter((r) => r.moved);
  if (moved.length > 0) {
    console.log("\nMoved targets (the issue's figure → this one, and why)");
    for (const r of moved) {
      const added = proxyCost(r);
      console.log(
        `- ${r.name}: ${r.moved!.from} → ${r.target}. ${r.moved!.why}` +
          (added ? ` Measured: ${added} gas against the immutable contracts.` : ""),
      );
    }
  }
  // Targets are always checked; drift against the committed figures only in check mode.
  const problems = compareWithCommitted(rows, process.env.BENCH_CHECK ? committed : []);
  if (!process.env.BENCH_CHECK) {
    // Each row also records its immutable figure, so the file states the proxies' added cost per row.
    const written = rows.map((r) => {
      const before = immutable.get(r.name);
      return before && (r.unit ?? "gas") === "gas" ? { ...r, immutable: before.gas } : r;
    });
    fs.writeFileSync(file, JSON.stringify(written, null, 2) + "\n");
    console.log(`wrote ${rows.length} rows to ${path.relative(process.cwd(), file)}`);
  }
  if (problems.length > 0) {
    printTable(
      ["operation", "problem"],
      problems.map((d) => [d.name, d.problem]),
      "Regressions",
    );
    process.exitCode = 1;
  } else if (process.env.BENCH_CHECK) {
    console.log(
      `gas check: ${rows.length} operations within target and within 5 % of ${path.relative(process.cwd(), file)}`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
