import { cliHistory } from "../src/history/endpoint";
import fs from "node:fs";
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Wallet } from "ethers";
import type { ColdChain, DeviceRegistry, IConsortium, SupplyChain } from "../typechain-types";
import { openShipment, shipmentReport } from "../src/coldchain";
import { resolveAddress, resolveSigner } from "../src/deployments";
import { mktCenti } from "../src/mkt";
import { textHash } from "../src/supplychain";
import { printTable, short } from "../src/table";
import {
  DEVICE_KIND,
  DeviceSimulator,
  SimulationEvent,
  batchesToJson,
  digestOf,
  loadBatchFile,
  registryDomain,
  relayToColdChain,
  simulateTemperatures,
} from "../src/telemetry";

async function contracts(
  hre: HardhatRuntimeEnvironment,
  args: { coldChain?: string; registry?: string; supply?: string },
) {
  const coldChain = (await hre.ethers.getContractAt(
    "ColdChain",
    await resolveAddress(hre, "ColdChain", args.coldChain),
  )) as unknown as ColdChain;
  const registry = (await hre.ethers.getContractAt(
    "DeviceRegistry",
    args.registry ?? (await coldChain.registry()),
  )) as unknown as DeviceRegistry;
  const supply = (await hre.ethers.getContractAt(
    "SupplyChain",
    args.supply ?? (await coldChain.supplyChain()),
  )) as unknown as SupplyChain;
  return { coldChain, registry, supply };
}

