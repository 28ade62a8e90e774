// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {DeviceRegistry} from "../../contracts/iot/DeviceRegistry.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {IDeviceTelemetry} from "../../contracts/interfaces/IDeviceTelemetry.sol";
import {HandlerBase} from "../base/FuzzBase.sol";
import {CityFuzz} from "../base/CityFuzz.sol";

/**
 * @title TelemetryHandler
 * @notice Relays device-signed batches through random gateways: fresh batches (sequence above the last, sometimes
 * skipping numbers: the registry is generic and only orders a device's batches; contiguity while a sensor is
 * assigned to a cold-chain shipment is the cold chain's rule, fuzzed in fuzz/pharma), exact replays of accepted
 * batches, re-signed batches that reuse an old sequence with new
 * readings, and batches signed by the wrong key; the manager suspends and reactivates devices; time passes.
 * Ghosts: the highest sequence accepted per device and every acceptance that did not raise it.
 */
contract TelemetryHandler is HandlerBase {
    DeviceRegistry public immutable registry;
    address private immutable _manager;
    address[] private _gateways;
    address[] private _devices;
    uint256[] private _keys;

    mapping(address device => uint64) public highestAccepted;
    mapping(address device => IDeviceTelemetry.TelemetryBatch[]) private _acceptedBatches;
    mapping(address device => bytes[]) private _acceptedSignatures;
    /// @dev Accepted batches whose sequence was not above every earlier accepted one (must stay 0).
    uint256 public replaysAccepted;
    uint256 public acceptedCount;

    constructor(
        DeviceRegistry registry_,
        address manager,
        address[] memory gateways,
        address[] memory devices_,
        uint256[] memory keys
    ) {
        registry = registry_;
        _manager = manager;
        _gateways = gateways;
        _devices = devices_;
        _keys = keys;
    }

    function devices() external view returns (address[] memory) {
        return _devices;
    }

    function _sign(uint256 key, IDeviceTelemetry.TelemetryBatch memory batch) private view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, registry.batchDigest(batch));
        return abi.encodePacked(r, s, v);
    }

    function _submit(
        IDeviceTelemetry.TelemetryBatch memory batch,
        bytes memory signature,
        uint256 gatewaySeed
    ) private {
        address gateway = _pick(_gateways, gatewaySeed);
        IDeviceTelemetry.Watch memory watch = IDeviceTelemetry.Watch(-4000, 4000, -5000, 5000, 1 days);
        vm.prank(gateway);
        try registry.submitBatch(batch, signature, watch) {
            if (batch.sequence <= highestAccepted[batch.device]) ++replaysAccepted;
            else highestAccepted[batch.device] = batch.sequence;
            _acceptedBatches[batch.device].push(batch);
            _acceptedSignatures[batch.device].push(signature);
            ++acceptedCount;
            _accepted("submit");
        } catch {}
    }

    function _readings(uint256 seed) private pure returns (bytes memory out) {
        uint256 n = 1 + (seed % 4);
        for (uint256 i = 0; i < n; ++i) {
            out = abi.encodePacked(out, uint16(i * 60), int16(int256(uint256(uint16(seed >> (16 * i))) % 1000)));
        }
    }

    function fresh(uint256 deviceSeed, uint256 skip, uint256 readingsSeed, uint256 gatewaySeed) external {
        uint256 i = deviceSeed % _devices.length;
        vm.warp(block.timestamp + 5 minutes);
        IDeviceTelemetry.TelemetryBatch memory batch = IDeviceTelemetry.TelemetryBatch({
            device: _devices[i],
            sequence: highestAccepted[_devices[i]] + uint64(_bound(skip, 1, 3)),
            baseTime: uint64(block.timestamp - 4 minutes),
            sink: address(0),
            readings: _readings(readingsSeed)
        });
        _submit(batch, _sign(_keys[i], batch), gatewaySeed);
    }

    function replay(uint256 deviceSeed, uint256 batchSeed, uint256 gatewaySeed) external {
        address dev = _devices[deviceSeed % _devices.length];
        uint256 n = _acceptedBatches[dev].length;
        if (n == 0) return;
        uint256 b = batchSeed % n;
        _submit(_acceptedBatches[dev][b], _acceptedSignatures[dev][b], gatewaySeed);
    }

    /// @dev A correctly signed batch with new readings that reuses (or goes below) an accepted sequence.
    function reuseSequence(uint256 deviceSeed, uint256 back, uint256 readingsSeed, uint256 gatewaySeed) external {
        uint256 i = deviceSeed % _devices.length;
        uint64 top = highestAccepted[_devices[i]];
        if (top == 0) return;
        vm.warp(block.timestamp + 5 minutes);
        IDeviceTelemetry.TelemetryBatch memory batch = IDeviceTelemetry.TelemetryBatch({
            device: _devices[i],
            sequence: top - uint64(_bound(back, 0, top - 1)),
            baseTime: uint64(block.timestamp - 4 minutes),
            sink: address(0),
            readings: _readings(readingsSeed)
        });
        _submit(batch, _sign(_keys[i], batch), gatewaySeed);
    }

    /// @dev A fresh batch signed by another device's key (a forgery).
    function forged(uint256 deviceSeed, uint256 gatewaySeed) external {
        uint256 i = deviceSeed % _devices.length;
        uint256 wrongKey = _keys[(i + 1) % _keys.length];
        vm.warp(block.timestamp + 5 minutes);
        IDeviceTelemetry.TelemetryBatch memory batch = IDeviceTelemetry.TelemetryBatch({
            device: _devices[i],
            sequence: highestAccepted[_devices[i]] + 1,
            baseTime: uint64(block.timestamp - 4 minutes),
            sink: address(0),
            readings: _readings(deviceSeed)
        });
        uint256 before = acceptedCount;
        _submit(batch, _sign(wrongKey, batch), gatewaySeed);
        if (acceptedCount != before) ++replaysAccepted; // a forged batch must never be accepted
    }

    function suspend(uint256 deviceSeed, bool suspended) external {
        address dev = _devices[deviceSeed % _devices.length];
        vm.prank(_manager);
        try registry.setSuspended(dev, suspended) {
            _accepted("suspend");
        } catch {}
    }
}

