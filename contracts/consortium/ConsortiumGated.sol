// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {IConsortiumGated} from "../interfaces/IConsortiumGated.sol";
import {ConsortiumGatedCore} from "./ConsortiumGatedCore.sol";

/**
 * @title ConsortiumGated
 * @notice Base of every domain contract: permissions come from the consortium, never from local role tables, so a
 * suspended organisation loses every right in every domain in the same block. Each domain sits behind an ERC-1967
 * proxy (UUPS): only the consortium, applying a voted and delayed upgrade, can replace its code; a regulator can stop
 * it at once and only a vote restarts it.
 * @dev ConsortiumGatedCore plus UUPS: `_authorizeUpgrade` refuses an implementation wired to another consortium, so
 * every implementation of a proxy carries the same one. Everything else lives in ERC-7201 namespaced storage.
 */
abstract contract ConsortiumGated is ConsortiumGatedCore, UUPSUpgradeable {
    /// @param consortium_ The consortium contract (its proxy).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) ConsortiumGatedCore(consortium_) {}

    /// @dev Only the consortium applies an upgrade (after the vote, the delay and the code-hash check), and only to an
    /// implementation of the same consortium.
    function _authorizeUpgrade(address newImplementation) internal view override {
        IConsortium c = consortium();
        if (msg.sender != address(c)) revert AccessUpgradeNotVoted(msg.sender);
        try IConsortiumGated(newImplementation).consortium() returns (IConsortium next) {
            if (next != c) revert AccessUpgradeRewires(newImplementation);
        } catch {
            revert AccessUpgradeRewires(newImplementation);
        }
    }
}
