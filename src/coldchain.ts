import { getAddress } from "ethers";
import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { ColdChain, DeviceRegistry, IColdChain, SupplyChain } from "../typechain-types";
import { deployProxied } from "./deploy/proxy";
import type { HistoryClient } from "./history/client";
import { type SerialTree, textHash } from "./supplychain";
import {
  EpcisError,
  type ObjectEvent,
  type SensorElement,
  demoGln,
  receivingEvent,
  temperatureSensorElement,
} from "./epcis";
import type { Reading, SignedBatch } from "./telemetry";

/**
 * Cold-chain SDK: deployment, the reference storage classes, and the decisions that span the cold-chain and
 * supply-chain contracts (a REGULATOR releases or destroys a shipment and its lots together).
 */

export const SHIPMENT_STATUS = ["None", "InTransit", "Quarantined", "Released", "Received", "Destroyed"] as const;
export const EXCURSION_KIND = ["None", "HardBound", "Cumulative", "Gap", "SequenceGap"] as const;

/** Reference storage classes (centi-degrees, seconds). */
export const STORAGE_CLASSES = {
  refrigerated: {
    name: "Refrigerated 2–8 °C",
    rule: { hardMin: 0, hardMax: 1500, low: 200, high: 800, allowance: 30 * 60, maxGap: 15 * 60, defined: true },
  },
  frozen: {
    name: "Frozen −25…−15 °C",
    rule: {
      hardMin: -3000,
      hardMax: -1000,
      low: -2500,
      high: -1500,
      allowance: 20 * 60,
      maxGap: 15 * 60,
      defined: true,
    },
  },
  controlledRoom: {
    name: "Controlled room 15–25 °C",
    rule: { hardMin: 200, hardMax: 4000, low: 1500, high: 2500, allowance: 24 * 3600, maxGap: 60 * 60, defined: true },
  },
} as const satisfies Record<string, { name: string; rule: IColdChain.StorageClassStruct }>;

export interface PharmaSystem {
  registry: DeviceRegistry;
  coldChain: ColdChain;
}

/** Deploys the device registry behind its ERC-1967 proxy (UUPS) and returns its binding at the proxy. */
export async function deployDeviceRegistry(
  hre: HardhatRuntimeEnvironment,
  consortium: string,
  deployer: Signer,
): Promise<DeviceRegistry> {
  const { contract } = await deployProxied<DeviceRegistry>(hre, "DeviceRegistry", [consortium], [], deployer);
  return contract;
}

/**
 * Deploys the device registry and the cold chain, each behind its ERC-1967 proxy (the cold chain's implementation
 * is wired to the registry's and the supply chain's proxies); the regulator makes the cold chain a supply-chain
 * guardian.
 */
export async function deployPharma(
  hre: HardhatRuntimeEnvironment,
  consortium: string,
  supplyChain: SupplyChain,
  deployer: Signer,
  regulator: Signer,
): Promise<PharmaSystem> {
  const registry = await deployDeviceRegistry(hre, consortium, deployer);
  const { contract: coldChain } = await deployProxied<ColdChain>(
    hre,
    "ColdChain",
    [consortium, await registry.getAddress(), await supplyChain.getAddress()],
    [],
    deployer,
  );
  await (await supplyChain.connect(regulator).setGuardian(await coldChain.getAddress(), true)).wait();
  return { registry, coldChain };
}

/** Defines a storage class and returns its id. */
export async function defineStorageClass(
  coldChain: ColdChain,
  regulator: Signer,
  name: string,
  rule: IColdChain.StorageClassStruct,
): Promise<bigint> {
  const receipt = await (await coldChain.connect(regulator).defineStorageClass(rule, textHash(name))).wait();
  for (const log of receipt!.logs) {
    const parsed = coldChain.interface.parseLog(log);
    if (parsed?.name === "StorageClassDefined") return parsed.args.id as bigint;
  }
  throw new Error("no StorageClassDefined event");
}

