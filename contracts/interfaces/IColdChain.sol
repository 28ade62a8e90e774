// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IDeviceTelemetry} from "./IDeviceTelemetry.sol";
import {ISupplyChain} from "./ISupplyChain.sol";

/**
 * @title IColdChain
 * @notice Drug products with their storage class, and cold-chain shipments of lots watched by registered
 * temperature sensors. The temperature rule of the storage class (hard bounds, cumulative time outside the
 * labelled range, maximum silence between readings) is evaluated in the transaction that submits the readings;
 * a break raises an excursion alarm and quarantines the shipment and the pallets that travel in it in the supply
 * chain at once. Only a REGULATOR releases or destroys a quarantined shipment, with the reason recorded.
 * Custody: the sender is the supply-chain custodian of every pallet it ships; a sensor is the sender's own or its
 * owner (the carrier) approved it for this sender (`approveSensor`). Completeness: while assigned, a sensor's batches
 * are recorded in contiguous sequence (the first is the one after its last anchored batch at assignment); a batch
 * out of turn is refused (`ColdChainSequenceGap`), a sequence anchored elsewhere is an excursion
 * (`reportSequenceGap`), and receipt waits until every anchored batch is on the shipment.
 * @dev Temperatures are centi-degrees Celsius (`int16`, 2.00 °C = 200). Time outside the range is counted per
 * device, sample-and-hold: a reading outside [low, high] stands for the seconds until that device's next reading,
 * and the last one's until the receipt. Readings timed before the opening or a release are skipped.
 */
interface IColdChain {
    /// @notice Lifecycle of a shipment.
    enum ShipmentStatus {
        None,
        InTransit,
        Quarantined,
        Released,
        Received,
        Destroyed
    }

    /// @notice Which part of the rule broke.
    enum ExcursionKind {
        None,
        HardBound,
        Cumulative,
        Gap,
        SequenceGap
    }

    /// @notice A storage class defined by a REGULATOR (e.g. refrigerated 2–8 °C).
    struct StorageClass {
        int16 hardMin;
        int16 hardMax;
        int16 low;
        int16 high;
        uint32 allowance;
        uint32 maxGap;
        bool defined;
    }

    /// @notice A drug product: a supply-chain GTIN with its storage class.
    struct Drug {
        uint32 manufacturer;
        uint32 storageClass;
    }

    /// @notice What the sender gives to open a shipment.
    struct ShipmentInput {
        uint32 receiver;
        uint32 carrier;
        uint64[] pallets;
        address[] devices;
        bytes32 referenceHash;
    }

    /// @notice A shipment.
    struct Shipment {
        uint32 sender;
        uint32 carrier;
        uint32 receiver;
        uint32 storageClass;
        ShipmentStatus status;
        uint40 openedAt;
        uint8 palletCount;
        uint8 deviceCount;
        uint16 alarms;
        int16 mkt;
    }

    /// @notice A device's running evaluation on its current shipment. `lastValue` is the reading that stands for
    /// the time until the next one (nothing is held before the first reading: the goods leave in range).
    /// `nextSequence` is the only batch sequence the shipment takes next from the device.
    struct Track {
        uint64 shipmentId;
        uint40 lastTime;
        uint32 outside;
        uint32 readings;
        int16 lastValue;
        uint64 nextSequence;
    }

    /// @notice The excursion that last quarantined a shipment.
    struct Alarm {
        address device;
        ExcursionKind kind;
        uint40 at;
        int32 deviation;
        uint32 duration;
    }

