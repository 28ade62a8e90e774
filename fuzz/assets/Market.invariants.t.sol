// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AssetMarket} from "../../contracts/assets/AssetMarket.sol";
import {AssetShareToken} from "../../contracts/assets/AssetShareToken.sol";
import {IAssetMarket} from "../../contracts/interfaces/IAssetMarket.sol";
import {SettlementToken} from "../../contracts/payments/SettlementToken.sol";
import {IConsortium} from "../../contracts/interfaces/IConsortium.sol";
import {Roles} from "../../contracts/libraries/Roles.sol";
import {AgentHandlerBase, AssetsFuzz} from "./AssetsFuzz.sol";

/**
 * @title MarketHandler
 * @notice Drives the secondary market of a funded asset: investors list shares in cEUR or USDC, buy listings
 * (delivery versus payment), cancel (the seller, or anyone after expiry) and transfer shares directly; the
 * operator sets the fee and withdraws fees; time passes. Agents act too: the operator freezes and unfreezes
 * investors, a regulator forces transfers and recovers wallets (which make listings lapse), and the consortium
 * takes ASSET_OPERATOR from the fee recipient, whose fees a regulator reassigns to the grid operator (voted
 * ASSET_OPERATOR first). Ghost: every fill's fee against ceil(rate × volume).
 */
