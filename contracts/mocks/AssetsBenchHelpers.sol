// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {IAssetShareToken} from "../interfaces/IAssetShareToken.sol";

/// @dev Test-only: bound as an account of the KYC provider (admit) or of the asset operator (issue), it creates
/// thousands of holders in a few transactions for the benchmark. Holder i is `holderAt(i)`.
contract AssetsBenchPopulator {
    function holderAt(uint256 i) public pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode("citychain-bench-holder", i)))));
    }

    function admit(IConsortium consortium, uint256 from, uint256 count) external {
        for (uint256 i = from; i < from + count; ++i) consortium.admitPerson(holderAt(i), 9, bytes32(i));
    }

    function issue(IAssetShareToken token, uint256 from, uint256 count, uint256 shares) external {
        for (uint256 i = from; i < from + count; ++i) token.issue(holderAt(i), shares);
    }
}

/// @dev Test-only baseline: the naive revenue split that pays every holder in a loop (O(holders) per deposit).
contract NaiveRevenueLoop {
    using SafeERC20 for IERC20;

    function payAll(IERC20 shares, IERC20 paymentToken, address[] calldata holders, uint256 amount) external {
        uint256 supply = shares.totalSupply();
        for (uint256 i = 0; i < holders.length; ++i) {
            uint256 part = (amount * shares.balanceOf(holders[i])) / supply;
            paymentToken.safeTransferFrom(msg.sender, holders[i], part);
        }
    }
}