    /// @notice A storage class was defined.
    /// @param id The class id.
    /// @param nameHash Hash of its name/specification.
    /// @param rule The rule.
    event StorageClassDefined(uint32 indexed id, bytes32 nameHash, StorageClass rule);
    /// @notice A GTIN became a drug product with a storage class.
    /// @param gtin The GTIN-14.
    /// @param manufacturer The manufacturer organisation.
    /// @param storageClass The storage class.
    event DrugRegistered(uint64 indexed gtin, uint32 indexed manufacturer, uint32 storageClass);
    /// @notice A shipment left the sender.
    /// @param id The shipment.
    /// @param sender Sending organisation.
    /// @param receiver Receiving organisation.
    /// @param carrier Carrying organisation.
    /// @param storageClass The rule that applies.
    /// @param referenceHash Hash of the off-chain shipping document (lots and sensors: `shipmentLots`,
    /// `shipmentDevices`, or the call's input).
    event ShipmentOpened(
        uint64 indexed id,
        uint32 indexed sender,
        uint32 indexed receiver,
        uint32 carrier,
        uint32 storageClass,
        bytes32 referenceHash
    );
    /// @notice A device's batch was recorded on a shipment and evaluated. The batch's anchor (sequence, Merkle
    /// root, times) is the device registry's `BatchAnchored` log emitted just before it in the same call.
    /// @param id The shipment.
    /// @param device The device.
    /// @param count Number of readings.
    /// @param firstValue First reading of the batch.
    /// @param lastValue Last reading of the batch.
    /// @param outside The device's cumulative seconds outside the range on this shipment.
    event ReadingsRecorded(
        uint64 indexed id,
        address indexed device,
        uint16 count,
        int16 firstValue,
        int16 lastValue,
        uint32 outside
    );
    /// @notice The temperature rule broke.
    /// @param id The shipment.
    /// @param device The device that saw it.
    /// @param kind Hard bound, cumulative allowance, gap or sequence gap (a batch lost to the shipment).
    /// @param at When (the reading's time; for a gap, the last reading before the silence).
    /// @param deviation How far beyond the bound, centi-degrees (0 for a gap).
    /// @param duration How long: seconds outside the range (cumulative) or of silence (gap); batches lost (sequence
    /// gap).
    event ExcursionAlarmed(
        uint64 indexed id,
        address indexed device,
        ExcursionKind kind,
        uint64 at,
        int32 deviation,
        uint32 duration
    );
    /// @notice A shipment (and its pallets) was quarantined.
    /// @param id The shipment.
    /// @param by This contract on an alarm, or the REGULATOR's account.
    /// @param reasonHash The reason.
    event ShipmentQuarantined(uint64 indexed id, address indexed by, bytes32 reasonHash);
    /// @notice A REGULATOR released a quarantined shipment.
    /// @param id The shipment.
    /// @param by The regulator's account.
    /// @param reasonHash The reason.
    event ShipmentReleased(uint64 indexed id, address indexed by, bytes32 reasonHash);
    /// @notice A REGULATOR ordered a quarantined shipment destroyed.
    /// @param id The shipment.
    /// @param by The regulator's account.
    /// @param reasonHash The reason.
    event ShipmentDestroyed(uint64 indexed id, address indexed by, bytes32 reasonHash);
    /// @notice The receiver accepted a shipment and committed its mean kinetic temperature.
    /// @param id The shipment.
    /// @param receiver The receiving organisation.
    /// @param mkt Mean kinetic temperature, centi-degrees (computed off chain from the readings).
    event ShipmentReceived(uint64 indexed id, uint32 indexed receiver, int16 mkt);
    /// @notice The supply chain refused to quarantine a pallet (e.g. already quarantined); the alarm stands.
    /// @param id The shipment.
    /// @param sscc The pallet.
    event PalletQuarantineFailed(uint64 indexed id, uint64 indexed sscc);
    /// @notice A sensor's owner approved it for the next shipment a sender opens (0: approval withdrawn).
    /// @param device The sensor.
    /// @param ownerOrg The owner (carrier) organisation.
    /// @param senderOrg The sender it may be assigned by.
    event SensorApproved(address indexed device, uint32 indexed ownerOrg, uint32 senderOrg);

