// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ConsortiumGated} from "../consortium/ConsortiumGated.sol";
import {IColdChain} from "../interfaces/IColdChain.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {IDeviceTelemetry} from "../interfaces/IDeviceTelemetry.sol";
import {ISupplyChain} from "../interfaces/ISupplyChain.sol";
import {DeviceKinds} from "../libraries/DeviceKinds.sol";
import {Roles} from "../libraries/Roles.sol";

/**
 * @title ColdChain
 * @notice Drug products, cold-chain shipments and the automatic alarm: sensor batches are verified by the device
 * registry and evaluated here in the same transaction; a break quarantines the shipment and, as a supply-chain
 * guardian, its lots. A REGULATOR decides what happens next.
 */
contract ColdChain is ConsortiumGated, IColdChain {
    /// @notice Most lots in one shipment (bounds the quarantine loop).
    uint256 public constant MAX_LOTS = 16;
    /// @notice Most sensors on one shipment (bounds release/close loops).
    uint256 public constant MAX_DEVICES = 4;

    IDeviceTelemetry private immutable _registry;
    ISupplyChain private immutable _supply;

    uint32 private _classCount;
    uint64 private _shipmentCount;
    mapping(uint32 id => StorageClass) private _classes;
    mapping(uint64 gtin => Drug) private _drugs;
    mapping(uint64 id => Shipment) private _shipments;
    mapping(uint64 id => mapping(uint256 index => bytes32)) private _lots;
    mapping(uint64 id => mapping(uint256 index => address)) private _devices;
    mapping(address device => Track) private _tracks;
    mapping(uint64 id => Alarm) private _alarms;

    /// @param consortium_ The consortium.
    /// @param registry_ The device registry that verifies and anchors telemetry.
    /// @param supply_ The supply chain (this contract must be made a guardian there).
    constructor(
        IConsortium consortium_,
        IDeviceTelemetry registry_,
        ISupplyChain supply_
    ) ConsortiumGated(consortium_) {
        if (address(registry_) == address(0) || address(supply_) == address(0)) revert ColdChainZeroAddress();
        _registry = registry_;
        _supply = supply_;
    }

    // ---------------------------------------------------------------- products

    /// @inheritdoc IColdChain
    function defineStorageClass(StorageClass calldata rule, bytes32 nameHash) external returns (uint32 id) {
        _requireRole(Roles.REGULATOR);
        // solhint-disable-next-line gas-strict-inequalities
        if (rule.hardMin > rule.low || rule.low >= rule.high || rule.high > rule.hardMax || rule.maxGap == 0) {
            revert ColdChainInvalidStorageClass();
        }
        id = ++_classCount;
        StorageClass memory stored = rule;
        stored.defined = true;
        _classes[id] = stored;
        emit StorageClassDefined(id, nameHash, stored);
    }

    /// @inheritdoc IColdChain
    function registerDrug(uint64 gtin, uint32 storageClass_) external {
        uint32 orgId = _requireRole(Roles.MANUFACTURER);
        if (!_classes[storageClass_].defined) revert ColdChainUnknownStorageClass(storageClass_);
        if (_drugs[gtin].storageClass != 0) revert ColdChainDrugExists(gtin);
        if (_supply.product(gtin).manufacturer != orgId) revert ColdChainNotProductManufacturer(gtin, orgId);
        _drugs[gtin] = Drug({manufacturer: orgId, storageClass: storageClass_});
        emit DrugRegistered(gtin, orgId, storageClass_);
    }

    // ---------------------------------------------------------------- shipments

    /// @inheritdoc IColdChain
    function openShipment(ShipmentInput calldata input) external returns (uint64 id) {
        uint32 sender = _roleOrg(Roles.MANUFACTURER, msg.sender);
        if (sender == 0) sender = _requireRole(Roles.DISTRIBUTOR);
        _checkParties(input);
        id = ++_shipmentCount;
        uint32 classId = _storeLots(id, input.lots);
        _assignDevices(id, input.devices, sender, input.carrier);
        _shipments[id] = Shipment({
            sender: sender,
            carrier: input.carrier,
            receiver: input.receiver,
            storageClass: classId,
            status: ShipmentStatus.InTransit,
            openedAt: uint40(block.timestamp),
            // both counts are at most 16 (checked in _checkParties)
            lotCount: uint8(input.lots.length),
            deviceCount: uint8(input.devices.length),
            alarms: 0,
            mkt: 0
        });
        _emitOpened(id, sender, classId, input);
    }

    /// @inheritdoc IColdChain
    function submitReadings(
        uint64 id,
        IDeviceTelemetry.TelemetryBatch calldata batch,
        bytes calldata signature
    ) external {
        Shipment storage s = _openShipment(id);
        address dev = batch.device;
        Track memory t = _tracks[dev];
        if (t.shipmentId != id) revert ColdChainDeviceNotAssigned(id, dev);
        if (batch.sink != address(this)) revert ColdChainWrongSink(batch.sink);
        StorageClass memory rule = _classes[s.storageClass];
        // The callee is the system's immutable DeviceRegistry, which makes no external call back.
        // slither-disable-next-line reentrancy-no-eth,reentrancy-benign,reentrancy-events
        IDeviceTelemetry.BatchSummary memory b = _registry.submitBatch(
            batch,
            signature,
            IDeviceTelemetry.Watch(rule.low, rule.high, rule.hardMin, rule.hardMax, rule.maxGap)
        );
        if (b.firstTimestamp < t.lastTime) revert ColdChainReadingTooEarly(id, dev, b.firstTimestamp, t.lastTime);

        (bool broke, uint256 outside) = _breaks(rule, t, b);
        // Zeroed on purpose: filled only when the batch breaks the rule.
        // slither-disable-next-line uninitialized-local
        Alarm memory alarm;
        if (broke) alarm = _firstBreak(rule, t, batch.baseTime, batch.readings);
        _fold(t, b, outside);
        _storeTrack(dev, t);
        emit ReadingsRecorded(id, dev, b.count, b.firstValue, b.lastValue, t.outside);
        if (broke) {
            alarm.device = dev;
            _alarm(id, s, alarm);
        }
    }

    /// @inheritdoc IColdChain
    function reportSilence(uint64 id, address dev) external {
        Shipment storage s = _monitored(id);
        Track storage t = _tracks[dev];
        if (t.shipmentId != id) revert ColdChainDeviceNotAssigned(id, dev);
        uint40 last = t.lastTime;
        uint32 maxGap = _classes[s.storageClass].maxGap;
        // solhint-disable-next-line gas-strict-inequalities
        if (block.timestamp - last <= maxGap) revert ColdChainSensorNotSilent(id, dev, last);
        _alarm(
            id,
            s,
            Alarm({
                device: dev,
                kind: ExcursionKind.Gap,
                at: last,
                deviation: 0,
                duration: _toUint32(block.timestamp - last)
            })
        );
    }

    /// @inheritdoc IColdChain
    function quarantineShipment(uint64 id, bytes32 reasonHash) external {
        _requireRole(Roles.REGULATOR);
        Shipment storage s = _monitored(id);
        s.status = ShipmentStatus.Quarantined;
        emit ShipmentQuarantined(id, msg.sender, reasonHash);
        _quarantineLots(id, s.lotCount, reasonHash);
    }

    /// @inheritdoc IColdChain
    function releaseShipment(uint64 id, bytes32 reasonHash) external {
        _requireRole(Roles.REGULATOR);
        Shipment storage s = _quarantined(id);
        s.status = ShipmentStatus.Released;
        uint256 n = s.deviceCount;
        for (uint256 i = 0; i < n; ++i) {
            Track storage t = _tracks[_devices[id][i]];
            t.outside = 0;
            // the silence clock restarts at the decision; the registry still orders the device's batches
            t.lastTime = uint40(block.timestamp);
        }
        emit ShipmentReleased(id, msg.sender, reasonHash);
    }

    /// @inheritdoc IColdChain
    function destroyShipment(uint64 id, bytes32 reasonHash) external {
        _requireRole(Roles.REGULATOR);
        Shipment storage s = _quarantined(id);
        s.status = ShipmentStatus.Destroyed;
        _freeDevices(id, s.deviceCount);
        emit ShipmentDestroyed(id, msg.sender, reasonHash);
    }

    /// @inheritdoc IColdChain
    function receiveShipment(uint64 id, int16 mkt) external {
        Shipment storage s = _monitored(id);
        uint32 orgId = _roleOrg(Roles.HOSPITAL, msg.sender);
        if (orgId != s.receiver) orgId = _roleOrg(Roles.DISTRIBUTOR, msg.sender);
        if (orgId == 0 || orgId != s.receiver) revert ColdChainNotReceiver(id, orgId);
        uint32 maxGap = _classes[s.storageClass].maxGap;
        uint256 n = s.deviceCount;
        for (uint256 i = 0; i < n; ++i) {
            address dev = _devices[id][i];
            uint40 last = _tracks[dev].lastTime;
            if (block.timestamp - last > maxGap) revert ColdChainSensorSilent(id, dev, last);
        }
        s.status = ShipmentStatus.Received;
        s.mkt = mkt;
        _freeDevices(id, n);
        emit ShipmentReceived(id, orgId, mkt);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IColdChain
    function storageClass(uint32 id) external view returns (StorageClass memory) {
        return _classes[id];
    }

    /// @inheritdoc IColdChain
    function drug(uint64 gtin) external view returns (Drug memory) {
        return _drugs[gtin];
    }

    /// @inheritdoc IColdChain
    function shipment(uint64 id) external view returns (Shipment memory) {
        return _shipments[id];
    }

    /// @inheritdoc IColdChain
    function shipmentLots(uint64 id) external view returns (bytes32[] memory lots) {
        uint256 n = _shipments[id].lotCount;
        lots = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) lots[i] = _lots[id][i];
    }

    /// @inheritdoc IColdChain
    function shipmentDevices(uint64 id) external view returns (address[] memory devices) {
        uint256 n = _shipments[id].deviceCount;
        devices = new address[](n);
        for (uint256 i = 0; i < n; ++i) devices[i] = _devices[id][i];
    }

    /// @inheritdoc IColdChain
    function track(address dev) external view returns (Track memory) {
        return _tracks[dev];
    }

    /// @inheritdoc IColdChain
    function alarmOf(uint64 id) external view returns (Alarm memory) {
        return _alarms[id];
    }

    /// @inheritdoc IColdChain
    function shipmentCount() external view returns (uint64) {
        return _shipmentCount;
    }

    /// @inheritdoc IColdChain
    function registry() external view returns (IDeviceTelemetry) {
        return _registry;
    }

    /// @inheritdoc IColdChain
    function supplyChain() external view returns (ISupplyChain) {
        return _supply;
    }

    // ---------------------------------------------------------------- internals

    /// @dev Whether a batch breaks the rule, and the device's cumulative seconds outside the range after it.
    function _breaks(
        StorageClass memory rule,
        Track memory t,
        IDeviceTelemetry.BatchSummary memory b
    ) private pure returns (bool broke, uint256 outside) {
        uint256 lead = b.firstTimestamp - t.lastTime;
        // before its first reading a device holds nothing: the goods leave in range
        bool heldOutside = t.readings != 0 && (t.lastValue > rule.high || t.lastValue < rule.low);
        // t.outside < 2^32, lead < 2^64 and a batch adds < 2^16 s per reading: no overflow in uint256
        outside = uint256(t.outside) + b.outsideSeconds + (heldOutside ? lead : 0);
        broke = b.broke || lead > rule.maxGap || outside > rule.allowance;
    }

    /// @dev Folds a batch into the device's track.
    function _fold(Track memory t, IDeviceTelemetry.BatchSummary memory b, uint256 outside) private pure {
        t.lastTime = uint40(b.lastTimestamp);
        t.outside = _toUint32(outside);
        t.readings = _toUint32(uint256(t.readings) + b.count);
        t.lastValue = b.lastValue;
    }

    /// @dev The first break of a batch known to break the rule, walking it with the same sample-and-hold
    /// arithmetic as the registry's pass (revert-free slow path, only run when an alarm is raised).
    function _firstBreak(
        StorageClass memory rule,
        Track memory t,
        uint64 baseTime,
        bytes calldata readings
    ) private pure returns (Alarm memory) {
        uint256 last = t.lastTime;
        uint256 outside = t.outside;
        int256 held = t.readings == 0 ? int256(rule.low) : int256(t.lastValue);
        for (uint256 p = 0; p < readings.length; p += 4) {
            uint256 r = uint32(bytes4(readings[p:p + 4]));
            uint256 ts = baseTime + (r >> 16);
            int256 v = int16(uint16(r));
            // The registry verified strictly increasing times from `t.lastTime` on.
            uint256 dt = ts - last;
            if (dt > rule.maxGap) return Alarm(address(0), ExcursionKind.Gap, uint40(last), 0, _toUint32(dt));
            if (held > rule.high || held < rule.low) {
                outside += dt;
                if (outside > rule.allowance) {
                    int256 bound = held > rule.high ? int256(rule.high) : int256(rule.low);
                    // held and bound are int16 values: the difference fits int32
                    return
                        Alarm(
                            address(0),
                            ExcursionKind.Cumulative,
                            uint40(ts),
                            int32(held - bound),
                            _toUint32(outside)
                        );
                }
            }
            if (v > rule.hardMax) {
                return Alarm(address(0), ExcursionKind.HardBound, uint40(ts), int32(v - rule.hardMax), 0);
            }
            if (v < rule.hardMin) {
                return Alarm(address(0), ExcursionKind.HardBound, uint40(ts), int32(v - rule.hardMin), 0);
            }
            held = v;
            last = ts;
        }
        // unreachable for a batch that broke the rule; a harmless record otherwise
        return Alarm(address(0), ExcursionKind.Cumulative, uint40(last), 0, _toUint32(outside));
    }

    /// @dev Records an alarm; one that finds the shipment monitored quarantines it and its lots and becomes the
    /// shipment's recorded alarm (an alarm on an already quarantined shipment is on record as an event only).
    function _alarm(uint64 id, Shipment storage s, Alarm memory alarm) private {
        emit ExcursionAlarmed(id, alarm.device, alarm.kind, alarm.at, alarm.deviation, alarm.duration);
        if (s.status == ShipmentStatus.Quarantined) return;
        // one per quarantine, and each quarantine ends only by a regulator's release: far below 2^16
        ++s.alarms;
        s.status = ShipmentStatus.Quarantined;
        _alarms[id] = alarm;
        bytes32 reasonHash = keccak256(abi.encode(id, alarm.device, alarm.kind, alarm.at, alarm.deviation));
        emit ShipmentQuarantined(id, address(this), reasonHash);
        _quarantineLots(id, s.lotCount, reasonHash);
    }

    /// @dev Quarantines every lot of the shipment in the supply chain (at most MAX_LOTS calls). A refusal by
    /// the supply chain must not undo the alarm, so it is reported instead of bubbled.
    function _quarantineLots(uint64 id, uint256 lotCount, bytes32 reasonHash) private {
        for (uint256 i = 0; i < lotCount; ++i) {
            bytes32 lotId = _lots[id][i];
            try _supply.quarantineLot(lotId, reasonHash) {} catch {
                emit LotQuarantineFailed(id, lotId);
            }
        }
    }

    /// @dev Carrier and receiver roles, lot and device counts.
    function _checkParties(ShipmentInput calldata input) private view {
        IConsortium c = consortium();
        if (!c.memberHasRole(input.carrier, Roles.CARRIER)) revert ColdChainInvalidParty(input.carrier, Roles.CARRIER);
        if (!c.memberHasRole(input.receiver, Roles.HOSPITAL) && !c.memberHasRole(input.receiver, Roles.DISTRIBUTOR)) {
            revert ColdChainInvalidParty(input.receiver, Roles.HOSPITAL);
        }
        uint256 lotCount = input.lots.length;
        if (lotCount == 0 || lotCount > MAX_LOTS) revert ColdChainLotCount(lotCount, MAX_LOTS);
        uint256 deviceCount = input.devices.length;
        if (deviceCount == 0 || deviceCount > MAX_DEVICES) revert ColdChainDeviceCount(deviceCount, MAX_DEVICES);
    }

    function _emitOpened(uint64 id, uint32 sender, uint32 classId, ShipmentInput calldata input) private {
        emit ShipmentOpened(id, sender, input.receiver, input.carrier, classId, input.referenceHash);
    }

    /// @dev Checks and stores the lots; returns their common storage class.
    function _storeLots(uint64 id, bytes32[] calldata lots) private returns (uint32 classId) {
        uint256 n = lots.length;
        for (uint256 i = 0; i < n; ++i) {
            bytes32 lotId = lots[i];
            for (uint256 j = 0; j < i; ++j) if (lots[j] == lotId) revert ColdChainDuplicateLot(lotId);
            ISupplyChain.Lot memory info = _supply.lot(lotId);
            if (info.manufacturer == 0) revert ColdChainUnknownLot(lotId);
            // solhint-disable-next-line gas-strict-inequalities
            if (info.recalled || info.quarantined || info.destroyed || info.expiry <= block.timestamp) {
                revert ColdChainLotNotShippable(lotId);
            }
            uint32 cls = _drugs[info.gtin].storageClass;
            if (cls == 0) revert ColdChainUnknownDrug(info.gtin);
            if (i == 0) classId = cls;
            else if (cls != classId) revert ColdChainMixedStorageClass(info.gtin, classId, cls);
            _lots[id][i] = lotId;
        }
    }

    /// @dev Checks the sensors and starts their tracks at the opening time.
    function _assignDevices(uint64 id, address[] calldata devices, uint32 sender, uint32 carrier) private {
        uint256 n = devices.length;
        for (uint256 i = 0; i < n; ++i) {
            address dev = devices[i];
            (uint32 owner, uint8 kind, bool active) = _registry.deviceOf(dev);
            if (!active || kind != DeviceKinds.TEMPERATURE_SENSOR || (owner != sender && owner != carrier)) {
                revert ColdChainDeviceNotUsable(dev);
            }
            uint64 busy = _tracks[dev].shipmentId;
            if (busy != 0) revert ColdChainDeviceBusy(dev, busy);
            _tracks[dev] = Track({
                shipmentId: id,
                lastTime: uint40(block.timestamp),
                outside: 0,
                readings: 0,
                lastValue: 0
            });
            _devices[id][i] = dev;
        }
    }

    /// @dev Ends the sensors' assignment so they can watch another shipment.
    function _freeDevices(uint64 id, uint256 n) private {
        for (uint256 i = 0; i < n; ++i) delete _tracks[_devices[id][i]];
    }

    /// @dev A shipment that still accepts readings (in transit, quarantined or released).
    function _openShipment(uint64 id) private view returns (Shipment storage s) {
        s = _shipments[id];
        ShipmentStatus st = s.status;
        if (st == ShipmentStatus.None) revert ColdChainUnknownShipment(id);
        if (st == ShipmentStatus.Received || st == ShipmentStatus.Destroyed) revert ColdChainInvalidStatus(id, st);
    }

    /// @dev A shipment being monitored (in transit or released).
    function _monitored(uint64 id) private view returns (Shipment storage s) {
        s = _openShipment(id);
        if (s.status == ShipmentStatus.Quarantined) revert ColdChainInvalidStatus(id, s.status);
    }

    /// @dev A quarantined shipment.
    function _quarantined(uint64 id) private view returns (Shipment storage s) {
        s = _openShipment(id);
        if (s.status != ShipmentStatus.Quarantined) revert ColdChainInvalidStatus(id, s.status);
    }

    /// @dev Writes a track with one SSTORE (assigning the memory struct would read-modify-write the slot once per
    /// member). Layout of `Track`, low bits first: shipmentId 64, lastTime 40, outside 32, readings 32, lastValue 16.
    function _storeTrack(address dev, Track memory t) private {
        Track storage stored = _tracks[dev];
        uint256 packed = uint256(t.shipmentId) |
            (uint256(t.lastTime) << 64) |
            (uint256(t.outside) << 104) |
            (uint256(t.readings) << 136) |
            (uint256(uint16(t.lastValue)) << 168);
        assembly ("memory-safe") {
            sstore(stored.slot, packed)
        }
    }

    function _toUint32(uint256 x) private pure returns (uint32) {
        return x > type(uint32).max ? type(uint32).max : uint32(x);
    }
}
