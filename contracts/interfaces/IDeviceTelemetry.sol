// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IDeviceRegistry} from "./IDeviceRegistry.sol";

/**
 * @title IDeviceTelemetry
 * @notice Device identities and signed telemetry. A DEVICE_MANAGER registers a device whose own key signs the
 * registration (proof of possession); devices run firmware from an allow-list with anti-rollback by version,
 * carry a calibration deadline, and can be suspended, transferred and revoked from a time on. Devices sign
 * batches of readings (EIP-712, strictly increasing sequence); any relayer submits them and each accepted batch
 * anchors a Merkle root so that any single reading can later be proven.
 * @dev Readings are packed 4 bytes each: `uint16` seconds after the batch's `baseTime` (strictly increasing)
 * then `int16` centi-degrees (or centi-units of the device kind). Merkle leaves are the 32-byte words of the
 * packed readings (8 readings per word, the last one zero-padded):
 * `leaf = keccak256(abi.encodePacked(uint64 baseTime, uint16 count, uint16 wordIndex, bytes32 word))`,
 * pairs hashed sorted (OpenZeppelin `MerkleProof`), an odd node carried up unchanged. The registry stores the
 * full 256-bit root of each batch (one slot per batch), so even the device key's holder cannot make a second batch
 * that matches an anchored root (a 2^128 collision search at least).
 * Firmware policy belongs to the managing organisation: each DEVICE_MANAGER organisation lists the firmware its
 * devices may run and sets its own version floors; the city-wide list and floors (organisation 0) are a
 * REGULATOR's. A device runs its manager's listing of a digest, else the city's; a listing is held to the floor of
 * the organisation that made it.
 */
interface IDeviceTelemetry is IDeviceRegistry {
    /// @notice Lifecycle of a device.
    enum DeviceStatus {
        None,
        Active,
        Suspended,
        Revoked
    }

    /// @notice A registered device (as the `device` view returns it).
    struct Device {
        uint32 ownerOrg;
        uint8 kind;
        DeviceStatus status;
        uint40 calibratedUntil;
        uint40 revokedFrom;
        uint40 lastTimestamp;
        uint64 lastSequence;
        uint32 managerOrg;
        uint32 firmwareVersion;
        uint40 registeredAt;
        bytes32 firmware;
        bytes32 metadataHash;
    }

    /// @notice A firmware image on an allow-list (`listedBy`: the DEVICE_MANAGER organisation, 0 for the city's).
    struct Firmware {
        uint8 kind;
        uint32 version;
        bool allowed;
        uint32 listedBy;
    }

    /// @notice What a device registers, signed by the device key: it names the DEVICE_MANAGER organisation that
    /// may submit it, and carries the device's registration nonce (`registrationNonce`) and a deadline, so that
    /// neither another manager nor a replay can use the signature.
    struct Registration {
        address device;
        uint8 kind;
        uint32 ownerOrg;
        uint32 managerOrg;
        bytes32 firmware;
        uint64 calibratedUntil;
        bytes32 metadataHash;
        uint64 nonce;
        uint64 deadline;
    }

    /// @notice A device-signed batch of readings. `sink`, when not zero, is the only contract that may submit it.
    struct TelemetryBatch {
        address device;
        uint64 sequence;
        uint64 baseTime;
        address sink;
        bytes readings;
    }

    /// @notice What a consuming contract asks the registry to watch for while it reads a batch.
    struct Watch {
        int16 low;
        int16 high;
        int16 hardLow;
        int16 hardHigh;
        uint32 maxInterval;
    }

    /// @notice What one pass over an accepted batch found. Intervals are sample-and-hold: a reading stands for
    /// the time until the next reading of the batch; the last reading's interval is the caller's business.
    struct BatchSummary {
        bytes32 root;
        uint64 firstTimestamp;
        uint64 lastTimestamp;
        uint16 count;
        int16 firstValue;
        int16 lastValue;
        uint32 outsideSeconds;
        bool broke;
    }