task("pharma:register-device", "A DEVICE_MANAGER registers a temperature sensor; the device key signs the registration")
  .addParam("from", "DEVICE_MANAGER signer (actor key, address or index)")
  .addParam("key", "The device's private key (it proves possession by signing)")
  .addParam("owner", "Owner organisation id", undefined, types.int)
  .addParam("firmware", "Firmware digest (0x…32 bytes) or its text name, already on the allow-list")
  .addOptionalParam("days", "Calibration valid for this many days", 365, types.int)
  .addOptionalParam("metadata", "Metadata (model, serial; only its hash goes on chain)", "")
  .addOptionalParam("coldChain", "ColdChain address")
  .addOptionalParam("registry", "DeviceRegistry address (default: the cold chain's)")
  .setAction(async (args, hre) => {
    const { registry } = await contracts(hre, args);
    const manager = await resolveSigner(hre, args.from);
    const { chainId } = await hre.ethers.provider.getNetwork();
    const sim = new DeviceSimulator(new Wallet(args.key), registryDomain(chainId, await registry.getAddress()));
    const now = Number((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    const firmware = /^0x[0-9a-fA-F]{64}$/.test(args.firmware) ? args.firmware : digestOf(args.firmware);
    const consortium = (await hre.ethers.getContractAt(
      "IConsortium",
      await registry.consortium(),
    )) as unknown as IConsortium;
    const { registration, signature } = await sim.signRegistration({
      kind: DEVICE_KIND.TemperatureSensor,
      ownerOrg: args.owner,
      managerOrg: await consortium.memberOf(await manager.getAddress()),
      nonce: await registry.registrationNonce(sim.address),
      firmware,
      calibratedUntil: now + args.days * 86_400,
      metadataHash: textHash(args.metadata || sim.address),
      deadline: now + 3600,
    });
    const receipt = await (await registry.connect(manager).registerDevice(registration, signature)).wait();
    console.log(`device ${sim.address} registered for organisation ${args.owner} (gas ${receipt!.gasUsed})`);
  });

task("pharma:approve-sensor", "The carrier approves its sensor for the next shipment a sender opens")
  .addParam("from", "The sensor owner's CARRIER signer")
  .addParam("device", "Sensor address")
  .addParam("sender", "Sender organisation id (0 withdraws the approval)", undefined, types.int)
  .addOptionalParam("coldChain", "ColdChain address")
  .setAction(async (args, hre) => {
    const { coldChain } = await contracts(hre, args);
    if (!hre.ethers.isAddress(args.device)) throw new Error(`--device ("${args.device}") is not an address`);
    const carrier = await resolveSigner(hre, args.from);
    await (await coldChain.connect(carrier).approveSensor(args.device, args.sender)).wait();
    console.log(`sensor ${args.device} approved for organisation ${args.sender}`);
  });

task("pharma:shipment", "The sender opens a cold-chain shipment of pallets it holds, watched by registered sensors")
  .addParam("from", "Sender (MANUFACTURER or DISTRIBUTOR signer, custodian of the pallets)")
  .addParam("receiver", "Receiving organisation id", undefined, types.int)
  .addParam("carrier", "Carrier organisation id", undefined, types.int)
  .addParam("pallets", "Comma-separated SSCCs (18 digits)")
  .addParam("devices", "Comma-separated sensor addresses")
  .addOptionalParam("reference", "Shipping document reference (hashed)", "")
  .addOptionalParam("coldChain", "ColdChain address")
  .setAction(async (args, hre) => {
    const { coldChain } = await contracts(hre, args);
    const pallets = String(args.pallets)
      .split(",")
      .map((p: string, i: number) => {
        if (!/^\d{18}$/.test(p.trim())) throw new Error(`--pallets item ${i + 1} ("${p}") is not an 18-digit SSCC`);
        return BigInt(p.trim());
      });
    const devices = String(args.devices)
      .split(",")
      .map((d: string, i: number) => {
        if (!hre.ethers.isAddress(d.trim())) throw new Error(`--devices item ${i + 1} ("${d}") is not an address`);
        return d.trim();
      });
    const sender = await resolveSigner(hre, args.from);
    const id = await openShipment(coldChain, sender, {
      receiver: args.receiver,
      carrier: args.carrier,
      pallets,
      devices,
      referenceHash: textHash(args.reference || `shipment ${Date.now()}`),
    });
    console.log(`shipment ${id} opened: ${pallets.length} pallet(s), ${devices.length} sensor(s)`);
  });

task("pharma:simulate", "A device simulator writes a signed batch file of a reefer journey (for pharma:readings)")
  .addParam("key", "The device's private key")
  .addParam("out", "Output JSON file")
  .addOptionalParam("start", "Unix time of the first reading (default: now - minutes * 60)", undefined, types.int)
  .addOptionalParam("minutes", "Journey length in minutes (one reading a minute)", 400, types.int)
  .addOptionalParam("door", "Minute of a door opening (6 minutes, 11 °C peak)", undefined, types.int)
  .addOptionalParam("dropout", "Minute a 20-minute sensor dropout starts", undefined, types.int)
  .addOptionalParam("failure", "Minute a cooling failure starts (to 14 °C for 60 minutes)", undefined, types.int)
  .addOptionalParam("sequence", "First batch sequence", 1, types.int)
  .addOptionalParam("seed", "PRNG seed", 1, types.int)
  .addOptionalParam("coldChain", "ColdChain address (the batches' sink)")
  .setAction(async (args, hre) => {
    const { coldChain, registry } = await contracts(hre, args);
    const { chainId } = await hre.ethers.provider.getNetwork();
    const sim = new DeviceSimulator(
      new Wallet(args.key),
      registryDomain(chainId, await registry.getAddress()),
      BigInt(args.sequence),
    );
    const now = Number((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    const events: SimulationEvent[] = [];
    if (args.door !== undefined) events.push({ kind: "doorOpen", atMinute: args.door, minutes: 6, peak: 11 });
    if (args.dropout !== undefined) events.push({ kind: "dropout", atMinute: args.dropout, minutes: 20 });
    if (args.failure !== undefined)
      events.push({ kind: "coolingFailure", atMinute: args.failure, minutes: 60, peak: 14 });
    const series = simulateTemperatures({
      start: args.start ?? now - args.minutes * 60,
      interval: 60,
      count: args.minutes,
      setpoint: 5,
      seed: args.seed,
      events,
    });
    const batches = await sim.signSeries(series, await coldChain.getAddress(), 200);
    fs.writeFileSync(args.out, batchesToJson(batches));
    console.log(
      `${series.length} readings in ${batches.length} signed batch(es) → ${args.out} (MKT ${mktCenti(series) / 100} °C)`,
    );
  });

task("pharma:readings", "The gateway relays a file of device-signed batches to a shipment, with progress")
  .addParam("file", "JSON file of signed batches (pharma:simulate or a gateway export)")
  .addParam("shipment", "Shipment id", undefined, types.int)
  .addOptionalParam("from", "Relayer (any funded signer; devices hold no gas)", "0")
  .addOptionalParam("coldChain", "ColdChain address")
  .setAction(async (args, hre) => {
    const batches = loadBatchFile(args.file);
    const { coldChain } = await contracts(hre, args);
    const relayer = await resolveSigner(hre, args.from);
    const results = await relayToColdChain(coldChain, relayer, BigInt(args.shipment), batches, true);
    printTable(
      ["sequence", "readings", "gas", "gas/reading", "alarms"],
      results.map((r) => [r.sequence, r.readings, r.gas, Math.round(Number(r.gas) / r.readings), r.alarms]),
      `Relayed ${results.length} batch(es) to shipment ${args.shipment}`,
    );
  });

task("pharma:status", "Shows a shipment: status, lots and their quarantine, sensors and readings, alarms")
  .addPositionalParam("shipment", "Shipment id", undefined, types.int)
  .addOptionalParam("coldChain", "ColdChain address")
  .setAction(async (args, hre) => {
    const { coldChain, supply } = await contracts(hre, args);
    const r = await shipmentReport(coldChain, supply, BigInt(args.shipment), await cliHistory(hre));
    console.log(
      `shipment ${r.id}: ${r.status} — sender ${r.sender} → receiver ${r.receiver} via carrier ${r.carrier}, ` +
        `storage class ${r.storageClass}${r.mktCenti === null ? "" : `, MKT ${r.mktCenti / 100} °C`}`,
    );
    printTable(
      ["lot", "quarantined", "destroyed"],
      r.lots.map((l) => [short(l.lotId), l.quarantined, l.destroyed]),
      "Lots",
    );
    printTable(
      ["sensor", "readings", "first…last batch values (°C)", "time outside range"],
      r.devices.map((d) => [
        short(d.device),
        d.readings,
        `${d.first / 100} … ${d.last / 100}`,
        `${Math.round(d.outsideSeconds / 60)} min`,
      ]),
      "Sensors",
    );
    printTable(
      ["block", "sensor", "kind", "at", "deviation (°C)", "duration"],
      r.alarms.map((a) => [
        a.block,
        short(a.device),
        a.kind,
        new Date(a.at * 1000).toISOString(),
        a.deviation / 100,
        `${Math.round(a.duration / 60)} min`,
      ]),
      r.alarms.length ? "Excursion alarms" : "No excursion alarm",
    );
  });
