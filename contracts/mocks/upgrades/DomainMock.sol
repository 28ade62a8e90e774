// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ConsortiumGated} from "../../consortium/ConsortiumGated.sol";
import {IConsortium} from "../../interfaces/IConsortium.sol";
import {Roles} from "../../libraries/Roles.sol";

/// @dev Test-only: the smallest domain contract (behind a proxy, gated, pausable) for the consortium's upgrade tests.
contract DomainMock is ConsortiumGated {
    /// @custom:storage-location erc7201:citychain.storage.DomainMock
    struct DomainMockStorage {
        uint256 counter;
        string label;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.DomainMock")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant DOMAIN_MOCK_STORAGE = 0x5124db3eb549bf5740683faf979fca9c1f05a407e91aea52af842ac5b25a0a00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) ConsortiumGated(consortium_) {}

    function initialize(string calldata label_) external initializer {
        __UUPSUpgradeable_init();
        _mock().label = label_;
    }

    /// @dev A state-changing function the emergency stop closes.
    function bump() external whenNotPaused {
        _requireRole(Roles.MANUFACTURER);
        ++_mock().counter;
    }

    function counter() external view returns (uint256) {
        return _mock().counter;
    }

    function label() external view returns (string memory) {
        return _mock().label;
    }

    function _mock() private pure returns (DomainMockStorage storage $) {
        assembly ("memory-safe") {
            $.slot := DOMAIN_MOCK_STORAGE
        }
    }
}

/// @dev Test-only: the domain's next version (a new view).
contract DomainMockV2 is DomainMock {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) DomainMock(consortium_) {}

    function version() external pure returns (string memory) {
        return "2";
    }
}

/// @dev Test-only: a contract that is not UUPS-proxiable (installing it behind a proxy would brick the proxy); also
/// the first implementation behind a test beacon.
contract PlainV1Mock {
    function version() external pure returns (string memory) {
        return "1";
    }
}

/// @dev Test-only: the second implementation behind a test beacon.
contract PlainV2Mock {
    function version() external pure returns (string memory) {
        return "2";
    }
}
