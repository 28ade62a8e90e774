import fs from "node:fs";
import cliProgress from "cli-progress";
import { AbiCoder, BaseWallet, TypedDataDomain, keccak256, solidityPacked } from "ethers";
import type { Signer } from "ethers";
import { z } from "zod";
import type { ColdChain, DeviceRegistry, IDeviceTelemetry } from "../typechain-types";

/**
 * Device side of the telemetry: a simulator that produces realistic cold-room temperature series, the packed
 * reading format, EIP-712 signing of registrations and batches with the device's own key, the per-batch Merkle
 * tree (same shape as the contract's) with single-reading proofs, and a gateway that relays signed batches.
 */

/** One reading: unix time in seconds and temperature in centi-degrees Celsius. */
export interface Reading {
  time: number;
  centi: number;
}

/** A batch as the device signs it (the contract's `TelemetryBatch`). */
export interface Batch {
  device: string;
  sequence: bigint;
  baseTime: bigint;
  sink: string;
  readings: string;
}

/** A batch with the device's signature and the readings it packs. */
export interface SignedBatch {
  batch: Batch;
  signature: string;
  series: Reading[];
}

/** Most readings a batch may hold (the contract's MAX_READINGS). */
export const MAX_READINGS = 1024;
/** Offsets from the batch's base time are uint16. */
export const MAX_OFFSET = 0xffff;
/** A watch that watches for nothing (direct relays to the registry). */
export const NO_WATCH = { low: -32768, high: 32767, hardLow: -32768, hardHigh: 32767, maxInterval: 65535 };
/** Device kinds (contracts/libraries/DeviceKinds.sol). */
export const DEVICE_KIND = { TemperatureSensor: 1, PowerMeter: 2, VendingController: 3 } as const;

