import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { CAP, PRICE, deployAssetsFixture, fundedAssetFixture, termsFor } from "../fixtures/assets";
import { OfferingTerms, buyShares, openOffering } from "../../src/assets";

const STATE = { None: 0, Open: 1, Succeeded: 2, Failed: 3 };

function asStruct(t: OfferingTerms) {
  return {
    assetId: t.assetId,
    paymentToken: t.paymentToken,
    price: t.price,
    softCap: t.softCap,
    hardCap: t.hardCap,
    start: t.start,
    deadline: t.deadline,
    minPerInvestor: t.minPerInvestor ?? 1,
    maxPerInvestor: t.maxPerInvestor ?? t.hardCap,
    beneficiaryOrg: t.beneficiaryOrg ?? 0,
    cosignerOrg: t.cosignerOrg ?? 0,
    milestoneBps: t.milestoneBps ?? [],
  };
}

async function openedFixture() {
  const f = await deployAssetsFixture();
  const terms = await termsFor(f);
  const offeringId = await openOffering(f.offering, f.actors.assetOperator, terms);
  const offeringAddr = await f.offering.getAddress();
  for (const who of [f.actors.investor1, f.actors.investor2, f.actors.investor3, f.actors.outsider]) {
    await f.ceur.connect(who).approve(offeringAddr, hre.ethers.MaxUint256);
  }
  return { ...f, terms, offeringId, offeringAddr };
}

/** Milestone sale: the carrier builds, the regulator co-signs. */
async function milestoneFixture() {
  const f = await deployAssetsFixture();
  const terms = await termsFor(f, {
    beneficiaryOrg: f.orgIds.carrier,
    cosignerOrg: f.orgIds.regulator,
    milestoneBps: [3_000, 3_000, 4_000],
  });
  const offeringId = await openOffering(f.offering, f.actors.assetOperator, terms);
  await time.increaseTo(terms.start);
  await buyShares(hre, f.offering, f.actors.investor1, offeringId, 1_001n);
  await time.increaseTo(BigInt(terms.deadline) + 1n);
  await f.offering.finalise(offeringId);
  return { ...f, terms, offeringId };
}

