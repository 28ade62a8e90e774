import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ReentrantPaymentToken } from "../../typechain-types";
import { deployAssetsFixture, fundedAssetFixture, termsFor } from "../fixtures/assets";
import { buyShares, openOffering, registerAsset } from "../../src/assets";
import { documentHash, proposeStatus, voteUntilClosed } from "../../src/consortium";

const FAR = 2n ** 40n;

async function reentrantFixture() {
  const f = await fundedAssetFixture();
  const re = (await hre.ethers.deployContract("ReentrantPaymentToken")) as unknown as ReentrantPaymentToken;
  const reAddr = await re.getAddress();
  for (const who of [f.actors.investor1, f.actors.investor2, f.actors.investor3, f.actors.gridOperator]) {
    await re.mint(who.address, 10n ** 12n);
  }
  await f.registry.connect(f.actors.assetOperator).addPaymentToken(f.assetId, reAddr);
  // a second asset, in funding, sold for the reentrant token
  const second = await registerAsset(hre, f.registry, f.actors.assetOperator, {
    kind: "AdScreen",
    documents: "mall screens",
    name: "Mall Screens",
    symbol: "MSCR",
    cap: 1_000n,
    paymentTokens: [reAddr],
  });
  const offeringAddr = await f.offering.getAddress();
  for (const who of [f.actors.investor1, f.actors.investor2]) {
    await re.connect(who).approve(offeringAddr, hre.ethers.MaxUint256);
    await re.connect(who).approve(await f.market.getAddress(), hre.ethers.MaxUint256);
  }
  await re.connect(f.actors.gridOperator).approve(await f.token.getAddress(), hre.ethers.MaxUint256);
  return { ...f, re, reAddr, second };
}

/** A sale of the second asset priced in the hostile payment token (soft cap 100, hard cap 500), open now. */
async function openHostileSale(f: Awaited<ReturnType<typeof reentrantFixture>>) {
  const terms = await termsFor(f, { assetId: f.second.assetId, paymentToken: f.reAddr, hardCap: 500n, softCap: 100n });
  const id = await openOffering(f.offering, f.actors.assetOperator, terms);
  await time.increaseTo(terms.start);
  return { terms, id };
}

