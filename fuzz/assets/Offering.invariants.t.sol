// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AssetOffering} from "../../contracts/assets/AssetOffering.sol";
import {AssetShareToken} from "../../contracts/assets/AssetShareToken.sol";
import {IAssetOffering} from "../../contracts/interfaces/IAssetOffering.sol";
import {SettlementToken} from "../../contracts/payments/SettlementToken.sol";
import {IConsortium} from "../../contracts/interfaces/IConsortium.sol";
import {Roles} from "../../contracts/libraries/Roles.sol";
import {AgentHandlerBase, AssetsFuzz} from "./AssetsFuzz.sol";

/**
 * @title OfferingHandler
 * @notice Drives the offering escrow of one asset: the operator opens sales (some paid in two milestones to the
 * carrier, cosigned by the device manager), edits their price or cancels them before start; investors buy; time
 * passes; anyone finalises; refunds are booked by anyone and pulled by the buyers; the parties approve milestones
 * and the beneficiary withdraws. Agents act too: the operator freezes and unfreezes buyers, a regulator forces
 * transfers and recovers wallets (and booked refunds), the consortium removes the beneficiary or the co-signer or
 * takes ASSET_OPERATOR from the initiator, a regulator replaces them, and anyone sweeps a timed-out escrow to the
 * holders. Ghosts: money paid in, refunded, released and swept; shares bought and refunded; refunds to frozen
 * wallets.
 */
