import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ROLES } from "../../src/roles";
import { textHash } from "../../src/supplychain";
import { DEVICE_KIND, DeviceSimulator, NO_WATCH, Reading, ReadingTree } from "../../src/telemetry";
import { FIRMWARE_V1, FIRMWARE_V2, YEAR, deployTwoManagersFixture, deviceWallet } from "../fixtures/pharma";

function steady(start: number, count: number, centi = 500, interval = 60): Reading[] {
  return Array.from({ length: count }, (_, i) => ({ time: start + i * interval, centi }));
}

async function two() {
  const f = await loadFixture(deployTwoManagersFixture);
  return { ...f, sensor: new DeviceSimulator(deviceWallet(20), f.domain) };
}

describe("issue 14: device registry replays (findings 5-8)", function () {
  describe("finding 5: a signed registration binds the managing organisation, a nonce and an expiry", function () {
    it("refuses a registration front-run by another DEVICE_MANAGER, a wrong nonce, or an expired one", async function () {
      const f = await two();
      const sim = new DeviceSimulator(deviceWallet(21), f.domain);
      const now = await time.latest();
      const base = {
        kind: DEVICE_KIND.TemperatureSensor,
        ownerOrg: f.orgIds.carrier,
        managerOrg: f.orgIds.deviceManager,
        firmware: FIRMWARE_V1,
        calibratedUntil: now + YEAR,
        metadataHash: textHash("T"),
        deadline: now + 600,
      };
      const signed = await sim.signRegistration(base);
      // SunGrid (a DEVICE_MANAGER too) copies Metro IoT's signed registration from the mempool
      await expect(f.registry.connect(f.actors.gridOperator).registerDevice(signed.registration, signed.signature))
        .to.be.revertedWithCustomError(f.registry, "DeviceRegistrationWrongManager")
        .withArgs(sim.address, f.orgIds.deviceManager, f.orgIds.gridOperator);
      const wrongNonce = await sim.signRegistration({ ...base, nonce: 1 });
      await expect(f.dm.registerDevice(wrongNonce.registration, wrongNonce.signature))
        .to.be.revertedWithCustomError(f.registry, "DeviceRegistrationNonceUsed")
        .withArgs(sim.address, 1, 0);
      const expired = await sim.signRegistration({ ...base, deadline: now - 1 });
      await expect(f.dm.registerDevice(expired.registration, expired.signature))
        .to.be.revertedWithCustomError(f.registry, "DeviceRegistrationExpired")
        .withArgs(sim.address, now - 1);
      await expect(f.dm.registerDevice(signed.registration, signed.signature)).to.emit(f.registry, "DeviceRegistered");
      expect(await f.registry.registrationNonce(sim.address)).to.equal(1);
      expect((await f.registry.device(sim.address)).managerOrg).to.equal(f.orgIds.deviceManager);
    });
  });

  describe("finding 6: firmware policy belongs to the managing organisation", function () {
    it("keeps another manager's listings and floors from touching Metro IoT's fleet", async function () {
      const f = await two();
      const grid = f.registry.connect(f.actors.gridOperator);
      // SunGrid disallows the image and raises its floor far up: only its own list changes
      await expect(grid.setFirmware(FIRMWARE_V1, DEVICE_KIND.TemperatureSensor, 1, false))
        .to.emit(f.registry, "FirmwareSet")
        .withArgs(f.orgIds.gridOperator, FIRMWARE_V1, DEVICE_KIND.TemperatureSensor, 1, false);
      await grid.raiseFirmwareFloor(DEVICE_KIND.TemperatureSensor, 4_000_000_000);
      expect((await f.registry.deviceOf(f.sensor.address))[2]).to.equal(true);
      expect((await f.registry.firmware(f.orgIds.deviceManager, FIRMWARE_V1)).allowed).to.equal(true);
      expect(await f.registry.firmwareFloor(f.orgIds.deviceManager, DEVICE_KIND.TemperatureSensor)).to.equal(0);
      const now = await time.latest();
      const [b] = await f.sensor.signSeries(steady(now - 120, 3), hre.ethers.ZeroAddress);
      await expect(f.registry.submitBatch(b.batch, b.signature, NO_WATCH)).to.emit(f.registry, "BatchAnchored");
    });

    it("lets a manager correct its own floor, and the regulator run the city-wide list", async function () {
      const f = await two();
      await f.dm.raiseFirmwareFloor(DEVICE_KIND.TemperatureSensor, 9);
      expect((await f.registry.deviceOf(f.sensor.address))[2]).to.equal(false);
      await expect(f.dm.lowerFirmwareFloor(DEVICE_KIND.TemperatureSensor, 9, textHash("x")))
        .to.be.revertedWithCustomError(f.registry, "DeviceFloorNotLowered")
        .withArgs(DEVICE_KIND.TemperatureSensor, 9, 9);
      await expect(f.dm.lowerFirmwareFloor(DEVICE_KIND.TemperatureSensor, 1, textHash("typo: meant 1")))
        .to.emit(f.registry, "FirmwareFloorSet")
        .withArgs(f.orgIds.deviceManager, DEVICE_KIND.TemperatureSensor, 9, 1, textHash("typo: meant 1"));
      expect((await f.registry.deviceOf(f.sensor.address))[2]).to.equal(true);
      // a city-wide image (a REGULATOR's list) may run on any manager's devices, held to the city floor
      const cityFw = textHash("city-fw-3");
      await expect(f.dm.setCityFirmware(cityFw, DEVICE_KIND.TemperatureSensor, 3, true))
        .to.be.revertedWithCustomError(f.registry, "AccessMissingRole")
        .withArgs(f.actors.deviceManager.address, ROLES.REGULATOR);
      await f.registry.connect(f.actors.regulator).setCityFirmware(cityFw, DEVICE_KIND.TemperatureSensor, 3, true);
      await expect(f.dm.updateFirmware(f.sensor.address, cityFw)).to.emit(f.registry, "DeviceFirmwareUpdated");
      await f.registry
        .connect(f.actors.regulator)
        .setCityFirmwareFloor(DEVICE_KIND.TemperatureSensor, 4, textHash("CVE-2026-1"));
      expect((await f.registry.deviceOf(f.sensor.address))[2]).to.equal(false);
      expect(FIRMWARE_V2).to.not.equal(cityFw);
    });
  });

  it("finding 7: verifyReading does not verify a reading at or after the revocation time", async function () {
    const f = await two();
    await time.increase(600);
    const now = await time.latest();
    const series = steady(now - 300, 5);
    const [b] = await f.sensor.signSeries(series, hre.ethers.ZeroAddress);
    await f.registry.submitBatch(b.batch, b.signature, NO_WATCH);
    const tree = new ReadingTree(b.batch.baseTime, b.batch.readings);
    const check = async (index: number) => {
      const { word, proof } = tree.proof(index);
      return (await f.registry.verifyReading(f.sensor.address, 1, b.batch.baseTime, tree.count, index, word, proof))[0];
    };
    expect(await check(3)).to.equal(true);
    // the key leaked: revoked from the time of reading 2
    await f.dm.revokeDevice(f.sensor.address, series[2].time, textHash("key extracted"));
    expect([await check(0), await check(1), await check(2), await check(3)]).to.deep.equal([true, true, false, false]);
  });

  it("finding 8: stores the full 256-bit root of every batch", async function () {
    const f = await two();
    const now = await time.latest();
    const batches = await f.sensor.signSeries(steady(now - 600, 6), hre.ethers.ZeroAddress, 2);
    for (const b of batches) await f.registry.submitBatch(b.batch, b.signature, NO_WATCH);
    for (const [i, b] of batches.entries()) {
      const root = new ReadingTree(b.batch.baseTime, b.batch.readings).root;
      expect(await f.registry.batchRoot(f.sensor.address, i + 1)).to.equal(root);
    }
    // a root matching only the top 128 bits (what a key holder could find with 2^64 work) does not verify
    const tree = new ReadingTree(batches[0].batch.baseTime, batches[0].batch.readings);
    const { word, proof } = tree.proof(0);
    const [valid] = await f.registry.verifyReading(
      f.sensor.address,
      1,
      batches[0].batch.baseTime,
      tree.count,
      0,
      word,
      proof,
    );
    expect(valid).to.equal(true);
    const half = tree.root.slice(0, 34) + "00".repeat(16);
    expect(await f.registry.batchRoot(f.sensor.address, 1)).to.not.equal(half);
  });
});
