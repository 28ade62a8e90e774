import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BlocklistPaymentToken } from "../../typechain-types";
import { PRICE, deployAssetsFixture, fundedAssetFixture, termsFor } from "../fixtures/assets";
import { buyShares, openOffering, registerAsset } from "../../src/assets";
import { documentHash, proposeRoles, proposeStatus, voteUntilClosed } from "../../src/consortium";
import type { RoleName } from "../../src/roles";
import { ROLES } from "../../src/roles";

/**
 * Issue 16, an attacker's review of the asset contracts: each finding replayed as it was exploited, now refused
 * with its exact error, plus the liveness of a succeeded raise and the "also fix" decisions.
 */

const FAR = 2n ** 40n;
const PARTY = { Initiator: 0, Beneficiary: 1, Cosigner: 2 };
type Fixture = Awaited<ReturnType<typeof deployAssetsFixture>>;

/** Every organisation but `except` votes until the proposal closes. */
async function voteAll(f: Fixture, proposalId: bigint, except: HardhatEthersSigner[] = []) {
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
  const active: HardhatEthersSigner[] = [];
  for (const v of voters) {
    if ((await f.consortium.member(await f.consortium.memberOf(v.address))).status === 1n) active.push(v);
  }
  await voteUntilClosed(f.consortium, proposalId, active);
}

async function removeOrg(f: Fixture, orgId: number, account: HardhatEthersSigner) {
  await voteAll(f, await proposeStatus(f.consortium, f.actors.regulator, orgId, "Remove"), [account]);
}

async function setRoles(f: Fixture, orgId: number, roles: RoleName[]) {
  await voteAll(f, await proposeRoles(f.consortium, f.actors.regulator, orgId, roles));
}

async function admitInvestor(f: Fixture, who: HardhatEthersSigner) {
  await f.consortium.connect(f.actors.kyc).admitPerson(who.address, ROLES.INVESTOR, documentHash(`kyc:${who.address}`));
}

/** A failed sale: investor1 bought 300 shares, investor2 200, soft cap 1,000. */
async function failedSaleFixture() {
  const f = await deployAssetsFixture();
  const terms = await termsFor(f);
  const id = await openOffering(f.offering, f.actors.assetOperator, terms);
  await time.increaseTo(terms.start);
  await buyShares(hre, f.offering, f.actors.investor1, id, 300n);
  await buyShares(hre, f.offering, f.actors.investor2, id, 200n);
  await time.increaseTo(terms.deadline + 1n);
  await f.offering.finalise(id);
  return { ...f, id };
}

/**
 * A succeeded sale paid to the carrier in two milestones (40 % / 60 %) co-signed by the device manager; the first
 * milestone is approved and withdrawn, 60 % (600,000.00 cEUR of 1,000 shares) stays in escrow.
 */
async function succeededSaleFixture() {
  const f = await deployAssetsFixture();
  const terms = await termsFor(f, {
    beneficiaryOrg: f.orgIds.carrier,
    cosignerOrg: f.orgIds.deviceManager,
    milestoneBps: [4_000, 6_000],
  });
  const id = await openOffering(f.offering, f.actors.assetOperator, terms);
  await time.increaseTo(terms.start);
  await buyShares(hre, f.offering, f.actors.investor1, id, 1_000n);
  await time.increaseTo(terms.deadline + 1n);
  await f.offering.finalise(id);
  await f.offering.connect(f.actors.assetOperator).approveMilestone(id, 0);
  await f.offering.connect(f.actors.deviceManager).approveMilestone(id, 0);
  await f.offering.connect(f.actors.carrier).withdraw(id);
  const escrow = (1_000n * PRICE * 6_000n) / 10_000n;
  return { ...f, id, escrow, ceurAddr: await f.ceur.getAddress() };
}

