/**
 * `npm run deploy -- --network <name>`: deploys or resumes the whole system with Ignition, after refusing
 * opcodes the chain cannot run and journals from a reset chain; then proves the deployment and prints it. After a
 * voted upgrade, rerunning it sends nothing and proves the code now behind each proxy (CITYCHAIN_IMPLEMENTATIONS
 * names the artifact of an implementation built from another contract name).
 */
import hre from "hardhat";
import { deploySystem, parseImplementations } from "../src/deploy/system";
import { printTable } from "../src/table";

async function main(): Promise<void> {
  const started = Date.now();
  const system = await deploySystem(hre, {
    deploymentId: process.env.CITYCHAIN_DEPLOYMENT_ID,
    stallMs: process.env.CITYCHAIN_STALL_MS ? Number(process.env.CITYCHAIN_STALL_MS) : undefined,
    // After a voted upgrade to code built from another contract name, the proof checks that artifact instead.
    implementations: parseImplementations(process.env.CITYCHAIN_IMPLEMENTATIONS),
  });
  printTable(
    ["contract", "address", "check"],
    system.checks.map((c) => [
      c.contract.split(":").pop() ?? c.contract,
      c.address,
      c.ok ? "ok: " + c.detail : "FAILED: " + c.detail,
    ]),
    `CityChain on ${hre.network.name} (chain ${system.chainId}, genesis ${system.genesisHash.slice(0, 10)}…) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (system.checks.some((c) => !c.ok)) process.exitCode = 1;
}

main().then(
  // Exit explicitly: after a stall, Ignition's own confirmation timers would keep the process waiting.
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(`deploy failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