    /// @notice A firmware image was added to an allow-list or its permission changed.
    /// @param org The listing organisation (0: the city-wide list, a REGULATOR's).
    /// @param digest The firmware digest.
    /// @param kind The device kind it runs on.
    /// @param version Its version (anti-rollback).
    /// @param allowed Whether devices may run it.
    event FirmwareSet(uint32 indexed org, bytes32 indexed digest, uint8 indexed kind, uint32 version, bool allowed);
    /// @notice The lowest firmware version a kind may run under an organisation's listings changed.
    /// @param org The organisation (0: the city's floor).
    /// @param kind The device kind.
    /// @param previousFloor The floor before.
    /// @param floor The new floor.
    /// @param reasonHash Why it went down (zero for a raise).
    event FirmwareFloorSet(
        uint32 indexed org,
        uint8 indexed kind,
        uint32 previousFloor,
        uint32 floor,
        bytes32 reasonHash
    );
    /// @notice A device was registered.
    /// @param device The device key.
    /// @param ownerOrg The owning organisation.
    /// @param managerOrg The DEVICE_MANAGER organisation that manages it.
    /// @param kind The device kind.
    /// @param firmware The firmware digest.
    /// @param calibratedUntil Calibration deadline.
    /// @param metadataHash Hash of the off-chain metadata.
    event DeviceRegistered(
        address indexed device,
        uint32 indexed ownerOrg,
        uint32 indexed managerOrg,
        uint8 kind,
        bytes32 firmware,
        uint64 calibratedUntil,
        bytes32 metadataHash
    );
    /// @notice A device was suspended or resumed.
    /// @param device The device.
    /// @param suspended True when suspended, false when resumed.
    event DeviceSuspensionChanged(address indexed device, bool suspended);
    /// @notice A device changed owner organisation.
    /// @param device The device.
    /// @param fromOrg The previous owner.
    /// @param toOrg The new owner.
    event DeviceTransferred(address indexed device, uint32 indexed fromOrg, uint32 indexed toOrg);
    /// @notice A device was revoked: readings from `fromTime` on are refused.
    /// @param device The device.
    /// @param fromTime The first refused reading time.
    /// @param reasonHash Hash of the reason.
    event DeviceRevoked(address indexed device, uint64 fromTime, bytes32 reasonHash);
    /// @notice A device was recalibrated.
    /// @param device The device.
    /// @param calibratedUntil The new deadline.
    /// @param certificateHash Hash of the calibration certificate.
    event DeviceRecalibrated(address indexed device, uint64 calibratedUntil, bytes32 certificateHash);
    /// @notice A device moved to a newer firmware.
    /// @param device The device.
    /// @param firmware The new digest.
    /// @param version The new version.
    event DeviceFirmwareUpdated(address indexed device, bytes32 firmware, uint32 version);
    /// @notice A signed batch was accepted and its readings anchored (the submitter is the transaction's `to`
    /// contract or sender; the registry does not repeat it).
    /// @param device The device.
    /// @param sequence The batch sequence.
    /// @param root Merkle root over the batch's reading words (stored in full: `batchRoot`).
    /// @param firstTimestamp Time of the first reading.
    /// @param lastTimestamp Time of the last reading.
    /// @param count Number of readings.
    event BatchAnchored(
        address indexed device,
        uint64 indexed sequence,
        bytes32 root,
        uint64 firstTimestamp,
        uint64 lastTimestamp,
        uint16 count
    );

