/**
 * `npm run deploy -- --network <name>`: deploys or resumes the whole system with Ignition, after refusing
 * opcodes the chain cannot run and journals from a reset chain; then proves the deployment and prints it.
 */
import hre from "hardhat";
import { deploySystem } from "../src/deploy/system";
import { printTable } from "../src/table";

async function main(): Promise<void> {
  const started = Date.now();
  const system = await deploySystem(hre);
  printTable(
    ["contract", "address", "check"],
    system.checks.map((c) => [c.contract.split(":")[1], c.address, c.ok ? "ok: " + c.detail : "FAILED: " + c.detail]),
    `CityChain on ${hre.network.name} (chain ${system.chainId}, genesis ${system.genesisHash.slice(0, 10)}…) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (system.checks.some((c) => !c.ok)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