/**
 * Packs serials of a Merkle lot held by `packer` into pallet `sscc` (one multiproof): what a cold-chain shipment
 * names, since the sender must be the custodian of every pallet it ships.
 */
export async function packPallet(
  supplyChain: SupplyChain,
  packer: Signer,
  sscc: bigint,
  lotId: string,
  tree: SerialTree,
  serials: string[],
): Promise<void> {
  const mp = tree.multiProof(serials);
  await (await supplyChain.connect(packer).packItems(sscc, lotId, mp.serialHashes, mp.proof, mp.proofFlags)).wait();
}

/** The carrier approves each of its sensors for the next shipment `senderOrg` opens. */
export async function approveSensors(
  coldChain: ColdChain,
  carrier: Signer,
  devices: string[],
  senderOrg: number | bigint,
): Promise<void> {
  for (const d of devices) await (await coldChain.connect(carrier).approveSensor(d, senderOrg)).wait();
}

/** Opens a shipment and returns its id. */
export async function openShipment(
  coldChain: ColdChain,
  sender: Signer,
  input: IColdChain.ShipmentInputStruct,
): Promise<bigint> {
  const receipt = await (await coldChain.connect(sender).openShipment(input)).wait();
  for (const log of receipt!.logs) {
    const parsed = coldChain.interface.parseLog(log);
    if (parsed?.name === "ShipmentOpened") return parsed.args.id as bigint;
  }
  throw new Error("no ShipmentOpened event");
}

/**
 * The regulator's decision on a quarantined shipment. Release: the shipment and every pallet the alarm quarantined
 * in the supply chain are released. Destroy: the shipment is closed as destroyed and its pallets stay quarantined
 * (they can never be unpacked, packed or moved again); whole lots are not touched (destroying a lot chain-wide is
 * a separate regulator decision, `destroyLot`).
 */
export async function decideQuarantine(
  coldChain: ColdChain,
  supplyChain: SupplyChain,
  regulator: Signer,
  shipmentId: bigint,
  decision: "release" | "destroy",
  reason: string,
): Promise<void> {
  const reasonHash = textHash(reason);
  const pallets = await coldChain.shipmentPallets(shipmentId);
  if (decision === "release") {
    await (await coldChain.connect(regulator).releaseShipment(shipmentId, reasonHash)).wait();
    for (const sscc of pallets) {
      if ((await supplyChain.pallet(sscc)).quarantined) {
        await (await supplyChain.connect(regulator).setPalletQuarantine(sscc, false, reasonHash)).wait();
      }
    }
  } else {
    await (await coldChain.connect(regulator).destroyShipment(shipmentId, reasonHash)).wait();
  }
}

/** A shipment's status with its alarms and sensors, in words (for `pharma:status` and the demo). */
export interface ShipmentReport {
  id: bigint;
  status: (typeof SHIPMENT_STATUS)[number];
  sender: number;
  carrier: number;
  receiver: number;
  storageClass: number;
  lots: { lotId: string; quarantined: boolean; destroyed: boolean }[];
  pallets: { sscc: bigint; quarantined: boolean }[];
  devices: { device: string; readings: number; first: number; last: number; outsideSeconds: number }[];
  alarms: { device: string; kind: string; at: number; deviation: number; duration: number; block: number }[];
  mktCenti: number | null;
}

/**
 * A shipment's current state from the contracts' views (status, lots, pallets, devices) with its history (readings,
 * alarms, receipt) from the indexer.
 */
