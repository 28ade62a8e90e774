import { expect } from "chai";
import { Wallet } from "ethers";
import {
  DeviceSimulator,
  ReadingTree,
  batchesToJson,
  packReadings,
  prng,
  registryDomain,
  simulateTemperatures,
  splitIntoBatches,
  unpackReadings,
} from "../../src/telemetry";

describe("telemetry SDK", function () {
  it("packs readings as uint16 offsets and int16 centi-degrees, and unpacks them", function () {
    const series = [
      { time: 1000, centi: 512 },
      { time: 1060, centi: -150 },
      { time: 66535, centi: 32767 },
    ];
    const packed = packReadings(series, 1000);
    expect(packed).to.equal("0x00000200" + "003cff6a" + "ffff7fff");
    expect(unpackReadings(packed, 1000)).to.deep.equal(series);
  });

  it("refuses readings that do not fit the format", function () {
    expect(() => packReadings([], 0)).to.throw("1..1024");
    expect(() => packReadings([{ time: 5, centi: 1 }], 10)).to.throw("not within");
    expect(() => packReadings([{ time: 70_000, centi: 1 }], 0)).to.throw("not within");
    expect(() =>
      packReadings(
        [
          { time: 1, centi: 1 },
          { time: 1, centi: 2 },
        ],
        0,
      ),
    ).to.throw("strictly increase");
    expect(() => packReadings([{ time: 1, centi: 40_000 }], 0)).to.throw("int16");
    expect(() => unpackReadings("0x0102", 0)).to.throw("4 bytes");
  });

  it("splits a series into batches by size and by the uint16 offset range", function () {
    const series = Array.from({ length: 450 }, (_, i) => ({ time: i * 60, centi: 500 }));
    expect(splitIntoBatches(series, 200).map((b) => b.length)).to.deep.equal([200, 200, 50]);
    const sparse = [0, 30_000, 60_000, 70_000].map((t) => ({ time: t, centi: 1 }));
    expect(splitIntoBatches(sparse, 200).map((b) => b.length)).to.deep.equal([3, 1]);
    expect(() => splitIntoBatches(series, 0)).to.throw("batch size");
  });

  it("simulates a reproducible reefer series with a door-open spike and a dropout", function () {
    const opts = {
      start: 0,
      interval: 60,
      count: 180,
      setpoint: 5,
      seed: 42,
      events: [
        { kind: "doorOpen" as const, atMinute: 30, minutes: 5, peak: 12 },
        { kind: "dropout" as const, atMinute: 100, minutes: 25 },
      ],
    };
    const a = simulateTemperatures(opts);
    expect(simulateTemperatures(opts)).to.deep.equal(a);
    expect(a.length).to.equal(180 - 25);
    const before = a.filter((r) => r.time < 30 * 60);
    expect(Math.max(...before.map((r) => r.centi))).to.be.lessThan(600);
    const spike = Math.max(...a.filter((r) => r.time >= 30 * 60 && r.time < 45 * 60).map((r) => r.centi));
    expect(spike).to.be.greaterThan(1000).and.lessThan(1300);
    const gaps = a.slice(1).map((r, i) => r.time - a[i].time);
    expect(Math.max(...gaps)).to.equal(26 * 60);
  });

  it("builds proofs for every reading that climb to the root", function () {
    const rand = prng(5);
    const series = Array.from({ length: 37 }, (_, i) => ({ time: 100 + i * 30, centi: Math.floor(rand() * 1000) }));
    const tree = new ReadingTree(100n, packReadings(series, 100));
    expect(tree.words.length).to.equal(5);
    expect(tree.proof(36).word.endsWith("0".repeat(24))).to.equal(true);
    expect(() => tree.proof(37)).to.throw("no reading");
    expect(tree.anchor).to.equal(tree.root).and.to.have.length(66);
  });

  it("signs consecutive batches with increasing sequences and serialises them", async function () {
    const sim = new DeviceSimulator(Wallet.createRandom(), registryDomain(31337, Wallet.createRandom().address));
    const series = Array.from({ length: 250 }, (_, i) => ({ time: 1000 + i * 60, centi: 500 }));
    const batches = await sim.signSeries(series, Wallet.createRandom().address, 200);
    expect(batches.map((b) => b.batch.sequence)).to.deep.equal([1n, 2n]);
    expect(batches[1].batch.baseTime).to.equal(BigInt(1000 + 200 * 60));
    const json = JSON.parse(batchesToJson(batches));
    expect(json[1].batch.sequence).to.equal("2");
  });
});