    /// @dev A constructor address is zero.
    error ColdChainZeroAddress();
    /// @dev The storage class is inconsistent (needs hardMin <= low < high <= hardMax and maxGap > 0).
    error ColdChainInvalidStorageClass();
    /// @dev No such storage class.
    error ColdChainUnknownStorageClass(uint32 id);
    /// @dev The caller's organisation is not the GTIN's manufacturer in the supply chain.
    error ColdChainNotProductManufacturer(uint64 gtin, uint32 orgId);
    /// @dev The GTIN is already a drug product.
    error ColdChainDrugExists(uint64 gtin);
    /// @dev The GTIN is not a drug product.
    error ColdChainUnknownDrug(uint64 gtin);
    /// @dev The organisation does not hold the role the shipment needs (carrier, receiver).
    error ColdChainInvalidParty(uint32 orgId, uint8 role);
    /// @dev More lots than allowed in the shipment's pallets.
    error ColdChainLotCount(uint256 count, uint256 max);
    /// @dev Number of pallets outside 1..max.
    error ColdChainPalletCount(uint256 count, uint256 max);
    /// @dev The pallet is unknown (or empty) in the supply chain.
    error ColdChainUnknownPallet(uint64 sscc);
    /// @dev The sender is not the pallet's custodian.
    error ColdChainPalletNotHeld(uint64 sscc, uint32 senderOrg);
    /// @dev The pallet is quarantined.
    error ColdChainPalletNotShippable(uint64 sscc);
    /// @dev The pallet appears twice.
    error ColdChainDuplicatePallet(uint64 sscc);
    /// @dev The sensor belongs to the carrier, which has not approved it for this sender.
    error ColdChainDeviceNotApproved(address device, uint32 ownerOrg, uint32 senderOrg);
    /// @dev The caller's organisation does not own the sensor.
    error ColdChainNotDeviceOwner(address device, uint32 orgId);
    /// @dev A batch out of turn (submitReadings: `sequence` is not `expected`), or at receipt a batch anchored
    /// after `expected` is missing from the shipment.
    error ColdChainSequenceGap(uint64 id, address device, uint64 sequence, uint64 expected);
    /// @dev No batch was lost: the registry's last sequence is below the one the shipment expects next.
    error ColdChainNoSequenceGap(uint64 id, address device, uint64 expected);
    /// @dev Number of devices outside 1..max.
    error ColdChainDeviceCount(uint256 count, uint256 max);
    /// @dev The lot is unknown to the supply chain.
    error ColdChainUnknownLot(bytes32 lotId);
    /// @dev The lot is recalled, quarantined, destroyed or expired.
    error ColdChainLotNotShippable(bytes32 lotId);
    /// @dev The lots do not share one storage class.
    error ColdChainMixedStorageClass(uint64 gtin, uint32 expected, uint32 storageClass);
    /// @dev The device is not an active temperature sensor of the sender or the carrier.
    error ColdChainDeviceNotUsable(address device);
    /// @dev The device already watches a shipment.
    error ColdChainDeviceBusy(address device, uint64 shipmentId);
    /// @dev No such shipment.
    error ColdChainUnknownShipment(uint64 id);
    /// @dev The shipment's status does not allow this.
    error ColdChainInvalidStatus(uint64 id, ShipmentStatus status);
    /// @dev The device is not assigned to the shipment.
    error ColdChainDeviceNotAssigned(uint64 id, address device);
    /// @dev The batch was signed for another submitting contract.
    error ColdChainWrongSink(address sink);
    /// @dev The caller's organisation is not the shipment's receiver.
    error ColdChainNotReceiver(uint64 id, uint32 orgId);
    /// @dev A sensor has been silent longer than the class allows: report it, the shipment cannot be received.
    error ColdChainSensorSilent(uint64 id, address device, uint64 lastReading);
    /// @dev The sensor is not silent beyond the allowed gap.
    error ColdChainSensorNotSilent(uint64 id, address device, uint64 lastReading);

    /// @notice Define a storage class. REGULATOR only.
    /// @param rule The rule (`defined` is ignored).
    /// @param nameHash Hash of its name/specification.
    /// @return id The new class id (from 1).
    function defineStorageClass(StorageClass calldata rule, bytes32 nameHash) external returns (uint32 id);

    /// @notice Register a supply-chain GTIN of the caller's MANUFACTURER organisation as a drug with its class.
    /// @param gtin The GTIN-14.
    /// @param storageClass The storage class.
    function registerDrug(uint64 gtin, uint32 storageClass) external;

    /// @notice Open a shipment (the sender: a MANUFACTURER or DISTRIBUTOR organisation, custodian of every pallet).
    /// @param input Receiver, carrier, pallets (1..8, their lots 1..16 of one storage class) and sensors (1..4,
    /// the sender's own or approved by their carrier owner for this sender).
    /// @return id The shipment id (from 1).
    function openShipment(ShipmentInput calldata input) external returns (uint64 id);

    /// @notice Approve the caller's (CARRIER) sensor for the next shipment `senderOrg` opens; 0 withdraws.
    /// @param device The sensor (owned by the caller's organisation).
    /// @param senderOrg The sender organisation.
    function approveSensor(address device, uint32 senderOrg) external;

