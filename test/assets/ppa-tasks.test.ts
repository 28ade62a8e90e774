import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployPpaFixture } from "../fixtures/ppa";
import { QUARTER_HOUR } from "../../src/ppa";

/** The metered-revenue CLI on the in-process network: change a PPA, meter a day, settle a file, read arrears. */
describe("assets PPA tasks", function () {
  it("assets:ppa → assets:meter → assets:settle (file, collect) → assets:arrears", async function () {
    const f = await loadFixture(deployPpaFixture);
    const logs: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => logs.push(args.join(" "));
    try {
      const common = {
        asset: String(f.assetId),
        meter: f.meterKey.address,
        paymentToken: f.ceurAddr,
        payer: f.actors.gridOperator.address,
        gridOrg: String(f.orgIds.gridOperator),
        propertyOrg: String(f.orgIds.hospital),
        capacityW: "250000",
        tariff: "14",
        rentBps: "1000",
        omBps: "500",
        ppa: f.ppaAddr,
      };
      await hre.run("assets:ppa", { ...common, from: "gridOperator", action: "propose" });
      await hre.run("assets:ppa", { ...common, from: "assetOperator", action: "accept" });
      expect((await f.ppa.terms(f.assetId)).tariff).to.equal(14n);

      const start = f.start + 3600;
      await time.increaseTo(start + 95 * QUARTER_HOUR);
      await hre.run("assets:meter", {
        asset: String(f.assetId),
        key: f.meterKey.privateKey,
        capacityW: "250000",
        start: String(start),
        from: "outsider",
        ppa: f.ppaAddr,
      });
      const afterDay = await f.ppa.account(f.assetId);
      expect(afterDay.settlements).to.equal(1n);
      expect(afterDay.register).to.be.greaterThan(0n);

      // A second day signed to a file, the grid's allowance withdrawn: settled into arrears, then collected.
      const file = path.join(os.tmpdir(), `ppa-${process.pid}.json`);
      const start2 = start + 86_400;
      await hre.run("assets:meter", {
        asset: String(f.assetId),
        key: f.meterKey.privateKey,
        capacityW: "250000",
        start: String(start2),
        seed: "2",
        out: file,
        ppa: f.ppaAddr,
      });
      await time.increaseTo(start2 + 95 * QUARTER_HOUR);
      await f.ceur.connect(f.actors.gridOperator).approve(f.ppaAddr, 0n);
      await hre.run("assets:settle", { asset: String(f.assetId), file, from: "outsider", ppa: f.ppaAddr });
      const owed = await f.ppa.arrears(f.assetId);
      expect(owed).to.be.greaterThan(0n);
      await hre.run("assets:arrears", { asset: String(f.assetId), orgs: `${f.orgIds.hospital}`, ppa: f.ppaAddr });
      await f.ceur.connect(f.actors.gridOperator).approve(f.ppaAddr, hre.ethers.MaxUint256);
      await hre.run("assets:settle", { asset: String(f.assetId), from: "outsider", ppa: f.ppaAddr });
      expect(await f.ppa.arrears(f.assetId)).to.equal(0n);
      fs.rmSync(file);
    } finally {
      console.log = original;
    }
    expect(logs.join("\n")).to.match(/arrears collected; now owed 0/);
  });
});
