import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DAY, deployVendingFixture, meterWallet } from "../fixtures/ppa";
import { MeterSimulator, packRegisters, signMeterBatch } from "../../src/ppa";

type F = Awaited<ReturnType<typeof deployVendingFixture>>;

async function load(): Promise<F> {
  const f = await loadFixture(deployVendingFixture);
  return { ...f, controller: new MeterSimulator(f.controllerKey, f.controller.domain) };
}

const HOUR = 3600;

/** A day of hourly sales (payment-token units) starting at `start`, signed by the controller. */
async function salesDay(f: F, start: number, perHour: number) {
  const signed = await f.controller.sign(f.vendingId, start, Array(24).fill(perHour), HOUR);
  await time.increaseTo(start + 23 * HOUR);
  return signed;
}

describe("AssetVending", function () {
  it("is agreed by the operator and a regulator; the proposer alone changes nothing", async function () {
    const f = await load();
    const changed = { ...f.vterms, costShareBps: 5_000 };
    await f.vending.connect(f.actors.assetOperator).propose(f.vendingId, changed);
    expect((await f.vending.terms(f.vendingId)).costShareBps).to.equal(3_000n);
    await expect(f.vending.connect(f.actors.assetOperator).accept(f.vendingId, changed))
      .to.be.revertedWithCustomError(f.vending, "VendingNotParty")
      .withArgs(f.vendingId, f.actors.assetOperator.address);
    await expect(f.vending.connect(f.actors.gridOperator).propose(f.vendingId, changed))
      .to.be.revertedWithCustomError(f.vending, "VendingNotParty")
      .withArgs(f.vendingId, f.actors.gridOperator.address);
    await expect(f.vending.connect(f.actors.assetOperator).propose(f.vendingId, { ...changed, costShareBps: 10_001 }))
      .to.be.revertedWithCustomError(f.vending, "VendingInvalidTerms")
      .withArgs(f.vendingId, 5);
    await expect(f.vending.connect(f.actors.assetOperator).propose(f.assetId, changed))
      .to.be.revertedWithCustomError(f.vending, "VendingInvalidTerms")
      .withArgs(f.assetId, 1);
    await expect(f.vending.connect(f.actors.regulator).accept(f.vendingId, changed)).to.emit(
      f.vending,
      "VendingAccepted",
    );
    expect((await f.vending.terms(f.vendingId)).costShareBps).to.equal(5_000n);
  });

  it("reconciles deposits against reported sales minus the cost share; a shortfall after the period is an open arrear", async function () {
    const f = await load();
    const start = (await time.latest()) + 60;
    // Day 1: 24 × 1,000 units sold; holders are due 70 % = 16,800.
    const d1 = await salesDay(f, start, 1_000);
    await expect(f.vending.connect(f.actors.outsider).reconcile(d1.batch, d1.signature))
      .to.emit(f.vending, "VendingReconciled")
      .withArgs(f.vendingId, 1n, 24_000n, 24_000n, 16_800n, 0n);
    expect(await f.vending.arrears(f.vendingId)).to.equal(0n);
    // Day 2 closes day 1's period: the operator deposited only 10,000 of 16,800.
    await f.vending.connect(f.actors.assetOperator).deposit(f.vendingId, 10_000n);
    const d2 = await salesDay(f, start + DAY, 500);
    await expect(f.vending.reconcile(d2.batch, d2.signature))
      .to.emit(f.vending, "VendingArrearOpened")
      .withArgs(f.vendingId, 6_800n);
    expect(await f.vending.arrears(f.vendingId)).to.equal(6_800n);
    // Deposits that cover it close it; the holders receive them as revenue.
    await expect(f.vending.connect(f.actors.assetOperator).deposit(f.vendingId, 6_800n))
      .to.emit(f.vending, "VendingDeposited")
      .withArgs(f.vendingId, f.actors.assetOperator.address, 6_800n, 0n)
      .and.to.emit(f.vendingToken, "RevenueDeposited");
    expect(await f.vending.arrears(f.vendingId)).to.equal(0n);
    expect(await f.ceur.balanceOf(await f.vendingToken.getAddress())).to.equal(16_800n);
  });

  it("refuses a backward counter, a forged batch, another device and a replay", async function () {
    const f = await load();
    const start = (await time.latest()) + 60;
    const back = {
      device: f.controllerKey.address,
      assetId: f.vendingId,
      sequence: 1n,
      startTime: start,
      interval: HOUR,
      registers: packRegisters([10n, 5n]),
    };
    await time.increaseTo(start + HOUR);
    await expect(f.vending.reconcile(back, await signMeterBatch(f.controllerKey, f.controller.domain, back)))
      .to.be.revertedWithCustomError(f.vending, "VendingCounterBackwards")
      .withArgs(f.vendingId, 1n, 10n, 5n);
    const good = { ...back, registers: packRegisters([10n, 50n]) };
    const sig = await signMeterBatch(f.controllerKey, f.controller.domain, good);
    await expect(f.vending.reconcile({ ...good, registers: packRegisters([10n, 5_000n]) }, sig))
      .to.be.revertedWithCustomError(f.vending, "VendingBadSignature")
      .withArgs(f.controllerKey.address);
    const other = meterWallet(51);
    const foreign = { ...good, device: other.address };
    await expect(f.vending.reconcile(foreign, await signMeterBatch(other, f.controller.domain, foreign)))
      .to.be.revertedWithCustomError(f.vending, "VendingWrongController")
      .withArgs(f.vendingId, other.address);
    await f.vending.reconcile(good, sig);
    await expect(f.vending.reconcile(good, sig))
      .to.be.revertedWithCustomError(f.vending, "VendingStaleBatch")
      .withArgs(f.vendingId, 1n, start);
  });

  it("takes deposits only from the asset's own operator, never zero", async function () {
    const f = await load();
    await expect(f.vending.connect(f.actors.gridOperator).deposit(f.vendingId, 1n))
      .to.be.revertedWithCustomError(f.vending, "VendingNotParty")
      .withArgs(f.vendingId, f.actors.gridOperator.address);
    await expect(f.vending.connect(f.actors.assetOperator).deposit(f.vendingId, 0n))
      .to.be.revertedWithCustomError(f.vending, "VendingInvalidDeposit")
      .withArgs(f.vendingId, 0n);
    await expect(f.vending.connect(f.actors.assetOperator).deposit(f.assetId, 1n))
      .to.be.revertedWithCustomError(f.vending, "VendingNoTerms")
      .withArgs(f.assetId);
    // Below one unit per share: carried as dust, then deposited with the next deposit.
    await f.vending.connect(f.actors.assetOperator).deposit(f.vendingId, 100n);
    expect((await f.vending.ledger(f.vendingId)).dust).to.equal(100n);
    await f.vending.connect(f.actors.assetOperator).deposit(f.vendingId, 200n);
    expect((await f.vending.ledger(f.vendingId)).dust).to.equal(0n);
    expect(await f.ceur.balanceOf(await f.vendingToken.getAddress())).to.equal(300n);
    expect(hre.ethers.isAddress(await f.vending.getAddress())).to.equal(true);
  });
});
