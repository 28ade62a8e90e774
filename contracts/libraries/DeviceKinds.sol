// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title DeviceKinds
 * @notice Kinds of devices the registry knows. A kind is a small number so other domains can check it cheaply.
 */
library DeviceKinds {
    uint8 internal constant TEMPERATURE_SENSOR = 1;
    uint8 internal constant POWER_METER = 2;
    uint8 internal constant VENDING_CONTROLLER = 3;
    /// @dev The highest defined kind; larger kinds are refused.
    uint8 internal constant MAX_KIND = 3;
}
