import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Presets, SingleBar } from "cli-progress";
import type { ContractTransactionReceipt, ContractTransactionResponse, Interface } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { decodeRevertData, findRevertData } from "../stack/revert";
import { type ActorKey, type City, cityActors } from "../city";
import type { EpcisEvent } from "../epcis";

/**
 * What the demo's chapters share. The first chapter forms the city; later chapters deploy their domain's
 * contracts (or read them from `system`) and leave what the following chapters need in `system`.
 */
export interface DemoContext {
  hre: HardhatRuntimeEnvironment;
  actors: Record<ActorKey, HardhatEthersSigner>;
  /** The chain's clock: moved on the in-process network, waited for on a sealed chain. */
  clock: DemoClock;
  city?: City;
  /** Deployed contracts and facts handed from chapter to chapter, by name. */
  system: Record<string, unknown>;
  /** The chain's head when the story began: its history indexer starts there, never at block 0. */
  firstBlock: number;
  /**
   * The EPCIS 2.0 event documents members anchored during the story, by the member that captures them: the
   * documents stay off chain, so whoever serves the story's EPCIS interface captures them from here.
   */
  epcis: { by: ActorKey; events: EpcisEvent[] }[];
}

/** One chapter of the story. Chapters live in src/demo/chapters/NN-name.ts and export `chapter`. */
export interface DemoChapter {
  title: string;
  run(ctx: DemoContext): Promise<void>;
}

/** The city formed by the first chapter; a chapter that runs without it is a programming error. */
export function requireCity(ctx: DemoContext): City {
  if (!ctx.city) throw new Error("the consortium chapter must run first");
  return ctx.city;
}

/** A chapter heading. */
export function heading(text: string): void {
  console.log(`\n=== ${text} ${"=".repeat(Math.max(0, 100 - text.length))}`);
}

/** One line of the story. */
export function say(text: string): void {
  console.log(`  • ${text}`);
}

/** A new context for `hre`: the cast's signers and the network's clock; nothing deployed yet. */
export async function demoContext(hre: HardhatRuntimeEnvironment): Promise<DemoContext> {
  const firstBlock = await hre.ethers.provider.getBlockNumber();
  return { hre, actors: await cityActors(hre), clock: await demoClock(hre), system: {}, firstBlock, epcis: [] };
}

/**
 * The chain's clock as the story sees it. Sale deadlines and hours of sensor readings are real durations: the
 * in-process network jumps over them (`evm_setNextBlockTimestamp`), a sealed chain such as the PoA network cannot,
 * so there the story runs on short real-time durations and waits for its blocks.
 */
export interface DemoClock {
  /** True on a sealed chain: time passes for real and the story uses its short durations. */
  readonly live: boolean;
  /** The latest block's timestamp. */
  now(): Promise<number>;
  /**
   * Returns once the latest block's timestamp is at least `t`: the in-process network mines a block at `t`, a sealed
   * chain is polled until it seals one (bounded: a chain that stops sealing is an error, not a hang). With a `label`,
   * a real wait of more than a few seconds shows a progress bar.
   */
  until(t: number, label?: string): Promise<void>;
  /** A duration of the story in seconds: `simulated` where the clock can move, `live` in real time. */
  span(simulated: number, live: number): number;
}

/** How long past the expected time a live clock's `until` waits for the chain's next block before giving up. */
export const LIVE_CLOCK_SLACK_MS = 60_000;
const LIVE_POLL_MS = 500;
/** A real wait longer than this many seconds shows a progress bar (when the caller labels it). */
const LIVE_BAR_MIN_SECONDS = 5;

/** The parts of the runtime a clock uses. */
type ClockRuntime = {
  network: { provider: Pick<HardhatRuntimeEnvironment["network"]["provider"], "send"> };
  ethers: { provider: { getBlock(tag: "latest"): Promise<{ timestamp: number } | null> } };
};

