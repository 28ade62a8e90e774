import { Wallet } from "ethers";
import type { SupplyChain } from "../../../typechain-types";
import {
  STORAGE_CLASSES,
  decideQuarantine,
  defineStorageClass,
  deployPharma,
  openShipment,
  shipmentReport,
} from "../../coldchain";
import { makeGtin } from "../../gs1";
import { mktCenti } from "../../mkt";
import { SerialTree, cbv, deploySupplyChain, lotIdOf, textHash } from "../../supplychain";
import { printTable, short } from "../../table";
import {
  DEVICE_KIND,
  DeviceSimulator,
  digestOf,
  registryDomain,
  relayToColdChain,
  simulateTemperatures,
} from "../../telemetry";
import { DemoChapter, requireCity, say } from "../context";

/**
 * Insulin travels through ColdLine Logistics in two refrigerated shipments watched by signed temperature sensors.
 * The first has a door opening the 2–8 °C rule tolerates and is received with its MKT; the second loses cooling,
 * the contract raises the alarm and quarantines it in the same transaction, the carrier cannot lift it, the
 * pharmacy cannot dispense from it, and the regulator orders it destroyed.
 */
export const chapter: DemoChapter = {
  needsClock: true,
  title: "The cold chain: signed sensors, an automatic alarm, quarantine and the regulator's decision",
  async run(ctx) {
    const { hre } = ctx;
    const { consortium, actors, orgIds } = requireCity(ctx);
    const now = async () => Number((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    const advance = async (seconds: number) => {
      await hre.network.provider.send("evm_increaseTime", [seconds]);
      await hre.network.provider.send("evm_mine", []);
    };

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

    const cls = await defineStorageClass(
      coldChain,
      actors.regulator,
      STORAGE_CLASSES.refrigerated.name,
      STORAGE_CLASSES.refrigerated.rule,
    );
    say(
      `the regulator defined class ${cls}: 2–8 °C, hard bounds 0–15 °C, 30 min outside allowed, sensors silent ≤ 15 min`,
    );

    const gtin = makeGtin("0401234599001");
    const m = sc.connect(actors.manufacturer);
    await (await m.registerProduct(gtin, textHash("Insulin glargine 100 IU/ml, 10 ml vial"))).wait();
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
          origin: textHash("urn:epc:id:sgln:4012345.00001.0"),
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

    const ship = async (lot: string, receiver: number, sensor: DeviceSimulator) =>
      openShipment(coldChain, actors.manufacturer, {
        receiver,
        carrier: orgIds.carrier,
        lots: [lots[lot].lotId],
        devices: [sensor.address],
        referenceHash: textHash(`ASN ${lot}`),
      });
    const clean = await ship("INS-26A", orgIds.hospital, sensors[0]);
    const broken = await ship("INS-26B", orgIds.pharmacy, sensors[1]);
    const opened = await now();
    say(
      `shipment ${clean} (INS-26A → Northside Hospital) and shipment ${broken} (INS-26B → Corner Pharmacy) left the plant`,
    );

    const minutes = 400;
    await advance(minutes * 60 + 120);
    const sink = await coldChain.getAddress();
    const journeyA = simulateTemperatures({
      start: opened + 60,
      interval: 60,
      count: minutes,
      setpoint: 5,
      seed: 26,
      events: [{ kind: "doorOpen", atMinute: 150, minutes: 6, peak: 11 }],
    });
    const journeyB = simulateTemperatures({
      start: opened + 60,
      interval: 60,
      count: minutes,
      setpoint: 5,
      seed: 27,
      events: [
        { kind: "dropout", atMinute: 90, minutes: 10 },
        { kind: "coolingFailure", atMinute: 240, minutes: 80, peak: 14 },
      ],
    });
    say(
      `the gateway relays ${journeyA.length + journeyB.length} signed readings in batches of 200 (the devices hold no gas):`,
    );
    const resultsA = await relayToColdChain(
      coldChain,
      actors.carrier,
      clean,
      await sensors[0].signSeries(journeyA, sink, 200),
      true,
    );
    const resultsB = await relayToColdChain(
      coldChain,
      actors.carrier,
      broken,
      await sensors[1].signSeries(journeyB, sink, 200),
      true,
    );
    printTable(
      ["shipment", "batch", "readings", "gas", "gas/reading", "alarms"],
      [
        ...resultsA.map((r) => [
          clean,
          r.sequence,
          r.readings,
          r.gas,
          Math.round(Number(r.gas) / r.readings),
          r.alarms,
        ]),
        ...resultsB.map((r) => [
          broken,
          r.sequence,
          r.readings,
          r.gas,
          Math.round(Number(r.gas) / r.readings),
          r.alarms,
        ]),
      ],
      "Telemetry relayed by the gateway",
    );

    const report = await shipmentReport(coldChain, sc, broken);
    for (const a of report.alarms) {
      say(
        `ALARM on shipment ${broken}: ${a.kind} excursion seen by ${short(a.device)} at ${new Date(a.at * 1000).toISOString()}, ` +
          `${a.deviation / 100} °C beyond the limit, ${Math.round(a.duration / 60)} min outside the range`,
      );
    }
    say(
      `shipment ${broken} is ${report.status}; lot INS-26B quarantined in the supply chain: ${(await sc.lot(lots["INS-26B"].lotId)).quarantined}`,
    );

    try {
      await (
        await coldChain.connect(actors.carrier).releaseShipment(broken, textHash("it was only a short warm spell"))
      ).wait();
      throw new Error("the carrier released its own quarantine");
    } catch (e) {
      if (!String(e).includes("AccessMissingRole")) throw e;
      say(`ColdLine Logistics tried to release its own quarantine: refused (only a REGULATOR decides)`);
    }

    const mkt = mktCenti(journeyA);
    await (await coldChain.connect(actors.hospital).receiveShipment(clean, mkt)).wait();
    say(
      `Northside Hospital received shipment ${clean}; MKT ${mkt / 100} °C committed (the door opening stayed within the allowance)`,
    );

    const vial = "INS-26B-0001";
    try {
      await (
        await sc
          .connect(actors.pharmacy)
          .decommission(
            lots["INS-26B"].lotId,
            textHash(vial),
            lots["INS-26B"].tree.proof(vial),
            cbv("dispensing"),
            textHash("counter 1"),
          )
      ).wait();
      throw new Error("a quarantined vial was dispensed");
    } catch (e) {
      if (!String(e).includes("SupplyChainLotQuarantined")) throw e;
      say(`Corner Pharmacy scanned vial ${vial} to dispense it: refused, lot INS-26B is quarantined`);
    }

    await decideQuarantine(
      coldChain,
      sc,
      actors.regulator,
      broken,
      "destroy",
      "80 min above 8 °C, peak 14 °C: stability not demonstrated",
    );
    const final = await shipmentReport(coldChain, sc, broken);
    say(
      `the regulator ordered shipment ${broken} destroyed with its reason recorded; lot INS-26B destroyed: ${final.lots[0].destroyed}`,
    );

    printTable(
      ["shipment", "to", "status", "readings", "alarms", "MKT (°C)"],
      await Promise.all(
        [clean, broken].map(async (id) => {
          const r = await shipmentReport(coldChain, sc, id);
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
  },
};
