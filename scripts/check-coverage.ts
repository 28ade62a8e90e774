/**
 * Fails when line or branch coverage of contracts/ (mocks excluded by .solcover.js) is below the gate.
 * Reads coverage/coverage-summary.json written by `hardhat coverage`.
 */
import "../src/runtime-check";
import fs from "node:fs";
import path from "node:path";

const GATE = Number(process.env.COVERAGE_GATE ?? 95);
const file = path.join(__dirname, "..", "coverage", "coverage-summary.json");
if (!fs.existsSync(file)) {
  console.error("coverage/coverage-summary.json is missing: run `hardhat coverage` first");
  process.exit(1);
}
type Metric = { total: number; covered: number; pct: number };
const summary = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, { lines: Metric; branches: Metric }>;
const { lines, branches } = summary.total;
console.log(`coverage of contracts/: lines ${lines.pct} %, branches ${branches.pct} % (gate ${GATE} %)`);
const weak = Object.entries(summary)
  .filter(([name, m]) => name !== "total" && (m.lines.pct < GATE || m.branches.pct < GATE))
  .map(([name, m]) => `  ${path.relative(process.cwd(), name)}: lines ${m.lines.pct} %, branches ${m.branches.pct} %`);
if (weak.length) console.log(`below the gate file by file:\n${weak.join("\n")}`);
if (lines.pct < GATE || branches.pct < GATE) {
  console.error(`coverage gate failed: lines and branches must both be >= ${GATE} %`);
  process.exit(1);
}