export const REGISTRATION_TYPES = {
  Registration: [
    { name: "device", type: "address" },
    { name: "kind", type: "uint8" },
    { name: "ownerOrg", type: "uint32" },
    { name: "managerOrg", type: "uint32" },
    { name: "firmware", type: "bytes32" },
    { name: "calibratedUntil", type: "uint64" },
    { name: "metadataHash", type: "bytes32" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint64" },
  ],
};

export const BATCH_TYPES = {
  TelemetryBatch: [
    { name: "device", type: "address" },
    { name: "sequence", type: "uint64" },
    { name: "baseTime", type: "uint64" },
    { name: "sink", type: "address" },
    { name: "readings", type: "bytes" },
  ],
};

/** The registry's EIP-712 domain. */
export function registryDomain(chainId: bigint | number, registry: string): TypedDataDomain {
  return { name: "CityChain DeviceRegistry", version: "1", chainId, verifyingContract: registry };
}

/** Packs readings as the contract expects: 4 bytes each, uint16 seconds after `baseTime`, int16 centi-degrees. */
export function packReadings(series: readonly Reading[], baseTime: number): string {
  if (series.length === 0 || series.length > MAX_READINGS) {
    throw new Error(`a batch holds 1..${MAX_READINGS} readings, not ${series.length}`);
  }
  let hex = "0x";
  let previous = -1;
  series.forEach((r, i) => {
    const offset = r.time - baseTime;
    if (!Number.isInteger(offset) || offset < 0 || offset > MAX_OFFSET) {
      throw new Error(`reading ${i}: time ${r.time} is not within 0..${MAX_OFFSET} s of the base time ${baseTime}`);
    }
    if (offset <= previous) throw new Error(`reading ${i}: times must strictly increase`);
    if (!Number.isInteger(r.centi) || r.centi < -32768 || r.centi > 32767) {
      throw new Error(`reading ${i}: ${r.centi} centi-degrees does not fit int16`);
    }
    previous = offset;
    hex += offset.toString(16).padStart(4, "0") + (r.centi & 0xffff).toString(16).padStart(4, "0");
  });
  return hex;
}

/** The inverse of `packReadings`. */
export function unpackReadings(packed: string, baseTime: number): Reading[] {
  const hex = packed.startsWith("0x") ? packed.slice(2) : packed;
  if (hex.length % 8 !== 0) throw new Error("packed readings are 4 bytes each");
  const out: Reading[] = [];
  for (let i = 0; i < hex.length; i += 8) {
    const offset = parseInt(hex.slice(i, i + 4), 16);
    const raw = parseInt(hex.slice(i + 4, i + 8), 16);
    out.push({ time: baseTime + offset, centi: raw >= 0x8000 ? raw - 0x10000 : raw });
  }
  return out;
}

/** Splits a series into batches of at most `size` readings whose offsets fit uint16. */
export function splitIntoBatches(series: readonly Reading[], size = 200): Reading[][] {
  if (size < 1 || size > MAX_READINGS) throw new Error(`batch size must be 1..${MAX_READINGS}`);
  const batches: Reading[][] = [];
  let current: Reading[] = [];
  for (const r of series) {
    if (current.length === size || (current.length > 0 && r.time - current[0].time > MAX_OFFSET)) {
      batches.push(current);
      current = [];
    }
    current.push(r);
  }
  if (current.length) batches.push(current);
  return batches;
}

function hashPair(a: string, b: string): string {
  return BigInt(a) < BigInt(b)
    ? keccak256(solidityPacked(["bytes32", "bytes32"], [a, b]))
    : keccak256(solidityPacked(["bytes32", "bytes32"], [b, a]));
}

/**
 * The Merkle tree of one batch, built like `DeviceRegistry`: leaves are the 32-byte words of packed readings
 * (8 per word, the last zero-padded) hashed with the base time, count and word index; sorted pairs; an odd last
 * node carried up unchanged. A reading is proven with its word and the word's path.
 */
export class ReadingTree {
  readonly words: string[];
  readonly levels: string[][];

  constructor(
    readonly baseTime: bigint,
    readonly packed: string,
  ) {
    const hex = packed.slice(2);
    this.count = hex.length / 8;
    this.words = [];
    for (let i = 0; i < hex.length; i += 64) this.words.push("0x" + hex.slice(i, i + 64).padEnd(64, "0"));
    let level = this.words.map((w, i) =>
      keccak256(solidityPacked(["uint64", "uint16", "uint16", "bytes32"], [baseTime, this.count, i, w])),
    );
    this.levels = [level];
    while (level.length > 1) {
      const next: string[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(hashPair(level[i], level[i + 1]));
      if (level.length % 2 === 1) next.push(level[level.length - 1]);
      this.levels.push(next);
      level = next;
    }
  }

  readonly count: number;

  get root(): string {
    return this.levels[this.levels.length - 1][0];
  }

  /** What the registry stores for the batch (`batchRoot`): the full 256-bit root. */
  get anchor(): string {
    return this.root;
  }

  /** The word holding reading `index` and the Merkle proof of that word. */
  proof(index: number): { word: string; proof: string[] } {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) throw new Error(`no reading ${index}`);
    let position = Math.floor(index / 8);
    const proof: string[] = [];
    for (const level of this.levels.slice(0, -1)) {
      const sibling = position ^ 1;
      if (sibling < level.length) proof.push(level[sibling]);
      position >>= 1;
    }
    return { word: this.words[Math.floor(index / 8)], proof };
  }
}

/** Deterministic PRNG (mulberry32) so simulated series and tests reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An event in a simulated journey. Times are minutes after the start. */
export interface SimulationEvent {
  kind: "doorOpen" | "dropout" | "coolingFailure";
  atMinute: number;
  minutes: number;
  /** Peak temperature in °C (doorOpen, coolingFailure). */
  peak?: number;
}

export interface SimulationOptions {
  /** Unix time of the first reading. */
  start: number;
  /** Seconds between readings. */
  interval: number;
  /** Number of reading slots (a dropout removes some). */
  count: number;
  /** Set point in °C (5 for a 2–8 °C reefer). */
  setpoint: number;
  seed: number;
  events?: SimulationEvent[];
}

/**
 * A refrigerated trailer: the compressor cycles the air ±0.6 °C around the set point (20-minute period), the
 * sensor adds ±0.08 °C noise; a door opening pulls the air towards ambient with a 3-minute time constant and
 * recovers with a 6-minute one; a cooling failure warms slowly to its peak; a dropout yields no readings at all.
 */
export function simulateTemperatures(o: SimulationOptions): Reading[] {
  const rand = prng(o.seed);
  const out: Reading[] = [];
  for (let i = 0; i < o.count; i++) {
    const minute = (i * o.interval) / 60;
    const silent = (o.events ?? []).some(
      (e) => e.kind === "dropout" && minute >= e.atMinute && minute < e.atMinute + e.minutes,
    );
    if (silent) continue;
    let c = o.setpoint + 0.6 * Math.sin((2 * Math.PI * minute) / 20) + (rand() - 0.5) * 0.16;
    for (const e of o.events ?? []) {
      if (e.kind === "dropout" || minute < e.atMinute) continue;
      const peak = e.peak ?? 12;
      const since = minute - e.atMinute;
      const tau = e.kind === "doorOpen" ? 3 : 25;
      const rise = (peak - o.setpoint) * (1 - Math.exp(-Math.min(since, e.minutes) / tau));
      c += since <= e.minutes ? rise : rise * Math.exp(-(since - e.minutes) / 6);
    }
    out.push({ time: o.start + i * o.interval, centi: Math.round(c * 100) });
  }
  return out;
}

/** A device: its own key, its next sequence number, and the registry domain it signs for. */
export class DeviceSimulator {
  private nextSequence: bigint;

  constructor(
    readonly wallet: BaseWallet,
    readonly domain: TypedDataDomain,
    firstSequence = 1n,
  ) {
    this.nextSequence = firstSequence;
  }

  get address(): string {
    return this.wallet.address;
  }

  /**
   * Signs the registration the named DEVICE_MANAGER organisation (`managerOrg`) will submit (proof of possession of
   * the device key). `nonce` is the device's `registrationNonce` (0 for a device never registered).
   */
  async signRegistration(
    r: Omit<IDeviceTelemetry.RegistrationStruct, "device" | "nonce"> & { nonce?: bigint | number },
  ): Promise<{
    registration: IDeviceTelemetry.RegistrationStruct;
    signature: string;
  }> {
    const registration = { ...r, nonce: r.nonce ?? 0, device: this.wallet.address };
    return { registration, signature: await this.wallet.signTypedData(this.domain, REGISTRATION_TYPES, registration) };
  }

  /** Packs and signs readings as consecutive batches of at most `size` for the contract `sink`. */
  async signSeries(series: readonly Reading[], sink: string, size = 200): Promise<SignedBatch[]> {
    const out: SignedBatch[] = [];
    for (const part of splitIntoBatches(series, size)) {
      const baseTime = part[0].time;
      const batch: Batch = {
        device: this.wallet.address,
        sequence: this.nextSequence++,
        baseTime: BigInt(baseTime),
        sink,
        readings: packReadings(part, baseTime),
      };
      out.push({ batch, signature: await this.wallet.signTypedData(this.domain, BATCH_TYPES, batch), series: part });
    }
    return out;
  }
}

/** Signs one batch with a device key (used by tests to forge or replay on purpose). */
export async function signBatch(wallet: BaseWallet, domain: TypedDataDomain, batch: Batch): Promise<string> {
  return wallet.signTypedData(domain, BATCH_TYPES, batch);
}

/** What the gateway did with one batch. */
export interface SubmissionResult {
  sequence: bigint;
  readings: number;
  gas: bigint;
  alarms: number;
}

/**
 * The gateway: relays signed batches to the cold-chain contract for a shipment (the relayer pays the gas, the
 * device never holds any), with a progress bar when asked.
 */
export async function relayToColdChain(
  coldChain: ColdChain,
  relayer: Signer,
  shipmentId: bigint,
  batches: readonly SignedBatch[],
  progress = false,
): Promise<SubmissionResult[]> {
  const bar = progress
    ? new cliProgress.SingleBar(
        { format: "  gateway {bar} {value}/{total} batches | {readings} readings", hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(batches.length, 0, { readings: 0 });
  const results: SubmissionResult[] = [];
  let readings = 0;
  try {
    for (const b of batches) {
      const receipt = await (await coldChain.connect(relayer).submitReadings(shipmentId, b.batch, b.signature)).wait();
      if (!receipt) throw new Error("batch transaction was not mined");
      const alarms = receipt.logs.filter((l) => {
        try {
          return coldChain.interface.parseLog(l)?.name === "ExcursionAlarmed";
        } catch {
          return false;
        }
      }).length;
      readings += b.series.length;
      results.push({ sequence: b.batch.sequence, readings: b.series.length, gas: receipt.gasUsed, alarms });
      bar?.increment(1, { readings });
    }
  } finally {
    bar?.stop();
  }
  return results;
}

/** Relays signed batches straight to the registry (devices whose batches are not for a shipment). */
export async function relayToRegistry(registry: DeviceRegistry, relayer: Signer, batches: readonly SignedBatch[]) {
  const gas: bigint[] = [];
  for (const b of batches) {
    const receipt = await (await registry.connect(relayer).submitBatch(b.batch, b.signature, NO_WATCH)).wait();
    gas.push(receipt!.gasUsed);
  }
  return gas;
}

/** A firmware digest or metadata hash from text. */
export function digestOf(text: string): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["string"], [text]));
}

