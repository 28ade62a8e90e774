import { expect } from "chai";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { STORAGE_CLASSES, approveSensors } from "../../src/coldchain";
import { textHash } from "../../src/supplychain";
import { DeviceSimulator, NO_WATCH, Reading, SignedBatch, signBatch } from "../../src/telemetry";
import { SSCC, SSCC2 } from "../fixtures/supplychain";
import { PharmaFixture, deviceWallet, loadPharma, openFixtureShipment, registerSensor } from "../fixtures/pharma";

const RULE = STORAGE_CLASSES.refrigerated.rule;
const STATUS = { InTransit: 1n, Quarantined: 2n, Released: 3n, Received: 4n };
const KIND = { HardBound: 1n, Cumulative: 2n, Gap: 3n, SequenceGap: 4n };

function steady(start: number, count: number, centi = 500, interval = 60): Reading[] {
  return Array.from({ length: count }, (_, i) => ({ time: start + i * interval, centi }));
}

type Shipped = PharmaFixture & { id: bigint; opened: number; sink: string };

async function inTransit(): Promise<Shipped> {
  const f = await loadPharma();
  const id = await openFixtureShipment(f);
  return { ...f, id, opened: await time.latest(), sink: await f.coldChain.getAddress() };
}

/** Signs consecutive batches (one per series) for the cold chain, without moving the clock. */
async function sign(f: Shipped, sim: DeviceSimulator, ...parts: Reading[][]): Promise<SignedBatch[]> {
  const out: SignedBatch[] = [];
  for (const p of parts) out.push(...(await sim.signSeries(p, f.sink, 1024)));
  return out;
}

function relay(f: Shipped, b: SignedBatch, by = f.actors.carrier) {
  return f.coldChain.connect(by).submitReadings(f.id, b.batch, b.signature);
}

