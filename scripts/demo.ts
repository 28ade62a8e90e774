/**
 * `npm run demo`: the end-to-end story of the city's chain, chapter by chapter (src/demo/chapters), on the
 * in-process Hardhat network by default or on any configured network (`-- --network poa`).
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { runtimeLine } from "../src/runtime";
import { DemoChapter, DemoContext, demoContext, heading, pickChapters } from "../src/demo/context";
import { stopStoryHistory, storyContracts } from "../src/history/demo";

async function main(): Promise<void> {
  const dir = path.join(__dirname, "..", "src", "demo", "chapters");
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort();
  const ctx = await demoContext(hre);
  const { chainId } = await hre.ethers.provider.getNetwork();
  const chapters = pickChapters(files.length, process.env.DEMO_CHAPTERS);
  console.log(`citychain demo on ${runtimeLine()}`);
  console.log(`citychain demo on network "${hre.network.name}" (chain id ${chainId}): ${chapters.length} chapters`);
  console.log(
    ctx.clock.live
      ? "the chain's clock runs in real time: sale deadlines and sensor journeys are shortened to seconds and waited for"
      : "the in-process network's clock jumps over sale deadlines and sensor journeys",
  );
  const started = Date.now();
  try {
    await runChapters(ctx, chapters, files, dir);
  } finally {
    await stopStoryHistory(ctx);
  }
  if (process.env.DEMO_EXPORT) exportDemo(ctx, chainId, process.env.DEMO_EXPORT);
  console.log(`\nThe demo completed: ${chapters.length} chapters in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

async function runChapters(ctx: DemoContext, chapters: number[], files: string[], dir: string): Promise<void> {
  for (const n of chapters) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { chapter } = require(path.join(dir, files[n - 1])) as { chapter: DemoChapter };
    heading(`Chapter ${n}. ${chapter.title}`);
    const t = Date.now();
    await chapter.run(ctx);
    console.log(`  (chapter ${n} in ${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
}

/**
 * Writes what the demo built (contract addresses by `ctx.system` key, the cast's addresses, and the plain facts
 * chapters recorded) so that the web app and other tools can open the same chain state.
 */
function exportDemo(ctx: DemoContext, chainId: bigint, file: string): void {
  const contracts = storyContracts(ctx);
  const facts: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(ctx.system)) {
    if (!(key in contracts)) facts[key] = value;
  }
  const actors = Object.fromEntries(Object.entries(ctx.actors).map(([k, s]) => [k, s.address]));
  const json = JSON.stringify(
    { network: hre.network.name, chainId: chainId.toString(), contracts, actors, facts },
    (_k, v) => (typeof v === "bigint" ? v.toString() : v),
    2,
  );
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, json + "\n");
  console.log(`exported the demo's contracts and facts to ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
