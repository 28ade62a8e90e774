import { AbiCoder, keccak256, type BaseWallet, type Signer, type TypedDataDomain } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { AssetPPA, AssetRegistry, AssetVending, IAssetPPA, IAssetVending } from "../typechain-types";
import { prng } from "./telemetry";
import { deployProxied } from "./deploy/proxy";

/** A register batch as the contracts take it (IAssetPPA.MeterBatch). */
export type MeterBatch = IAssetPPA.MeterBatchStruct;
/** PPA terms (IAssetPPA.Terms). */
export type PpaTerms = IAssetPPA.TermsStruct;
/** Vending terms (IAssetVending.Terms). */
export type VendingTerms = IAssetVending.TermsStruct;

/** The EIP-712 type a meter or vending controller signs (same type for both contracts, different domains). */
export const METER_BATCH_TYPES = {
  MeterBatch: [
    { name: "device", type: "address" },
    { name: "assetId", type: "uint256" },
    { name: "sequence", type: "uint64" },
    { name: "startTime", type: "uint64" },
    { name: "interval", type: "uint32" },
    { name: "registers", type: "bytes" },
  ],
};

/** Quarter-hour readings. */
export const QUARTER_HOUR = 900;
/** Readings in a day at 15-minute intervals. */
export const READINGS_PER_DAY = 96;

/** The PPA contract's EIP-712 domain. */
export function ppaDomain(chainId: bigint | number, ppa: string): TypedDataDomain {
  return { name: "CityChain AssetPPA", version: "1", chainId, verifyingContract: ppa };
}

/** The vending ledger's EIP-712 domain. */
export function vendingDomain(chainId: bigint | number, vending: string): TypedDataDomain {
  return { name: "CityChain AssetVending", version: "1", chainId, verifyingContract: vending };
}

/** Packs cumulative registers as big-endian uint64 words (8 bytes each). */
export function packRegisters(values: readonly bigint[]): string {
  let hex = "0x";
  for (const v of values) {
    if (v < 0n || v >= 1n << 64n) throw new RangeError(`register ${v} does not fit uint64`);
    hex += v.toString(16).padStart(16, "0");
  }
  return hex;
}

/** Unpacks `packRegisters`. */
export function unpackRegisters(packed: string): bigint[] {
  const hex = packed.startsWith("0x") ? packed.slice(2) : packed;
  const out: bigint[] = [];
  for (let i = 0; i < hex.length; i += 16) out.push(BigInt("0x" + hex.slice(i, i + 16)));
  return out;
}

/** The hash a PPA party accepts (keccak256 of the ABI-encoded terms, as the contract computes it). */
export function ppaTermsHash(t: PpaTerms): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      [
        "tuple(address meter,address paymentToken,address payer,uint32 gridOrg,uint32 propertyOrg,uint32 period,uint64 capacityW,uint128 tariff,uint128 rentPerKWh,uint16 rentBps,uint16 omBps,uint64 openingRegister)",
      ],
      [t],
    ),
  );
}

export interface SolarDayOptions {
  /** Plant capacity in W (peak AC output). */
  capacityW: number;
  /** Day of year (0..365) for day length; the city sits at about 48° N. */
  dayOfYear: number;
  seed: number;
  /** 0: clear sky; 1: overcast (output down to ~20 %). */
  cloudiness?: number;
}

/**
 * Energy (Wh) per quarter hour over one day (96 values): a clear-sky bell between sunrise and sunset (day length
 * from the day of year at ~48° N), ~80 % of nameplate at solar noon in summer, scaled by passing clouds that
 * wander around the day's cloudiness. Never above what the capacity allows in 15 minutes.
 */
export function solarDay(o: SolarDayOptions): number[] {
  const rand = prng(o.seed);
  const declination = 23.44 * Math.sin(((2 * Math.PI) / 365) * (o.dayOfYear - 81));
  const lat = (48 * Math.PI) / 180;
  const dec = (declination * Math.PI) / 180;
  const hourAngle = Math.acos(Math.max(-1, Math.min(1, -Math.tan(lat) * Math.tan(dec))));
  const dayHours = (2 * hourAngle * 180) / Math.PI / 15;
  const sunrise = 12 - dayHours / 2;
  const peak = 0.55 + 0.25 * Math.sin(((2 * Math.PI) / 365) * (o.dayOfYear - 81));
  const base = o.cloudiness ?? 0.2;
  let cloud = base;
  const out: number[] = [];
  for (let q = 0; q < READINGS_PER_DAY; q++) {
    const hour = (q + 0.5) / 4;
    const x = (hour - sunrise) / dayHours;
    cloud = Math.max(0, Math.min(1, cloud + (rand() - 0.5) * 0.15 + (base - cloud) * 0.1));
    const sun = x > 0 && x < 1 ? Math.pow(Math.sin(Math.PI * x), 1.3) : 0;
    const watts = o.capacityW * peak * sun * (1 - 0.8 * cloud);
    out.push(Math.max(0, Math.floor(watts / 4)));
  }
  return out;
}

