// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AssetPPA} from "../../contracts/assets/AssetPPA.sol";
import {AssetVending} from "../../contracts/assets/AssetVending.sol";
import {AssetShareToken} from "../../contracts/assets/AssetShareToken.sol";
import {DeviceRegistry} from "../../contracts/iot/DeviceRegistry.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {IAssetPPA} from "../../contracts/interfaces/IAssetPPA.sol";
import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IDeviceTelemetry} from "../../contracts/interfaces/IDeviceTelemetry.sol";
import {SettlementToken} from "../../contracts/payments/SettlementToken.sol";
import {HandlerBase} from "../base/FuzzBase.sol";
import {Vm} from "../base/Vm.sol";
import {AssetsFuzz} from "./AssetsFuzz.sol";

/**
 * @title PpaHandler
 * @notice Drives a solar PPA: the meter signs register batches (normal days, over-capacity spikes, backward
 * steps, exact replays, re-signed batches over settled times), the grid changes its allowance (so arrears open and
 * close), keepers collect, a regulator reviews held periods, the landlord and the operator withdraw, investors
 * claim, time passes. Ghosts, from the contract's own events: energy and value billed, register increase, money
 * pulled from the grid, withdrawn, deposited for holders; replays accepted; liveness failures.
 */
contract PpaHandler is HandlerBase {
    bytes32 private constant SETTLED =
        keccak256("PpaSettled(uint256,uint32,address,uint64,uint64,uint64,uint64,uint256)");
    bytes32 private constant WATERFALL =
        keccak256("PpaWaterfall(uint256,uint256,uint256,uint256,uint256,uint256,uint256)");
    bytes32 private constant ALARM = keccak256("PpaMeterAlarm(uint256,uint256,address,uint64,uint64)");

    AssetPPA public immutable ppa;
    SettlementToken public immutable ceur;
    AssetShareToken public immutable token;
    uint256 public immutable assetId;
    uint256 private immutable _meterKey;
    address private immutable _meter;
    address private immutable _grid;
    address private immutable _regulator;
    address private immutable _landlord;
    address private immutable _operator;
    uint32 private immutable _landlordOrg;
    uint32 private immutable _operatorOrg;
    uint64 private immutable _capacityW;
    address[] private _investors;

    uint64 private _sequence;
    IAssetPPA.MeterBatch private _lastBatch;
    bytes private _lastSignature;
    uint256 private _lastHeld;

    uint256 public billedEnergy;
    uint256 public billedValue;
    uint256 public registerIncrease;
    uint256 public pulled;
    uint256 public toHolders;
    uint256 public rentPaid;
    uint256 public omPaid;
    uint256 public withdrawn;
    uint256 public replaysAccepted;
    uint256 public livenessFailures;
    uint256 public overpaid;

    struct Init {
        AssetPPA ppa;
        SettlementToken ceur;
        AssetShareToken token;
        uint256 assetId;
        uint256 meterKey;
        address grid;
        address regulator;
        address landlord;
        address operator;
        uint32 landlordOrg;
        uint32 operatorOrg;
        uint64 capacityW;
        address[] investors;
    }

    constructor(Init memory i) {
        ppa = i.ppa;
        ceur = i.ceur;
        token = i.token;
        assetId = i.assetId;
        _meterKey = i.meterKey;
        _meter = vm.addr(i.meterKey);
        _grid = i.grid;
        _regulator = i.regulator;
        _landlord = i.landlord;
        _operator = i.operator;
        _landlordOrg = i.landlordOrg;
        _operatorOrg = i.operatorOrg;
        _capacityW = i.capacityW;
        _investors = i.investors;
    }

    /// @notice A batch of `n` readings: mode 0 plausible, 1 one over-capacity spike, 2 one backward step.
    function settle(uint256 nSeed, uint256 incSeed, uint256 modeSeed, uint256 gapSeed) external {
        IAssetPPA.Account memory a = ppa.account(assetId);
        uint256 n = _bound(nSeed, 1, 96);
        uint64 start = uint64(a.lastTime + _bound(gapSeed, 1, 2 hours));
        uint256 mode = modeSeed % 8; // mostly plausible
        uint256 stepMax = (uint256(_capacityW) * 900) / 3600;
        bytes memory regs = new bytes(n * 8);
        uint256 r = a.register;
        for (uint256 i = 0; i < n; ++i) {
            uint256 inc = uint256(keccak256(abi.encode(incSeed, i))) % (stepMax + 1);
            if (mode == 1 && i == n / 2) inc = stepMax * 3 + 1;
            r += inc;
            if (mode == 2 && i == n / 2 && i > 0) r = r - inc - 1;
            uint64 word = uint64(r);
            for (uint256 b = 0; b < 8; ++b) regs[i * 8 + b] = bytes1(uint8(word >> (56 - 8 * b)));
        }
        IAssetPPA.MeterBatch memory batch = IAssetPPA.MeterBatch(_meter, assetId, ++_sequence, start, 900, regs);
        vm.warp(start + (n - 1) * 900 + 1);
        bytes memory sig = _sign(batch);
        vm.recordLogs();
        try ppa.settle(batch, sig) {
            registerIncrease += ppa.account(assetId).register - a.register;
            _lastBatch = batch;
            _lastSignature = sig;
            _scan(vm.getRecordedLogs());
            _accepted("settle");
        } catch {
            --_sequence;
        }
    }

    /// @notice Replays the last accepted batch, and re-signs it with a new sequence (times already settled).
    function replay() external {
        if (_lastBatch.sequence == 0) return;
        try ppa.settle(_lastBatch, _lastSignature) {
            ++replaysAccepted;
        } catch {}
        IAssetPPA.MeterBatch memory again = _lastBatch;
        again.sequence = _sequence + 1;
        try ppa.settle(again, _sign(again)) {
            ++replaysAccepted;
        } catch {}
    }

    function setAllowance(uint256 amount) external {
        amount = amount % 4 == 0 ? 0 : _bound(amount, 0, 1e9);
        vm.prank(_grid);
        ceur.approve(address(ppa), amount);
    }

    function collect() external {
        vm.recordLogs();
        try ppa.collect(assetId) {
            _scan(vm.getRecordedLogs());
            _accepted("collect");
        } catch {}
    }

    function review(uint256 acceptedSeed) external {
        if (_lastHeld == 0) return;
        IAssetPPA.Held memory h = ppa.held(_lastHeld);
        if (h.resolved) return;
        uint64 acceptedWh = uint64(_bound(acceptedSeed, 0, h.energyWh));
        vm.recordLogs();
        vm.prank(_regulator);
        ppa.reviewHeld(_lastHeld, acceptedWh);
        _scan(vm.getRecordedLogs());
        _accepted("review");
    }

    /// @notice Liveness: an active organisation with a credit can always take it.
    function withdraw(bool landlord) external {
        uint32 org = landlord ? _landlordOrg : _operatorOrg;
        uint256 credit = ppa.credit(address(ceur), org);
        if (credit == 0) return;
        vm.prank(landlord ? _landlord : _operator);
        try ppa.withdraw(address(ceur), org) {
            withdrawn += credit;
            _accepted("withdraw");
        } catch {
            ++livenessFailures;
        }
    }

    /// @notice Liveness: with the allowance restored, a keeper's collect clears every arrear.
    function restoreAndCollect() external {
        vm.prank(_grid);
        ceur.approve(address(ppa), type(uint256).max);
        if (ppa.arrears(assetId) == 0) return;
        vm.recordLogs();
        try ppa.collect(assetId) {
            _scan(vm.getRecordedLogs());
            if (ppa.arrears(assetId) != 0) ++livenessFailures;
        } catch {
            ++livenessFailures;
        }
    }

    function claim(uint256 who) external {
        address holder = _pick(_investors, who);
        vm.prank(holder);
        try token.claim(address(ceur)) {
            _accepted("claim");
        } catch {}
    }

    function _sign(IAssetPPA.MeterBatch memory batch) private view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_meterKey, ppa.batchDigest(batch));
        return abi.encodePacked(r, s, v);
    }

    function _scan(Vm.Log[] memory logs) private {
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter != address(ppa)) continue;
            bytes32 topic = logs[i].topics[0];
            if (topic == SETTLED) {
                (, , , uint64 energyWh, uint256 value) = abi.decode(
                    logs[i].data,
                    (uint64, uint64, uint64, uint64, uint256)
                );
                billedEnergy += energyWh;
                billedValue += value;
            } else if (topic == WATERFALL) {
                (uint256 paid, uint256 rent, uint256 om, uint256 investors, , ) = abi.decode(
                    logs[i].data,
                    (uint256, uint256, uint256, uint256, uint256, uint256)
                );
                pulled += paid;
                rentPaid += rent;
                omPaid += om;
                toHolders += investors;
                if (rent + om + investors != paid) ++overpaid;
            } else if (topic == ALARM) {
                _lastHeld = uint256(logs[i].topics[2]);
            }
        }
    }
}

