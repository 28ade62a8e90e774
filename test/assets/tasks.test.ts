import { withIndexerUrl } from "../fixtures/history";
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployAssetsFixture } from "../fixtures/assets";
import { shareToken } from "../../src/assets";

/** The CLI end to end on the in-process network: register, offer, buy, deposit, claim, portfolio. */
describe("assets tasks", function () {
  it("register → offer → buy → deposit → claim → portfolio", async function () {
    const f = await loadFixture(deployAssetsFixture);
    const registry = await f.registry.getAddress();
    const ceur = await f.ceur.getAddress();
    const logs: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => logs.push(args.join(" "));
    try {
      await hre.run("assets:register", {
        from: "assetOperator",
        kind: "Vending",
        documents: "station vending fleet",
        name: "Station Vending",
        symbol: "SVND",
        cap: "1000",
        paymentTokens: ceur,
        devices: f.meter,
        registry,
      });
      const assetId = await f.registry.assetCount();
      await hre.run("assets:offer", {
        from: "assetOperator",
        asset: Number(assetId),
        paymentToken: ceur,
        price: "5000",
        softCap: "100",
        hardCap: "200",
        startIn: "60",
        duration: "86400",
        min: "1",
        registry,
      });
      const offeringId = await f.offering.offeringCount();
      await time.increase(120);
      await hre.run("assets:buy", { from: "investor1", offering: Number(offeringId), shares: "150", registry });
      await hre.run("assets:buy", { from: "investor2", offering: Number(offeringId), shares: "50", registry });
      await f.offering.finalise(offeringId); // hard cap hit
      await hre.run("assets:deposit", {
        from: "assetOperator",
        asset: Number(assetId),
        paymentToken: ceur,
        amount: "100000",
        kwh: "0",
        invoice: "week 1",
        registry,
      });
      const token = await shareToken(hre, f.registry, assetId);
      expect(await token.claimableOf(f.actors.investor1.address, ceur)).to.equal(75_000);
      await hre.run("assets:claim", { from: "investor1", asset: Number(assetId), registry });
      expect(await token.claimableOf(f.actors.investor1.address, ceur)).to.equal(0);
      await withIndexerUrl({ assetRegistry: f.registry, assetOffering: f.offering, assetMarket: f.market }, () =>
        hre.run("assets:portfolio", { investor: "investor1", registry }),
      );
    } finally {
      console.log = original;
    }
    const out = logs.join("\n");
    expect(out).to.match(/asset 2 registered \(Vending\)/);
    expect(out).to.match(/bought 150 shares/);
    expect(out).to.include("SVND");
    expect(out).to.include("revenue claimed");
    expect(out).to.include("bought in offering");
    await expect(
      hre.run("assets:register", {
        from: "assetOperator",
        kind: "Windmill",
        documents: "x",
        name: "x",
        symbol: "x",
        cap: "1",
        paymentTokens: ceur,
        registry,
      }),
    ).to.be.rejectedWith(/--kind must be one of/);
  });
});