    /// @notice Raise the sequence-gap alarm: a batch the device anchored in the registry after its assignment is
    /// not on the shipment (anyone).
    /// @param id The shipment.
    /// @param device The device.
    function reportSequenceGap(uint64 id, address device) external;

    /// @notice Record a device-signed batch on a shipment (any relayer) and evaluate the rule in the same call.
    /// The batch must be the device's next sequence on the shipment.
    /// @param id The shipment.
    /// @param batch The batch (its `sink` must be this contract).
    /// @param signature The device's signature.
    function submitReadings(
        uint64 id,
        IDeviceTelemetry.TelemetryBatch calldata batch,
        bytes calldata signature
    ) external;

    /// @notice Raise the gap alarm for a sensor silent longer than the class allows (anyone, e.g. a watchdog).
    /// @param id The shipment.
    /// @param device The silent device.
    function reportSilence(uint64 id, address device) external;

    /// @notice Quarantine a shipment and its lots by decision. REGULATOR only.
    /// @param id The shipment.
    /// @param reasonHash The reason.
    function quarantineShipment(uint64 id, bytes32 reasonHash) external;

    /// @notice Release a quarantined shipment (monitoring restarts from now). REGULATOR only; the regulator
    /// releases the pallets in the supply chain itself.
    /// @param id The shipment.
    /// @param reasonHash The reason.
    function releaseShipment(uint64 id, bytes32 reasonHash) external;

    /// @notice Close a quarantined shipment as destroyed. REGULATOR only; the lots are destroyed in the supply chain.
    /// @param id The shipment.
    /// @param reasonHash The reason.
    function destroyShipment(uint64 id, bytes32 reasonHash) external;

    /// @notice Receive a shipment in transit (or released) and commit its mean kinetic temperature. The receiver.
    /// Refused while a sensor is silent or a batch anchored since its assignment is missing; a value held outside
    /// the range since the last reading counts up to now, and if that breaks the allowance the call raises the
    /// alarm (the shipment is quarantined, not received).
    /// @param id The shipment.
    /// @param mkt Mean kinetic temperature, centi-degrees.
    function receiveShipment(uint64 id, int16 mkt) external;

    /// @notice A storage class.
    /// @param id The class.
    /// @return The rule (`defined` false when unknown).
    function storageClass(uint32 id) external view returns (StorageClass memory);

    /// @notice A drug product.
    /// @param gtin The GTIN-14.
    /// @return The drug (storage class 0 when unknown).
    function drug(uint64 gtin) external view returns (Drug memory);

    /// @notice A shipment.
    /// @param id The shipment.
    /// @return The shipment (status None when unknown).
    function shipment(uint64 id) external view returns (Shipment memory);

    /// @notice The lots in a shipment's pallets (as the supply chain lists them now).
    /// @param id The shipment.
    /// @return lots The lot ids.
    function shipmentLots(uint64 id) external view returns (bytes32[] memory lots);

    /// @notice The pallets of a shipment.
    /// @param id The shipment.
    /// @return pallets The SSCCs.
    function shipmentPallets(uint64 id) external view returns (uint64[] memory pallets);

    /// @notice The sender a sensor is approved for (0: none).
    /// @param device The sensor.
    /// @return senderOrg The sender organisation.
    function sensorApproval(address device) external view returns (uint32 senderOrg);

    /// @notice The sensors of a shipment.
    /// @param id The shipment.
    /// @return devices The device addresses.
    function shipmentDevices(uint64 id) external view returns (address[] memory devices);

    /// @notice A device's running evaluation (shipment 0 when it watches none).
    /// @param device The device.
    /// @return The track.
    function track(address device) external view returns (Track memory);

    /// @notice The excursion that last quarantined a shipment.
    /// @param id The shipment.
    /// @return The alarm (kind None when none).
    function alarmOf(uint64 id) external view returns (Alarm memory);

    /// @notice The device registry that verifies and anchors telemetry.
    /// @return The registry.
    function registry() external view returns (IDeviceTelemetry);

    /// @notice The supply chain whose lots this contract quarantines (as a guardian).
    /// @return The supply chain.
    function supplyChain() external view returns (ISupplyChain);

    /// @notice Number of shipments opened.
    /// @return The count (ids run from 1).
    function shipmentCount() external view returns (uint64);
}
