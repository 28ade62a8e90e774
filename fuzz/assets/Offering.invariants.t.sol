// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AssetOffering} from "../../contracts/assets/AssetOffering.sol";
import {AssetShareToken} from "../../contracts/assets/AssetShareToken.sol";
import {IAssetOffering} from "../../contracts/interfaces/IAssetOffering.sol";
import {SettlementToken} from "../../contracts/payments/SettlementToken.sol";
import {HandlerBase} from "../base/FuzzBase.sol";
import {AssetsFuzz} from "./AssetsFuzz.sol";

/**
 * @title OfferingHandler
 * @notice Drives the offering escrow of one asset: the operator opens sales (some paid in two milestones to the
 * carrier, cosigned by the regulator), edits their price or cancels them before start; investors buy; time passes;
 * anyone finalises; buyers refund themselves or are refunded by others; the parties approve milestones and the
 * beneficiary withdraws. Ghosts: money paid in, refunded and released, and shares bought and refunded.
 */
contract OfferingHandler is HandlerBase {
    AssetOffering public immutable offering;
    AssetShareToken public immutable token;
    SettlementToken public immutable ceur;
    address private immutable _operator;
    address private immutable _cosigner;
    address private immutable _beneficiary;
    uint32 private immutable _cosignerOrg;
    uint32 private immutable _beneficiaryOrg;
    uint256 private immutable _assetId;
    address[] private _buyers;
    address[] private _anyone;

    uint256 public paidIn;
    uint256 public refundedOut;
    uint256 public releasedOut;
    uint256 public sharesBought;
    uint256 public sharesRefunded;
    /// @dev buyer => offering => shares bought (ghost), and buyer => shares they should hold now.
    mapping(address buyer => mapping(uint256 offeringId => uint256)) public boughtIn;
    mapping(address buyer => uint256) public holding;
    /// @dev buyer => offering => refunded (ghost).
    mapping(address buyer => mapping(uint256 offeringId => bool)) public refundedIn;

    constructor(
        AssetOffering offering_,
        AssetShareToken token_,
        SettlementToken ceur_,
        uint256 assetId_,
        address[4] memory parties, // operator, cosigner, beneficiary, anyone-else
        uint32[2] memory orgs, // cosigner org, beneficiary org
        address[] memory buyers_
    ) {
        offering = offering_;
        token = token_;
        ceur = ceur_;
        _assetId = assetId_;
        _operator = parties[0];
        _cosigner = parties[1];
        _beneficiary = parties[2];
        _cosignerOrg = orgs[0];
        _beneficiaryOrg = orgs[1];
        _buyers = buyers_;
        for (uint256 i = 0; i < buyers_.length; ++i) {
            _anyone.push(buyers_[i]);
            vm.prank(buyers_[i]);
            ceur_.approve(address(offering_), type(uint256).max);
        }
        _anyone.push(parties[3]);
    }

    function buyers() external view returns (address[] memory) {
        return _buyers;
    }

    function open(uint256 softCap, uint256 hardCap, uint256 delay, uint256 duration, bool milestones) external {
        hardCap = _bound(hardCap, 10, 3_000);
        softCap = _bound(softCap, 1, hardCap);
        uint16[] memory bps = new uint16[](milestones ? 2 : 0);
        if (milestones) (bps[0], bps[1]) = (4_000, 6_000);
        IAssetOffering.Terms memory t = IAssetOffering.Terms({
            assetId: _assetId,
            paymentToken: address(ceur),
            price: uint128(_bound(duration, 1, 1_000_00)),
            softCap: uint64(softCap),
            hardCap: uint64(hardCap),
            start: uint64(block.timestamp + _bound(delay, 0, 1 days)),
            deadline: uint64(block.timestamp + 1 days + _bound(duration, 1 hours, 10 days)),
            minPerInvestor: 1,
            maxPerInvestor: uint64(hardCap),
            beneficiaryOrg: milestones ? _beneficiaryOrg : 0,
            cosignerOrg: milestones ? _cosignerOrg : 0,
            milestoneBps: bps
        });
        vm.prank(_operator);
        try offering.open(t) {
            _accepted("open");
        } catch {}
    }

    function setPrice(uint256 price) external {
        uint256 id = offering.offeringCount();
        price = _bound(price, 1, 1_000_00);
        vm.prank(_operator);
        try offering.setPrice(id, uint128(price)) {
            _accepted("setPrice");
        } catch {}
    }

    function cancel() external {
        uint256 id = offering.offeringCount();
        vm.prank(_operator);
        try offering.cancel(id) {
            _accepted("cancel");
        } catch {}
    }

    function buy(uint256 buyerSeed, uint256 shares) external {
        uint256 id = offering.offeringCount();
        if (id == 0) return;
        address buyer = _pick(_buyers, buyerSeed);
        shares = _bound(shares, 1, 1_500);
        uint256 price = offering.offering(id).price;
        uint256 before = ceur.balanceOf(buyer);
        vm.prank(buyer);
        try offering.buy(id, shares, price, block.timestamp) {
            paidIn += before - ceur.balanceOf(buyer);
            sharesBought += shares;
            boughtIn[buyer][id] += shares;
            holding[buyer] += shares;
            _accepted("buy");
        } catch {}
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 1, 3 days));
    }

    function finalise(uint256 idSeed) external {
        uint256 n = offering.offeringCount();
        if (n == 0) return;
        uint256 id = _bound(idSeed, 1, n);
        address caller = _pick(_anyone, idSeed >> 8);
        vm.prank(caller);
        try offering.finalise(id) {
            _accepted("finalise");
        } catch {}
    }

    function refund(uint256 idSeed, uint256 buyerSeed, bool forSomeoneElse) external {
        uint256 n = offering.offeringCount();
        if (n == 0) return;
        uint256 id = _bound(idSeed, 1, n);
        address buyer = _pick(_buyers, buyerSeed);
        address caller = forSomeoneElse ? _pick(_anyone, buyerSeed >> 8) : buyer;
        uint256 before = ceur.balanceOf(buyer);
        try this.refundAs(caller, id, buyer) {
            refundedOut += ceur.balanceOf(buyer) - before;
            // what the buyer bought in that sale, counted independently of the token
            uint256 shares = boughtIn[buyer][id];
            sharesRefunded += shares;
            holding[buyer] -= shares;
            boughtIn[buyer][id] = 0;
            refundedIn[buyer][id] = true;
            _accepted("refund");
        } catch {}
    }

    /// @dev The buyer uses refund(id) for themselves, anyone else refundFor(id, buyer). Callable only by this
    /// handler (so the campaign does not call it directly with an unpranked sender).
    function refundAs(address caller, uint256 id, address buyer) external {
        if (msg.sender != address(this)) return;
        vm.prank(caller);
        if (caller == buyer) offering.refund(id);
        else offering.refundFor(id, buyer);
    }

    function approveMilestone(uint256 index, bool byCosigner) external {
        uint256 id = offering.offeringCount();
        index = _bound(index, 0, 1);
        vm.prank(byCosigner ? _cosigner : _operator);
        try offering.approveMilestone(id, index) {
            _accepted("approveMilestone");
        } catch {}
    }

    function withdraw(uint256 who) external {
        uint256 id = offering.offeringCount();
        if (id == 0) return;
        address caller = offering.offering(id).milestoneCount == 0
            ? _operator
            : (who % 4 == 0 ? _operator : _beneficiary);
        uint256 before = ceur.balanceOf(caller);
        vm.prank(caller);
        try offering.withdraw(id) {
            releasedOut += ceur.balanceOf(caller) - before;
            _accepted("withdraw");
        } catch {}
    }
}

