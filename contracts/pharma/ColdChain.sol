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
 * guardian, the pallets that travel in it (never whole lots: that stays a regulator's or the manufacturer's
 * decision). A REGULATOR decides what happens next.
 * @dev Custody: the sender holds every pallet it ships (supply-chain custodian); a sensor is the sender's own or
 * its owner (the carrier) approved it for this sender. Completeness: while assigned, a sensor's batches are taken
 * in contiguous sequence from the one after its last anchored batch at assignment; a batch out of turn is refused
 * and a sequence anchored elsewhere (lost to the shipment) is an excursion; receipt waits for contiguity.
 */
contract ColdChain is ConsortiumGated, IColdChain {
    /// @notice Most lots in one shipment (all its pallets together).
    uint256 public constant MAX_LOTS = 16;
    /// @notice Most pallets in one shipment (bounds the quarantine loop).
    uint256 public constant MAX_PALLETS = 8;
    /// @notice Most sensors on one shipment (bounds release/close loops).
    uint256 public constant MAX_DEVICES = 4;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IDeviceTelemetry private immutable _registry;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ISupplyChain private immutable _supply;

    /// @custom:storage-location erc7201:citychain.storage.ColdChain
    struct ColdChainStorage {
        uint32 classCount;
        uint64 shipmentCount;
        mapping(uint32 id => StorageClass) classes;
        mapping(uint64 gtin => Drug) drugs;
        mapping(uint64 id => Shipment) shipments;
        mapping(uint64 id => uint64[MAX_PALLETS]) pallets;
        mapping(uint64 id => mapping(uint256 index => address)) devices;
        mapping(address device => Track) tracks;
        mapping(uint64 id => Alarm) alarms;
        /// @dev The sender organisation a carrier approved its sensor for (consumed by the next opening).
        mapping(address device => uint32 senderOrg) approvals;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.ColdChain")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant COLD_CHAIN_STORAGE = 0x6c746dab26c9be3bac73e9acc1743115a590d607359bce9300673cee89f0bd00;

    /// @dev Wiring to the sibling proxies is immutable (every implementation of this proxy carries the same).
    /// @param consortium_ The consortium (its proxy).
    /// @param registry_ The device registry (its proxy) that verifies and anchors telemetry.
    /// @param supply_ The supply chain (its proxy; this contract must be made a guardian there).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortium consortium_,
        IDeviceTelemetry registry_,
        ISupplyChain supply_
    ) ConsortiumGated(consortium_) {
        if (address(registry_) == address(0) || address(supply_) == address(0)) revert ColdChainZeroAddress();
        _registry = registry_;
        _supply = supply_;
    }

    /// @notice Sets up the proxy (the cold chain starts empty: no class, drug or shipment).
    function initialize() external initializer {
        __UUPSUpgradeable_init();
    }

    // ---------------------------------------------------------------- products

    /// @inheritdoc IColdChain
    function defineStorageClass(
        StorageClass calldata rule,
        bytes32 nameHash
    ) external whenNotPaused returns (uint32 id) {
        ColdChainStorage storage $ = _coldChainStorage();
        _requireRole(Roles.REGULATOR);
        // solhint-disable-next-line gas-strict-inequalities
        if (rule.hardMin > rule.low || rule.low >= rule.high || rule.high > rule.hardMax || rule.maxGap == 0) {
            revert ColdChainInvalidStorageClass();
        }
        id = ++$.classCount;
        StorageClass memory stored = rule;
        stored.defined = true;
        $.classes[id] = stored;
        emit StorageClassDefined(id, nameHash, stored);
    }

    /// @inheritdoc IColdChain
    function registerDrug(uint64 gtin, uint32 storageClass_) external whenNotPaused {
        ColdChainStorage storage $ = _coldChainStorage();
        uint32 orgId = _requireRole(Roles.MANUFACTURER);
        if (!$.classes[storageClass_].defined) revert ColdChainUnknownStorageClass(storageClass_);
        if ($.drugs[gtin].storageClass != 0) revert ColdChainDrugExists(gtin);
        if (_supply.product(gtin).manufacturer != orgId) revert ColdChainNotProductManufacturer(gtin, orgId);
        $.drugs[gtin] = Drug({manufacturer: orgId, storageClass: storageClass_});
        emit DrugRegistered(gtin, orgId, storageClass_);
    }

    // ---------------------------------------------------------------- shipments

    /// @inheritdoc IColdChain
    function openShipment(ShipmentInput calldata input) external whenNotPaused returns (uint64 id) {
        ColdChainStorage storage $ = _coldChainStorage();
        uint32 sender = _roleOrg(Roles.MANUFACTURER, msg.sender);
        if (sender == 0) sender = _requireRole(Roles.DISTRIBUTOR);
        _checkParties(input);
        id = ++$.shipmentCount;
        uint32 classId = _storePallets(id, input.pallets, sender);
        _assignDevices(id, input.devices, sender, input.carrier);
        $.shipments[id] = Shipment({
            sender: sender,
            carrier: input.carrier,
            receiver: input.receiver,
            storageClass: classId,
            status: ShipmentStatus.InTransit,
            openedAt: uint40(block.timestamp),
            // both counts are at most 8 (checked in _checkParties)
            palletCount: uint8(input.pallets.length),
            deviceCount: uint8(input.devices.length),
            alarms: 0,
            mkt: 0
        });
        _emitOpened(id, sender, classId, input);
    }

    /// @inheritdoc IColdChain
    function approveSensor(address dev, uint32 senderOrg) external whenNotPaused {
        ColdChainStorage storage $ = _coldChainStorage();
        uint32 orgId = _requireRole(Roles.CARRIER);
        (uint32 owner, , ) = _registry.deviceOf(dev);
        if (owner != orgId) revert ColdChainNotDeviceOwner(dev, orgId);
        $.approvals[dev] = senderOrg;
        emit SensorApproved(dev, orgId, senderOrg);
    }

    /// @inheritdoc IColdChain
    function submitReadings(
        uint64 id,
        IDeviceTelemetry.TelemetryBatch calldata batch,
        bytes calldata signature
    ) external whenNotPaused {
        ColdChainStorage storage $ = _coldChainStorage();
        Shipment storage s = _openShipment(id);
        address dev = batch.device;
        Track memory t = $.tracks[dev];
        if (t.shipmentId != id) revert ColdChainDeviceNotAssigned(id, dev);
        if (batch.sink != address(this)) revert ColdChainWrongSink(batch.sink);
        if (batch.sequence != t.nextSequence) revert ColdChainSequenceGap(id, dev, batch.sequence, t.nextSequence);
        StorageClass memory rule = $.classes[s.storageClass];
        // The callee is the system's immutable DeviceRegistry, which makes no external call back.
        // slither-disable-next-line reentrancy-no-eth,reentrancy-benign,reentrancy-events
        IDeviceTelemetry.BatchSummary memory b = _registry.submitBatch(
            batch,
            signature,
            IDeviceTelemetry.Watch(rule.low, rule.high, rule.hardMin, rule.hardMax, rule.maxGap)
        );
        // sequences are uint64 and the registry accepted this one above the last: no overflow below 2^64 - 1
        ++t.nextSequence;

        // Zeroed on purpose: filled only when the batch breaks the rule.
        // slither-disable-next-line uninitialized-local
        Alarm memory alarm;
        if (b.firstTimestamp < t.lastTime || b.broke) {
            // Slow path: a batch that straddles the opening or a release (readings before `t.lastTime` were not
            // taken on this leg and are skipped), or one the registry flagged: walk it reading by reading.
            alarm = _walk(rule, t, batch.baseTime, batch.readings);
        } else {
            (bool broke, uint256 outside) = _breaks(rule, t, b);
            if (broke) {
                alarm = _walk(rule, t, batch.baseTime, batch.readings);
            } else {
                _fold(t, b, outside);
            }
        }
        _storeTrack(dev, t);
        emit ReadingsRecorded(id, dev, b.count, b.firstValue, b.lastValue, t.outside);
        if (alarm.kind != ExcursionKind.None) {
            alarm.device = dev;
            _alarm(id, s, alarm);
        }
    }

    /// @inheritdoc IColdChain
    function reportSequenceGap(uint64 id, address dev) external whenNotPaused {
        ColdChainStorage storage $ = _coldChainStorage();
        Shipment storage s = _monitored(id);
        Track storage t = $.tracks[dev];
        if (t.shipmentId != id) revert ColdChainDeviceNotAssigned(id, dev);
        uint64 expected = t.nextSequence;
        uint64 anchored = _registry.lastSequence(dev);
        if (anchored < expected) revert ColdChainNoSequenceGap(id, dev, expected);
        _alarm(
            id,
            s,
            Alarm({
                device: dev,
                kind: ExcursionKind.SequenceGap,
                at: t.lastTime,
                deviation: 0,
                // the number of batches lost to the shipment (anchored - expected + 1 >= 1)
                duration: _toUint32(uint256(anchored) - expected + 1)
            })
        );
    }

    /// @inheritdoc IColdChain
    function reportSilence(uint64 id, address dev) external whenNotPaused {
        ColdChainStorage storage $ = _coldChainStorage();
        Shipment storage s = _monitored(id);
        Track storage t = $.tracks[dev];
        if (t.shipmentId != id) revert ColdChainDeviceNotAssigned(id, dev);
        uint40 last = t.lastTime;
        uint32 maxGap = $.classes[s.storageClass].maxGap;
        // solhint-disable-next-line gas-strict-inequalities
        if (_since(last) <= maxGap) revert ColdChainSensorNotSilent(id, dev, last);
        _alarm(
            id,
            s,
            Alarm({device: dev, kind: ExcursionKind.Gap, at: last, deviation: 0, duration: _toUint32(_since(last))})
        );
    }

    /// @inheritdoc IColdChain
    function quarantineShipment(uint64 id, bytes32 reasonHash) external whenNotPaused {
        _requireRole(Roles.REGULATOR);
        Shipment storage s = _monitored(id);
        s.status = ShipmentStatus.Quarantined;
        emit ShipmentQuarantined(id, msg.sender, reasonHash);
        _quarantinePallets(id, s.palletCount, reasonHash);
    }

    /// @inheritdoc IColdChain
    function releaseShipment(uint64 id, bytes32 reasonHash) external {
        ColdChainStorage storage $ = _coldChainStorage();
        _requireRole(Roles.REGULATOR);
        Shipment storage s = _quarantined(id);
        s.status = ShipmentStatus.Released;
        uint256 n = s.deviceCount;
        for (uint256 i = 0; i < n; ++i) {
            Track storage t = $.tracks[$.devices[id][i]];
            // monitoring restarts at the decision as at an opening: nothing held, nothing counted; readings
            // timed before it are skipped, the sequence stays contiguous
            t.outside = 0;
            t.readings = 0;
            t.lastValue = 0;
            t.lastTime = uint40(block.timestamp);
        }
        emit ShipmentReleased(id, msg.sender, reasonHash);
    }

    /// @inheritdoc IColdChain
    function destroyShipment(uint64 id, bytes32 reasonHash) external whenNotPaused {
        _requireRole(Roles.REGULATOR);
        Shipment storage s = _quarantined(id);
        s.status = ShipmentStatus.Destroyed;
        _freeDevices(id, s.deviceCount);
        emit ShipmentDestroyed(id, msg.sender, reasonHash);
    }

    /// @inheritdoc IColdChain
    function receiveShipment(uint64 id, int16 mkt) external whenNotPaused {
        ColdChainStorage storage $ = _coldChainStorage();
        Shipment storage s = _monitored(id);
        uint32 orgId = _roleOrg(Roles.HOSPITAL, msg.sender);
        if (orgId != s.receiver) orgId = _roleOrg(Roles.DISTRIBUTOR, msg.sender);
        if (orgId == 0 || orgId != s.receiver) revert ColdChainNotReceiver(id, orgId);
        StorageClass memory rule = $.classes[s.storageClass];
        uint256 n = s.deviceCount;
        for (uint256 i = 0; i < n; ++i) {
            Alarm memory tail = _receiptCheck(id, $.devices[id][i], rule);
            if (tail.kind != ExcursionKind.None) {
                _alarm(id, s, tail);
                return;
            }
        }
        s.status = ShipmentStatus.Received;
        s.mkt = mkt;
        _freeDevices(id, n);
        emit ShipmentReceived(id, orgId, mkt);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IColdChain
    function storageClass(uint32 id) external view returns (StorageClass memory) {
        ColdChainStorage storage $ = _coldChainStorage();
        return $.classes[id];
    }

    /// @inheritdoc IColdChain
    function drug(uint64 gtin) external view returns (Drug memory) {
        ColdChainStorage storage $ = _coldChainStorage();
        return $.drugs[gtin];
    }

    /// @inheritdoc IColdChain
    function shipment(uint64 id) external view returns (Shipment memory) {
        ColdChainStorage storage $ = _coldChainStorage();
        return $.shipments[id];
    }

    /// @inheritdoc IColdChain
    function shipmentLots(uint64 id) external view returns (bytes32[] memory lots) {
        ColdChainStorage storage $ = _coldChainStorage();
        uint256 n = $.shipments[id].palletCount;
        bytes32[] memory found = new bytes32[](MAX_PALLETS * 8);
        uint256 count;
        for (uint256 i = 0; i < n; ++i) {
            bytes32[] memory inPallet = _supply.palletLots($.pallets[id][i]);
            for (uint256 j = 0; j < inPallet.length; ++j) count = _addOnce(found, count, inPallet[j]);
        }
        lots = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) lots[i] = found[i];
    }

    /// @inheritdoc IColdChain
    function shipmentPallets(uint64 id) external view returns (uint64[] memory pallets) {
        ColdChainStorage storage $ = _coldChainStorage();
        uint256 n = $.shipments[id].palletCount;
        pallets = new uint64[](n);
        for (uint256 i = 0; i < n; ++i) pallets[i] = $.pallets[id][i];
    }

    /// @inheritdoc IColdChain
    function sensorApproval(address dev) external view returns (uint32 senderOrg) {
        ColdChainStorage storage $ = _coldChainStorage();
        return $.approvals[dev];
    }

    /// @inheritdoc IColdChain
    function shipmentDevices(uint64 id) external view returns (address[] memory devices) {
        ColdChainStorage storage $ = _coldChainStorage();
        uint256 n = $.shipments[id].deviceCount;
        devices = new address[](n);
        for (uint256 i = 0; i < n; ++i) devices[i] = $.devices[id][i];
    }

    /// @inheritdoc IColdChain
    function track(address dev) external view returns (Track memory) {
        ColdChainStorage storage $ = _coldChainStorage();
        return $.tracks[dev];
    }

    /// @inheritdoc IColdChain
    function alarmOf(uint64 id) external view returns (Alarm memory) {
        ColdChainStorage storage $ = _coldChainStorage();
        return $.alarms[id];
    }

    /// @inheritdoc IColdChain
    function shipmentCount() external view returns (uint64) {
        ColdChainStorage storage $ = _coldChainStorage();
        return $.shipmentCount;
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

    /// @dev Walks a batch reading by reading with the same sample-and-hold arithmetic as the registry's pass and
    /// folds it into `t`: readings timed before `t.lastTime` (taken before the opening or a release) are skipped;
    /// returns the first break (kind None when there is none). Revert-free slow path, run only for a batch that
    /// straddles the leg's start or that broke the rule.
    function _walk(
        StorageClass memory rule,
        Track memory t,
        uint64 baseTime,
        bytes calldata readings
    ) private pure returns (Alarm memory alarm) {
        uint256 last = t.lastTime;
        uint256 outside = t.outside;
        uint256 counted = t.readings;
        int256 held = counted == 0 ? int256(rule.low) : int256(t.lastValue);
        for (uint256 p = 0; p < readings.length; p += 4) {
            uint256 r = uint32(bytes4(readings[p:p + 4]));
            uint256 ts = baseTime + (r >> 16);
            // t.lastTime is the leg's start (or the last counted reading) until the walk ends
            if (ts < t.lastTime) continue;
            // ts >= the leg's start, and the registry verified strictly increasing times after it
            uint256 dt = ts - last;
            if (held > rule.high || held < rule.low) outside += dt;
            if (alarm.kind == ExcursionKind.None) alarm = _breakAt(rule, last, dt, held, ts, outside, int16(uint16(r)));
            held = int16(uint16(r));
            last = ts;
            ++counted;
        }
        // a batch wholly before the leg's start leaves the track as it was
        if (counted == t.readings) return alarm;
        t.lastTime = uint40(last);
        t.outside = _toUint32(outside);
        t.readings = _toUint32(counted);
        // `held` is the last counted reading, an int16
        t.lastValue = int16(held);
    }

    /// @dev The break, if any, at one step of a walk: a gap before the reading, the allowance overrun by the held
    /// value, or the reading `v` itself beyond a hard bound.
    function _breakAt(
        StorageClass memory rule,
        uint256 last,
        uint256 dt,
        int256 held,
        uint256 ts,
        uint256 outside,
        int256 v
    ) private pure returns (Alarm memory) {
        if (dt > rule.maxGap) return Alarm(address(0), ExcursionKind.Gap, uint40(last), 0, _toUint32(dt));
        if ((held > rule.high || held < rule.low) && outside > rule.allowance) {
            int256 bound = held > rule.high ? int256(rule.high) : int256(rule.low);
            // held and bound are int16 values: the difference fits int32
            return Alarm(address(0), ExcursionKind.Cumulative, uint40(ts), int32(held - bound), _toUint32(outside));
        }
        if (v > rule.hardMax) return Alarm(address(0), ExcursionKind.HardBound, uint40(ts), int32(v - rule.hardMax), 0);
        if (v < rule.hardMin) return Alarm(address(0), ExcursionKind.HardBound, uint40(ts), int32(v - rule.hardMin), 0);
        return Alarm(address(0), ExcursionKind.None, 0, 0, 0);
    }

    /// @dev A sensor's state at receipt: every batch anchored since its assignment is on the shipment and it is
    /// not silent (else the call reverts); returns the tail break (kind None when none): a value held outside the
    /// range since the last reading, counted up to now, beyond the allowance.
    function _receiptCheck(uint64 id, address dev, StorageClass memory rule) private view returns (Alarm memory a) {
        ColdChainStorage storage $ = _coldChainStorage();
        Track memory t = $.tracks[dev];
        uint64 anchored = _registry.lastSequence(dev);
        if (anchored + 1 != t.nextSequence) revert ColdChainSequenceGap(id, dev, anchored, t.nextSequence - 1);
        uint256 since = _since(t.lastTime);
        if (since > rule.maxGap) revert ColdChainSensorSilent(id, dev, t.lastTime);
        if (t.readings == 0 || (t.lastValue <= rule.high && t.lastValue >= rule.low)) return a;
        uint256 outside = uint256(t.outside) + since;
        if (outside <= rule.allowance) return a;
        int256 bound = t.lastValue > rule.high ? int256(rule.high) : int256(rule.low);
        // int16 values: the difference fits int32
        a = Alarm(
            dev,
            ExcursionKind.Cumulative,
            uint40(block.timestamp),
            int32(t.lastValue - bound),
            _toUint32(outside)
        );
    }

    /// @dev Records an alarm; one that finds the shipment monitored quarantines it and its lots and becomes the
    /// shipment's recorded alarm (an alarm on an already quarantined shipment is on record as an event only).
    function _alarm(uint64 id, Shipment storage s, Alarm memory alarm) private {
        ColdChainStorage storage $ = _coldChainStorage();
        emit ExcursionAlarmed(id, alarm.device, alarm.kind, alarm.at, alarm.deviation, alarm.duration);
        if (s.status == ShipmentStatus.Quarantined) return;
        // one per quarantine, and each quarantine ends only by a regulator's release: far below 2^16
        ++s.alarms;
        s.status = ShipmentStatus.Quarantined;
        $.alarms[id] = alarm;
        bytes32 reasonHash = keccak256(abi.encode(id, alarm.device, alarm.kind, alarm.at, alarm.deviation));
        emit ShipmentQuarantined(id, address(this), reasonHash);
        _quarantinePallets(id, s.palletCount, reasonHash);
    }

    /// @dev Quarantines every pallet of the shipment in the supply chain (at most MAX_PALLETS calls): what
    /// travels in the shipment, not the lots chain-wide. A refusal by the supply chain (e.g. already quarantined)
    /// must not undo the alarm, so it is reported instead of bubbled.
    function _quarantinePallets(uint64 id, uint256 palletCount, bytes32 reasonHash) private {
        ColdChainStorage storage $ = _coldChainStorage();
        for (uint256 i = 0; i < palletCount; ++i) {
            uint64 sscc = $.pallets[id][i];
            try _supply.setPalletQuarantine(sscc, true, reasonHash) {} catch {
                emit PalletQuarantineFailed(id, sscc);
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
        uint256 palletCount = input.pallets.length;
        if (palletCount == 0 || palletCount > MAX_PALLETS) revert ColdChainPalletCount(palletCount, MAX_PALLETS);
        uint256 deviceCount = input.devices.length;
        if (deviceCount == 0 || deviceCount > MAX_DEVICES) revert ColdChainDeviceCount(deviceCount, MAX_DEVICES);
    }

    function _emitOpened(uint64 id, uint32 sender, uint32 classId, ShipmentInput calldata input) private {
        emit ShipmentOpened(id, sender, input.receiver, input.carrier, classId, input.referenceHash);
    }

    /// @dev Checks and stores the pallets (held by the sender, not quarantined) and checks the lots inside them
    /// (shippable drugs of one storage class, at most MAX_LOTS); returns that class.
    function _storePallets(uint64 id, uint64[] calldata pallets, uint32 sender) private returns (uint32 classId) {
        ColdChainStorage storage $ = _coldChainStorage();
        uint256 n = pallets.length;
        bytes32[] memory seen = new bytes32[](MAX_LOTS);
        uint256 lotCount;
        uint64[MAX_PALLETS] storage stored = $.pallets[id];
        for (uint256 i = 0; i < n; ++i) {
            uint64 sscc = pallets[i];
            for (uint256 j = 0; j < i; ++j) if (pallets[j] == sscc) revert ColdChainDuplicatePallet(sscc);
            ISupplyChain.Pallet memory p = _supply.pallet(sscc);
            if (p.itemCount == 0) revert ColdChainUnknownPallet(sscc);
            if (p.custodian != sender) revert ColdChainPalletNotHeld(sscc, sender);
            if (p.quarantined) revert ColdChainPalletNotShippable(sscc);
            bytes32[] memory lots = _supply.palletLots(sscc);
            for (uint256 k = 0; k < lots.length; ++k) {
                uint256 before = lotCount;
                lotCount = _addOnceBounded(seen, lotCount, lots[k]);
                if (lotCount == before) continue;
                uint32 cls = _checkLot(lots[k]);
                if (classId == 0) classId = cls;
                else if (cls != classId) revert ColdChainMixedStorageClass(_supply.lot(lots[k]).gtin, classId, cls);
            }
            stored[i] = sscc;
        }
    }

    /// @dev A lot that may ship cold (known, not recalled, quarantined, destroyed or expired; a drug): its class.
    function _checkLot(bytes32 lotId) private view returns (uint32 cls) {
        ColdChainStorage storage $ = _coldChainStorage();
        ISupplyChain.Lot memory info = _supply.lot(lotId);
        if (info.manufacturer == 0) revert ColdChainUnknownLot(lotId);
        // solhint-disable-next-line gas-strict-inequalities
        if (info.recalled || info.quarantined || info.destroyed || info.expiry <= block.timestamp) {
            revert ColdChainLotNotShippable(lotId);
        }
        cls = $.drugs[info.gtin].storageClass;
        if (cls == 0) revert ColdChainUnknownDrug(info.gtin);
    }

    /// @dev Appends `lotId` to `set[0..count)` unless present; refuses more than MAX_LOTS.
    function _addOnceBounded(bytes32[] memory set, uint256 count, bytes32 lotId) private pure returns (uint256) {
        for (uint256 i = 0; i < count; ++i) if (set[i] == lotId) return count;
        if (count == MAX_LOTS) revert ColdChainLotCount(count + 1, MAX_LOTS);
        set[count] = lotId;
        return count + 1;
    }

    /// @dev Appends `lotId` to `set[0..count)` unless present (the caller sized `set` for every candidate).
    function _addOnce(bytes32[] memory set, uint256 count, bytes32 lotId) private pure returns (uint256) {
        for (uint256 i = 0; i < count; ++i) if (set[i] == lotId) return count;
        set[count] = lotId;
        return count + 1;
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
            // a carrier's sensor is locked to a shipment only with its owner's approval for this sender
            if (owner != sender) {
                if (_coldChainStorage().approvals[dev] != sender) revert ColdChainDeviceNotApproved(dev, owner, sender);
                delete _coldChainStorage().approvals[dev];
            }
            uint64 busy = _coldChainStorage().tracks[dev].shipmentId;
            if (busy != 0) revert ColdChainDeviceBusy(dev, busy);
            _storeTrack(
                dev,
                Track({
                    shipmentId: id,
                    lastTime: uint40(block.timestamp),
                    outside: 0,
                    readings: 0,
                    lastValue: 0,
                    // contiguity starts after the last batch anchored before the assignment
                    nextSequence: _registry.lastSequence(dev) + 1
                })
            );
            _coldChainStorage().devices[id][i] = dev;
        }
    }

    /// @dev Ends the sensors' assignment so they can watch another shipment.
    function _freeDevices(uint64 id, uint256 n) private {
        ColdChainStorage storage $ = _coldChainStorage();
        for (uint256 i = 0; i < n; ++i) delete $.tracks[$.devices[id][i]];
    }

    /// @dev A shipment that still accepts readings (in transit, quarantined or released).
    function _openShipment(uint64 id) private view returns (Shipment storage s) {
        ColdChainStorage storage $ = _coldChainStorage();
        s = $.shipments[id];
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
    /// member). Layout of `Track`, low bits first: shipmentId 64, lastTime 40, outside 32, readings 32, lastValue 16,
    /// nextSequence 64.
    function _storeTrack(address dev, Track memory t) private {
        ColdChainStorage storage $ = _coldChainStorage();
        Track storage stored = $.tracks[dev];
        uint256 packed = uint256(t.shipmentId) |
            (uint256(t.lastTime) << 64) |
            (uint256(t.outside) << 104) |
            (uint256(t.readings) << 136) |
            (uint256(uint16(t.lastValue)) << 168) |
            (uint256(t.nextSequence) << 184);
        assembly ("memory-safe") {
            sstore(stored.slot, packed)
        }
    }

    /// @dev Seconds from `t` to now, 0 for a time in the future (a reading inside the registry's clock skew).
    function _since(uint256 t) private view returns (uint256) {
        return block.timestamp > t ? block.timestamp - t : 0;
    }

    function _toUint32(uint256 x) private pure returns (uint32) {
        return x > type(uint32).max ? type(uint32).max : uint32(x);
    }

    function _coldChainStorage() private pure returns (ColdChainStorage storage $) {
        assembly ("memory-safe") {
            $.slot := COLD_CHAIN_STORAGE
        }
    }
}
