/**
 * `npm run indexer` (`-- --network poa|besu|localhost`): indexes the system deployed on the network (Ignition's
 * addresses) into PGlite under .run/indexer (DATABASE_URL for PostgreSQL) and serves the read models on
 * 127.0.0.1:42069 (INDEXER_HOST, INDEXER_PORT; INDEXER_CORS_ORIGIN names the one browser origin allowed).
 * Without --network it follows a local `npm run chain:node` (INDEXER_RPC_URL, default http://127.0.0.1:8545).
 */
import hre from "hardhat";
import { startIndexer } from "../src/indexer/service";
import { ignitionContracts, logsRangeFor } from "../src/indexer/target";

async function main(): Promise<void> {
  const configured = (hre.network.config as { url?: string }).url;
  const rpcUrl =
    hre.network.name === "hardhat" ? (process.env.INDEXER_RPC_URL ?? "http://127.0.0.1:8545") : configured!;
  const chainId = Number(
    (
      (await (
        await fetch(rpcUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        }).catch(() => {
          throw new Error(`no chain answers at ${rpcUrl} (start one with \`npm run chain:node\` or pass --network)`);
        })
      ).json()) as { result: string }
    ).result,
  );
  const indexer = await startIndexer({
    target: {
      chainId,
      rpcUrl,
      startBlock: Number(process.env.INDEXER_START_BLOCK ?? 0),
      ethGetLogsBlockRange: logsRangeFor(hre.network.name),
      contracts: ignitionContracts(chainId),
    },
    host: process.env.INDEXER_HOST,
    port: process.env.INDEXER_PORT ? Number(process.env.INDEXER_PORT) : undefined,
    corsOrigin: process.env.INDEXER_CORS_ORIGIN,
    databaseUrl: process.env.DATABASE_URL,
  });
  console.log(`indexer: ${indexer.url} (read models under /history, readiness at /ready); Ctrl-C stops it`);
  const stop = new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  const failure = await Promise.race([stop.then(() => undefined), indexer.failed]);
  await indexer.stop();
  if (failure) {
    console.error(failure.message);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
