import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ReentrantPaymentToken } from "../../typechain-types";
import {
  CAPACITY_W,
  DAY,
  TARIFF,
  deployPpaFixture,
  meterWallet,
  ppaWithRivalFixture,
  registerDevice,
} from "../fixtures/ppa";
import {
  MeterSimulator,
  QUARTER_HOUR,
  packRegisters,
  ppaDomain,
  ppaTermsHash,
  settleBatch,
  signMeterBatch,
  solarDay,
} from "../../src/ppa";
import { DEVICE_KIND } from "../../src/telemetry";
import { registerAsset } from "../../src/assets";
import { proposeStatus, voteUntilClosed } from "../../src/consortium";

type F = Awaited<ReturnType<typeof deployPpaFixture>>;

/** The fixture with a meter simulator of its own (the simulator's register and sequence live outside the chain). */
async function load(): Promise<F> {
  const f = await loadFixture(deployPpaFixture);
  return { ...f, meter: new MeterSimulator(f.meterKey, f.meter.domain) };
}

/** A day of generation starting at `start` (96 quarter-hour steps). */
function day(seed = 1, dayOfYear = 172): number[] {
  return solarDay({ capacityW: Number(CAPACITY_W), dayOfYear, seed, cloudiness: 0.2 });
}

async function signedDay(f: F, start = f.start, seed = 1) {
  const signed = await f.meter.sign(f.assetId, start, day(seed));
  await time.increaseTo(start + 95 * QUARTER_HOUR);
  return signed;
}

/** A second power meter (`meterWallet(keyIndex)`) bound beside the first and agreed by both parties as the PPA's
 * meter from `openingRegister`. */
async function replaceMeter(f: F, keyIndex: number, openingRegister: bigint) {
  const newKey = meterWallet(keyIndex);
  await registerDevice(
    f.devices,
    f.actors.deviceManager,
    newKey,
    DEVICE_KIND.PowerMeter,
    f.orgIds.assetOperator,
    f.orgIds.deviceManager,
  );
  await f.registry.connect(f.actors.assetOperator).setDevices(f.assetId, [f.meterKey.address, newKey.address]);
  const replaced = { ...f.terms, meter: newKey.address, openingRegister };
  await f.ppa.connect(f.actors.assetOperator).propose(f.assetId, replaced);
  await f.ppa.connect(f.actors.gridOperator).accept(f.assetId, replaced);
  return newKey;
}

/** Every active organisation but the regulator votes until the proposal closes. */
async function voteAll(f: F, proposalId: bigint, except: HardhatEthersSigner[] = []) {
  const a = f.actors;
  const voters = [
    a.manufacturer,
    a.manufacturer2,
    a.distributor,
    a.carrier,
    a.hospital,
    a.pharmacy,
    a.insurer,
    a.assetOperator,
    a.gridOperator,
    a.deviceManager,
    a.kyc,
  ].filter((v) => !except.includes(v));
  await voteUntilClosed(f.consortium, proposalId, voters);
}

