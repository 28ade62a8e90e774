/**
 * `npm run demo`: the end-to-end story of the city's chain, chapter by chapter (src/demo/chapters), on the
 * in-process Hardhat network by default or on any configured network (`-- --network poa`).
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { cityActors } from "../src/city";
import { DemoChapter, DemoContext, heading } from "../src/demo/context";

async function main(): Promise<void> {
  const dir = path.join(__dirname, "..", "src", "demo", "chapters");
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort();
  const ctx: DemoContext = { hre, actors: await cityActors(hre), system: {} };
  const { chainId } = await hre.ethers.provider.getNetwork();
  console.log(`citychain demo on network "${hre.network.name}" (chain id ${chainId}): ${files.length} chapters`);
  for (const [i, file] of files.entries()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { chapter } = require(path.join(dir, file)) as { chapter: DemoChapter };
    heading(`Chapter ${i + 1}. ${chapter.title}`);
    await chapter.run(ctx);
  }
  console.log("\nThe demo completed.");
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