/** The clock of `hre`'s network: simulated where `evm_increaseTime` works, live (real time) elsewhere. */
export async function demoClock(hre: ClockRuntime, slackMs = LIVE_CLOCK_SLACK_MS): Promise<DemoClock> {
  const now = async () => (await hre.ethers.provider.getBlock("latest"))!.timestamp;
  if (await canMoveClock(hre)) {
    return {
      live: false,
      now,
      async until(t) {
        if ((await now()) >= t) return;
        await hre.network.provider.send("evm_setNextBlockTimestamp", [t]);
        await hre.network.provider.send("evm_mine", []);
      },
      span: (simulated) => simulated,
    };
  }
  return {
    live: true,
    now,
    async until(t, label) {
      const giveUp = Date.now() + Math.max(0, t - Math.floor(Date.now() / 1000)) * 1000 + slackMs;
      const from = await now();
      const bar =
        label && t - from > LIVE_BAR_MIN_SECONDS
          ? new SingleBar({ format: `  ${label} [{bar}] {value}/{total} s of chain time` }, Presets.shades_classic)
          : undefined;
      bar?.start(t - from, 0);
      try {
        for (let latest = from; latest < t; latest = await now()) {
          bar?.update(latest - from);
          if (Date.now() > giveUp) {
            throw new Error(`the chain sealed no block at or after ${t} in time (latest block at ${latest})`);
          }
          await new Promise((resolve) => setTimeout(resolve, LIVE_POLL_MS));
        }
        bar?.update(t - from);
      } finally {
        bar?.stop();
      }
    },
    span: (_simulated, live) => live,
  };
}

/**
 * The chapters to run, by number (1-based, as printed), out of `count`: all of them, or those listed in `only`
 * (`DEMO_CHAPTERS`, e.g. "1,4": a developer's shortcut on a slow chain; the first chapter forms the city the others
 * need). An unknown number is an error, not a silently shorter story.
 */
export function pickChapters(count: number, only?: string): number[] {
  const all = Array.from({ length: count }, (_, i) => i + 1);
  if (only === undefined || only.trim() === "") return all;
  const picked = only.split(",").map((s) => Number(s.trim()));
  const bad = only.split(",").filter((_s, i) => !all.includes(picked[i]));
  if (bad.length > 0) throw new Error(`DEMO_CHAPTERS=${only}: no chapter ${bad.join(", ")} (there are 1–${count})`);
  return all.filter((n) => picked.includes(n));
}

/** A duration in words: "14 days", "2 h", "31 min 15 s", "45 s". */
export function describeSpan(seconds: number): string {
  if (seconds >= 86_400 && seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? "" : "s"}`;
  if (seconds >= 3_600 && seconds % 3_600 === 0) return `${seconds / 3_600} h`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)} min${seconds % 60 ? ` ${seconds % 60} s` : ""}`;
  return `${seconds} s`;
}

/**
 * Sends independent transactions one after another without waiting for each to be sealed, then waits for all of
 * them: on a sealed chain a step of ten transactions rides in one or two blocks instead of ten. Each send is
 * awaited, so one signer's nonces follow the given order. Resolves to the receipts in that order; a reverted
 * transaction rejects (ethers' `wait`).
 */
export async function sendAll(
  sends: readonly (() => Promise<ContractTransactionResponse>)[],
  onConfirmed?: (confirmed: number) => void,
): Promise<ContractTransactionReceipt[]> {
  const sent: ContractTransactionResponse[] = [];
  for (const send of sends) sent.push(await send());
  let confirmed = 0;
  return Promise.all(
    sent.map(async (tx) => {
      const receipt = await tx.wait();
      if (!receipt) throw new Error(`transaction ${tx.hash} was dropped`);
      onConfirmed?.(++confirmed);
      return receipt;
    }),
  );
}

/**
 * The custom error a call is refused with, as `Name(arg=value, …)`, decoded from the revert data against `contract`'s
 * ABI (any node: Hardhat and geth return the data differently). A call that is accepted, fails for another reason
 * or (given `expected`) with another error is a broken story and throws.
 */
export async function refusal(
  contract: { interface: Interface },
  call: () => Promise<unknown>,
  expected?: string,
): Promise<string> {
  try {
    await call();
  } catch (e) {
    const data = findRevertData(e);
    const decoded = data ? decodeRevertData(data, [contract.interface]) : undefined;
    if (!decoded?.detail) throw e;
    if (expected && decoded.name !== expected) throw new Error(`expected ${expected}, refused with ${decoded.name}`);
    return decoded.detail;
  }
  throw new Error("the call was expected to be refused, and was accepted");
}

/** True when the network can move its clock (`evm_increaseTime`): the in-process Hardhat network and `hardhat node`. */
export async function canMoveClock(hre: ClockRuntime): Promise<boolean> {
  try {
    await hre.network.provider.send("evm_increaseTime", [0]);
    return true;
  } catch {
    return false;
  }
}
