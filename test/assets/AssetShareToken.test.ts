import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployAssetsFixture, fundedAssetFixture } from "../fixtures/assets";
import { documentHash } from "../../src/consortium";
import { ROLES } from "../../src/roles";
import { shouldBehaveLikeRestricted } from "../behaviours/restricted";

const MAG = 2n ** 96n;

describe("AssetShareToken", function () {
  describe("ERC-20 with compliance", function () {
    it("transfers between KYC'd investors like a standard ERC-20 (events, allowances, ERC-6093 errors)", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const { investor1: a, investor2: b, investor3: c } = f.actors;
      await expect(f.token.connect(a).transfer(b.address, 100))
        .to.emit(f.token, "Transfer")
        .withArgs(a.address, b.address, 100);
      expect(await f.token.balanceOf(b.address)).to.equal(700);
      await expect(f.token.connect(a).transfer(b.address, 1_000))
        .to.be.revertedWithCustomError(f.token, "ERC20InsufficientBalance")
        .withArgs(a.address, 900, 1_000);
      await expect(f.token.connect(a).transfer(hre.ethers.ZeroAddress, 1))
        .to.be.revertedWithCustomError(f.token, "ERC20InvalidReceiver")
        .withArgs(hre.ethers.ZeroAddress);
      await f.token.connect(a).approve(c.address, 50);
      await expect(f.token.connect(c).transferFrom(a.address, c.address, 51))
        .to.be.revertedWithCustomError(f.token, "ERC20InsufficientAllowance")
        .withArgs(c.address, 50, 51);
      await f.token.connect(c).transferFrom(a.address, c.address, 50);
      expect(await f.token.balanceOf(c.address)).to.equal(450);
      expect(await f.token.allowance(a.address, c.address)).to.equal(0);
    });

    it("refuses recipients that are not active investors, including the system's own contracts", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const { investor1: a } = f.actors;
      await expect(f.token.connect(a).transfer(f.actors.outsider.address, 1))
        .to.be.revertedWithCustomError(f.token, "ShareNotEligible")
        .withArgs(f.actors.outsider.address);
      await expect(f.token.connect(a).transfer(f.actors.hospital.address, 1))
        .to.be.revertedWithCustomError(f.token, "ShareNotEligible")
        .withArgs(f.actors.hospital.address);
      // a suspended investor can no longer receive
      await f.consortium.connect(f.actors.kyc).setPersonStatus(f.orgIds.investor2, 2);
      await expect(f.token.connect(a).transfer(f.actors.investor2.address, 1))
        .to.be.revertedWithCustomError(f.token, "ShareNotEligible")
        .withArgs(f.actors.investor2.address);
      // the system's contracts never hold shares, so nothing can be stranded there
      const market = await f.market.getAddress();
      await expect(f.token.connect(a).transfer(market, 1))
        .to.be.revertedWithCustomError(f.token, "ShareNotEligible")
        .withArgs(market);
    });

    it("pause stops transfers and burns until unpaused; freeze stops sending, receiving and claiming", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const { investor1: a, investor2: b } = f.actors;
      await expect(f.token.connect(f.actors.assetOperator).pause())
        .to.emit(f.token, "TransfersPaused")
        .withArgs(true, f.actors.assetOperator.address);
      expect(await f.token.paused()).to.equal(true);
      await expect(f.token.connect(a).transfer(b.address, 1)).to.be.revertedWithCustomError(
        f.token,
        "ShareTransfersPaused",
      );
      await expect(f.token.connect(a).burn(1)).to.be.revertedWithCustomError(f.token, "ShareTransfersPaused");
      await expect(f.token.connect(f.actors.regulator).unpause())
        .to.emit(f.token, "TransfersPaused")
        .withArgs(false, f.actors.regulator.address);
      await f.token.connect(a).transfer(b.address, 1);

      await expect(f.token.connect(f.actors.regulator).setFrozen(a.address, true))
        .to.emit(f.token, "AccountFrozen")
        .withArgs(a.address, true, f.actors.regulator.address);
      expect(await f.token.isFrozen(a.address)).to.equal(true);
      await expect(f.token.connect(a).transfer(b.address, 1))
        .to.be.revertedWithCustomError(f.token, "ShareAccountFrozen")
        .withArgs(a.address);
      await expect(f.token.connect(b).transfer(a.address, 1))
        .to.be.revertedWithCustomError(f.token, "ShareAccountFrozen")
        .withArgs(a.address);
      await expect(f.token.connect(a).burn(1))
        .to.be.revertedWithCustomError(f.token, "ShareAccountFrozen")
        .withArgs(a.address);
      await f.token.connect(f.actors.gridOperator).deposit(f.ceurAddr, 2_000_00, 1_000, documentHash("inv"));
      await expect(f.token.connect(a).claim(f.ceurAddr))
        .to.be.revertedWithCustomError(f.token, "ShareAccountFrozen")
        .withArgs(a.address);
      // revenue keeps accruing while frozen and is claimable once unfrozen
      await f.token.connect(f.actors.assetOperator).setFrozen(a.address, false);
      await expect(f.token.connect(a).claim(f.ceurAddr)).to.changeTokenBalance(f.ceur, a, 999_00);
    });

    it("lets a holder burn unlocked shares and keep the revenue already earned", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const { investor1: a } = f.actors;
      await f.token.connect(f.actors.gridOperator).deposit(f.ceurAddr, 2_000_00, 0, documentHash("inv"));
      await expect(f.token.connect(a).burn(400))
        .to.emit(f.token, "Transfer")
        .withArgs(a.address, hre.ethers.ZeroAddress, 400);
      expect(await f.token.totalSupply()).to.equal(1_600);
      expect(await f.token.claimableOf(a.address, f.ceurAddr)).to.equal(1_000_00);
      await expect(f.token.connect(a).burn(601))
        .to.be.revertedWithCustomError(f.token, "ERC20InsufficientBalance")
        .withArgs(a.address, 600, 601);
    });
  });

  describe("revenue", function () {
    it("refuses deposits while funding, from non-depositors, in unaccepted tokens, of zero", async function () {
      const f = await loadFixture(deployAssetsFixture);
      const ceur = await f.ceur.getAddress();
      await expect(f.token.connect(f.actors.gridOperator).deposit(ceur, 1, 0, documentHash("x")))
        .to.be.revertedWithCustomError(f.token, "ShareFundingStage")
        .withArgs(false);
      const g = await loadFixture(fundedAssetFixture);
      await expect(g.token.connect(g.actors.investor1).deposit(g.ceurAddr, 1, 0, documentHash("x")))
        .to.be.revertedWithCustomError(g.token, "RevenueNotDepositor")
        .withArgs(g.actors.investor1.address);
      const other = hre.ethers.Wallet.createRandom().address;
      await expect(g.token.connect(g.actors.gridOperator).deposit(other, 2_000, 0, documentHash("x")))
        .to.be.revertedWithCustomError(g.token, "RevenueTokenNotAccepted")
        .withArgs(other);
      // at least one unit per share: a deposit is never pure rounding dust
      await expect(g.token.connect(g.actors.gridOperator).deposit(g.ceurAddr, 1_999, 0, documentHash("x")))
        .to.be.revertedWithCustomError(g.token, "RevenueDepositTooSmall")
        .withArgs(1_999, 2_000);
      await expect(g.token.connect(g.actors.gridOperator).deposit(g.ceurAddr, 0, 0, documentHash("x")))
        .to.be.revertedWithCustomError(g.token, "RevenueInvalidDeposit")
        .withArgs(0, 2_000);
      await expect(g.token.connect(g.actors.gridOperator).deposit(g.ceurAddr, 2n ** 95n + 1n, 0, documentHash("x")))
        .to.be.revertedWithCustomError(g.token, "RevenueDepositTooLarge")
        .withArgs(0, 2n ** 95n + 1n);
      await expect(g.token.connect(g.actors.investor1).claim(g.ceurAddr))
        .to.be.revertedWithCustomError(g.token, "RevenueNothingToClaim")
        .withArgs(g.actors.investor1.address, g.ceurAddr);
    });

    it("refuses a deposit when every share has been burned", async function () {
      const f = await loadFixture(fundedAssetFixture);
      await f.token.connect(f.actors.investor1).burn(1_000);
      await f.token.connect(f.actors.investor2).burn(600);
      await f.token.connect(f.actors.investor3).burn(400);
      await expect(f.token.connect(f.actors.gridOperator).deposit(f.ceurAddr, 5, 0, documentHash("x")))
        .to.be.revertedWithCustomError(f.token, "RevenueInvalidDeposit")
        .withArgs(5, 0);
    });

    it("splits a grid operator's payment pro rata with the metered kWh and invoice in the event", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const amount = 3_000_00n;
      const tx = f.token.connect(f.actors.gridOperator).deposit(f.ceurAddr, amount, 12_500, documentHash("INV-1"));
      await expect(tx)
        .to.emit(f.token, "RevenueDeposited")
        .withArgs(
          f.ceurAddr,
          f.actors.gridOperator.address,
          amount,
          12_500,
          documentHash("INV-1"),
          (amount * MAG) / 2_000n,
        );
      await expect(tx).to.changeTokenBalances(f.ceur, [f.actors.gridOperator, f.token], [-amount, amount]);
      expect(await f.token.claimableOf(f.actors.investor1.address, f.ceurAddr)).to.equal(1_500_00);
      expect(await f.token.claimableOf(f.actors.investor2.address, f.ceurAddr)).to.equal(900_00);
      expect(await f.token.claimableOf(f.actors.investor3.address, f.ceurAddr)).to.equal(600_00);
      const claim = f.token.connect(f.actors.investor2).claim(f.ceurAddr);
      await expect(claim).to.emit(f.token, "RevenueClaimed").withArgs(f.actors.investor2.address, f.ceurAddr, 900_00);
      await expect(claim).to.changeTokenBalances(f.ceur, [f.token, f.actors.investor2], [-900_00, 900_00]);
      expect(await f.token.claimableOf(f.actors.investor2.address, f.ceurAddr)).to.equal(0);
      expect((await f.token.revenueLedger(f.ceurAddr))[2]).to.equal(amount);
    });

    it("lets the operator deposit vending revenue, and accepts several payment tokens independently", async function () {
      const f = await loadFixture(fundedAssetFixture);
      await f.token.connect(f.actors.assetOperator).deposit(f.ceurAddr, 200_00, 0, documentHash("sales-w1"));
      await f.token.connect(f.actors.gridOperator).deposit(f.usdcAddr, 1_000_000000n, 0, documentHash("usd"));
      expect(await f.token.claimableOf(f.actors.investor1.address, f.ceurAddr)).to.equal(100_00);
      expect(await f.token.claimableOf(f.actors.investor1.address, f.usdcAddr)).to.equal(500_000000n);
      await f.token.connect(f.actors.investor1).claim(f.usdcAddr);
      expect(await f.token.claimableOf(f.actors.investor1.address, f.ceurAddr)).to.equal(100_00);
    });

    it("keeps revenue earned before a transfer with the sender and gives later revenue to the receiver", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const { investor1: a, investor3: c } = f.actors;
      await f.token.connect(f.actors.gridOperator).deposit(f.ceurAddr, 2_000_00, 0, documentHash("1"));
      await f.token.connect(a).transfer(c.address, 500);
      await f.token.connect(f.actors.gridOperator).deposit(f.ceurAddr, 2_000_00, 0, documentHash("2"));
      expect(await f.token.claimableOf(a.address, f.ceurAddr)).to.equal(1_000_00 + 500_00);
      expect(await f.token.claimableOf(c.address, f.ceurAddr)).to.equal(400_00 + 900_00);
    });

    it("rounds every share down and carries the remainder into the next deposit (dust accounted)", async function () {
      const f = await loadFixture(fundedAssetFixture);
      // 2,007 units over 2,000 shares: every holder's share rounds down
      await f.token.connect(f.actors.gridOperator).deposit(f.ceurAddr, 2_007, 0, documentHash("d"));
      const [mps, carry, deposited] = await f.token.revenueLedger(f.ceurAddr);
      expect(mps).to.equal((2_007n * MAG) / 2_000n);
      expect(carry).to.equal((2_007n * MAG) % 2_000n);
      expect(deposited).to.equal(2_007);
      const owed = [
        await f.token.claimableOf(f.actors.investor1.address, f.ceurAddr),
        await f.token.claimableOf(f.actors.investor2.address, f.ceurAddr),
        await f.token.claimableOf(f.actors.investor3.address, f.ceurAddr),
      ];
      expect(owed).to.deep.equal([1_003n, 602n, 401n]); // 1,003.5, 602.1, 401.4 rounded down
      expect(owed.reduce((x, y) => x + y)).to.be.lte(2_007n);
    });
  });

  describe("agent operations", function () {
    it("forced transfer moves shares with the matching part of unclaimed revenue", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const { investor1: a, investor3: c } = f.actors;
      await f.token.connect(f.actors.gridOperator).deposit(f.ceurAddr, 2_000_00, 0, documentHash("1"));
      const tx = f.token.connect(f.actors.regulator).forcedTransfer(a.address, c.address, 250);
      await expect(tx)
        .to.emit(f.token, "ForcedTransfer")
        .withArgs(a.address, c.address, 250, f.actors.regulator.address);
      await expect(tx).to.emit(f.token, "RevenueMoved").withArgs(a.address, c.address, f.ceurAddr, 250_00);
      expect(await f.token.claimableOf(a.address, f.ceurAddr)).to.equal(750_00);
      expect(await f.token.claimableOf(c.address, f.ceurAddr)).to.equal(400_00 + 250_00);
      expect(await f.token.balanceOf(c.address)).to.equal(650);
    });

    it("forced transfer is the regulator's; it takes free shares first and, reaching listed ones, lapses every listing, never unsettled offering shares", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const { investor1: a, investor3: c } = f.actors;
      const far = 2n ** 40n;
      await f.market.connect(a).list(f.assetId, 800, f.ceurAddr, 150_00, far);
      // the interested operator alone moves nobody's shares
      await expect(f.token.connect(f.actors.assetOperator).forcedTransfer(a.address, c.address, 300))
        .to.be.revertedWithCustomError(f.token, "ShareUnauthorised")
        .withArgs(f.actors.assetOperator.address);
      // free shares only: the listing stays backed and valid
      await expect(f.token.connect(f.actors.regulator).forcedTransfer(a.address, c.address, 100)).to.not.emit(
        f.token,
        "ListingLockChanged",
      );
      expect(await f.token.listingEpochOf(a.address)).to.equal(0);
      await expect(f.token.connect(f.actors.regulator).forcedTransfer(a.address, c.address, 200))
        .to.emit(f.token, "ListingLockChanged")
        .withArgs(a.address, 0);
      expect((await f.token.locksOf(a.address))[0]).to.equal(0);
      expect(await f.token.listingEpochOf(a.address)).to.equal(1);
      await expect(f.token.connect(f.actors.regulator).forcedTransfer(a.address, c.address, 701))
        .to.be.revertedWithCustomError(f.token, "ERC20InsufficientBalance")
        .withArgs(a.address, 700, 701);
      await expect(f.token.connect(f.actors.regulator).forcedTransfer(a.address, a.address, 1))
        .to.be.revertedWithCustomError(f.token, "ShareInvalidForcedMove")
        .withArgs(a.address, a.address, 1);
      await expect(f.token.connect(f.actors.regulator).forcedTransfer(a.address, c.address, 0))
        .to.be.revertedWithCustomError(f.token, "ShareInvalidForcedMove")
        .withArgs(a.address, c.address, 0);
      await expect(f.token.connect(f.actors.regulator).forcedTransfer(hre.ethers.ZeroAddress, c.address, 1))
        .to.be.revertedWithCustomError(f.token, "ShareInvalidForcedMove")
        .withArgs(hre.ethers.ZeroAddress, c.address, 1);
      await expect(f.token.connect(f.actors.regulator).forcedTransfer(a.address, f.actors.outsider.address, 1))
        .to.be.revertedWithCustomError(f.token, "ShareNotEligible")
        .withArgs(f.actors.outsider.address);

      const g = await loadFixture(deployAssetsFixture);
      const { openOffering, buyShares } = await import("../../src/assets");
      const { termsFor } = await import("../fixtures/assets");
      const { time } = await import("@nomicfoundation/hardhat-network-helpers");
      const terms = await termsFor(g);
      const id = await openOffering(g.offering, g.actors.assetOperator, terms);
      await time.increaseTo(terms.start);
      await buyShares(hre, g.offering, g.actors.investor1, id, 100n);
      await expect(
        g.token.connect(g.actors.regulator).forcedTransfer(g.actors.investor1.address, g.actors.investor2.address, 1),
      )
        .to.be.revertedWithCustomError(g.token, "ShareInsufficientUnlocked")
        .withArgs(g.actors.investor1.address, 0, 1);
    });

    it("recovers a lost wallet: shares, offering lock and all unclaimed revenue move; listings lapse", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const { investor1: lost } = f.actors;
      const fresh = f.actors.outsider2;
      await f.consortium.connect(f.actors.kyc).admitPerson(fresh.address, ROLES.INVESTOR, documentHash("kyc:new"));
      await f.token.connect(f.actors.gridOperator).deposit(f.ceurAddr, 2_000_00, 0, documentHash("1"));
      await f.token.connect(f.actors.gridOperator).deposit(f.usdcAddr, 2_000_000000n, 0, documentHash("2"));
      await f.market.connect(lost).list(f.assetId, 100, f.ceurAddr, 150_00, 2n ** 40n);
      await f.token.connect(f.actors.regulator).setFrozen(lost.address, true);
      const tx = f.token.connect(f.actors.regulator).recoverWallet(lost.address, fresh.address);
      await expect(tx)
        .to.emit(f.token, "WalletRecovered")
        .withArgs(lost.address, fresh.address, 1_000, f.actors.regulator.address);
      await expect(tx).to.emit(f.token, "RevenueMoved").withArgs(lost.address, fresh.address, f.ceurAddr, 1_000_00);
      await expect(tx)
        .to.emit(f.token, "RevenueMoved")
        .withArgs(lost.address, fresh.address, f.usdcAddr, 1_000_000000n);
      await expect(tx).to.emit(f.token, "ListingLockChanged").withArgs(lost.address, 0);
      expect(await f.token.balanceOf(fresh.address)).to.equal(1_000);
      expect(await f.token.unlockedBalanceOf(fresh.address)).to.equal(1_000);
      expect(await f.token.claimableOf(fresh.address, f.ceurAddr)).to.equal(1_000_00);
      expect(await f.token.claimableOf(lost.address, f.ceurAddr)).to.equal(0);
      expect(await f.token.isFrozen(lost.address)).to.equal(true);
      await expect(f.market.connect(f.actors.investor2).buy(1, 1, 150_00, 2n ** 40n))
        .to.be.revertedWithCustomError(f.token, "ShareAccountFrozen")
        .withArgs(lost.address);
      await f.market.connect(lost).cancel(1); // unlocking a lapsed lock is harmless
      await f.token.connect(fresh).claim(f.ceurAddr);
      await expect(f.token.connect(f.actors.regulator).recoverWallet(lost.address, lost.address))
        .to.be.revertedWithCustomError(f.token, "ShareInvalidForcedMove")
        .withArgs(lost.address, lost.address, 0);
    });

    it("recovers a buyer's wallet during a sale so the new wallet can take the refund", async function () {
      const g = await loadFixture(deployAssetsFixture);
      const { openOffering, buyShares } = await import("../../src/assets");
      const { termsFor } = await import("../fixtures/assets");
      const { time } = await import("@nomicfoundation/hardhat-network-helpers");
      const terms = await termsFor(g);
      const id = await openOffering(g.offering, g.actors.assetOperator, terms);
      await time.increaseTo(terms.start);
      await buyShares(hre, g.offering, g.actors.investor1, id, 100n);
      await buyShares(hre, g.offering, g.actors.investor2, id, 50n);
      await g.token.connect(g.actors.regulator).recoverWallet(g.actors.investor1.address, g.actors.investor2.address);
      expect(await g.token.locksOf(g.actors.investor2.address)).to.deep.equal([0n, 150n, id, true]);
      await time.increaseTo(BigInt(terms.deadline) + 1n);
      await g.offering.finalise(id);
      await expect(g.offering.connect(g.actors.investor2).refund(id)).to.changeTokenBalance(
        g.ceur,
        g.actors.investor2,
        150n * 100_00n,
      );
    });

    it("issues shares after funding only, within the cap, to eligible investors", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const op = f.token.connect(f.actors.assetOperator);
      await f.token.connect(f.actors.gridOperator).deposit(f.ceurAddr, 2_000_00, 0, documentHash("1"));
      await expect(op.issue(f.actors.investor3.address, 2_000))
        .to.emit(f.token, "SharesIssued")
        .withArgs(f.actors.investor3.address, 2_000, f.actors.assetOperator.address);
      // revenue before the issue is not diluted
      expect(await f.token.claimableOf(f.actors.investor3.address, f.ceurAddr)).to.equal(400_00);
      await expect(op.issue(f.actors.investor3.address, 6_001))
        .to.be.revertedWithCustomError(f.token, "ShareCapExceeded")
        .withArgs(4_000, 6_001, 10_000);
      await expect(op.issue(f.actors.outsider.address, 1))
        .to.be.revertedWithCustomError(f.token, "ShareNotEligible")
        .withArgs(f.actors.outsider.address);
      await expect(f.token.connect(f.actors.regulator).issue(f.actors.investor3.address, 1))
        .to.be.revertedWithCustomError(f.token, "ShareUnauthorised")
        .withArgs(f.actors.regulator.address);
      await f.token.connect(f.actors.regulator).setFrozen(f.actors.investor3.address, true);
      await expect(op.issue(f.actors.investor3.address, 1))
        .to.be.revertedWithCustomError(f.token, "ShareAccountFrozen")
        .withArgs(f.actors.investor3.address);
      await op.pause();
      await expect(op.issue(f.actors.investor2.address, 1)).to.be.revertedWithCustomError(
        f.token,
        "ShareTransfersPaused",
      );
      const g = await loadFixture(deployAssetsFixture);
      await expect(g.token.connect(g.actors.assetOperator).issue(g.actors.investor1.address, 1))
        .to.be.revertedWithCustomError(g.token, "ShareFundingStage")
        .withArgs(false);
    });
  });

  shouldBehaveLikeRestricted(async () => {
    const f = await loadFixture(fundedAssetFixture);
    const t = f.token.connect(f.actors.outsider);
    const o = f.actors.outsider.address;
    const a = f.actors.investor1.address;
    const r = f.registry.connect(f.actors.outsider);
    const off = f.offering.connect(f.actors.outsider);
    const m = f.market.connect(f.actors.outsider);
    return [
      { name: "pause", send: () => t.pause(), contract: f.token, error: "ShareUnauthorised", args: [o] },
      { name: "unpause", send: () => t.unpause(), contract: f.token, error: "ShareUnauthorised", args: [o] },
      { name: "setFrozen", send: () => t.setFrozen(a, true), contract: f.token, error: "ShareUnauthorised", args: [o] },
      {
        name: "forcedTransfer",
        send: () => t.forcedTransfer(a, o, 1),
        contract: f.token,
        error: "ShareUnauthorised",
        args: [o],
      },
      {
        name: "recoverWallet",
        send: () => t.recoverWallet(a, o),
        contract: f.token,
        error: "ShareUnauthorised",
        args: [o],
      },
      { name: "issue", send: () => t.issue(a, 1), contract: f.token, error: "ShareUnauthorised", args: [o] },
      { name: "closeFunding", send: () => t.closeFunding(), contract: f.token, error: "ShareUnauthorised", args: [o] },
      {
        name: "addPaymentToken",
        send: () => t.addPaymentToken(o),
        contract: f.token,
        error: "ShareUnauthorised",
        args: [o],
      },
      {
        name: "mintOffered",
        send: () => t.mintOffered(o, 1, 1),
        contract: f.token,
        error: "ShareUnauthorised",
        args: [o],
      },
      {
        name: "burnOffered",
        send: () => t.burnOffered(a, 1),
        contract: f.token,
        error: "ShareUnauthorised",
        args: [o],
      },
      {
        name: "releaseOffering",
        send: () => t.releaseOffering(1),
        contract: f.token,
        error: "ShareUnauthorised",
        args: [o],
      },
      {
        name: "lockListing",
        send: () => t.lockListing(a, 1),
        contract: f.token,
        error: "ShareUnauthorised",
        args: [o],
      },
      {
        name: "unlockListing",
        send: () => t.unlockListing(a, 1, 0),
        contract: f.token,
        error: "ShareUnauthorised",
        args: [o],
      },
      {
        name: "fillListing",
        send: () => t.fillListing(a, o, 1, 0),
        contract: f.token,
        error: "ShareUnauthorised",
        args: [o],
      },
      {
        name: "deposit",
        send: () => t.deposit(f.ceurAddr, 1, 0, documentHash("x")),
        contract: f.token,
        error: "RevenueNotDepositor",
        args: [o],
      },
      {
        name: "register",
        send: () =>
          r.register({
            kind: 0,
            metadataHash: documentHash("x"),
            name: "X",
            symbol: "X",
            cap: 1,
            paymentTokens: [f.ceurAddr],
            devices: [],
            gridOperatorOrg: 0,
          }),
        contract: f.registry,
        error: "AccessMissingRole",
        args: [o, ROLES.ASSET_OPERATOR],
      },
      {
        name: "setStatus",
        send: () => r.setStatus(f.assetId, 3),
        contract: f.registry,
        error: "AssetNotOperator",
        args: [f.assetId, o],
      },
      {
        name: "setMetadata",
        send: () => r.setMetadata(f.assetId, documentHash("x")),
        contract: f.registry,
        error: "AssetNotOperator",
        args: [f.assetId, o],
      },
      {
        name: "setDevices",
        send: () => r.setDevices(f.assetId, []),
        contract: f.registry,
        error: "AssetNotOperator",
        args: [f.assetId, o],
      },
      {
        name: "addPaymentToken (registry)",
        send: () => r.addPaymentToken(f.assetId, o),
        contract: f.registry,
        error: "AssetNotOperator",
        args: [f.assetId, o],
      },
      {
        name: "fundingSucceeded",
        send: () => r.fundingSucceeded(f.assetId),
        contract: f.registry,
        error: "AssetNotOffering",
        args: [o],
      },
      {
        name: "initialise",
        send: () => r.initialise(o, a, o),
        contract: f.registry,
        error: "AssetSystemNotReady",
        args: [o],
      },
      {
        name: "open",
        send: async () =>
          off.open({
            assetId: f.assetId,
            paymentToken: f.ceurAddr,
            price: 1,
            softCap: 1,
            hardCap: 1,
            start: 2n ** 40n,
            deadline: 2n ** 41n,
            minPerInvestor: 1,
            maxPerInvestor: 1,
            beneficiaryOrg: 0,
            cosignerOrg: 0,
            milestoneBps: [],
          }),
        contract: f.offering,
        error: "OfferingNotInitiator",
        args: [0, o],
      },
      {
        name: "approveMilestone",
        send: () => off.approveMilestone(f.offeringId, 0),
        contract: f.offering,
        error: "OfferingInvalidMilestone",
        args: [f.offeringId, 0],
      },
      {
        name: "withdraw (offering)",
        send: () => off.withdraw(f.offeringId),
        contract: f.offering,
        error: "OfferingNotParty",
        args: [f.offeringId, o],
      },
      {
        name: "list",
        send: () => m.list(f.assetId, 1, f.ceurAddr, 1, 2n ** 40n),
        contract: f.market,
        error: "AccessMissingRole",
        args: [o, ROLES.INVESTOR],
      },
      {
        name: "setFee",
        send: () => m.setFee(f.assetId, 1),
        contract: f.registry,
        error: "AssetNotOperator",
        args: [f.assetId, o],
      },
      {
        name: "withdrawFees",
        send: () => m.withdrawFees(f.ceurAddr),
        contract: f.market,
        error: "AccessMissingRole",
        args: [o, ROLES.ASSET_OPERATOR],
      },
    ];
  });
});