contract OfferingHandler is AgentHandlerBase {
    error Probed();

    AssetOffering public immutable offering;
    AssetShareToken public immutable token;
    SettlementToken public immutable ceur;
    address private immutable _operator;
    address private immutable _regulator;
    address private _initiator;
    address private _cosigner;
    address private _beneficiary;
    uint32 private immutable _cosignerOrg;
    uint32 private immutable _beneficiaryOrg;
    /// @dev The organisations a regulator names when a party is gone: hospital (beneficiary), insurer (co-signer).
    address private immutable _beneficiarySuccessor;
    address private immutable _cosignerSuccessor;
    uint256 private immutable _assetId;
    address[] private _buyers;
    address[] private _anyone;

    uint256 public paidIn;
    uint256 public refundedOut;
    uint256 public releasedOut;
    uint256 public sweptOut;
    /// @notice Refund actions (booking or payment) accepted for a frozen wallet: must stay 0.
    uint256 public frozenRefunds;
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
        address[7] memory parties, // operator, cosigner, beneficiary, anyone-else, regulator, two successors
        uint32[2] memory orgs, // cosigner org, beneficiary org
        address[] memory buyers_,
        IConsortium consortium_,
        address[] memory orgAccounts
    ) AgentHandlerBase(consortium_, orgAccounts) {
        offering = offering_;
        token = token_;
        ceur = ceur_;
        _assetId = assetId_;
        _operator = parties[0];
        _initiator = parties[0];
        _cosigner = parties[1];
        _beneficiary = parties[2];
        _regulator = parties[4];
        _beneficiarySuccessor = parties[5];
        _cosignerSuccessor = parties[6];
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
        bool frozen = token.isFrozen(buyer);
        uint256 moneyBefore = ceur.balanceOf(buyer);
        uint256 sharesBefore = token.balanceOf(buyer);
        try this.refundAs(caller, id, buyer) {
            if (frozen) ++frozenRefunds;
            refundedOut += ceur.balanceOf(buyer) - moneyBefore;
            // shares burned when the refund was booked, counted independently of the offering
            uint256 burned = sharesBefore - token.balanceOf(buyer);
            if (burned != 0) {
                sharesRefunded += burned;
                holding[buyer] -= burned;
                boughtIn[buyer][id] = 0;
                refundedIn[buyer][id] = true;
            }
            _accepted("refund");
        } catch {}
    }

    /// @dev The attack of the review: someone books a buyer's refund, the regulator then freezes the wallet (it was
    /// compromised), and the wallet asks to be paid. Only recoverRefund may carry that refund onward.
    function refundAfterFreeze(uint256 idSeed, uint256 buyerSeed) external {
        if (offering.offeringCount() == 0 || token.isFrozen(_pick(_buyers, buyerSeed))) return;
        this.refund(idSeed, buyerSeed, true);
        this.freeze(buyerSeed, true);
        this.refund(idSeed, buyerSeed, false);
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
        vm.prank(byCosigner ? _cosigner : _initiator);
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
    // ------------------------------------------------------------ agents

    function freeze(uint256 seed, bool frozen) external {
        vm.prank(_regulator);
        try token.setFrozen(_pick(_buyers, seed), frozen) {
            _accepted("freeze");
        } catch {}
    }

    function recover(uint256 lostSeed, uint256 newSeed) external {
        address lost = _pick(_buyers, lostSeed);
        address fresh = _pick(_buyers, newSeed);
        vm.prank(_regulator);
        try token.recoverWallet(lost, fresh) {
            holding[fresh] += holding[lost];
            holding[lost] = 0;
            uint256 n = offering.offeringCount();
            for (uint256 id = 1; id <= n; ++id) {
                // the new wallet now holds the lost wallet's unrefunded shares of that sale, if any
                if (boughtIn[lost][id] != 0) refundedIn[fresh][id] = false;
                boughtIn[fresh][id] += boughtIn[lost][id];
                boughtIn[lost][id] = 0;
            }
            _accepted("recover");
        } catch {}
    }

    function forcedTransfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _pick(_buyers, fromSeed);
        address to = _pick(_buyers, toSeed);
        amount = _bound(amount, 1, token.balanceOf(from));
        vm.prank(_regulator);
        try token.forcedTransfer(from, to, amount) {
            holding[from] -= amount;
            holding[to] += amount;
            _accepted("forcedTransfer");
        } catch {}
    }

    function recoverRefund(uint256 idSeed, uint256 lostSeed, uint256 newSeed) external {
        uint256 n = offering.offeringCount();
        if (n == 0) return;
        vm.prank(_regulator);
        try offering.recoverRefund(_bound(idSeed, 1, n), _pick(_buyers, lostSeed), _pick(_buyers, newSeed)) {
            _accepted("recoverRefund");
        } catch {}
    }

    /// @dev The consortium removes the beneficiary (0), the co-signer (1), or takes the initiator's role (2).
    function removeParty(uint256 which) external {
        which = which % 3;
        if (which == 0) {
            if (_remove(_beneficiaryOrg)) _accepted("removeBeneficiary");
        } else if (which == 1) {
            if (_remove(_cosignerOrg)) _accepted("removeCosigner");
        } else if (_setRoles(_consortium.memberOf(_operator), Roles.mask(Roles.DEVICE_MANAGER))) {
            _accepted("dropInitiator");
        }
    }

    /// @dev The state of the review's finding, reached on purpose: the latest sale fills its soft cap and succeeds,
    /// then the consortium removes one of its parties while the escrow is still unreleased.
    function succeedThenRemoveParty(uint256 buyerSeed, uint256 which) external {
        uint256 id = offering.offeringCount();
        if (id == 0) return;
        IAssetOffering.Offering memory o = offering.offering(id);
        if (o.state != IAssetOffering.State.Open) return;
        if (block.timestamp < o.start) vm.warp(o.start);
        for (uint256 round = 0; round < 3 && offering.offering(id).sold < o.softCap; ++round) {
            uint256 missing = o.softCap - offering.offering(id).sold;
            // buy() maps its argument x to 1 + x % 1,500 shares
            this.buy(buyerSeed + round, (missing < 1_500 ? missing : 1_500) - 1);
        }
        if (block.timestamp <= o.deadline) vm.warp(uint256(o.deadline) + 1);
        this.finalise(id - 1);
        this.removeParty(which);
    }

    /// @dev A regulator replaces a gone party of the latest sale with its successor.
    function replaceParty(uint256 which) external {
        uint256 id = offering.offeringCount();
        if (id == 0) return;
        which = which % 3;
        address successor = which == 0
            ? _beneficiarySuccessor
            : which == 1
                ? _cosignerSuccessor
                : _regulator;
        IAssetOffering.Party party = which == 0
            ? IAssetOffering.Party.Beneficiary
            : which == 1
                ? IAssetOffering.Party.Cosigner
                : IAssetOffering.Party.Initiator;
        vm.prank(_regulator);
        try offering.replaceParty(id, party, _consortium.memberOf(successor)) {
            if (which == 0) _beneficiary = successor;
            else if (which == 1) _cosigner = successor;
            else _initiator = successor;
            _accepted("replaceParty");
        } catch {}
    }

    function sweep(uint256 idSeed, bool waitForIt) external {
        uint256 n = offering.offeringCount();
        if (n == 0) return;
        uint256 id = _bound(idSeed, 1, n);
        if (waitForIt && offering.offering(id).state == IAssetOffering.State.Succeeded) {
            uint256 due = uint256(offering.offering(id).finalisedAt) + offering.ESCROW_TIMEOUT();
            if (block.timestamp < due) vm.warp(due);
        }
        uint256 before = ceur.balanceOf(address(offering));
        vm.prank(_pick(_anyone, idSeed >> 8));
        try offering.sweepToHolders(id) {
            sweptOut += before - ceur.balanceOf(address(offering));
            _accepted("sweep");
        } catch {}
    }

    /// @dev Liveness probe: at its timeout, the sale's unreleased escrow can be paid to the holders. Runs the sweep
    /// and reverts with `Probed` (so nothing persists); any other revert means the escrow was stuck.
    function escrowReachable(uint256 id) external returns (bool) {
        uint256 t = block.timestamp;
        try this.probeSweep(id) {
            return false;
        } catch (bytes memory reason) {
            vm.warp(t);
            return reason.length == 4 && bytes4(reason) == Probed.selector;
        }
    }

    function probeSweep(uint256 id) external {
        if (msg.sender != address(this)) return;
        uint256 due = uint256(offering.offering(id).finalisedAt) + offering.ESCROW_TIMEOUT();
        if (block.timestamp < due) vm.warp(due);
        offering.sweepToHolders(id);
        revert Probed();
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
            [assetOperator, deviceManager, carrier, outsider, regulator, hospital, insurer],
            [consortium.memberOf(deviceManager), consortium.memberOf(carrier)],
            investors,
            consortium,
            organisations
        );
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](21);
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
        selectors[10] = OfferingHandler.freeze.selector;
        selectors[11] = OfferingHandler.recover.selector;
        selectors[12] = OfferingHandler.forcedTransfer.selector;
        selectors[13] = OfferingHandler.recoverRefund.selector;
        selectors[14] = OfferingHandler.removeParty.selector;
        selectors[15] = OfferingHandler.replaceParty.selector;
        selectors[16] = OfferingHandler.sweep.selector;
        selectors[17] = OfferingHandler.refund.selector; // refunds twice as often: booked, then pulled
        selectors[18] = OfferingHandler.buy.selector;
        selectors[19] = OfferingHandler.refundAfterFreeze.selector;
        selectors[20] = OfferingHandler.succeedThenRemoveParty.selector;
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
        assertEq(
            handler.paidIn() - handler.refundedOut() - handler.releasedOut() - handler.sweptOut(),
            escrow,
            "ghost money == escrow"
        );
    }

    /// The asset's count of shares still awaiting a refund (which keeps it from a new sale) is exactly the failed
    /// sales' sold shares not yet refunded.
    function invariant_unrefundedSharesAreTheFailedSalesOutstanding() public view {
        uint256 n = offering.offeringCount();
        uint256 pending;
        for (uint256 id = 1; id <= n; ++id) {
            IAssetOffering.Offering memory o = offering.offering(id);
            if (o.state != IAssetOffering.State.Failed) continue;
            uint256 booked = o.refunded;
            address[] memory buyers = handler.buyers();
            for (uint256 i = 0; i < buyers.length; ++i) booked += offering.refundOwed(id, buyers[i]);
            pending += uint256(o.sold) - booked / o.price;
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

    // ---- liveness of investors' money: a succeeded sale's escrow always has a way out ----

    /// From any state (parties removed or stripped of their role, wallets frozen or recovered), the unreleased
    /// escrow of a succeeded sale can still be paid to someone entitled: at its timeout, to the holders.
    function invariant_succeededEscrowReachesSomeoneEntitled() public {
        uint256 n = offering.offeringCount();
        for (uint256 id = 1; id <= n; ++id) {
            IAssetOffering.Offering memory o = offering.offering(id);
            if (o.state != IAssetOffering.State.Succeeded) continue;
            if (uint256(o.sold) * o.price == o.released) continue;
            assertTrue(handler.escrowReachable(id), "a succeeded sale's escrow can be paid out");
        }
    }

    /// No refund was booked for or paid to a wallet while it was frozen.
    function invariant_refundsNeverReachAFrozenWallet() public view {
        assertEq(handler.frozenRefunds(), 0, "no refund to a frozen wallet");
    }
}
