// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Vm} from "./Vm.sol";

/**
 * @title FuzzBase
 * @notice Minimal in-repo replacement for forge-std's Test + StdInvariant: the cheatcode handle, assertions that
 * revert with a readable message (a revert in an invariant_ function is a failure), input bounding, and the
 * target registry that forge's invariant runner reads through the `targetContracts()` / `targetSenders()` /
 * `targetSelectors()` / `excludeSenders()` selectors (same names and return types as forge-std).
 */
abstract contract FuzzBase {
    /// @dev Foundry's cheatcode address: address(uint160(uint256(keccak256("hevm cheat code")))).
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    /// @notice Mirrors forge-std's FuzzSelector: a target contract and the selectors the runner may call on it.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    address[] private _targetedContracts;
    address[] private _targetedSenders;
    address[] private _excludedSenders;
    FuzzSelector[] private _targetedSelectors;

    /// @notice Read by forge: contracts whose non-view functions the campaign calls.
    function targetContracts() public view returns (address[] memory) {
        return _targetedContracts;
    }

    /// @notice Read by forge: the msg.sender values the campaign uses (random senders when empty).
    function targetSenders() public view returns (address[] memory) {
        return _targetedSenders;
    }

    /// @notice Read by forge: senders the campaign never uses.
    function excludeSenders() public view returns (address[] memory) {
        return _excludedSenders;
    }

    /// @notice Read by forge: restricts a target contract to the listed selectors.
    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetedSelectors;
    }

    function targetContract(address target) internal {
        _targetedContracts.push(target);
    }

    function targetSender(address sender) internal {
        _targetedSenders.push(sender);
    }

    function excludeSender(address sender) internal {
        _excludedSenders.push(sender);
    }

    function targetSelector(FuzzSelector memory selector) internal {
        _targetedSelectors.push(selector);
    }

    // ------------------------------------------------------------------ assertions

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert(string.concat("assertion failed: ", what));
    }

    function assertEq(uint256 a, uint256 b, string memory what) internal pure {
        if (a != b) {
            revert(string.concat("assertion failed: ", what, ": ", _toString(a), " != ", _toString(b)));
        }
    }

    function assertEq(address a, address b, string memory what) internal pure {
        if (a != b) revert(string.concat("assertion failed: ", what, ": addresses differ"));
    }

    function assertLe(uint256 a, uint256 b, string memory what) internal pure {
        if (a > b) revert(string.concat("assertion failed: ", what, ": ", _toString(a), " > ", _toString(b)));
    }

    function assertGe(uint256 a, uint256 b, string memory what) internal pure {
        if (a < b) revert(string.concat("assertion failed: ", what, ": ", _toString(a), " < ", _toString(b)));
    }

    function _toString(uint256 value) internal pure returns (string memory) {
        if (value == 0) return "0";
        uint256 digits;
        for (uint256 v = value; v != 0; v /= 10) ++digits;
        bytes memory buffer = new bytes(digits);
        for (; value != 0; value /= 10) buffer[--digits] = bytes1(uint8(48 + (value % 10)));
        return string(buffer);
    }
}

/**
 * @title HandlerBase
 * @notice Base of every handler: the actor pool, input bounding and cheatcodes. A handler exposes one function per
 * action; forge calls them in random order with random arguments, the handler turns those into mostly valid calls
 * (bounded ids, amounts, callers picked from the pool) so the campaign reaches deep states.
 */
abstract contract HandlerBase {
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    /// @dev Calls made by this handler that the target accepted, per action name (for the campaign summary).
    mapping(bytes32 action => uint256) public accepted;

    /// @dev Maps `x` into [min, max] uniformly enough for fuzzing (forge-std's bound without the logging).
    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (max <= min) return min;
        uint256 size = max - min + 1;
        return min + (x % size);
    }

    /// @dev Picks an element of `pool` from a fuzzed seed.
    function _pick(address[] storage pool, uint256 seed) internal view returns (address) {
        return pool[seed % pool.length];
    }

    function _accepted(bytes32 action) internal {
        ++accepted[action];
    }
}
