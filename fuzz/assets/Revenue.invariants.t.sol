// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AssetShareToken} from "../../contracts/assets/AssetShareToken.sol";
import {SettlementToken} from "../../contracts/payments/SettlementToken.sol";
import {HandlerBase} from "../base/FuzzBase.sol";
import {AssetsFuzz} from "./AssetsFuzz.sol";

/**
 * @title RevenueHandler
 * @notice Drives the share token's revenue sharing: deposits by the grid operator or the asset operator in two
 * payment tokens, claims, ERC-20 transfers, burns, operator issuance and agent forced transfers among the three
 * investors. Ghosts: deposited and claimed per token, and each holder's entitlement (magnified by 2^96), an upper
 * bound computed independently of the contract: at every deposit each holder gains amount × balance / supply (+1
 * share-unit of rounding carry); a forced transfer moves amount/balance of the holder's claimable, computed here.
 */
contract RevenueHandler is HandlerBase {
    uint256 private constant MAG = 2 ** 96;

    AssetShareToken public immutable token;
    address[] private _tokens;
    address[] private _holders;
    address[] private _depositors;
    address private immutable _agent;
    address private immutable _issuer;

    mapping(address paymentToken => uint256) public deposited;
    mapping(address paymentToken => uint256) public claimed;
    mapping(address paymentToken => mapping(address holder => uint256)) public claimedBy;
    mapping(address paymentToken => mapping(address holder => uint256)) public entitledMag;

    constructor(
        AssetShareToken token_,
        address[] memory tokens_,
        address[] memory holders_,
        address[] memory depositors,
        address agent, // the regulator: freezes, forced transfers
        address issuer // the asset's operator: issues
    ) {
        token = token_;
        _tokens = tokens_;
        _holders = holders_;
        _depositors = depositors;
        _agent = agent;
        _issuer = issuer;
        for (uint256 i = 0; i < depositors.length; ++i) {
            for (uint256 t = 0; t < tokens_.length; ++t) {
                vm.prank(depositors[i]);
                SettlementToken(tokens_[t]).approve(address(token_), type(uint256).max);
            }
        }
    }

    function tokens() external view returns (address[] memory) {
        return _tokens;
    }

    function holders() external view returns (address[] memory) {
        return _holders;
    }

    function deposit(uint256 depositorSeed, uint256 tokenSeed, uint256 amount) external {
        address paymentToken = _pick(_tokens, tokenSeed);
        address depositor = _pick(_depositors, depositorSeed);
        uint256 supply = token.totalSupply();
        // at least one unit per share (the token's minimum deposit), up to 10^12 units
        amount = _bound(amount, supply, 1e12);
        uint256[] memory balances = new uint256[](_holders.length);
        for (uint256 i = 0; i < _holders.length; ++i) balances[i] = token.balanceOf(_holders[i]);
        vm.prank(depositor);
        try token.deposit(paymentToken, amount, amount, bytes32(0)) {
            deposited[paymentToken] += amount;
            for (uint256 i = 0; i < _holders.length; ++i) {
                // exact pro-rata share, plus at most one magnified unit per share of the spread carry
                entitledMag[paymentToken][_holders[i]] += (amount * MAG * balances[i]) / supply + balances[i] + 1;
            }
            _accepted("deposit");
        } catch {}
    }

    function claim(uint256 holderSeed, uint256 tokenSeed) external {
        address paymentToken = _pick(_tokens, tokenSeed);
        address holder = _pick(_holders, holderSeed);
        vm.prank(holder);
        try token.claim(paymentToken) returns (uint256 amount) {
            claimed[paymentToken] += amount;
            claimedBy[paymentToken][holder] += amount;
            _accepted("claim");
        } catch {}
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _pick(_holders, fromSeed);
        address to = _pick(_holders, toSeed);
        amount = _bound(amount, 0, token.balanceOf(from));
        vm.prank(from);
        try token.transfer(to, amount) {
            _accepted("transfer");
        } catch {}
    }

    function burn(uint256 holderSeed, uint256 amount) external {
        address holder = _pick(_holders, holderSeed);
        amount = _bound(amount, 0, token.balanceOf(holder));
        vm.prank(holder);
        try token.burn(amount) {
            _accepted("burn");
        } catch {}
    }

    function issue(uint256 holderSeed, uint256 amount) external {
        address holder = _pick(_holders, holderSeed);
        amount = _bound(amount, 1, 500);
        vm.prank(_issuer);
        try token.issue(holder, amount) {
            _accepted("issue");
        } catch {}
    }

    function forcedTransfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _pick(_holders, fromSeed);
        address to = _pick(_holders, toSeed);
        uint256 balance = token.balanceOf(from);
        amount = _bound(amount, 1, balance + 1);
        uint256[] memory expected = new uint256[](_tokens.length);
        for (uint256 t = 0; t < _tokens.length; ++t) {
            // the documented rule, computed here: amount / balance of the unclaimed revenue, rounded down
            uint256 claimable = token.claimableOf(from, _tokens[t]);
            expected[t] = amount >= balance ? claimable : (claimable * amount) / balance;
        }
        vm.prank(_agent);
        try token.forcedTransfer(from, to, amount) {
            for (uint256 t = 0; t < _tokens.length; ++t) {
                // the unclaimed revenue that follows the shares moves the entitlement with it
                uint256 moved = expected[t] * MAG;
                uint256 had = entitledMag[_tokens[t]][from];
                entitledMag[_tokens[t]][from] = had > moved ? had - moved : 0;
                entitledMag[_tokens[t]][to] += moved;
            }
            _accepted("forcedTransfer");
        } catch {}
    }

    function setFrozen(uint256 holderSeed, bool frozen) external {
        address holder = _pick(_holders, holderSeed);
        vm.prank(_agent);
        try token.setFrozen(holder, frozen) {
            _accepted("setFrozen");
        } catch {}
    }
}

