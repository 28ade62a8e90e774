import { withHistory } from "../fixtures/history";
import { expect } from "chai";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { shouldBehaveLikeRestricted } from "../behaviours/restricted";
import { STORAGE_CLASSES, approveSensors, decideQuarantine, shipmentReport } from "../../src/coldchain";
import { makeSscc } from "../../src/gs1";
import { cbv, textHash } from "../../src/supplychain";
import {
  DeviceSimulator,
  Reading,
  SignedBatch,
  relayToColdChain,
  signBatch,
  simulateTemperatures,
} from "../../src/telemetry";
import { mktCenti } from "../../src/mkt";
import { ROLES } from "../../src/roles";
import { GTIN, GTIN2, SERIALS, SSCC, SSCC2 } from "../fixtures/supplychain";
import { PharmaFixture, deviceWallet, loadPharma, openFixtureShipment, registerSensor } from "../fixtures/pharma";

const REFRIGERATED = STORAGE_CLASSES.refrigerated.rule;
const STATUS = { None: 0n, InTransit: 1n, Quarantined: 2n, Released: 3n, Received: 4n, Destroyed: 5n };
const KIND = { None: 0n, HardBound: 1n, Cumulative: 2n, Gap: 3n, SequenceGap: 4n };

/** A steady series at `centi` every `interval` seconds from `start`. */
function steady(start: number, count: number, centi = 500, interval = 60): Reading[] {
  return Array.from({ length: count }, (_, i) => ({ time: start + i * interval, centi }));
}

type Shipped = PharmaFixture & { id: bigint; opened: number; sink: string };

async function inTransit(): Promise<Shipped> {
  const f = await loadPharma();
  const id = await openFixtureShipment(f);
  return { ...f, id, opened: await time.latest(), sink: await f.coldChain.getAddress() };
}

/** Signs `series` as one batch for the cold chain and moves the clock to its last reading. */
async function signed(f: Shipped, sim: DeviceSimulator, series: Reading[]): Promise<SignedBatch> {
  const [b] = await sim.signSeries(series, f.sink, 1024);
  const last = series[series.length - 1].time;
  if ((await time.latest()) < last) await time.increaseTo(last);
  return b;
}

async function submit(f: Shipped, sim: DeviceSimulator, series: Reading[]) {
  const b = await signed(f, sim, series);
  return f.coldChain.connect(f.actors.outsider).submitReadings(f.id, b.batch, b.signature);
}