/**
 * @title PpaInvariants
 * @notice Solar PPA money and energy conservation: what the grid paid equals rent + O&M + holders' revenue + dust;
 * billed energy never exceeds the register increase; nothing is paid twice (paid + arrears = billed, replays
 * never accepted); money can always reach whoever is entitled.
 */
contract PpaInvariants is AssetsFuzz {
    uint64 private constant CAPACITY_W = 250_000;
    bytes32 private constant FIRMWARE = keccak256("sunmeter-fw");

    PpaHandler internal handler;
    AssetPPA internal ppa;
    uint256 internal gridStart;
    uint256 internal holdersStart;

    function setUp() public {
        _deployAssets();
        _fund();
        DeviceRegistry devices = DeviceRegistry(
            address(
                new ERC1967Proxy(address(new DeviceRegistry(consortium)), abi.encodeCall(DeviceRegistry.initialize, ()))
            )
        );
        vm.prank(deviceManager);
        devices.setFirmware(FIRMWARE, 2, 1, true);
        uint256 meterKey = keyOf("meter");
        address meter = vm.addr(meterKey);
        IDeviceTelemetry.Registration memory r = IDeviceTelemetry.Registration({
            device: meter,
            kind: 2,
            ownerOrg: consortium.memberOf(assetOperator),
            managerOrg: consortium.memberOf(deviceManager),
            firmware: FIRMWARE,
            calibratedUntil: uint64(block.timestamp + 3 * 365 days),
            metadataHash: keccak256("meter"),
            nonce: 0,
            deadline: uint64(block.timestamp + 1 hours)
        });
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(meterKey, devices.registrationDigest(r));
        vm.prank(deviceManager);
        devices.registerDevice(r, abi.encodePacked(rr, s, v));
        address[] memory bound = new address[](1);
        bound[0] = meter;
        vm.prank(assetOperator);
        registry.setDevices(assetId, bound);
        ppa = AssetPPA(_proxy(address(new AssetPPA(consortium, registry, IDeviceRegistry(address(devices))))));
        AssetVending vending = AssetVending(
            _proxy(address(new AssetVending(consortium, registry, IDeviceRegistry(address(devices)))))
        );
        registry.bindMetering(address(ppa), address(vending));
        IAssetPPA.Terms memory t = IAssetPPA.Terms({
            meter: meter,
            paymentToken: address(ceur),
            payer: gridOperator,
            gridOrg: consortium.memberOf(gridOperator),
            propertyOrg: consortium.memberOf(hospital),
            period: 1 days,
            capacityW: CAPACITY_W,
            tariff: 12,
            rentPerKWh: 1,
            rentBps: 700,
            omBps: 500,
            openingRegister: 0
        });
        vm.prank(assetOperator);
        ppa.propose(assetId, t);
        vm.prank(gridOperator);
        ppa.accept(assetId, t);
        vm.prank(gridOperator);
        ceur.approve(address(ppa), type(uint256).max);
        gridStart = ceur.balanceOf(gridOperator);
        holdersStart = ceur.balanceOf(address(token));
        handler = new PpaHandler(
            PpaHandler.Init({
                ppa: ppa,
                ceur: ceur,
                token: token,
                assetId: assetId,
                meterKey: meterKey,
                grid: gridOperator,
                regulator: regulator,
                landlord: hospital,
                operator: assetOperator,
                landlordOrg: consortium.memberOf(hospital),
                operatorOrg: consortium.memberOf(assetOperator),
                capacityW: CAPACITY_W,
                investors: investors
            })
        );
        targetContract(address(handler));
    }

    /// @notice Grid paid = rent + O&M + holders' revenue + dust, and the PPA holds exactly the credits and dust.
    function invariant_gridPaidEqualsWaterfall() public view {
        uint256 gridPaid = gridStart - ceur.balanceOf(gridOperator);
        assertEq(gridPaid, handler.pulled(), "grid outflow is what settlements pulled");
        assertEq(handler.overpaid(), 0, "each waterfall splits exactly what was paid");
        IAssetPPA.Account memory a = ppa.account(assetId);
        uint256 deposited = handler.toHolders() - a.dust;
        assertEq(
            gridPaid,
            handler.rentPaid() + handler.omPaid() + deposited + a.dust,
            "grid paid = rent + O&M + investors + dust"
        );
        uint32 landlordOrg = consortium.memberOf(hospital);
        uint32 operatorOrg = consortium.memberOf(assetOperator);
        assertEq(
            ceur.balanceOf(address(ppa)),
            ppa.credit(address(ceur), landlordOrg) + ppa.credit(address(ceur), operatorOrg) + a.dust,
            "the PPA holds exactly the unwithdrawn credits and the dust"
        );
        assertEq(
            handler.rentPaid() + handler.omPaid(),
            handler.withdrawn() + ppa.credit(address(ceur), landlordOrg) + ppa.credit(address(ceur), operatorOrg),
            "credits = withdrawn + outstanding"
        );
    }

    /// @notice Billed energy never exceeds the register increase.
    function invariant_settledEnergyWithinRegisterIncrease() public view {
        assertLe(handler.billedEnergy(), handler.registerIncrease(), "billed energy <= register increase");
        assertEq(handler.registerIncrease(), ppa.account(assetId).register, "register counted from zero");
    }

    /// @notice Nothing is paid twice: paid + arrears = billed; no replay accepted.
    function invariant_nothingPaidTwice() public view {
        assertEq(handler.pulled() + ppa.arrears(assetId), handler.billedValue(), "paid + arrears = billed");
        assertEq(handler.replaysAccepted(), 0, "no replayed or re-signed batch settled");
    }

    /// @notice Liveness: credits withdrawable, arrears collectable once the grid's allowance is back.
    function invariant_moneyReachesTheEntitled() public view {
        assertEq(handler.livenessFailures(), 0, "an entitled party was refused its money");
    }
}
