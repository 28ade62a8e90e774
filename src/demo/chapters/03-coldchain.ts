import { Wallet } from "ethers";
import type { EpcisAnchors, SupplyChain } from "../../../typechain-types";
import {
  STORAGE_CLASSES,
  approveSensors,
  coldChainReceivingEvent,
  decideQuarantine,
  defineStorageClass,
  deployPharma,
  openShipment,
  packPallet,
  shipmentReport,
  shipmentSensorElements,
} from "../../coldchain";
import { anchorEpcisEvents, deployEpcisAnchors } from "../../epcis-anchor";
import { makeSscc } from "../../gs1";
import { INSULIN_VIAL, catalogueHash } from "../../catalogue";
import { mktCenti } from "../../mkt";
import { SerialTree, deploySupplyChain, lotIdOf, textHash } from "../../supplychain";
import { printTable, short } from "../../table";
import {
  DEVICE_KIND,
  DeviceSimulator,
  type Reading,
  type SimulationEvent,
  type SubmissionResult,
  digestOf,
  registryDomain,
  relayToColdChain,
  simulateTemperatures,
} from "../../telemetry";
import { DemoChapter, describeSpan, refusal, requireCity, say } from "../context";
import { storyHistory } from "../../history/demo";

/** The journey, in minutes, and how its readings are relayed: one signed batch per hour of the journey. */
const JOURNEY_MINUTES = 120;
const MINUTES_PER_BATCH = 60;
/** Where Acme commissions its insulin lots (an SGLN, committed on chain as its hash). */
const LOT_ORIGIN = "urn:epc:id:sgln:4012345.00001.0";

/** What this chapter hands over as `ctx.system.coldChainLots`: the refrigerated drug, its lots' origin and ids. */
export interface ColdChainLotsFact {
  gtin: string;
  origin: string;
  /** Lot number → lot id. */
  lots: Record<string, string>;
}

/**
 * Insulin travels through ColdLine Logistics in two refrigerated shipments watched by signed temperature sensors.
 * The first has a door opening the 2–8 °C rule tolerates and is received with its MKT; the second loses cooling,
 * the contract raises the alarm and quarantines it in the same transaction, the carrier cannot lift it, the
 * pharmacy cannot dispense from it, and the regulator orders it destroyed.
 */
