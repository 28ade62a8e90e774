// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IConsortium} from "./IConsortium.sol";

/**
 * @title IConsortiumGated
 * @notice What every domain contract shares: the consortium it asks for permissions, and the refusal it gives.
 */
interface IConsortiumGated {
    /// @dev The caller's organisation is not an active member holding `role`.
    error AccessMissingRole(address account, uint8 role);
    /// @dev The consortium address given at deployment is zero.
    error AccessZeroConsortium();

    /// @notice The consortium contract that decides who may do what.
    /// @return The consortium.
    function consortium() external view returns (IConsortium);
}
