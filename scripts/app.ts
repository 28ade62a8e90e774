/**
 * `npm run app`: seeds a local chain with the demo and the app's scenario, serves it over JSON-RPC on
 * 127.0.0.1 (a free port), indexes its history (indexer/) and serves the web app with Vite (APP_PORT, default a free port). Ctrl-C stops both.
 * `npm run app -- --network poa` (or any configured network) serves the app against that network's deployment.
 */
import hre from "hardhat";
import { startAppOnNetwork, startAppStack } from "../src/stack/stack";

async function main(): Promise<void> {
  const port = process.env.APP_PORT ? Number(process.env.APP_PORT) : undefined;
  const local = hre.network.name === "hardhat";
  const stack = local ? await startAppStack(hre, { port }) : await startAppOnNetwork(hre, { port });
  console.log(`\nchain JSON-RPC: ${stack.rpcUrl} (chain id ${stack.deployment.chainId}, ${hre.network.name})`);
  console.log(`history:        ${stack.historyUrl}/history (the app reaches it as /history on its own origin)`);
  console.log(`web app:        ${stack.url}/`);
  const facts = stack.deployment.facts as { appItems?: Record<string, string> };
  for (const [name, link] of Object.entries(facts.appItems ?? {}))
    console.log(`  ${name.padEnd(12)} ${stack.url}${link}`);
  console.log(local ? "Ctrl-C stops the app and the chain." : "Ctrl-C stops the app.");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await stack.stop();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
