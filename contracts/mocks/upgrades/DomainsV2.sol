// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {AssetMarket} from "../../assets/AssetMarket.sol";
import {AssetOffering} from "../../assets/AssetOffering.sol";
import {AssetPPA} from "../../assets/AssetPPA.sol";
import {AssetRegistry} from "../../assets/AssetRegistry.sol";
import {AssetShareToken} from "../../assets/AssetShareToken.sol";
import {AssetVending} from "../../assets/AssetVending.sol";
import {IAssetRegistry} from "../../interfaces/IAssetRegistry.sol";
import {IConsortium} from "../../interfaces/IConsortium.sol";
import {IDeviceRegistry} from "../../interfaces/IDeviceRegistry.sol";
import {IDeviceTelemetry} from "../../interfaces/IDeviceTelemetry.sol";
import {IMedicalRecords} from "../../interfaces/IMedicalRecords.sol";
import {ISupplyChain} from "../../interfaces/ISupplyChain.sol";
import {DeviceRegistry} from "../../iot/DeviceRegistry.sol";
import {HealthInsurance} from "../../medical/HealthInsurance.sol";
import {MedicalRecords} from "../../medical/MedicalRecords.sol";
import {ColdChain} from "../../pharma/ColdChain.sol";
import {EpcisAnchors} from "../../supplychain/EpcisAnchors.sol";
import {SupplyChain} from "../../supplychain/SupplyChain.sol";

/**
 * @dev Test-only: what every domain's next version adds in the system upgrade test (test/upgrades/system.test.ts):
 * a new view and a new field, kept in its own ERC-7201 namespace so it cannot overlap the version-1 state.
 */
abstract contract UpgradeV2Note {
    /// @custom:storage-location erc7201:citychain.storage.UpgradeV2Note
    struct UpgradeV2NoteStorage {
        bytes32 note;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.UpgradeV2Note")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant UPGRADE_V2_NOTE_STORAGE =
        0x98c2b395077450adb217347e1b120be4ea2e66b5c1cd0c4c19095ba878883e00;

    /// @dev The new view: which version of the code runs.
    function upgradeVersion() external pure returns (uint256) {
        return 2;
    }

    /// @dev Test-only setter of the new field (anyone: it guards nothing).
    function setV2Note(bytes32 note_) external {
        _v2Note().note = note_;
    }

    /// @dev The new field.
    function v2Note() external view returns (bytes32) {
        return _v2Note().note;
    }

    function _v2Note() private pure returns (UpgradeV2NoteStorage storage $) {
        assembly ("memory-safe") {
            $.slot := UPGRADE_V2_NOTE_STORAGE
        }
    }
}

/// @dev Test-only: SupplyChain version 2.
contract SupplyChainV2 is SupplyChain, UpgradeV2Note {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) SupplyChain(consortium_) {}
}

/// @dev Test-only: DeviceRegistry version 2.
/// Upgrade-only: the proxy ran version 1's initializer, this version has none of its own.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract DeviceRegistryV2 is DeviceRegistry, UpgradeV2Note {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) DeviceRegistry(consortium_) {}
}

/// @dev Test-only: ColdChain version 2.
contract ColdChainV2 is ColdChain, UpgradeV2Note {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortium consortium_,
        IDeviceTelemetry registry_,
        ISupplyChain supply_
    ) ColdChain(consortium_, registry_, supply_) {}
}

/// @dev Test-only: MedicalRecords version 2.
contract MedicalRecordsV2 is MedicalRecords, UpgradeV2Note {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) MedicalRecords(consortium_) {}
}

/// @dev Test-only: HealthInsurance version 2.
/// Upgrade-only: the proxy ran version 1's initializer, this version has none of its own.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract HealthInsuranceV2 is HealthInsurance, UpgradeV2Note {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortium consortium_,
        IMedicalRecords records_,
        IERC20 token_
    ) HealthInsurance(consortium_, records_, token_) {}
}

/// @dev Test-only: AssetRegistry version 2.
contract AssetRegistryV2 is AssetRegistry, UpgradeV2Note {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) AssetRegistry(consortium_) {}
}

/// @dev Test-only: AssetOffering version 2.
/// Upgrade-only: the proxy ran version 1's initializer, this version has none of its own.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract AssetOfferingV2 is AssetOffering, UpgradeV2Note {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_, IAssetRegistry registry_) AssetOffering(consortium_, registry_) {}
}

/// @dev Test-only: AssetMarket version 2.
/// Upgrade-only: the proxy ran version 1's initializer, this version has none of its own.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract AssetMarketV2 is AssetMarket, UpgradeV2Note {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_, IAssetRegistry registry_) AssetMarket(consortium_, registry_) {}
}

/// @dev Test-only: AssetShareToken version 2 (every asset's token moves to it with one beacon upgrade).
/// Upgrade-only: each token proxy ran version 1's initializer, this version has none of its own.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract AssetShareTokenV2 is AssetShareToken, UpgradeV2Note {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortium consortium_,
        address registry_,
        address offering_,
        address market_
    ) AssetShareToken(consortium_, registry_, offering_, market_) {}
}

/// @dev Test-only: AssetPPA version 2.
/// Upgrade-only: the proxy ran version 1's initializer, this version has none of its own.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract AssetPPAV2 is AssetPPA, UpgradeV2Note {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortium consortium_,
        IAssetRegistry registry_,
        IDeviceRegistry devices_
    ) AssetPPA(consortium_, registry_, devices_) {}
}

/// @dev Test-only: AssetVending version 2.
/// Upgrade-only: the proxy ran version 1's initializer, this version has none of its own.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract AssetVendingV2 is AssetVending, UpgradeV2Note {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortium consortium_,
        IAssetRegistry registry_,
        IDeviceRegistry devices_
    ) AssetVending(consortium_, registry_, devices_) {}
}

/// @dev Test-only: EpcisAnchors version 2.
/// Upgrade-only: the proxy ran version 1's initializer, this version has none of its own.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract EpcisAnchorsV2 is EpcisAnchors, UpgradeV2Note {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) EpcisAnchors(consortium_) {}
}
