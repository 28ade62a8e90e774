import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ReentrantPaymentToken } from "../../typechain-types";
import { DAY, deployVendingFixture, meterWallet, registerDevice } from "../fixtures/ppa";
import { MeterSimulator, packRegisters, signMeterBatch } from "../../src/ppa";
import { registerAsset } from "../../src/assets";
import { DEVICE_KIND } from "../../src/telemetry";

type F = Awaited<ReturnType<typeof deployVendingFixture>>;

async function load(): Promise<F> {
  const f = await loadFixture(deployVendingFixture);
  return { ...f, controller: new MeterSimulator(f.controllerKey, f.controller.domain) };
}

const HOUR = 3600;

/** keccak256 of the ABI-encoded vending terms (as the contract hashes them). */
function vtermsHash(t: { controller: string; paymentToken: string; costShareBps: number; period: number }): string {
  return hre.ethers.keccak256(
    hre.ethers.AbiCoder.defaultAbiCoder().encode(
      ["tuple(address,address,uint16,uint32)"],
      [[t.controller, t.paymentToken, t.costShareBps, t.period]],
    ),
  );
}

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

  it("holds deposits while no share is in issue and pays them to the first holders", async function () {
    const f = await load();
    const a = f.actors;
    await f.vendingToken.connect(a.investor1).burn(200n);
    await f.vendingToken.connect(a.investor2).burn(100n);
    expect(await f.vendingToken.totalSupply()).to.equal(0n);
    const tokenAddr = await f.vendingToken.getAddress();
    // A deposit of any size is held: the token would refuse revenue for zero shares, and the operator must not be
    // stopped from paying what it owes.
    await expect(f.vending.connect(a.assetOperator).deposit(f.vendingId, 5_000n)).to.changeTokenBalances(
      f.ceur,
      [a.assetOperator, f.vending],
      [-5_000n, 5_000n],
    );
    expect((await f.vending.ledger(f.vendingId)).dust).to.equal(5_000n);
    expect((await f.vending.ledger(f.vendingId)).paid).to.equal(5_000n);
    expect(await f.ceur.balanceOf(tokenAddr)).to.equal(0n);
    await f.vendingToken.connect(a.assetOperator).issue(a.investor1.address, 100n);
    await f.vending.connect(a.assetOperator).deposit(f.vendingId, 300n);
    expect((await f.vending.ledger(f.vendingId)).dust).to.equal(0n);
    expect(await f.ceur.balanceOf(tokenAddr)).to.equal(5_300n);
    await expect(f.vendingToken.connect(a.investor1).claim(f.ceurAddr)).to.changeTokenBalance(
      f.ceur,
      a.investor1,
      5_300n,
    );
  });

  describe("refusals at the edges", function () {
    it("refuses terms for a fleet still in funding, a zero or unbound controller, a zero token or period; nothing is proposed", async function () {
      const f = await load();
      const op = f.vending.connect(f.actors.assetOperator);
      const { assetId: funding } = await registerAsset(hre, f.registry, f.actors.assetOperator, {
        kind: "Vending",
        documents: "second fleet, still funding",
        name: "Fleet Two",
        symbol: "FL2",
        cap: 1_000n,
        paymentTokens: [f.ceurAddr],
        devices: [f.controllerKey.address],
      });
      await expect(op.propose(funding, f.vterms))
        .to.be.revertedWithCustomError(f.vending, "VendingInvalidTerms")
        .withArgs(funding, 1);
      const cases: [Partial<typeof f.vterms>, number][] = [
        [{ controller: hre.ethers.ZeroAddress }, 2],
        [{ controller: meterWallet(77).address }, 2],
        [{ paymentToken: hre.ethers.ZeroAddress }, 3],
        [{ period: 0 }, 4],
      ];
      for (const [override, reason] of cases) {
        await expect(op.propose(f.vendingId, { ...f.vterms, ...override }))
          .to.be.revertedWithCustomError(f.vending, "VendingInvalidTerms")
          .withArgs(f.vendingId, reason);
      }
      for (const id of [funding, f.vendingId]) {
        await expect(f.vending.connect(f.actors.regulator).accept(id, { ...f.vterms, period: 0 }))
          .to.be.revertedWithCustomError(f.vending, "VendingNotProposed")
          .withArgs(id, vtermsHash({ ...f.vterms, period: 0 }));
      }
      expect((await f.vending.terms(funding)).controller).to.equal(hre.ethers.ZeroAddress);
      expect((await f.vending.terms(f.vendingId)).period).to.equal(BigInt(DAY));
    });

    it("agrees terms for ad screens whose controller is not the first bound device", async function () {
      const f = await load();
      const { assetId: screens } = await registerAsset(hre, f.registry, f.actors.assetOperator, {
        kind: "AdScreen",
        documents: "mall screens",
        name: "Mall Screens",
        symbol: "MSC",
        cap: 1_000n,
        paymentTokens: [f.ceurAddr],
        devices: [meterWallet(70).address, f.controllerKey.address],
      });
      await f.registry.connect(f.actors.assetOperator).setStatus(screens, 2);
      await f.vending.connect(f.actors.assetOperator).propose(screens, f.vterms);
      await expect(f.vending.connect(f.actors.regulator).accept(screens, f.vterms))
        .to.emit(f.vending, "VendingAccepted")
        .withArgs(screens, vtermsHash(f.vterms), f.actors.regulator.address);
      expect((await f.vending.terms(screens)).controller).to.equal(f.controllerKey.address);
    });

    it("refuses reconciling an asset without terms and a new sequence over already reconciled times", async function () {
      const f = await load();
      const start = (await time.latest()) + 60;
      const none = {
        device: f.controllerKey.address,
        assetId: f.assetId,
        sequence: 1n,
        startTime: start,
        interval: HOUR,
        registers: packRegisters([1n]),
      };
      await expect(f.vending.reconcile(none, await signMeterBatch(f.controllerKey, f.controller.domain, none)))
        .to.be.revertedWithCustomError(f.vending, "VendingNoTerms")
        .withArgs(f.assetId);
      const d1 = await salesDay(f, start, 100);
      await f.vending.reconcile(d1.batch, d1.signature);
      const again = { ...d1.batch, sequence: 5n, registers: packRegisters([3_000n]) };
      await expect(f.vending.reconcile(again, await signMeterBatch(f.controllerKey, f.controller.domain, again)))
        .to.be.revertedWithCustomError(f.vending, "VendingStaleBatch")
        .withArgs(f.vendingId, 5n, start);
      const book = await f.vending.ledger(f.vendingId);
      expect(book.counter).to.equal(2_400n);
      expect(book.sequence).to.equal(1n);
    });

    it("refuses an unbound, suspended or wrong-kind controller and a malformed signature", async function () {
      const f = await load();
      const start = (await time.latest()) + 60;
      const signed = await salesDay(f, start, 10);
      const op = f.registry.connect(f.actors.assetOperator);
      await op.setDevices(f.vendingId, []);
      await expect(f.vending.reconcile(signed.batch, signed.signature))
        .to.be.revertedWithCustomError(f.vending, "VendingControllerNotTrusted")
        .withArgs(f.controllerKey.address);
      await op.setDevices(f.vendingId, [f.controllerKey.address]);
      await f.dm.setSuspended(f.controllerKey.address, true);
      await expect(f.vending.reconcile(signed.batch, signed.signature))
        .to.be.revertedWithCustomError(f.vending, "VendingControllerNotTrusted")
        .withArgs(f.controllerKey.address);
      await f.dm.setSuspended(f.controllerKey.address, false);
      await expect(f.vending.reconcile(signed.batch, "0x"))
        .to.be.revertedWithCustomError(f.vending, "VendingBadSignature")
        .withArgs(f.controllerKey.address);
      expect((await f.vending.ledger(f.vendingId)).sequence).to.equal(0n);
      // A power meter bound to the fleet and named as its controller is refused as the wrong kind.
      const meter = meterWallet(71);
      await registerDevice(
        f.devices,
        f.actors.deviceManager,
        meter,
        DEVICE_KIND.PowerMeter,
        f.orgIds.assetOperator,
        f.orgIds.deviceManager,
      );
      await op.setDevices(f.vendingId, [f.controllerKey.address, meter.address]);
      const t = { ...f.vterms, controller: meter.address };
      await f.vending.connect(f.actors.assetOperator).propose(f.vendingId, t);
      await f.vending.connect(f.actors.regulator).accept(f.vendingId, t);
      const sim = new MeterSimulator(meter, f.controller.domain);
      const from = (await time.latest()) + 60;
      const bad = await sim.sign(f.vendingId, from, [5, 5], HOUR);
      await time.increaseTo(from + HOUR);
      await expect(f.vending.reconcile(bad.batch, bad.signature))
        .to.be.revertedWithCustomError(f.vending, "VendingControllerNotTrusted")
        .withArgs(meter.address);
    });

    it("refuses empty, ragged, over-long, zero-interval and future batches", async function () {
      const f = await load();
      const start = (await time.latest()) + 60;
      await time.increaseTo(start + HOUR);
      const base = {
        device: f.controllerKey.address,
        assetId: f.vendingId,
        sequence: 1n,
        startTime: start,
        interval: HOUR,
        registers: packRegisters([1n, 2n]),
      };
      const max = Number(await f.vending.MAX_READINGS());
      const cases: [Partial<typeof base>, bigint][] = [
        [{ registers: "0x" }, 0n],
        [{ registers: "0x0102" }, 2n],
        [{ interval: 1, registers: packRegisters(Array<bigint>(max + 1).fill(1n)) }, BigInt((max + 1) * 8)],
        [{ interval: 0 }, 16n],
        [{ startTime: start + 2 * HOUR }, 16n],
      ];
      for (const [override, len] of cases) {
        const b = { ...base, ...override };
        await expect(f.vending.reconcile(b, await signMeterBatch(f.controllerKey, f.controller.domain, b)))
          .to.be.revertedWithCustomError(f.vending, "VendingMalformedBatch")
          .withArgs(f.vendingId, len);
      }
      expect((await f.vending.ledger(f.vendingId)).sequence).to.equal(0n);
      await expect(f.vending.reconcile(base, await signMeterBatch(f.controllerKey, f.controller.domain, base))).to.emit(
        f.vending,
        "VendingReconciled",
      );
    });

    it("keeps a reconciled batch's end when a new controller is accepted before that end (clock skew)", async function () {
      const f = await load();
      const start = (await time.latest()) + 60;
      const signed = await f.controller.sign(f.vendingId, start, [10, 20], 60);
      await f.vending.reconcile(signed.batch, signed.signature);
      const other = meterWallet(52);
      await registerDevice(
        f.devices,
        f.actors.deviceManager,
        other,
        DEVICE_KIND.VendingController,
        f.orgIds.assetOperator,
        f.orgIds.deviceManager,
      );
      await f.registry
        .connect(f.actors.assetOperator)
        .setDevices(f.vendingId, [f.controllerKey.address, other.address]);
      const t = { ...f.vterms, controller: other.address };
      await f.vending.connect(f.actors.assetOperator).propose(f.vendingId, t);
      await f.vending.connect(f.actors.regulator).accept(f.vendingId, t);
      expect(await time.latest()).to.be.below(start + 60);
      const book = await f.vending.ledger(f.vendingId);
      expect(book.lastTime).to.equal(start + 60);
      expect(book.counter).to.equal(0n);
      const fresh = new MeterSimulator(other, f.controller.domain, 0n, 2n);
      const overlap = await fresh.sign(f.vendingId, start + 60, [5], 60);
      await expect(f.vending.reconcile(overlap.batch, overlap.signature))
        .to.be.revertedWithCustomError(f.vending, "VendingStaleBatch")
        .withArgs(f.vendingId, 2n, start + 60);
    });

    it("leaves the rest of an arrear open after a partial deposit", async function () {
      const f = await load();
      const start = (await time.latest()) + 60;
      const d1 = await salesDay(f, start, 1_000);
      await f.vending.reconcile(d1.batch, d1.signature);
      const d2 = await salesDay(f, start + DAY, 0);
      await expect(f.vending.reconcile(d2.batch, d2.signature))
        .to.emit(f.vending, "VendingArrearOpened")
        .withArgs(f.vendingId, 16_800n);
      await expect(f.vending.connect(f.actors.assetOperator).deposit(f.vendingId, 10_000n))
        .to.emit(f.vending, "VendingDeposited")
        .withArgs(f.vendingId, f.actors.assetOperator.address, 10_000n, 6_800n);
      expect(await f.vending.arrears(f.vendingId)).to.equal(6_800n);
      expect((await f.vending.ledger(f.vendingId)).paid).to.equal(10_000n);
    });

    it("refuses a re-entered deposit through a hostile payment token", async function () {
      const f = await load();
      const re = (await hre.ethers.deployContract("ReentrantPaymentToken")) as unknown as ReentrantPaymentToken;
      const reAddr = await re.getAddress();
      const vendingAddr = await f.vending.getAddress();
      await re.mint(f.actors.assetOperator.address, 10n ** 9n);
      await re.connect(f.actors.assetOperator).approve(vendingAddr, hre.ethers.MaxUint256);
      const t = { ...f.vterms, paymentToken: reAddr };
      await f.vending.connect(f.actors.assetOperator).propose(f.vendingId, t);
      await f.vending.connect(f.actors.regulator).accept(f.vendingId, t);
      await re.arm(vendingAddr, f.vending.interface.encodeFunctionData("deposit", [f.vendingId, 1n]));
      await expect(
        f.vending.connect(f.actors.assetOperator).deposit(f.vendingId, 1_000n),
      ).to.be.revertedWithCustomError(f.vending, "ReentrancyGuardReentrantCall");
      expect((await f.vending.ledger(f.vendingId)).paid).to.equal(0n);
    });
  });
});
