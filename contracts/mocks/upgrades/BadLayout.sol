// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ConsortiumGated} from "../../consortium/ConsortiumGated.sol";
import {IConsortium} from "../../interfaces/IConsortium.sol";
import {ISupplyChain} from "../../interfaces/ISupplyChain.sol";
import {SupplyChain} from "../../supplychain/SupplyChain.sol";

/**
 * @dev Test-only: a SupplyChain "version 2" that the upgrade check must refuse (test/upgrades): it claims the
 * supply chain's ERC-7201 namespace but retypes its second field, `lots` (a lot's record becomes a bare hash), so
 * every lot already stored would be read as something else. Never deployed outside the tests.
 */
contract SupplyChainBadLayout is ConsortiumGated {
    /// @custom:storage-location erc7201:citychain.storage.SupplyChain
    struct SupplyChainStorage {
        mapping(uint64 gtin => ISupplyChain.Product) products;
        mapping(bytes32 lotId => bytes32) lots;
        mapping(bytes32 itemKey => SupplyChain.ItemData) items;
        mapping(uint64 sscc => SupplyChain.PalletData) pallets;
        mapping(uint64 sscc => mapping(uint256 index => bytes32)) palletLots;
        mapping(bytes32 itemKey => bool) cloneReports;
        mapping(address guardian => bool) guardians;
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) ConsortiumGated(consortium_) {}

    function initialize() external initializer {
        __UUPSUpgradeable_init();
    }
}
