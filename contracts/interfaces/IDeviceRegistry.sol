// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title IDeviceRegistry
 * @notice The small view other domains (cold chain, solar meters, vending controllers) use to trust a device:
 * which organisation owns it, what kind of device it is, and whether it may report right now.
 * @dev Device kinds: 1 temperature sensor, 2 power meter, 3 vending controller (see `DeviceKinds`).
 */
interface IDeviceRegistry {
    /// @notice The owner organisation, kind and current trust of a device.
    /// @param device The device's own key (address).
    /// @return ownerOrg The owning organisation (0 when unknown).
    /// @return kind The device kind (0 when unknown).
    /// @return active True when registered, not suspended or revoked, calibrated and running allowed firmware.
    function deviceOf(address device) external view returns (uint32 ownerOrg, uint8 kind, bool active);
}