    /// @dev The device was never registered.
    error DeviceUnknown(address device);
    /// @dev The device is already registered.
    error DeviceExists(address device);
    /// @dev The device is not active (suspended, revoked) for this operation.
    error DeviceNotActive(address device, DeviceStatus status);
    /// @dev The caller's DEVICE_MANAGER organisation does not manage the device.
    error DeviceNotManager(address device, uint32 orgId);
    /// @dev The kind is not a defined device kind.
    error DeviceInvalidKind(uint8 kind);
    /// @dev The organisation is not an active member.
    error DeviceInvalidOwner(uint32 orgId);
    /// @dev The firmware is not allowed (unknown, disallowed, wrong kind or below the kind's floor).
    error DeviceFirmwareNotAllowed(bytes32 digest);
    /// @dev The firmware is already listed with a different kind or version.
    error DeviceFirmwareMismatch(bytes32 digest, uint8 kind, uint32 version);
    /// @dev A firmware update must raise the version.
    error DeviceFirmwareRollback(address device, uint32 currentVersion, uint32 version);
    /// @dev `raiseFirmwareFloor` must raise the floor (and the city floor must change).
    error DeviceFloorNotRaised(uint8 kind, uint32 floor, uint32 requested);
    /// @dev `lowerFirmwareFloor` must lower the floor.
    error DeviceFloorNotLowered(uint8 kind, uint32 floor, uint32 requested);
    /// @dev The signed registration names another managing organisation than the caller's.
    error DeviceRegistrationWrongManager(address device, uint32 signedManager, uint32 callerOrg);
    /// @dev The signed registration's nonce is not the device's current registration nonce.
    error DeviceRegistrationNonceUsed(address device, uint64 nonce, uint64 expected);
    /// @dev The calibration deadline has passed (or is not in the future at registration).
    error DeviceCalibrationExpired(address device, uint64 calibratedUntil, uint64 at);
    /// @dev The signed registration is past its deadline.
    error DeviceRegistrationExpired(address device, uint64 deadline);
    /// @dev The signature was not made by the device key.
    error DeviceInvalidSignature(address device, address signer);
    /// @dev The revocation time is before the device's registration.
    error DeviceInvalidRevocationTime(address device, uint64 fromTime);
    /// @dev Readings at or after the revocation time are refused.
    error DeviceRevokedAt(address device, uint64 revokedFrom, uint64 timestamp);
    /// @dev The batch names another submitting contract.
    error DeviceWrongSink(address device, address sink, address caller);
    /// @dev The sequence is not above the last accepted one (replay or out of order).
    error DeviceSequenceNotIncreasing(address device, uint64 sequence, uint64 lastSequence);
    /// @dev The batch is empty or not made of whole 4-byte readings.
    error DeviceMalformedReadings(uint256 length);
    /// @dev The batch has more readings than allowed.
    error DeviceBatchTooLarge(uint256 count, uint256 max);
    /// @dev Reading times must strictly increase inside a batch.
    error DeviceReadingsNotIncreasing(uint256 index);
    /// @dev The batch starts at or before the previous batch's last reading.
    error DeviceStaleBatch(address device, uint64 firstTimestamp, uint64 lastTimestamp);
    /// @dev A reading lies in the future.
    error DeviceFutureReading(address device, uint64 timestamp, uint64 blockTime);
    /// @dev The allow-list holds 65535 firmware images already.
    error DeviceFirmwareListFull();
    /// @dev The owner transfer goes nowhere new.
    error DeviceSameOwner(address device, uint32 orgId);

    /// @notice Add a firmware image to the caller's DEVICE_MANAGER organisation's allow-list, or change whether it
    /// is allowed there. Other organisations' lists are out of reach.
    /// @param digest The firmware digest.
    /// @param kind The device kind it runs on (fixed at first listing).
    /// @param version Its version (fixed at first listing).
    /// @param allowed Whether devices may run it.
    function setFirmware(bytes32 digest, uint8 kind, uint32 version, bool allowed) external;

    /// @notice Add or change a firmware image on the city-wide allow-list (any manager's devices may run it).
    /// REGULATOR only.
    /// @param digest The firmware digest.
    /// @param kind The device kind.
    /// @param version Its version.
    /// @param allowed Whether devices may run it.
    function setCityFirmware(bytes32 digest, uint8 kind, uint32 version, bool allowed) external;

    /// @notice Raise the lowest version a kind may run under the caller's organisation's listings (anti-rollback
    /// for its own fleet). DEVICE_MANAGER only.
    /// @param kind The device kind.
    /// @param floor The new floor.
    function raiseFirmwareFloor(uint8 kind, uint32 floor) external;

    /// @notice Correct a floor set too high for the caller's organisation's listings. DEVICE_MANAGER only.
    /// @param kind The device kind.
    /// @param floor The new, lower floor.
    /// @param reasonHash Hash of the reason.
    function lowerFirmwareFloor(uint8 kind, uint32 floor, bytes32 reasonHash) external;

    /// @notice Set the city-wide floor (applies to city-listed firmware), up or down. REGULATOR only.
    /// @param kind The device kind.
    /// @param floor The new floor.
    /// @param reasonHash Hash of the reason.
    function setCityFirmwareFloor(uint8 kind, uint32 floor, bytes32 reasonHash) external;

    /// @notice Register a device that signed `registration` with its own key. The DEVICE_MANAGER organisation the
    /// registration names, with the device's current nonce, before the deadline.
    /// @param registration The registration data.
    /// @param signature The device's EIP-712 signature over it.
    function registerDevice(Registration calldata registration, bytes calldata signature) external;

    /// @notice Suspend or resume a device. Its managing DEVICE_MANAGER only.
    /// @param device The device.
    /// @param suspended True to suspend, false to resume.
    function setSuspended(address device, bool suspended) external;