describe("issue 14: cold chain replays (findings 1-4)", function () {
  describe("finding 1: a dropped batch can no longer hide an excursion", function () {
    it("refuses the batch after a withheld one, lets the silence alarm fire, and records the breach when it comes", async function () {
      const f = await inTransit();
      const a = steady(f.opened + 60, 10);
      const breach = steady(a[9].time + 60, 5);
      breach[2].centi = 1700; // above the hard bound: the batch the carrier's gateway withholds
      // the readings around the hole are less than maxGap apart
      const c = steady(breach[4].time + 60, 3);
      const [b1, b2, b3] = await sign(f, f.sensorA, a, breach, c);
      await time.increaseTo(c[2].time);
      await relay(f, b1);
      // the relayer skips b2: b3 is out of turn, whoever relays it (the receiver reading the sensor at the dock too)
      await expect(relay(f, b3))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainSequenceGap")
        .withArgs(f.id, f.sensorA.address, 3, 2);
      await expect(relay(f, b3, f.actors.hospital)).to.be.revertedWithCustomError(f.coldChain, "ColdChainSequenceGap");
      // the track stopped at b1: once silent beyond maxGap the receiver cannot receive and anyone raises the alarm
      await time.increaseTo(a[9].time + RULE.maxGap + 1);
      await expect(f.coldChain.connect(f.actors.hospital).receiveShipment(f.id, 500))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainSensorSilent")
        .withArgs(f.id, f.sensorA.address, a[9].time);
      await expect(f.coldChain.reportSilence(f.id, f.sensorA.address))
        .to.emit(f.coldChain, "ExcursionAlarmed")
        .withArgs(f.id, f.sensorA.address, KIND.Gap, a[9].time, 0, anyValue);
      // the withheld batch, relayed late, is recorded with its breach
      await expect(relay(f, b2))
        .to.emit(f.coldChain, "ExcursionAlarmed")
        .withArgs(f.id, f.sensorA.address, KIND.HardBound, breach[2].time, 200, 0);
      await relay(f, b3);
      expect((await f.coldChain.track(f.sensorA.address)).nextSequence).to.equal(4);
    });

    it("treats a batch of an assigned sensor anchored elsewhere as an excursion and refuses receipt", async function () {
      const f = await inTransit();
      const a = steady(f.opened + 60, 5);
      const [b1] = await sign(f, f.sensorA, a);
      await time.increaseTo(a[4].time);
      await expect(f.coldChain.reportSequenceGap(f.id, f.sensorA.address))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainNoSequenceGap")
        .withArgs(f.id, f.sensorA.address, 1);
      // the device's batch 1 was signed for any sink and relayed straight to the registry: lost to the shipment
      const direct = { ...b1.batch, sink: hre.ethers.ZeroAddress };
      await f.registry.submitBatch(direct, await signBatch(f.sensorA.wallet, f.domain, direct), NO_WATCH);
      await expect(f.coldChain.connect(f.actors.hospital).receiveShipment(f.id, 500))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainSequenceGap")
        .withArgs(f.id, f.sensorA.address, 1, 0);
      await expect(f.coldChain.connect(f.actors.outsider).reportSequenceGap(f.id, f.sensorA.address))
        .to.emit(f.coldChain, "ExcursionAlarmed")
        .withArgs(f.id, f.sensorA.address, KIND.SequenceGap, f.opened, 0, 1);
      expect((await f.coldChain.shipment(f.id)).status).to.equal(STATUS.Quarantined);
    });

    it("takes a batch that straddles the opening: readings before it are skipped, no false alarm", async function () {
      const f = await loadPharma();
      const sink = await f.coldChain.getAddress();
      const start = (await time.latest()) + 10;
      // the sensor sat in the warm dock (22 °C, beyond the hard bound) until the reefer closed at the opening
      const readings = [...steady(start, 5, 2200), ...steady(start + 5 * 60 + 30, 10)];
      const [b] = await f.sensorA.signSeries(readings, sink, 1024);
      await approveSensors(f.coldChain, f.actors.carrier, [f.sensorA.address], f.orgIds.manufacturer);
      await time.setNextBlockTimestamp(start + 5 * 60);
      await f.coldChain.connect(f.actors.manufacturer).openShipment({
        receiver: f.orgIds.hospital,
        carrier: f.orgIds.carrier,
        pallets: [SSCC],
        devices: [f.sensorA.address],
        referenceHash: textHash("ASN straddle"),
      });
      const id = await f.coldChain.shipmentCount();
      const opened = await time.latest();
      expect(opened).to.equal(start + 5 * 60);
      await time.increaseTo(readings[readings.length - 1].time);
      const tx = f.coldChain.connect(f.actors.carrier).submitReadings(id, b.batch, b.signature);
      await expect(tx).not.to.emit(f.coldChain, "ExcursionAlarmed");
      const t = await f.coldChain.track(f.sensorA.address);
      expect([t.readings, t.outside, t.lastValue, t.nextSequence]).to.deep.equal([10n, 0n, 500n, 2n]);
      await expect(f.coldChain.connect(f.actors.hospital).receiveShipment(id, 500)).to.emit(
        f.coldChain,
        "ShipmentReceived",
      );
    });

    it("takes a batch that straddles a release: readings before the release are skipped, no false alarm", async function () {
      const f = await inTransit();
      const warm = steady(f.opened + 60, 5, 1700);
      const [b1] = await sign(f, f.sensorA, warm);
      await time.increaseTo(warm[4].time);
      await relay(f, b1);
      expect((await f.coldChain.shipment(f.id)).status).to.equal(STATUS.Quarantined);
      // the goods move to a working reefer; the sensor's next batch covers both sides of the regulator's release
      const before = steady(warm[4].time + 60, 3, 1200);
      const released = before[2].time + 30;
      const after = steady(released + 30, 5);
      const [b2] = await sign(f, f.sensorA, [...before, ...after]);
      await time.setNextBlockTimestamp(released);
      await f.coldChain.connect(f.actors.regulator).releaseShipment(f.id, textHash("stability data"));
      await time.increaseTo(after[4].time);
      await expect(relay(f, b2)).not.to.emit(f.coldChain, "ExcursionAlarmed");
      const t = await f.coldChain.track(f.sensorA.address);
      expect([t.readings, t.outside, t.lastValue]).to.deep.equal([5n, 0n, 500n]);
    });
  });

  describe("finding 2: a shipment names only what its sender holds and sensors their owner approved", function () {
    it("refuses a competitor's pallet and a carrier's sensor without its approval", async function () {
      const f = await loadPharma();
      const input = {
        receiver: f.orgIds.hospital,
        carrier: f.orgIds.carrier,
        pallets: [SSCC],
        devices: [f.sensorA.address],
        referenceHash: textHash("squat"),
      };
      // MedSupply (a DISTRIBUTOR) names Acme's pallet
      await expect(f.coldChain.connect(f.actors.distributor).openShipment(input))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainPalletNotHeld")
        .withArgs(SSCC, f.orgIds.distributor);
      // Acme names ColdLine's sensor that ColdLine did not approve
      await expect(f.coldChain.connect(f.actors.manufacturer).openShipment(input))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainDeviceNotApproved")
        .withArgs(f.sensorA.address, f.orgIds.carrier, f.orgIds.manufacturer);
      // an approval for another sender does not count
      await approveSensors(f.coldChain, f.actors.carrier, [f.sensorA.address], f.orgIds.distributor);
      await expect(f.coldChain.connect(f.actors.manufacturer).openShipment(input))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainDeviceNotApproved")
        .withArgs(f.sensorA.address, f.orgIds.carrier, f.orgIds.manufacturer);
      expect((await f.coldChain.track(f.sensorA.address)).shipmentId).to.equal(0);
      // only the sensor's owner approves it
      const acmeSensor = new DeviceSimulator(deviceWallet(7), f.domain);
      await registerSensor(f.registry, f.actors.deviceManager, acmeSensor, f.orgIds.manufacturer);
      await expect(f.coldChain.connect(f.actors.carrier).approveSensor(acmeSensor.address, f.orgIds.distributor))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainNotDeviceOwner")
        .withArgs(acmeSensor.address, f.orgIds.carrier);
      // the sender's own sensor needs no approval
      await expect(
        f.coldChain.connect(f.actors.manufacturer).openShipment({ ...input, devices: [acmeSensor.address] }),
      ).to.emit(f.coldChain, "ShipmentOpened");
    });

    it("quarantines only the pallets of the alarmed shipment, never the lot chain-wide", async function () {
      const f = await inTransit();
      const [b] = await sign(f, f.sensorA, steady(f.opened + 60, 3, -200));
      await time.increaseTo(f.opened + 60 + 120);
      await expect(relay(f, b)).to.emit(f.sc, "PalletQuarantineSet").withArgs(SSCC, f.sink, true, anyValue);
      expect((await f.sc.pallet(SSCC)).quarantined).to.equal(true);
      expect((await f.sc.pallet(SSCC2)).quarantined).to.equal(false);
      expect((await f.sc.lot(f.lotId)).quarantined).to.equal(false);
    });
  });

  it("finding 3: counts the value held outside the range after the last reading up to receipt", async function () {
    const f = await inTransit();
    // 9 °C for 20 readings a minute apart: 19 min counted
    const warm = steady(f.opened + 60, 20, 900);
    const [b] = await sign(f, f.sensorA, warm);
    await time.increaseTo(warm[19].time);
    await expect(relay(f, b)).not.to.emit(f.coldChain, "ExcursionAlarmed");
    // 12 more minutes at the held 9 °C (within maxGap): 31 min > 30 min allowance at receipt
    await time.setNextBlockTimestamp(warm[19].time + 12 * 60);
    const tx = f.coldChain.connect(f.actors.hospital).receiveShipment(f.id, 600);
    await expect(tx)
      .to.emit(f.coldChain, "ExcursionAlarmed")
      .withArgs(f.id, f.sensorA.address, KIND.Cumulative, warm[19].time + 12 * 60, 100, 31 * 60);
    await expect(tx).not.to.emit(f.coldChain, "ShipmentReceived");
    expect((await f.coldChain.shipment(f.id)).status).to.equal(STATUS.Quarantined);
  });

  it("finding 4: a reading in the allowed future skew never makes receipt or the watchdog panic", async function () {
    const f = await inTransit();
    const now = await time.latest();
    // the last reading is 100 s ahead of the chain (the registry allows 120 s of skew)
    const ahead = steady(now + 1, 3, 500, 50);
    const [b] = await sign(f, f.sensorA, ahead);
    await relay(f, b);
    expect(Number((await f.coldChain.track(f.sensorA.address)).lastTime)).to.be.greaterThan(await time.latest());
    await expect(f.coldChain.reportSilence(f.id, f.sensorA.address))
      .to.be.revertedWithCustomError(f.coldChain, "ColdChainSensorNotSilent")
      .withArgs(f.id, f.sensorA.address, ahead[2].time);
    await expect(f.coldChain.connect(f.actors.hospital).receiveShipment(f.id, 500))
      .to.emit(f.coldChain, "ShipmentReceived")
      .withArgs(f.id, f.orgIds.hospital, 500);
  });
});