contract MarketHandler is AgentHandlerBase {
    AssetMarket public immutable market;
    AssetShareToken public immutable token;
    uint256 private immutable _assetId;
    address private immutable _operator;
    address[] private _investors;
    address[] private _tokens;
    address private immutable _regulator;
    address private immutable _successor;
    /// @notice Fills whose fee was below ceil(price × amount × feeBps / 10,000).
    uint256 public feeShortfalls;
    /// @notice Fills accepted although the listing had lapsed (an agent moved the seller's listed shares).
    uint256 public lapsedFills;
    /// @notice Whether the fee recipient lost ASSET_OPERATOR (its fees then belong to the successor).
    bool public operatorDropped;

    constructor(
        AssetMarket market_,
        AssetShareToken token_,
        uint256 assetId_,
        address[3] memory agents, // operator, regulator, successor (the grid operator)
        address[] memory investors_,
        address[] memory tokens_,
        IConsortium consortium_,
        address[] memory orgAccounts
    ) AgentHandlerBase(consortium_, orgAccounts) {
        address operator = agents[0];
        _regulator = agents[1];
        _successor = agents[2];
        market = market_;
        token = token_;
        _assetId = assetId_;
        _operator = operator;
        _investors = investors_;
        _tokens = tokens_;
        for (uint256 i = 0; i < investors_.length; ++i) {
            for (uint256 t = 0; t < tokens_.length; ++t) {
                vm.prank(investors_[i]);
                SettlementToken(tokens_[t]).approve(address(market_), type(uint256).max);
            }
        }
    }

    function list(uint256 sellerSeed, uint256 amount, uint256 tokenSeed, uint256 price, uint256 life) external {
        address seller = _pick(_investors, sellerSeed);
        address paymentToken = _pick(_tokens, tokenSeed);
        amount = _bound(amount, 1, token.unlockedBalanceOf(seller) + 1);
        price = _bound(price, 1, 1_000_00);
        uint64 expiry = uint64(block.timestamp + _bound(life, 1, 5 days));
        vm.prank(seller);
        try market.list(_assetId, amount, paymentToken, uint128(price), expiry) {
            _accepted("list");
        } catch {}
    }

    function buy(uint256 listingSeed, uint256 buyerSeed, uint256 amount) external {
        uint256 n = market.listingCount();
        if (n == 0) return;
        uint256 id = _bound(listingSeed, 1, n);
        address buyer = _pick(_investors, buyerSeed);
        IAssetMarket.Listing memory l = market.listing(id);
        amount = _bound(amount, 1, uint256(l.remaining) + 1);
        bool lapsed = l.lockEpoch != token.listingEpochOf(l.seller);
        uint256 feesBefore = market.feesOf(l.operatorOrg, l.paymentToken);
        vm.prank(buyer);
        try market.buy(id, amount, l.price, block.timestamp) {
            uint256 due = (amount * l.price * l.feeBps + 9_999) / 10_000;
            if (market.feesOf(l.operatorOrg, l.paymentToken) - feesBefore < due) ++feeShortfalls;
            if (lapsed) ++lapsedFills;
            _accepted("buy");
        } catch {}
    }

    function cancel(uint256 listingSeed, uint256 callerSeed) external {
        uint256 n = market.listingCount();
        if (n == 0) return;
        uint256 id = _bound(listingSeed, 1, n);
        address caller = _pick(_investors, callerSeed);
        vm.prank(caller);
        try market.cancel(id) {
            _accepted("cancel");
        } catch {}
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _pick(_investors, fromSeed);
        address to = _pick(_investors, toSeed);
        amount = _bound(amount, 0, token.balanceOf(from));
        vm.prank(from);
        try token.transfer(to, amount) {
            _accepted("transfer");
        } catch {}
    }

    function setFee(uint256 bps) external {
        bps = _bound(bps, 0, 600);
        vm.prank(_operator);
        try market.setFee(_assetId, uint16(bps)) {
            _accepted("setFee");
        } catch {}
    }

    function withdrawFees(uint256 tokenSeed) external {
        address paymentToken = _pick(_tokens, tokenSeed);
        vm.prank(_operator);
        try market.withdrawFees(paymentToken) {
            _accepted("withdrawFees");
        } catch {}
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 1, 2 days));
    }

    // ------------------------------------------------------------ agents

    function freeze(uint256 seed, bool frozen) external {
        vm.prank(_operator);
        try token.setFrozen(_pick(_investors, seed), frozen) {
            _accepted("freeze");
        } catch {}
    }

    function forcedTransfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _pick(_investors, fromSeed);
        address to = _pick(_investors, toSeed);
        amount = _bound(amount, 1, token.balanceOf(from));
        vm.prank(_regulator);
        try token.forcedTransfer(from, to, amount) {
            _accepted("forcedTransfer");
        } catch {}
    }

    /// @dev The attack of the review: a seller lists, the regulator moves shares that reach the listing, the seller
    /// lists again, and a buyer fills the first (lapsed) listing from the lock of the second at the old price.
    function fillLapsedListing(uint256 sellerSeed, uint256 toSeed, uint256 buyerSeed, uint256 price) external {
        address seller = _pick(_investors, sellerSeed);
        uint256 unlocked = token.unlockedBalanceOf(seller);
        if (unlocked < 3) return;
        uint256 before = market.listingCount();
        this.list(sellerSeed, unlocked / 2 - 1, 0, price, 5 days);
        if (market.listingCount() == before) return;
        uint256 lapsedId = before + 1;
        // one share more than the unlisted, unlocked rest: the move reaches the listed shares
        this.forcedTransfer(sellerSeed, toSeed, token.unlockedBalanceOf(seller));
        uint256 rest = token.unlockedBalanceOf(seller);
        if (rest == 0) return;
        this.list(sellerSeed, rest - 1, 0, price, 5 days);
        this.buy(lapsedId - 1, buyerSeed, 0);
    }

    function recover(uint256 lostSeed, uint256 newSeed) external {
        vm.prank(_regulator);
        try token.recoverWallet(_pick(_investors, lostSeed), _pick(_investors, newSeed)) {
            _accepted("recover");
        } catch {}
    }

    /// @dev The consortium takes ASSET_OPERATOR from the fee recipient (once); the successor was voted it first.
    function dropOperator() external {
        if (operatorDropped) return;
        uint32 successorOrg = _consortium.memberOf(_successor);
        uint32 operatorOrg = _consortium.memberOf(_operator);
        if (!_setRoles(successorOrg, Roles.mask(Roles.GRID_OPERATOR) | Roles.mask(Roles.ASSET_OPERATOR))) return;
        if (!_setRoles(operatorOrg, Roles.mask(Roles.DEVICE_MANAGER))) return;
        operatorDropped = true;
        _accepted("dropOperator");
    }

    /// @dev A regulator moves the stranded fees of the dropped operator to its successor.
    function reassignFees(uint256 tokenSeed) external {
        address paymentToken = _pick(_tokens, tokenSeed);
        vm.prank(_regulator);
        try market.reassignFees(_consortium.memberOf(_operator), paymentToken, _consortium.memberOf(_successor)) {
            _accepted("reassignFees");
        } catch {}
    }

    function withdrawFeesAsSuccessor(uint256 tokenSeed) external {
        address paymentToken = _pick(_tokens, tokenSeed);
        vm.prank(_successor);
        try market.withdrawFees(paymentToken) {
            _accepted("withdrawFeesSuccessor");
        } catch {}
    }
}