/** Serialises signed batches to JSON (bigints as strings) for `pharma:readings --file`. */
export function batchesToJson(batches: readonly SignedBatch[]): string {
  return JSON.stringify(
    batches.map((b) => ({
      batch: { ...b.batch, sequence: b.batch.sequence.toString(), baseTime: b.batch.baseTime.toString() },
      signature: b.signature,
      series: b.series,
    })),
    null,
    1,
  );
}

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address");

/** The JSON a device gateway writes (`pharma:simulate`, or a real gateway's export). */
const batchFile = z
  .array(
    z.object({
      batch: z.object({
        device: address,
        sequence: z.string().regex(/^\d+$/, "a decimal sequence"),
        baseTime: z.string().regex(/^\d+$/, "a decimal unix time"),
        sink: address,
        readings: z.string().regex(/^0x([0-9a-fA-F]{8})+$/, "packed 4-byte readings"),
      }),
      signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "a 65-byte signature"),
      series: z.array(z.object({ time: z.number().int(), centi: z.number().int() })),
    }),
  )
  .min(1, "the file holds no batch");

/** Reads and validates a batch file with field-precise messages. */
export function loadBatchFile(file: string): SignedBatch[] {
  if (!fs.existsSync(file)) throw new Error(`${file}: file not found`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`);
  }
  const parsed = batchFile.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 20).map((i) => `  batch ${i.path.join(".")}: ${i.message}`);
    throw new Error(`${file} is not a valid batch file:\n${problems.join("\n")}`);
  }
  return parsed.data.map((b) => ({
    batch: { ...b.batch, sequence: BigInt(b.batch.sequence), baseTime: BigInt(b.batch.baseTime) },
    signature: b.signature,
    series: b.series,
  }));
}