describe("assets edge cases", function () {
  describe("reentrancy through a hostile payment token", function () {
    it("refuses a re-entered deposit", async function () {
      const f = await loadFixture(reentrantFixture);
      const call = f.token.interface.encodeFunctionData("deposit", [f.reAddr, 2_000, 0, documentHash("x")]);
      await f.re.arm(await f.token.getAddress(), call);
      await expect(
        f.token.connect(f.actors.gridOperator).deposit(f.reAddr, 2_000, 0, documentHash("x")),
      ).to.be.revertedWithCustomError(f.token, "ReentrancyGuardReentrantCall");
    });

    it("refuses re-entered offering purchases, refunds and withdrawals", async function () {
      const f = await loadFixture(reentrantFixture);
      const { terms, id } = await openHostileSale(f);
      const offeringAddr = await f.offering.getAddress();
      await f.re.arm(offeringAddr, f.offering.interface.encodeFunctionData("buy", [id, 10, terms.price, FAR]));
      await expect(f.offering.connect(f.actors.investor1).buy(id, 10, terms.price, FAR)).to.be.revertedWithCustomError(
        f.offering,
        "ReentrancyGuardReentrantCall",
      );
      await f.re.arm(hre.ethers.ZeroAddress, "0x");
      await f.offering.connect(f.actors.investor1).buy(id, 50, terms.price, FAR);
      await time.increaseTo(terms.deadline + 1n);
      await f.offering.finalise(id); // 50 < soft cap 100: failed
      await f.re.arm(offeringAddr, f.offering.interface.encodeFunctionData("refund", [id]));
      await expect(f.offering.connect(f.actors.investor1).refund(id)).to.be.revertedWithCustomError(
        f.offering,
        "ReentrancyGuardReentrantCall",
      );
      // refundFor only books (no payment-token call, nothing to re-enter); the armed token never runs
      await expect(f.offering.connect(f.actors.assetOperator).refundFor(id, f.actors.investor1.address))
        .to.emit(f.offering, "OfferingRefundBooked")
        .withArgs(id, f.actors.investor1.address, 50, 50n * BigInt(terms.price));
      await expect(f.offering.connect(f.actors.investor1).refund(id)).to.be.revertedWithCustomError(
        f.offering,
        "ReentrancyGuardReentrantCall",
      );

      const g = await loadFixture(reentrantFixture);
      const t2 = await termsFor(g, { assetId: g.second.assetId, paymentToken: g.reAddr, hardCap: 500n, softCap: 100n });
      const id2 = await openOffering(g.offering, g.actors.assetOperator, t2);
      await time.increaseTo(t2.start);
      await g.offering.connect(g.actors.investor1).buy(id2, 500, t2.price, FAR);
      await g.offering.finalise(id2);
      await g.re.arm(await g.offering.getAddress(), g.offering.interface.encodeFunctionData("withdraw", [id2]));
      await expect(g.offering.connect(g.actors.assetOperator).withdraw(id2)).to.be.revertedWithCustomError(
        g.offering,
        "ReentrancyGuardReentrantCall",
      );
    });

    it("refuses re-entered market fills and fee withdrawals", async function () {
      const f = await loadFixture(reentrantFixture);
      const marketAddr = await f.market.getAddress();
      await f.market.connect(f.actors.assetOperator).setFee(f.assetId, 100);
      await time.increase(await f.market.FEE_NOTICE());
      await f.market.connect(f.actors.investor1).list(f.assetId, 100, f.reAddr, 1_000, FAR);
      await f.re.arm(marketAddr, f.market.interface.encodeFunctionData("buy", [1, 1, 1_000, FAR]));
      await expect(f.market.connect(f.actors.investor2).buy(1, 10, 1_000, FAR)).to.be.revertedWithCustomError(
        f.market,
        "ReentrancyGuardReentrantCall",
      );
      await f.re.arm(hre.ethers.ZeroAddress, "0x");
      await f.market.connect(f.actors.investor2).buy(1, 10, 1_000, FAR);
      expect(await f.market.feesOf(f.orgIds.assetOperator, f.reAddr)).to.equal(100);
      await f.re.arm(marketAddr, f.market.interface.encodeFunctionData("withdrawFees", [f.reAddr]));
      await expect(f.market.connect(f.actors.assetOperator).withdrawFees(f.reAddr)).to.be.revertedWithCustomError(
        f.market,
        "ReentrancyGuardReentrantCall",
      );
    });
  });

  describe("cross-function reentrancy through a hostile payment token", function () {
    it("refuses refundFor re-entered from a refund and sweepToHolders re-entered from a withdrawal", async function () {
      const f = await loadFixture(reentrantFixture);
      const offeringAddr = await f.offering.getAddress();
      const { terms, id } = await openHostileSale(f);
      await f.offering.connect(f.actors.investor1).buy(id, 50, terms.price, FAR);
      await time.increaseTo(terms.deadline + 1n);
      await f.offering.finalise(id); // failed: below the soft cap
      await f.re.arm(
        offeringAddr,
        f.offering.interface.encodeFunctionData("refundFor", [id, f.actors.investor1.address]),
      );
      await expect(f.offering.connect(f.actors.investor1).refund(id)).to.be.revertedWithCustomError(
        f.offering,
        "ReentrancyGuardReentrantCall",
      );
      expect(await f.re.balanceOf(offeringAddr)).to.equal(50n * BigInt(terms.price));

      const g = await loadFixture(reentrantFixture);
      const gOffering = await g.offering.getAddress();
      const t2 = await termsFor(g, { assetId: g.second.assetId, paymentToken: g.reAddr, hardCap: 500n, softCap: 100n });
      const id2 = await openOffering(g.offering, g.actors.assetOperator, t2);
      await time.increaseTo(t2.start);
      await g.offering.connect(g.actors.investor1).buy(id2, 500, t2.price, FAR);
      await g.offering.finalise(id2);
      await g.re.arm(gOffering, g.offering.interface.encodeFunctionData("sweepToHolders", [id2]));
      await expect(g.offering.connect(g.actors.assetOperator).withdraw(id2)).to.be.revertedWithCustomError(
        g.offering,
        "ReentrancyGuardReentrantCall",
      );
      expect(await g.re.balanceOf(gOffering)).to.equal(500n * BigInt(t2.price));
    });
  });

  describe("locks, forced moves and refunds at their limits", function () {
    it("refuses forced moves and recoveries involving the zero address", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const agent = f.token.connect(f.actors.regulator);
      const a = f.actors.investor1.address;
      const zero = hre.ethers.ZeroAddress;
      await expect(agent.forcedTransfer(a, zero, 1))
        .to.be.revertedWithCustomError(f.token, "ShareInvalidForcedMove")
        .withArgs(a, zero, 1);
      await expect(agent.recoverWallet(zero, a))
        .to.be.revertedWithCustomError(f.token, "ShareInvalidForcedMove")
        .withArgs(zero, a, 0);
      await expect(agent.recoverWallet(a, zero))
        .to.be.revertedWithCustomError(f.token, "ShareInvalidForcedMove")
        .withArgs(a, zero, 1_000);
    });

    it("refuses a zero payment token at registration", async function () {
      const f = await loadFixture(deployAssetsFixture);
      await expect(
        f.registry.connect(f.actors.assetOperator).register({
          kind: 0,
          metadataHash: documentHash("x"),
          name: "X",
          symbol: "X",
          cap: 1,
          paymentTokens: [hre.ethers.ZeroAddress],
          devices: [],
          gridOperatorOrg: 0,
        }),
      )
        .to.be.revertedWithCustomError(f.token, "RevenueInvalidPaymentToken")
        .withArgs(hre.ethers.ZeroAddress);
    });

    it("cancelling one of two listings unlocks only that listing's shares", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const s = f.market.connect(f.actors.investor1);
      await s.list(f.assetId, 100, f.ceurAddr, 1_000, FAR);
      await s.list(f.assetId, 200, f.ceurAddr, 1_000, FAR);
      await expect(s.cancel(1)).to.emit(f.token, "ListingLockChanged").withArgs(f.actors.investor1.address, 200);
      expect(await f.token.unlockedBalanceOf(f.actors.investor1.address)).to.equal(800);
    });

    it("a listing whose shares a forced transfer reached lapses: it cannot be filled, even for what is left", async function () {
      const f = await loadFixture(fundedAssetFixture);
      await f.market.connect(f.actors.investor1).list(f.assetId, 1_000, f.ceurAddr, 1_000, FAR);
      await f.token
        .connect(f.actors.regulator)
        .forcedTransfer(f.actors.investor1.address, f.actors.investor3.address, 400);
      await f.ceur.connect(f.actors.investor2).approve(await f.market.getAddress(), hre.ethers.MaxUint256);
      await expect(f.market.connect(f.actors.investor2).buy(1, 600, 1_000, FAR))
        .to.be.revertedWithCustomError(f.token, "ShareListingLapsed")
        .withArgs(f.actors.investor1.address, 0, 1);
      // the seller's remaining 600 shares are free again
      expect(await f.token.unlockedBalanceOf(f.actors.investor1.address)).to.equal(600);
    });
  });

  describe("parties that lose their standing", function () {
    async function suspendCarrier(f: Awaited<ReturnType<typeof deployAssetsFixture>>) {
      const { actors, consortium, orgIds } = f;
      const id = await proposeStatus(consortium, actors.regulator, orgIds.carrier, "Suspend");
      await voteUntilClosed(consortium, id, [
        actors.manufacturer,
        actors.manufacturer2,
        actors.distributor,
        actors.hospital,
        actors.pharmacy,
        actors.insurer,
        actors.assetOperator,
      ]);
    }

    it("refuses a suspended organisation as construction party and stops its withdrawals", async function () {
      const f = await loadFixture(deployAssetsFixture);
      const terms = await termsFor(f, {
        beneficiaryOrg: f.orgIds.carrier,
        cosignerOrg: f.orgIds.regulator,
        milestoneBps: [10_000],
      });
      const id = await openOffering(f.offering, f.actors.assetOperator, terms);
      await time.increaseTo(terms.start);
      await buyShares(hre, f.offering, f.actors.investor1, id, 1_000n);
      await time.increaseTo(terms.deadline + 1n);
      await f.offering.finalise(id);
      await f.offering.connect(f.actors.assetOperator).approveMilestone(id, 0);
      await f.offering.connect(f.actors.regulator).approveMilestone(id, 0);
      await suspendCarrier(f);
      await expect(f.offering.connect(f.actors.carrier).withdraw(id))
        .to.be.revertedWithCustomError(f.offering, "OfferingNotParty")
        .withArgs(id, f.actors.carrier.address);
      const g = await loadFixture(deployAssetsFixture);
      await suspendCarrier(g);
      const bad = await termsFor(g, {
        beneficiaryOrg: g.orgIds.carrier,
        cosignerOrg: g.orgIds.regulator,
        milestoneBps: [10_000],
      });
      await expect(openOffering(g.offering, g.actors.assetOperator, bad))
        .to.be.revertedWithCustomError(g.offering, "OfferingInvalidTerms")
        .withArgs(g.assetId, "parties");
    });
  });

  describe("calls out of turn", function () {
    it("refuses refunds, recoveries, party replacements and sweeps of an offering that does not exist", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const o = f.offering;
      await expect(o.refundFor(99, f.actors.investor1.address))
        .to.be.revertedWithCustomError(o, "OfferingWrongState")
        .withArgs(99, 0);
      await expect(
        o.connect(f.actors.regulator).recoverRefund(99, f.actors.investor1.address, f.actors.investor2.address),
      )
        .to.be.revertedWithCustomError(o, "OfferingWrongState")
        .withArgs(99, 0);
      await expect(o.connect(f.actors.regulator).replaceParty(99, 0, f.orgIds.assetOperator))
        .to.be.revertedWithCustomError(o, "OfferingWrongState")
        .withArgs(99, 0);
      await expect(o.sweepToHolders(99)).to.be.revertedWithCustomError(o, "OfferingWrongState").withArgs(99, 0);
    });

    it("refuses a share token's registry-only calls from anyone else, and metered deposits from non-depositors", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const t = f.token.connect(f.actors.assetOperator);
      await expect(t.retirePaymentToken(f.usdcAddr))
        .to.be.revertedWithCustomError(f.token, "ShareUnauthorised")
        .withArgs(f.actors.assetOperator.address);
      await expect(t.setGridOperator(0))
        .to.be.revertedWithCustomError(f.token, "ShareUnauthorised")
        .withArgs(f.actors.assetOperator.address);
      await expect(t.depositFromOffering(f.ceurAddr, 1_000n))
        .to.be.revertedWithCustomError(f.token, "ShareUnauthorised")
        .withArgs(f.actors.assetOperator.address);
      expect(await f.token.gridOperatorOrg()).to.equal(f.orgIds.gridOperator);
      expect(await f.token.paymentTokens()).to.deep.equal([f.ceurAddr, f.usdcAddr]);
    });

    it("retires a payment token of an asset that never sold, but never an unknown token nor the last one", async function () {
      const f = await loadFixture(deployAssetsFixture);
      const reg = f.registry.connect(f.actors.assetOperator);
      const ceur = await f.ceur.getAddress();
      const usdc = await f.usdc.getAddress();
      expect(await f.offering.unreleasedEscrow(f.assetId)).to.deep.equal([hre.ethers.ZeroAddress, 0n]);
      await expect(reg.retirePaymentToken(f.assetId, f.actors.outsider.address))
        .to.be.revertedWithCustomError(f.token, "RevenueInvalidPaymentToken")
        .withArgs(f.actors.outsider.address);
      await expect(reg.retirePaymentToken(f.assetId, usdc))
        .to.emit(f.registry, "AssetPaymentTokenRetired")
        .withArgs(f.assetId, usdc);
      await expect(reg.retirePaymentToken(f.assetId, ceur))
        .to.be.revertedWithCustomError(f.token, "RevenueInvalidPaymentToken")
        .withArgs(ceur);
      expect(await f.token.paymentTokens()).to.deep.equal([ceur]);
    });
  });
});
