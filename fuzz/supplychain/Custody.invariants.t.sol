// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {SupplyChain} from "../../contracts/supplychain/SupplyChain.sol";
import {ISupplyChain} from "../../contracts/interfaces/ISupplyChain.sol";
import {IConsortium} from "../../contracts/interfaces/IConsortium.sol";
import {HandlerBase} from "../base/FuzzBase.sol";
import {CityFuzz} from "../base/CityFuzz.sol";

/**
 * @title CustodyHandler
 * @notice Moves the items of two lots between the custody members (manufacturer, distributor, carrier, hospital,
 * pharmacy): ships to a random member (sometimes transferring ownership), receives (as sellable or not), dispenses
 * (decommission by a HOSPITAL/DISTRIBUTOR member, and undo), reports items stolen/destroyed, recalls a lot
 * (manufacturer or regulator) and lets time pass. Callers are picked at random, so most calls by the wrong member
 * are refused. Ghosts: each item's custodian and pending receiver, updated from the accepted calls' meaning, and
 * every decommission accepted on a lot already recalled.
 */
contract CustodyHandler is HandlerBase {
    SupplyChain public immutable sc;
    IConsortium private immutable consortium_;
    address[] private _members;
    address private immutable _regulator;
    bytes32[] private _lots;
    bytes32[] private _serials;

    mapping(bytes32 itemKey => uint32) public custodianOf;
    mapping(bytes32 itemKey => uint32) public receiverOf;
    mapping(bytes32 lotId => bool) public recalled;
    uint256 public dispensedAfterRecall;

    constructor(
        SupplyChain sc_,
        address[] memory members,
        address regulator,
        bytes32[] memory lots_,
        bytes32[] memory serials_,
        uint32 maker
    ) {
        sc = sc_;
        consortium_ = sc_.consortium();
        _members = members;
        _regulator = regulator;
        _lots = lots_;
        _serials = serials_;
        for (uint256 l = 0; l < lots_.length; ++l) {
            for (uint256 s = 0; s < serials_.length; ++s) custodianOf[sc_.itemKeyOf(lots_[l], serials_[s])] = maker;
        }
    }

    function lots() external view returns (bytes32[] memory) {
        return _lots;
    }

    function serials() external view returns (bytes32[] memory) {
        return _serials;
    }

    /// @dev Three calls in four come from the member that can act (the custodian or the pending receiver), so the
    /// campaign moves goods along realistic paths; the fourth from anyone (mostly refused).
    function _actor(uint256 seed, uint32 org) private view returns (address) {
        if (seed % 4 != 0) {
            for (uint256 i = 0; i < _members.length; ++i) {
                if (consortium_.memberOf(_members[i]) == org) return _members[i];
            }
        }
        return _pick(_members, seed >> 2);
    }

    function _item(uint256 seed) private view returns (bytes32 lotId, bytes32 serial, bytes32 key) {
        lotId = _lots[seed % _lots.length];
        serial = _serials[(seed >> 8) % _serials.length];
        key = sc.itemKeyOf(lotId, serial);
    }

    function ship(uint256 itemSeed, uint256 callerSeed, uint256 receiverSeed, bool transferOwnership) external {
        (bytes32 lotId, bytes32 serial, bytes32 key) = _item(itemSeed);
        address caller = _actor(callerSeed, custodianOf[key]);
        uint32 receiver = consortium_.memberOf(_pick(_members, receiverSeed));
        ISupplyChain.Shipment memory shipment = ISupplyChain.Shipment({
            receiver: receiver,
            newOwner: transferOwnership ? receiver : 0,
            bizStep: "shipping",
            location: bytes32(0),
            epcisHash: bytes32(0),
            bizTransaction: bytes32(0)
        });
        vm.prank(caller);
        try sc.shipItem(lotId, serial, new bytes32[](0), shipment) {
            receiverOf[key] = receiver;
            _accepted("ship");
        } catch {}
    }

    function receive_(uint256 itemSeed, uint256 callerSeed, bool sellable) external {
        (bytes32 lotId, bytes32 serial, bytes32 key) = _item(itemSeed);
        address caller = _actor(callerSeed, receiverOf[key]);
        uint32 org = consortium_.memberOf(caller);
        vm.prank(caller);
        try sc.receiveItem(lotId, serial, sellable, bytes32(0), bytes32(0)) {
            custodianOf[key] = org;
            receiverOf[key] = 0;
            _accepted("receive");
        } catch {}
    }

    function dispense(uint256 itemSeed, uint256 callerSeed) external {
        (bytes32 lotId, bytes32 serial, bytes32 key) = _item(itemSeed);
        address caller = _actor(callerSeed, custodianOf[key]);
        ISupplyChain.ItemState before = sc.item(lotId, serial).state;
        vm.prank(caller);
        try sc.decommission(lotId, serial, new bytes32[](0), "dispensing", bytes32(0)) {
            bool newlyDispensed = before != ISupplyChain.ItemState.Decommissioned;
            if (newlyDispensed && recalled[lotId]) ++dispensedAfterRecall;
            _accepted("dispense");
        } catch {}
    }

    function undoDispense(uint256 itemSeed, uint256 callerSeed) external {
        (bytes32 lotId, bytes32 serial, ) = _item(itemSeed);
        address caller = _pick(_members, callerSeed);
        vm.prank(caller);
        try sc.undoDecommission(lotId, serial) {
            _accepted("undoDispense");
        } catch {}
    }

    function report(uint256 itemSeed, uint256 callerSeed, bool stolen) external {
        (bytes32 lotId, bytes32 serial, ) = _item(itemSeed);
        address caller = _pick(_members, callerSeed);
        ISupplyChain.ItemState state = stolen ? ISupplyChain.ItemState.Stolen : ISupplyChain.ItemState.Destroyed;
        vm.prank(caller);
        try sc.reportItem(lotId, serial, new bytes32[](0), state, bytes32(0)) {
            _accepted("report");
        } catch {}
    }

    function recall(uint256 lotSeed, bool byRegulator) external {
        // recalls are rare events: one attempt in eight (the low bits), on either lot (the rest)
        if (lotSeed % 8 != 0) return;
        bytes32 lotId = _lots[(lotSeed >> 3) % _lots.length];
        vm.prank(byRegulator ? _regulator : _members[0]);
        try sc.recallLot(lotId, "contamination") {
            recalled[lotId] = true;
            _accepted("recall");
        } catch {}
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 1, 2 days));
    }
}

