// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IConsortium} from "../interfaces/IConsortium.sol";
import {IConsortiumGated} from "../interfaces/IConsortiumGated.sol";

/**
 * @title ConsortiumGated
 * @notice Base of every domain contract: permissions come from the consortium, never from local role tables,
 * so a suspended organisation loses every right in every domain in the same block.
 */
abstract contract ConsortiumGated is IConsortiumGated {
    IConsortium private immutable _consortium;

    /// @param consortium_ The consortium contract.
    constructor(IConsortium consortium_) {
        if (address(consortium_) == address(0)) revert AccessZeroConsortium();
        _consortium = consortium_;
    }

    /// @inheritdoc IConsortiumGated
    function consortium() public view returns (IConsortium) {
        return _consortium;
    }

    /// @dev Reverts unless `msg.sender`'s organisation is active and holds `role`; returns that organisation.
    function _requireRole(uint8 role) internal view returns (uint32 orgId) {
        orgId = _consortium.roleOrg(role, msg.sender);
        if (orgId == 0) revert AccessMissingRole(msg.sender, role);
    }

    /// @dev The organisation of `account` if it is active and holds `role`, otherwise 0.
    function _roleOrg(uint8 role, address account) internal view returns (uint32) {
        return _consortium.roleOrg(role, account);
    }

    /// @dev True when `account`'s organisation is active and holds `role`.
    function _hasRole(uint8 role, address account) internal view returns (bool) {
        return _consortium.roleOrg(role, account) != 0;
    }
}
