// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

/**
 * @title SettlementToken
 * @notice The money the domains settle in: a tokenized deposit (e.g. "City EUR", 2 decimals) issued by the
 * settlement bank, which mints against deposits received off chain and burns on redemption. It is deliberately
 * outside the consortium's governance: on a production chain an existing regulated stablecoin or tokenized
 * deposit takes its place, and the domain contracts accept any ERC-20 their members approve.
 */
contract SettlementToken is ERC20, ERC20Permit, Ownable2Step {
    uint8 private immutable _decimals;

    /// @param name_ Token name.
    /// @param symbol_ Token symbol.
    /// @param decimals_ Decimals (2 for a euro deposit token, 6 for USDC-like tokens).
    /// @param issuer The settlement bank's account, the only minter.
    constructor(
        string memory name_,
        string memory symbol_,
        uint8 decimals_,
        address issuer
    ) ERC20(name_, symbol_) ERC20Permit(name_) Ownable(issuer) {
        _decimals = decimals_;
    }

    /// @notice Token decimals.
    /// @return The decimals.
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Issue tokens against funds received off chain (issuer only).
    /// @param to Recipient.
    /// @param amount Amount in token units.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    /// @notice Redeem the caller's tokens (the bank pays out off chain on the Transfer to zero).
    /// @param amount Amount in token units.
    function redeem(uint256 amount) external {
        _burn(msg.sender, amount);
    }
}
