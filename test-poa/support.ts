import { ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { JsonRpcProvider, Wallet } from "ethers";
import type { PoaChain, PoaNode } from "../src/poa/chain";
import { PoaTimeoutError, waitUntil } from "../src/poa/wait";

const ROOT = path.join(__dirname, "..");

export interface RunResult {
  code: number | null;
  output: string;
  seconds: number;
}

/** A hardhat command running in a child process (its own process group, so killing it kills its children). */
export interface HardhatRun {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr interleaved). */
  output(): string;
  /** Resolves when the process exits; rejects with a PoaTimeoutError (after killing it) past `timeoutMs`. */
  done: Promise<RunResult>;
  /** SIGKILLs the process group: a crash mid-way, e.g. to test that a deployment resumes. */
  kill(): void;
}

/**
 * Starts `hardhat <args>` in a child process, so it reads the network.json the harness just wrote, with a hard
 * time limit. Use `runHardhat` to wait for it; keep the handle to kill it mid-way.
 */
export function startHardhat(args: string[], timeoutMs: number): HardhatRun {
  const started = Date.now();
  const child = spawn(path.join(ROOT, "node_modules", ".bin", "hardhat"), args, {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const kill = () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid, "SIGKILL");
    }
  };
  const done = new Promise<RunResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new PoaTimeoutError(`hardhat ${args.join(" ")}`, timeoutMs, output.slice(-2_000)));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output, seconds: (Date.now() - started) / 1000 });
    });
  });
  return { child, output: () => output, done, kill };
}

/** Runs `hardhat <args>` to completion within `timeoutMs` (see startHardhat). */
export function runHardhat(args: string[], timeoutMs: number): Promise<RunResult> {
  return startHardhat(args, timeoutMs).done;
}

/** A funded wallet of the chain (index into network.json's accounts; the tests use spares from 40 up). */
export function wallet(chain: PoaChain, index: number, node: PoaNode = chain.node(1)): Wallet {
  const provider = new JsonRpcProvider(node.rpcUrl, chain.options.chainId, { staticNetwork: true, polling: true });
  provider.pollingInterval = 250;
  return new Wallet(chain.accountKeys[index], provider);
}

/** Waits until `node`'s head has not moved for `quietMs` (sealing has stopped), within `timeoutMs`. */
export async function waitStalled(node: PoaNode, quietMs: number, timeoutMs: number): Promise<number> {
  let last = await node.blockNumber();
  let since = Date.now();
  await waitUntil(
    `node ${node.index}'s head to stop moving for ${quietMs / 1000} s`,
    async () => {
      const now = await node.blockNumber();
      if (now !== last) {
        last = now;
        since = Date.now();
      }
      return { done: Date.now() - since >= quietMs, seen: `head #${now}` };
    },
    timeoutMs,
  );
  return last;
}

/** Brings every node back (after a fault case), waits until they are peered and agree on the head. */
export async function restoreAll(chain: PoaChain): Promise<void> {
  for (const node of chain.nodes) if (!node.running()) await node.start();
  await chain.waitPeered();
  await chain.waitAgreeOnHead(await chain.node(1).blockNumber());
}

/** The error a promise rejects with, or undefined if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return err as Error;
  }
}