/// @notice Custody: every item has exactly one custodian, and a recalled item is never sold or dispensed.
contract CustodyInvariants is CityFuzz {
    uint64 internal constant GTIN = 4012345000016;
    SupplyChain internal sc;
    CustodyHandler internal handler;

    function setUp() public {
        _formCity();
        vm.warp(1_800_000_000);
        // As deployed: the implementation (linked to SupplyChainOversight by forge) behind an initialised proxy.
        SupplyChain implementation = new SupplyChain(consortium);
        sc = SupplyChain(
            address(new ERC1967Proxy(address(implementation), abi.encodeCall(SupplyChain.initialize, ())))
        );
        vm.startPrank(manufacturer);
        sc.registerProduct(GTIN, keccak256("Paracetamol 500 mg"));
        bytes32[] memory serials = new bytes32[](4);
        for (uint256 i = 0; i < serials.length; ++i) serials[i] = keccak256(abi.encode("SN", i));
        bytes32[] memory lots = new bytes32[](2);
        for (uint256 l = 0; l < lots.length; ++l) {
            lots[l] = sc.commissionLot(
                ISupplyChain.LotInput({
                    gtin: GTIN,
                    lotNumberHash: keccak256(abi.encode("LOT", l)),
                    expiry: uint64(block.timestamp + 365 days),
                    origin: keccak256("urn:epc:id:sgln:4012345.00001.0"),
                    merkleRoot: bytes32(0),
                    itemCount: 0,
                    inputLots: new bytes32[](0)
                })
            );
            sc.registerItems(lots[l], serials);
        }
        vm.stopPrank();
        address[] memory members = new address[](5);
        members[0] = manufacturer;
        members[1] = distributor;
        members[2] = carrier;
        members[3] = hospital;
        members[4] = pharmacy;
        handler = new CustodyHandler(sc, members, regulator, lots, serials, consortium.memberOf(manufacturer));
        targetContract(address(handler));
    }

    function invariant_exactlyOneCustodian() public view {
        bytes32[] memory lots = handler.lots();
        bytes32[] memory serials = handler.serials();
        for (uint256 l = 0; l < lots.length; ++l) {
            for (uint256 s = 0; s < serials.length; ++s) {
                ISupplyChain.Item memory it = sc.item(lots[l], serials[s]);
                bytes32 key = sc.itemKeyOf(lots[l], serials[s]);
                assertTrue(it.custodian != 0, "every item has a custodian");
                assertEq(it.custodian, handler.custodianOf(key), "custodian == the last accepted receiver");
                if (it.state == ISupplyChain.ItemState.InTransit) {
                    assertEq(it.receiver, handler.receiverOf(key), "in transit to the named receiver");
                    assertTrue(it.receiver != it.custodian, "receiver is another member");
                } else {
                    assertEq(it.receiver, 0, "no pending receiver unless in transit");
                }
            }
        }
    }

    function invariant_recalledNeverDispensed() public view {
        assertEq(handler.dispensedAfterRecall(), 0, "no item dispensed after its lot's recall");
    }
}
