// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IConsortium} from "./IConsortium.sol";

/**
 * @title IConsortiumGated
 * @notice What every domain contract shares: the consortium it asks for permissions, the refusal it gives, the
 * emergency stop a regulator pulls and only a vote lifts, and upgrades that only the consortium's vote applies.
 */
interface IConsortiumGated {
    /// @notice A regulator stopped the domain's state-changing functions (those returning money stay open).
    /// @param by The regulator's account.
    /// @param orgId The regulator's organisation.
    /// @param at When (block timestamp).
    /// @param reason Why, in the regulator's words.
    event DomainPaused(address indexed by, uint32 indexed orgId, uint64 at, string reason);
    /// @notice The consortium's vote lifted the emergency stop.
    /// @param proposalId The executed proposal that lifted it.
    /// @param at When (block timestamp).
    event DomainUnpaused(uint256 indexed proposalId, uint64 at);

    /// @dev The caller's organisation is not an active member holding `role`.
    error AccessMissingRole(address account, uint8 role);
    /// @dev The consortium address given at deployment is zero.
    error AccessZeroConsortium();
    /// @dev The domain is stopped by a regulator; only functions that return money are open.
    error AccessDomainPaused();
    /// @dev `pauseDomain` on a domain that is already stopped, or `unpauseDomain` on one that is not.
    error AccessPauseUnchanged(bool paused);
    /// @dev Only the consortium contract (executing a vote) may call this; `caller` tried.
    error AccessNotConsortium(address caller);
    /// @dev An upgrade not applied by the consortium after a vote and its delay; `caller` tried.
    error AccessUpgradeNotVoted(address caller);
    /// @dev The new implementation is not a domain contract of the same consortium.
    error AccessUpgradeRewires(address implementation);

    /// @notice The consortium contract that decides who may do what.
    /// @return The consortium.
    function consortium() external view returns (IConsortium);

    /// @notice Stops every state-changing function of this domain except those that return money to its owners.
    /// @dev Any active regulator, at once. Lifting it needs a vote (`unpauseDomain` from the consortium).
    /// @param reason Why, recorded in the event.
    function pauseDomain(string calldata reason) external;

    /// @notice Lifts the emergency stop. Only the consortium calls it, when a vote to lift it is executed.
    /// @param proposalId The executed proposal.
    function unpauseDomain(uint256 proposalId) external;

    /// @notice Whether a regulator has stopped this domain.
    /// @return True while stopped.
    function domainPaused() external view returns (bool);
}
