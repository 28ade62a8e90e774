// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ConsortiumGated} from "../consortium/ConsortiumGated.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {ISupplyChain} from "../interfaces/ISupplyChain.sol";
import {GS1} from "../libraries/GS1.sol";
import {Roles} from "../libraries/Roles.sol";

/**
 * @title SupplyChain
 * @notice GS1 product identities: products, lots committed as Merkle roots, lazily materialised items, two-step
 * custody, O(1) pallets, O(1) recalls and quarantines, decommission with clone alerts, and verification.
 * @dev Every lot-level overlay (recalled, quarantined, destroyed, expired) is one flag or one timestamp on the
 * lot, read by every item action, so none of them ever loops over items. An item is one packed storage slot.
 */
contract SupplyChain is ConsortiumGated, ISupplyChain {
    /// @notice How long the decommissioning organisation may undo its own decommission.
    uint64 public constant UNDO_WINDOW = 10 days;
    /// @notice Most items packed or unpacked in one call.
    uint256 public constant MAX_BATCH = 1000;
    /// @notice Most input lots of one transformation.
    uint256 public constant MAX_INPUT_LOTS = 32;
    /// @notice Most lots whose items one pallet holds (bounds the recall check of a pallet move).
    uint256 public constant MAX_PALLET_LOTS = 8;

    uint8 private constant _RECALLED = 1;
    uint8 private constant _QUARANTINED = 2;
    uint8 private constant _DESTROYED = 4;
    uint8 private constant _TREE = 8;

    struct LotData {
        uint32 manufacturer;
        uint64 gtin;
        uint40 expiry;
        uint8 flags;
        uint32 itemCount;
        uint40 commissionedAt;
        bytes32 merkleRoot;
    }

    /// @dev One slot: 8 + 8 + 4 * 32 + 64 + 40 = 248 bits. `suspect`: a clone confirmed by a REGULATOR (a clone
    /// reported by a second decommission, pending the regulator, is in `_cloneReports`).
    struct ItemData {
        ItemState state;
        bool suspect;
        uint32 owner;
        uint32 custodian;
        uint32 receiver;
        uint32 pendingOwner;
        uint64 pallet;
        uint40 since;
    }

    struct PalletData {
        uint32 owner;
        uint32 custodian;
        uint32 receiver;
        uint32 pendingOwner;
        bool inTransit;
        bool moved;
        uint32 itemCount;
        uint8 lotCount;
        bool quarantined;
    }

    struct PackContext {
        bytes32 lotId;
        uint64 sscc;
        uint32 org;
        uint32 palletOwner;
        uint32 maker;
        bool proven;
    }

    mapping(uint64 gtin => Product) private _products;
    mapping(bytes32 lotId => LotData) private _lots;
    mapping(bytes32 itemKey => ItemData) private _items;
    mapping(uint64 sscc => PalletData) private _pallets;
    mapping(uint64 sscc => mapping(uint256 index => bytes32)) private _palletLots;
    mapping(bytes32 itemKey => bool) private _cloneReports;
    mapping(address guardian => bool) private _guardians;

    /// @param consortium_ The consortium contract.
    constructor(IConsortium consortium_) ConsortiumGated(consortium_) {}

    // ------------------------------------------------------------------ products and lots

    /// @inheritdoc ISupplyChain
    function registerProduct(uint64 gtin, bytes32 metadataHash) external {
        uint32 org = _requireRole(Roles.MANUFACTURER);
        if (!GS1.isValidGtin14(gtin)) revert SupplyChainInvalidGtin(gtin);
        if (_products[gtin].manufacturer != 0) revert SupplyChainProductExists(gtin);
        _products[gtin] = Product({
            manufacturer: org,
            registeredAt: uint64(block.timestamp),
            metadataHash: metadataHash
        });
        emit ProductRegistered(gtin, org, metadataHash);
    }

    /// @inheritdoc ISupplyChain
    function commissionLot(LotInput calldata input) external returns (bytes32 lotId) {
        uint32 org = _requireRole(Roles.MANUFACTURER);
        uint32 maker = _products[input.gtin].manufacturer;
        if (maker == 0) revert SupplyChainUnknownProduct(input.gtin);
        if (maker != org) revert SupplyChainNotProductManufacturer(input.gtin, org);
        if (input.expiry <= block.timestamp || input.expiry > type(uint40).max) {
            revert SupplyChainInvalidExpiry(input.expiry);
        }
        bool tree = input.merkleRoot != bytes32(0);
        if (tree ? input.itemCount == 0 : input.itemCount != 0) {
            revert SupplyChainInvalidItemCount(input.merkleRoot, input.itemCount);
        }
        uint256 inputs = input.inputLots.length;
        if (inputs > MAX_INPUT_LOTS) revert SupplyChainTooManyInputs(inputs, MAX_INPUT_LOTS);
        for (uint256 i; i < inputs; ++i) {
            if (_lots[input.inputLots[i]].manufacturer == 0) revert SupplyChainUnknownLot(input.inputLots[i]);
        }
        lotId = _lotIdOf(input.gtin, input.lotNumberHash);
        LotData storage ld = _lots[lotId];
        if (ld.manufacturer != 0) revert SupplyChainLotExists(lotId);
        ld.manufacturer = org;
        ld.gtin = input.gtin;
        ld.expiry = uint40(input.expiry);
        ld.flags = tree ? _TREE : 0;
        ld.itemCount = input.itemCount;
        ld.commissionedAt = uint40(block.timestamp);
        if (tree) ld.merkleRoot = input.merkleRoot;
        emit LotCommissioned(
            lotId,
            input.gtin,
            org,
            input.lotNumberHash,
            input.expiry,
            input.origin,
            input.merkleRoot,
            input.itemCount,
            input.inputLots
        );
    }

    /// @inheritdoc ISupplyChain
    function registerItem(bytes32 lotId, bytes32 serialHash) external returns (bytes32 itemKey) {
        uint32 org = _requireRole(Roles.MANUFACTURER);
        LotData storage ld = _registrableLot(lotId, org);
        itemKey = _register(lotId, serialHash, org);
        ++ld.itemCount;
    }

    /// @inheritdoc ISupplyChain
    function registerItems(bytes32 lotId, bytes32[] calldata serialHashes) external {
        uint32 org = _requireRole(Roles.MANUFACTURER);
        uint256 n = serialHashes.length;
        if (n == 0 || n > MAX_BATCH) revert SupplyChainInvalidBatch(n, MAX_BATCH);
        LotData storage ld = _registrableLot(lotId, org);
        for (uint256 i; i < n; ++i) _register(lotId, serialHashes[i], org);
        // Checked: a lot counts at most 2^32 - 1 items; the addition reverts rather than wraps.
        ld.itemCount += uint32(n);
    }

    // ------------------------------------------------------------------ item custody

    /// @inheritdoc ISupplyChain
    function shipItem(
        bytes32 lotId,
        bytes32 serialHash,
        bytes32[] calldata proof,
        Shipment calldata shipment
    ) external {
        uint32 org = _custodyOrg();
        LotData storage ld = _lot(lotId);
        uint8 flags = ld.flags;
        if (flags & _DESTROYED != 0) revert SupplyChainLotDestroyed(lotId);
        // A recalled lot may only flow back to its manufacturer.
        if (flags & _RECALLED != 0 && shipment.receiver != ld.manufacturer) revert SupplyChainLotRecalled(lotId);
        // An expired lot, too, may only flow back to its manufacturer.
        // solhint-disable-next-line gas-strict-inequalities
        if (block.timestamp >= ld.expiry && shipment.receiver != ld.manufacturer) {
            revert SupplyChainLotExpired(lotId, ld.expiry);
        }
        (bytes32 key, ItemData memory it) = _activate(ld, lotId, serialHash, proof);
        if (it.pallet != 0) revert SupplyChainItemPacked(key, it.pallet);
        if (!_isHeld(it.state)) revert SupplyChainInvalidItemState(key, it.state);
        if (it.custodian != org) revert SupplyChainNotHolder(key, org);
        _checkShipment(shipment, org);
        if (shipment.newOwner != 0 && it.owner != org) revert SupplyChainNotOwner(key, org);
        it.state = ItemState.InTransit;
        it.receiver = shipment.receiver;
        it.pendingOwner = shipment.newOwner;
        it.since = uint40(block.timestamp);
        _storeItem(key, it);
        emit ItemShipped(
            key,
            org,
            shipment.receiver,
            shipment.newOwner,
            shipment.bizStep,
            shipment.location,
            shipment.epcisHash,
            shipment.bizTransaction
        );
    }

    /// @inheritdoc ISupplyChain
    function receiveItem(
        bytes32 lotId,
        bytes32 serialHash,
        bool sellable,
        bytes32 location,
        bytes32 epcisHash
    ) external {
        uint32 org = _custodyOrg();
        LotData storage ld = _lot(lotId);
        bytes32 key = _itemKeyOf(lotId, serialHash);
        ItemData memory it = _loadItem(key);
        if (it.state == ItemState.None) revert SupplyChainUnknownItem(lotId, serialHash);
        if (it.state != ItemState.InTransit) revert SupplyChainInvalidItemState(key, it.state);
        if (it.receiver != org) revert SupplyChainNotReceiver(key, org);
        if (sellable) {
            _requireUsable(lotId, ld.flags);
            // solhint-disable-next-line gas-strict-inequalities
            if (block.timestamp >= ld.expiry) revert SupplyChainLotExpired(lotId, ld.expiry);
        }
        it.custodian = org;
        if (it.pendingOwner != 0) it.owner = it.pendingOwner;
        it.receiver = 0;
        it.pendingOwner = 0;
        it.state = org == ld.manufacturer ? ItemState.Returned : ItemState.Received;
        it.since = uint40(block.timestamp);
        _storeItem(key, it);
        emit ItemReceived(key, org, sellable, location, epcisHash);
    }

    // ------------------------------------------------------------------ pallets

    /// @inheritdoc ISupplyChain
    function packItems(
        uint64 sscc,
        bytes32 lotId,
        bytes32[] calldata serialHashes,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external {
        uint32 org = _custodyOrg();
        if (!GS1.isValidSscc(sscc)) revert SupplyChainInvalidSscc(sscc);
        uint256 n = serialHashes.length;
        if (n == 0 || n > MAX_BATCH) revert SupplyChainInvalidBatch(n, MAX_BATCH);
        LotData storage ld = _lot(lotId);
        _requireUsable(lotId, ld.flags);
        PalletData memory p = _pallets[sscc];
        if (p.itemCount == 0) {
            p = PalletData({
                owner: org,
                custodian: org,
                receiver: 0,
                pendingOwner: 0,
                inTransit: false,
                moved: false,
                itemCount: 0,
                lotCount: 0,
                quarantined: false
            });
        } else {
            if (p.custodian != org) revert SupplyChainPalletNotHolder(sscc, org);
            if (p.inTransit) revert SupplyChainPalletInTransit(sscc);
            if (p.quarantined) revert SupplyChainPalletQuarantined(sscc, true);
        }
        _addPalletLot(sscc, p, lotId);
        PackContext memory c = PackContext({
            lotId: lotId,
            sscc: sscc,
            org: org,
            palletOwner: p.owner,
            maker: ld.manufacturer,
            proven: _verifyMulti(ld, lotId, serialHashes, proof, proofFlags)
        });
        for (uint256 i; i < n; ++i) _packOne(c, serialHashes[i]);
        // n <= MAX_BATCH and a pallet only grows through this bounded call; checked arithmetic guards uint32.
        p.itemCount += uint32(n);
        _pallets[sscc] = p;
    }

    /// @inheritdoc ISupplyChain
    function unpackItems(uint64 sscc, bytes32 lotId, bytes32[] calldata serialHashes) external {
        uint32 org = _custodyOrg();
        PalletData memory p = _heldPallet(sscc, org);
        if (p.quarantined) revert SupplyChainPalletQuarantined(sscc, true);
        uint256 n = serialHashes.length;
        if (n == 0 || n > MAX_BATCH) revert SupplyChainInvalidBatch(n, MAX_BATCH);
        LotData storage ld = _lot(lotId);
        ItemState arrived = org == ld.manufacturer ? ItemState.Returned : ItemState.Received;
        for (uint256 i; i < n; ++i) {
            bytes32 key = _itemKeyOf(lotId, serialHashes[i]);
            ItemData memory it = _loadItem(key);
            if (it.pallet != sscc) revert SupplyChainNotInPallet(key, sscc);
            it.pallet = 0;
            it.custodian = p.custodian;
            it.owner = p.owner;
            if (p.moved) it.state = arrived;
            it.since = uint40(block.timestamp);
            _storeItem(key, it);
            emit ItemUnpacked(sscc, key);
        }
        // Every unpacked item was counted when packed (its pallet field equals sscc), so this cannot underflow.
        p.itemCount -= uint32(n);
        _pallets[sscc] = p;
    }

    /// @inheritdoc ISupplyChain
    function shipPallet(uint64 sscc, Shipment calldata shipment) external {
        uint32 org = _custodyOrg();
        PalletData storage p = _pallets[sscc];
        if (p.itemCount == 0) revert SupplyChainUnknownPallet(sscc);
        if (p.custodian != org) revert SupplyChainPalletNotHolder(sscc, org);
        if (p.inTransit) revert SupplyChainPalletInTransit(sscc);
        if (p.quarantined) revert SupplyChainPalletQuarantined(sscc, true);
        _checkShipment(shipment, org);
        if (shipment.newOwner != 0 && p.owner != org) revert SupplyChainPalletNotOwner(sscc, org);
        _checkPalletLots(sscc, p.lotCount, shipment.receiver);
        p.inTransit = true;
        p.receiver = shipment.receiver;
        p.pendingOwner = shipment.newOwner;
        emit PalletShipped(
            sscc,
            org,
            shipment.receiver,
            shipment.newOwner,
            shipment.bizStep,
            shipment.location,
            shipment.epcisHash,
            shipment.bizTransaction
        );
    }

    /// @inheritdoc ISupplyChain
    function receivePallet(uint64 sscc, bytes32 location, bytes32 epcisHash) external {
        uint32 org = _custodyOrg();
        PalletData memory p = _pallets[sscc];
        if (!p.inTransit) revert SupplyChainPalletNotInTransit(sscc);
        if (p.receiver != org) revert SupplyChainPalletNotReceiver(sscc, org);
        p.custodian = org;
        if (p.pendingOwner != 0) p.owner = p.pendingOwner;
        p.receiver = 0;
        p.pendingOwner = 0;
        p.inTransit = false;
        p.moved = true;
        _pallets[sscc] = p;
        emit PalletReceived(sscc, org, location, epcisHash);
    }

    // ------------------------------------------------------------------ sale, dispense, reports

    /// @inheritdoc ISupplyChain
    function decommission(
        bytes32 lotId,
        bytes32 serialHash,
        bytes32[] calldata proof,
        bytes32 bizStep,
        bytes32 location
    ) external {
        uint32 org = _dispenseOrg();
        LotData storage ld = _lot(lotId);
        (bytes32 key, ItemData memory it) = _activate(ld, lotId, serialHash, proof);
        // Enum comparison (no balance or timestamp): Slither taints the item because it stores times.
        // slither-disable-next-line incorrect-equality
        if (it.state == ItemState.Decommissioned) {
            // The same code is presented again: a clone is reported (anyone with a code could present it, so a
            // report blocks nothing until a regulator confirms it). Recorded instead of reverting.
            _cloneReports[key] = true;
            emit CloneAlerted(lotId, key, org, it.custodian);
            return;
        }
        _requireUsable(lotId, ld.flags);
        if (block.timestamp >= ld.expiry) revert SupplyChainLotExpired(lotId, ld.expiry);
        if (it.suspect) revert SupplyChainItemSuspect(key);
        if (it.pallet != 0) revert SupplyChainItemPacked(key, it.pallet);
        // Enum comparison, as above.
        // slither-disable-next-line incorrect-equality
        if (it.state == ItemState.Stolen) revert SupplyChainItemStolen(key);
        if (!_isHeld(it.state)) revert SupplyChainInvalidItemState(key, it.state);
        if (it.custodian != org) revert SupplyChainNotHolder(key, org);
        it.state = ItemState.Decommissioned;
        it.since = uint40(block.timestamp);
        _storeItem(key, it);
        emit ItemDecommissioned(key, org, bizStep, location);
    }

    /// @inheritdoc ISupplyChain
    function undoDecommission(bytes32 lotId, bytes32 serialHash) external {
        uint32 org = _dispenseOrg();
        LotData storage ld = _lot(lotId);
        bytes32 key = _itemKeyOf(lotId, serialHash);
        ItemData memory it = _loadItem(key);
        if (it.state == ItemState.Stolen) revert SupplyChainItemStolen(key);
        if (it.state != ItemState.Decommissioned) revert SupplyChainInvalidItemState(key, it.state);
        if (it.custodian != org) revert SupplyChainNotDecommissioner(key, org);
        uint64 deadline = uint64(it.since) + UNDO_WINDOW;
        if (block.timestamp > deadline) revert SupplyChainUndoWindowClosed(key, deadline);
        uint8 flags = ld.flags;
        if (flags & _RECALLED != 0) revert SupplyChainLotRecalled(lotId);
        if (flags & _DESTROYED != 0) revert SupplyChainLotDestroyed(lotId);
        if (block.timestamp >= ld.expiry) revert SupplyChainLotExpired(lotId, ld.expiry);
        it.state = ItemState.Received;
        it.since = uint40(block.timestamp);
        _storeItem(key, it);
        emit DecommissionUndone(key, org);
    }

    /// @inheritdoc ISupplyChain
    function reportItem(
        bytes32 lotId,
        bytes32 serialHash,
        bytes32[] calldata proof,
        ItemState state,
        bytes32 reasonHash
    ) external {
        uint32 org = _custodyOrg();
        LotData storage ld = _lot(lotId);
        (bytes32 key, ItemData memory it) = _activate(ld, lotId, serialHash, proof);
        if (state != ItemState.Stolen && state != ItemState.Destroyed) revert SupplyChainInvalidItemState(key, state);
        if (it.pallet != 0) revert SupplyChainItemPacked(key, it.pallet);
        // Enum comparisons, as above.
        // slither-disable-next-line incorrect-equality
        if (it.state == ItemState.Destroyed || it.state == state) revert SupplyChainInvalidItemState(key, it.state);
        if (it.custodian != org && it.owner != org) revert SupplyChainNotHolder(key, org);
        it.state = state;
        it.receiver = 0;
        it.pendingOwner = 0;
        it.since = uint40(block.timestamp);
        _storeItem(key, it);
        emit ItemStateReported(key, org, state, reasonHash);
    }

    // ------------------------------------------------------------------ lot overlays

    /// @inheritdoc ISupplyChain
    function recallLot(bytes32 lotId, bytes32 reasonHash) external {
        LotData storage ld = _lot(lotId);
        uint32 maker = ld.manufacturer;
        uint32 org = _roleOrg(Roles.MANUFACTURER, msg.sender);
        if (org != maker) {
            uint32 regulator = _roleOrg(Roles.REGULATOR, msg.sender);
            if (regulator == 0) {
                if (org != 0) revert SupplyChainNotLotManufacturer(lotId, org);
                revert AccessMissingRole(msg.sender, Roles.MANUFACTURER);
            }
            org = regulator;
        }
        uint8 flags = ld.flags;
        if (flags & _RECALLED != 0) revert SupplyChainLotRecalled(lotId);
        ld.flags = flags | _RECALLED;
        emit LotRecalled(lotId, org, reasonHash);
    }

    /// @inheritdoc ISupplyChain
    function setGuardian(address guardian, bool allowed) external {
        _requireRole(Roles.REGULATOR);
        if (guardian == address(0)) revert SupplyChainZeroGuardian();
        _guardians[guardian] = allowed;
        emit GuardianSet(guardian, allowed);
    }

    /// @inheritdoc ISupplyChain
    function quarantineLot(bytes32 lotId, bytes32 reasonHash) external {
        if (!_guardians[msg.sender] && !_hasRole(Roles.REGULATOR, msg.sender)) {
            revert SupplyChainNotGuardian(msg.sender);
        }
        LotData storage ld = _lot(lotId);
        uint8 flags = ld.flags;
        if (flags & _DESTROYED != 0) revert SupplyChainLotDestroyed(lotId);
        if (flags & _QUARANTINED != 0) revert SupplyChainLotQuarantined(lotId);
        ld.flags = flags | _QUARANTINED;
        emit LotQuarantined(lotId, msg.sender, reasonHash);
    }

    /// @inheritdoc ISupplyChain
    function releaseLot(bytes32 lotId, bytes32 reasonHash) external {
        _requireRole(Roles.REGULATOR);
        LotData storage ld = _lot(lotId);
        uint8 flags = ld.flags;
        if (flags & _DESTROYED != 0) revert SupplyChainLotDestroyed(lotId);
        if (flags & _QUARANTINED == 0) revert SupplyChainLotNotQuarantined(lotId);
        ld.flags = flags & ~_QUARANTINED;
        emit LotReleased(lotId, msg.sender, reasonHash);
    }

    /// @inheritdoc ISupplyChain
    function destroyLot(bytes32 lotId, bytes32 reasonHash) external {
        _requireRole(Roles.REGULATOR);
        LotData storage ld = _lot(lotId);
        uint8 flags = ld.flags;
        if (flags & _DESTROYED != 0) revert SupplyChainLotDestroyed(lotId);
        ld.flags = flags | _DESTROYED;
        emit LotDestroyed(lotId, msg.sender, reasonHash);
    }

    /// @inheritdoc ISupplyChain
    function setPalletQuarantine(uint64 sscc, bool quarantined, bytes32 reasonHash) external {
        if (quarantined) {
            if (!_guardians[msg.sender] && !_hasRole(Roles.REGULATOR, msg.sender)) {
                revert SupplyChainNotGuardian(msg.sender);
            }
        } else {
            _requireRole(Roles.REGULATOR);
        }
        PalletData storage p = _pallets[sscc];
        if (p.itemCount == 0) revert SupplyChainUnknownPallet(sscc);
        if (p.quarantined == quarantined) revert SupplyChainPalletQuarantined(sscc, p.quarantined);
        p.quarantined = quarantined;
        emit PalletQuarantineSet(sscc, msg.sender, quarantined, reasonHash);
    }

    /// @inheritdoc ISupplyChain
    function decideCloneReport(bytes32 lotId, bytes32 serialHash, bool confirmed, bytes32 reasonHash) external {
        _requireRole(Roles.REGULATOR);
        _lot(lotId);
        bytes32 key = _itemKeyOf(lotId, serialHash);
        ItemData storage it = _items[key];
        // confirming needs a pending report; clearing needs a report or a confirmed flag
        if (!_cloneReports[key] && (confirmed || !it.suspect)) revert SupplyChainNoCloneReport(key);
        delete _cloneReports[key];
        it.suspect = confirmed;
        emit CloneReportDecided(key, msg.sender, confirmed, reasonHash);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ISupplyChain
    function lotIdOf(uint64 gtin, bytes32 lotNumberHash) external pure returns (bytes32 lotId) {
        return _lotIdOf(gtin, lotNumberHash);
    }

    /// @inheritdoc ISupplyChain
    function itemKeyOf(bytes32 lotId, bytes32 serialHash) external pure returns (bytes32 itemKey) {
        return _itemKeyOf(lotId, serialHash);
    }

    /// @inheritdoc ISupplyChain
    function isGuardian(address account) external view returns (bool) {
        return _guardians[account];
    }

    /// @inheritdoc ISupplyChain
    function product(uint64 gtin) external view returns (Product memory) {
        return _products[gtin];
    }

    /// @inheritdoc ISupplyChain
    function lot(bytes32 lotId) external view returns (Lot memory) {
        LotData memory ld = _lots[lotId];
        return
            Lot({
                manufacturer: ld.manufacturer,
                gtin: ld.gtin,
                expiry: ld.expiry,
                recalled: ld.flags & _RECALLED != 0,
                quarantined: ld.flags & _QUARANTINED != 0,
                destroyed: ld.flags & _DESTROYED != 0,
                itemCount: ld.itemCount,
                commissionedAt: ld.commissionedAt,
                merkleRoot: ld.merkleRoot
            });
    }

    /// @inheritdoc ISupplyChain
    function item(bytes32 lotId, bytes32 serialHash) external view returns (Item memory view_) {
        ItemData memory it = _loadItem(_itemKeyOf(lotId, serialHash));
        if (it.state == ItemState.None) return view_;
        view_ = Item({
            state: it.state,
            activated: true,
            suspect: it.suspect,
            cloneReported: _cloneReports[_itemKeyOf(lotId, serialHash)],
            owner: it.owner,
            custodian: it.custodian,
            receiver: it.receiver,
            pendingOwner: it.pendingOwner,
            pallet: it.pallet,
            since: it.since
        });
        if (it.pallet != 0) {
            PalletData memory p = _pallets[it.pallet];
            view_.owner = p.owner;
            view_.custodian = p.custodian;
            view_.receiver = p.receiver;
            view_.pendingOwner = p.pendingOwner;
            if (p.inTransit) view_.state = ItemState.InTransit;
            else if (p.moved) view_.state = ItemState.Received;
        }
        if (_lots[lotId].flags & _DESTROYED != 0) view_.state = ItemState.Destroyed;
    }

    /// @inheritdoc ISupplyChain
    function pallet(uint64 sscc) external view returns (Pallet memory) {
        PalletData memory p = _pallets[sscc];
        return
            Pallet({
                owner: p.owner,
                custodian: p.custodian,
                receiver: p.receiver,
                pendingOwner: p.pendingOwner,
                inTransit: p.inTransit,
                moved: p.moved,
                itemCount: p.itemCount,
                lotCount: p.lotCount,
                quarantined: p.quarantined
            });
    }

    /// @inheritdoc ISupplyChain
    function palletLots(uint64 sscc) external view returns (bytes32[] memory lots) {
        uint256 n = _pallets[sscc].lotCount;
        lots = new bytes32[](n);
        for (uint256 i; i < n; ++i) lots[i] = _palletLots[sscc][i];
    }

    /// @inheritdoc ISupplyChain
    function verify(
        uint64 gtin,
        string calldata serial,
        string calldata lotNumber,
        uint64 expiry,
        bytes32[] calldata proof
    ) external view returns (bool sellable, VerifyReason reason) {
        if (!GS1.isValidGtin14(gtin)) revert SupplyChainInvalidGtin(gtin);
        if (!GS1.isValidSerial(bytes(serial))) revert SupplyChainInvalidSerial(bytes(serial).length);
        // Existence check of a product (organisation id 0 = none), not a balance or time.
        // slither-disable-next-line incorrect-equality
        if (_products[gtin].manufacturer == 0) return (false, VerifyReason.UnknownProduct);
        bytes32 lotId = _lotIdOf(gtin, keccak256(bytes(lotNumber)));
        LotData memory ld = _lots[lotId];
        if (ld.manufacturer == 0) return (false, VerifyReason.LotMismatch);
        bytes32 serialHash = keccak256(bytes(serial));
        ItemData memory it = _loadItem(_itemKeyOf(lotId, serialHash));
        if (it.state == ItemState.None) {
            bool proven = ld.flags & _TREE != 0 && MerkleProof.verifyCalldata(proof, ld.merkleRoot, _leaf(serialHash));
            if (!proven) return (false, VerifyReason.UnknownSerial);
        }
        if (ld.expiry != expiry) return (false, VerifyReason.ExpiryMismatch);
        reason = _overlayReason(ld.flags, it);
        if (reason == VerifyReason.Verified && it.pallet != 0 && _pallets[it.pallet].quarantined) {
            reason = VerifyReason.Quarantined;
        }
        // solhint-disable-next-line gas-strict-inequalities
        if (reason == VerifyReason.Verified && block.timestamp >= ld.expiry) reason = VerifyReason.Expired;
        if (reason == VerifyReason.Verified && _cloneReports[_itemKeyOf(lotId, serialHash)]) {
            reason = VerifyReason.SuspectReported;
        }
        // A pending clone report does not block a sale (anyone who saw the code could file it); it is shown.
        sellable = reason == VerifyReason.Verified || reason == VerifyReason.SuspectReported;
    }

    // ------------------------------------------------------------------ internals

    function _overlayReason(uint8 flags, ItemData memory it) private pure returns (VerifyReason) {
        if (flags & _DESTROYED != 0 || it.state == ItemState.Destroyed) return VerifyReason.Destroyed;
        if (flags & _RECALLED != 0) return VerifyReason.Recalled;
        if (flags & _QUARANTINED != 0) return VerifyReason.Quarantined;
        if (it.suspect || it.state == ItemState.Stolen) return VerifyReason.Suspect;
        if (it.state == ItemState.Decommissioned) return VerifyReason.AlreadyDecommissioned;
        return VerifyReason.Verified;
    }

    /// @dev Loads an item, materialising it from its Merkle proof on first use (in memory; the caller stores it).
    function _activate(
        LotData storage ld,
        bytes32 lotId,
        bytes32 serialHash,
        bytes32[] calldata proof
    ) private returns (bytes32 key, ItemData memory it) {
        key = _itemKeyOf(lotId, serialHash);
        it = _loadItem(key);
        if (it.state != ItemState.None) return (key, it);
        // A one-serial tree's root is its only leaf: its proof is empty.
        if (ld.flags & _TREE == 0 || (proof.length == 0 && ld.itemCount != 1)) {
            revert SupplyChainUnknownItem(lotId, serialHash);
        }
        if (!MerkleProof.verifyCalldata(proof, ld.merkleRoot, _leaf(serialHash))) {
            revert SupplyChainInvalidProof(lotId, serialHash);
        }
        it = _fresh(ld.manufacturer);
        emit ItemActivated(lotId, key, serialHash, false);
    }

    /// @dev Verifies a multiproof over all serials when one is given; false when none is given.
    function _verifyMulti(
        LotData storage ld,
        bytes32 lotId,
        bytes32[] calldata serialHashes,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) private view returns (bool) {
        // An empty multiproof proves a one-serial tree's only leaf; otherwise it means "no proof given".
        if (proof.length == 0 && proofFlags.length == 0 && !_singleLeafTree(ld)) return false;
        if (ld.flags & _TREE == 0) revert SupplyChainInvalidProof(lotId, serialHashes[0]);
        uint256 n = serialHashes.length;
        bytes32[] memory leaves = new bytes32[](n);
        for (uint256 i; i < n; ++i) leaves[i] = _leaf(serialHashes[i]);
        if (
            proofFlags.length + 1 != n + proof.length ||
            !MerkleProof.multiProofVerifyCalldata(proof, proofFlags, ld.merkleRoot, leaves)
        ) revert SupplyChainInvalidProof(lotId, serialHashes[0]);
        return true;
    }

    function _packOne(PackContext memory c, bytes32 serialHash) private {
        bytes32 key = _itemKeyOf(c.lotId, serialHash);
        ItemData memory it = _loadItem(key);
        if (it.state == ItemState.None) {
            if (!c.proven) revert SupplyChainUnknownItem(c.lotId, serialHash);
            it = _fresh(c.maker);
            emit ItemActivated(c.lotId, key, serialHash, false);
        }
        if (it.pallet != 0) revert SupplyChainItemPacked(key, it.pallet);
        if (!_isHeld(it.state)) revert SupplyChainInvalidItemState(key, it.state);
        if (it.custodian != c.org) revert SupplyChainNotHolder(key, c.org);
        if (it.owner != c.palletOwner) revert SupplyChainNotOwner(key, c.org);
        it.pallet = c.sscc;
        _storeItem(key, it);
        emit ItemPacked(c.sscc, key);
    }

    /// @dev One shared copy of the item slot's packing (the contract stays under the EIP-170 size limit).
    function _loadItem(bytes32 key) private view returns (ItemData memory) {
        return _items[key];
    }

    function _storeItem(bytes32 key, ItemData memory it) private {
        _items[key] = it;
    }

    function _singleLeafTree(LotData storage ld) private view returns (bool) {
        return ld.flags & _TREE != 0 && ld.itemCount == 1;
    }

    /// @dev Adds a lot to a pallet's bounded lot set (in memory `p`; the caller stores it).
    function _addPalletLot(uint64 sscc, PalletData memory p, bytes32 lotId) private {
        uint256 n = p.lotCount;
        for (uint256 i; i < n; ++i) if (_palletLots[sscc][i] == lotId) return;
        if (n == MAX_PALLET_LOTS) revert SupplyChainPalletLotsFull(sscc, MAX_PALLET_LOTS);
        _palletLots[sscc][n] = lotId;
        // n < MAX_PALLET_LOTS = 8
        p.lotCount = uint8(n + 1);
    }

    /// @dev A pallet move checks every lot inside (at most MAX_PALLET_LOTS): none destroyed; a recalled or
    /// expired lot only flows back to its manufacturer.
    function _checkPalletLots(uint64 sscc, uint256 lotCount, uint32 receiver) private view {
        for (uint256 i; i < lotCount; ++i) {
            bytes32 lotId = _palletLots[sscc][i];
            LotData storage ld = _lots[lotId];
            uint8 flags = ld.flags;
            if (flags & _DESTROYED != 0) revert SupplyChainLotDestroyed(lotId);
            if (receiver == ld.manufacturer) continue;
            if (flags & _RECALLED != 0) revert SupplyChainLotRecalled(lotId);
            // solhint-disable-next-line gas-strict-inequalities
            if (block.timestamp >= ld.expiry) revert SupplyChainLotExpired(lotId, ld.expiry);
        }
    }

    function _fresh(uint32 maker) private view returns (ItemData memory) {
        return
            ItemData({
                state: ItemState.Commissioned,
                suspect: false,
                owner: maker,
                custodian: maker,
                receiver: 0,
                pendingOwner: 0,
                pallet: 0,
                since: uint40(block.timestamp)
            });
    }

    function _registrableLot(bytes32 lotId, uint32 org) private view returns (LotData storage ld) {
        ld = _lot(lotId);
        if (ld.manufacturer != org) revert SupplyChainNotLotManufacturer(lotId, org);
        uint8 flags = ld.flags;
        if (flags & _TREE != 0) revert SupplyChainLotHasTree(lotId);
        _requireUsable(lotId, flags);
    }

    function _register(bytes32 lotId, bytes32 serialHash, uint32 org) private returns (bytes32 itemKey) {
        itemKey = _itemKeyOf(lotId, serialHash);
        ItemData storage it = _items[itemKey];
        if (it.state != ItemState.None) revert SupplyChainDuplicateSerial(lotId, serialHash);
        it.state = ItemState.Commissioned;
        it.owner = org;
        it.custodian = org;
        it.since = uint40(block.timestamp);
        emit ItemActivated(lotId, itemKey, serialHash, true);
    }

    function _heldPallet(uint64 sscc, uint32 org) private view returns (PalletData memory p) {
        p = _pallets[sscc];
        if (p.itemCount == 0) revert SupplyChainUnknownPallet(sscc);
        if (p.custodian != org) revert SupplyChainPalletNotHolder(sscc, org);
        if (p.inTransit) revert SupplyChainPalletInTransit(sscc);
    }

    function _lot(bytes32 lotId) private view returns (LotData storage ld) {
        ld = _lots[lotId];
        if (ld.manufacturer == 0) revert SupplyChainUnknownLot(lotId);
    }

    /// @dev Reverts when the lot is recalled, quarantined or destroyed.
    function _requireUsable(bytes32 lotId, uint8 flags) private pure {
        if (flags & _DESTROYED != 0) revert SupplyChainLotDestroyed(lotId);
        if (flags & _RECALLED != 0) revert SupplyChainLotRecalled(lotId);
        if (flags & _QUARANTINED != 0) revert SupplyChainLotQuarantined(lotId);
    }

    function _checkShipment(Shipment calldata shipment, uint32 org) private view {
        if (shipment.receiver == org || !_isCustodyOrg(shipment.receiver)) {
            revert SupplyChainInvalidReceiver(shipment.receiver);
        }
        if (shipment.newOwner != 0 && !_isCustodyOrg(shipment.newOwner)) {
            revert SupplyChainInvalidReceiver(shipment.newOwner);
        }
    }

    function _isHeld(ItemState state) private pure returns (bool) {
        // Enum comparisons of a pure function's argument.
        // slither-disable-next-line incorrect-equality
        return state == ItemState.Commissioned || state == ItemState.Received || state == ItemState.Returned;
    }

    /// @dev The caller's organisation if it is active and holds a custody role (manufacturers first: they make the lazy first moves).
    function _custodyOrg() private view returns (uint32 org) {
        org = _roleOrg(Roles.MANUFACTURER, msg.sender);
        if (org != 0) return org;
        org = _roleOrg(Roles.DISTRIBUTOR, msg.sender);
        if (org != 0) return org;
        org = _roleOrg(Roles.CARRIER, msg.sender);
        if (org != 0) return org;
        org = _roleOrg(Roles.HOSPITAL, msg.sender);
        if (org == 0) revert SupplyChainNoCustodyRole(msg.sender);
    }

    /// @dev The caller's organisation if it may sell or dispense (HOSPITAL or DISTRIBUTOR).
    function _dispenseOrg() private view returns (uint32 org) {
        org = _roleOrg(Roles.HOSPITAL, msg.sender);
        if (org != 0) return org;
        org = _roleOrg(Roles.DISTRIBUTOR, msg.sender);
        if (org == 0) revert SupplyChainNoDispenseRole(msg.sender);
    }

    function _isCustodyOrg(uint32 orgId) private view returns (bool) {
        IConsortium c = consortium();
        return
            orgId != 0 &&
            (c.memberHasRole(orgId, Roles.CARRIER) ||
                c.memberHasRole(orgId, Roles.DISTRIBUTOR) ||
                c.memberHasRole(orgId, Roles.HOSPITAL) ||
                c.memberHasRole(orgId, Roles.MANUFACTURER));
    }

    function _lotIdOf(uint64 gtin, bytes32 lotNumberHash) private pure returns (bytes32) {
        return keccak256(abi.encode(gtin, lotNumberHash));
    }

    function _itemKeyOf(bytes32 lotId, bytes32 serialHash) private pure returns (bytes32) {
        return keccak256(abi.encode(lotId, serialHash));
    }

    /// @dev StandardMerkleTree leaf for `["bytes32"]`: double-hashed against second-preimage attacks.
    function _leaf(bytes32 serialHash) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(serialHash))));
    }
}
