// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ColdChain} from "../../contracts/pharma/ColdChain.sol";
import {DeviceRegistry} from "../../contracts/iot/DeviceRegistry.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {SupplyChain} from "../../contracts/supplychain/SupplyChain.sol";
import {IColdChain} from "../../contracts/interfaces/IColdChain.sol";
import {IDeviceTelemetry} from "../../contracts/interfaces/IDeviceTelemetry.sol";
import {ISupplyChain} from "../../contracts/interfaces/ISupplyChain.sol";
import {HandlerBase} from "../base/FuzzBase.sol";
import {CityFuzz} from "../base/CityFuzz.sol";

/**
 * @title ColdChainHandler
 * @notice Several parties open shipments of pallets (held or not) with sensors (approved or not); sensors sign
 * batches (some with a hard-bound breach); gateways relay them with drops, reorders and replays; receivers read the
 * sensor at the dock and relay its log before receiving; the regulator releases and destroys; time passes.
 * Ghosts count every business-rule violation the contracts let through (each must stay 0).
 */
contract ColdChainHandler is HandlerBase {
    struct Signed {
        IDeviceTelemetry.TelemetryBatch batch;
        bytes signature;
        bool breach;
        uint64 shipment;
    }

    ColdChain public immutable cold;
    SupplyChain public immutable supply;
    DeviceRegistry public immutable registry;
    address private immutable _regulator;
    address private immutable _carrier;
    address[] private _senders;
    address[] private _gateways;
    address[] private _devices;
    uint256[] private _keys;
    uint64[] private _pallets;

    mapping(address device => Signed[]) private _signed;
    mapping(address device => uint64) private _lastSignedSequence;
    mapping(address device => uint32) private _approvedFor;
    mapping(uint64 id => bool) private _breachSigned;
    mapping(uint64 sscc => bool) public palletWasInQuarantinedShipment;
    mapping(uint64 id => bool) private _seenQuarantined;
    /// @dev The account that receives each shipment (goods cycle between members, so the campaign never runs dry).
    mapping(uint64 id => address) private _receiverOf;
    /// @dev Batches the chain accepted (by their signature's digest).
    mapping(bytes32 digest => bool) private _anchored;
    /// @dev Received while a batch an assigned sensor signed during the trip was never anchored (must stay 0).
    uint256 public receivedWithWithheldBatch;
    address[] private _receivers;

    /// @dev Received while a breach an assigned sensor signed during the trip raised no alarm (must stay 0).
    uint256 public receivedWithUnalarmedBreach;
    /// @dev Opened naming a pallet the sender did not hold (must stay 0).
    uint256 public openedWithoutCustody;
    /// @dev A sensor locked by a shipment its owner did not approve (must stay 0).
    uint256 public lockedWithoutApproval;
    uint256 public received;

    constructor(
        ColdChain cold_,
        SupplyChain supply_,
        DeviceRegistry registry_,
        address regulator,
        address carrier,
        address[] memory senders,
        address[] memory gateways,
        address[] memory devices_,
        uint256[] memory keys,
        uint64[] memory pallets_,
        address[] memory receivers
    ) {
        _receivers = receivers;
        cold = cold_;
        supply = supply_;
        registry = registry_;
        _regulator = regulator;
        _carrier = carrier;
        _senders = senders;
        _gateways = gateways;
        _devices = devices_;
        _keys = keys;
        _pallets = pallets_;
    }

    function pallets() external view returns (uint64[] memory) {
        return _pallets;
    }

    function _orgOf(address account) private view returns (uint32) {
        return cold.consortium().memberOf(account);
    }

    function approve(uint256 deviceSeed, uint256 senderSeed) external {
        address dev = _devices[deviceSeed % _devices.length];
        uint32 sender = _orgOf(_pick(_senders, senderSeed));
        vm.prank(_carrier);
        try cold.approveSensor(dev, sender) {
            _approvedFor[dev] = sender;
            _accepted("approve");
        } catch {}
    }

    function open(uint256 senderSeed, uint256 palletSeed, uint256 deviceSeed) external {
        address from = _pick(_senders, senderSeed);
        uint32 sender = _orgOf(from);
        address to = _pick(_receivers, palletSeed >> 8);
        if (_orgOf(to) == sender) to = _receivers[(palletSeed >> 8) % _receivers.length == 0 ? 1 : 0];
        uint64 sscc = _pallets[palletSeed % _pallets.length];
        address dev = _devices[deviceSeed % _devices.length];
        uint64[] memory ps = new uint64[](1);
        ps[0] = sscc;
        address[] memory ds = new address[](1);
        ds[0] = dev;
        bool held = supply.pallet(sscc).custodian == sender;
        (uint32 owner, , ) = registry.deviceOf(dev);
        bool approved = owner == sender || _approvedFor[dev] == sender;
        IColdChain.ShipmentInput memory input = IColdChain.ShipmentInput({
            receiver: _orgOf(to),
            carrier: _orgOf(_carrier),
            pallets: ps,
            devices: ds,
            referenceHash: keccak256(abi.encode(senderSeed, palletSeed))
        });
        vm.prank(from);
        try cold.openShipment(input) returns (uint64 id) {
            _receiverOf[id] = to;
            if (!held) ++openedWithoutCustody;
            if (!approved) ++lockedWithoutApproval;
            if (owner != sender) delete _approvedFor[dev];
            // the device's own log continues: batches it signed before the opening are skipped by time
            if (_lastSignedSequence[dev] < registry.lastSequence(dev)) {
                _lastSignedSequence[dev] = registry.lastSequence(dev);
            }
            _accepted("open");
        } catch {}
    }

    /// @dev The sensor signs its next batch: three readings over the last three minutes, one in eight times with one
    /// beyond 15 °C (rare enough that a withheld breach is often a shipment's only one).
    function sign(uint256 deviceSeed, uint256 breachSeed) external {
        bool breach = breachSeed % 8 == 0;
        uint256 i = deviceSeed % _devices.length;
        address dev = _devices[i];
        uint64 id = cold.track(dev).shipmentId;
        if (id == 0) return;
        vm.warp(block.timestamp + 3 minutes);
        bytes memory readings = abi.encodePacked(
            uint16(0),
            int16(500),
            uint16(60),
            breach ? int16(1700) : int16(520),
            uint16(120),
            int16(510)
        );
        IDeviceTelemetry.TelemetryBatch memory batch = IDeviceTelemetry.TelemetryBatch({
            device: dev,
            sequence: ++_lastSignedSequence[dev],
            baseTime: uint64(block.timestamp - 120),
            sink: address(cold),
            readings: readings
        });
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_keys[i], registry.batchDigest(batch));
        _signed[dev].push(Signed(batch, abi.encodePacked(r, s, v), breach, id));
        // a breach signed after the leg started (not before a release: the regulator saw the earlier data)
        if (breach && batch.baseTime + 60 >= cold.track(dev).lastTime) _breachSigned[id] = true;
        _accepted("sign");
    }

    /// @dev A gateway relays any signed batch of the device: in order, skipping some (drops), out of order, again.
    function relay(uint256 deviceSeed, uint256 batchSeed, uint256 gatewaySeed) external {
        address dev = _devices[deviceSeed % _devices.length];
        uint256 n = _signed[dev].length;
        if (n == 0) return;
        // half the time the newest batch (a gateway that dropped the one before), else any, in any order, again
        Signed storage b = _signed[dev][batchSeed % 2 == 0 ? n - 1 : (batchSeed >> 1) % n];
        vm.prank(_pick(_gateways, gatewaySeed));
        try cold.submitReadings(b.shipment, b.batch, b.signature) {
            _anchored[keccak256(b.signature)] = true;
            _accepted("relay");
        } catch {}
        _observe(b.shipment);
    }

    /// @dev The receiver reads the sensor's log at the dock, relays it in order, then receives.
    function receive_(uint256 shipmentSeed, uint256 waitSeed) external {
        uint64 count = cold.shipmentCount();
        if (count == 0) return;
        uint64 id = uint64(1 + (shipmentSeed % count));
        vm.warp(block.timestamp + _bound(waitSeed, 0, 5 minutes));
        address[] memory devs = cold.shipmentDevices(id);
        for (uint256 d = 0; d < devs.length; ++d) {
            Signed[] storage log = _signed[devs[d]];
            for (uint256 k = 0; k < log.length; ++k) {
                if (log[k].shipment != id) continue;
                vm.prank(_receiverOf[id]);
                try cold.submitReadings(id, log[k].batch, log[k].signature) {
                    _anchored[keccak256(log[k].signature)] = true;
                } catch {}
            }
        }
        _observe(id);
        vm.prank(_receiverOf[id]);
        try cold.receiveShipment(id, 500) {
            IColdChain.Shipment memory s = cold.shipment(id);
            if (s.status == IColdChain.ShipmentStatus.Received) {
                ++received;
                if (_breachSigned[id] && s.alarms == 0) ++receivedWithUnalarmedBreach;
                _countWithheld(id, devs);
            }
            _accepted("receive");
        } catch {}
        _observe(id);
    }

    function decide(uint256 shipmentSeed, bool release) external {
        uint64 count = cold.shipmentCount();
        if (count == 0) return;
        uint64 id = uint64(1 + (shipmentSeed % count));
        vm.prank(_regulator);
        if (release) {
            try cold.releaseShipment(id, bytes32("fuzz")) {
                _accepted("release");
            } catch {}
            // the regulator's second decision: each held pallet of the shipment goes back into circulation
            uint64[] memory ps = cold.shipmentPallets(id);
            for (uint256 i = 0; i < ps.length; ++i) {
                vm.prank(_regulator);
                try supply.setPalletQuarantine(ps[i], false, bytes32("fuzz")) {} catch {}
            }
        } else {
            try cold.destroyShipment(id, bytes32("fuzz")) {
                _accepted("destroy");
            } catch {}
        }
    }

    function silence(uint256 shipmentSeed, uint256 deviceSeed) external {
        uint64 count = cold.shipmentCount();
        if (count == 0) return;
        uint64 id = uint64(1 + (shipmentSeed % count));
        // no warp: time passes through the other actions; the watchdog fires when a sensor fell silent
        try cold.reportSilence(id, _devices[deviceSeed % _devices.length]) {
            _accepted("silence");
        } catch {}
        _observe(id);
    }

    /// @dev Counts a receipt that left a batch of this leg unanchored (any batch: a withheld one may hold a breach).
    function _countWithheld(uint64 id, address[] memory devs) private {
        for (uint256 d = 0; d < devs.length; ++d) {
            Signed[] storage log = _signed[devs[d]];
            for (uint256 k = 0; k < log.length; ++k) {
                if (log[k].shipment == id && !_anchored[keccak256(log[k].signature)]) {
                    ++receivedWithWithheldBatch;
                    return;
                }
            }
        }
    }

    /// @dev Remembers the pallets of a shipment once seen quarantined (the ghost the quarantine invariant reads).
    function _observe(uint64 id) private {
        if (_seenQuarantined[id] || cold.shipment(id).alarms == 0) return;
        _seenQuarantined[id] = true;
        uint64[] memory ps = cold.shipmentPallets(id);
        for (uint256 i = 0; i < ps.length; ++i) {
            palletWasInQuarantinedShipment[ps[i]] = true;
        }
    }
}