/// @notice Revenue sharing: nobody is paid more than was deposited, nor any holder more than their share.
contract RevenueInvariants is AssetsFuzz {
    RevenueHandler internal handler;

    function setUp() public {
        _deployAssets();
        _fund();
        address[] memory tokens = new address[](2);
        tokens[0] = address(ceur);
        tokens[1] = address(usdc);
        address[] memory depositors = new address[](2);
        depositors[0] = gridOperator;
        depositors[1] = assetOperator;
        // forced transfers are the regulator's
        handler = new RevenueHandler(token, tokens, investors, depositors, regulator, assetOperator);
        targetContract(address(handler));
    }

    function invariant_claimedPlusClaimableWithinDeposited() public view {
        address[] memory tokens = handler.tokens();
        address[] memory holders = handler.holders();
        for (uint256 t = 0; t < tokens.length; ++t) {
            uint256 owed;
            for (uint256 i = 0; i < holders.length; ++i) owed += token.claimableOf(holders[i], tokens[t]);
            (, , uint256 ledgerDeposited) = token.revenueLedger(tokens[t]);
            assertEq(ledgerDeposited, handler.deposited(tokens[t]), "ledger deposited == deposits accepted");
            assertLe(
                handler.claimed(tokens[t]) + owed,
                handler.deposited(tokens[t]),
                "claimed + claimable <= deposited"
            );
            assertEq(
                SettlementToken(tokens[t]).balanceOf(address(token)),
                handler.deposited(tokens[t]) - handler.claimed(tokens[t]),
                "share token holds deposited - claimed"
            );
        }
    }

    function invariant_noHolderClaimsMoreThanTheirShare() public view {
        address[] memory tokens = handler.tokens();
        address[] memory holders = handler.holders();
        for (uint256 t = 0; t < tokens.length; ++t) {
            for (uint256 i = 0; i < holders.length; ++i) {
                uint256 got = handler.claimedBy(tokens[t], holders[i]) + token.claimableOf(holders[i], tokens[t]);
                assertLe(
                    got * 2 ** 96,
                    handler.entitledMag(tokens[t], holders[i]),
                    "claimed + claimable <= pro-rata share"
                );
            }
        }
    }
}