export const chapter: DemoChapter = {
  title: "The cold chain: signed sensors, an automatic alarm, quarantine and the regulator's decision",
  async run(ctx) {
    const { hre, clock } = ctx;
    const { consortium, actors, orgIds } = requireCity(ctx);
    const now = () => clock.now();
    // One minute of the journey in chain seconds: a real minute where the clock jumps, a second on a sealed chain,
    // where the journey happens in real time (the storage class is scaled with it).
    const minute = clock.span(60, 1);

    const sc =
      (ctx.system.supplyChain as SupplyChain | undefined) ??
      (await deploySupplyChain(hre, await consortium.getAddress(), actors.deployer));
    const { registry, coldChain } = await deployPharma(
      hre,
      await consortium.getAddress(),
      sc,
      actors.deployer,
      actors.regulator,
    );
    ctx.system.deviceRegistry = registry;
    ctx.system.coldChain = coldChain;
    say(
      `device registry ${short(await registry.getAddress())} and cold chain ${short(await coldChain.getAddress())} deployed; the regulator made the cold chain a supply-chain guardian`,
    );

    const refrigerated = STORAGE_CLASSES.refrigerated;
    const rule = {
      ...refrigerated.rule,
      allowance: (refrigerated.rule.allowance / 60) * minute,
      maxGap: (refrigerated.rule.maxGap / 60) * minute,
    };
    const cls = await defineStorageClass(
      coldChain,
      actors.regulator,
      clock.live ? `${refrigerated.name} (demo time: 1 min = 1 s)` : refrigerated.name,
      rule,
    );
    say(
      `the regulator defined class ${cls}: 2–8 °C, hard bounds 0–15 °C, ${describeSpan(rule.allowance)} outside allowed, ` +
        `sensors silent ≤ ${describeSpan(rule.maxGap)}${clock.live ? " (the journey runs at 1 min = 1 s on this chain)" : ""}`,
    );

    const gtin = INSULIN_VIAL;
    const m = sc.connect(actors.manufacturer);
    await (await m.registerProduct(gtin, catalogueHash(gtin))).wait();
    await (await coldChain.connect(actors.manufacturer).registerDrug(gtin, cls)).wait();
    const expiry = (await now()) + 300 * 86_400;
    const lots: Record<string, { lotId: string; tree: SerialTree }> = {};
    for (const lot of ["INS-26A", "INS-26B"]) {
      const tree = SerialTree.of(Array.from({ length: 500 }, (_, i) => `${lot}-${String(i + 1).padStart(4, "0")}`));
      await (
        await m.commissionLot({
          gtin,
          lotNumberHash: textHash(lot),
          expiry,
          origin: textHash(LOT_ORIGIN),
          merkleRoot: tree.root,
          itemCount: tree.size,
          inputLots: [],
        })
      ).wait();
      lots[lot] = { lotId: lotIdOf(gtin, lot), tree };
    }
    say(
      `Acme Pharma registered GTIN ${gtin} as a refrigerated drug and commissioned lots INS-26A and INS-26B (500 vials each)`,
    );

    const firmware = digestOf("coldsense-fw-2.1.0");
    await (
      await registry.connect(actors.deviceManager).setFirmware(firmware, DEVICE_KIND.TemperatureSensor, 21, true)
    ).wait();
    const { chainId } = await hre.ethers.provider.getNetwork();
    const domain = registryDomain(chainId, await registry.getAddress());
    const sensors = [
      new DeviceSimulator(Wallet.createRandom(), domain),
      new DeviceSimulator(Wallet.createRandom(), domain),
    ];
    for (const s of sensors) {
      const t = await now();
      const { registration, signature } = await s.signRegistration({
        kind: DEVICE_KIND.TemperatureSensor,
        ownerOrg: orgIds.carrier,
        managerOrg: orgIds.deviceManager,
        firmware,
        calibratedUntil: t + 365 * 86_400,
        metadataHash: textHash(`ColdSense T2 ${s.address}`),
        deadline: t + 600,
      });
      await (await registry.connect(actors.deviceManager).registerDevice(registration, signature)).wait();
    }
    say(
      `Metro IoT Operations registered two ColdLine sensors; each proved possession of its key by signing its registration`,
    );

    // Acme packs 50 vials of each lot on a pallet (SSCC): a shipment names the pallets its sender holds, and the
    // carrier approves each of its sensors for Acme before Acme may lock it to a shipment.
    const pallets: Record<string, bigint> = {
      "INS-26A": BigInt(makeSscc("00401234500002601")),
      "INS-26B": BigInt(makeSscc("00401234500002602")),
    };
    for (const lot of ["INS-26A", "INS-26B"]) {
      await packPallet(
        sc,
        actors.manufacturer,
        pallets[lot],
        lots[lot].lotId,
        lots[lot].tree,
        lots[lot].tree.serials.slice(0, 50),
      );
    }
    await approveSensors(
      coldChain,
      actors.carrier,
      sensors.map((s) => s.address),
      orgIds.manufacturer,
    );
    const ship = async (lot: string, receiver: number, sensor: DeviceSimulator) =>
      openShipment(coldChain, actors.manufacturer, {
        receiver,
        carrier: orgIds.carrier,
        pallets: [pallets[lot]],
        devices: [sensor.address],
        referenceHash: textHash(`ASN ${lot}`),
      });
    const clean = await ship("INS-26A", orgIds.hospital, sensors[0]);
    const broken = await ship("INS-26B", orgIds.pharmacy, sensors[1]);
    const opened = await now();
    say(
      `shipment ${clean} (INS-26A → Northside Hospital) and shipment ${broken} (INS-26B → Corner Pharmacy) left the plant`,
    );

    const sink = await coldChain.getAddress();
    // The journeys are simulated minute by minute, then laid on the chain's time from the moment they left.
    const journey = (seed: number, events: SimulationEvent[]) =>
      simulateTemperatures({ start: 0, interval: 60, count: JOURNEY_MINUTES, setpoint: 5, seed, events }).map((r) => ({
        time: opened + minute + (r.time / 60) * minute,
        centi: r.centi,
      }));
    const journeyA = journey(26, [{ kind: "doorOpen", atMinute: 50, minutes: 6, peak: 11 }]);
    const journeyB = journey(27, [
      { kind: "dropout", atMinute: 20, minutes: 10 },
      { kind: "coolingFailure", atMinute: 60, minutes: 55, peak: 14 },
    ]);
    // Each hour the gateway relays the hour's signed readings of both sensors (the devices hold no gas); it waits
    // for the chain to reach the hour's end, since the registry refuses readings from the future.
    const hourly = async (sensor: DeviceSimulator, series: Reading[]) => {
      const hours = new Map<number, Reading[]>();
      for (const r of series) {
        const hour = Math.floor((r.time - opened - minute) / (MINUTES_PER_BATCH * minute));
        if (!hours.has(hour)) hours.set(hour, []);
        hours.get(hour)!.push(r);
      }
      const batches = [];
      for (const part of hours.values()) batches.push(...(await sensor.signSeries(part, sink, part.length)));
      return batches;
    };
    const batchesA = await hourly(sensors[0], journeyA);
    const batchesB = await hourly(sensors[1], journeyB);
    say(
      `the trucks drive for ${JOURNEY_MINUTES} min; each hour the gateway relays the hour's signed readings ` +
        `(${journeyA.length + journeyB.length} in all; the sensors hold no gas)`,
    );
    const relayed: { shipment: bigint; result: SubmissionResult }[] = [];
    for (let h = 0; h < Math.max(batchesA.length, batchesB.length); h++) {
      for (const [shipment, b] of [
        [broken, batchesB[h]],
        [clean, batchesA[h]],
      ] as const) {
        if (!b) continue;
        await clock.until(b.series[b.series.length - 1].time, `the trucks drive, hour ${h + 1}`);
        const [result] = await relayToColdChain(coldChain, actors.carrier, shipment, [b]);
        relayed.push({ shipment, result });
      }
    }
    // Northside receives at once: the sensors' last readings must be fresher than the class's silence limit.
    const mkt = mktCenti(journeyA);
    await (await coldChain.connect(actors.hospital).receiveShipment(clean, mkt)).wait();
    printTable(
      ["shipment", "batch", "readings", "gas", "gas/reading", "alarms"],
      relayed.map(({ shipment, result: r }) => [
        shipment,
        r.sequence,
        r.readings,
        r.gas,
        Math.round(Number(r.gas) / r.readings),
        r.alarms,
      ]),
      "Telemetry relayed by the gateway",
    );
    say(
      `Northside Hospital received shipment ${clean}; MKT ${mkt / 100} °C committed (the door opening stayed within the allowance)`,
    );
    // Its EPCIS receiving event carries the journey's signed readings as sensorElementList; the hospital anchors it.
    const anchors =
      (ctx.system.epcisAnchors as EpcisAnchors | undefined) ??
      (await deployEpcisAnchors(hre, await consortium.getAddress(), actors.deployer));
    ctx.system.epcisAnchors = anchors;
    const receiving = coldChainReceivingEvent({
      sscc: pallets["INS-26A"],
      sender: orgIds.manufacturer,
      receiver: orgIds.hospital,
      owner: orgIds.manufacturer,
      time: await now(),
      sellable: true,
      sensorElements: shipmentSensorElements(chainId, batchesA),
    });
    const [anchored] = await anchorEpcisEvents(anchors, actors.hospital, [receiving]);
    ctx.epcis.push({ by: "hospital", events: [receiving] });
    say(
      `Northside Hospital anchored its EPCIS receiving event with the ${journeyA.length} signed readings as its ` +
        `sensorElementList: ${anchored.hashId}`,
    );

    const report = await shipmentReport(coldChain, sc, broken, await storyHistory(ctx, ["coldChain"]));
    for (const a of report.alarms) {
      say(
        `ALARM on shipment ${broken}: ${a.kind} excursion seen by ${short(a.device)} at ${new Date(a.at * 1000).toISOString()}, ` +
          `${a.deviation / 100} °C beyond the limit, ${describeSpan(a.duration)} outside the range`,
      );
    }
    say(
      `shipment ${broken} is ${report.status}; its pallet quarantined in the supply chain: ` +
        `${(await sc.pallet(pallets["INS-26B"])).quarantined}; lot INS-26B elsewhere untouched: ` +
        `${!(await sc.lot(lots["INS-26B"].lotId)).quarantined}`,
    );

    await refusal(
      coldChain,
      () => coldChain.connect(actors.carrier).releaseShipment.staticCall(broken, textHash("a short warm spell")),
      "AccessMissingRole",
    );
    say(
      `ColdLine Logistics tried to release its own quarantine: refused with AccessMissingRole (only a REGULATOR decides)`,
    );

    const vial = "INS-26B-0001";
    await refusal(
      sc,
      () =>
        sc
          .connect(actors.manufacturer)
          .unpackItems.staticCall(pallets["INS-26B"], lots["INS-26B"].lotId, [textHash(vial)]),
      "SupplyChainPalletQuarantined",
    );
    say(`Acme tried to unpack vial ${vial} from the quarantined pallet: refused with SupplyChainPalletQuarantined`);

    await decideQuarantine(
      coldChain,
      sc,
      actors.regulator,
      broken,
      "destroy",
      `${describeSpan(report.alarms[0].duration)} outside 2–8 °C, peak ${Math.max(...journeyB.map((r) => r.centi)) / 100} °C: ` +
        "stability not demonstrated",
    );
    const final = await shipmentReport(coldChain, sc, broken, await storyHistory(ctx, ["coldChain"]));
    say(
      `the regulator ordered shipment ${broken} destroyed with its reason recorded; its pallet stays quarantined: ` +
        `${final.pallets[0].quarantined}`,
    );

    const historyNow = await storyHistory(ctx, ["coldChain"]);
    printTable(
      ["shipment", "to", "status", "readings", "alarms", "MKT (°C)"],
      await Promise.all(
        [clean, broken].map(async (id) => {
          const r = await shipmentReport(coldChain, sc, id, historyNow);
          return [
            id,
            id === clean ? "Northside Hospital" : "Corner Pharmacy",
            r.status,
            r.devices[0].readings,
            r.alarms.length,
            r.mktCenti === null ? "—" : r.mktCenti / 100,
          ];
        }),
      ),
      "Cold-chain shipments",
    );
    // What the web app's seed names: the refrigerated drug and its lots
    ctx.system.coldChainLots = {
      gtin,
      origin: LOT_ORIGIN,
      lots: Object.fromEntries(Object.entries(lots).map(([lot, { lotId }]) => [lot, lotId])),
    } satisfies ColdChainLotsFact;
  },
};
