// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ConsortiumGated} from "../consortium/ConsortiumGated.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";

/// @dev Test-only: exercises ConsortiumGated on its own, before any domain contract uses it.
contract GatedProbe is ConsortiumGated {
    uint32 public lastOrg;

    constructor(IConsortium consortium_) ConsortiumGated(consortium_) {}

    function act(uint8 role) external {
        lastOrg = _requireRole(role);
    }

    function check(uint8 role, address account) external view returns (bool, uint32) {
        return (_hasRole(role, account), _roleOrg(role, account));
    }
}
