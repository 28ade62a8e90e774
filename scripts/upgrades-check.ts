/**
 * `npm run upgrades:check`: validates every upgradeable implementation with OpenZeppelin's upgrade-safety rules
 * (kind uups, beacon for the share token; constructors and immutables only where the code annotates them) and
 * compares its storage layout with the layout of the deployed version recorded in upgrades/layouts.json. Prints a
 * table and the layout diff; exits non-zero on an unsafe implementation or an incompatible or unrecorded layout.
 *
 * `npm run upgrades:record` (UPGRADES_RECORD=1) writes the current layouts to upgrades/layouts.json instead of
 * comparing: run it once an upgrade has been applied, so the next one is compared with what the proxies now run.
 * It still refuses an unsafe implementation.
 */
import hre from "hardhat";
import { printTable } from "../src/table";
import { LAYOUTS_FILE, checkAll, describeLayoutDiff, readLayouts, writeLayouts } from "../src/upgrades";

async function main(): Promise<void> {
  // Compiling writes the validation data (cache/validations.json) the check reads.
  await hre.run("compile", { quiet: true });
  const record = process.env.UPGRADES_RECORD === "1";
  // UPGRADES_LAYOUTS points the check at another file (tests; comparing with another deployment's record).
  const file = process.env.UPGRADES_LAYOUTS ?? LAYOUTS_FILE;
  const layouts = readLayouts(file);
  const rows = await checkAll(hre, record ? { contracts: {} } : layouts);
  const failures = record ? rows.filter((r) => !r.check.errors.ok) : rows.filter((r) => r.problem);
  printTable(
    ["contract", "artifact", "kind", "namespaces", "safety", "layout"],
    rows.map((r) => [
      r.contract,
      r.check.artifact,
      r.check.kind,
      Object.keys(r.check.layout.namespaces ?? {}).join("\n"),
      r.check.errors.ok ? "ok" : `UNSAFE (${[...new Set(r.check.errors.errors.map((e) => e.kind))].join(", ")})`,
      record ? "recorded" : !r.reference ? "NOT RECORDED" : r.check.report?.pass ? "compatible" : "INCOMPATIBLE",
    ]),
    record ? `recording storage layouts into ${file}` : `storage layouts against ${file}`,
  );
  for (const r of rows) {
    const reference = layouts.contracts[r.contract]?.layout;
    const diff = reference ? describeLayoutDiff(reference, r.check.layout, record ? undefined : r.check.report) : "";
    if (reference && diff !== "(no layout change)") console.log(`\n${r.contract}:\n${diff}`);
  }
  for (const f of failures) console.error(`\n${f.contract}: ${f.problem?.message ?? "unsafe"}`);
  if (failures.length > 0) {
    console.error(`\nupgrades:check failed for ${failures.map((f) => f.contract).join(", ")}`);
    process.exitCode = 1;
    return;
  }
  if (record) {
    writeLayouts(
      {
        contracts: Object.fromEntries(
          rows.map((r) => [r.contract, { artifact: r.check.artifact, kind: r.check.kind, layout: r.check.layout }]),
        ),
      },
      file,
    );
    console.log(`\nrecorded ${rows.length} layouts in ${file}`);
  } else {
    console.log(`\n${rows.length} implementations upgrade safe, layouts compatible with the recorded ones`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
