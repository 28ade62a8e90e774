import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { fundedAssetFixture } from "../fixtures/assets";
import { documentHash } from "../../src/consortium";

const FAR = 2n ** 40n;
const ASK = 150_00n;

async function listedFixture() {
  const f = await fundedAssetFixture();
  const expiry = BigInt(await time.latest()) + 86_400n;
  await f.market.connect(f.actors.investor1).list(f.assetId, 400, f.ceurAddr, ASK, expiry);
  const marketAddr = await f.market.getAddress();
  for (const who of [f.actors.investor2, f.actors.investor3, f.actors.outsider]) {
    await f.ceur.connect(who).approve(marketAddr, hre.ethers.MaxUint256);
  }
  return { ...f, listingId: 1n, expiry, marketAddr };
}

describe("AssetMarket", function () {
  it("lists shares by locking them in the seller's balance", async function () {
    const f = await loadFixture(fundedAssetFixture);
    const expiry = BigInt(await time.latest()) + 3600n;
    const tx = f.market.connect(f.actors.investor1).list(f.assetId, 400, f.ceurAddr, ASK, expiry);
    await expect(tx)
      .to.emit(f.market, "Listed")
      .withArgs(1, f.actors.investor1.address, f.assetId, 400, f.ceurAddr, ASK, expiry);
    await expect(tx).to.emit(f.token, "ListingLockChanged").withArgs(f.actors.investor1.address, 400);
    expect(await f.token.balanceOf(f.actors.investor1.address)).to.equal(1_000);
    expect(await f.token.unlockedBalanceOf(f.actors.investor1.address)).to.equal(600);
    await expect(f.token.connect(f.actors.investor1).transfer(f.actors.investor2.address, 601))
      .to.be.revertedWithCustomError(f.token, "ShareInsufficientUnlocked")
      .withArgs(f.actors.investor1.address, 600, 601);
    await expect(f.market.connect(f.actors.investor1).list(f.assetId, 601, f.ceurAddr, ASK, expiry))
      .to.be.revertedWithCustomError(f.token, "ShareInsufficientUnlocked")
      .withArgs(f.actors.investor1.address, 600, 601);
    await expect(f.market.connect(f.actors.investor1).list(f.assetId, 1_001, f.ceurAddr, ASK, expiry))
      .to.be.revertedWithCustomError(f.token, "ERC20InsufficientBalance")
      .withArgs(f.actors.investor1.address, 1_000, 1_001);
    const l = await f.market.listing(1);
    expect(l.seller).to.equal(f.actors.investor1.address);
    expect(l.remaining).to.equal(400);
    expect(await f.market.listingCount()).to.equal(1);
    expect(await f.market.registry()).to.equal(await f.registry.getAddress());
  });

  it("refuses invalid listings", async function () {
    const f = await loadFixture(fundedAssetFixture);
    const s = f.market.connect(f.actors.investor1);
    const now = BigInt(await time.latest());
    await expect(s.list(f.assetId, 0, f.ceurAddr, ASK, FAR))
      .to.be.revertedWithCustomError(f.market, "MarketInvalidListing")
      .withArgs("amount");
    await expect(s.list(f.assetId, 2n ** 96n, f.ceurAddr, ASK, FAR))
      .to.be.revertedWithCustomError(f.market, "MarketInvalidListing")
      .withArgs("amount");
    await expect(s.list(f.assetId, 1, f.ceurAddr, 0, FAR))
      .to.be.revertedWithCustomError(f.market, "MarketInvalidListing")
      .withArgs("price");
    await expect(s.list(f.assetId, 1, hre.ethers.ZeroAddress, ASK, FAR))
      .to.be.revertedWithCustomError(f.market, "MarketInvalidListing")
      .withArgs("payment token");
    await expect(s.list(f.assetId, 1, f.ceurAddr, ASK, now))
      .to.be.revertedWithCustomError(f.market, "MarketInvalidListing")
      .withArgs("expiry");
    await expect(s.list(99, 1, f.ceurAddr, ASK, FAR))
      .to.be.revertedWithCustomError(f.registry, "AssetUnknown")
      .withArgs(99);
    await f.token.connect(f.actors.regulator).setFrozen(f.actors.investor1.address, true);
    await expect(s.list(f.assetId, 1, f.ceurAddr, ASK, FAR))
      .to.be.revertedWithCustomError(f.token, "ShareAccountFrozen")
      .withArgs(f.actors.investor1.address);
    await expect(f.market.listing(5)).to.be.revertedWithCustomError(f.market, "MarketUnknownListing").withArgs(5);
  });

  it("delivers shares against payment atomically, with partial fills", async function () {
    const f = await loadFixture(listedFixture);
    const { investor1: seller, investor2: buyer } = f.actors;
    const tx = f.market.connect(buyer).buy(f.listingId, 100, ASK, FAR);
    await expect(tx)
      .to.emit(f.market, "ListingFilled")
      .withArgs(f.listingId, buyer.address, seller.address, 100, 100n * ASK, 0);
    await expect(tx).to.changeTokenBalances(f.token, [seller, buyer], [-100, 100]);
    await expect(tx).to.changeTokenBalances(f.ceur, [buyer, seller], [-100n * ASK, 100n * ASK]);
    expect((await f.market.listing(f.listingId)).remaining).to.equal(300);
    expect((await f.token.locksOf(seller.address))[0]).to.equal(300);
    await f.market.connect(buyer).buy(f.listingId, 300, ASK, FAR);
    await expect(f.market.connect(buyer).buy(f.listingId, 1, ASK, FAR))
      .to.be.revertedWithCustomError(f.market, "MarketUnknownListing")
      .withArgs(f.listingId);
    expect(await f.token.unlockedBalanceOf(seller.address)).to.equal(600);
  });

  it("keeps revenue deposited while listed with the seller", async function () {
    const f = await loadFixture(listedFixture);
    await f.token.connect(f.actors.gridOperator).deposit(f.ceurAddr, 2_000_00, 0, documentHash("while listed"));
    await f.market.connect(f.actors.investor2).buy(f.listingId, 400, ASK, FAR);
    expect(await f.token.claimableOf(f.actors.investor1.address, f.ceurAddr)).to.equal(1_000_00);
    expect(await f.token.claimableOf(f.actors.investor2.address, f.ceurAddr)).to.equal(600_00);
    await f.token.connect(f.actors.gridOperator).deposit(f.ceurAddr, 2_000_00, 0, documentHash("after"));
    expect(await f.token.claimableOf(f.actors.investor1.address, f.ceurAddr)).to.equal(1_000_00 + 600_00);
    expect(await f.token.claimableOf(f.actors.investor2.address, f.ceurAddr)).to.equal(600_00 + 1_000_00);
  });

  it("refuses fills outside the rules", async function () {
    const f = await loadFixture(listedFixture);
    const b = f.market.connect(f.actors.investor2);
    const now = BigInt(await time.latest());
    await expect(b.buy(f.listingId, 1, ASK, now))
      .to.be.revertedWithCustomError(f.market, "MarketTxExpired")
      .withArgs(now, now + 1n);
    await expect(b.buy(f.listingId, 1, ASK - 1n, FAR))
      .to.be.revertedWithCustomError(f.market, "MarketPriceAbove")
      .withArgs(f.listingId, ASK, ASK - 1n);
    await expect(b.buy(f.listingId, 401, ASK, FAR))
      .to.be.revertedWithCustomError(f.market, "MarketInsufficientRemaining")
      .withArgs(f.listingId, 400, 401);
    await expect(b.buy(f.listingId, 0, ASK, FAR))
      .to.be.revertedWithCustomError(f.market, "MarketInsufficientRemaining")
      .withArgs(f.listingId, 400, 0);
    await expect(f.market.connect(f.actors.investor1).buy(f.listingId, 1, ASK, FAR))
      .to.be.revertedWithCustomError(f.market, "MarketSelfTrade")
      .withArgs(f.listingId);
    await expect(f.market.connect(f.actors.outsider).buy(f.listingId, 1, ASK, FAR))
      .to.be.revertedWithCustomError(f.market, "AccessMissingRole")
      .withArgs(f.actors.outsider.address, 9);
    await expect(b.buy(9, 1, ASK, FAR))
      .to.be.revertedWithCustomError(f.market, "MarketUnknownListing")
      .withArgs(9);
    await f.token.connect(f.actors.regulator).pause();
    await expect(b.buy(f.listingId, 1, ASK, FAR)).to.be.revertedWithCustomError(f.token, "ShareTransfersPaused");
    await f.token.connect(f.actors.regulator).unpause();
    await f.token.connect(f.actors.regulator).setFrozen(f.actors.investor2.address, true);
    await expect(b.buy(f.listingId, 1, ASK, FAR))
      .to.be.revertedWithCustomError(f.token, "ShareAccountFrozen")
      .withArgs(f.actors.investor2.address);
    await f.token.connect(f.actors.regulator).setFrozen(f.actors.investor2.address, false);
    await f.consortium.connect(f.actors.kyc).setPersonStatus(f.orgIds.investor1, 2);
    await expect(b.buy(f.listingId, 1, ASK, FAR))
      .to.be.revertedWithCustomError(f.market, "MarketSellerNotEligible")
      .withArgs(f.listingId, f.actors.investor1.address);
    await f.consortium.connect(f.actors.kyc).setPersonStatus(f.orgIds.investor1, 1);
    await time.increaseTo(f.expiry + 1n);
    await expect(b.buy(f.listingId, 1, ASK, FAR))
      .to.be.revertedWithCustomError(f.market, "MarketListingExpired")
      .withArgs(f.listingId, f.expiry);
  });

  it("cancels: the seller any time, anyone once expired; the remaining shares unlock", async function () {
    const f = await loadFixture(listedFixture);
    await expect(f.market.connect(f.actors.investor2).cancel(f.listingId))
      .to.be.revertedWithCustomError(f.market, "MarketNotSeller")
      .withArgs(f.listingId, f.actors.investor2.address);
    await f.market.connect(f.actors.investor2).buy(f.listingId, 100, ASK, FAR);
    await expect(f.market.connect(f.actors.investor1).cancel(f.listingId))
      .to.emit(f.market, "ListingCancelled")
      .withArgs(f.listingId, 300, f.actors.investor1.address)
      .and.to.emit(f.token, "ListingLockChanged")
      .withArgs(f.actors.investor1.address, 0);
    expect(await f.token.unlockedBalanceOf(f.actors.investor1.address)).to.equal(900);
    await expect(f.market.connect(f.actors.investor1).cancel(f.listingId))
      .to.be.revertedWithCustomError(f.market, "MarketUnknownListing")
      .withArgs(f.listingId);
    await f.market.connect(f.actors.investor1).list(f.assetId, 50, f.ceurAddr, ASK, f.expiry);
    await time.increaseTo(f.expiry + 1n);
    await expect(f.market.connect(f.actors.outsider).cancel(2))
      .to.emit(f.market, "ListingCancelled")
      .withArgs(2, 50, f.actors.outsider.address);
  });

  it("charges the operator fee set at listing time, accrued for the operator to withdraw", async function () {
    const f = await loadFixture(fundedAssetFixture);
    await expect(f.market.connect(f.actors.assetOperator).setFee(f.assetId, 501))
      .to.be.revertedWithCustomError(f.market, "MarketFeeTooHigh")
      .withArgs(501);
    // after funding an increase is announced and takes effect after the notice period
    const at = BigInt(await time.latest()) + 10n;
    await time.setNextBlockTimestamp(at);
    const notice = await f.market.FEE_NOTICE();
    await expect(f.market.connect(f.actors.assetOperator).setFee(f.assetId, 100))
      .to.emit(f.market, "MarketFeeChanged")
      .withArgs(f.assetId, 0, 100, at + notice);
    expect(await f.market.feeBps(f.assetId)).to.equal(0);
    expect(await f.market.pendingFee(f.assetId)).to.deep.equal([100n, at + notice]);
    await time.increaseTo(at + notice);
    expect(await f.market.feeBps(f.assetId)).to.equal(100);
    expect(await f.market.pendingFee(f.assetId)).to.deep.equal([0n, 0n]);
    await f.market.connect(f.actors.investor1).list(f.assetId, 100, f.ceurAddr, ASK, FAR);
    await f.market.connect(f.actors.assetOperator).setFee(f.assetId, 500); // later change does not touch listing 1
    await f.ceur.connect(f.actors.investor3).approve(await f.market.getAddress(), hre.ethers.MaxUint256);
    const paid = 100n * ASK;
    const fee = paid / 100n;
    const tx = f.market.connect(f.actors.investor3).buy(1, 100, ASK, FAR);
    await expect(tx)
      .to.emit(f.market, "ListingFilled")
      .withArgs(1, f.actors.investor3.address, f.actors.investor1.address, 100, paid, fee);
    await expect(tx).to.changeTokenBalances(
      f.ceur,
      [f.actors.investor3, f.actors.investor1, f.market],
      [-paid, paid - fee, fee],
    );
    expect(await f.market.feesOf(f.orgIds.assetOperator, f.ceurAddr)).to.equal(fee);
    await expect(f.market.connect(f.actors.assetOperator).withdrawFees(f.ceurAddr))
      .to.emit(f.market, "MarketFeesWithdrawn")
      .withArgs(f.orgIds.assetOperator, f.ceurAddr, f.actors.assetOperator.address, fee);
    await expect(f.market.connect(f.actors.assetOperator).withdrawFees(f.ceurAddr))
      .to.be.revertedWithCustomError(f.market, "MarketNoFees")
      .withArgs(f.orgIds.assetOperator, f.ceurAddr);
  });
});