/// @notice The market is delivery versus payment: no share and no unit of money is created or lost.
contract MarketInvariants is AssetsFuzz {
    MarketHandler internal handler;
    address[] internal tokens;
    /// @dev Money held by the investors, the market and the operator at the start, per payment token.
    mapping(address paymentToken => uint256) internal initialMoney;
    uint256 internal initialSupply;

    function setUp() public {
        _deployAssets();
        // a fee set while the asset is funding is in force at once: fills pay fees from the first call
        vm.prank(assetOperator);
        market.setFee(assetId, 37);
        _fund();
        tokens.push(address(ceur));
        tokens.push(address(usdc));
        handler = new MarketHandler(
            market,
            token,
            assetId,
            [assetOperator, regulator, gridOperator],
            investors,
            tokens,
            consortium,
            organisations
        );
        for (uint256 t = 0; t < tokens.length; ++t) initialMoney[tokens[t]] = _money(tokens[t]);
        initialSupply = token.totalSupply();
        targetContract(address(handler));
    }

    function _money(address paymentToken) internal view returns (uint256 total) {
        SettlementToken m = SettlementToken(paymentToken);
        for (uint256 i = 0; i < investors.length; ++i) total += m.balanceOf(investors[i]);
        total += m.balanceOf(address(market)) + m.balanceOf(assetOperator) + m.balanceOf(gridOperator);
    }

    function invariant_sharesConserved() public view {
        uint256 held;
        for (uint256 i = 0; i < investors.length; ++i) {
            uint256 balance = token.balanceOf(investors[i]);
            (uint256 listed, , , ) = token.locksOf(investors[i]);
            assertLe(listed, balance, "listed <= balance");
            held += balance;
        }
        assertEq(token.totalSupply(), initialSupply, "supply unchanged by trading");
        assertEq(held, initialSupply, "every share is held by an investor");
        assertEq(token.balanceOf(address(market)), 0, "the market never holds shares");
    }

    /// Through freezes, forced transfers and recoveries: each seller's listing lock equals the shares left in its
    /// live listings (those of its current lock epoch); a lapsed listing locks nothing and is never filled.
    function invariant_listingLocksEqualLiveListings() public view {
        uint256 n = market.listingCount();
        for (uint256 i = 0; i < investors.length; ++i) {
            uint256 epoch = token.listingEpochOf(investors[i]);
            uint256 live;
            for (uint256 id = 1; id <= n; ++id) {
                IAssetMarket.Listing memory l = market.listing(id);
                if (l.seller == investors[i] && l.lockEpoch == epoch) live += l.remaining;
            }
            (uint256 listed, , , ) = token.locksOf(investors[i]);
            assertEq(listed, live, "listing locks == shares remaining in live listings");
        }
        assertEq(handler.lapsedFills(), 0, "no lapsed listing was filled");
    }

    /// Every fill paid at least ceil(price × amount × feeBps / 10,000) to the listing's fee recipient.
    function invariant_feesRoundedUpPerFill() public view {
        assertEq(handler.feeShortfalls(), 0, "fee >= ceil(rate x volume) on every fill");
    }

    function invariant_moneyConserved() public view {
        uint32 operatorOrg = consortium.memberOf(assetOperator);
        uint32 successorOrg = consortium.memberOf(gridOperator);
        for (uint256 t = 0; t < tokens.length; ++t) {
            assertEq(_money(tokens[t]), initialMoney[tokens[t]], "money of investors + market + operators constant");
            assertEq(
                SettlementToken(tokens[t]).balanceOf(address(market)),
                market.feesOf(operatorOrg, tokens[t]) + market.feesOf(successorOrg, tokens[t]),
                "the market holds exactly the unwithdrawn fees"
            );
        }
    }
}
