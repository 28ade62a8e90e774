// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {IConsortiumGated} from "../interfaces/IConsortiumGated.sol";
import {Roles} from "../libraries/Roles.sol";

/**
 * @title ConsortiumGated
 * @notice Base of every domain contract: permissions come from the consortium, never from local role tables, so a
 * suspended organisation loses every right in every domain in the same block. Each domain sits behind an ERC-1967
 * proxy (UUPS): only the consortium, applying a voted and delayed upgrade, can replace its code; a regulator can stop
 * it at once and only a vote restarts it.
 * @dev The consortium's address is an immutable of the implementation: it costs no storage read per call, and
 * `_authorizeUpgrade` refuses an implementation wired to another consortium, so every implementation of a proxy
 * carries the same one. Everything else lives in ERC-7201 namespaced storage.
 */
abstract contract ConsortiumGated is Initializable, UUPSUpgradeable, IConsortiumGated {
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IConsortium private immutable _consortium;

    /// @custom:storage-location erc7201:citychain.storage.ConsortiumGated
    struct GatedStorage {
        bool paused;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.ConsortiumGated")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant GATED_STORAGE = 0x11bf43d1f22d53803b00375eb1648e277b4ea1ebfa7a81705a5dafce95206300;

    /// @param consortium_ The consortium contract (its proxy).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) {
        if (address(consortium_) == address(0)) revert AccessZeroConsortium();
        _consortium = consortium_;
        _disableInitializers();
    }

    /// @dev Refuses while a regulator has stopped the domain.
    modifier whenNotPaused() {
        if (_isDomainPaused()) revert AccessDomainPaused();
        _;
    }

    /// @inheritdoc IConsortiumGated
    function consortium() public view returns (IConsortium) {
        return _consortium;
    }

    /// @inheritdoc IConsortiumGated
    function pauseDomain(string calldata reason) external {
        uint32 orgId = _requireRole(Roles.REGULATOR);
        if (_isDomainPaused()) revert AccessPauseUnchanged(true);
        _setDomainPaused(true);
        emit DomainPaused(msg.sender, orgId, uint64(block.timestamp), reason);
    }

    /// @inheritdoc IConsortiumGated
    function unpauseDomain(uint256 proposalId) external {
        if (msg.sender != address(_consortium)) revert AccessNotConsortium(msg.sender);
        if (!_isDomainPaused()) revert AccessPauseUnchanged(false);
        _setDomainPaused(false);
        emit DomainUnpaused(proposalId, uint64(block.timestamp));
    }

    /// @inheritdoc IConsortiumGated
    function domainPaused() external view returns (bool) {
        return _isDomainPaused();
    }

    /// @dev Only the consortium applies an upgrade (after the vote, the delay and the code-hash check), and only to an
    /// implementation of the same consortium.
    function _authorizeUpgrade(address newImplementation) internal view override {
        if (msg.sender != address(_consortium)) revert AccessUpgradeNotVoted(msg.sender);
        try IConsortiumGated(newImplementation).consortium() returns (IConsortium c) {
            if (c != _consortium) revert AccessUpgradeRewires(newImplementation);
        } catch {
            revert AccessUpgradeRewires(newImplementation);
        }
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

    /// @dev Whether the domain is stopped. A domain may override this pair to keep the flag in a slot its hot paths
    /// read anyway (one cold storage read fewer per call); it then never uses the base's slot.
    function _isDomainPaused() internal view virtual returns (bool) {
        return _gated().paused;
    }

    /// @dev Records the pause flag (see `_isDomainPaused`).
    function _setDomainPaused(bool paused) internal virtual {
        _gated().paused = paused;
    }

    function _gated() private pure returns (GatedStorage storage $) {
        assembly ("memory-safe") {
            $.slot := GATED_STORAGE
        }
    }
}