export async function shipmentReport(
  coldChain: ColdChain,
  supplyChain: SupplyChain,
  id: bigint,
  history: HistoryClient,
): Promise<ShipmentReport> {
  const s = await coldChain.shipment(id);
  if (Number(s.status) === 0) throw new Error(`shipment ${id} does not exist`);
  const [lots, pallets, devices, past] = await Promise.all([
    coldChain.shipmentLots(id),
    coldChain.shipmentPallets(id),
    coldChain.shipmentDevices(id),
    history.shipment(id),
  ]);
  const { readings, alarms, receipt } = past.data;
  return {
    id,
    status: SHIPMENT_STATUS[Number(s.status)],
    sender: Number(s.sender),
    carrier: Number(s.carrier),
    receiver: Number(s.receiver),
    storageClass: Number(s.storageClass),
    lots: await Promise.all(
      lots.map(async (lotId) => {
        const l = await supplyChain.lot(lotId);
        return { lotId, quarantined: l.quarantined, destroyed: l.destroyed };
      }),
    ),
    pallets: await Promise.all(
      pallets.map(async (sscc) => ({ sscc, quarantined: (await supplyChain.pallet(sscc)).quarantined })),
    ),
    devices: devices.map((device) => {
      const mine = readings.filter((e) => e.device.toLowerCase() === device.toLowerCase());
      return {
        device,
        readings: mine.reduce((n, e) => n + e.count, 0),
        first: mine.length ? mine[0].firstValue : 0,
        last: mine.length ? mine[mine.length - 1].lastValue : 0,
        outsideSeconds: mine.length ? mine[mine.length - 1].outside : 0,
      };
    }),
    alarms: alarms.map((e) => ({
      device: getAddress(e.device),
      kind: EXCURSION_KIND[e.kind],
      at: Number(e.at),
      deviation: e.deviation,
      duration: e.duration,
      block: Number(e.blockNumber),
    })),
    mktCenti: receipt ? receipt.mkt : null,
  };
}

/** A signed logger in EPCIS `sensorMetadata.deviceID`: its account as a CAIP-10 `did:pkh` URI on this chain. */
export function deviceUri(chainId: bigint | number, device: string): string {
  return `did:pkh:eip155:${chainId}:${getAddress(device)}`;
}

/**
 * A cold-chain shipment's readings as EPCIS 2.0 sensor elements (`sensorElementList`): one element per device, one
 * Temperature report per reading, in time order. The input is the signed batches the gateway relayed (each one
 * anchored on chain by the device registry's Merkle root and evaluated by the cold-chain contract), so every
 * reported value is one the contract saw; an empty batch list is refused.
 */
export function shipmentSensorElements(chainId: bigint | number, batches: readonly SignedBatch[]): SensorElement[] {
  if (batches.length === 0) throw new EpcisError("a shipment's sensor elements need at least one signed batch");
  const byDevice = new Map<string, Reading[]>();
  for (const b of batches) {
    const device = getAddress(b.batch.device);
    byDevice.set(device, [...(byDevice.get(device) ?? []), ...b.series]);
  }
  return [...byDevice].map(([device, series]) =>
    temperatureSensorElement(
      [...series].sort((x, y) => x.time - y.time).map((r) => ({ time: r.time, centiCelsius: r.centi })),
      deviceUri(chainId, device),
    ),
  );
}

/**
 * The receiving event of a cold-chain shipment's pallet at its receiver (ObjectEvent OBSERVE, `receiving`) with the
 * journey's readings as its `sensorElementList`: sellable when the contract accepted the receipt, non-sellable
 * when it quarantined the shipment instead. Sites and parties are the members' `demoGln(orgId)`; anchor it with
 * the receiver's key (`anchorOf` validates it first).
 */
export function coldChainReceivingEvent(p: {
  sscc: bigint;
  sender: number;
  receiver: number;
  owner: number;
  time: number;
  sellable: boolean;
  sensorElements: SensorElement[];
}): ObjectEvent {
  return receivingEvent({
    time: p.time,
    readPoint: demoGln(p.receiver),
    bizLocation: demoGln(p.receiver),
    what: { sscc: p.sscc },
    sellable: p.sellable,
    from: { owner: demoGln(p.owner), possessor: demoGln(p.sender) },
    to: { owner: demoGln(p.owner), possessor: demoGln(p.receiver) },
    sensorElements: p.sensorElements,
  });
}
