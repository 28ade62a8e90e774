import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet } from "ethers";
import { shouldBehaveLikeRestricted } from "../behaviours/restricted";
import { textHash } from "../../src/supplychain";
import {
  BATCH_TYPES,
  Batch,
  DEVICE_KIND,
  REGISTRATION_TYPES,
  DeviceSimulator,
  Reading,
  ReadingTree,
  packReadings,
  prng,
  signBatch,
} from "../../src/telemetry";
import { ROLES } from "../../src/roles";
import { proposeRoles, voteUntilClosed } from "../../src/consortium";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import {
  FIRMWARE_V1,
  FIRMWARE_V2,
  YEAR,
  deployDeviceRegistryFixture,
  deviceWallet,
  registerSensor,
} from "../fixtures/pharma";

const ZERO = hre.ethers.ZeroAddress;
const NO_WATCH = { low: -32768, high: 32767, hardLow: -32768, hardHigh: 32767, maxInterval: 65535 };
const STATUS = { None: 0, Active: 1, Suspended: 2, Revoked: 3 };

function steady(start: number, count: number, centi = 500, interval = 60): Reading[] {
  return Array.from({ length: count }, (_, i) => ({ time: start + i * interval, centi }));
}

describe("DeviceRegistry", function () {
  async function registeredFixture() {
    const f = await loadFixture(deployDeviceRegistryFixture);
    await registerSensor(
      f.registry,
      f.actors.deviceManager,
      new DeviceSimulator(deviceWallet(7), f.domain),
      f.orgIds.carrier,
    );
    return { ...f, registeredAt: await time.latest() };
  }

  /** The fixture with a fresh simulator (its sequence counter lives in JS, outside the chain snapshot). */
  async function registered() {
    const f = await loadFixture(registeredFixture);
    return { ...f, sensor: new DeviceSimulator(deviceWallet(7), f.domain) };
  }

  /** Signs `series` as one batch for the registry itself (no sink) and moves the clock past its last reading. */
  async function signed(sim: DeviceSimulator, series: Reading[]) {
    const [b] = await sim.signSeries(series, ZERO, 1024);
    const last = series[series.length - 1].time;
    if ((await time.latest()) < last) await time.increaseTo(last);
    return b;
  }

  describe("registration", function () {
    it("registers a device that proves possession of its key", async function () {
      const f = await loadFixture(deployDeviceRegistryFixture);
      const sim = new DeviceSimulator(deviceWallet(9), f.domain);
      const now = await time.latest();
      const { registration, signature } = await sim.signRegistration({
        kind: DEVICE_KIND.TemperatureSensor,
        ownerOrg: f.orgIds.carrier,
        managerOrg: f.orgIds.deviceManager,
        firmware: FIRMWARE_V1,
        calibratedUntil: now + YEAR,
        metadataHash: textHash("ColdSense T1"),
        deadline: now + 600,
      });
      expect(await f.registry.registrationDigest(registration)).to.equal(
        hre.ethers.TypedDataEncoder.hash(f.domain, REGISTRATION_TYPES, registration),
      );
      await expect(f.dm.registerDevice(registration, signature))
        .to.emit(f.registry, "DeviceRegistered")
        .withArgs(
          sim.address,
          f.orgIds.carrier,
          f.orgIds.deviceManager,
          1,
          FIRMWARE_V1,
          now + YEAR,
          textHash("ColdSense T1"),
        );
      const [owner, kind, active] = await f.registry.deviceOf(sim.address);
      expect([owner, kind, active]).to.deep.equal([BigInt(f.orgIds.carrier), 1n, true]);
      const d = await f.registry.device(sim.address);
      expect(d.status).to.equal(STATUS.Active);
      expect(d.firmwareVersion).to.equal(1);
    });

    it("refuses a registration signed by another key", async function () {
      const f = await loadFixture(deployDeviceRegistryFixture);
      const sim = new DeviceSimulator(deviceWallet(9), f.domain);
      const impostor = new DeviceSimulator(deviceWallet(10), f.domain);
      const now = await time.latest();
      const signedByImpostor = await impostor.signRegistration({
        kind: 1,
        ownerOrg: f.orgIds.carrier,
        managerOrg: f.orgIds.deviceManager,
        firmware: FIRMWARE_V1,
        calibratedUntil: now + YEAR,
        metadataHash: textHash("x"),
        deadline: now + 600,
      });
      const claim = { ...signedByImpostor.registration, device: sim.address };
      const recovered = hre.ethers.verifyTypedData(f.domain, REGISTRATION_TYPES, claim, signedByImpostor.signature);
      await expect(f.dm.registerDevice(claim, signedByImpostor.signature))
        .to.be.revertedWithCustomError(f.registry, "DeviceInvalidSignature")
        .withArgs(sim.address, recovered);
    });

    it("refuses bad registrations with precise errors", async function () {
      const f = await registered();
      const now = await time.latest();
      const sim = new DeviceSimulator(deviceWallet(11), f.domain);
      const base = {
        kind: 1,
        ownerOrg: f.orgIds.carrier,
        managerOrg: f.orgIds.deviceManager,
        firmware: FIRMWARE_V1,
        calibratedUntil: now + YEAR,
        metadataHash: textHash("x"),
        deadline: now + 600,
      };
      const cases: [Partial<typeof base>, string, unknown[]][] = [
        [{ deadline: now - 1 }, "DeviceRegistrationExpired", [sim.address, now - 1]],
        [{ kind: 0 }, "DeviceInvalidKind", [0]],
        [{ kind: 4 }, "DeviceInvalidKind", [4]],
        [{ ownerOrg: 0 }, "DeviceInvalidOwner", [0]],
        [{ ownerOrg: 999 }, "DeviceInvalidOwner", [999]],
        [{ firmware: textHash("unknown fw") }, "DeviceFirmwareNotAllowed", [textHash("unknown fw")]],
        [{ kind: 2 }, "DeviceFirmwareNotAllowed", [FIRMWARE_V1]],
      ];
      for (const [patch, error, args] of cases) {
        const { registration, signature } = await sim.signRegistration({ ...base, ...patch });
        await expect(f.dm.registerDevice(registration, signature), error)
          .to.be.revertedWithCustomError(f.registry, error)
          .withArgs(...args);
      }
      const past = await sim.signRegistration({ ...base, calibratedUntil: now - 5 });
      await expect(f.dm.registerDevice(past.registration, past.signature)).to.be.revertedWithCustomError(
        f.registry,
        "DeviceCalibrationExpired",
      );
      const again = await f.sensor.signRegistration(base);
      await expect(f.dm.registerDevice(again.registration, again.signature))
        .to.be.revertedWithCustomError(f.registry, "DeviceExists")
        .withArgs(f.sensor.address);
    });
  });

  describe("firmware allow-list", function () {
    it("fixes kind and version at first listing and can disallow", async function () {
      const f = await registered();
      await expect(f.dm.setFirmware(FIRMWARE_V1, 1, 3, true))
        .to.be.revertedWithCustomError(f.registry, "DeviceFirmwareMismatch")
        .withArgs(FIRMWARE_V1, 1, 1);
      await expect(f.dm.setFirmware(FIRMWARE_V1, 2, 1, true))
        .to.be.revertedWithCustomError(f.registry, "DeviceFirmwareMismatch")
        .withArgs(FIRMWARE_V1, 1, 1);
      await expect(f.dm.setFirmware(FIRMWARE_V1, 1, 1, false))
        .to.emit(f.registry, "FirmwareSet")
        .withArgs(f.orgIds.deviceManager, FIRMWARE_V1, 1, 1, false);
      expect((await f.registry.deviceOf(f.sensor.address))[2]).to.equal(false);
      const b = await signed(f.sensor, steady(f.registeredAt + 10, 4));
      await expect(f.registry.submitBatch(b.batch, b.signature, NO_WATCH))
        .to.be.revertedWithCustomError(f.registry, "DeviceFirmwareNotAllowed")
        .withArgs(FIRMWARE_V1);
    });

    it("raises the floor so old firmware is refused, and updates only forward", async function () {
      const f = await registered();
      await expect(f.dm.raiseFirmwareFloor(1, 2))
        .to.emit(f.registry, "FirmwareFloorSet")
        .withArgs(f.orgIds.deviceManager, 1, 0, 2, hre.ethers.ZeroHash);
      expect(await f.registry.firmwareFloor(f.orgIds.deviceManager, 1)).to.equal(2);
      await expect(f.dm.raiseFirmwareFloor(1, 2))
        .to.be.revertedWithCustomError(f.registry, "DeviceFloorNotRaised")
        .withArgs(1, 2, 2);
      const b = await signed(f.sensor, steady(f.registeredAt + 10, 4));
      await expect(f.registry.submitBatch(b.batch, b.signature, NO_WATCH)).to.be.revertedWithCustomError(
        f.registry,
        "DeviceFirmwareNotAllowed",
      );
      await expect(f.dm.updateFirmware(f.sensor.address, FIRMWARE_V1))
        .to.be.revertedWithCustomError(f.registry, "DeviceFirmwareNotAllowed")
        .withArgs(FIRMWARE_V1);
      await expect(f.dm.updateFirmware(f.sensor.address, FIRMWARE_V2))
        .to.emit(f.registry, "DeviceFirmwareUpdated")
        .withArgs(f.sensor.address, FIRMWARE_V2, 2);
      await expect(f.dm.updateFirmware(f.sensor.address, FIRMWARE_V2))
        .to.be.revertedWithCustomError(f.registry, "DeviceFirmwareRollback")
        .withArgs(f.sensor.address, 2, 2);
      await expect(f.registry.submitBatch(b.batch, b.signature, NO_WATCH)).to.emit(f.registry, "BatchAnchored");
    });
  });

  describe("lifecycle", function () {
    it("suspends and resumes; a suspended device cannot report", async function () {
      const f = await registered();
      await expect(f.dm.setSuspended(f.sensor.address, true))
        .to.emit(f.registry, "DeviceSuspensionChanged")
        .withArgs(f.sensor.address, true);
      await expect(f.dm.setSuspended(f.sensor.address, true))
        .to.be.revertedWithCustomError(f.registry, "DeviceNotActive")
        .withArgs(f.sensor.address, STATUS.Suspended);
      const b = await signed(f.sensor, steady(f.registeredAt + 10, 4));
      await expect(f.registry.submitBatch(b.batch, b.signature, NO_WATCH))
        .to.be.revertedWithCustomError(f.registry, "DeviceNotActive")
        .withArgs(f.sensor.address, STATUS.Suspended);
      await f.dm.setSuspended(f.sensor.address, false);
      await expect(f.registry.submitBatch(b.batch, b.signature, NO_WATCH)).to.emit(f.registry, "BatchAnchored");
    });

    it("transfers to another active organisation", async function () {
      const f = await registered();
      await expect(f.dm.transferDevice(f.sensor.address, f.orgIds.hospital))
        .to.emit(f.registry, "DeviceTransferred")
        .withArgs(f.sensor.address, f.orgIds.carrier, f.orgIds.hospital);
      await expect(f.dm.transferDevice(f.sensor.address, f.orgIds.hospital))
        .to.be.revertedWithCustomError(f.registry, "DeviceSameOwner")
        .withArgs(f.sensor.address, f.orgIds.hospital);
      await expect(f.dm.transferDevice(f.sensor.address, 0))
        .to.be.revertedWithCustomError(f.registry, "DeviceInvalidOwner")
        .withArgs(0);
    });

    it("revokes from a time on: earlier readings still land, later ones never", async function () {
      const f = await registered();
      const cut = f.registeredAt + 3600;
      await expect(f.dm.revokeDevice(f.sensor.address, f.registeredAt - 10, textHash("x")))
        .to.be.revertedWithCustomError(f.registry, "DeviceInvalidRevocationTime")
        .withArgs(f.sensor.address, f.registeredAt - 10);
      await expect(f.dm.revokeDevice(f.sensor.address, cut, textHash("key leaked")))
        .to.emit(f.registry, "DeviceRevoked")
        .withArgs(f.sensor.address, cut, textHash("key leaked"));
      const before = await signed(f.sensor, steady(cut - 600, 5));
      await expect(f.registry.submitBatch(before.batch, before.signature, NO_WATCH)).to.emit(
        f.registry,
        "BatchAnchored",
      );
      const after = await signed(f.sensor, steady(cut - 60, 3));
      await expect(f.registry.submitBatch(after.batch, after.signature, NO_WATCH))
        .to.be.revertedWithCustomError(f.registry, "DeviceRevokedAt")
        .withArgs(f.sensor.address, cut, cut + 60);
      expect((await f.registry.deviceOf(f.sensor.address))[2]).to.equal(false);
      for (const call of [
        f.dm.revokeDevice(f.sensor.address, cut, textHash("again")),
        f.dm.transferDevice(f.sensor.address, f.orgIds.hospital),
        f.dm.recalibrate(f.sensor.address, cut + YEAR, textHash("c")),
        f.dm.updateFirmware(f.sensor.address, FIRMWARE_V2),
        f.dm.setSuspended(f.sensor.address, true),
      ]) {
        await expect(call)
          .to.be.revertedWithCustomError(f.registry, "DeviceNotActive")
          .withArgs(f.sensor.address, STATUS.Revoked);
      }
    });

    it("refuses readings past the calibration deadline until recalibrated", async function () {
      const f = await registered();
      const d = await f.registry.device(f.sensor.address);
      const late = Number(d.calibratedUntil) + 60;
      const b = await signed(f.sensor, steady(late, 3));
      await expect(f.registry.submitBatch(b.batch, b.signature, NO_WATCH))
        .to.be.revertedWithCustomError(f.registry, "DeviceCalibrationExpired")
        .withArgs(f.sensor.address, d.calibratedUntil, late + 120);
      await expect(f.dm.recalibrate(f.sensor.address, late - 600, textHash("c"))).to.be.revertedWithCustomError(
        f.registry,
        "DeviceCalibrationExpired",
      );
      const until = (await time.latest()) + YEAR;
      await expect(f.dm.recalibrate(f.sensor.address, until, textHash("cert 42")))
        .to.emit(f.registry, "DeviceRecalibrated")
        .withArgs(f.sensor.address, until, textHash("cert 42"));
      await expect(f.registry.submitBatch(b.batch, b.signature, NO_WATCH)).to.emit(f.registry, "BatchAnchored");
    });

    it("lets only the managing organisation manage a device", async function () {
      const f = await registered();
      await expect(f.registry.connect(f.actors.deviceManager).setSuspended(f.actors.outsider.address, true))
        .to.be.revertedWithCustomError(f.registry, "DeviceUnknown")
        .withArgs(f.actors.outsider.address);
      // the grid operator becomes a second DEVICE_MANAGER by vote; it does not manage Metro IoT's sensors
      const id = await proposeRoles(f.consortium, f.actors.regulator, f.orgIds.gridOperator, [
        "GRID_OPERATOR",
        "DEVICE_MANAGER",
      ]);
      const voters = (
        [
          "manufacturer",
          "manufacturer2",
          "distributor",
          "carrier",
          "hospital",
          "pharmacy",
          "insurer",
          "assetOperator",
          "gridOperator",
          "deviceManager",
          "kyc",
        ] as const
      ).map((k) => f.actors[k]);
      expect(await voteUntilClosed(f.consortium, id, voters)).to.equal("Executed");
      await expect(f.registry.connect(f.actors.gridOperator).setSuspended(f.sensor.address, true))
        .to.be.revertedWithCustomError(f.registry, "DeviceNotManager")
        .withArgs(f.sensor.address, f.orgIds.gridOperator);
      expect(await f.registry.firmware(f.orgIds.deviceManager, FIRMWARE_V1)).to.deep.equal([
        1n,
        1n,
        true,
        BigInt(f.orgIds.deviceManager),
      ]);
    });
  });

  describe("telemetry", function () {
    it("anchors a batch's Merkle root and proves one reading", async function () {
      const f = await registered();
      const series = steady(f.registeredAt + 30, 200).map((r, i) => ({ ...r, centi: 480 + (i % 17) - 8 }));
      const b = await signed(f.sensor, series);
      const tree = new ReadingTree(b.batch.baseTime, b.batch.readings);
      await expect(f.registry.connect(f.actors.outsider).submitBatch(b.batch, b.signature, NO_WATCH))
        .to.emit(f.registry, "BatchAnchored")
        .withArgs(f.sensor.address, 1, tree.root, series[0].time, series[199].time, 200);
      expect(await f.registry.batchRoot(f.sensor.address, 1)).to.equal(tree.anchor);
      for (const i of [0, 7, 8, 123, 199]) {
        const { word, proof } = tree.proof(i);
        const [valid, t, v] = await f.registry.verifyReading(
          f.sensor.address,
          1,
          b.batch.baseTime,
          200,
          i,
          word,
          proof,
        );
        expect([valid, Number(t), Number(v)]).to.deep.equal([true, series[i].time, series[i].centi]);
      }
      const { word, proof } = tree.proof(5);
      const forged = "0x" + word.slice(2, 2 + 40) + "ffff" + word.slice(46);
      expect(
        (await f.registry.verifyReading(f.sensor.address, 1, b.batch.baseTime, 200, 5, forged, proof))[0],
      ).to.equal(false);
      expect(
        (await f.registry.verifyReading(f.sensor.address, 1, b.batch.baseTime, 200, 200, word, proof))[0],
      ).to.equal(false);
    });

    it("keeps two batches' 128-bit roots in one slot and proves readings of both halves", async function () {
      const f = await registered();
      const start = f.registeredAt + 30;
      // sequences 1, 2, 3: 1 is the low half of pair 0; 2 (high) and 3 (low) share pair 1
      const series = steady(start, 90).map((r, i) => ({ ...r, centi: 300 + ((i * 37) % 101) }));
      const batches = await f.sensor.signSeries(series, ZERO, 30);
      await time.increaseTo(series[89].time);
      const trees = batches.map((b) => new ReadingTree(b.batch.baseTime, b.batch.readings));
      expect(await f.registry.batchRoot(f.sensor.address, 3)).to.equal(hre.ethers.ZeroHash);
      const before = await f.registry.device(f.sensor.address);
      for (const b of batches) await f.registry.submitBatch(b.batch, b.signature, NO_WATCH);
      // one SSTORE updates the last time and sequence of the record and leaves every other field as it was
      const after = await f.registry.device(f.sensor.address);
      const expected = [...before];
      expected[5] = BigInt(series[89].time); // lastTimestamp
      expected[6] = 3n; // lastSequence
      expect(before.lastSequence).to.equal(0n);
      expect([...after]).to.deep.equal(expected);
      for (let k = 0; k < 3; k++) {
        const sequence = k + 1;
        expect(await f.registry.batchRoot(f.sensor.address, sequence)).to.equal(trees[k].anchor);
        for (const i of [0, 13, 29]) {
          const { word, proof } = trees[k].proof(i);
          const [valid, t, v] = await f.registry.verifyReading(
            f.sensor.address,
            sequence,
            batches[k].batch.baseTime,
            30,
            i,
            word,
            proof,
          );
          expect([valid, Number(t), Number(v)]).to.deep.equal([
            true,
            series[30 * k + i].time,
            series[30 * k + i].centi,
          ]);
        }
      }
      // a proof of batch 2 does not pass for its slot neighbour 3, nor for a batch never anchored (4)
      const { word, proof } = trees[1].proof(13);
      for (const sequence of [3, 4]) {
        expect(
          (
            await f.registry.verifyReading(f.sensor.address, sequence, batches[1].batch.baseTime, 30, 13, word, proof)
          )[0],
        ).to.equal(false);
      }
    });

    it("refuses a replayed or out-of-order sequence", async function () {
      const f = await registered();
      const s1 = await signed(f.sensor, steady(f.registeredAt + 30, 4));
      await f.registry.submitBatch(s1.batch, s1.signature, NO_WATCH);
      await expect(f.registry.submitBatch(s1.batch, s1.signature, NO_WATCH))
        .to.be.revertedWithCustomError(f.registry, "DeviceSequenceNotIncreasing")
        .withArgs(f.sensor.address, 1, 1);
      const old: Batch = { ...s1.batch, sequence: 0n, baseTime: s1.batch.baseTime + 600n };
      await expect(f.registry.submitBatch(old, await signBatch(f.sensor.wallet, f.domain, old), NO_WATCH))
        .to.be.revertedWithCustomError(f.registry, "DeviceSequenceNotIncreasing")
        .withArgs(f.sensor.address, 0, 1);
    });

    it("refuses timestamps before the previous batch or in the future", async function () {
      const f = await registered();
      const s1 = await signed(f.sensor, steady(f.registeredAt + 30, 4));
      await f.registry.submitBatch(s1.batch, s1.signature, NO_WATCH);
      const overlap = await signed(f.sensor, steady(f.registeredAt + 30 + 180, 2));
      await expect(f.registry.submitBatch(overlap.batch, overlap.signature, NO_WATCH))
        .to.be.revertedWithCustomError(f.registry, "DeviceStaleBatch")
        .withArgs(f.sensor.address, f.registeredAt + 210, f.registeredAt + 210);
      const now = await time.latest();
      const [future] = await f.sensor.signSeries(steady(now + 3600, 2), ZERO);
      await expect(f.registry.submitBatch(future.batch, future.signature, NO_WATCH)).to.be.revertedWithCustomError(
        f.registry,
        "DeviceFutureReading",
      );
    });

    it("refuses forged, misrouted, malformed and unordered batches", async function () {
      const f = await registered();
      const start = f.registeredAt + 30;
      const good = await signed(f.sensor, steady(start, 4));
      const tampered = { ...good.batch, readings: packReadings(steady(start, 4, 300), start) };
      await expect(f.registry.submitBatch(tampered, good.signature, NO_WATCH)).to.be.revertedWithCustomError(
        f.registry,
        "DeviceInvalidSignature",
      );
      const routed = { ...good.batch, sink: f.actors.hospital.address };
      await expect(f.registry.submitBatch(routed, await signBatch(f.sensor.wallet, f.domain, routed), NO_WATCH))
        .to.be.revertedWithCustomError(f.registry, "DeviceWrongSink")
        .withArgs(f.sensor.address, f.actors.hospital.address, f.actors.deployer.address);
      for (const readings of ["0x", "0x0001f4"]) {
        const bad = { ...good.batch, readings };
        await expect(f.registry.submitBatch(bad, await signBatch(f.sensor.wallet, f.domain, bad), NO_WATCH))
          .to.be.revertedWithCustomError(f.registry, "DeviceMalformedReadings")
          .withArgs((readings.length - 2) / 2);
      }
      const big = { ...good.batch, readings: "0x" + "000101f4".repeat(1025) };
      await expect(f.registry.submitBatch(big, await signBatch(f.sensor.wallet, f.domain, big), NO_WATCH))
        .to.be.revertedWithCustomError(f.registry, "DeviceBatchTooLarge")
        .withArgs(1025, 1024);
      const unordered = { ...good.batch, readings: "0x000101f4000201f4000201f4000301f4" };
      await expect(f.registry.submitBatch(unordered, await signBatch(f.sensor.wallet, f.domain, unordered), NO_WATCH))
        .to.be.revertedWithCustomError(f.registry, "DeviceReadingsNotIncreasing")
        .withArgs(2);
      const stranger = new DeviceSimulator(Wallet.createRandom(), f.domain);
      const [s] = await stranger.signSeries(steady(start, 2), ZERO);
      await expect(f.registry.submitBatch(s.batch, s.signature, NO_WATCH))
        .to.be.revertedWithCustomError(f.registry, "DeviceUnknown")
        .withArgs(stranger.address);
      expect(await f.registry.batchDigest(good.batch)).to.equal(
        hre.ethers.TypedDataEncoder.hash(f.domain, BATCH_TYPES, good.batch),
      );
    });

    it("clamps the watch's interval, and refuses times beyond uint40 and base times that overflow", async function () {
      const f = await registered();
      const start = f.registeredAt + 30;
      const series = steady(start, 3);
      await time.increaseTo(series[2].time);
      const batch: Batch = {
        device: f.sensor.address,
        sequence: 1n,
        baseTime: BigInt(start),
        sink: ZERO,
        readings: packReadings(series, start),
      };
      const sig = await signBatch(f.sensor.wallet, f.domain, batch);
      expect((await f.registry.submitBatch.staticCall(batch, sig, { ...NO_WATCH, maxInterval: 0 })).broke).to.equal(
        true,
      );
      expect(
        (await f.registry.submitBatch.staticCall(batch, sig, { ...NO_WATCH, maxInterval: 70_000 })).broke,
      ).to.equal(false);
      const huge: Batch = { ...batch, baseTime: 2n ** 64n - 2n };
      await expect(
        f.registry.submitBatch(huge, await signBatch(f.sensor.wallet, f.domain, huge), NO_WATCH),
      ).to.be.revertedWithCustomError(f.registry, "DeviceFutureReading");
      const tooFar = 2n ** 40n;
      await expect(f.dm.recalibrate(f.sensor.address, tooFar, textHash("c")))
        .to.be.revertedWithCustomError(f.registry, "DeviceCalibrationExpired")
        .withArgs(f.sensor.address, tooFar, anyValue);
      await expect(f.dm.revokeDevice(f.sensor.address, tooFar, textHash("c")))
        .to.be.revertedWithCustomError(f.registry, "DeviceInvalidRevocationTime")
        .withArgs(f.sensor.address, tooFar);
      const sim = new DeviceSimulator(deviceWallet(12), f.domain);
      const now = await time.latest();
      const r = await sim.signRegistration({
        kind: 1,
        ownerOrg: f.orgIds.carrier,
        managerOrg: f.orgIds.deviceManager,
        firmware: FIRMWARE_V1,
        calibratedUntil: tooFar,
        metadataHash: textHash("x"),
        deadline: now + 600,
      });
      await expect(f.dm.registerDevice(r.registration, r.signature)).to.be.revertedWithCustomError(
        f.registry,
        "DeviceCalibrationExpired",
      );
    });

    it("measures random batches exactly like the reference model (fixed seed)", async function () {
      const f = await registered();
      const rand = prng(20261123);
      const start = f.registeredAt + 30;
      await time.increaseTo(start + 70_000);
      for (let trial = 0; trial < 40; trial++) {
        const count = 1 + Math.floor(rand() * 80);
        let t = start + Math.floor(rand() * 100);
        const series: Reading[] = [];
        for (let i = 0; i < count; i++) {
          series.push({ time: t, centi: Math.floor(rand() * 2400) - 600 });
          t += 1 + Math.floor(rand() * (rand() < 0.1 ? 1500 : 300));
        }
        if (series[count - 1].time - series[0].time > 0xffff) continue;
        const watch = {
          low: 200,
          high: 800,
          hardLow: -500 + Math.floor(rand() * 300),
          hardHigh: 1500 + Math.floor(rand() * 300),
          maxInterval: 900,
        };
        const baseTime = series[0].time;
        const batch: Batch = {
          device: f.sensor.address,
          sequence: 1n,
          baseTime: BigInt(baseTime),
          sink: ZERO,
          readings: packReadings(series, baseTime),
        };
        const sig = await signBatch(f.sensor.wallet, f.domain, batch);
        const got = await f.registry.submitBatch.staticCall(batch, sig, watch);
        let outside = 0;
        let broke = false;
        series.forEach((r, i) => {
          if (r.centi < watch.hardLow || r.centi > watch.hardHigh) broke = true;
          if (i + 1 < count) {
            const step = series[i + 1].time - r.time;
            if (step > watch.maxInterval) broke = true;
            if (r.centi < watch.low || r.centi > watch.high) outside += step;
          }
        });
        expect(Number(got.outsideSeconds), `trial ${trial} outside`).to.equal(outside);
        expect(got.broke, `trial ${trial} broke`).to.equal(broke);
        expect(got.root).to.equal(new ReadingTree(batch.baseTime, batch.readings).root);
        expect([Number(got.firstValue), Number(got.lastValue)]).to.deep.equal([
          series[0].centi,
          series[count - 1].centi,
        ]);
      }
    });
  });

  shouldBehaveLikeRestricted(async () => {
    const f = await registered();
    const r = f.registry.connect(f.actors.outsider);
    const now = await time.latest();
    const reg = {
      device: f.actors.outsider2.address,
      kind: 1,
      ownerOrg: f.orgIds.carrier,
      managerOrg: f.orgIds.deviceManager,
      firmware: FIRMWARE_V1,
      calibratedUntil: now + YEAR,
      metadataHash: textHash("x"),
      nonce: 0,
      deadline: now + 600,
    };
    const err = {
      contract: f.registry,
      error: "AccessMissingRole",
      args: [f.actors.outsider.address, ROLES.DEVICE_MANAGER],
    };
    return [
      { name: "setFirmware", send: () => r.setFirmware(FIRMWARE_V2, 1, 2, false), ...err },
      { name: "raiseFirmwareFloor", send: () => r.raiseFirmwareFloor(1, 5), ...err },
      { name: "lowerFirmwareFloor", send: () => r.lowerFirmwareFloor(1, 0, textHash("x")), ...err },
      {
        name: "setCityFirmware",
        send: () => r.setCityFirmware(FIRMWARE_V2, 1, 2, true),
        ...err,
        args: [f.actors.outsider.address, ROLES.REGULATOR],
      },
      {
        name: "setCityFirmwareFloor",
        send: () => r.setCityFirmwareFloor(1, 2, textHash("x")),
        ...err,
        args: [f.actors.outsider.address, ROLES.REGULATOR],
      },
      { name: "registerDevice", send: () => r.registerDevice(reg, "0x"), ...err },
      { name: "setSuspended", send: () => r.setSuspended(f.sensor.address, true), ...err },
      { name: "transferDevice", send: () => r.transferDevice(f.sensor.address, f.orgIds.hospital), ...err },
      { name: "revokeDevice", send: () => r.revokeDevice(f.sensor.address, now, textHash("x")), ...err },
      { name: "recalibrate", send: () => r.recalibrate(f.sensor.address, now + YEAR, textHash("x")), ...err },
      { name: "updateFirmware", send: () => r.updateFirmware(f.sensor.address, FIRMWARE_V2), ...err },
    ];
  });
});
