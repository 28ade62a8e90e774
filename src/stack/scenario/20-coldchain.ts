import { Wallet, zeroPadValue } from "ethers";
import type { ColdChain, DeviceRegistry, SupplyChain } from "../../../typechain-types";
import { STORAGE_CLASSES, approveSensors, defineStorageClass, deployPharma, packPallet } from "../../coldchain";
import { makeSscc } from "../../gs1";
import { SerialTree, textHash } from "../../supplychain";
import {
  DEVICE_KIND,
  DeviceSimulator,
  digestOf,
  registryDomain,
  relayToColdChain,
  simulateTemperatures,
} from "../../telemetry";
import { DemoChapter, requireCity, say } from "../../demo/context";
import { APP_LOTS, appItemLink } from "./10-supply";

const FIRMWARE = digestOf("coldsense-fw-1.0.0");
/** A fixed sensor key, so the seeded chain is the same on every run. */
const SENSOR_KEY = zeroPadValue("0x0ca7e7", 32);

/**
 * The insulin lot of the supply scenario travels to Northside Hospital in ColdLine's reefer with a signed
 * temperature sensor; the cooling fails for 50 minutes, the cold-chain contract raises the excursion alarm and
 * quarantines the shipment and the lot in the same transaction, and the regulator console has a decision to take.
 */
export const chapter: DemoChapter = {
  title: "Web app: a cold-chain excursion quarantines the insulin lot",
  async run(ctx) {
    const { hre, actors } = ctx;
    const city = requireCity(ctx);
    const sc = ctx.system.supplyChain as SupplyChain;
    let registry = ctx.system.deviceRegistry as DeviceRegistry | undefined;
    let coldChain = ctx.system.coldChain as ColdChain | undefined;
    if (!registry || !coldChain) {
      ({ registry, coldChain } = await deployPharma(
        hre,
        await city.consortium.getAddress(),
        sc,
        actors.deployer,
        actors.regulator,
      ));
      ctx.system.deviceRegistry = registry;
      ctx.system.coldChain = coldChain;
    }
    const { chainId } = await hre.ethers.provider.getNetwork();
    const dm = registry.connect(actors.deviceManager);
    await (await dm.setFirmware(FIRMWARE, DEVICE_KIND.TemperatureSensor, 1, true)).wait();
    const sensor = new DeviceSimulator(new Wallet(SENSOR_KEY), registryDomain(chainId, await registry.getAddress()));
    const now = async () => (await hre.ethers.provider.getBlock("latest"))!.timestamp;
    const t0 = await now();
    const { registration, signature } = await sensor.signRegistration({
      kind: DEVICE_KIND.TemperatureSensor,
      ownerOrg: city.orgIds.carrier,
      managerOrg: city.orgIds.deviceManager,
      firmware: FIRMWARE,
      calibratedUntil: t0 + 365 * 86_400,
      metadataHash: textHash("ColdSense T-200 #7, reefer truck 7"),
      deadline: t0 + 3600,
    });
    await (await dm.registerDevice(registration, signature)).wait();
    // The demo's cold-chain chapter registered the insulin vial as a refrigerated drug; alone, the seed does it here
    if ((await coldChain.drug(BigInt(APP_LOTS.cold.gtin))).storageClass === 0n) {
      const rule = STORAGE_CLASSES.refrigerated;
      const refrigerated = await defineStorageClass(coldChain, actors.regulator, rule.name, rule.rule);
      await (
        await coldChain.connect(actors.manufacturer).registerDrug(BigInt(APP_LOTS.cold.gtin), refrigerated)
      ).wait();
    }
    const cold = ctx.system.appColdLot as { lotId: string; serials: string[] };
    // the shipment names a pallet Acme holds (vials 2..5 of the cold lot); the carrier approves its sensor for Acme
    const pallet = BigInt(makeSscc("00401234500026100"));
    await packPallet(
      sc,
      actors.manufacturer,
      pallet,
      cold.lotId,
      SerialTree.of(cold.serials),
      cold.serials.slice(1, 5),
    );
    await approveSensors(coldChain, actors.carrier, [sensor.address], city.orgIds.manufacturer);
    await (
      await coldChain.connect(actors.manufacturer).openShipment({
        receiver: city.orgIds.hospital,
        carrier: city.orgIds.carrier,
        pallets: [pallet],
        devices: [sensor.address],
        referenceHash: textHash("ASN INS-2610 to Northside Hospital"),
      })
    ).wait();
    const shipmentId = await coldChain.shipmentCount();
    const opened = await now();
    const series = simulateTemperatures({
      start: opened + 60,
      interval: 60,
      count: 150,
      setpoint: 5,
      seed: 2610,
      events: [{ kind: "coolingFailure", atMinute: 45, minutes: 50, peak: 11.5 }],
    });
    await ctx.clock.until(opened + 151 * 60);
    const batches = await sensor.signSeries(series, await coldChain.getAddress(), 200);
    const results = await relayToColdChain(coldChain, actors.carrier, shipmentId, batches);
    const alarm = await coldChain.alarmOf(shipmentId);
    say(
      `shipment ${shipmentId}: ${series.length} signed readings relayed, ${results.reduce((n, r) => n + r.alarms, 0)} alarm ` +
        `(deviation ${Number(alarm.deviation) / 100} °C, ${Number(alarm.duration) / 60} min); pallet ${pallet} quarantined: ` +
        `${(await sc.pallet(pallet)).quarantined}, lot INS-2610 as a whole: ${(await sc.lot(cold.lotId)).quarantined}`,
    );
    ctx.system.appShipment = { id: shipmentId, lotId: cold.lotId, pallet };
    // the pack to scan is one that travelled on the alarmed pallet: the alarm holds that pallet, not the whole lot
    (ctx.system.appItems as Record<string, string>).quarantined = appItemLink("cold", cold.serials[1]);
  },
};
