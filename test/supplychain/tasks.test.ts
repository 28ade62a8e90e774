import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { buildDigitalLink, makeGtin } from "../../src/gs1";
import { LotFileError, lotIdOf, textHash } from "../../src/supplychain";
import { deploySupplyChainFixture } from "../fixtures/supplychain";

/** Runs a task with console output captured. */
async function run(name: string, args: Record<string, unknown>): Promise<string> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.map(String).join(" "));
  try {
    await hre.run(name, args);
  } finally {
    console.log = log;
  }
  return lines.join("\n");
}

describe("supply:* tasks", function () {
  it("registers a product, commissions a CSV lot, verifies, traces and recalls it", async function () {
    const { sc } = await loadFixture(deploySupplyChainFixture);
    const address = await sc.getAddress();
    const gtin = makeGtin("0401234500099");
    await run("supply:product", { gtin, documents: "Ibuprofen 200 mg", from: "manufacturer", address });
    expect((await sc.product(gtin)).metadataHash).to.equal(textHash("Ibuprofen 200 mg"));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "supply-"));
    const file = path.join(dir, "lot.csv");
    const rows = Array.from({ length: 300 }, (_, i) => `${gtin},IBU-1,301231,I${i + 1}`);
    fs.writeFileSync(file, ["gtin,lot,expiry,serial", ...rows].join("\n"));
    const out = await run("supply:commission", {
      file,
      origin: "urn:epc:id:sgln:4012345.00001.0",
      inputs: "",
      from: "manufacturer",
      address,
    });
    expect(out).to.contain("Lot IBU-1 commissioned");
    const lotId = lotIdOf(gtin, "IBU-1");
    expect((await sc.lot(lotId)).itemCount).to.equal(300n);
    expect(fs.existsSync(path.join(dir, "lot.tree.json"))).to.equal(true);

    const link = buildDigitalLink({ gtin, lot: "IBU-1", serial: "I7", expiry: "301231" });
    expect(await run("supply:verify", { link, tree: path.join(dir, "lot.tree.json"), address })).to.contain("VERIFIED");
    expect(await run("supply:verify", { link, address })).to.contain("NOT SELLABLE: unknown serial");
    expect(
      await run("supply:recall", { gtin, lot: "IBU-1", reason: "label misprint", from: "manufacturer", address }),
    ).to.contain("Lot IBU-1 recalled");
    const trace = await run("supply:trace", { link, depth: 3, address });
    expect(trace).to.contain("Lot commissioned");
    expect(trace).to.contain("Lot recalled");
  });

  it("stops a commission at the first bad CSV with row-precise problems and sends nothing", async function () {
    const { sc } = await loadFixture(deploySupplyChainFixture);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "supply-"));
    const file = path.join(dir, "bad.csv");
    fs.writeFileSync(file, "gtin,lot,expiry,serial\n04012345000016,B1,301231,A\n04012345000016,B1,301231,A\n");
    const before = await hre.ethers.provider.getBlockNumber();
    await expect(
      run("supply:commission", { file, origin: "x", inputs: "", from: "manufacturer", address: await sc.getAddress() }),
    ).to.be.rejectedWith(LotFileError, 'line 3, serial: duplicate "A" (first on line 2)');
    expect(await hre.ethers.provider.getBlockNumber()).to.equal(before);
  });
});