describe("AssetOffering", function () {
  describe("opening", function () {
    it("opens a sale for an asset in funding and records the terms", async function () {
      const f = await loadFixture(deployAssetsFixture);
      const terms = await termsFor(f);
      await expect(f.offering.connect(f.actors.assetOperator).open(asStruct(terms)))
        .to.emit(f.offering, "OfferingOpened")
        .withArgs(1, f.assetId, f.orgIds.assetOperator, f.orgIds.assetOperator, [
          f.assetId,
          await f.ceur.getAddress(),
          PRICE,
          1_000,
          5_000,
          terms.start,
          terms.deadline,
          terms.minPerInvestor,
          terms.maxPerInvestor,
          0,
          0,
          [],
        ]);
      const o = await f.offering.offering(1);
      expect(o.state).to.equal(STATE.Open);
      expect(o.beneficiaryOrg).to.equal(f.orgIds.assetOperator);
      expect(o.shareToken).to.equal(await f.token.getAddress());
      expect(await f.offering.liveOffering(f.assetId)).to.equal(1);
      expect(await f.offering.offeringCount()).to.equal(1);
      expect(await f.offering.registry()).to.equal(await f.registry.getAddress());
    });

    it("refuses inconsistent terms with the reason", async function () {
      const f = await loadFixture(deployAssetsFixture);
      const op = f.offering.connect(f.actors.assetOperator);
      const t = await termsFor(f);
      const bad: [Partial<OfferingTerms>, string][] = [
        [{ paymentToken: hre.ethers.ZeroAddress }, "payment token"],
        [{ price: 0 }, "price"],
        [{ price: 2n ** 127n }, "price"],
        [{ softCap: 0 }, "caps"],
        [{ softCap: 6_000 }, "caps"],
        [{ hardCap: CAP + 1n, maxPerInvestor: CAP + 1n }, "hard cap above cap"],
        [{ start: BigInt(t.start) - 7200n }, "times"],
        [{ deadline: t.start }, "times"],
        [{ minPerInvestor: 0 }, "investor limits"],
        [{ minPerInvestor: 10, maxPerInvestor: 9 }, "investor limits"],
        [{ beneficiaryOrg: f.orgIds.carrier }, "parties"],
        [{ cosignerOrg: f.orgIds.carrier }, "parties"],
        [{ beneficiaryOrg: f.orgIds.carrier, milestoneBps: [10_000] }, "parties"],
        [{ beneficiaryOrg: f.orgIds.carrier, cosignerOrg: f.orgIds.assetOperator, milestoneBps: [10_000] }, "parties"],
        [
          { beneficiaryOrg: f.orgIds.manufacturer2 + 500, cosignerOrg: f.orgIds.regulator, milestoneBps: [10_000] },
          "parties",
        ],
        [
          { beneficiaryOrg: f.orgIds.carrier, cosignerOrg: f.orgIds.regulator, milestoneBps: [5_000, 4_000] },
          "milestones",
        ],
        [
          { beneficiaryOrg: f.orgIds.carrier, cosignerOrg: f.orgIds.regulator, milestoneBps: [0, 10_000] },
          "milestones",
        ],
        [
          { beneficiaryOrg: f.orgIds.carrier, cosignerOrg: f.orgIds.regulator, milestoneBps: Array(9).fill(1_000) },
          "milestones",
        ],
      ];
      for (const [override, reason] of bad) {
        await expect(op.open(asStruct({ ...t, ...override })), reason)
          .to.be.revertedWithCustomError(f.offering, "OfferingInvalidTerms")
          .withArgs(f.assetId, reason);
      }
    });

    it("refuses a second live sale, a non-operator and an asset out of funding", async function () {
      const f = await loadFixture(openedFixture);
      await expect(f.offering.connect(f.actors.assetOperator).open(asStruct(f.terms)))
        .to.be.revertedWithCustomError(f.offering, "OfferingAssetNotFunding")
        .withArgs(f.assetId, f.offeringId);
      await expect(f.offering.connect(f.actors.gridOperator).open(asStruct(f.terms)))
        .to.be.revertedWithCustomError(f.offering, "OfferingNotInitiator")
        .withArgs(0, f.actors.gridOperator.address);
      await expect(f.offering.connect(f.actors.assetOperator).open(asStruct({ ...f.terms, assetId: 9 })))
        .to.be.revertedWithCustomError(f.registry, "AssetUnknown")
        .withArgs(9);
      const g = await loadFixture(fundedAssetFixture);
      await expect(g.offering.connect(g.actors.assetOperator).open(asStruct(await termsFor(g))))
        .to.be.revertedWithCustomError(g.offering, "OfferingAssetNotFunding")
        .withArgs(g.assetId, 0);
    });

    it("lets the initiator reprice or cancel before the start only", async function () {
      const f = await loadFixture(openedFixture);
      const op = f.offering.connect(f.actors.assetOperator);
      await expect(op.setPrice(f.offeringId, 120_00))
        .to.emit(f.offering, "OfferingPriceChanged")
        .withArgs(f.offeringId, PRICE, 120_00);
      await expect(op.setPrice(f.offeringId, 0))
        .to.be.revertedWithCustomError(f.offering, "OfferingInvalidTerms")
        .withArgs(f.assetId, "price");
      await expect(f.offering.connect(f.actors.investor1).setPrice(f.offeringId, 1))
        .to.be.revertedWithCustomError(f.offering, "OfferingNotInitiator")
        .withArgs(f.offeringId, f.actors.investor1.address);
      await time.increaseTo(f.terms.start);
      await expect(op.setPrice(f.offeringId, 1))
        .to.be.revertedWithCustomError(f.offering, "OfferingStarted")
        .withArgs(f.offeringId, f.terms.start);
      await expect(op.cancel(f.offeringId))
        .to.be.revertedWithCustomError(f.offering, "OfferingStarted")
        .withArgs(f.offeringId, f.terms.start);
    });

    it("cancels before the start and frees the asset for a new sale", async function () {
      const f = await loadFixture(openedFixture);
      await expect(f.offering.connect(f.actors.assetOperator).cancel(f.offeringId))
        .to.emit(f.offering, "OfferingFinalised")
        .withArgs(f.offeringId, false, 0, 0);
      expect((await f.offering.offering(f.offeringId)).state).to.equal(STATE.Failed);
      expect(await f.offering.liveOffering(f.assetId)).to.equal(0);
      await expect(f.offering.connect(f.actors.assetOperator).cancel(f.offeringId))
        .to.be.revertedWithCustomError(f.offering, "OfferingWrongState")
        .withArgs(f.offeringId, STATE.Failed);
      await expect(f.offering.offering(77)).to.be.revertedWithCustomError(f.offering, "OfferingUnknown").withArgs(77);
    });
  });

  describe("buying", function () {
    it("escrows the payment and mints locked shares to the buyer", async function () {
      const f = await loadFixture(openedFixture);
      await time.increaseTo(f.terms.start);
      const deadline = BigInt(await time.latest()) + 600n;
      const tx = f.offering.connect(f.actors.investor1).buy(f.offeringId, 100, PRICE, deadline);
      await expect(tx)
        .to.emit(f.offering, "SharesPurchased")
        .withArgs(f.offeringId, f.actors.investor1.address, 100, 100n * PRICE);
      await expect(tx).to.changeTokenBalances(f.ceur, [f.actors.investor1, f.offering], [-100n * PRICE, 100n * PRICE]);
      expect(await f.token.balanceOf(f.actors.investor1.address)).to.equal(100);
      expect(await f.token.unlockedBalanceOf(f.actors.investor1.address)).to.equal(0);
      expect(await f.token.locksOf(f.actors.investor1.address)).to.deep.equal([0n, 100n, f.offeringId, true]);
      await expect(f.token.connect(f.actors.investor1).transfer(f.actors.investor2.address, 1))
        .to.be.revertedWithCustomError(f.token, "ShareInsufficientUnlocked")
        .withArgs(f.actors.investor1.address, 0, 1);
      await f.offering.connect(f.actors.investor1).buy(f.offeringId, 50, PRICE, deadline);
      expect((await f.token.locksOf(f.actors.investor1.address))[1]).to.equal(150);
      expect((await f.offering.offering(f.offeringId)).sold).to.equal(150);
    });

    it("refuses purchases outside the rules with exact errors", async function () {
      const f = await loadFixture(openedFixture);
      const inv = f.offering.connect(f.actors.investor1);
      const far = 2n ** 40n;
      await expect(inv.buy(f.offeringId, 100, PRICE, far))
        .to.be.revertedWithCustomError(f.offering, "OfferingNotStarted")
        .withArgs(f.offeringId, f.terms.start);
      await time.increaseTo(f.terms.start);
      const now = BigInt(await time.latest());
      await expect(inv.buy(f.offeringId, 100, PRICE, now - 1n))
        .to.be.revertedWithCustomError(f.offering, "OfferingTxExpired")
        .withArgs(now - 1n, now + 1n);
      await expect(inv.buy(f.offeringId, 100, PRICE - 1n, far))
        .to.be.revertedWithCustomError(f.offering, "OfferingPriceAbove")
        .withArgs(f.offeringId, PRICE, PRICE - 1n);
      await expect(inv.buy(f.offeringId, 9, PRICE, far))
        .to.be.revertedWithCustomError(f.offering, "OfferingInvestorLimit")
        .withArgs(f.offeringId, 9, 10, 3_000);
      await expect(inv.buy(f.offeringId, 3_001, PRICE, far))
        .to.be.revertedWithCustomError(f.offering, "OfferingInvestorLimit")
        .withArgs(f.offeringId, 3_001, 10, 3_000);
      await expect(f.offering.connect(f.actors.outsider).buy(f.offeringId, 100, PRICE, far))
        .to.be.revertedWithCustomError(f.offering, "AccessMissingRole")
        .withArgs(f.actors.outsider.address, 9);
      await inv.buy(f.offeringId, 3_000, PRICE, far);
      await f.offering.connect(f.actors.investor2).buy(f.offeringId, 1_900, PRICE, far);
      await expect(f.offering.connect(f.actors.investor3).buy(f.offeringId, 101, PRICE, far))
        .to.be.revertedWithCustomError(f.offering, "OfferingAboveHardCap")
        .withArgs(f.offeringId, 100, 101);
      await f.token.connect(f.actors.regulator).setFrozen(f.actors.investor3.address, true);
      await expect(f.offering.connect(f.actors.investor3).buy(f.offeringId, 100, PRICE, far))
        .to.be.revertedWithCustomError(f.token, "ShareAccountFrozen")
        .withArgs(f.actors.investor3.address);
      await f.token.connect(f.actors.regulator).setFrozen(f.actors.investor3.address, false);
      await f.token.connect(f.actors.regulator).pause();
      await expect(
        f.offering.connect(f.actors.investor3).buy(f.offeringId, 100, PRICE, far),
      ).to.be.revertedWithCustomError(f.token, "ShareTransfersPaused");
      await f.token.connect(f.actors.regulator).unpause();
      await time.increaseTo(f.terms.deadline + 1n);
      await expect(f.offering.connect(f.actors.investor3).buy(f.offeringId, 10, PRICE, far))
        .to.be.revertedWithCustomError(f.offering, "OfferingClosed")
        .withArgs(f.offeringId, f.terms.deadline);
    });

    it("closes early when the hard cap is hit", async function () {
      const f = await loadFixture(openedFixture);
      await time.increaseTo(f.terms.start);
      const far = 2n ** 40n;
      await expect(f.offering.finalise(f.offeringId))
        .to.be.revertedWithCustomError(f.offering, "OfferingStillRunning")
        .withArgs(f.offeringId, f.terms.deadline);
      await f.offering.connect(f.actors.investor1).buy(f.offeringId, 3_000, PRICE, far);
      await f.offering.connect(f.actors.investor2).buy(f.offeringId, 2_000, PRICE, far);
      await expect(f.offering.finalise(f.offeringId))
        .to.emit(f.offering, "OfferingFinalised")
        .withArgs(f.offeringId, true, 5_000, 5_000n * PRICE);
      await expect(f.offering.connect(f.actors.investor3).buy(f.offeringId, 10, PRICE, far))
        .to.be.revertedWithCustomError(f.offering, "OfferingWrongState")
        .withArgs(f.offeringId, STATE.Succeeded);
    });
  });

  describe("success", function () {
    it("unlocks every buyer's shares at once, moves the asset to construction, pays the initiator", async function () {
      const f = await loadFixture(fundedAssetFixture);
      expect((await f.offering.offering(f.offeringId)).state).to.equal(STATE.Succeeded);
      expect((await f.registry.asset(f.assetId)).status).to.equal(2);
      expect(await f.token.unlockedBalanceOf(f.actors.investor1.address)).to.equal(1_000);
      expect((await f.token.locksOf(f.actors.investor2.address))[3]).to.equal(false);
      await f.token.connect(f.actors.investor1).transfer(f.actors.investor2.address, 10);
      const raised = 2_000n * PRICE;
      expect(await f.offering.releasable(f.offeringId)).to.equal(raised);
      await expect(f.offering.connect(f.actors.investor1).withdraw(f.offeringId))
        .to.be.revertedWithCustomError(f.offering, "OfferingNotParty")
        .withArgs(f.offeringId, f.actors.investor1.address);
      const tx = f.offering.connect(f.actors.assetOperator).withdraw(f.offeringId);
      await expect(tx)
        .to.emit(f.offering, "OfferingFundsReleased")
        .withArgs(f.offeringId, f.orgIds.assetOperator, f.actors.assetOperator.address, raised);
      await expect(tx).to.changeTokenBalances(f.ceur, [f.offering, f.actors.assetOperator], [-raised, raised]);
      await expect(f.offering.connect(f.actors.assetOperator).withdraw(f.offeringId))
        .to.be.revertedWithCustomError(f.offering, "OfferingNothingToWithdraw")
        .withArgs(f.offeringId);
      await expect(f.offering.connect(f.actors.investor1).refund(f.offeringId))
        .to.be.revertedWithCustomError(f.offering, "OfferingWrongState")
        .withArgs(f.offeringId, STATE.Succeeded);
      await expect(f.offering.finalise(f.offeringId))
        .to.be.revertedWithCustomError(f.offering, "OfferingWrongState")
        .withArgs(f.offeringId, STATE.Succeeded);
    });

    it("pays the construction organisation milestone by milestone once both parties approve", async function () {
      const f = await loadFixture(milestoneFixture);
      const raised = 1_001n * PRICE;
      const carrier = f.offering.connect(f.actors.carrier);
      await expect(carrier.withdraw(f.offeringId))
        .to.be.revertedWithCustomError(f.offering, "OfferingNothingToWithdraw")
        .withArgs(f.offeringId);
      await expect(f.offering.connect(f.actors.assetOperator).approveMilestone(f.offeringId, 0))
        .to.emit(f.offering, "MilestoneApproved")
        .withArgs(f.offeringId, 0, f.orgIds.assetOperator, false);
      expect(await f.offering.releasable(f.offeringId)).to.equal(0);
      await expect(f.offering.connect(f.actors.regulator).approveMilestone(f.offeringId, 0))
        .to.emit(f.offering, "MilestoneApproved")
        .withArgs(f.offeringId, 0, f.orgIds.regulator, true);
      const first = (raised * 3_000n) / 10_000n;
      expect(await f.offering.releasable(f.offeringId)).to.equal(first);
      await expect(carrier.withdraw(f.offeringId)).to.changeTokenBalance(f.ceur, f.actors.carrier, first);
      await expect(f.offering.connect(f.actors.assetOperator).approveMilestone(f.offeringId, 0))
        .to.be.revertedWithCustomError(f.offering, "OfferingInvalidMilestone")
        .withArgs(f.offeringId, 0);
      await expect(f.offering.connect(f.actors.assetOperator).approveMilestone(f.offeringId, 3))
        .to.be.revertedWithCustomError(f.offering, "OfferingInvalidMilestone")
        .withArgs(f.offeringId, 3);
      await expect(f.offering.connect(f.actors.investor1).approveMilestone(f.offeringId, 1))
        .to.be.revertedWithCustomError(f.offering, "OfferingNotParty")
        .withArgs(f.offeringId, f.actors.investor1.address);
      for (const i of [1, 2]) {
        await f.offering.connect(f.actors.assetOperator).approveMilestone(f.offeringId, i);
        await f.offering.connect(f.actors.regulator).approveMilestone(f.offeringId, i);
      }
      await expect(f.offering.connect(f.actors.assetOperator).withdraw(f.offeringId))
        .to.be.revertedWithCustomError(f.offering, "OfferingNotParty")
        .withArgs(f.offeringId, f.actors.assetOperator.address);
      await expect(carrier.withdraw(f.offeringId)).to.changeTokenBalance(f.ceur, f.actors.carrier, raised - first);
      const o = await f.offering.offering(f.offeringId);
      expect(o.released).to.equal(raised);
      expect(await f.ceur.balanceOf(await f.offering.getAddress())).to.equal(0);
      expect((await f.offering.milestones(f.offeringId)).map((m) => m.released)).to.deep.equal([true, true, true]);
    });

    it("refuses milestone approvals before success", async function () {
      const f = await loadFixture(openedFixture);
      await expect(f.offering.connect(f.actors.assetOperator).approveMilestone(f.offeringId, 0))
        .to.be.revertedWithCustomError(f.offering, "OfferingWrongState")
        .withArgs(f.offeringId, STATE.Open);
      await expect(f.offering.connect(f.actors.assetOperator).withdraw(f.offeringId))
        .to.be.revertedWithCustomError(f.offering, "OfferingWrongState")
        .withArgs(f.offeringId, STATE.Open);
      expect(await f.offering.releasable(f.offeringId)).to.equal(0);
    });
  });

  describe("failure", function () {
    async function failedFixture() {
      const f = await openedFixture();
      await time.increaseTo(f.terms.start);
      const far = 2n ** 40n;
      await f.offering.connect(f.actors.investor1).buy(f.offeringId, 300, PRICE, far);
      await f.offering.connect(f.actors.investor2).buy(f.offeringId, 200, PRICE, far);
      await time.increaseTo(f.terms.deadline + 1n);
      return f;
    }

    it("fails below the soft cap and refunds every buyer in full, burning their shares", async function () {
      const f = await loadFixture(failedFixture);
      await expect(f.offering.connect(f.actors.investor1).refund(f.offeringId))
        .to.be.revertedWithCustomError(f.offering, "OfferingWrongState")
        .withArgs(f.offeringId, STATE.Open);
      await expect(f.offering.finalise(f.offeringId))
        .to.emit(f.offering, "OfferingFinalised")
        .withArgs(f.offeringId, false, 500, 500n * PRICE);
      expect((await f.registry.asset(f.assetId)).status).to.equal(1);
      expect(await f.offering.liveOffering(f.assetId)).to.equal(0);
      const tx = f.offering.connect(f.actors.investor1).refund(f.offeringId);
      await expect(tx)
        .to.emit(f.offering, "OfferingRefundBooked")
        .withArgs(f.offeringId, f.actors.investor1.address, 300, 300n * PRICE);
      await expect(tx)
        .to.emit(f.offering, "OfferingRefunded")
        .withArgs(f.offeringId, f.actors.investor1.address, 300n * PRICE);
      await expect(tx).to.changeTokenBalances(f.ceur, [f.offering, f.actors.investor1], [-300n * PRICE, 300n * PRICE]);
      expect(await f.token.balanceOf(f.actors.investor1.address)).to.equal(0);
      await expect(f.offering.connect(f.actors.investor1).refund(f.offeringId))
        .to.be.revertedWithCustomError(f.offering, "OfferingNothingToRefund")
        .withArgs(f.offeringId, f.actors.investor1.address);
      await f.offering.connect(f.actors.investor2).refund(f.offeringId);
      expect(await f.ceur.balanceOf(await f.offering.getAddress())).to.equal(0);
      expect(await f.token.totalSupply()).to.equal(0);
      expect((await f.offering.offering(f.offeringId)).refunded).to.equal(500n * PRICE);
    });

    it("opens no new sale and keeps the asset in funding until every failed-sale buyer is refunded", async function () {
      const f = await loadFixture(failedFixture);
      await f.offering.finalise(f.offeringId);
      expect(await f.offering.unrefundedShares(f.assetId)).to.equal(500);
      const terms = await termsFor(f);
      await expect(f.offering.connect(f.actors.assetOperator).open(asStruct(terms)))
        .to.be.revertedWithCustomError(f.offering, "OfferingRefundsPending")
        .withArgs(f.assetId, 500);
      await expect(f.registry.connect(f.actors.assetOperator).setStatus(f.assetId, 2))
        .to.be.revertedWithCustomError(f.registry, "AssetRefundsPending")
        .withArgs(f.assetId, 500);
      await f.offering.connect(f.actors.investor1).refund(f.offeringId);
      // anyone may book the remaining refund (shares burned); the money is owed to the buyer, who pulls it
      const push = f.offering.connect(f.actors.assetOperator).refundFor(f.offeringId, f.actors.investor2.address);
      await expect(push)
        .to.emit(f.offering, "OfferingRefundBooked")
        .withArgs(f.offeringId, f.actors.investor2.address, 200, 200n * PRICE);
      await expect(push).to.changeTokenBalances(
        f.ceur,
        [f.actors.investor2, f.actors.assetOperator, f.offering],
        [0, 0, 0],
      );
      expect(await f.offering.refundOwed(f.offeringId, f.actors.investor2.address)).to.equal(200n * PRICE);
      await expect(f.offering.connect(f.actors.investor2).refund(f.offeringId)).to.changeTokenBalances(
        f.ceur,
        [f.actors.investor2, f.offering],
        [200n * PRICE, -200n * PRICE],
      );
      await expect(f.offering.connect(f.actors.assetOperator).refundFor(f.offeringId, f.actors.investor2.address))
        .to.be.revertedWithCustomError(f.token, "ShareNoOfferingShares")
        .withArgs(f.actors.investor2.address, f.offeringId);
      expect(await f.offering.unrefundedShares(f.assetId)).to.equal(0);
      const second = await openOffering(f.offering, f.actors.assetOperator, terms);
      await time.increaseTo(terms.start);
      await f.offering.connect(f.actors.investor1).buy(second, 1_000, PRICE, 2n ** 40n);
      await time.increaseTo(BigInt(terms.deadline) + 1n);
      await f.offering.finalise(second);
      expect(await f.token.unlockedBalanceOf(f.actors.investor1.address)).to.equal(1_000);
      expect(await f.token.totalSupply()).to.equal(1_000);
    });

    it("refuses refund calls that do not come from the offering", async function () {
      const f = await loadFixture(failedFixture);
      await expect(f.token.connect(f.actors.investor1).burnOffered(f.actors.investor1.address, f.offeringId))
        .to.be.revertedWithCustomError(f.token, "ShareUnauthorised")
        .withArgs(f.actors.investor1.address);
    });
  });
});
