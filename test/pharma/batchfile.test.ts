import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { DeviceSimulator, batchesToJson, loadBatchFile, registryDomain } from "../../src/telemetry";

describe("pharma:readings batch files", function () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pharma-"));

  it("round-trips signed batches through the JSON file", async function () {
    const sim = new DeviceSimulator(Wallet.createRandom(), registryDomain(31337, Wallet.createRandom().address));
    const series = Array.from({ length: 10 }, (_, i) => ({ time: 1000 + i * 60, centi: 500 + i }));
    const batches = await sim.signSeries(series, Wallet.createRandom().address, 4);
    const file = path.join(dir, "ok.json");
    fs.writeFileSync(file, batchesToJson(batches));
    expect(loadBatchFile(file)).to.deep.equal(batches);
  });

  it("names the file, the batch and the field of every problem", function () {
    const file = path.join(dir, "bad.json");
    fs.writeFileSync(
      file,
      JSON.stringify([
        {
          batch: { device: "0x12", sequence: "x", baseTime: "1", sink: "0x" + "0".repeat(40), readings: "0x123" },
          signature: "0x",
          series: [],
        },
      ]),
    );
    expect(() => loadBatchFile(file)).to.throw(
      /batch 0\.batch\.device: an address[\s\S]*0\.batch\.sequence: a decimal sequence[\s\S]*0\.signature/,
    );
    fs.writeFileSync(file, "[]");
    expect(() => loadBatchFile(file)).to.throw("holds no batch");
    fs.writeFileSync(file, "{");
    expect(() => loadBatchFile(file)).to.throw("not JSON");
    expect(() => loadBatchFile(path.join(dir, "missing.json"))).to.throw("file not found");
  });
});
