// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SettlementToken} from "../../contracts/payments/SettlementToken.sol";
import {HandlerBase} from "../base/FuzzBase.sol";
import {CityFuzz} from "../base/CityFuzz.sol";

/**
 * @title SettlementTokenHandler
 * @notice Mints (issuer), transfers, approvals, transferFrom, permits and redemptions among a fixed set of holders,
 * keeping ghost totals of what was minted and redeemed.
 */
contract SettlementTokenHandler is HandlerBase {
    uint256 private constant MAX_MINT = 1e15;

    SettlementToken public immutable token;
    address private immutable _issuer;
    address[] private _holders;
    uint256[] private _keys;

    /// @notice Total minted and redeemed through successful calls.
    uint256 public minted;
    uint256 public redeemed;

    constructor(SettlementToken token_, address issuer, address[] memory holders, uint256[] memory keys) {
        token = token_;
        _issuer = issuer;
        _holders = holders;
        _keys = keys;
    }

    /// @notice Every account that can ever hold tokens in this campaign.
    function holders() external view returns (address[] memory) {
        return _holders;
    }

    function mint(uint256 toSeed, uint256 amount, uint256 callerSeed) external {
        amount = _bound(amount, 0, MAX_MINT);
        // One mint in eight is attempted by a holder instead of the issuer (must be refused).
        address caller = callerSeed % 8 == 0 ? _pick(_holders, callerSeed >> 8) : _issuer;
        vm.prank(caller);
        try token.mint(_pick(_holders, toSeed), amount) {
            minted += amount;
            _accepted("mint");
        } catch {}
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _pick(_holders, fromSeed);
        amount = _bound(amount, 0, token.balanceOf(from) + 1);
        vm.prank(from);
        try token.transfer(_pick(_holders, toSeed), amount) {
            _accepted("transfer");
        } catch {}
    }

    function approve(uint256 ownerSeed, uint256 spenderSeed, uint256 amount) external {
        vm.prank(_pick(_holders, ownerSeed));
        try token.approve(_pick(_holders, spenderSeed), amount) {
            _accepted("approve");
        } catch {}
    }

    function transferFrom(uint256 spenderSeed, uint256 ownerSeed, uint256 toSeed, uint256 amount) external {
        address owner = _pick(_holders, ownerSeed);
        amount = _bound(amount, 0, token.balanceOf(owner) + 1);
        vm.prank(_pick(_holders, spenderSeed));
        try token.transferFrom(owner, _pick(_holders, toSeed), amount) {
            _accepted("transferFrom");
        } catch {}
    }

    /// @notice EIP-2612 permit signed by the holder's key, submitted by anyone.
    function permit(uint256 ownerSeed, uint256 spenderSeed, uint256 value, uint256 deadlineSeed) external {
        uint256 i = ownerSeed % _holders.length;
        address owner = _holders[i];
        address spender = _pick(_holders, spenderSeed);
        uint256 deadline = block.timestamp + _bound(deadlineSeed, 0, 1 days);
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                spender,
                value,
                token.nonces(owner),
                deadline
            )
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_keys[i], digest);
        try token.permit(owner, spender, value, deadline, v, r, s) {
            _accepted("permit");
        } catch {}
    }

    function redeem(uint256 holderSeed, uint256 amount) external {
        address holder = _pick(_holders, holderSeed);
        amount = _bound(amount, 0, token.balanceOf(holder) + 1);
        vm.prank(holder);
        try token.redeem(amount) {
            redeemed += amount;
            _accepted("redeem");
        } catch {}
    }
}

/**
 * @title SettlementTokenInvariants
 * @notice Money is conserved: balances add up to the supply, and the supply is exactly minted minus redeemed.
 */
contract SettlementTokenInvariants is CityFuzz {
    SettlementTokenHandler internal handler;
    SettlementToken internal token;
    address internal issuer;

    function setUp() public {
        _formCity();
        issuer = _actor("settlementBank");
        token = new SettlementToken("City EUR", "CEUR", 2, issuer);
        string[6] memory names = ["hospital", "insurer", "assetOperator", "investor1", "investor2", "outsider"];
        address[] memory holders = new address[](names.length);
        uint256[] memory keys = new uint256[](names.length);
        for (uint256 i = 0; i < names.length; ++i) {
            keys[i] = keyOf(names[i]);
            holders[i] = vm.addr(keys[i]);
        }
        handler = new SettlementTokenHandler(token, issuer, holders, keys);
        targetContract(address(handler));
    }

    /// @notice The sum of every holder's balance equals totalSupply (no one else ever receives tokens).
    function invariant_balancesSumToTotalSupply() public view {
        address[] memory holders = handler.holders();
        uint256 sum;
        for (uint256 i = 0; i < holders.length; ++i) sum += token.balanceOf(holders[i]);
        assertEq(sum, token.totalSupply(), "sum of balances == totalSupply");
    }

    /// @notice totalSupply is exactly what the issuer minted minus what holders redeemed.
    function invariant_supplyIsMintedMinusRedeemed() public view {
        assertEq(token.totalSupply(), handler.minted() - handler.redeemed(), "totalSupply == minted - redeemed");
    }
}
