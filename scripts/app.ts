/**
 * `npm run app`: seeds a local chain with the demo and the app's scenario, serves it over JSON-RPC on
 * 127.0.0.1 (a free port) and serves the web app with Vite (APP_PORT, default a free port). Ctrl-C stops both.
 */
import hre from "hardhat";
import { startAppStack } from "../src/app/stack";

async function main(): Promise<void> {
  const port = process.env.APP_PORT ? Number(process.env.APP_PORT) : undefined;
  const stack = await startAppStack(hre, { port });
  console.log(`\nchain JSON-RPC: ${stack.rpcUrl} (chain id ${stack.deployment.chainId})`);
  console.log(`web app:        ${stack.url}/`);
  const facts = stack.deployment.facts as { appItems?: Record<string, string> };
  for (const [name, link] of Object.entries(facts.appItems ?? {}))
    console.log(`  ${name.padEnd(12)} ${stack.url}${link}`);
  console.log("Ctrl-C stops the app and the chain.");
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
