/**
 * The local proof-of-authority chain (three geth 1.13.15 Clique signers on 127.0.0.1):
 *   npm run chain                      start it (resumes the chain in .run/poa, or creates one)
 *   npm run chain -- --fresh           start a brand-new chain (new keys, new genesis)
 *   npm run chain:stop                 stop every node
 *   ts-node scripts/chain.ts status    one line per node
 *   ts-node scripts/chain.ts node 3 stop|kill|start   one node (kill = SIGKILL, a crash)
 *   ts-node scripts/chain.ts build     build and cache geth only
 * Logic lives in src/poa/.
 */
import "../src/runtime-check";
import { PoaChain } from "../src/poa/chain";
import { ensureGeth, gethBinary, gethBuildInfo } from "../src/poa/geth";

const USAGE = "usage: chain.ts start [--fresh] | stop | status | build | node <n> stop|kill|start";

async function main(argv: string[]): Promise<void> {
  const [command = "start", ...rest] = argv;
  const log = (s: string) => console.log(s);
  switch (command) {
    case "build": {
      ensureGeth(log);
      const info = gethBuildInfo();
      log(`geth at ${gethBinary()}${info ? ` (built with ${info.toolchain} in ${info.seconds} s)` : ""}`);
      return;
    }
    case "start": {
      const fresh = rest.includes("--fresh") || !PoaChain.exists();
      const chain = fresh ? await PoaChain.create({}, log) : PoaChain.load();
      if (!fresh) log(`resuming the chain in ${chain.dir}`);
      const net = await chain.start(log);
      log(`chain ${net.chainId} is sealing: signers ${net.signers.join(", ")}`);
      log(
        `genesis ${net.genesisHash}; ${net.accounts.length} funded accounts; min priority fee ${net.minPriorityFeeWei} wei`,
      );
      log(`wrote ${chain.networkFile}: use --network poa (logs in ${chain.dir}/node*/geth.log)`);
      return;
    }
    case "stop": {
      if (!PoaChain.exists()) return log("no local chain");
      await PoaChain.load().stop();
      return log("all nodes stopped");
    }
    case "status": {
      if (!PoaChain.exists()) return log("no local chain");
      for (const line of await PoaChain.load().status()) log(line);
      return;
    }
    case "node": {
      const [n, action] = rest;
      const chain = PoaChain.load();
      const node = chain.node(Number(n));
      if (action === "stop" || action === "kill") {
        await node.stop(action === "kill");
        return log(`node ${node.index} ${action === "kill" ? "killed" : "stopped"}`);
      }
      if (action === "start") {
        await node.start();
        await chain.waitPeered();
        const others = chain.running().filter((o) => o !== node);
        const target = others.length > 0 ? await others[0].blockNumber() : 0;
        const head = await chain.waitAgreeOnHead(target);
        return log(`node ${node.index} started (pid ${node.pid()}), peered and in sync at #${head.number}`);
      }
      throw new Error(USAGE);
    }
    default:
      throw new Error(USAGE);
  }
}

main(process.argv.slice(2)).catch((err: Error) => {
  console.error(`chain: ${err.message}`);
  process.exitCode = 1;
});