    /// @notice Transfer a device to another owner organisation. Its managing DEVICE_MANAGER only.
    /// @param device The device.
    /// @param toOrg The new owner.
    function transferDevice(address device, uint32 toOrg) external;

    /// @notice Revoke a device: readings timed at or after `fromTime` are refused for ever. Managing DEVICE_MANAGER.
    /// @param device The device.
    /// @param fromTime The first refused reading time (may be in the past, not before registration).
    /// @param reasonHash Hash of the reason.
    function revokeDevice(address device, uint64 fromTime, bytes32 reasonHash) external;

    /// @notice Record a new calibration. Managing DEVICE_MANAGER only.
    /// @param device The device.
    /// @param calibratedUntil The new deadline (in the future).
    /// @param certificateHash Hash of the calibration certificate.
    function recalibrate(address device, uint64 calibratedUntil, bytes32 certificateHash) external;

    /// @notice Move a device to a newer allowed firmware. Managing DEVICE_MANAGER only.
    /// @param device The device.
    /// @param digest The new firmware digest.
    function updateFirmware(address device, bytes32 digest) external;

    /// @notice Submit a device-signed batch; anyone may relay it (or only `batch.sink` when set). In the same pass
    /// the registry measures the batch for the caller, so a consuming contract never re-reads the readings:
    /// the seconds spent outside [watch.low, watch.high], and whether any reading lies outside
    /// [watch.hardLow, watch.hardHigh] or any two consecutive readings are more than `watch.maxInterval` apart.
    /// @param batch The batch.
    /// @param signature The device's EIP-712 signature.
    /// @param watch What to watch for (the int16 extremes and 65535 s watch for nothing).
    /// @return summary The anchored root, the time span and the measurements.
    function submitBatch(
        TelemetryBatch calldata batch,
        bytes calldata signature,
        Watch calldata watch
    ) external returns (BatchSummary memory summary);

    /// @notice A device's full record.
    /// @param device The device.
    /// @return The record (status None when unknown).
    function device(address device) external view returns (Device memory);

    /// @notice A firmware image's listing by an organisation.
    /// @param org The listing organisation (0: the city's list).
    /// @param digest The digest.
    /// @return The listing (kind 0 when unknown).
    function firmware(uint32 org, bytes32 digest) external view returns (Firmware memory);

    /// @notice The lowest firmware version a kind may run under an organisation's listings.
    /// @param org The organisation (0: the city's floor).
    /// @param kind The device kind.
    /// @return The floor.
    function firmwareFloor(uint32 org, uint8 kind) external view returns (uint32);

    /// @notice The nonce the device's next signed registration must carry.
    /// @param device The device.
    /// @return The nonce.
    function registrationNonce(address device) external view returns (uint64);

    /// @notice The sequence of the device's last accepted batch (0 when none).
    /// @param device The device.
    /// @return The sequence.
    function lastSequence(address device) external view returns (uint64);

    /// @notice The full Merkle root anchored for a batch.
    /// @param device The device.
    /// @param sequence The batch sequence.
    /// @return The root (zero when no such batch).
    function batchRoot(address device, uint64 sequence) external view returns (bytes32);

    /// @notice Prove one reading of an anchored batch and decode it.
    /// @param device The device.
    /// @param sequence The batch sequence.
    /// @param baseTime The batch's base time.
    /// @param count The batch's number of readings.
    /// @param index The reading's index in the batch.
    /// @param word The 32-byte word of packed readings holding it (word `index / 8`).
    /// @param proof The Merkle proof of that word.
    /// @return valid True when the word is in the anchored batch, `index < count`, and the reading is not timed at
    /// or after the device's revocation: the proof's root equals the full anchored root.
    /// @return timestamp The reading's time.
    /// @return value The reading (centi-degrees for a temperature sensor).
    function verifyReading(
        address device,
        uint64 sequence,
        uint64 baseTime,
        uint16 count,
        uint16 index,
        bytes32 word,
        bytes32[] calldata proof
    ) external view returns (bool valid, uint64 timestamp, int16 value);

    /// @notice The EIP-712 digest a device signs for its registration.
    /// @param registration The registration.
    /// @return The digest.
    function registrationDigest(Registration calldata registration) external view returns (bytes32);

    /// @notice The EIP-712 digest a device signs for a batch.
    /// @param batch The batch.
    /// @return The digest.
    function batchDigest(TelemetryBatch calldata batch) external view returns (bytes32);
}