/** A meter (or vending controller): its key, its register and the next sequence it signs. */
export class MeterSimulator {
  register: bigint;
  sequence: bigint;

  constructor(
    readonly wallet: BaseWallet,
    readonly domain: TypedDataDomain,
    openingRegister = 0n,
    firstSequence = 1n,
  ) {
    this.register = openingRegister;
    this.sequence = firstSequence;
  }

  get address(): string {
    return this.wallet.address;
  }

  /** Serialised (demo export, logs) as its public state only: never the device key. */
  toJSON(): { address: string; register: string; sequence: string } {
    return { address: this.wallet.address, register: this.register.toString(), sequence: this.sequence.toString() };
  }

  /**
   * Signs one batch of cumulative registers: `increments[i]` is the energy (Wh) or sales of step i, the register
   * read at `startTime + i · interval` includes it.
   */
  async sign(
    assetId: bigint | number,
    startTime: number,
    increments: readonly (number | bigint)[],
    interval = QUARTER_HOUR,
  ): Promise<{ batch: MeterBatch; signature: string; total: bigint }> {
    const registers: bigint[] = [];
    let total = 0n;
    for (const inc of increments) {
      total += BigInt(inc);
      registers.push(this.register + total);
    }
    this.register += total;
    const batch: MeterBatch = {
      device: this.wallet.address,
      assetId,
      sequence: this.sequence++,
      startTime,
      interval,
      registers: packRegisters(registers),
    };
    return { batch, signature: await this.wallet.signTypedData(this.domain, METER_BATCH_TYPES, batch), total };
  }
}

/** Signs a batch as given (tests forge and replay on purpose). */
export async function signMeterBatch(wallet: BaseWallet, domain: TypedDataDomain, batch: MeterBatch): Promise<string> {
  return wallet.signTypedData(domain, METER_BATCH_TYPES, batch);
}

/** The metered revenue contracts. */
export interface MeteringSystem {
  ppa: AssetPPA;
  vending: AssetVending;
}

/** Deploys the PPA and vending contracts (each behind its UUPS proxy) and binds them to the asset registry (its deployer, once). */
export async function deployMetering(
  hre: HardhatRuntimeEnvironment,
  registry: AssetRegistry,
  deviceRegistry: string,
  deployer?: Signer,
): Promise<MeteringSystem> {
  const consortium = await registry.consortium();
  const registryAddress = await registry.getAddress();
  const { contract: ppa } = await deployProxied<AssetPPA>(
    hre,
    "AssetPPA",
    [consortium, registryAddress, deviceRegistry],
    [],
    deployer,
  );
  const { contract: vending } = await deployProxied<AssetVending>(
    hre,
    "AssetVending",
    [consortium, registryAddress, deviceRegistry],
    [],
    deployer,
  );
  await (
    await registry.connect(deployer ?? null).bindMetering(await ppa.getAddress(), await vending.getAddress())
  ).wait();
  return { ppa, vending };
}

/** One settlement's waterfall as read from its events. */
export interface Waterfall {
  energyWh: bigint;
  value: bigint;
  paid: bigint;
  rent: bigint;
  om: bigint;
  investors: bigint;
  dust: bigint;
  arrears: bigint;
}

/** Settles a signed batch and returns its waterfall (zeros when the batch was held for review). */
export async function settleBatch(
  ppa: AssetPPA,
  relayer: Signer,
  signed: { batch: MeterBatch; signature: string },
): Promise<Waterfall & { held: boolean; gasUsed: bigint }> {
  const receipt = await (await ppa.connect(relayer).settle(signed.batch, signed.signature)).wait();
  const w = { energyWh: 0n, value: 0n, paid: 0n, rent: 0n, om: 0n, investors: 0n, dust: 0n, arrears: 0n, held: false };
  for (const log of receipt?.logs ?? []) {
    let parsed;
    try {
      parsed = ppa.interface.parseLog(log);
    } catch {
      continue;
    }
    if (parsed?.name === "PpaSettled") {
      w.energyWh = parsed.args.energyWh as bigint;
      w.value = parsed.args.value as bigint;
    } else if (parsed?.name === "PpaWaterfall") {
      w.paid = parsed.args.paid as bigint;
      w.rent = parsed.args.rent as bigint;
      w.om = parsed.args.om as bigint;
      w.investors = parsed.args.investors as bigint;
      w.dust = parsed.args.dust as bigint;
      w.arrears = parsed.args.arrears as bigint;
    } else if (parsed?.name === "PpaMeterAlarm") {
      w.held = true;
      w.energyWh = parsed.args.energyWh as bigint;
    }
  }
  return { ...w, gasUsed: receipt?.gasUsed ?? 0n };
}