describe("ColdChain", function () {
  describe("storage classes and drugs", function () {
    it("defines a storage class with an id and event", async function () {
      const f = await loadPharma();
      await expect(
        f.coldChain.connect(f.actors.regulator).defineStorageClass(STORAGE_CLASSES.frozen.rule, textHash("frozen")),
      )
        .to.emit(f.coldChain, "StorageClassDefined")
        .withArgs(2, textHash("frozen"), Object.values(STORAGE_CLASSES.frozen.rule));
      expect((await f.coldChain.storageClass(2)).hardMin).to.equal(-3000);
    });

    it("refuses an inconsistent storage class", async function () {
      const f = await loadPharma();
      for (const rule of [
        { ...REFRIGERATED, hardMin: 300 },
        { ...REFRIGERATED, low: 800 },
        { ...REFRIGERATED, hardMax: 700 },
        { ...REFRIGERATED, maxGap: 0 },
      ]) {
        await expect(
          f.coldChain.connect(f.actors.regulator).defineStorageClass(rule, textHash("bad")),
        ).to.be.revertedWithCustomError(f.coldChain, "ColdChainInvalidStorageClass");
      }
    });

    it("registers a drug only for the GTIN's manufacturer, once, with a known class", async function () {
      const f = await loadPharma();
      await expect(f.coldChain.connect(f.actors.manufacturer).registerDrug(GTIN, f.refrigerated))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainDrugExists")
        .withArgs(GTIN);
      await expect(f.coldChain.connect(f.actors.manufacturer).registerDrug(GTIN2, 9))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainUnknownStorageClass")
        .withArgs(9);
      await f.sc.connect(f.actors.manufacturer2).registerProduct(GTIN2, textHash("Lumen"));
      await expect(f.coldChain.connect(f.actors.manufacturer).registerDrug(GTIN2, f.refrigerated))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainNotProductManufacturer")
        .withArgs(GTIN2, f.orgIds.manufacturer);
      await expect(f.coldChain.connect(f.actors.manufacturer2).registerDrug(GTIN2, f.refrigerated))
        .to.emit(f.coldChain, "DrugRegistered")
        .withArgs(GTIN2, f.orgIds.manufacturer2, f.refrigerated);
      expect(await f.coldChain.drug(GTIN2)).to.deep.equal([BigInt(f.orgIds.manufacturer2), f.refrigerated]);
    });
  });

  describe("opening a shipment", function () {
    it("opens with pallets the sender holds, approved sensors and the class rule, and starts the tracks", async function () {
      const f = await loadPharma();
      await approveSensors(
        f.coldChain,
        f.actors.carrier,
        [f.sensorA.address, f.sensorB.address],
        f.orgIds.manufacturer,
      );
      const input = {
        receiver: f.orgIds.hospital,
        carrier: f.orgIds.carrier,
        pallets: [SSCC, SSCC2],
        devices: [f.sensorA.address, f.sensorB.address],
        referenceHash: textHash("ASN-7"),
      };
      await expect(f.coldChain.connect(f.actors.manufacturer).openShipment(input))
        .to.emit(f.coldChain, "ShipmentOpened")
        .withArgs(1, f.orgIds.manufacturer, f.orgIds.hospital, f.orgIds.carrier, f.refrigerated, textHash("ASN-7"));
      const s = await f.coldChain.shipment(1);
      expect(s.status).to.equal(STATUS.InTransit);
      expect(await f.coldChain.shipmentPallets(1)).to.deep.equal(input.pallets);
      expect(await f.coldChain.shipmentLots(1)).to.deep.equal([f.lotId]);
      expect(await f.coldChain.shipmentDevices(1)).to.deep.equal(input.devices);
      const t = await f.coldChain.track(f.sensorA.address);
      expect([t.shipmentId, t.nextSequence]).to.deep.equal([1n, 1n]);
      // the approval was consumed by the opening
      expect(await f.coldChain.sensorApproval(f.sensorA.address)).to.equal(0);
    });

    it("refuses bad shipments with precise errors and records nothing", async function () {
      const f = await loadPharma();
      const m = f.coldChain.connect(f.actors.manufacturer);
      await approveSensors(f.coldChain, f.actors.carrier, [f.sensorA.address], f.orgIds.manufacturer);
      const base = {
        receiver: f.orgIds.hospital,
        carrier: f.orgIds.carrier,
        pallets: [SSCC],
        devices: [f.sensorA.address],
        referenceHash: textHash("x"),
      };
      await expect(m.openShipment({ ...base, carrier: f.orgIds.distributor }))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainInvalidParty")
        .withArgs(f.orgIds.distributor, ROLES.CARRIER);
      await expect(m.openShipment({ ...base, receiver: f.orgIds.insurer }))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainInvalidParty")
        .withArgs(f.orgIds.insurer, ROLES.HOSPITAL);
      await expect(m.openShipment({ ...base, pallets: [] }))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainPalletCount")
        .withArgs(0, 8);
      await expect(m.openShipment({ ...base, pallets: Array(9).fill(SSCC) }))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainPalletCount")
        .withArgs(9, 8);
      await expect(m.openShipment({ ...base, devices: [] }))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainDeviceCount")
        .withArgs(0, 4);
      await expect(m.openShipment({ ...base, pallets: [SSCC, SSCC] }))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainDuplicatePallet")
        .withArgs(SSCC);
      const unknown = BigInt(makeSscc("00401234500000099"));
      await expect(m.openShipment({ ...base, pallets: [unknown] }))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainUnknownPallet")
        .withArgs(unknown);
      await expect(m.openShipment({ ...base, devices: [f.actors.outsider.address] }))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainDeviceNotUsable")
        .withArgs(f.actors.outsider.address);
      const hospitalSensor = new DeviceSimulator(deviceWallet(5), f.domain);
      await registerSensor(f.registry, f.actors.deviceManager, hospitalSensor, f.orgIds.hospital);
      await expect(m.openShipment({ ...base, devices: [hospitalSensor.address] }))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainDeviceNotUsable")
        .withArgs(hospitalSensor.address);
      await f.sc.connect(f.actors.regulator).quarantineLot(f.lotId, textHash("q"));
      await expect(m.openShipment(base))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainLotNotShippable")
        .withArgs(f.lotId);
      await f.sc.connect(f.actors.regulator).releaseLot(f.lotId, textHash("q"));
      await m.openShipment(base);
      await approveSensors(f.coldChain, f.actors.carrier, [f.sensorA.address], f.orgIds.manufacturer);
      await expect(m.openShipment({ ...base, pallets: [SSCC2] }))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainDeviceBusy")
        .withArgs(f.sensorA.address, 1);
      expect(await f.coldChain.shipmentCount()).to.equal(1);
    });

    it("refuses lots of a product that is not a drug, or of two storage classes", async function () {
      const f = await loadPharma();
      const m = f.coldChain.connect(f.actors.manufacturer);
      await approveSensors(f.coldChain, f.actors.carrier, [f.sensorA.address], f.orgIds.manufacturer);
      await f.sc.connect(f.actors.manufacturer).registerProduct(GTIN2, textHash("Vaccine"));
      const expiry = (await f.sc.lot(f.lotId)).expiry;
      await f.sc
        .connect(f.actors.manufacturer)
        .commissionLot({ ...f.lotInput("V1", hre.ethers.ZeroHash, 0), gtin: GTIN2, expiry });
      const v1 = await f.sc.lotIdOf(GTIN2, textHash("V1"));
      await f.sc.connect(f.actors.manufacturer).registerItems(v1, [textHash("V1-1")]);
      await f.sc.connect(f.actors.manufacturer).packItems(SSCC, v1, [textHash("V1-1")], [], []);
      const base = {
        receiver: f.orgIds.hospital,
        carrier: f.orgIds.carrier,
        pallets: [SSCC],
        devices: [f.sensorA.address],
        referenceHash: textHash("x"),
      };
      await expect(m.openShipment(base))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainUnknownDrug")
        .withArgs(GTIN2);
      await f.coldChain.connect(f.actors.regulator).defineStorageClass(STORAGE_CLASSES.frozen.rule, textHash("frozen"));
      await m.registerDrug(GTIN2, 2);
      await expect(m.openShipment(base))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainMixedStorageClass")
        .withArgs(GTIN2, f.refrigerated, 2);
    });
  });

  describe("telemetry and the rule", function () {
    it("records a clean batch without alarm", async function () {
      const f = await inTransit();
      const series = steady(f.opened + 60, 200);
      const tx = await submit(f, f.sensorA, series);
      await expect(tx).to.emit(f.coldChain, "ReadingsRecorded").withArgs(f.id, f.sensorA.address, 200, 500, 500, 0);
      await expect(tx).not.to.emit(f.coldChain, "ExcursionAlarmed");
      const t = await f.coldChain.track(f.sensorA.address);
      expect([t.readings, t.lastTime, t.lastValue]).to.deep.equal([200n, BigInt(series[199].time), 500n]);
    });

    it("tolerates a door-open spike within the cumulative allowance", async function () {
      const f = await inTransit();
      const series = simulateTemperatures({
        start: f.opened + 60,
        interval: 60,
        count: 200,
        setpoint: 5,
        seed: 7,
        events: [{ kind: "doorOpen", atMinute: 60, minutes: 6, peak: 11 }],
      });
      expect(Math.max(...series.map((r) => r.centi))).to.be.greaterThan(800);
      const tx = await submit(f, f.sensorA, series);
      await expect(tx).not.to.emit(f.coldChain, "ExcursionAlarmed");
      const outside = Number((await f.coldChain.track(f.sensorA.address)).outside);
      const expected = series
        .slice(0, -1)
        .reduce((n, r, i) => n + (r.centi > 800 || r.centi < 200 ? series[i + 1].time - r.time : 0), 0);
      expect(outside).to.equal(expected).and.to.be.greaterThan(0).and.to.be.at.most(REFRIGERATED.allowance);
    });

    it("raises a hard-bound alarm and quarantines the shipment and its pallet in the same transaction", async function () {
      const f = await inTransit();
      const series = steady(f.opened + 60, 20);
      series[12].centi = 1650;
      const b = await signed(f, f.sensorA, series);
      const tx = f.coldChain.connect(f.actors.carrier).submitReadings(f.id, b.batch, b.signature);
      await expect(tx)
        .to.emit(f.coldChain, "ExcursionAlarmed")
        .withArgs(f.id, f.sensorA.address, KIND.HardBound, series[12].time, 150, 0);
      await expect(tx).to.emit(f.coldChain, "ShipmentQuarantined");
      await expect(tx).to.emit(f.sc, "PalletQuarantineSet").withArgs(SSCC, f.sink, true, anyValue);
      expect((await f.coldChain.shipment(f.id)).status).to.equal(STATUS.Quarantined);
      expect((await f.sc.pallet(SSCC)).quarantined).to.equal(true);
      // the lot is not quarantined chain-wide: packs of it elsewhere are untouched
      expect((await f.sc.lot(f.lotId)).quarantined).to.equal(false);
      const alarm = await f.coldChain.alarmOf(f.id);
      expect([alarm.device, alarm.kind, alarm.deviation]).to.deep.equal([f.sensorA.address, KIND.HardBound, 150n]);
    });

    it("raises a cumulative alarm once time above 8 °C exceeds the allowance, across batches", async function () {
      const f = await inTransit();
      const warm = steady(f.opened + 60, 20, 900);
      await expect(submit(f, f.sensorA, warm)).not.to.emit(f.coldChain, "ExcursionAlarmed");
      // 19 minutes outside so far; the held 9 °C reading adds the minute to more[0], then one a reading:
      // the total passes 30 minutes at more[11]
      const more = steady(warm[19].time + 60, 15, 900);
      await expect(submit(f, f.sensorA, more))
        .to.emit(f.coldChain, "ExcursionAlarmed")
        .withArgs(f.id, f.sensorA.address, KIND.Cumulative, more[11].time, 100, 31 * 60);
    });

    it("treats a silent sensor as an excursion: a gap inside a batch, and a watchdog report", async function () {
      const f = await inTransit();
      const series = simulateTemperatures({
        start: f.opened + 60,
        interval: 60,
        count: 60,
        setpoint: 5,
        seed: 3,
        events: [{ kind: "dropout", atMinute: 20, minutes: 20 }],
      });
      const gapAt = series.findIndex((r, i) => i > 0 && r.time - series[i - 1].time > 60);
      await expect(submit(f, f.sensorA, series))
        .to.emit(f.coldChain, "ExcursionAlarmed")
        .withArgs(
          f.id,
          f.sensorA.address,
          KIND.Gap,
          series[gapAt - 1].time,
          0,
          series[gapAt].time - series[gapAt - 1].time,
        );

      const g = await inTransit();
      await expect(g.coldChain.reportSilence(g.id, g.sensorA.address))
        .to.be.revertedWithCustomError(g.coldChain, "ColdChainSensorNotSilent")
        .withArgs(g.id, g.sensorA.address, g.opened);
      await time.increase(REFRIGERATED.maxGap + 1);
      await expect(g.coldChain.connect(g.actors.hospital).receiveShipment(g.id, 500))
        .to.be.revertedWithCustomError(g.coldChain, "ColdChainSensorSilent")
        .withArgs(g.id, g.sensorA.address, g.opened);
      const report = g.coldChain.connect(g.actors.outsider).reportSilence(g.id, g.sensorA.address);
      await expect(report)
        .to.emit(g.coldChain, "ExcursionAlarmed")
        .withArgs(g.id, g.sensorA.address, KIND.Gap, g.opened, 0, anyValue);
      const alarm = await g.coldChain.alarmOf(g.id);
      expect(Number(alarm.duration))
        .to.equal((await time.latest()) - g.opened)
        .and.to.be.greaterThan(REFRIGERATED.maxGap);
      await expect(g.coldChain.reportSilence(g.id, g.sensorA.address))
        .to.be.revertedWithCustomError(g.coldChain, "ColdChainInvalidStatus")
        .withArgs(g.id, STATUS.Quarantined);
    });

    it("refuses a device not on the shipment, a misrouted batch, a batch out of turn and closed shipments", async function () {
      const f = await inTransit();
      const b = await signed(f, f.sensorB, steady(f.opened + 60, 4));
      await expect(f.coldChain.submitReadings(f.id, b.batch, b.signature))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainDeviceNotAssigned")
        .withArgs(f.id, f.sensorB.address);
      const [direct] = await f.sensorA.signSeries(steady(f.opened + 60, 4), hre.ethers.ZeroAddress);
      await expect(f.coldChain.submitReadings(f.id, direct.batch, direct.signature))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainWrongSink")
        .withArgs(hre.ethers.ZeroAddress);
      const outOfTurn = { ...direct.batch, sink: f.sink, sequence: 2n };
      await expect(f.coldChain.submitReadings(f.id, outOfTurn, await signBatch(f.sensorA.wallet, f.domain, outOfTurn)))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainSequenceGap")
        .withArgs(f.id, f.sensorA.address, 2, 1);
      const forged = { ...direct.batch, sink: f.sink, sequence: 1n, baseTime: BigInt(f.opened + 60) };
      await expect(
        f.coldChain.submitReadings(f.id, forged, await signBatch(f.sensorB.wallet, f.domain, forged)),
      ).to.be.revertedWithCustomError(f.registry, "DeviceInvalidSignature");
      await expect(f.coldChain.submitReadings(99, forged, "0x"))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainUnknownShipment")
        .withArgs(99);
      await f.coldChain.connect(f.actors.hospital).receiveShipment(f.id, 500);
      await expect(f.coldChain.submitReadings(f.id, forged, "0x"))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainInvalidStatus")
        .withArgs(f.id, STATUS.Received);
    });
  });

  describe("receipt, quarantine and the regulator's decision", function () {
    it("lets the receiver receive a clean shipment with its MKT and frees the sensors", async function () {
      const f = await inTransit();
      const series = simulateTemperatures({ start: f.opened + 60, interval: 60, count: 240, setpoint: 5, seed: 11 });
      await relayToColdChain(
        f.coldChain,
        f.actors.outsider,
        f.id,
        await f.sensorA.signSeries(series, f.sink, 200).then(async (bs) => {
          await time.increaseTo(series[series.length - 1].time);
          return bs;
        }),
      );
      const mkt = mktCenti(series);
      await expect(f.coldChain.connect(f.actors.pharmacy).receiveShipment(f.id, mkt))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainNotReceiver")
        .withArgs(f.id, f.orgIds.pharmacy);
      await expect(f.coldChain.connect(f.actors.hospital).receiveShipment(f.id, mkt))
        .to.emit(f.coldChain, "ShipmentReceived")
        .withArgs(f.id, f.orgIds.hospital, mkt);
      const s = await f.coldChain.shipment(f.id);
      expect([s.status, s.mkt]).to.deep.equal([STATUS.Received, BigInt(mkt)]);
      expect((await f.coldChain.track(f.sensorA.address)).shipmentId).to.equal(0);
      const report = await withHistory({ coldChain: f.coldChain, supplyChain: f.sc }, (h) =>
        shipmentReport(f.coldChain, f.sc, f.id, h),
      );
      expect(report.devices[0].readings).to.equal(240);
      expect(report.mktCenti).to.equal(mkt);
    });

    it("does not let the carrier release its own quarantine; the regulator releases with a reason", async function () {
      const f = await inTransit();
      const series = steady(f.opened + 60, 5, 1700);
      await submit(f, f.sensorA, series);
      await expect(f.coldChain.connect(f.actors.carrier).releaseShipment(f.id, textHash("fine")))
        .to.be.revertedWithCustomError(f.coldChain, "AccessMissingRole")
        .withArgs(f.actors.carrier.address, ROLES.REGULATOR);
      await expect(f.coldChain.connect(f.actors.hospital).receiveShipment(f.id, 500))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainInvalidStatus")
        .withArgs(f.id, STATUS.Quarantined);
      await decideQuarantine(
        f.coldChain,
        f.sc,
        f.actors.regulator,
        f.id,
        "release",
        "stability data cover 17 °C for 5 min",
      );
      expect((await f.coldChain.shipment(f.id)).status).to.equal(STATUS.Released);
      expect((await f.sc.pallet(SSCC)).quarantined).to.equal(false);
      expect((await f.coldChain.track(f.sensorA.address)).outside).to.equal(0);
      await expect(f.coldChain.connect(f.actors.regulator).releaseShipment(f.id, textHash("again")))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainInvalidStatus")
        .withArgs(f.id, STATUS.Released);
      await expect(f.coldChain.connect(f.actors.hospital).receiveShipment(f.id, 520)).to.emit(
        f.coldChain,
        "ShipmentReceived",
      );
    });

    it("destroys a quarantined shipment; its pallet can never be unpacked and its packs verify as quarantined", async function () {
      const f = await inTransit();
      await submit(f, f.sensorA, steady(f.opened + 60, 5, -150));
      await expect(f.sc.connect(f.actors.manufacturer).unpackItems(SSCC, f.lotId, [textHash(SERIALS[0])]))
        .to.be.revertedWithCustomError(f.sc, "SupplyChainPalletQuarantined")
        .withArgs(SSCC, true);
      const [sellable, reason] = await f.sc.verify(GTIN, SERIALS[0], "L2026-A", (await f.sc.lot(f.lotId)).expiry, []);
      expect([sellable, reason]).to.deep.equal([false, 9n]);
      // a pack of the same lot outside the shipment is still sellable
      expect(
        (
          await f.sc.verify(GTIN, SERIALS[40], "L2026-A", (await f.sc.lot(f.lotId)).expiry, f.tree.proof(SERIALS[40]))
        )[0],
      ).to.equal(true);
      void cbv;
      await expect(f.coldChain.connect(f.actors.regulator).destroyShipment(f.id, textHash("frozen insulin")))
        .to.emit(f.coldChain, "ShipmentDestroyed")
        .withArgs(f.id, f.actors.regulator.address, textHash("frozen insulin"));
      await decideQuarantine(f.coldChain, f.sc, f.actors.regulator, f.id, "destroy", "frozen insulin").catch(
        () => undefined,
      );
      expect((await f.coldChain.shipment(f.id)).status).to.equal(STATUS.Destroyed);
      expect((await f.coldChain.track(f.sensorA.address)).shipmentId).to.equal(0);
    });

    it("lets the regulator quarantine by decision, and reports a pallet the supply chain refuses", async function () {
      const f = await inTransit();
      await f.sc.connect(f.actors.regulator).setPalletQuarantine(SSCC, true, textHash("tip-off"));
      await expect(f.coldChain.connect(f.actors.regulator).quarantineShipment(f.id, textHash("tip-off")))
        .to.emit(f.coldChain, "PalletQuarantineFailed")
        .withArgs(f.id, SSCC);
      expect((await f.coldChain.shipment(f.id)).status).to.equal(STATUS.Quarantined);
      await expect(f.coldChain.connect(f.actors.regulator).quarantineShipment(f.id, textHash("again")))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainInvalidStatus")
        .withArgs(f.id, STATUS.Quarantined);
    });
  });

  describe("edges of the rule and of the inputs", function () {
    it("keeps recording while quarantined, and quarantines again after a release", async function () {
      const f = await inTransit();
      const first = steady(f.opened + 60, 5, 1700);
      await submit(f, f.sensorA, first);
      const again = steady(first[4].time + 60, 3, 1700);
      const tx = await submit(f, f.sensorA, again);
      await expect(tx).to.emit(f.coldChain, "ExcursionAlarmed");
      await expect(tx).not.to.emit(f.coldChain, "ShipmentQuarantined");
      expect((await f.coldChain.shipment(f.id)).alarms).to.equal(1);
      await decideQuarantine(f.coldChain, f.sc, f.actors.regulator, f.id, "release", "retested");
      const later = steady((await time.latest()) + 60, 3, -100);
      await expect(submit(f, f.sensorA, later))
        .to.emit(f.coldChain, "ExcursionAlarmed")
        .withArgs(f.id, f.sensorA.address, KIND.HardBound, later[0].time, -100, 0);
      const s = await f.coldChain.shipment(f.id);
      expect([s.status, s.alarms]).to.deep.equal([STATUS.Quarantined, 2n]);
    });

    it("counts time below 2 °C against the allowance too", async function () {
      const f = await inTransit();
      const cold = steady(f.opened + 60, 40, 150);
      await expect(submit(f, f.sensorA, cold))
        .to.emit(f.coldChain, "ExcursionAlarmed")
        .withArgs(f.id, f.sensorA.address, KIND.Cumulative, cold[31].time, -50, 31 * 60);
    });

    it("saturates the duration of an absurdly long silence instead of wrapping", async function () {
      const f = await inTransit();
      await expect(f.coldChain.reportSilence(f.id, f.sensorB.address))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainDeviceNotAssigned")
        .withArgs(f.id, f.sensorB.address);
      await time.increase(2 ** 32 + 10);
      await f.coldChain.reportSilence(f.id, f.sensorA.address);
      expect((await f.coldChain.alarmOf(f.id)).duration).to.equal(2 ** 32 - 1);
    });

    it("refuses recalled or expired lots, too many sensors and a sensor of another kind", async function () {
      const f = await loadPharma();
      const m = f.coldChain.connect(f.actors.manufacturer);
      await approveSensors(f.coldChain, f.actors.carrier, [f.sensorA.address], f.orgIds.manufacturer);
      const base = {
        receiver: f.orgIds.hospital,
        carrier: f.orgIds.carrier,
        pallets: [SSCC],
        devices: [f.sensorA.address],
        referenceHash: textHash("x"),
      };
      await expect(m.openShipment({ ...base, devices: Array(5).fill(f.sensorA.address) }))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainDeviceCount")
        .withArgs(5, 4);
      const fw = textHash("meter-fw");
      await f.registry.connect(f.actors.deviceManager).setFirmware(fw, 2, 1, true);
      const meter = new DeviceSimulator(deviceWallet(6), f.domain);
      const now = await time.latest();
      const reg = await meter.signRegistration({
        kind: 2,
        ownerOrg: f.orgIds.carrier,
        managerOrg: f.orgIds.deviceManager,
        firmware: fw,
        calibratedUntil: now + 86_400,
        metadataHash: textHash("m"),
        deadline: now + 600,
      });
      await f.registry.connect(f.actors.deviceManager).registerDevice(reg.registration, reg.signature);
      await expect(m.openShipment({ ...base, devices: [meter.address] }))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainDeviceNotUsable")
        .withArgs(meter.address);
      await f.sc.connect(f.actors.manufacturer).packItems(SSCC2, f.perItemLotId, [textHash("P1")], [], []);
      await f.sc.connect(f.actors.manufacturer).recallLot(f.perItemLotId, textHash("recall"));
      await expect(m.openShipment({ ...base, pallets: [SSCC2] }))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainLotNotShippable")
        .withArgs(f.perItemLotId);
      await time.increaseTo(Number((await f.sc.lot(f.lotId)).expiry));
      await expect(m.openShipment(base))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainLotNotShippable")
        .withArgs(f.lotId);
    });
  });

  it("reports the registry and supply chain it works with", async function () {
    const f = await loadPharma();
    expect(await f.coldChain.registry()).to.equal(await f.registry.getAddress());
    expect(await f.coldChain.supplyChain()).to.equal(await f.sc.getAddress());
    const factory = await hre.ethers.getContractFactory("ColdChain");
    await expect(
      factory.deploy(await f.consortium.getAddress(), hre.ethers.ZeroAddress, await f.sc.getAddress()),
    ).to.be.revertedWithCustomError(f.coldChain, "ColdChainZeroAddress");
    await expect(
      factory.deploy(await f.consortium.getAddress(), await f.registry.getAddress(), hre.ethers.ZeroAddress),
    ).to.be.revertedWithCustomError(f.coldChain, "ColdChainZeroAddress");
  });

  shouldBehaveLikeRestricted(async () => {
    const f = await inTransit();
    const o = f.coldChain.connect(f.actors.outsider);
    const role = (r: number) => ({
      contract: f.coldChain,
      error: "AccessMissingRole",
      args: [f.actors.outsider.address, r],
    });
    return [
      {
        name: "defineStorageClass",
        send: () => o.defineStorageClass(REFRIGERATED, textHash("x")),
        ...role(ROLES.REGULATOR),
      },
      { name: "registerDrug", send: () => o.registerDrug(GTIN2, 1), ...role(ROLES.MANUFACTURER) },
      {
        name: "openShipment",
        send: () =>
          o.openShipment({
            receiver: f.orgIds.hospital,
            carrier: f.orgIds.carrier,
            pallets: [SSCC],
            devices: [f.sensorB.address],
            referenceHash: textHash("x"),
          }),
        ...role(ROLES.DISTRIBUTOR),
      },
      { name: "quarantineShipment", send: () => o.quarantineShipment(f.id, textHash("x")), ...role(ROLES.REGULATOR) },
      { name: "releaseShipment", send: () => o.releaseShipment(f.id, textHash("x")), ...role(ROLES.REGULATOR) },
      { name: "destroyShipment", send: () => o.destroyShipment(f.id, textHash("x")), ...role(ROLES.REGULATOR) },
      {
        name: "receiveShipment",
        send: () => o.receiveShipment(f.id, 500),
        contract: f.coldChain,
        error: "ColdChainNotReceiver",
        args: [f.id, 0],
      },
    ];
  });
});