describe("AssetPPA", function () {
  describe("agreement", function () {
    it("puts every term in the proposal event and brings terms into force only when the other party accepts", async function () {
      const f = await load();
      const changed = { ...f.terms, tariff: 15n, openingRegister: 0n };
      const hash = ppaTermsHash(changed);
      await expect(f.ppa.connect(f.actors.gridOperator).propose(f.assetId, changed))
        .to.emit(f.ppa, "PpaProposed")
        .withArgs(f.assetId, f.orgIds.gridOperator, hash, Object.values(changed));
      expect((await f.ppa.terms(f.assetId)).tariff).to.equal(TARIFF);
      // The proposer cannot accept its own proposal: a change signed by one party only.
      await expect(f.ppa.connect(f.actors.gridOperator).accept(f.assetId, changed))
        .to.be.revertedWithCustomError(f.ppa, "PpaNotParty")
        .withArgs(f.assetId, f.actors.gridOperator.address);
      await expect(f.ppa.connect(f.actors.assetOperator).accept(f.assetId, { ...changed, tariff: 16n }))
        .to.be.revertedWithCustomError(f.ppa, "PpaNotProposed")
        .withArgs(f.assetId, ppaTermsHash({ ...changed, tariff: 16n }));
      await expect(f.ppa.connect(f.actors.assetOperator).accept(f.assetId, changed))
        .to.emit(f.ppa, "PpaAccepted")
        .withArgs(f.assetId, f.orgIds.assetOperator, hash, 2);
      expect((await f.ppa.terms(f.assetId)).tariff).to.equal(15n);
      expect((await f.ppa.pending(f.assetId)).termsHash).to.equal(hre.ethers.ZeroHash);
    });

    it("refuses a split over 100 %, a zero tariff, an unbound meter and a payer outside the grid", async function () {
      const f = await load();
      const op = f.ppa.connect(f.actors.assetOperator);
      const cases: [Partial<typeof f.terms>, number][] = [
        [{ rentBps: 6_000, omBps: 4_001 }, 6],
        [{ rentPerKWh: 12n, rentBps: 1 }, 6],
        [{ tariff: 0n }, 3],
        [{ meter: meterWallet(9).address }, 1],
        [{ payer: f.actors.outsider.address }, 8],
        [{ capacityW: 0n }, 4],
        [{ period: 0 }, 5],
        [{ propertyOrg: 0 }, 9],
        [{ openingRegister: 5n }, 10],
        [{ gridOrg: f.orgIds.hospital }, 7],
      ];
      for (const [override, reason] of cases) {
        await expect(op.propose(f.assetId, { ...f.terms, ...override }))
          .to.be.revertedWithCustomError(f.ppa, "PpaInvalidTerms")
          .withArgs(f.assetId, reason);
      }
    });

    it("refuses an outsider and a member that is no party (another grid operator's terms, a stranger operator)", async function () {
      const f = await load();
      await expect(f.ppa.connect(f.actors.outsider).propose(f.assetId, f.terms))
        .to.be.revertedWithCustomError(f.ppa, "PpaNotParty")
        .withArgs(f.assetId, f.actors.outsider.address);
      await expect(f.ppa.connect(f.actors.hospital).propose(f.assetId, f.terms))
        .to.be.revertedWithCustomError(f.ppa, "PpaNotParty")
        .withArgs(f.assetId, f.actors.hospital.address);
    });
  });

  describe("settlement", function () {
    it("settles a day of 96 signed readings: pulls from the grid and splits rent, O&M and investors in one transaction", async function () {
      const f = await load();
      const signed = await signedDay(f);
      const energy = signed.total;
      const value = (energy * TARIFF) / 1000n;
      const rent = (value * 1_000n) / 10_000n;
      const om = (value * 500n) / 10_000n;
      const investors = value - rent - om;
      const gridBefore = await f.ceur.balanceOf(f.actors.gridOperator.address);
      const tokenBefore = await f.ceur.balanceOf(await f.token.getAddress());
      await expect(f.ppa.connect(f.actors.outsider).settle(signed.batch, signed.signature))
        .to.emit(f.ppa, "PpaWaterfall")
        .withArgs(f.assetId, value, rent, om, investors, 0n, 0n)
        .and.to.emit(f.token, "RevenueDeposited");
      expect(gridBefore - (await f.ceur.balanceOf(f.actors.gridOperator.address))).to.equal(value);
      expect((await f.ceur.balanceOf(await f.token.getAddress())) - tokenBefore).to.equal(investors);
      expect(await f.ppa.credit(f.ceurAddr, f.orgIds.hospital)).to.equal(rent);
      expect(await f.ppa.credit(f.ceurAddr, f.orgIds.assetOperator)).to.equal(om);
      const acc = await f.ppa.account(f.assetId);
      expect(acc.register).to.equal(energy);
      expect(acc.valueCarry).to.equal((energy * TARIFF) % 1000n);
      // The landlord and the operator take their parts; investor1 (1,000 of 2,000 shares) claims half.
      await expect(f.ppa.connect(f.actors.hospital).withdraw(f.ceurAddr, f.orgIds.hospital)).to.changeTokenBalance(
        f.ceur,
        f.actors.hospital,
        rent,
      );
      await expect(
        f.ppa.connect(f.actors.assetOperator).withdraw(f.ceurAddr, f.orgIds.assetOperator),
      ).to.changeTokenBalance(f.ceur, f.actors.assetOperator, om);
      // Rounded down by the share token (in the contract's favour): at most one unit below the exact half.
      const before = await f.ceur.balanceOf(f.actors.investor1.address);
      await f.token.connect(f.actors.investor1).claim(f.ceurAddr);
      const claimed = (await f.ceur.balanceOf(f.actors.investor1.address)) - before;
      expect(claimed).to.be.within(investors / 2n - 1n, investors / 2n);
      await expect(f.ppa.connect(f.actors.hospital).withdraw(f.ceurAddr, f.orgIds.hospital))
        .to.be.revertedWithCustomError(f.ppa, "PpaNoCredit")
        .withArgs(f.ceurAddr, f.orgIds.hospital);
    });

    it("settles a plant with no share in issue: rent and O&M are paid, the investors' part is held and reaches the first holders", async function () {
      const f = await load();
      const a = f.actors;
      for (const holder of [a.investor1, a.investor2, a.investor3]) {
        const shares = await f.token.balanceOf(holder.address);
        if (shares > 0n) await f.token.connect(holder).burn(shares);
      }
      expect(await f.token.totalSupply()).to.equal(0n);
      const signed = await signedDay(f);
      const value = (signed.total * TARIFF) / 1000n;
      const rent = (value * 1_000n) / 10_000n;
      const om = (value * 500n) / 10_000n;
      const tokenAddr = await f.token.getAddress();
      const tokenBefore = await f.ceur.balanceOf(tokenAddr);
      await expect(f.ppa.settle(signed.batch, signed.signature))
        .to.emit(f.ppa, "PpaWaterfall")
        .withArgs(f.assetId, value, rent, om, value - rent - om, value - rent - om, 0n);
      expect(await f.ceur.balanceOf(tokenAddr)).to.equal(tokenBefore);
      expect(await f.ppa.credit(f.ceurAddr, f.orgIds.hospital)).to.equal(rent);
      expect(await f.ppa.credit(f.ceurAddr, f.orgIds.assetOperator)).to.equal(om);
      const held = (await f.ppa.account(f.assetId)).dust;
      expect(held).to.equal(value - rent - om);
      // Shares are issued again: the next day's settlement pays the held part with the new one.
      await f.token.connect(a.assetOperator).issue(a.investor1.address, 500n);
      const start = Number((await f.ppa.account(f.assetId)).lastTime) + 60;
      const next = await f.meter.sign(f.assetId, start, day(2));
      await time.increaseTo(start + 95 * QUARTER_HOUR);
      const value2 = (next.total * TARIFF + (await f.ppa.account(f.assetId)).valueCarry) / 1000n;
      const investors2 = value2 - (value2 * 1_000n) / 10_000n - (value2 * 500n) / 10_000n;
      await f.ppa.settle(next.batch, next.signature);
      expect((await f.ppa.account(f.assetId)).dust).to.equal(0n);
      expect((await f.ceur.balanceOf(tokenAddr)) - tokenBefore).to.equal(held + investors2);
    });

    it("never settles the same readings twice (replayed batch, new sequence over old times)", async function () {
      const f = await load();
      const signed = await signedDay(f);
      await f.ppa.settle(signed.batch, signed.signature);
      await expect(f.ppa.settle(signed.batch, signed.signature))
        .to.be.revertedWithCustomError(f.ppa, "PpaStaleSequence")
        .withArgs(f.assetId, 1n, 1n);
      const again = { ...signed.batch, sequence: 2n };
      await expect(f.ppa.settle(again, await signMeterBatch(f.meterKey, f.meter.domain, again)))
        .to.be.revertedWithCustomError(f.ppa, "PpaAlreadySettled")
        .withArgs(f.assetId, f.start, f.start + 95 * QUARTER_HOUR);
    });

    it("refuses a backward register, a tampered reading and another device's batch; nothing is paid", async function () {
      const f = await load();
      const regs = [0n, 1_000n, 900n];
      const back = {
        device: f.meterKey.address,
        assetId: f.assetId,
        sequence: 1n,
        startTime: f.start,
        interval: QUARTER_HOUR,
        registers: packRegisters(regs),
      };
      await time.increaseTo(f.start + 2 * QUARTER_HOUR);
      await expect(f.ppa.settle(back, await signMeterBatch(f.meterKey, f.meter.domain, back)))
        .to.be.revertedWithCustomError(f.ppa, "PpaRegisterBackwards")
        .withArgs(f.assetId, 2n, 1_000n, 900n);
      const good = { ...back, registers: packRegisters([0n, 1_000n, 2_000n]) };
      const signature = await signMeterBatch(f.meterKey, f.meter.domain, good);
      const tampered = { ...good, registers: packRegisters([0n, 1_000n, 20_000n]) };
      await expect(f.ppa.settle(tampered, signature))
        .to.be.revertedWithCustomError(f.ppa, "PpaBadSignature")
        .withArgs(f.meterKey.address);
      const stranger = meterWallet(7);
      const foreign = { ...good, device: stranger.address };
      await expect(f.ppa.settle(foreign, await signMeterBatch(stranger, f.meter.domain, foreign)))
        .to.be.revertedWithCustomError(f.ppa, "PpaWrongMeter")
        .withArgs(f.assetId, stranger.address);
      expect(await f.ppa.credit(f.ceurAddr, f.orgIds.hospital)).to.equal(0n);
      await expect(f.ppa.settle(good, signature)).to.emit(f.ppa, "PpaSettled");
    });

    it("refuses malformed batches (ragged, empty, longer than the period, in the future)", async function () {
      const f = await load();
      const base = {
        device: f.meterKey.address,
        assetId: f.assetId,
        sequence: 1n,
        startTime: f.start,
        interval: QUARTER_HOUR,
        registers: "0x00",
      };
      await expect(f.ppa.settle(base, "0x"))
        .to.be.revertedWithCustomError(f.ppa, "PpaMalformedBatch")
        .withArgs(f.assetId, 1n);
      await expect(f.ppa.settle({ ...base, registers: "0x" }, "0x"))
        .to.be.revertedWithCustomError(f.ppa, "PpaMalformedBatch")
        .withArgs(f.assetId, 0n);
      await expect(f.ppa.settle({ ...base, registers: packRegisters([0n, 1n]), interval: DAY + 1 }, "0x"))
        .to.be.revertedWithCustomError(f.ppa, "PpaMalformedBatch")
        .withArgs(f.assetId, 16n);
      await expect(f.ppa.settle({ ...base, registers: packRegisters([0n, 1n]), startTime: f.start + 3600 }, "0x"))
        .to.be.revertedWithCustomError(f.ppa, "PpaMalformedBatch")
        .withArgs(f.assetId, 16n);
    });

    it("raises an alarm and holds an over-capacity period; a regulator's review bills the accepted energy", async function () {
      const f = await load();
      const steps = day();
      steps[50] = Number(CAPACITY_W); // 250 kWh in 15 minutes from a 250 kW plant: four times what it can make
      const signed = await f.meter.sign(f.assetId, f.start, steps);
      await time.increaseTo(f.start + 95 * QUARTER_HOUR);
      const gridBefore = await f.ceur.balanceOf(f.actors.gridOperator.address);
      const from = (await f.ppa.account(f.assetId)).lastTime;
      const maxWh = (CAPACITY_W * (BigInt(f.start + 95 * QUARTER_HOUR) - from) + 3599n) / 3600n;
      await expect(f.ppa.settle(signed.batch, signed.signature))
        .to.emit(f.ppa, "PpaMeterAlarm")
        .withArgs(f.assetId, 1n, f.meterKey.address, signed.total, maxWh)
        .and.not.to.emit(f.ppa, "PpaWaterfall");
      expect(await f.ceur.balanceOf(f.actors.gridOperator.address)).to.equal(gridBefore);
      const held = await f.ppa.held(1n);
      expect(held.energyWh).to.equal(signed.total);
      await expect(f.ppa.connect(f.actors.gridOperator).reviewHeld(1n, 1n))
        .to.be.revertedWithCustomError(f.ppa, "PpaNotRegulator")
        .withArgs(f.actors.gridOperator.address);
      await expect(f.ppa.connect(f.actors.regulator).reviewHeld(1n, signed.total + 1n))
        .to.be.revertedWithCustomError(f.ppa, "PpaInvalidReview")
        .withArgs(1n, signed.total + 1n);
      const genuine = signed.total - BigInt(CAPACITY_W) + BigInt(day()[50]);
      await expect(f.ppa.connect(f.actors.regulator).reviewHeld(1n, genuine))
        .to.emit(f.ppa, "PpaHeldReviewed")
        .withArgs(1n, f.assetId, genuine, f.actors.regulator.address)
        .and.to.emit(f.ppa, "PpaWaterfall");
      expect(gridBefore - (await f.ceur.balanceOf(f.actors.gridOperator.address))).to.equal((genuine * TARIFF) / 1000n);
      await expect(f.ppa.connect(f.actors.regulator).reviewHeld(1n, 0n))
        .to.be.revertedWithCustomError(f.ppa, "PpaInvalidReview")
        .withArgs(1n, 0n);
    });

    it("refuses readings of a revoked, suspended or uncalibrated meter and of a meter no longer bound to the asset", async function () {
      const f = await load();
      const signed = await signedDay(f);
      await f.dm.setSuspended(f.meterKey.address, true);
      await expect(f.ppa.settle(signed.batch, signed.signature))
        .to.be.revertedWithCustomError(f.ppa, "PpaMeterNotTrusted")
        .withArgs(f.meterKey.address);
      await f.dm.setSuspended(f.meterKey.address, false);
      await f.registry.connect(f.actors.assetOperator).setDevices(f.assetId, []);
      await expect(f.ppa.settle(signed.batch, signed.signature))
        .to.be.revertedWithCustomError(f.ppa, "PpaMeterNotBound")
        .withArgs(f.assetId, f.meterKey.address);
      await f.registry.connect(f.actors.assetOperator).setDevices(f.assetId, [f.meterKey.address]);
      await f.dm.revokeDevice(f.meterKey.address, f.start, hre.ethers.id("key leaked"));
      await expect(f.ppa.settle(signed.batch, signed.signature))
        .to.be.revertedWithCustomError(f.ppa, "PpaMeterNotTrusted")
        .withArgs(f.meterKey.address);
    });

    it("refuses a meter whose calibration expired", async function () {
      const f = await load();
      await time.increase(366 * DAY);
      const start = (await time.latest()) + 60;
      const signed = await f.meter.sign(f.assetId, start, day());
      await time.increaseTo(start + 95 * QUARTER_HOUR);
      await expect(f.ppa.settle(signed.batch, signed.signature))
        .to.be.revertedWithCustomError(f.ppa, "PpaMeterNotTrusted")
        .withArgs(f.meterKey.address);
    });

    it("replaces a meter mid-period: the old meter's last batch settles, the new one counts from its opening register", async function () {
      const f = await load();
      const half = day().slice(0, 48);
      const first = await f.meter.sign(f.assetId, f.start, half);
      await time.increaseTo(f.start + 47 * QUARTER_HOUR);
      await f.ppa.settle(first.batch, first.signature);
      const opening = 7_654_321n;
      const newKey = await replaceMeter(f, 2, opening);
      const acceptedAt = BigInt(await time.latest());
      expect((await f.ppa.account(f.assetId)).register).to.equal(opening);
      const fresh = new MeterSimulator(newKey, ppaDomain(f.chainId, f.ppaAddr), opening, 2n);
      const rest = await fresh.sign(f.assetId, Number(acceptedAt) + 60, day().slice(48));
      await time.increaseTo(Number(acceptedAt) + 60 + 47 * QUARTER_HOUR);
      // The old meter is no longer the PPA's meter.
      const late = await f.meter.sign(f.assetId, Number(acceptedAt) + 60, [1]);
      await expect(f.ppa.settle(late.batch, late.signature))
        .to.be.revertedWithCustomError(f.ppa, "PpaWrongMeter")
        .withArgs(f.assetId, f.meterKey.address);
      const w = await settleBatch(f.ppa, f.actors.outsider, rest);
      expect(w.energyWh).to.equal(rest.total);
      expect((await f.ppa.account(f.assetId)).register).to.equal(opening + rest.total);
    });
  });

  describe("arrears", function () {
    it("records what the grid cannot pay, pays nothing in silence, and settles arrears first (rent first) when funds arrive", async function () {
      const f = await load();
      await f.ceur.connect(f.actors.gridOperator).approve(f.ppaAddr, 0n);
      const signed = await signedDay(f);
      const value = (signed.total * TARIFF) / 1000n;
      await expect(f.ppa.settle(signed.batch, signed.signature))
        .to.emit(f.ppa, "PpaWaterfall")
        .withArgs(f.assetId, 0n, 0n, 0n, 0n, 0n, value);
      expect(await f.ppa.arrears(f.assetId)).to.equal(value);
      await expect(f.ppa.collect(f.assetId))
        .to.be.revertedWithCustomError(f.ppa, "PpaNothingToCollect")
        .withArgs(f.assetId);
      const rent = (value * 1_000n) / 10_000n;
      // A partial allowance: the rent is paid first, then O&M.
      await f.ceur.connect(f.actors.gridOperator).approve(f.ppaAddr, rent + 1n);
      await expect(f.ppa.collect(f.assetId))
        .to.emit(f.ppa, "PpaWaterfall")
        .withArgs(f.assetId, rent + 1n, rent, 1n, 0n, 0n, value - rent - 1n);
      await f.ceur.connect(f.actors.gridOperator).approve(f.ppaAddr, hre.ethers.MaxUint256);
      const next = await signedDay(f, f.start + DAY, 2);
      const w = await settleBatch(f.ppa, f.actors.outsider, next);
      expect(w.paid).to.equal(value - rent - 1n + w.value);
      expect(w.arrears).to.equal(0n);
      expect(await f.ppa.arrears(f.assetId)).to.equal(0n);
      await expect(f.ppa.collect(f.assetId)).to.be.revertedWithCustomError(f.ppa, "PpaNothingToCollect");
    });

    it("carries dust below one unit per share and deposits it with a later settlement", async function () {
      const f = await load();
      // 100 Wh in the whole batch: value 1 unit, far below the 2,000-share supply.
      const small = await f.meter.sign(f.assetId, f.start, [0, 100]);
      await time.increaseTo(f.start + QUARTER_HOUR);
      const w = await settleBatch(f.ppa, f.actors.outsider, small);
      expect(w.value).to.equal(1n);
      expect(w.investors + w.rent + w.om).to.equal(w.paid);
      expect((await f.ppa.account(f.assetId)).dust).to.equal(w.investors);
      const big = await signedDay(f, f.start + 2 * QUARTER_HOUR, 3);
      const w2 = await settleBatch(f.ppa, f.actors.outsider, big);
      expect(w2.dust).to.equal(0n);
      expect((await f.ppa.account(f.assetId)).dust).to.equal(0n);
    });
  });

  describe("credits", function () {
    it("holds a suspended party's credit and lets a regulator redirect it; a wrong organisation cannot take it", async function () {
      const f = await load();
      const signed = await signedDay(f);
      await f.ppa.settle(signed.batch, signed.signature);
      const rent = await f.ppa.credit(f.ceurAddr, f.orgIds.hospital);
      await expect(f.ppa.connect(f.actors.pharmacy).withdraw(f.ceurAddr, f.orgIds.hospital))
        .to.be.revertedWithCustomError(f.ppa, "PpaNotOrgAccount")
        .withArgs(f.orgIds.hospital, f.actors.pharmacy.address);
      await voteAll(f, await proposeStatus(f.consortium, f.actors.regulator, f.orgIds.hospital, "Suspend"), [
        f.actors.hospital,
      ]);
      await expect(f.ppa.connect(f.actors.hospital).withdraw(f.ceurAddr, f.orgIds.hospital))
        .to.be.revertedWithCustomError(f.ppa, "PpaOrgInactive")
        .withArgs(f.orgIds.hospital);
      await expect(
        f.ppa.connect(f.actors.assetOperator).redirectCredit(f.ceurAddr, f.orgIds.hospital, f.orgIds.pharmacy),
      )
        .to.be.revertedWithCustomError(f.ppa, "PpaNotRegulator")
        .withArgs(f.actors.assetOperator.address);
      await expect(f.ppa.connect(f.actors.regulator).redirectCredit(f.ceurAddr, f.orgIds.hospital, f.orgIds.hospital))
        .to.be.revertedWithCustomError(f.ppa, "PpaOrgInactive")
        .withArgs(f.orgIds.hospital);
      await expect(f.ppa.connect(f.actors.regulator).redirectCredit(f.ceurAddr, f.orgIds.hospital, f.orgIds.pharmacy))
        .to.emit(f.ppa, "PpaCreditRedirected")
        .withArgs(f.ceurAddr, f.orgIds.hospital, f.orgIds.pharmacy, rent, f.actors.regulator.address);
      await expect(f.ppa.connect(f.actors.pharmacy).withdraw(f.ceurAddr, f.orgIds.pharmacy)).to.changeTokenBalance(
        f.ceur,
        f.actors.pharmacy,
        rent,
      );
    });
  });

  describe("refusals at the edges", function () {
    it("refuses terms for an asset that is not a solar plant in construction or operation; nothing is proposed", async function () {
      const f = await load();
      const op = f.ppa.connect(f.actors.assetOperator);
      const { assetId: funding } = await registerAsset(hre, f.registry, f.actors.assetOperator, {
        kind: "Solar",
        documents: "second roof, still funding",
        name: "Roof Two",
        symbol: "RF2",
        cap: 1_000n,
        paymentTokens: [f.ceurAddr],
        devices: [f.meterKey.address],
      });
      const { assetId: screens } = await registerAsset(hre, f.registry, f.actors.assetOperator, {
        kind: "AdScreen",
        documents: "screens",
        name: "Screens",
        symbol: "SCR",
        cap: 1_000n,
        paymentTokens: [f.ceurAddr],
        devices: [f.meterKey.address],
      });
      for (const id of [funding, screens]) {
        await expect(op.propose(id, f.terms)).to.be.revertedWithCustomError(f.ppa, "PpaAssetNotSolar").withArgs(id);
        await expect(f.ppa.connect(f.actors.gridOperator).accept(id, f.terms))
          .to.be.revertedWithCustomError(f.ppa, "PpaAssetNotSolar")
          .withArgs(id);
        expect((await f.ppa.pending(id)).termsHash).to.equal(hre.ethers.ZeroHash);
        expect((await f.ppa.terms(id)).meter).to.equal(hre.ethers.ZeroAddress);
      }
    });

    it("refuses a zero meter, a zero payment token or payer, and rent per kWh without a property organisation", async function () {
      const f = await load();
      const op = f.ppa.connect(f.actors.assetOperator);
      const cases: [Partial<typeof f.terms>, number][] = [
        [{ meter: hre.ethers.ZeroAddress }, 1],
        [{ paymentToken: hre.ethers.ZeroAddress }, 2],
        [{ payer: hre.ethers.ZeroAddress }, 2],
        [{ propertyOrg: 0, rentBps: 0, rentPerKWh: 1n }, 9],
      ];
      for (const [override, reason] of cases) {
        await expect(op.propose(f.assetId, { ...f.terms, ...override }))
          .to.be.revertedWithCustomError(f.ppa, "PpaInvalidTerms")
          .withArgs(f.assetId, reason);
      }
      expect((await f.ppa.pending(f.assetId)).termsHash).to.equal(hre.ethers.ZeroHash);
      // Without a landlord, rent per kWh of zero is fine.
      const noRent = { ...f.terms, propertyOrg: 0, rentBps: 0, rentPerKWh: 0n };
      await expect(op.propose(f.assetId, noRent)).to.emit(f.ppa, "PpaProposed");
    });

    it("refuses to accept when nothing is pending, and re-checks the terms at acceptance (meter unbound meanwhile)", async function () {
      const f = await load();
      await expect(f.ppa.connect(f.actors.gridOperator).accept(f.assetId, f.terms))
        .to.be.revertedWithCustomError(f.ppa, "PpaNotProposed")
        .withArgs(f.assetId, ppaTermsHash(f.terms));
      const changed = { ...f.terms, tariff: 14n };
      await f.ppa.connect(f.actors.gridOperator).propose(f.assetId, changed);
      await f.registry.connect(f.actors.assetOperator).setDevices(f.assetId, []);
      await expect(f.ppa.connect(f.actors.assetOperator).accept(f.assetId, changed))
        .to.be.revertedWithCustomError(f.ppa, "PpaInvalidTerms")
        .withArgs(f.assetId, 1);
      expect((await f.ppa.terms(f.assetId)).tariff).to.equal(TARIFF);
      expect((await f.ppa.pending(f.assetId)).termsHash).to.equal(ppaTermsHash(changed));
      await f.registry.connect(f.actors.assetOperator).setDevices(f.assetId, [f.meterKey.address]);
      await expect(f.ppa.connect(f.actors.assetOperator).accept(f.assetId, changed))
        .to.emit(f.ppa, "PpaAccepted")
        .withArgs(f.assetId, f.orgIds.assetOperator, ppaTermsHash(changed), 2);
    });

    it("refuses another grid operator proposing terms that name the plant's grid, or accepting the operator's change", async function () {
      const f = await loadFixture(ppaWithRivalFixture);
      await expect(f.ppa.connect(f.rival).propose(f.assetId, f.terms))
        .to.be.revertedWithCustomError(f.ppa, "PpaNotParty")
        .withArgs(f.assetId, f.rival.address);
      await expect(f.ppa.connect(f.rival).accept(f.assetId, f.change))
        .to.be.revertedWithCustomError(f.ppa, "PpaNotParty")
        .withArgs(f.assetId, f.rival.address);
      expect((await f.ppa.pending(f.assetId)).termsHash).to.equal(ppaTermsHash(f.change));
      expect((await f.ppa.terms(f.assetId)).tariff).to.equal(TARIFF);
    });

    it("keeps a settled batch's end when a new meter is accepted before that end (clock skew): nothing is billed twice", async function () {
      const f = await load();
      const start = (await time.latest()) + 60;
      // Two readings a minute apart: the last lies up to MAX_CLOCK_SKEW in the future.
      const signed = await f.meter.sign(f.assetId, start, [0, 100], 60);
      await f.ppa.settle(signed.batch, signed.signature);
      expect((await f.ppa.account(f.assetId)).lastTime).to.equal(start + 60);
      const newKey = await replaceMeter(f, 3, 500n);
      expect(await time.latest()).to.be.below(start + 60);
      const acc = await f.ppa.account(f.assetId);
      expect(acc.lastTime).to.equal(start + 60);
      expect(acc.register).to.equal(500n);
      // The new meter cannot bill the window already settled by the old one.
      const fresh = new MeterSimulator(newKey, f.meter.domain, 500n, 2n);
      const overlap = await fresh.sign(f.assetId, start + 60, [10]);
      await expect(f.ppa.settle(overlap.batch, overlap.signature))
        .to.be.revertedWithCustomError(f.ppa, "PpaAlreadySettled")
        .withArgs(f.assetId, start + 60, start + 60);
    });

    it("refuses to settle or collect for an asset without terms", async function () {
      const f = await load();
      const batch = {
        device: f.meterKey.address,
        assetId: 99n,
        sequence: 1n,
        startTime: f.start,
        interval: QUARTER_HOUR,
        registers: packRegisters([0n, 1n]),
      };
      await expect(f.ppa.settle(batch, await signMeterBatch(f.meterKey, f.meter.domain, batch)))
        .to.be.revertedWithCustomError(f.ppa, "PpaNoTerms")
        .withArgs(99n);
      await expect(f.ppa.collect(99n)).to.be.revertedWithCustomError(f.ppa, "PpaNoTerms").withArgs(99n);
    });

    it("refuses a malformed signature, a zero interval and more than MAX_READINGS readings; nothing is settled", async function () {
      const f = await load();
      const signed = await signedDay(f);
      await expect(f.ppa.settle(signed.batch, "0x"))
        .to.be.revertedWithCustomError(f.ppa, "PpaBadSignature")
        .withArgs(f.meterKey.address);
      await expect(f.ppa.settle(signed.batch, hre.ethers.concat([signed.signature, "0x00"])))
        .to.be.revertedWithCustomError(f.ppa, "PpaBadSignature")
        .withArgs(f.meterKey.address);
      const zero = { ...signed.batch, interval: 0 };
      await expect(f.ppa.settle(zero, await signMeterBatch(f.meterKey, f.meter.domain, zero)))
        .to.be.revertedWithCustomError(f.ppa, "PpaMalformedBatch")
        .withArgs(f.assetId, 96n * 8n);
      const max = Number(await f.ppa.MAX_READINGS());
      const long = { ...signed.batch, interval: 1, registers: packRegisters(Array<bigint>(max + 1).fill(0n)) };
      await expect(f.ppa.settle(long, await signMeterBatch(f.meterKey, f.meter.domain, long)))
        .to.be.revertedWithCustomError(f.ppa, "PpaMalformedBatch")
        .withArgs(f.assetId, BigInt((max + 1) * 8));
      expect((await f.ppa.account(f.assetId)).sequence).to.equal(0n);
      await expect(f.ppa.settle(signed.batch, signed.signature)).to.emit(f.ppa, "PpaSettled");
    });

    it("refuses a bound, trusted device of another kind as the PPA's meter (a vending controller)", async function () {
      const f = await load();
      const ctrl = meterWallet(60);
      await registerDevice(
        f.devices,
        f.actors.deviceManager,
        ctrl,
        DEVICE_KIND.VendingController,
        f.orgIds.assetOperator,
        f.orgIds.deviceManager,
      );
      await f.registry.connect(f.actors.assetOperator).setDevices(f.assetId, [f.meterKey.address, ctrl.address]);
      const t = { ...f.terms, meter: ctrl.address };
      await f.ppa.connect(f.actors.assetOperator).propose(f.assetId, t);
      await f.ppa.connect(f.actors.gridOperator).accept(f.assetId, t);
      const sim = new MeterSimulator(ctrl, f.meter.domain);
      const start = (await time.latest()) + 60;
      const signed = await sim.sign(f.assetId, start, [0, 100]);
      await time.increaseTo(start + QUARTER_HOUR);
      await expect(f.ppa.settle(signed.batch, signed.signature))
        .to.be.revertedWithCustomError(f.ppa, "PpaMeterNotTrusted")
        .withArgs(ctrl.address);
      expect((await f.ppa.account(f.assetId)).settlements).to.equal(0n);
    });

    it("pulls no more than the grid's balance when it is below the allowance; the rest stays in arrears, rent first", async function () {
      const f = await load();
      const balance = await f.ceur.balanceOf(f.actors.gridOperator.address);
      await f.ceur.connect(f.actors.gridOperator).transfer(f.actors.pharmacy.address, balance - 50n);
      const signed = await signedDay(f);
      const value = (signed.total * TARIFF) / 1000n;
      await expect(f.ppa.settle(signed.batch, signed.signature))
        .to.emit(f.ppa, "PpaWaterfall")
        .withArgs(f.assetId, 50n, 50n, 0n, 0n, 0n, value - 50n);
      expect(await f.ceur.balanceOf(f.actors.gridOperator.address)).to.equal(0n);
      expect(await f.ppa.credit(f.ceurAddr, f.orgIds.hospital)).to.equal(50n);
      expect(await f.ppa.arrears(f.assetId)).to.equal(value - 50n);
    });

    it("refuses an unknown held period, and a regulator's zero review resolves it without billing", async function () {
      const f = await load();
      const steps = day();
      steps[50] = Number(CAPACITY_W);
      const signed = await f.meter.sign(f.assetId, f.start, steps);
      await time.increaseTo(f.start + 95 * QUARTER_HOUR);
      await f.ppa.settle(signed.batch, signed.signature);
      await expect(f.ppa.connect(f.actors.regulator).reviewHeld(2n, 0n))
        .to.be.revertedWithCustomError(f.ppa, "PpaInvalidReview")
        .withArgs(2n, 0n);
      const gridBefore = await f.ceur.balanceOf(f.actors.gridOperator.address);
      const before = await f.ppa.account(f.assetId);
      await expect(f.ppa.connect(f.actors.regulator).reviewHeld(1n, 0n))
        .to.emit(f.ppa, "PpaHeldReviewed")
        .withArgs(1n, f.assetId, 0n, f.actors.regulator.address)
        .and.not.to.emit(f.ppa, "PpaSettled");
      expect((await f.ppa.held(1n)).resolved).to.equal(true);
      expect(await f.ceur.balanceOf(f.actors.gridOperator.address)).to.equal(gridBefore);
      expect((await f.ppa.account(f.assetId)).settlements).to.equal(before.settlements);
      expect(await f.ppa.arrears(f.assetId)).to.equal(0n);
      await expect(f.ppa.connect(f.actors.regulator).reviewHeld(1n, 1n))
        .to.be.revertedWithCustomError(f.ppa, "PpaInvalidReview")
        .withArgs(1n, 1n);
    });

    it("refuses withdrawing for organisation 0, redirecting to nobody or to an inactive organisation, or an empty credit", async function () {
      const f = await load();
      const signed = await signedDay(f);
      await f.ppa.settle(signed.batch, signed.signature);
      const rent = await f.ppa.credit(f.ceurAddr, f.orgIds.hospital);
      expect(rent).to.be.above(0n);
      await expect(f.ppa.connect(f.actors.outsider).withdraw(f.ceurAddr, 0))
        .to.be.revertedWithCustomError(f.ppa, "PpaNotOrgAccount")
        .withArgs(0, f.actors.outsider.address);
      const reg = f.ppa.connect(f.actors.regulator);
      await expect(reg.redirectCredit(f.ceurAddr, f.orgIds.hospital, 0))
        .to.be.revertedWithCustomError(f.ppa, "PpaOrgInactive")
        .withArgs(0);
      await expect(reg.redirectCredit(f.ceurAddr, f.orgIds.insurer, f.orgIds.pharmacy))
        .to.be.revertedWithCustomError(f.ppa, "PpaNoCredit")
        .withArgs(f.ceurAddr, f.orgIds.insurer);
      await voteAll(f, await proposeStatus(f.consortium, f.actors.regulator, f.orgIds.pharmacy, "Suspend"), [
        f.actors.pharmacy,
      ]);
      await expect(reg.redirectCredit(f.ceurAddr, f.orgIds.hospital, f.orgIds.pharmacy))
        .to.be.revertedWithCustomError(f.ppa, "PpaOrgInactive")
        .withArgs(f.orgIds.pharmacy);
      expect(await f.ppa.credit(f.ceurAddr, f.orgIds.hospital)).to.equal(rent);
      expect(await f.ppa.credit(f.ceurAddr, f.orgIds.pharmacy)).to.equal(0n);
    });
  });

  describe("reentrancy through a hostile payment token", function () {
    async function hostile() {
      const f = await load();
      const re = (await hre.ethers.deployContract("ReentrantPaymentToken")) as unknown as ReentrantPaymentToken;
      const reAddr = await re.getAddress();
      await re.mint(f.actors.gridOperator.address, 10n ** 12n);
      await re.connect(f.actors.gridOperator).approve(f.ppaAddr, hre.ethers.MaxUint256);
      await f.registry.connect(f.actors.assetOperator).addPaymentToken(f.assetId, reAddr);
      const t = { ...f.terms, paymentToken: reAddr };
      await f.ppa.connect(f.actors.assetOperator).propose(f.assetId, t);
      await f.ppa.connect(f.actors.gridOperator).accept(f.assetId, t);
      return { ...f, re, reAddr };
    }

    it("refuses re-entry into settle, collect, reviewHeld and withdraw", async function () {
      const f = await hostile();
      const collectCall = f.ppa.interface.encodeFunctionData("collect", [f.assetId]);
      const signed = await signedDay(f);
      await f.re.arm(f.ppaAddr, f.ppa.interface.encodeFunctionData("settle", [signed.batch, signed.signature]));
      await expect(f.ppa.settle(signed.batch, signed.signature)).to.be.revertedWithCustomError(
        f.ppa,
        "ReentrancyGuardReentrantCall",
      );
      await f.re.arm(hre.ethers.ZeroAddress, "0x");
      // No allowance: the day is billed, nothing moves, then collect re-enters.
      await f.re.connect(f.actors.gridOperator).approve(f.ppaAddr, 0n);
      await f.ppa.settle(signed.batch, signed.signature);
      await f.re.connect(f.actors.gridOperator).approve(f.ppaAddr, hre.ethers.MaxUint256);
      await f.re.arm(f.ppaAddr, collectCall);
      await expect(f.ppa.collect(f.assetId)).to.be.revertedWithCustomError(f.ppa, "ReentrancyGuardReentrantCall");
      await f.re.arm(hre.ethers.ZeroAddress, "0x");
      await f.ppa.collect(f.assetId);
      const rent = await f.ppa.credit(f.reAddr, f.orgIds.hospital);
      expect(rent).to.be.above(0n);
      // A held period: its review pulls the accepted energy's value and re-enters.
      const steps = day(2);
      steps[10] = Number(CAPACITY_W);
      const over = await f.meter.sign(f.assetId, f.start + DAY, steps);
      await time.increaseTo(f.start + DAY + 95 * QUARTER_HOUR);
      await expect(f.ppa.settle(over.batch, over.signature)).to.emit(f.ppa, "PpaMeterAlarm");
      await f.re.arm(f.ppaAddr, f.ppa.interface.encodeFunctionData("reviewHeld", [1n, 1_000n]));
      await expect(f.ppa.connect(f.actors.regulator).reviewHeld(1n, 1_000n)).to.be.revertedWithCustomError(
        f.ppa,
        "ReentrancyGuardReentrantCall",
      );
      expect((await f.ppa.held(1n)).resolved).to.equal(false);
      await f.re.arm(f.ppaAddr, f.ppa.interface.encodeFunctionData("withdraw", [f.reAddr, f.orgIds.hospital]));
      await expect(
        f.ppa.connect(f.actors.hospital).withdraw(f.reAddr, f.orgIds.hospital),
      ).to.be.revertedWithCustomError(f.ppa, "ReentrancyGuardReentrantCall");
      expect(await f.ppa.credit(f.reAddr, f.orgIds.hospital)).to.equal(rent);
    });
  });
});