describe("assets: the review's findings, replayed (issue 16)", function () {
  describe("1. a frozen wallet never collects a failed-sale refund", function () {
    it("refuses refundFor and refund for a frozen buyer; the recovery carries the refund to the new wallet", async function () {
      const f = await loadFixture(failedSaleFixture);
      const { investor1: frozen, outsider2: fresh, outsider } = f.actors;
      await f.token.connect(f.actors.assetOperator).setFrozen(frozen.address, true);
      // the attack: anyone pushed the refund to the frozen (compromised) wallet
      await expect(f.offering.connect(outsider).refundFor(f.id, frozen.address))
        .to.be.revertedWithCustomError(f.token, "ShareAccountFrozen")
        .withArgs(frozen.address);
      await expect(f.offering.connect(frozen).refund(f.id))
        .to.be.revertedWithCustomError(f.token, "ShareAccountFrozen")
        .withArgs(frozen.address);
      await admitInvestor(f, fresh);
      await f.token.connect(f.actors.regulator).recoverWallet(frozen.address, fresh.address);
      await expect(f.offering.connect(fresh).refund(f.id)).to.changeTokenBalances(
        f.ceur,
        [fresh, frozen, f.offering],
        [300n * PRICE, 0, -300n * PRICE],
      );
    });

    it("a refund booked before the freeze waits: only a regulator carries it to the investor's new wallet", async function () {
      const f = await loadFixture(failedSaleFixture);
      const { investor2: buyer, outsider2: fresh } = f.actors;
      await f.offering.connect(f.actors.outsider).refundFor(f.id, buyer.address);
      await f.token.connect(f.actors.assetOperator).setFrozen(buyer.address, true);
      await expect(f.offering.connect(buyer).refund(f.id))
        .to.be.revertedWithCustomError(f.offering, "OfferingAccountFrozen")
        .withArgs(f.id, buyer.address);
      await admitInvestor(f, fresh);
      await expect(f.offering.connect(f.actors.assetOperator).recoverRefund(f.id, buyer.address, fresh.address))
        .to.be.revertedWithCustomError(f.offering, "OfferingNotRegulator")
        .withArgs(f.actors.assetOperator.address);
      await expect(f.offering.connect(f.actors.regulator).recoverRefund(f.id, buyer.address, f.actors.outsider.address))
        .to.be.revertedWithCustomError(f.offering, "OfferingInvalidRecovery")
        .withArgs(f.id, buyer.address, f.actors.outsider.address);
      await expect(f.offering.connect(f.actors.regulator).recoverRefund(f.id, buyer.address, fresh.address))
        .to.emit(f.offering, "OfferingRefundRecovered")
        .withArgs(f.id, buyer.address, fresh.address, 200n * PRICE, f.actors.regulator.address);
      expect(await f.offering.refundOwed(f.id, buyer.address)).to.equal(0);
      await expect(f.offering.connect(fresh).refund(f.id)).to.changeTokenBalances(f.ceur, [fresh], [200n * PRICE]);
    });

    it("refunds are pull payments: a buyer blocked by a blocklisting stablecoin cannot hold the asset in Funding", async function () {
      const f = await loadFixture(deployAssetsFixture);
      const beur = (await hre.ethers.deployContract("BlocklistPaymentToken")) as unknown as BlocklistPaymentToken;
      const beurAddr = await beur.getAddress();
      const second = await registerAsset(hre, f.registry, f.actors.assetOperator, {
        kind: "AdScreen",
        documents: "mall screens",
        name: "Mall Screens",
        symbol: "MSCR",
        cap: 1_000n,
        paymentTokens: [beurAddr],
      });
      const terms = await termsFor(f, {
        assetId: second.assetId,
        paymentToken: beurAddr,
        softCap: 500n,
        hardCap: 900n,
      });
      const id = await openOffering(f.offering, f.actors.assetOperator, terms);
      await time.increaseTo(terms.start);
      for (const who of [f.actors.investor1, f.actors.investor2]) {
        await beur.mint(who.address, 100n * PRICE);
        await beur.connect(who).approve(await f.offering.getAddress(), hre.ethers.MaxUint256);
        await f.offering.connect(who).buy(id, 100, PRICE, FAR);
      }
      await time.increaseTo(terms.deadline + 1n);
      await f.offering.finalise(id);
      await beur.setBlocked(f.actors.investor1.address, true);
      // booking moves no money, so the blocked buyer cannot stop it
      await f.offering.refundFor(id, f.actors.investor1.address);
      await f.offering.refundFor(id, f.actors.investor2.address);
      expect(await f.offering.unrefundedShares(second.assetId)).to.equal(0);
      await f.registry.connect(f.actors.assetOperator).setStatus(second.assetId, 2); // the asset leaves Funding
      await expect(f.offering.connect(f.actors.investor1).refund(id))
        .to.be.revertedWithCustomError(beur, "Blocklisted")
        .withArgs(f.actors.investor1.address);
      expect(await f.offering.refundOwed(id, f.actors.investor1.address)).to.equal(100n * PRICE);
      await f.offering.connect(f.actors.investor2).refund(id);
      await beur.setBlocked(f.actors.investor1.address, false);
      await expect(f.offering.connect(f.actors.investor1).refund(id)).to.changeTokenBalances(
        beur,
        [f.actors.investor1],
        [100n * PRICE],
      );
    });
  });

  describe("2. a listing is bound to its own lock", function () {
    it("a listing lapsed by a forced transfer is never filled at its old price nor releases a newer listing's lock", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const { investor1: seller, investor2, investor3: attacker } = f.actors;
      const soon = BigInt(await time.latest()) + 86_400n;
      await f.market.connect(seller).list(f.assetId, 100, f.ceurAddr, 50n, soon); // listing 1: 0.50 cEUR a share
      await f.token.connect(f.actors.regulator).forcedTransfer(seller.address, attacker.address, 1_000);
      await f.token.connect(investor2).transfer(seller.address, 600);
      await f.market.connect(seller).list(f.assetId, 500, f.ceurAddr, 1_000_00n, FAR); // listing 2: 1,000 cEUR
      await f.ceur.connect(attacker).approve(await f.market.getAddress(), hre.ethers.MaxUint256);
      // the attack: fill the stale cheap listing from the lock of the newer one
      await expect(f.market.connect(attacker).buy(1, 100, 50n, FAR))
        .to.be.revertedWithCustomError(f.token, "ShareListingLapsed")
        .withArgs(seller.address, 0, 1);
      // the attack: cancel the expired stale listing to release the live listing's lock
      await time.increaseTo(soon + 1n);
      const cancel = f.market.connect(attacker).cancel(1);
      await expect(cancel).to.emit(f.market, "ListingCancelled").withArgs(1, 100, attacker.address);
      await expect(cancel).to.not.emit(f.token, "ListingLockChanged");
      expect((await f.token.locksOf(seller.address))[0]).to.equal(500);
      // the live listing fills at its own price
      await expect(f.market.connect(attacker).buy(2, 500, 1_000_00n, FAR)).to.changeTokenBalances(
        f.ceur,
        [seller],
        [500n * 1_000_00n],
      );
    });

    it("a recovery lapses every listing of the lost wallet", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const { investor2: lost, outsider2: fresh } = f.actors;
      await f.market.connect(lost).list(f.assetId, 600, f.ceurAddr, 100n, FAR);
      await admitInvestor(f, fresh);
      await expect(f.token.connect(f.actors.regulator).recoverWallet(lost.address, fresh.address))
        .to.emit(f.token, "ListingLockChanged")
        .withArgs(lost.address, 0);
      await f.ceur.connect(f.actors.investor3).approve(await f.market.getAddress(), hre.ethers.MaxUint256);
      await expect(f.market.connect(f.actors.investor3).buy(1, 1, 100n, FAR))
        .to.be.revertedWithCustomError(f.token, "ShareListingLapsed")
        .withArgs(lost.address, 0, 1);
      await expect(f.market.connect(lost).cancel(1)).to.not.emit(f.token, "ListingLockChanged");
      expect(await f.token.unlockedBalanceOf(fresh.address)).to.equal(600);
    });
  });

  describe("3. a succeeded raise can always reach someone entitled (liveness)", function () {
    type Gone = "none" | "beneficiary" | "cosigner" | "initiator" | "all";
    const states: Gone[] = ["none", "beneficiary", "cosigner", "initiator", "all"];

    async function reach(state: Gone) {
      const f = await loadFixture(succeededSaleFixture);
      const { actors, orgIds } = f;
      if (state === "beneficiary" || state === "all") await removeOrg(f, orgIds.carrier, actors.carrier);
      if (state === "cosigner" || state === "all") await removeOrg(f, orgIds.deviceManager, actors.deviceManager);
      if (state === "initiator" || state === "all") await setRoles(f, orgIds.assetOperator, ["DEVICE_MANAGER"]);
      return f;
    }

    for (const state of states) {
      it(`${state} gone: a regulator replaces the missing parties and the rest of the raise is paid out`, async function () {
        const f = await reach(state);
        const { actors, orgIds } = f;
        let beneficiary = actors.carrier;
        let cosigner = actors.deviceManager;
        let initiator = actors.assetOperator;
        if (state === "beneficiary" || state === "all") {
          await expect(f.offering.connect(actors.regulator).replaceParty(f.id, PARTY.Beneficiary, orgIds.hospital))
            .to.emit(f.offering, "OfferingPartyReplaced")
            .withArgs(f.id, PARTY.Beneficiary, orgIds.carrier, orgIds.hospital, actors.regulator.address);
          beneficiary = actors.hospital;
        }
        if (state === "cosigner" || state === "all") {
          await f.offering.connect(actors.regulator).replaceParty(f.id, PARTY.Cosigner, orgIds.insurer);
          cosigner = actors.insurer;
        }
        if (state === "initiator" || state === "all") {
          await f.offering.connect(actors.regulator).replaceParty(f.id, PARTY.Initiator, orgIds.regulator);
          initiator = actors.regulator;
        }
        await f.offering.connect(initiator).approveMilestone(f.id, 1);
        await f.offering.connect(cosigner).approveMilestone(f.id, 1);
        await expect(f.offering.connect(beneficiary).withdraw(f.id)).to.changeTokenBalances(
          f.ceur,
          [beneficiary, f.offering],
          [f.escrow, -f.escrow],
        );
        expect((await f.offering.unreleasedEscrow(f.assetId))[1]).to.equal(0);
      });

      it(`${state} gone: after the timeout the unreleased escrow becomes the holders' revenue`, async function () {
        const f = await reach(state);
        const o = await f.offering.offering(f.id);
        const due = o.finalisedAt + (await f.offering.ESCROW_TIMEOUT());
        await expect(f.offering.sweepToHolders(f.id))
          .to.be.revertedWithCustomError(f.offering, "OfferingEscrowNotDue")
          .withArgs(f.id, due);
        await time.increaseTo(due);
        const tx = f.offering.connect(f.actors.outsider).sweepToHolders(f.id);
        await expect(tx).to.emit(f.offering, "OfferingEscrowSwept").withArgs(f.id, f.escrow);
        await expect(tx).to.changeTokenBalances(f.ceur, [f.offering, f.token], [-f.escrow, f.escrow]);
        // investor1 holds every share: all of it is theirs to claim
        await expect(f.token.connect(f.actors.investor1).claim(f.ceurAddr)).to.changeTokenBalances(
          f.ceur,
          [f.actors.investor1],
          [f.escrow],
        );
        await expect(f.offering.sweepToHolders(f.id))
          .to.be.revertedWithCustomError(f.offering, "OfferingNothingToWithdraw")
          .withArgs(f.id);
      });
    }

    it("replaces only a party that is gone, by an active organisation that keeps the two parties apart", async function () {
      const f = await loadFixture(succeededSaleFixture);
      const { actors, orgIds } = f;
      await expect(f.offering.connect(actors.hospital).replaceParty(f.id, PARTY.Beneficiary, orgIds.hospital))
        .to.be.revertedWithCustomError(f.offering, "OfferingNotRegulator")
        .withArgs(actors.hospital.address);
      await expect(f.offering.connect(actors.regulator).replaceParty(f.id, PARTY.Beneficiary, orgIds.hospital))
        .to.be.revertedWithCustomError(f.offering, "OfferingPartyInPlace")
        .withArgs(f.id, PARTY.Beneficiary, orgIds.carrier);
      await expect(f.offering.connect(actors.regulator).replaceParty(f.id, PARTY.Initiator, orgIds.regulator))
        .to.be.revertedWithCustomError(f.offering, "OfferingPartyInPlace")
        .withArgs(f.id, PARTY.Initiator, orgIds.assetOperator);
      await removeOrg(f, orgIds.carrier, actors.carrier);
      for (const bad of [orgIds.deviceManager, orgIds.investor1, orgIds.carrier]) {
        await expect(f.offering.connect(actors.regulator).replaceParty(f.id, PARTY.Beneficiary, bad))
          .to.be.revertedWithCustomError(f.offering, "OfferingInvalidParty")
          .withArgs(f.id, PARTY.Beneficiary, bad);
      }
    });

    it("market fees of an operator that lost its role are reassigned by a regulator, never lost", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const { actors, orgIds } = f;
      await f.market.connect(actors.assetOperator).setFee(f.assetId, 100);
      await time.increase(await f.market.FEE_NOTICE());
      await f.market.connect(actors.investor1).list(f.assetId, 100, f.ceurAddr, 100_00n, FAR);
      await f.ceur.connect(actors.investor2).approve(await f.market.getAddress(), hre.ethers.MaxUint256);
      await f.market.connect(actors.investor2).buy(1, 100, 100_00n, FAR);
      const fees = await f.market.feesOf(orgIds.assetOperator, f.ceurAddr);
      expect(fees).to.equal(100_00n);
      await expect(
        f.market.connect(actors.regulator).reassignFees(orgIds.assetOperator, f.ceurAddr, orgIds.gridOperator),
      )
        .to.be.revertedWithCustomError(f.market, "MarketFeeRecipientInPlace")
        .withArgs(orgIds.assetOperator);
      await setRoles(f, orgIds.gridOperator, ["GRID_OPERATOR", "ASSET_OPERATOR"]);
      await setRoles(f, orgIds.assetOperator, ["DEVICE_MANAGER"]);
      await expect(f.market.connect(actors.assetOperator).withdrawFees(f.ceurAddr)).to.be.revertedWithCustomError(
        f.market,
        "AccessMissingRole",
      );
      await expect(
        f.market.connect(actors.gridOperator).reassignFees(orgIds.assetOperator, f.ceurAddr, orgIds.gridOperator),
      )
        .to.be.revertedWithCustomError(f.market, "MarketNotRegulator")
        .withArgs(actors.gridOperator.address);
      await expect(f.market.connect(actors.regulator).reassignFees(orgIds.assetOperator, f.ceurAddr, orgIds.carrier))
        .to.be.revertedWithCustomError(f.market, "MarketInvalidFeeRecipient")
        .withArgs(orgIds.carrier);
      await expect(
        f.market.connect(actors.regulator).reassignFees(orgIds.assetOperator, f.ceurAddr, orgIds.gridOperator),
      )
        .to.emit(f.market, "MarketFeesReassigned")
        .withArgs(orgIds.assetOperator, orgIds.gridOperator, f.ceurAddr, fees, actors.regulator.address);
      await expect(f.market.connect(actors.gridOperator).withdrawFees(f.ceurAddr)).to.changeTokenBalances(
        f.ceur,
        [actors.gridOperator],
        [fees],
      );
    });

    it("a payment token holding a succeeded sale's escrow cannot be retired", async function () {
      const f = await loadFixture(succeededSaleFixture);
      await expect(f.registry.connect(f.actors.assetOperator).retirePaymentToken(f.assetId, f.ceurAddr))
        .to.be.revertedWithCustomError(f.registry, "AssetEscrowInToken")
        .withArgs(f.assetId, f.ceurAddr, f.escrow);
    });
  });

  describe("4. the co-signer is a second, independent organisation", function () {
    it("refuses the beneficiary itself or a natural person as co-signer (or beneficiary)", async function () {
      const f = await loadFixture(deployAssetsFixture);
      const { orgIds } = f;
      for (const [beneficiaryOrg, cosignerOrg] of [
        [orgIds.carrier, orgIds.carrier],
        [orgIds.carrier, orgIds.investor1],
        [orgIds.investor1, orgIds.regulator],
      ]) {
        const terms = await termsFor(f, { beneficiaryOrg, cosignerOrg, milestoneBps: [10_000] });
        await expect(openOffering(f.offering, f.actors.assetOperator, terms))
          .to.be.revertedWithCustomError(f.offering, "OfferingInvalidTerms")
          .withArgs(f.assetId, "parties");
      }
    });

    it("OfferingOpened carries the beneficiary, co-signer, milestones and investor limits", async function () {
      const f = await loadFixture(deployAssetsFixture);
      const t = await termsFor(f);
      const struct = {
        assetId: f.assetId,
        paymentToken: await f.ceur.getAddress(),
        price: PRICE,
        softCap: t.softCap,
        hardCap: t.hardCap,
        start: t.start,
        deadline: t.deadline,
        minPerInvestor: 10n,
        maxPerInvestor: 3_000n,
        beneficiaryOrg: f.orgIds.carrier,
        cosignerOrg: f.orgIds.regulator,
        milestoneBps: [3_000, 7_000],
      };
      await expect(f.offering.connect(f.actors.assetOperator).open(struct))
        .to.emit(f.offering, "OfferingOpened")
        .withArgs(1, f.assetId, f.orgIds.assetOperator, f.orgIds.carrier, Object.values(struct));
    });
  });

  describe("5 and 6. every fill pays at least its rounded-up fee and reports the lock it changed", function () {
    it("a one-share fill at a 0.01 % fee pays 1 unit, and the fill emits ListingLockChanged", async function () {
      const f = await loadFixture(fundedAssetFixture);
      await f.market.connect(f.actors.assetOperator).setFee(f.assetId, 1);
      await time.increase(await f.market.FEE_NOTICE());
      await f.market.connect(f.actors.investor1).list(f.assetId, 10, f.ceurAddr, 100n, FAR);
      await f.ceur.connect(f.actors.investor2).approve(await f.market.getAddress(), hre.ethers.MaxUint256);
      const tx = f.market.connect(f.actors.investor2).buy(1, 1, 100n, FAR);
      // ceil(100 × 1 / 10,000) = 1 (it rounded down to 0 before)
      await expect(tx)
        .to.emit(f.market, "ListingFilled")
        .withArgs(1, f.actors.investor2.address, f.actors.investor1.address, 1, 100, 1);
      await expect(tx).to.emit(f.token, "ListingLockChanged").withArgs(f.actors.investor1.address, 9);
      expect(await f.market.feesOf(f.orgIds.assetOperator, f.ceurAddr)).to.equal(1);
    });

    it("a seller's listing keeps the fee in force when it was made; an increase waits for its notice", async function () {
      const f = await loadFixture(fundedAssetFixture);
      // raised just before the listing: not yet in force, the listing records 0
      await f.market.connect(f.actors.assetOperator).setFee(f.assetId, 500);
      await f.market.connect(f.actors.investor1).list(f.assetId, 10, f.ceurAddr, 100_00n, FAR);
      expect((await f.market.listing(1)).feeBps).to.equal(0);
      await time.increase(await f.market.FEE_NOTICE());
      await f.ceur.connect(f.actors.investor2).approve(await f.market.getAddress(), hre.ethers.MaxUint256);
      await expect(f.market.connect(f.actors.investor2).buy(1, 10, 100_00n, FAR)).to.changeTokenBalances(
        f.ceur,
        [f.actors.investor1],
        [10n * 100_00n],
      );
      // a decrease applies at once
      await f.market.connect(f.actors.assetOperator).setFee(f.assetId, 100);
      expect(await f.market.feeBps(f.assetId)).to.equal(100);
    });
  });

  describe("7. only the asset's own payers switch on payment tokens, and unused ones can be retired", function () {
    it("refuses a grid operator the asset did not name, and deposits below one unit per share", async function () {
      const f = await loadFixture(fundedAssetFixture);
      await f.registry.connect(f.actors.assetOperator).setGridOperator(f.assetId, 0);
      await expect(f.token.connect(f.actors.gridOperator).deposit(f.usdcAddr, 2_000, 0, documentHash("grief")))
        .to.be.revertedWithCustomError(f.token, "RevenueNotDepositor")
        .withArgs(f.actors.gridOperator.address);
      await expect(f.token.connect(f.actors.assetOperator).deposit(f.usdcAddr, 1, 0, documentHash("grief")))
        .to.be.revertedWithCustomError(f.token, "RevenueDepositTooSmall")
        .withArgs(1, 2_000);
      await expect(f.registry.connect(f.actors.assetOperator).setGridOperator(f.assetId, f.orgIds.carrier))
        .to.be.revertedWithCustomError(f.registry, "AssetInvalidGridOperator")
        .withArgs(f.assetId, f.orgIds.carrier);
      await expect(f.registry.connect(f.actors.assetOperator).setGridOperator(f.assetId, f.orgIds.gridOperator))
        .to.emit(f.registry, "AssetGridOperatorChanged")
        .withArgs(f.assetId, 0, f.orgIds.gridOperator);
      expect(await f.token.gridOperatorOrg()).to.equal(f.orgIds.gridOperator);
    });

    it("the operator retires a payment token that holds no revenue; it is never claimed in nor accepted again", async function () {
      const f = await loadFixture(fundedAssetFixture);
      await f.offering.connect(f.actors.assetOperator).withdraw(f.offeringId); // no escrow left in cEUR
      await f.token.connect(f.actors.gridOperator).deposit(f.ceurAddr, 2_000_00, 0, documentHash("1"));
      await expect(f.registry.connect(f.actors.assetOperator).retirePaymentToken(f.assetId, f.ceurAddr))
        .to.be.revertedWithCustomError(f.token, "RevenuePaymentTokenInUse")
        .withArgs(f.ceurAddr, 2_000_00);
      await expect(f.registry.connect(f.actors.assetOperator).retirePaymentToken(f.assetId, f.usdcAddr))
        .to.emit(f.registry, "AssetPaymentTokenRetired")
        .withArgs(f.assetId, f.usdcAddr)
        .and.to.emit(f.token, "PaymentTokenRetired")
        .withArgs(f.usdcAddr);
      expect(await f.token.paymentTokens()).to.deep.equal([f.ceurAddr]);
      expect(await f.token.acceptsPaymentToken(f.usdcAddr)).to.equal(false);
      await expect(f.token.connect(f.actors.gridOperator).deposit(f.usdcAddr, 2_000, 0, documentHash("2")))
        .to.be.revertedWithCustomError(f.token, "RevenueTokenNotAccepted")
        .withArgs(f.usdcAddr);
      await expect(f.token.connect(f.actors.investor1).claim(f.usdcAddr))
        .to.be.revertedWithCustomError(f.token, "RevenueTokenNotAccepted")
        .withArgs(f.usdcAddr);
      expect(await f.token.claimableOf(f.actors.investor1.address, f.usdcAddr)).to.equal(0);
      await expect(f.registry.connect(f.actors.assetOperator).addPaymentToken(f.assetId, f.usdcAddr))
        .to.be.revertedWithCustomError(f.token, "RevenueInvalidPaymentToken")
        .withArgs(f.usdcAddr);
      // the last accepted token stays
      await expect(f.registry.connect(f.actors.assetOperator).retirePaymentToken(f.assetId, f.ceurAddr))
        .to.be.revertedWithCustomError(f.token, "RevenueInvalidPaymentToken")
        .withArgs(f.ceurAddr);
    });
  });

  describe("also fixed: what an investor of a regulated product expects", function () {
    it("a frozen account cannot spend an allowance another holder gave it", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const { investor1: owner, investor2: spender, investor3 } = f.actors;
      await f.token.connect(owner).approve(spender.address, 100);
      await f.token.connect(f.actors.assetOperator).setFrozen(spender.address, true);
      await expect(f.token.connect(spender).transferFrom(owner.address, investor3.address, 100))
        .to.be.revertedWithCustomError(f.token, "ShareAccountFrozen")
        .withArgs(spender.address);
    });

    it("a sale and a listing are priced only in a token the asset accepts", async function () {
      const f = await loadFixture(fundedAssetFixture);
      const other = hre.ethers.Wallet.createRandom().address;
      await expect(f.market.connect(f.actors.investor1).list(f.assetId, 1, other, 1n, FAR))
        .to.be.revertedWithCustomError(f.market, "MarketInvalidListing")
        .withArgs("payment token");
      const g = await loadFixture(deployAssetsFixture);
      const terms = await termsFor(g, { paymentToken: other });
      await expect(openOffering(g.offering, g.actors.assetOperator, terms))
        .to.be.revertedWithCustomError(g.offering, "OfferingInvalidTerms")
        .withArgs(g.assetId, "payment token");
    });
  });
});
