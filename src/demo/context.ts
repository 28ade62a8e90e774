import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { ActorKey, City } from "../city";

/**
 * What the demo's chapters share. The first chapter forms the city; later chapters deploy their domain's
 * contracts (or read them from `system`) and leave what the following chapters need in `system`.
 */
export interface DemoContext {
  hre: HardhatRuntimeEnvironment;
  actors: Record<ActorKey, HardhatEthersSigner>;
  city?: City;
  /** Deployed contracts and facts handed from chapter to chapter, by name. */
  system: Record<string, unknown>;
}

/** One chapter of the story. Chapters live in src/demo/chapters/NN-name.ts and export `chapter`. */
export interface DemoChapter {
  title: string;
  /**
   * The chapter moves the chain's clock (crowdfunding deadlines, hours of sensor readings) with the in-process
   * network's `evm_*` methods. A sealed chain cannot do that: there the demo says so and goes on without it.
   */
  needsClock?: boolean;
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

/** True when the network can move its clock (`evm_increaseTime`): the in-process Hardhat network and `hardhat node`. */
export async function canMoveClock(hre: HardhatRuntimeEnvironment): Promise<boolean> {
  try {
    await hre.network.provider.send("evm_increaseTime", [0]);
    return true;
  } catch {
    return false;
  }
}