/// @notice Telemetry: no replayed, reordered or forged batch is ever accepted.
contract TelemetryInvariants is CityFuzz {
    bytes32 internal constant FIRMWARE = keccak256("coldsense-fw-1.0.0");
    DeviceRegistry internal registry;
    TelemetryHandler internal handler;

    function setUp() public {
        _formCity();
        vm.warp(1_800_000_000);
        registry = DeviceRegistry(
            address(
                new ERC1967Proxy(address(new DeviceRegistry(consortium)), abi.encodeCall(DeviceRegistry.initialize, ()))
            )
        );
        vm.prank(deviceManager);
        registry.setFirmware(FIRMWARE, 1, 1, true);
        address[] memory devices = new address[](3);
        uint256[] memory keys = new uint256[](3);
        uint32 carrierOrg = consortium.memberOf(carrier);
        for (uint256 i = 0; i < devices.length; ++i) {
            keys[i] = keyOf(string.concat("sensor", _toString(i)));
            devices[i] = vm.addr(keys[i]);
            IDeviceTelemetry.Registration memory r = IDeviceTelemetry.Registration({
                device: devices[i],
                kind: 1,
                ownerOrg: carrierOrg,
                managerOrg: consortium.memberOf(deviceManager),
                firmware: FIRMWARE,
                calibratedUntil: uint64(block.timestamp + 365 days),
                metadataHash: keccak256(abi.encode("sensor", i)),
                nonce: 0,
                deadline: uint64(block.timestamp + 1 hours)
            });
            (uint8 v, bytes32 rr, bytes32 s) = vm.sign(keys[i], registry.registrationDigest(r));
            vm.prank(deviceManager);
            registry.registerDevice(r, abi.encodePacked(rr, s, v));
        }
        address[] memory gateways = new address[](3);
        gateways[0] = carrier;
        gateways[1] = outsider;
        gateways[2] = outsider2;
        handler = new TelemetryHandler(registry, deviceManager, gateways, devices, keys);
        targetContract(address(handler));
    }

    function invariant_noReplayedSequenceAccepted() public view {
        assertEq(handler.replaysAccepted(), 0, "no replayed, reused or forged batch accepted");
        address[] memory devices = handler.devices();
        for (uint256 i = 0; i < devices.length; ++i) {
            assertEq(
                registry.device(devices[i]).lastSequence,
                handler.highestAccepted(devices[i]),
                "last sequence == highest accepted"
            );
        }
    }
}
