// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title Roles
 * @notice The consortium's role identifiers. A role is a bit in an organisation's 16-bit role set, so
 * `hasRole` is a mask test and an organisation can hold several roles at once.
 */
library Roles {
    uint8 internal constant MANUFACTURER = 0;
    uint8 internal constant DISTRIBUTOR = 1;
    uint8 internal constant CARRIER = 2;
    uint8 internal constant HOSPITAL = 3;
    uint8 internal constant REGULATOR = 4;
    uint8 internal constant INSURER = 5;
    uint8 internal constant ASSET_OPERATOR = 6;
    uint8 internal constant GRID_OPERATOR = 7;
    uint8 internal constant DEVICE_MANAGER = 8;
    uint8 internal constant INVESTOR = 9;
    uint8 internal constant PATIENT = 10;
    uint8 internal constant KYC_PROVIDER = 11;
    /// @dev The highest defined role; role sets with bits above it are refused.
    uint8 internal constant MAX_ROLE = 11;

    /// @dev Roles held by natural persons (admitted by KYC, not by vote). They never vote.
    uint16 internal constant PERSON_ROLES = uint16(1 << INVESTOR) | uint16(1 << PATIENT);

    /// @notice The bit mask of one role.
    function mask(uint8 role) internal pure returns (uint16) {
        return uint16(1) << role;
    }
}