/// @notice The cold chain's business rules under drops, reorders, replays and several parties.
contract ColdChainInvariants is CityFuzz {
    ColdChain internal cold;
    SupplyChain internal supply;
    DeviceRegistry internal registry;
    ColdChainHandler internal handler;
    bytes32[] internal lots;

    function setUp() public {
        _formCity();
        vm.warp(1_800_000_000);
        // Every contract as deployed: implementation behind an initialised ERC-1967 proxy (the supply chain's
        // implementation linked to SupplyChainOversight by forge).
        supply = SupplyChain(
            address(new ERC1967Proxy(address(new SupplyChain(consortium)), abi.encodeCall(SupplyChain.initialize, ())))
        );
        registry = DeviceRegistry(
            address(
                new ERC1967Proxy(address(new DeviceRegistry(consortium)), abi.encodeCall(DeviceRegistry.initialize, ()))
            )
        );
        cold = ColdChain(
            address(
                new ERC1967Proxy(
                    address(new ColdChain(consortium, registry, supply)),
                    abi.encodeCall(ColdChain.initialize, ())
                )
            )
        );
        vm.prank(regulator);
        supply.setGuardian(address(cold), true);
        vm.prank(regulator);
        uint32 cls = cold.defineStorageClass(
            IColdChain.StorageClass(0, 1500, 200, 800, 30 minutes, 15 minutes, true),
            bytes32("2-8")
        );
        uint64 gtin = 4012345000016;
        vm.startPrank(manufacturer);
        supply.registerProduct(gtin, bytes32("insulin"));
        cold.registerDrug(gtin, cls);
        uint64[] memory pallets = new uint64[](4);
        // valid SSCCs (GS1 mod-10 check digit): 0 0401234 500000001 c
        pallets[0] = 4012345000000012;
        pallets[1] = 4012345000000029;
        pallets[2] = 4012345000000036;
        pallets[3] = 4012345000000043;
        for (uint256 p = 0; p < pallets.length; ++p) {
            bytes32 lotNumber = keccak256(abi.encode("lot", p));
            bytes32 lotId = supply.commissionLot(
                ISupplyChain.LotInput(
                    gtin,
                    lotNumber,
                    uint64(block.timestamp + 400 days),
                    bytes32(0),
                    bytes32(0),
                    0,
                    new bytes32[](0)
                )
            );
            lots.push(lotId);
            bytes32[] memory serials = new bytes32[](2);
            serials[0] = keccak256(abi.encode("serial", p, 0));
            serials[1] = keccak256(abi.encode("serial", p, 1));
            supply.registerItems(lotId, serials);
            supply.packItems(pallets[p], lotId, serials, new bytes32[](0), new bool[](0));
        }
        // pallets 2 and 3 go to the distributor, which then holds them
        uint32 distributorOrg = consortium.memberOf(distributor);
        for (uint256 p = 2; p < 4; ++p) {
            supply.shipPallet(pallets[p], ISupplyChain.Shipment(distributorOrg, distributorOrg, 0, 0, 0, 0));
        }
        vm.stopPrank();
        for (uint256 p = 2; p < 4; ++p) {
            vm.prank(distributor);
            supply.receivePallet(pallets[p], 0, 0);
        }

        bytes32 firmware = keccak256("coldsense-fw-1.0.0");
        vm.prank(deviceManager);
        registry.setFirmware(firmware, 1, 1, true);
        address[] memory devices = new address[](3);
        uint256[] memory keys = new uint256[](3);
        for (uint256 i = 0; i < devices.length; ++i) {
            keys[i] = keyOf(string.concat("cold-sensor", _toString(i)));
            devices[i] = vm.addr(keys[i]);
            // sensors 0 and 1 are the carrier's, sensor 2 the manufacturer's own
            IDeviceTelemetry.Registration memory r = IDeviceTelemetry.Registration({
                device: devices[i],
                kind: 1,
                ownerOrg: consortium.memberOf(i < 2 ? carrier : manufacturer),
                managerOrg: consortium.memberOf(deviceManager),
                firmware: firmware,
                calibratedUntil: uint64(block.timestamp + 365 days),
                metadataHash: bytes32(i),
                nonce: 0,
                deadline: uint64(block.timestamp + 1 hours)
            });
            (uint8 v, bytes32 rr, bytes32 s) = vm.sign(keys[i], registry.registrationDigest(r));
            vm.prank(deviceManager);
            registry.registerDevice(r, abi.encodePacked(rr, s, v));
        }
        handler = _handlerFor(devices, keys, pallets);
        targetContract(address(handler));
    }

    /// @dev Senders ship what they hold; receivers (a hospital and two members that ship onward) take goods back
    /// into circulation; gateways are the carrier, an outsider and the hospital's dock.
    function _handlerFor(
        address[] memory devices,
        uint256[] memory keys,
        uint64[] memory pallets
    ) private returns (ColdChainHandler) {
        address[] memory senders = new address[](4);
        senders[0] = manufacturer;
        senders[1] = distributor;
        senders[2] = manufacturer2;
        senders[3] = pharmacy;
        address[] memory receivers = new address[](3);
        receivers[0] = distributor;
        receivers[1] = pharmacy;
        receivers[2] = hospital;
        address[] memory gateways = new address[](3);
        gateways[0] = carrier;
        gateways[1] = outsider;
        gateways[2] = hospital;
        return
            new ColdChainHandler(
                cold,
                supply,
                registry,
                regulator,
                carrier,
                senders,
                gateways,
                devices,
                keys,
                pallets,
                receivers
            );
    }

    /// @notice No shipment is received while a reading an assigned sensor signed during the trip broke the rule
    /// unalarmed (drops, reorders and replays included).
    function invariant_noUnalarmedBreachReceived() public view {
        assertEq(handler.receivedWithUnalarmedBreach(), 0, "received with an unalarmed breach");
        assertEq(handler.receivedWithWithheldBatch(), 0, "received while a batch signed during the trip was withheld");
    }

    /// @notice Shipments name only pallets their sender holds; sensors lock only with their owner's approval.
    function invariant_custodyAndConsent() public view {
        assertEq(handler.openedWithoutCustody(), 0, "opened naming a pallet the sender did not hold");
        assertEq(handler.lockedWithoutApproval(), 0, "a sensor locked without its owner's approval");
    }

    /// @notice Goods are quarantined only through a shipment they travel in (no regulator or manufacturer acts on
    /// lots in this campaign, so no lot is ever quarantined chain-wide).
    function invariant_quarantineOnlyWhatTravels() public view {
        uint64[] memory ps = handler.pallets();
        for (uint256 i = 0; i < ps.length; ++i) {
            if (supply.pallet(ps[i]).quarantined) {
                assertTrue(handler.palletWasInQuarantinedShipment(ps[i]), "pallet quarantined outside its shipment");
            }
        }
        for (uint256 i = 0; i < lots.length; ++i) {
            assertTrue(!supply.lot(lots[i]).quarantined, "a lot quarantined chain-wide by an alarm");
        }
    }
}
