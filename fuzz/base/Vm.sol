// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title Vm
 * @notice The subset of Foundry's cheatcodes the invariant suites use, declared here because forge-std cannot be
 * installed offline. Signatures are Foundry's (the cheatcode contract dispatches on these selectors).
 */
interface Vm {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    /// @notice Next call is made by `sender`.
    function prank(address sender) external;

    /// @notice Every following call is made by `sender` until stopPrank.
    function startPrank(address sender) external;

    /// @notice Ends startPrank.
    function stopPrank() external;

    /// @notice Sets block.timestamp.
    function warp(uint256 timestamp) external;

    /// @notice Sets block.number.
    function roll(uint256 blockNumber) external;

    /// @notice Sets the ether balance of `account`.
    function deal(address account, uint256 newBalance) external;

    /// @notice Names an address in traces.
    function label(address account, string calldata newLabel) external;

    /// @notice Discards the current fuzz input when `condition` is false.
    function assume(bool condition) external;

    /// @notice Starts recording emitted logs.
    function recordLogs() external;

    /// @notice Returns (and clears) the logs recorded since recordLogs or the last call.
    function getRecordedLogs() external returns (Log[] memory logs);

    /// @notice Address of the private key.
    function addr(uint256 privateKey) external pure returns (address);

    /// @notice Signs a digest.
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
}
