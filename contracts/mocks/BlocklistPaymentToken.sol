// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title BlocklistPaymentToken
 * @notice Test-only ERC-20 that refuses every transfer to or from a blocklisted account, as regulated stablecoins
 * (USDC, EURC) do: proves that one blocked buyer cannot hold a failed sale's asset in Funding.
 */
contract BlocklistPaymentToken is ERC20 {
    /// @dev The account is blocklisted.
    error Blocklisted(address account);

    mapping(address account => bool) private _blocked;

    constructor() ERC20("Blocklist EUR", "bEUR") {}

    /// @notice Mint for tests.
    /// @param to The recipient.
    /// @param amount The amount.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Block or unblock an account (test-only: anyone).
    /// @param account The account.
    /// @param blocked True to block.
    function setBlocked(address account, bool blocked) external {
        _blocked[account] = blocked;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (_blocked[from]) revert Blocklisted(from);
        if (_blocked[to]) revert Blocklisted(to);
        super._update(from, to, value);
    }
}
