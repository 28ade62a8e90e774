// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
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
contract DeviceRegistry is ConsortiumGated, EIP712Upgradeable, IDeviceTelemetry {
    /// @notice Most readings in one batch.
    uint256 public constant MAX_READINGS = 1024;
    /// @notice How far in the future (seconds) a reading may lie, to absorb clock drift between device and chain.
    uint256 public constant MAX_CLOCK_SKEW = 120;

    /// @dev The EIP-712 domain's name and version (unchanged since the registry was immutable).
    string private constant EIP712_NAME = "CityChain DeviceRegistry";
    string private constant EIP712_VERSION = "1";
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant NAME_HASH = keccak256(bytes(EIP712_NAME));
    bytes32 private constant VERSION_HASH = keccak256(bytes(EIP712_VERSION));

    /// @dev 1 + 2^32 + ... + 2^224: multiplying by it adds the eight 32-bit lanes of a word into the top one.
    uint256 private constant _LANES = 0x0000000100000001000000010000000100000001000000010000000100000001;

    bytes32 private constant REGISTRATION_TYPEHASH =
        keccak256(
            "Registration(address device,uint8 kind,uint32 ownerOrg,uint32 managerOrg,bytes32 firmware,uint64 calibratedUntil,bytes32 metadataHash,uint64 nonce,uint64 deadline)"
        );
    bytes32 private constant BATCH_TYPEHASH =
        keccak256("TelemetryBatch(address device,uint64 sequence,uint64 baseTime,address sink,bytes readings)");

    /// @dev Storage layout of a device: the telemetry hot path reads one slot (plus the firmware listing).
    struct DeviceData {
        uint32 ownerOrg;
        uint8 kind;
        DeviceStatus status;
        uint40 calibratedUntil;
        uint40 revokedFrom;
        uint40 lastTimestamp;
        uint64 lastSequence;
        uint16 firmwareId;
        uint32 managerOrg;
        uint40 registeredAt;
        // the nonce the next registration must carry; in the slot the registration writes anyway
        uint64 registrationNonce;
        bytes32 metadataHash;
    }

    /// @custom:storage-location erc7201:citychain.storage.DeviceRegistry
    struct DeviceRegistryStorage {
        mapping(address device => DeviceData) devices;
        /// @dev Firmware listings by id (1..65535); ids keep the device record in one hot slot. A listing belongs to
        /// the DEVICE_MANAGER organisation that made it (`listedBy`), or to the city (0) when a REGULATOR made it.
        mapping(uint16 id => Firmware) firmwareById;
        mapping(uint16 id => bytes32) firmwareDigest;
        mapping(uint32 org => mapping(bytes32 digest => uint16)) firmwareIds;
        uint16 firmwareCount;
        /// @dev Version floors per listing organisation (0: the city's) and device kind.
        mapping(uint32 org => mapping(uint8 kind => uint32)) floors;
        /// @dev Anchored roots, full 256 bits, one slot per batch.
        mapping(address device => mapping(uint64 sequence => bytes32)) roots;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.DeviceRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant DEVICE_REGISTRY_STORAGE =
        0xe182ab3cafca32d43d6aac48249e7ab21a64ab748a78966ad0cf126ee9efd000;

    /// @param consortium_ The consortium contract (its proxy).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) ConsortiumGated(consortium_) {}

    /// @notice Sets up the proxy: the EIP-712 domain ("CityChain DeviceRegistry", "1"), the same as before the
    /// registry was upgradeable, so device keys sign exactly what they signed before.
    function initialize() external initializer {
        __EIP712_init(EIP712_NAME, EIP712_VERSION);
        __UUPSUpgradeable_init();
    }

    // ---------------------------------------------------------------- firmware allow-list

    /// @inheritdoc IDeviceTelemetry
    function setFirmware(bytes32 digest, uint8 kind, uint32 version, bool allowed) external whenNotPaused {
        _list(_requireRole(Roles.DEVICE_MANAGER), digest, kind, version, allowed);
    }

    /// @inheritdoc IDeviceTelemetry
    function setCityFirmware(bytes32 digest, uint8 kind, uint32 version, bool allowed) external whenNotPaused {
        _requireRole(Roles.REGULATOR);
        _list(0, digest, kind, version, allowed);
    }

    /// @inheritdoc IDeviceTelemetry
    function raiseFirmwareFloor(uint8 kind, uint32 floor) external whenNotPaused {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        uint32 org = _requireRole(Roles.DEVICE_MANAGER);
        _requireKind(kind);
        uint32 previous = $.floors[org][kind];
        // solhint-disable-next-line gas-strict-inequalities
        if (floor <= previous) revert DeviceFloorNotRaised(kind, previous, floor);
        $.floors[org][kind] = floor;
        emit FirmwareFloorSet(org, kind, previous, floor, bytes32(0));
    }

    /// @inheritdoc IDeviceTelemetry
    function lowerFirmwareFloor(uint8 kind, uint32 floor, bytes32 reasonHash) external whenNotPaused {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        uint32 org = _requireRole(Roles.DEVICE_MANAGER);
        _requireKind(kind);
        uint32 previous = $.floors[org][kind];
        // solhint-disable-next-line gas-strict-inequalities
        if (floor >= previous) revert DeviceFloorNotLowered(kind, previous, floor);
        $.floors[org][kind] = floor;
        emit FirmwareFloorSet(org, kind, previous, floor, reasonHash);
    }

    /// @inheritdoc IDeviceTelemetry
    function setCityFirmwareFloor(uint8 kind, uint32 floor, bytes32 reasonHash) external whenNotPaused {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        _requireRole(Roles.REGULATOR);
        _requireKind(kind);
        uint32 previous = $.floors[0][kind];
        if (floor == previous) revert DeviceFloorNotRaised(kind, previous, floor);
        $.floors[0][kind] = floor;
        emit FirmwareFloorSet(0, kind, previous, floor, reasonHash);
    }

    // ---------------------------------------------------------------- device lifecycle

    /// @inheritdoc IDeviceTelemetry
    function registerDevice(Registration calldata r, bytes calldata signature) external whenNotPaused {
        uint32 managerOrg = _requireRole(Roles.DEVICE_MANAGER);
        address dev = r.device;
        DeviceData storage d = _deviceRegistryStorage().devices[dev];
        if (d.status != DeviceStatus.None) revert DeviceExists(dev);
        if (r.managerOrg != managerOrg) revert DeviceRegistrationWrongManager(dev, r.managerOrg, managerOrg);
        uint64 nonce = d.registrationNonce;
        if (r.nonce != nonce) revert DeviceRegistrationNonceUsed(dev, r.nonce, nonce);
        // solhint-disable-next-line gas-strict-inequalities
        if (r.deadline < block.timestamp) revert DeviceRegistrationExpired(dev, r.deadline);
        _requireKind(r.kind);
        _requireActiveOrg(r.ownerOrg);
        uint16 firmwareId = _firmwareIdFor(managerOrg, r.firmware);
        if (!_firmwareAllowed(_deviceRegistryStorage().firmwareById[firmwareId], r.kind))
            revert DeviceFirmwareNotAllowed(r.firmware);
        // solhint-disable-next-line gas-strict-inequalities
        if (r.calibratedUntil <= block.timestamp || r.calibratedUntil > type(uint40).max) {
            revert DeviceCalibrationExpired(dev, r.calibratedUntil, uint64(block.timestamp));
        }
        _requireSigner(_registrationDigest(r), signature, dev);

        // nonces count registrations of this key: far below 2^64
        d.registrationNonce = nonce + 1;
        d.ownerOrg = r.ownerOrg;
        d.kind = r.kind;
        d.status = DeviceStatus.Active;
        d.calibratedUntil = uint40(r.calibratedUntil);
        d.managerOrg = managerOrg;
        d.firmwareId = firmwareId;
        d.registeredAt = uint40(block.timestamp);
        d.metadataHash = r.metadataHash;
        emit DeviceRegistered(dev, r.ownerOrg, managerOrg, r.kind, r.firmware, r.calibratedUntil, r.metadataHash);
    }

    /// @inheritdoc IDeviceTelemetry
    function setSuspended(address dev, bool suspended) external whenNotPaused {
        DeviceData storage d = _managed(dev);
        DeviceStatus expected = suspended ? DeviceStatus.Active : DeviceStatus.Suspended;
        if (d.status != expected) revert DeviceNotActive(dev, d.status);
        d.status = suspended ? DeviceStatus.Suspended : DeviceStatus.Active;
        emit DeviceSuspensionChanged(dev, suspended);
    }

    /// @inheritdoc IDeviceTelemetry
    function transferDevice(address dev, uint32 toOrg) external whenNotPaused {
        DeviceData storage d = _managed(dev);
        if (d.status == DeviceStatus.Revoked) revert DeviceNotActive(dev, d.status);
        uint32 fromOrg = d.ownerOrg;
        if (toOrg == fromOrg) revert DeviceSameOwner(dev, toOrg);
        _requireActiveOrg(toOrg);
        d.ownerOrg = toOrg;
        emit DeviceTransferred(dev, fromOrg, toOrg);
    }

    /// @inheritdoc IDeviceTelemetry
    function revokeDevice(address dev, uint64 fromTime, bytes32 reasonHash) external whenNotPaused {
        DeviceData storage d = _managed(dev);
        if (d.status == DeviceStatus.Revoked) revert DeviceNotActive(dev, d.status);
        if (fromTime < d.registeredAt || fromTime > type(uint40).max) revert DeviceInvalidRevocationTime(dev, fromTime);
        d.status = DeviceStatus.Revoked;
        d.revokedFrom = uint40(fromTime);
        emit DeviceRevoked(dev, fromTime, reasonHash);
    }

    /// @inheritdoc IDeviceTelemetry
    function recalibrate(address dev, uint64 calibratedUntil, bytes32 certificateHash) external whenNotPaused {
        DeviceData storage d = _managed(dev);
        if (d.status == DeviceStatus.Revoked) revert DeviceNotActive(dev, d.status);
        // solhint-disable-next-line gas-strict-inequalities
        if (calibratedUntil <= block.timestamp || calibratedUntil > type(uint40).max) {
            revert DeviceCalibrationExpired(dev, calibratedUntil, uint64(block.timestamp));
        }
        d.calibratedUntil = uint40(calibratedUntil);
        emit DeviceRecalibrated(dev, calibratedUntil, certificateHash);
    }

    /// @inheritdoc IDeviceTelemetry
    function updateFirmware(address dev, bytes32 digest) external whenNotPaused {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        DeviceData storage d = _managed(dev);
        if (d.status == DeviceStatus.Revoked) revert DeviceNotActive(dev, d.status);
        uint16 id = _firmwareIdFor(d.managerOrg, digest);
        Firmware memory fw = $.firmwareById[id];
        if (!_firmwareAllowed(fw, d.kind)) revert DeviceFirmwareNotAllowed(digest);
        uint32 current = $.firmwareById[d.firmwareId].version;
        // solhint-disable-next-line gas-strict-inequalities
        if (fw.version <= current) revert DeviceFirmwareRollback(dev, current, fw.version);
        d.firmwareId = id;
        emit DeviceFirmwareUpdated(dev, digest, fw.version);
    }

    // ---------------------------------------------------------------- telemetry

    /// @inheritdoc IDeviceTelemetry
    function submitBatch(
        TelemetryBatch calldata batch,
        bytes calldata signature,
        Watch calldata watch
    ) external whenNotPaused returns (BatchSummary memory summary) {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        address dev = batch.device;
        DeviceData storage d = $.devices[dev];
        uint256 hot = _loadHot(d);
        _checkHeader(hot, batch);
        summary = _summarise(batch.baseTime, batch.readings, watch);
        _checkTimes(hot, dev, summary.firstTimestamp, summary.lastTimestamp);
        _requireSigner(_batchDigest(batch), signature, dev);

        // lastTimestamp (bits 128..167; it passed `_checkTimes`, so it fits uint40) and lastSequence (bits
        // 168..231) replaced in the same word, written with one SSTORE
        hot =
            (hot & ~(uint256(type(uint104).max) << 128)) |
            (uint256(summary.lastTimestamp) << 128) |
            (uint256(batch.sequence) << 168);
        assembly ("memory-safe") {
            sstore(d.slot, hot)
        }
        _anchor(dev, batch.sequence, summary.root);
        emit BatchAnchored(
            dev,
            batch.sequence,
            summary.root,
            summary.firstTimestamp,
            summary.lastTimestamp,
            summary.count
        );
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IDeviceRegistry
    function deviceOf(address dev) external view returns (uint32 ownerOrg, uint8 kind, bool active) {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        DeviceData storage d = $.devices[dev];
        ownerOrg = d.ownerOrg;
        kind = d.kind;
        active =
            d.status == DeviceStatus.Active &&
            d.calibratedUntil > block.timestamp &&
            _firmwareAllowed($.firmwareById[d.firmwareId], kind);
    }

    /// @inheritdoc IDeviceTelemetry
    function device(address dev) external view returns (Device memory) {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        DeviceData storage d = $.devices[dev];
        return
            Device({
                ownerOrg: d.ownerOrg,
                kind: d.kind,
                status: d.status,
                calibratedUntil: d.calibratedUntil,
                revokedFrom: d.revokedFrom,
                lastTimestamp: d.lastTimestamp,
                lastSequence: d.lastSequence,
                managerOrg: d.managerOrg,
                firmwareVersion: $.firmwareById[d.firmwareId].version,
                registeredAt: d.registeredAt,
                firmware: $.firmwareDigest[d.firmwareId],
                metadataHash: d.metadataHash
            });
    }

    /// @inheritdoc IDeviceTelemetry
    function firmware(uint32 org, bytes32 digest) external view returns (Firmware memory) {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        return $.firmwareById[$.firmwareIds[org][digest]];
    }

    /// @inheritdoc IDeviceTelemetry
    function firmwareFloor(uint32 org, uint8 kind) external view returns (uint32) {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        return $.floors[org][kind];
    }

    /// @inheritdoc IDeviceTelemetry
    function registrationNonce(address dev) external view returns (uint64) {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        return $.devices[dev].registrationNonce;
    }

    /// @inheritdoc IDeviceTelemetry
    function lastSequence(address dev) external view returns (uint64) {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        return $.devices[dev].lastSequence;
    }

    /// @inheritdoc IDeviceTelemetry
    function batchRoot(address dev, uint64 sequence) external view returns (bytes32) {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        return $.roots[dev][sequence];
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
        bytes32 anchored = _deviceRegistryStorage().roots[dev][sequence];
        bytes32 root = MerkleProof.processProofCalldata(proof, _leaf(baseTime, count, index / 8, word));
        valid = anchored != bytes32(0) && root == anchored;
        (timestamp, value) = _decode(baseTime, index, word);
        // A reading at or after a revocation time is not evidence (the key may have leaked before it was revoked).
        DeviceData storage d = _deviceRegistryStorage().devices[dev];
        // solhint-disable-next-line gas-strict-inequalities
        if (d.status == DeviceStatus.Revoked && timestamp >= d.revokedFrom) valid = false;
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
            // lane tests of one word; `next` is the offset after the word's last lane
            function lanes(word, next, kp, laneMask, stepMask) -> flag, sum {
                let o := and(shr(16, word), 0x0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff)
                let d := sub(
                    add(or(shl(32, o), next), 0x0001000000010000000100000001000000010000000100000001000000010000),
                    o
                )
                flag := and(
                    and(
                        or(
                            not(add(d, 0x0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff)),
                            add(d, mload(add(kp, 0x80)))
                        ),
                        0x0002000000020000000200000002000000020000000200000002000000020000
                    ),
                    stepMask
                )
                let u := xor(
                    and(word, 0x0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff),
                    0x0000800000008000000080000000800000008000000080000000800000008000
                )
                flag := or(
                    flag,
                    and(
                        and(
                            or(not(add(u, mload(kp))), add(u, mload(add(kp, 0x20)))),
                            0x0001000000010000000100000001000000010000000100000001000000010000
                        ),
                        laneMask
                    )
                )
                u := and(
                    or(not(add(u, mload(add(kp, 0x40)))), add(u, mload(add(kp, 0x60)))),
                    0x0001000000010000000100000001000000010000000100000001000000010000
                )
                u := and(sub(u, shr(16, u)), stepMask)
                sum := shr(224, mul(and(d, u), 0x0000000100000001000000010000000100000001000000010000000100000001))
            }
            function leaf(prefix, w, word) -> h {
                mstore(0x00, or(prefix, shl(160, w)))
                mstore(0x0c, word)
                h := keccak256(0x00, 44)
            }
            nodes := mload(0x40)
            words := shr(5, add(readings.length, 31))
            let prefix := shl(160, or(shl(32, baseTime), shl(16, count)))
            let lastWord := sub(words, 1)
            for {
                let w := 0
            } lt(w, lastWord) {
                w := add(w, 1)
            } {
                let p := add(readings.offset, shl(5, w))
                let word := calldataload(p)
                let f, a := lanes(word, shr(240, calldataload(add(p, 32))), k, not(0), not(0))
                flagged := or(flagged, f)
                added := add(added, a)
                mstore(add(nodes, shl(5, w)), leaf(prefix, w, word))
            }
            {
                // the last word: n readings (1..8), n - 1 steps, lanes past the end masked (they belong to the
                // next calldata field)
                let pos := shl(5, lastWord)
                let n := shr(2, sub(readings.length, pos))
                let mask := not(shr(shl(5, n), not(0)))
                let word := and(calldataload(add(readings.offset, pos)), mask)
                let f, a := lanes(word, 0, k, mask, not(shr(shl(5, sub(n, 1)), not(0))))
                flagged := iszero(iszero(or(flagged, f)))
                added := add(added, a)
                mstore(add(nodes, pos), leaf(prefix, lastWord, word))
            }
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
                let src := nodes
                let dst := nodes
                for {
                    let pairsEnd := add(nodes, shl(5, and(n, not(1))))
                } lt(src, pairsEnd) {
                    src := add(src, 64)
                    dst := add(dst, 32)
                } {
                    let a := mload(src)
                    let b := mload(add(src, 32))
                    // sorted pair without a branch: min = b ^ ((a ^ b) * (a < b)), max = a ^ b ^ min
                    let m := xor(b, mul(xor(a, b), lt(a, b)))
                    mstore(0x00, m)
                    mstore(0x20, xor(xor(a, b), m))
                    mstore(dst, keccak256(0x00, 0x40))
                }
                if and(n, 1) {
                    mstore(dst, mload(src))
                }
            }
            root := mload(nodes)
        }
    }

    /// @dev The first slot of a device record in one SLOAD (reading `DeviceData` members one by one would load
    /// it once per member). Layout, low bits first: ownerOrg 32, kind 8, status 8, calibratedUntil 40,
    /// revokedFrom 40, lastTimestamp 40, lastSequence 64, firmwareId 16.
    function _loadHot(DeviceData storage d) private view returns (uint256 hot) {
        assembly ("memory-safe") {
            hot := sload(d.slot)
        }
    }

    /// @dev Device status, sink and sequence checks of a batch (`hot`: see `_loadHot`).
    function _checkHeader(uint256 hot, TelemetryBatch calldata batch) private view {
        address dev = batch.device;
        DeviceStatus status = DeviceStatus(uint8(hot >> 40));
        if (status == DeviceStatus.None) revert DeviceUnknown(dev);
        if (status == DeviceStatus.Suspended) revert DeviceNotActive(dev, status);
        if (batch.sink != address(0) && batch.sink != msg.sender) revert DeviceWrongSink(dev, batch.sink, msg.sender);
        uint64 previousSequence = uint64(hot >> 168);
        // solhint-disable-next-line gas-strict-inequalities
        if (batch.sequence <= previousSequence) {
            revert DeviceSequenceNotIncreasing(dev, batch.sequence, previousSequence);
        }
    }

    /// @dev Time checks of a batch (after the previous one, not in the future, before revocation, calibrated)
    /// and the device's firmware (`hot`: see `_loadHot`). A last time that passes fits uint40.
    function _checkTimes(uint256 hot, address dev, uint64 firstTimestamp, uint64 lastTimestamp) private view {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        uint40 previous = uint40(hot >> 128);
        // solhint-disable-next-line gas-strict-inequalities
        if (firstTimestamp <= previous) revert DeviceStaleBatch(dev, firstTimestamp, previous);
        if (lastTimestamp > block.timestamp + MAX_CLOCK_SKEW) {
            revert DeviceFutureReading(dev, lastTimestamp, uint64(block.timestamp));
        }
        uint40 revokedFrom = uint40(hot >> 88);
        // solhint-disable-next-line gas-strict-inequalities
        if (DeviceStatus(uint8(hot >> 40)) == DeviceStatus.Revoked && lastTimestamp >= revokedFrom) {
            revert DeviceRevokedAt(dev, revokedFrom, lastTimestamp);
        }
        uint40 calibratedUntil = uint40(hot >> 48);
        if (lastTimestamp > calibratedUntil) revert DeviceCalibrationExpired(dev, calibratedUntil, lastTimestamp);
        uint16 firmwareId = uint16(hot >> 232);
        if (!_firmwareAllowed($.firmwareById[firmwareId], uint8(hot >> 32))) {
            revert DeviceFirmwareNotAllowed($.firmwareDigest[firmwareId]);
        }
    }

    /// @dev Stores a batch's full root (each slot is written once: sequences strictly increase).
    function _anchor(address dev, uint64 sequence, bytes32 root) private {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        $.roots[dev][sequence] = root;
    }

    /// @dev Adds or changes a listing of `org` (0: the city's).
    function _list(uint32 org, bytes32 digest, uint8 kind, uint32 version, bool allowed) private {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        _requireKind(kind);
        uint16 id = $.firmwareIds[org][digest];
        if (id == 0) {
            if ($.firmwareCount == type(uint16).max) revert DeviceFirmwareListFull();
            id = ++$.firmwareCount;
            $.firmwareIds[org][digest] = id;
            $.firmwareDigest[id] = digest;
        }
        Firmware storage fw = $.firmwareById[id];
        if (fw.kind == 0) {
            fw.kind = kind;
            fw.version = version;
            fw.listedBy = org;
        } else if (fw.kind != kind || fw.version != version) {
            revert DeviceFirmwareMismatch(digest, fw.kind, fw.version);
        }
        fw.allowed = allowed;
        emit FirmwareSet(org, digest, kind, version, allowed);
    }

    /// @dev The listing a device managed by `managerOrg` runs for `digest`: the manager's own, else the city's.
    function _firmwareIdFor(uint32 managerOrg, bytes32 digest) private view returns (uint16 id) {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        id = $.firmwareIds[managerOrg][digest];
        if (id == 0) id = $.firmwareIds[0][digest];
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
                        r.managerOrg,
                        r.firmware,
                        r.calibratedUntil,
                        r.metadataHash,
                        r.nonce,
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
    function _managed(address dev) private view returns (DeviceData storage d) {
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        uint32 orgId = _requireRole(Roles.DEVICE_MANAGER);
        d = $.devices[dev];
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
        DeviceRegistryStorage storage $ = _deviceRegistryStorage();
        // solhint-disable-next-line gas-strict-inequalities
        return fw.allowed && fw.kind == kind && fw.version >= $.floors[fw.listedBy][kind];
    }

    function _requireSigner(bytes32 digest, bytes calldata signature, address expected) private pure {
        // A failed recovery yields address(0), never a registered device, so the error is the mismatch below.
        // slither-disable-next-line unused-return
        (address signer, , ) = ECDSA.tryRecover(digest, signature);
        if (signer != expected) revert DeviceInvalidSignature(expected, signer);
    }

    /// @dev The domain's name as a constant: the upgradeable EIP-712 base would read it from storage (a cold SLOAD
    /// and a hash per call); `initialize` stores the same string.
    function _EIP712Name() internal pure override returns (string memory) {
        return EIP712_NAME;
    }

    /// @dev The domain's version as a constant (see `_EIP712Name`).
    function _EIP712Version() internal pure override returns (string memory) {
        return EIP712_VERSION;
    }

    /// @dev The same digest as the base's, with the name and version hashes as compile-time constants (the base
    /// rebuilds them from strings on every signature check). The verifying contract is the proxy (`this`).
    function _hashTypedDataV4(bytes32 structHash) internal view override returns (bytes32) {
        bytes32 domainSeparator = keccak256(
            abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this))
        );
        return MessageHashUtils.toTypedDataHash(domainSeparator, structHash);
    }

    function _deviceRegistryStorage() private pure returns (DeviceRegistryStorage storage $) {
        assembly ("memory-safe") {
            $.slot := DEVICE_REGISTRY_STORAGE
        }
    }
}
