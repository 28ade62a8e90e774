// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AssetMarket} from "../../contracts/assets/AssetMarket.sol";
import {AssetShareToken} from "../../contracts/assets/AssetShareToken.sol";
import {IAssetMarket} from "../../contracts/interfaces/IAssetMarket.sol";
import {SettlementToken} from "../../contracts/payments/SettlementToken.sol";
import {HandlerBase} from "../base/FuzzBase.sol";
import {AssetsFuzz} from "./AssetsFuzz.sol";

/**
 * @title MarketHandler
 * @notice Drives the secondary market of a funded asset: investors list shares in cEUR or USDC, buy listings
 * (delivery versus payment), cancel (the seller, or anyone after expiry) and transfer shares directly; the
 * operator sets the fee and withdraws fees; time passes.
 */
contract MarketHandler is HandlerBase {
    AssetMarket public immutable market;
    AssetShareToken public immutable token;
    uint256 private immutable _assetId;
    address private immutable _operator;
    address[] private _investors;
    address[] private _tokens;

    constructor(
        AssetMarket market_,
        AssetShareToken token_,
        uint256 assetId_,
        address operator,
        address[] memory investors_,
        address[] memory tokens_
    ) {
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
        vm.prank(buyer);
        try market.buy(id, amount, l.price, block.timestamp) {
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
        _fund();
        tokens.push(address(ceur));
        tokens.push(address(usdc));
        handler = new MarketHandler(market, token, assetId, assetOperator, investors, tokens);
        for (uint256 t = 0; t < tokens.length; ++t) initialMoney[tokens[t]] = _money(tokens[t]);
        initialSupply = token.totalSupply();
        targetContract(address(handler));
    }

    function _money(address paymentToken) internal view returns (uint256 total) {
        SettlementToken m = SettlementToken(paymentToken);
        for (uint256 i = 0; i < investors.length; ++i) total += m.balanceOf(investors[i]);
        total += m.balanceOf(address(market)) + m.balanceOf(assetOperator);
    }

    function invariant_sharesConserved() public view {
        uint256 held;
        uint256 locked;
        for (uint256 i = 0; i < investors.length; ++i) {
            uint256 balance = token.balanceOf(investors[i]);
            (uint256 listed, , , ) = token.locksOf(investors[i]);
            assertLe(listed, balance, "listed <= balance");
            held += balance;
            locked += listed;
        }
        assertEq(token.totalSupply(), initialSupply, "supply unchanged by trading");
        assertEq(held, initialSupply, "every share is held by an investor");
        assertEq(token.balanceOf(address(market)), 0, "the market never holds shares");
        uint256 remaining;
        uint256 n = market.listingCount();
        for (uint256 id = 1; id <= n; ++id) remaining += market.listing(id).remaining;
        assertEq(locked, remaining, "listing locks == shares remaining in listings");
    }

    function invariant_moneyConserved() public view {
        uint32 operatorOrg = consortium.memberOf(assetOperator);
        for (uint256 t = 0; t < tokens.length; ++t) {
            assertEq(_money(tokens[t]), initialMoney[tokens[t]], "money of investors + market + operator constant");
            assertEq(
                SettlementToken(tokens[t]).balanceOf(address(market)),
                market.feesOf(operatorOrg, tokens[t]),
                "the market holds exactly the unwithdrawn fees"
            );
        }
    }
}
