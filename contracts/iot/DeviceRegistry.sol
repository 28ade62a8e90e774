// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ConsortiumGated} from "../consortium/ConsortiumGated.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {IDeviceRegistry} from "../interfaces/IDeviceRegistry.sol";
import {IDeviceTelemetry} from "../interfaces/IDeviceTelemetry.sol";
import {DeviceKinds} from "../libraries/DeviceKinds.sol";
import {Roles} from "../libraries/Roles.sol";

/**
 * @title DeviceRegistry
 * @notice Device identities (registered by a DEVICE_MANAGER, proven by the device key) and device-signed
 * telemetry batches relayed by gateways, each anchored as a Merkle root. Shared by every domain that trusts
 * sensors: the cold chain, solar meters, vending controllers.
 */
contract DeviceRegistry is ConsortiumGated, EIP712, IDeviceTelemetry {
    /// @notice Most readings in one batch.
    uint256 public constant MAX_READINGS = 1024;
    /// @notice How far in the future (seconds) a reading may lie, to absorb clock drift between device and chain.
    uint256 public constant MAX_CLOCK_SKEW = 120;

    // Lane constants of `_scanWords`: 1, 0xffff, 0x8000, 0x10000 and 0x20000 repeated in each of the eight
    // 32-bit lanes of a word.
    uint256 private constant _LANES = 0x0000000100000001000000010000000100000001000000010000000100000001;
    uint256 private constant _LO16 = 0x0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff;
    uint256 private constant _BIAS = 0x0000800000008000000080000000800000008000000080000000800000008000;
    uint256 private constant _ONES16 = 0x0001000000010000000100000001000000010000000100000001000000010000;
    uint256 private constant _BIT17 = 0x0002000000020000000200000002000000020000000200000002000000020000;
    
    bytes32 private constant REGISTRATION_TYPEHASH =
        keccak256(
            "Registration(address device,uint8 kind,uint32 ownerOrg,bytes32 firmware,uint64 calibratedUntil,bytes32 metadataHash,uint64 deadline)"
        );
    bytes32 private constant BATCH_TYPEHASH =
        keccak256("TelemetryBatch(address device,uint64 sequence,uint64 baseTime,address sink,bytes readings)");

    mapping(address device => Device) private _devices;
    mapping(bytes32 digest => Firmware) private _firmware;
    mapping(uint8 kind => uint32) private _floors;
    mapping(address device => mapping(uint64 sequence => bytes32)) private _roots;

    /// @param consortium_ The consortium contract.
    constructor(IConsortium consortium_) ConsortiumGated(consortium_) EIP712("CityChain DeviceRegistry", "1") {}

    // ---------------------------------------------------------------- firmware allow-list

    /// @inheritdoc IDeviceTelemetry
    function setFirmware(bytes32 digest, uint8 kind, uint32 version, bool allowed) external {
        _requireRole(Roles.DEVICE_MANAGER);
        _requireKind(kind);
        Firmware storage fw = _firmware[digest];
        if (fw.kind == 0) {
            fw.kind = kind;
            fw.version = version;
        } else if (fw.kind != kind || fw.version != version) {
            revert DeviceFirmwareMismatch(digest, fw.kind, fw.version);
        }
        fw.allowed = allowed;
        emit FirmwareSet(digest, kind, version, allowed);
    }

    /// @inheritdoc IDeviceTelemetry
    function raiseFirmwareFloor(uint8 kind, uint32 floor) external {
        _requireRole(Roles.DEVICE_MANAGER);
        _requireKind(kind);
        uint32 previous = _floors[kind];
        if (floor <= previous) revert DeviceFloorNotRaised(kind, previous, floor);
        _floors[kind] = floor;
        emit FirmwareFloorRaised(kind, previous, floor);
    }

    // ---------------------------------------------------------------- device lifecycle

    /// @inheritdoc IDeviceTelemetry
    function registerDevice(Registration calldata r, bytes calldata signature) external {
        uint32 managerOrg = _requireRole(Roles.DEVICE_MANAGER);
        address dev = r.device;
        if (_devices[dev].status != DeviceStatus.None) revert DeviceExists(dev);
        // solhint-disable-next-line gas-strict-inequalities
        if (r.deadline < block.timestamp) revert DeviceRegistrationExpired(dev, r.deadline);
        _requireKind(r.kind);
        _requireActiveOrg(r.ownerOrg);
        Firmware memory fw = _firmware[r.firmware];
        if (!_firmwareAllowed(fw, r.kind)) revert DeviceFirmwareNotAllowed(r.firmware);
        // solhint-disable-next-line gas-strict-inequalities
        if (r.calibratedUntil <= block.timestamp || r.calibratedUntil > type(uint40).max) {
            revert DeviceCalibrationExpired(dev, r.calibratedUntil, uint64(block.timestamp));
        }
        bytes32 digest = _registrationDigest(r);
        _requireSigner(digest, signature, dev);

        Device storage d = _devices[dev];
        d.ownerOrg = r.ownerOrg;
        d.kind = r.kind;
        d.status = DeviceStatus.Active;
        d.calibratedUntil = uint40(r.calibratedUntil);
        d.managerOrg = managerOrg;
        d.firmwareVersion = fw.version;
        d.registeredAt = uint40(block.timestamp);
        d.firmware = r.firmware;
        d.metadataHash = r.metadataHash;
        emit DeviceRegistered(dev, r.ownerOrg, managerOrg, r.kind, r.firmware, r.calibratedUntil, r.metadataHash);
    }

    /// @inheritdoc IDeviceTelemetry
    function setSuspended(address dev, bool suspended) external {
        Device storage d = _managed(dev);
        DeviceStatus expected = suspended ? DeviceStatus.Active : DeviceStatus.Suspended;
        if (d.status != expected) revert DeviceNotActive(dev, d.status);
        d.status = suspended ? DeviceStatus.Suspended : DeviceStatus.Active;
        emit DeviceSuspensionChanged(dev, suspended);
    }

    /// @inheritdoc IDeviceTelemetry
    function transferDevice(address dev, uint32 toOrg) external {
        Device storage d = _managed(dev);
        if (d.status == DeviceStatus.Revoked) revert DeviceNotActive(dev, d.status);
        uint32 fromOrg = d.ownerOrg;
        if (toOrg == fromOrg) revert DeviceSameOwner(dev, toOrg);
        _requireActiveOrg(toOrg);
        d.ownerOrg = toOrg;
        emit DeviceTransferred(dev, fromOrg, toOrg);
    }

    /// @inheritdoc IDeviceTelemetry
    function revokeDevice(address dev, uint64 fromTime, bytes32 reasonHash) external {
        Device storage d = _managed(dev);
        if (d.status == DeviceStatus.Revoked) revert DeviceNotActive(dev, d.status);
        if (fromTime < d.registeredAt || fromTime > type(uint40).max) revert DeviceInvalidRevocationTime(dev, fromTime);
        d.status = DeviceStatus.Revoked;
        d.revokedFrom = uint40(fromTime);
        emit DeviceRevoked(dev, fromTime, reasonHash);
    }

    /// @inheritdoc IDeviceTelemetry
    function recalibrate(address dev, uint64 calibratedUntil, bytes32 certificateHash) external {
        Device storage d = _managed(dev);
        if (d.status == DeviceStatus.Revoked) revert DeviceNotActive(dev, d.status);
        // solhint-disable-next-line gas-strict-inequalities
        if (calibratedUntil <= block.timestamp || calibratedUntil > type(uint40).max) {
            revert DeviceCalibrationExpired(dev, calibratedUntil, uint64(block.timestamp));
        }
        d.calibratedUntil = uint40(calibratedUntil);
        emit DeviceRecalibrated(dev, calibratedUntil, certificateHash);
    }

    /// @inheritdoc IDeviceTelemetry
    function updateFirmware(address dev, bytes32 digest) external {
        Device storage d = _managed(dev);
        if (d.status == DeviceStatus.Revoked) revert DeviceNotActive(dev, d.status);
        Firmware memory fw = _firmware[digest];
        if (!_firmwareAllowed(fw, d.kind)) revert DeviceFirmwareNotAllowed(digest);
        // solhint-disable-next-line gas-strict-inequalities
        if (fw.version <= d.firmwareVersion) revert DeviceFirmwareRollback(dev, d.firmwareVersion, fw.version);
        d.firmware = digest;
        d.firmwareVersion = fw.version;
        emit DeviceFirmwareUpdated(dev, digest, fw.version);
    }

    // ---------------------------------------------------------------- telemetry

    /// @inheritdoc IDeviceTelemetry
    function submitBatch(
        TelemetryBatch calldata batch,
        bytes calldata signature,
        Watch calldata watch
    ) external returns (BatchSummary memory summary) {
        address dev = batch.device;
        Device storage d = _devices[dev];
        _checkHeader(d, batch);
        summary = _summarise(batch.baseTime, batch.readings, watch);
        _checkTimes(d, dev, summary.firstTimestamp, summary.lastTimestamp);
        _requireSigner(_batchDigest(batch), signature, dev);

        d.lastSequence = batch.sequence;
        d.lastTimestamp = uint40(summary.lastTimestamp);
        _roots[dev][batch.sequence] = summary.root;
        emit BatchAnchored(
            dev,
            batch.sequence,
            summary.root,
            summary.firstTimestamp,
            summary.lastTimestamp,
            summary.count,
            msg.sender
        );
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IDeviceRegistry
    function deviceOf(address dev) external view returns (uint32 ownerOrg, uint8 kind, bool active) {
        Device storage d = _devices[dev];
        ownerOrg = d.ownerOrg;
        kind = d.kind;
        active =
            d.status == DeviceStatus.Active &&
            d.calibratedUntil > block.timestamp &&
            _firmwareAllowed(_firmware[d.firmware], kind);
    }

    /// @inheritdoc IDeviceTelemetry
    function device(address dev) external view returns (Device memory) {
        return _devices[dev];
    }

    /// @inheritdoc IDeviceTelemetry
    function firmware(bytes32 digest) external view returns (Firmware memory) {
        return _firmware[digest];
    }

    /// @inheritdoc IDeviceTelemetry
    function firmwareFloor(uint8 kind) external view returns (uint32) {
        return _floors[kind];
    }

    /// @inheritdoc IDeviceTelemetry
    function batchRoot(address dev, uint64 sequence) external view returns (bytes32) {
        return _roots[dev][sequence];
    }

    /// @inheritdoc IDeviceTelemetry
    function verifyReading(
        address dev,
        uint64 sequence,
        uint64 baseTime,
        uint16 count,
        uint16 index,
        bytes32 word,
        bytes32[] calldata proof
    ) external view returns (bool valid, uint64 timestamp, int16 value) {
        if (index >= count) return (false, 0, 0);
        valid = MerkleProof.verifyCalldata(proof, _roots[dev][sequence], _leaf(baseTime, count, index / 8, word));
        (timestamp, value) = _decode(baseTime, index, word);
    }

    /// @inheritdoc IDeviceTelemetry
    function registrationDigest(Registration calldata r) external view returns (bytes32) {
        return _registrationDigest(r);
    }

    /// @inheritdoc IDeviceTelemetry
    function batchDigest(TelemetryBatch calldata batch) external view returns (bytes32) {
        return _batchDigest(batch);
    }

    // ---------------------------------------------------------------- internals

    /// @dev Validates the packed readings (whole 4-byte readings, 1..MAX_READINGS, strictly increasing offsets),
    /// measures them and anchors their Merkle root, in one pass over the 32-byte words.
    function _summarise(
        uint64 baseTime,
        bytes calldata readings,
        Watch calldata watch
    ) private pure returns (BatchSummary memory s) {
        uint256 len = readings.length;
        if (len == 0 || len % 4 != 0) revert DeviceMalformedReadings(len);
        if (len / 4 > MAX_READINGS) revert DeviceBatchTooLarge(len / 4, MAX_READINGS);
        // count <= MAX_READINGS < 2^16 (checked above)
        s.count = uint16(len / 4);
        (uint256 nodes, uint256 words, bool flagged, uint256 added) = _scanWords(
            baseTime,
            s.count,
            readings,
            _laneConstants(watch)
        );
        if (flagged) {
            // Something stood out: either the offsets do not strictly increase (refused) or the watch broke.
            uint256 bad = _firstNotIncreasing(readings);
            if (bad != type(uint256).max) revert DeviceReadingsNotIncreasing(bad);
            s.broke = true;
        }
        // with increasing offsets each step is < 2^16 and there are < 2^10 of them: added < 2^26
        s.outsideSeconds = uint32(added);
        s.root = _merkleRoot(nodes, words);
        uint256 first = uint32(bytes4(readings[0:4]));
        uint256 last = uint32(bytes4(readings[len - 4:len]));
        s.firstValue = int16(uint16(first));
        s.lastValue = int16(uint16(last));
        // A sum beyond uint64 saturates, and `_checkTimes` then refuses it as a reading in the future.
        s.firstTimestamp = _saturate64(uint256(baseTime) + (first >> 16));
        s.lastTimestamp = _saturate64(uint256(baseTime) + (last >> 16));
    }

    /// @dev The per-lane constants of `_scanWords` for a watch. A word of readings is read as eight 32-bit lanes
    /// (uint16 offset, int16 value); adding a constant repeated in every lane tests all eight at once.
    function _laneConstants(Watch calldata watch) private pure returns (uint256[8] memory k) {
        uint256 maxInterval = watch.maxInterval;
        if (maxInterval == 0) maxInterval = 1;
        if (maxInterval > 0xffff) maxInterval = 0xffff;
        // biased bounds: int16 + 2^15 is in 0..0xffff, so every lane constant below is in 0..0x10000
        uint256 hardLow = uint256(int256(watch.hardLow) + 0x8000);
        uint256 hardHigh = uint256(int256(watch.hardHigh) + 0x8000);
        uint256 low = uint256(int256(watch.low) + 0x8000);
        uint256 high = uint256(int256(watch.high) + 0x8000);
        k[0] = (0x10000 - hardLow) * _LANES;
        k[1] = (0xffff - hardHigh) * _LANES;
        k[2] = (0x10000 - low) * _LANES;
        k[3] = (0xffff - high) * _LANES;
        k[4] = (0xffff - maxInterval) * _LANES;
    }

    /// @dev One pass over the 32-byte words of the readings, eight readings per step in SIMD-within-a-register
    /// style. For every word it writes the Merkle leaf to free memory (not reserved: used at once by
    /// `_merkleRoot`) and, lane-wise: biased values u = v + 2^15 (0..0xffff) and steps to the next offset
    /// d = next - offset + 0x10000 (1..0x1ffff, so no lane ever borrows from its neighbour). Then
    /// u + (0x10000 - lowB) has bit 16 set iff u >= lowB, u + (0xffff - highB) has bit 16 set iff u > highB, and
    /// d + 0xffff / d + (0xffff - maxInterval) have bit 17 set iff step >= 1 / step > maxInterval. `flagged` is
    /// set by a reading outside the hard band or a step that is 0, negative or too long; `added` sums the steps
    /// of readings outside [low, high] (a multiply by 1 + 2^32 + ... + 2^224 adds the eight lanes into the top
    /// one). Lanes past the last reading are masked; the last reading has no step.
    function _scanWords(
        uint64 baseTime,
        uint16 count,
        bytes calldata readings,
        uint256[8] memory k
    ) private pure returns (uint256 nodes, uint256 words, bool flagged, uint256 added) {
        assembly ("memory-safe") {
            nodes := mload(0x40)
            words := shr(5, add(readings.length, 31))
            mstore(add(k, 0xe0), shl(160, or(shl(32, baseTime), shl(16, count))))
            for {
                let w := 0
            } lt(w, words) {
                w := add(w, 1)
            } {
                let pos := shl(5, w)
                let word := calldataload(add(readings.offset, pos))
                {
                    let n := shr(2, sub(readings.length, pos))
                    switch lt(n, 9)
                    case 1 {
                        // the last word: n readings, n - 1 steps
                        mstore(add(k, 0xa0), not(shr(shl(5, n), not(0))))
                        mstore(add(k, 0xc0), not(shr(shl(5, sub(n, 1)), not(0))))
                        word := and(word, mload(add(k, 0xa0)))
                        n := 0
                    }
                    default {
                        mstore(add(k, 0xa0), not(0))
                        mstore(add(k, 0xc0), not(0))
                        n := shr(240, calldataload(add(add(readings.offset, pos), 32)))
                    }
                    // steps: lane i holds offset(i+1) - offset(i) + 0x10000; `n` is the next word's first offset
                    let o := and(shr(16, word), _LO16)
                    let d := sub(add(or(shl(32, o), n), _ONES16), o)
                    flagged := or(
                        flagged,
                        and(and(or(not(add(d, _LO16)), add(d, mload(add(k, 0x80)))), _BIT17), mload(add(k, 0xc0)))
                    )
                    // values: hard band over every reading, soft band weighted by each reading's step
                    let u := xor(and(word, _LO16), _BIAS)
                    flagged := or(
                        flagged,
                        and(and(or(not(add(u, mload(k))), add(u, mload(add(k, 0x20)))), _ONES16), mload(add(k, 0xa0)))
                    )
                    u := and(or(not(add(u, mload(add(k, 0x40)))), add(u, mload(add(k, 0x60)))), _ONES16)
                    u := and(sub(u, shr(16, u)), mload(add(k, 0xc0)))
                    added := add(added, shr(224, mul(and(d, u), _LANES)))
                }
                mstore(0x00, or(mload(add(k, 0xe0)), shl(160, w)))
                mstore(0x0c, word)
                mstore(add(nodes, pos), keccak256(0x00, 44))
            }
            flagged := iszero(iszero(flagged))
        }
    }

    /// @dev The index of the first reading whose offset does not exceed the previous one, or
    /// `type(uint256).max` when they strictly increase (slow path: only after `_measure` flagged something).
    function _firstNotIncreasing(bytes calldata readings) private pure returns (uint256) {
        uint256 previous = uint16(bytes2(readings[0:2]));
        for (uint256 i = 4; i < readings.length; i += 4) {
            uint256 offset = uint16(bytes2(readings[i:i + 2]));
            // solhint-disable-next-line gas-strict-inequalities
            if (offset <= previous) return i / 4;
            previous = offset;
        }
        return type(uint256).max;
    }

    /// @dev Reduces `words` leaves at `nodes` in place to their root: sorted pairs (OpenZeppelin `MerkleProof`
    /// compatible), an odd last node carried up unchanged.
    function _merkleRoot(uint256 nodes, uint256 words) private pure returns (bytes32 root) {
        assembly ("memory-safe") {
            for {
                let n := words
            } gt(n, 1) {
                n := shr(1, add(n, 1))
            } {
                let half := shr(1, n)
                for {
                    let i := 0
                } lt(i, half) {
                    i := add(i, 1)
                } {
                    let a := mload(add(nodes, shl(6, i)))
                    let b := mload(add(nodes, add(shl(6, i), 32)))
                    switch gt(a, b)
                    case 0 {
                        mstore(0x00, a)
                        mstore(0x20, b)
                    }
                    default {
                        mstore(0x00, b)
                        mstore(0x20, a)
                    }
                    mstore(add(nodes, shl(5, i)), keccak256(0x00, 0x40))
                }
                if and(n, 1) {
                    mstore(add(nodes, shl(5, half)), mload(add(nodes, shl(5, sub(n, 1)))))
                }
            }
            root := mload(nodes)
        }
    }

    /// @dev Device status, sink and sequence checks of a batch.
    function _checkHeader(Device storage d, TelemetryBatch calldata batch) private view {
        address dev = batch.device;
        DeviceStatus status = d.status;
        if (status == DeviceStatus.None) revert DeviceUnknown(dev);
        if (status == DeviceStatus.Suspended) revert DeviceNotActive(dev, status);
        if (batch.sink != address(0) && batch.sink != msg.sender) revert DeviceWrongSink(dev, batch.sink, msg.sender);
        uint64 lastSequence = d.lastSequence;
        // solhint-disable-next-line gas-strict-inequalities
        if (batch.sequence <= lastSequence) revert DeviceSequenceNotIncreasing(dev, batch.sequence, lastSequence);
    }

    /// @dev Time checks of a batch (after the previous one, not in the future, before revocation, calibrated)
    /// and the device's firmware. A last time that passes fits uint40.
    function _checkTimes(Device storage d, address dev, uint64 firstTimestamp, uint64 lastTimestamp) private view {
        // solhint-disable-next-line gas-strict-inequalities
        if (firstTimestamp <= d.lastTimestamp) revert DeviceStaleBatch(dev, firstTimestamp, d.lastTimestamp);
        if (lastTimestamp > block.timestamp + MAX_CLOCK_SKEW) {
            revert DeviceFutureReading(dev, lastTimestamp, uint64(block.timestamp));
        }
        // solhint-disable-next-line gas-strict-inequalities
        if (d.status == DeviceStatus.Revoked && lastTimestamp >= d.revokedFrom) {
            revert DeviceRevokedAt(dev, d.revokedFrom, lastTimestamp);
        }
        if (lastTimestamp > d.calibratedUntil) revert DeviceCalibrationExpired(dev, d.calibratedUntil, lastTimestamp);
        bytes32 fwDigest = d.firmware;
        if (!_firmwareAllowed(_firmware[fwDigest], d.kind)) revert DeviceFirmwareNotAllowed(fwDigest);
    }

    /// @dev EIP-712 digest of a registration.
    function _registrationDigest(Registration calldata r) private view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        REGISTRATION_TYPEHASH,
                        r.device,
                        r.kind,
                        r.ownerOrg,
                        r.firmware,
                        r.calibratedUntil,
                        r.metadataHash,
                        r.deadline
                    )
                )
            );
    }

    /// @dev EIP-712 digest of a telemetry batch (`bytes readings` hashed as EIP-712 prescribes).
    function _batchDigest(TelemetryBatch calldata batch) private view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        BATCH_TYPEHASH,
                        batch.device,
                        batch.sequence,
                        batch.baseTime,
                        batch.sink,
                        keccak256(batch.readings)
                    )
                )
            );
    }

    /// @dev The Merkle leaf of one 32-byte word of packed readings.
    function _leaf(uint64 baseTime, uint16 count, uint16 wordIndex, bytes32 word) private pure returns (bytes32) {
        return keccak256(abi.encodePacked(baseTime, count, wordIndex, word));
    }

    /// @dev Reading `index` of its word: (time, value).
    function _decode(uint64 baseTime, uint16 index, bytes32 word) private pure returns (uint64, int16) {
        uint256 packed = uint256(word) >> (224 - 32 * (uint256(index) % 8));
        // baseTime + a uint16 offset: a batch whose readings overflowed uint64 was never anchored.
        return (baseTime + uint64(uint16(packed >> 16)), int16(uint16(packed)));
    }

    function _saturate64(uint256 x) private pure returns (uint64) {
        return x > type(uint64).max ? type(uint64).max : uint64(x);
    }

    /// @dev The device managed by the caller's DEVICE_MANAGER organisation.
    function _managed(address dev) private view returns (Device storage d) {
        uint32 orgId = _requireRole(Roles.DEVICE_MANAGER);
        d = _devices[dev];
        if (d.status == DeviceStatus.None) revert DeviceUnknown(dev);
        if (d.managerOrg != orgId) revert DeviceNotManager(dev, orgId);
    }

    function _requireKind(uint8 kind) private pure {
        if (kind == 0 || kind > DeviceKinds.MAX_KIND) revert DeviceInvalidKind(kind);
    }

    function _requireActiveOrg(uint32 orgId) private view {
        IConsortium c = consortium();
        if (orgId == 0 || orgId > c.memberCount() || c.member(orgId).status != IConsortium.Status.Active) {
            revert DeviceInvalidOwner(orgId);
        }
    }

    function _firmwareAllowed(Firmware memory fw, uint8 kind) private view returns (bool) {
        return fw.allowed && fw.kind == kind && fw.version >= _floors[kind];
    }

    function _requireSigner(bytes32 digest, bytes calldata signature, address expected) private pure {
        (address signer, , ) = ECDSA.tryRecover(digest, signature);
        if (signer != expected) revert DeviceInvalidSignature(expected, signer);
    }
}