/// @notice The offering escrow: money out never exceeds money in, and a refunded buyer keeps no shares.
contract OfferingInvariants is AssetsFuzz {
    OfferingHandler internal handler;

    function setUp() public {
        _deployAssets();
        handler = new OfferingHandler(
            offering,
            token,
            ceur,
            assetId,
            [assetOperator, regulator, carrier, outsider],
            [consortium.memberOf(regulator), consortium.memberOf(carrier)],
            investors
        );
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](10);
        selectors[0] = OfferingHandler.open.selector;
        selectors[1] = OfferingHandler.setPrice.selector;
        selectors[2] = OfferingHandler.cancel.selector;
        selectors[3] = OfferingHandler.buy.selector;
        selectors[4] = OfferingHandler.warp.selector;
        selectors[5] = OfferingHandler.finalise.selector;
        selectors[6] = OfferingHandler.refund.selector;
        selectors[7] = OfferingHandler.approveMilestone.selector;
        selectors[8] = OfferingHandler.withdraw.selector;
        selectors[9] = OfferingHandler.open.selector; // opening twice as often keeps sales coming after failures
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    function invariant_refundsPlusReleasesWithinRaised() public view {
        uint256 n = offering.offeringCount();
        uint256 escrow;
        for (uint256 id = 1; id <= n; ++id) {
            IAssetOffering.Offering memory o = offering.offering(id);
            uint256 raised = uint256(o.sold) * o.price;
            assertLe(uint256(o.refunded) + o.released, raised, "refunded + released <= raised");
            escrow += raised - o.refunded - o.released;
        }
        assertEq(ceur.balanceOf(address(offering)), escrow, "escrow holds raised - refunded - released");
        assertEq(handler.paidIn() - handler.refundedOut() - handler.releasedOut(), escrow, "ghost money == escrow");
    }

    /// The asset's count of shares still awaiting a refund (which keeps it from a new sale) is exactly the failed
    /// sales' sold shares not yet refunded.
    function invariant_unrefundedSharesAreTheFailedSalesOutstanding() public view {
        uint256 n = offering.offeringCount();
        uint256 pending;
        for (uint256 id = 1; id <= n; ++id) {
            IAssetOffering.Offering memory o = offering.offering(id);
            if (o.state == IAssetOffering.State.Failed) pending += uint256(o.sold) - o.refunded / o.price;
        }
        assertEq(offering.unrefundedShares(assetId), pending, "unrefunded shares == failed sales' sold - refunded");
    }

    function invariant_noBuyerBothRefundedAndHoldingShares() public view {
        address[] memory buyers = handler.buyers();
        uint256 n = offering.offeringCount();
        for (uint256 i = 0; i < buyers.length; ++i) {
            (, uint256 offered, uint256 offeringId, ) = token.locksOf(buyers[i]);
            assertEq(
                token.balanceOf(buyers[i]),
                handler.holding(buyers[i]),
                "a buyer holds exactly their unrefunded purchases"
            );
            for (uint256 id = 1; id <= n; ++id) {
                if (handler.refundedIn(buyers[i], id) && offeringId == id) {
                    assertEq(offered, 0, "a refunded buyer holds no shares of that sale");
                }
            }
        }
        assertEq(token.totalSupply(), handler.sharesBought() - handler.sharesRefunded(), "supply == bought - refunded");
    }
}
