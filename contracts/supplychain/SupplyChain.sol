// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ConsortiumGated} from "../consortium/ConsortiumGated.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {ISupplyChain} from "../interfaces/ISupplyChain.sol";
import {GS1} from "../libraries/GS1.sol";
import {Roles} from "../libraries/Roles.sol";
import {SupplyChainOversight} from "./SupplyChainOversight.sol";

// A lot's overlay flags (LotData.flags), shared with SupplyChainOversight.
uint8 constant LOT_RECALLED = 1;
uint8 constant LOT_QUARANTINED = 2;
uint8 constant LOT_DESTROYED = 4;
uint8 constant LOT_TREE = 8;

/**
 * @title SupplyChain
 * @notice GS1 product identities: products, lots committed as Merkle roots, lazily materialised items, two-step
 * custody, O(1) pallets, O(1) recalls and quarantines, decommission with clone alerts, and verification.
 * @dev Every lot-level overlay (recalled, quarantined, destroyed, expired) is one flag or one timestamp on the
 * lot, read by every item action, so none of them ever loops over items. An item is one packed storage slot.
 */
contract SupplyChain is ConsortiumGated, ISupplyChain {
    /// @notice How long the decommissioning organisation may undo its own decommission.
    uint64 public constant UNDO_WINDOW = SupplyChainOversight.UNDO_WINDOW;
    /// @notice Most items packed or unpacked in one call.
    uint256 public constant MAX_BATCH = SupplyChainOversight.MAX_BATCH;
    /// @notice Most input lots of one transformation.
    uint256 public constant MAX_INPUT_LOTS = 32;
    /// @notice Most lots whose items one pallet holds (bounds the recall check of a pallet move).
    uint256 public constant MAX_PALLET_LOTS = 8;

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

    /// @custom:storage-location erc7201:citychain.storage.SupplyChain
    struct SupplyChainStorage {
        mapping(uint64 gtin => Product) products;
        mapping(bytes32 lotId => LotData) lots;
        mapping(bytes32 itemKey => ItemData) items;
        mapping(uint64 sscc => PalletData) pallets;
        mapping(uint64 sscc => mapping(uint256 index => bytes32)) palletLots;
        mapping(bytes32 itemKey => bool) cloneReports;
        mapping(address guardian => bool) guardians;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.SupplyChain")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant SUPPLY_CHAIN_STORAGE = 0x397434264ec779ad196d8204491d63d3212915a28806072e9b6f0deda9647000;

    /// @param consortium_ The consortium contract (its proxy).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) ConsortiumGated(consortium_) {}

    /// @notice Initialises the proxy: the UUPS and pause state of the base (the supply chain itself starts empty).
    function initialize() external initializer {
        __UUPSUpgradeable_init();
    }

    // ------------------------------------------------------------------ products and lots

    /// @inheritdoc ISupplyChain
    function registerProduct(uint64 gtin, bytes32 metadataHash) external whenNotPaused {
        SupplyChainOversight.registerProduct(
            _supplyChainStorage(),
            _requireRole(Roles.MANUFACTURER),
            gtin,
            metadataHash
        );
    }

    /// @inheritdoc ISupplyChain
    function commissionLot(LotInput calldata input) external whenNotPaused returns (bytes32 lotId) {
        uint32 org = _requireRole(Roles.MANUFACTURER);
        uint32 maker = _supplyChainStorage().products[input.gtin].manufacturer;
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
            if (_supplyChainStorage().lots[input.inputLots[i]].manufacturer == 0)
                revert SupplyChainUnknownLot(input.inputLots[i]);
        }
        lotId = _lotIdOf(input.gtin, input.lotNumberHash);
        LotData storage ld = _supplyChainStorage().lots[lotId];
        if (ld.manufacturer != 0) revert SupplyChainLotExists(lotId);
        ld.manufacturer = org;
        ld.gtin = input.gtin;
        ld.expiry = uint40(input.expiry);
        ld.flags = tree ? LOT_TREE : 0;
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
    function registerItem(bytes32 lotId, bytes32 serialHash) external whenNotPaused returns (bytes32 itemKey) {
        uint32 org = _requireRole(Roles.MANUFACTURER);
        LotData storage ld = _registrableLot(lotId, org);
        itemKey = _register(lotId, serialHash, org);
        ++ld.itemCount;
    }

    /// @inheritdoc ISupplyChain
    function registerItems(bytes32 lotId, bytes32[] calldata serialHashes) external whenNotPaused {
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
    ) external whenNotPaused {
        uint32 org = _custodyOrg();
        LotData storage ld = _lot(lotId);
        uint8 flags = ld.flags;
        if (flags & LOT_DESTROYED != 0) revert SupplyChainLotDestroyed(lotId);
        // A recalled lot may only flow back to its manufacturer.
        if (flags & LOT_RECALLED != 0 && shipment.receiver != ld.manufacturer) revert SupplyChainLotRecalled(lotId);
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
    ) external whenNotPaused {
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
    ) external whenNotPaused {
        uint32 org = _custodyOrg();
        if (!GS1.isValidSscc(sscc)) revert SupplyChainInvalidSscc(sscc);
        uint256 n = serialHashes.length;
        if (n == 0 || n > MAX_BATCH) revert SupplyChainInvalidBatch(n, MAX_BATCH);
        LotData storage ld = _lot(lotId);
        _requireUsable(lotId, ld.flags);
        PalletData memory p = _supplyChainStorage().pallets[sscc];
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
        _supplyChainStorage().pallets[sscc] = p;
    }

    /// @inheritdoc ISupplyChain
    function unpackItems(uint64 sscc, bytes32 lotId, bytes32[] calldata serialHashes) external whenNotPaused {
        SupplyChainOversight.unpackItems(_supplyChainStorage(), _custodyOrg(), sscc, lotId, serialHashes);
    }

    /// @inheritdoc ISupplyChain
    function shipPallet(uint64 sscc, Shipment calldata shipment) external whenNotPaused {
        SupplyChainStorage storage $ = _supplyChainStorage();
        uint32 org = _custodyOrg();
        PalletData storage p = $.pallets[sscc];
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
    function receivePallet(uint64 sscc, bytes32 location, bytes32 epcisHash) external whenNotPaused {
        SupplyChainStorage storage $ = _supplyChainStorage();
        uint32 org = _custodyOrg();
        PalletData memory p = $.pallets[sscc];
        if (!p.inTransit) revert SupplyChainPalletNotInTransit(sscc);
        if (p.receiver != org) revert SupplyChainPalletNotReceiver(sscc, org);
        p.custodian = org;
        if (p.pendingOwner != 0) p.owner = p.pendingOwner;
        p.receiver = 0;
        p.pendingOwner = 0;
        p.inTransit = false;
        p.moved = true;
        $.pallets[sscc] = p;
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
    ) external whenNotPaused {
        SupplyChainOversight.decommission(
            _supplyChainStorage(),
            consortium(),
            lotId,
            serialHash,
            proof,
            bizStep,
            location
        );
    }

    /// @inheritdoc ISupplyChain
    function undoDecommission(bytes32 lotId, bytes32 serialHash) external whenNotPaused {
        SupplyChainOversight.undoDecommission(_supplyChainStorage(), consortium(), lotId, serialHash);
    }

    /// @inheritdoc ISupplyChain
    function reportItem(
        bytes32 lotId,
        bytes32 serialHash,
        bytes32[] calldata proof,
        ItemState state,
        bytes32 reasonHash
    ) external whenNotPaused {
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
    function recallLot(bytes32 lotId, bytes32 reasonHash) external whenNotPaused {
        SupplyChainOversight.recallLot(_supplyChainStorage(), consortium(), lotId, reasonHash);
    }

    /// @inheritdoc ISupplyChain
    function setGuardian(address guardian, bool allowed) external whenNotPaused {
        SupplyChainOversight.setGuardian(_supplyChainStorage(), consortium(), guardian, allowed);
    }

    /// @inheritdoc ISupplyChain
    function quarantineLot(bytes32 lotId, bytes32 reasonHash) external whenNotPaused {
        SupplyChainOversight.quarantineLot(_supplyChainStorage(), consortium(), lotId, reasonHash);
    }

    /// @inheritdoc ISupplyChain
    function releaseLot(bytes32 lotId, bytes32 reasonHash) external whenNotPaused {
        SupplyChainOversight.releaseLot(_supplyChainStorage(), consortium(), lotId, reasonHash);
    }

    /// @inheritdoc ISupplyChain
    function destroyLot(bytes32 lotId, bytes32 reasonHash) external whenNotPaused {
        SupplyChainOversight.destroyLot(_supplyChainStorage(), consortium(), lotId, reasonHash);
    }

    /// @inheritdoc ISupplyChain
    function setPalletQuarantine(uint64 sscc, bool quarantined, bytes32 reasonHash) external whenNotPaused {
        SupplyChainOversight.setPalletQuarantine(_supplyChainStorage(), consortium(), sscc, quarantined, reasonHash);
    }

    /// @inheritdoc ISupplyChain
    function decideCloneReport(
        bytes32 lotId,
        bytes32 serialHash,
        bool confirmed,
        bytes32 reasonHash
    ) external whenNotPaused {
        SupplyChainOversight.decideCloneReport(
            _supplyChainStorage(),
            consortium(),
            lotId,
            serialHash,
            confirmed,
            reasonHash
        );
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
        SupplyChainStorage storage $ = _supplyChainStorage();
        return $.guardians[account];
    }

    /// @inheritdoc ISupplyChain
    function product(uint64 gtin) external view returns (Product memory) {
        SupplyChainStorage storage $ = _supplyChainStorage();
        return $.products[gtin];
    }

    /// @inheritdoc ISupplyChain
    function lot(bytes32 lotId) external view returns (Lot memory) {
        SupplyChainStorage storage $ = _supplyChainStorage();
        LotData memory ld = $.lots[lotId];
        return
            Lot({
                manufacturer: ld.manufacturer,
                gtin: ld.gtin,
                expiry: ld.expiry,
                recalled: ld.flags & LOT_RECALLED != 0,
                quarantined: ld.flags & LOT_QUARANTINED != 0,
                destroyed: ld.flags & LOT_DESTROYED != 0,
                itemCount: ld.itemCount,
                commissionedAt: ld.commissionedAt,
                merkleRoot: ld.merkleRoot
            });
    }

    /// @inheritdoc ISupplyChain
    function item(bytes32 lotId, bytes32 serialHash) external view returns (Item memory) {
        return SupplyChainOversight.item(_supplyChainStorage(), lotId, serialHash);
    }

    /// @inheritdoc ISupplyChain
    function pallet(uint64 sscc) external view returns (Pallet memory) {
        SupplyChainStorage storage $ = _supplyChainStorage();
        PalletData memory p = $.pallets[sscc];
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
        SupplyChainStorage storage $ = _supplyChainStorage();
        uint256 n = $.pallets[sscc].lotCount;
        lots = new bytes32[](n);
        for (uint256 i; i < n; ++i) lots[i] = $.palletLots[sscc][i];
    }

    /// @inheritdoc ISupplyChain
    function verify(
        uint64 gtin,
        string calldata serial,
        string calldata lotNumber,
        uint64 expiry,
        bytes32[] calldata proof
    ) external view returns (bool sellable, VerifyReason reason) {
        return SupplyChainOversight.verify(_supplyChainStorage(), gtin, serial, lotNumber, expiry, proof);
    }

    // ------------------------------------------------------------------ internals

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
        if (ld.flags & LOT_TREE == 0 || (proof.length == 0 && ld.itemCount != 1)) {
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
        if (ld.flags & LOT_TREE == 0) revert SupplyChainInvalidProof(lotId, serialHashes[0]);
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
    function _loadItem(bytes32 key) private view returns (ItemData memory it) {
        ItemData storage slot = _supplyChainStorage().items[key];
        uint256 word;
        assembly ("memory-safe") {
            word := sload(slot.slot)
        }
        // The inverse of _storeItem (one SLOAD, fields in ItemData's storage layout); a state byte outside the enum
        // cannot have been stored.
        it.state = ItemState(uint8(word));
        it.suspect = uint8(word >> 8) != 0;
        it.owner = uint32(word >> 16);
        it.custodian = uint32(word >> 48);
        it.receiver = uint32(word >> 80);
        it.pendingOwner = uint32(word >> 112);
        it.pallet = uint64(word >> 144);
        it.since = uint40(word >> 208);
    }

    /// @dev Writes the item's slot with one SSTORE (a struct copy writes each packed field in turn). The word follows
    /// ItemData's storage layout: state, suspect, owner, custodian, receiver, pendingOwner, pallet, since from the
    /// low byte up; SupplyChainOversight and the views read it back through that layout.
    function _storeItem(bytes32 key, ItemData memory it) private {
        ItemData storage slot = _supplyChainStorage().items[key];
        uint256 word = uint256(uint8(it.state)) |
            (it.suspect ? 1 << 8 : 0) |
            (uint256(it.owner) << 16) |
            (uint256(it.custodian) << 48) |
            (uint256(it.receiver) << 80) |
            (uint256(it.pendingOwner) << 112) |
            (uint256(it.pallet) << 144) |
            (uint256(it.since) << 208);
        assembly ("memory-safe") {
            sstore(slot.slot, word)
        }
    }

    function _singleLeafTree(LotData storage ld) private view returns (bool) {
        return ld.flags & LOT_TREE != 0 && ld.itemCount == 1;
    }

    /// @dev Adds a lot to a pallet's bounded lot set (in memory `p`; the caller stores it).
    function _addPalletLot(uint64 sscc, PalletData memory p, bytes32 lotId) private {
        SupplyChainStorage storage $ = _supplyChainStorage();
        uint256 n = p.lotCount;
        for (uint256 i; i < n; ++i) if ($.palletLots[sscc][i] == lotId) return;
        if (n == MAX_PALLET_LOTS) revert SupplyChainPalletLotsFull(sscc, MAX_PALLET_LOTS);
        $.palletLots[sscc][n] = lotId;
        // n < MAX_PALLET_LOTS = 8
        p.lotCount = uint8(n + 1);
    }

    /// @dev A pallet move checks every lot inside (at most MAX_PALLET_LOTS): none destroyed; a recalled or
    /// expired lot only flows back to its manufacturer.
    function _checkPalletLots(uint64 sscc, uint256 lotCount, uint32 receiver) private view {
        SupplyChainStorage storage $ = _supplyChainStorage();
        for (uint256 i; i < lotCount; ++i) {
            bytes32 lotId = $.palletLots[sscc][i];
            LotData storage ld = $.lots[lotId];
            uint8 flags = ld.flags;
            if (flags & LOT_DESTROYED != 0) revert SupplyChainLotDestroyed(lotId);
            if (receiver == ld.manufacturer) continue;
            if (flags & LOT_RECALLED != 0) revert SupplyChainLotRecalled(lotId);
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
        if (flags & LOT_TREE != 0) revert SupplyChainLotHasTree(lotId);
        _requireUsable(lotId, flags);
    }

    function _register(bytes32 lotId, bytes32 serialHash, uint32 org) private returns (bytes32 itemKey) {
        SupplyChainStorage storage $ = _supplyChainStorage();
        itemKey = _itemKeyOf(lotId, serialHash);
        ItemData storage it = $.items[itemKey];
        if (it.state != ItemState.None) revert SupplyChainDuplicateSerial(lotId, serialHash);
        it.state = ItemState.Commissioned;
        it.owner = org;
        it.custodian = org;
        it.since = uint40(block.timestamp);
        emit ItemActivated(lotId, itemKey, serialHash, true);
    }

    function _lot(bytes32 lotId) private view returns (LotData storage ld) {
        SupplyChainStorage storage $ = _supplyChainStorage();
        ld = $.lots[lotId];
        if (ld.manufacturer == 0) revert SupplyChainUnknownLot(lotId);
    }

    /// @dev Reverts when the lot is recalled, quarantined or destroyed.
    function _requireUsable(bytes32 lotId, uint8 flags) private pure {
        if (flags & LOT_DESTROYED != 0) revert SupplyChainLotDestroyed(lotId);
        if (flags & LOT_RECALLED != 0) revert SupplyChainLotRecalled(lotId);
        if (flags & LOT_QUARANTINED != 0) revert SupplyChainLotQuarantined(lotId);
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

    function _isCustodyOrg(uint32 orgId) private view returns (bool) {
        IConsortium c = consortium();
        return
            orgId != 0 &&
            (c.memberHasRole(orgId, Roles.CARRIER) ||
                c.memberHasRole(orgId, Roles.DISTRIBUTOR) ||
                c.memberHasRole(orgId, Roles.HOSPITAL) ||
                c.memberHasRole(orgId, Roles.MANUFACTURER));
    }

    function _supplyChainStorage() private pure returns (SupplyChainStorage storage $) {
        assembly ("memory-safe") {
            $.slot := SUPPLY_CHAIN_STORAGE
        }
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
