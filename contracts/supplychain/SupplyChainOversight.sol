// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {IConsortiumGated} from "../interfaces/IConsortiumGated.sol";
import {ISupplyChain} from "../interfaces/ISupplyChain.sol";
import {GS1} from "../libraries/GS1.sol";
import {Roles} from "../libraries/Roles.sol";
import {SupplyChain, LOT_RECALLED, LOT_QUARANTINED, LOT_DESTROYED, LOT_TREE} from "./SupplyChain.sol";

/**
 * @title SupplyChainOversight
 * @notice The supply chain's oversight half: the lot and pallet overlays that regulators, guardians and
 * manufacturers set (recall, quarantine, release, destruction, clone decisions) and the read side that consumers and
 * apps call (`verify`, `item`). SupplyChain keeps every function in its ABI and delegates these to this library.
 * @dev Linked into SupplyChain (external functions, run by DELEGATECALL in the proxy's context): `msg.sender` is the
 * caller of SupplyChain, `$` its ERC-7201 storage, `consortium` its consortium. Kept apart so that SupplyChain stays
 * under the EIP-170 size limit; none of these runs on the hot custody path (registration, shipping, packing), so
 * their extra call costs the frequent operations nothing.
 */
library SupplyChainOversight {
    /// @dev How long the decommissioning organisation may undo its own decommission (SupplyChain.UNDO_WINDOW).
    uint64 internal constant UNDO_WINDOW = 10 days;
    /// @dev Most items unpacked in one call (SupplyChain.MAX_BATCH).
    uint256 internal constant MAX_BATCH = 1000;

    /// @notice See {ISupplyChain-registerProduct}; `org` is the caller's MANUFACTURER organisation (SupplyChain
    /// checked it).
    function registerProduct(
        SupplyChain.SupplyChainStorage storage $,
        uint32 org,
        uint64 gtin,
        bytes32 metadataHash
    ) external {
        if (!GS1.isValidGtin14(gtin)) revert ISupplyChain.SupplyChainInvalidGtin(gtin);
        if ($.products[gtin].manufacturer != 0) revert ISupplyChain.SupplyChainProductExists(gtin);
        $.products[gtin] = ISupplyChain.Product({
            manufacturer: org,
            registeredAt: uint64(block.timestamp),
            metadataHash: metadataHash
        });
        emit ISupplyChain.ProductRegistered(gtin, org, metadataHash);
    }

    /// @notice See {ISupplyChain-unpackItems}; `org` is the caller's custody organisation (SupplyChain checked it).
    function unpackItems(
        SupplyChain.SupplyChainStorage storage $,
        uint32 org,
        uint64 sscc,
        bytes32 lotId,
        bytes32[] calldata serialHashes
    ) external {
        SupplyChain.PalletData memory p = $.pallets[sscc];
        if (p.itemCount == 0) revert ISupplyChain.SupplyChainUnknownPallet(sscc);
        if (p.custodian != org) revert ISupplyChain.SupplyChainPalletNotHolder(sscc, org);
        if (p.inTransit) revert ISupplyChain.SupplyChainPalletInTransit(sscc);
        if (p.quarantined) revert ISupplyChain.SupplyChainPalletQuarantined(sscc, true);
        uint256 n = serialHashes.length;
        if (n == 0 || n > MAX_BATCH) revert ISupplyChain.SupplyChainInvalidBatch(n, MAX_BATCH);
        SupplyChain.LotData storage ld = _lot($, lotId);
        ISupplyChain.ItemState arrived = org == ld.manufacturer
            ? ISupplyChain.ItemState.Returned
            : ISupplyChain.ItemState.Received;
        for (uint256 i; i < n; ++i) {
            bytes32 key = _itemKeyOf(lotId, serialHashes[i]);
            SupplyChain.ItemData memory it = $.items[key];
            if (it.pallet != sscc) revert ISupplyChain.SupplyChainNotInPallet(key, sscc);
            it.pallet = 0;
            it.custodian = p.custodian;
            it.owner = p.owner;
            if (p.moved) it.state = arrived;
            it.since = uint40(block.timestamp);
            $.items[key] = it;
            emit ISupplyChain.ItemUnpacked(sscc, key);
        }
        // Every unpacked item was counted when packed (its pallet field equals sscc), so this cannot underflow.
        p.itemCount -= uint32(n);
        $.pallets[sscc] = p;
    }

    /// @notice See {ISupplyChain-decommission}.
    function decommission(
        SupplyChain.SupplyChainStorage storage $,
        IConsortium consortium,
        bytes32 lotId,
        bytes32 serialHash,
        bytes32[] calldata proof,
        bytes32 bizStep,
        bytes32 location
    ) external {
        uint32 org = _dispenseOrg(consortium);
        SupplyChain.LotData storage ld = _lot($, lotId);
        (bytes32 key, SupplyChain.ItemData memory it) = _activate($, ld, lotId, serialHash, proof);
        // Enum comparison (no balance or timestamp): Slither taints the item because it stores times.
        // slither-disable-next-line incorrect-equality
        if (it.state == ISupplyChain.ItemState.Decommissioned) {
            // The same code is presented again: a clone is reported (anyone with a code could present it, so a
            // report blocks nothing until a regulator confirms it). Recorded instead of reverting.
            $.cloneReports[key] = true;
            emit ISupplyChain.CloneAlerted(lotId, key, org, it.custodian);
            return;
        }
        uint8 flags = ld.flags;
        if (flags & LOT_DESTROYED != 0) revert ISupplyChain.SupplyChainLotDestroyed(lotId);
        if (flags & LOT_RECALLED != 0) revert ISupplyChain.SupplyChainLotRecalled(lotId);
        if (flags & LOT_QUARANTINED != 0) revert ISupplyChain.SupplyChainLotQuarantined(lotId);
        // solhint-disable-next-line gas-strict-inequalities
        if (block.timestamp >= ld.expiry) revert ISupplyChain.SupplyChainLotExpired(lotId, ld.expiry);
        if (it.suspect) revert ISupplyChain.SupplyChainItemSuspect(key);
        if (it.pallet != 0) revert ISupplyChain.SupplyChainItemPacked(key, it.pallet);
        // Enum comparison, as above.
        // slither-disable-next-line incorrect-equality
        if (it.state == ISupplyChain.ItemState.Stolen) revert ISupplyChain.SupplyChainItemStolen(key);
        if (
            it.state != ISupplyChain.ItemState.Commissioned &&
            it.state != ISupplyChain.ItemState.Received &&
            it.state != ISupplyChain.ItemState.Returned
        ) revert ISupplyChain.SupplyChainInvalidItemState(key, it.state);
        if (it.custodian != org) revert ISupplyChain.SupplyChainNotHolder(key, org);
        it.state = ISupplyChain.ItemState.Decommissioned;
        it.since = uint40(block.timestamp);
        $.items[key] = it;
        emit ISupplyChain.ItemDecommissioned(key, org, bizStep, location);
    }

    /// @notice See {ISupplyChain-undoDecommission}.
    function undoDecommission(
        SupplyChain.SupplyChainStorage storage $,
        IConsortium consortium,
        bytes32 lotId,
        bytes32 serialHash
    ) external {
        uint32 org = _dispenseOrg(consortium);
        SupplyChain.LotData storage ld = _lot($, lotId);
        bytes32 key = _itemKeyOf(lotId, serialHash);
        SupplyChain.ItemData memory it = $.items[key];
        if (it.state == ISupplyChain.ItemState.Stolen) revert ISupplyChain.SupplyChainItemStolen(key);
        if (it.state != ISupplyChain.ItemState.Decommissioned) {
            revert ISupplyChain.SupplyChainInvalidItemState(key, it.state);
        }
        if (it.custodian != org) revert ISupplyChain.SupplyChainNotDecommissioner(key, org);
        uint64 deadline = uint64(it.since) + UNDO_WINDOW;
        if (block.timestamp > deadline) revert ISupplyChain.SupplyChainUndoWindowClosed(key, deadline);
        uint8 flags = ld.flags;
        if (flags & LOT_RECALLED != 0) revert ISupplyChain.SupplyChainLotRecalled(lotId);
        if (flags & LOT_DESTROYED != 0) revert ISupplyChain.SupplyChainLotDestroyed(lotId);
        // solhint-disable-next-line gas-strict-inequalities
        if (block.timestamp >= ld.expiry) revert ISupplyChain.SupplyChainLotExpired(lotId, ld.expiry);
        it.state = ISupplyChain.ItemState.Received;
        it.since = uint40(block.timestamp);
        $.items[key] = it;
        emit ISupplyChain.DecommissionUndone(key, org);
    }

    /// @notice See {ISupplyChain-recallLot}.
    function recallLot(
        SupplyChain.SupplyChainStorage storage $,
        IConsortium consortium,
        bytes32 lotId,
        bytes32 reasonHash
    ) external {
        SupplyChain.LotData storage ld = _lot($, lotId);
        uint32 maker = ld.manufacturer;
        uint32 org = consortium.roleOrg(Roles.MANUFACTURER, msg.sender);
        if (org != maker) {
            uint32 regulator = consortium.roleOrg(Roles.REGULATOR, msg.sender);
            if (regulator == 0) {
                if (org != 0) revert ISupplyChain.SupplyChainNotLotManufacturer(lotId, org);
                revert IConsortiumGated.AccessMissingRole(msg.sender, Roles.MANUFACTURER);
            }
            org = regulator;
        }
        uint8 flags = ld.flags;
        if (flags & LOT_RECALLED != 0) revert ISupplyChain.SupplyChainLotRecalled(lotId);
        ld.flags = flags | LOT_RECALLED;
        emit ISupplyChain.LotRecalled(lotId, org, reasonHash);
    }

    /// @notice See {ISupplyChain-setGuardian}.
    function setGuardian(
        SupplyChain.SupplyChainStorage storage $,
        IConsortium consortium,
        address guardian,
        bool allowed
    ) external {
        _requireRegulator(consortium);
        if (guardian == address(0)) revert ISupplyChain.SupplyChainZeroGuardian();
        $.guardians[guardian] = allowed;
        emit ISupplyChain.GuardianSet(guardian, allowed);
    }

    /// @notice See {ISupplyChain-quarantineLot}.
    function quarantineLot(
        SupplyChain.SupplyChainStorage storage $,
        IConsortium consortium,
        bytes32 lotId,
        bytes32 reasonHash
    ) external {
        _requireGuardian($, consortium);
        SupplyChain.LotData storage ld = _lot($, lotId);
        uint8 flags = ld.flags;
        if (flags & LOT_DESTROYED != 0) revert ISupplyChain.SupplyChainLotDestroyed(lotId);
        if (flags & LOT_QUARANTINED != 0) revert ISupplyChain.SupplyChainLotQuarantined(lotId);
        ld.flags = flags | LOT_QUARANTINED;
        emit ISupplyChain.LotQuarantined(lotId, msg.sender, reasonHash);
    }

    /// @notice See {ISupplyChain-releaseLot}.
    function releaseLot(
        SupplyChain.SupplyChainStorage storage $,
        IConsortium consortium,
        bytes32 lotId,
        bytes32 reasonHash
    ) external {
        _requireRegulator(consortium);
        SupplyChain.LotData storage ld = _lot($, lotId);
        uint8 flags = ld.flags;
        if (flags & LOT_DESTROYED != 0) revert ISupplyChain.SupplyChainLotDestroyed(lotId);
        if (flags & LOT_QUARANTINED == 0) revert ISupplyChain.SupplyChainLotNotQuarantined(lotId);
        ld.flags = flags & ~LOT_QUARANTINED;
        emit ISupplyChain.LotReleased(lotId, msg.sender, reasonHash);
    }

    /// @notice See {ISupplyChain-destroyLot}.
    function destroyLot(
        SupplyChain.SupplyChainStorage storage $,
        IConsortium consortium,
        bytes32 lotId,
        bytes32 reasonHash
    ) external {
        _requireRegulator(consortium);
        SupplyChain.LotData storage ld = _lot($, lotId);
        uint8 flags = ld.flags;
        if (flags & LOT_DESTROYED != 0) revert ISupplyChain.SupplyChainLotDestroyed(lotId);
        ld.flags = flags | LOT_DESTROYED;
        emit ISupplyChain.LotDestroyed(lotId, msg.sender, reasonHash);
    }

    /// @notice See {ISupplyChain-setPalletQuarantine}.
    function setPalletQuarantine(
        SupplyChain.SupplyChainStorage storage $,
        IConsortium consortium,
        uint64 sscc,
        bool quarantined,
        bytes32 reasonHash
    ) external {
        if (quarantined) _requireGuardian($, consortium);
        else _requireRegulator(consortium);
        SupplyChain.PalletData storage p = $.pallets[sscc];
        if (p.itemCount == 0) revert ISupplyChain.SupplyChainUnknownPallet(sscc);
        if (p.quarantined == quarantined) revert ISupplyChain.SupplyChainPalletQuarantined(sscc, p.quarantined);
        p.quarantined = quarantined;
        emit ISupplyChain.PalletQuarantineSet(sscc, msg.sender, quarantined, reasonHash);
    }

    /// @notice See {ISupplyChain-decideCloneReport}.
    function decideCloneReport(
        SupplyChain.SupplyChainStorage storage $,
        IConsortium consortium,
        bytes32 lotId,
        bytes32 serialHash,
        bool confirmed,
        bytes32 reasonHash
    ) external {
        _requireRegulator(consortium);
        _lot($, lotId);
        bytes32 key = _itemKeyOf(lotId, serialHash);
        SupplyChain.ItemData storage it = $.items[key];
        // confirming needs a pending report; clearing needs a report or a confirmed flag
        if (!$.cloneReports[key] && (confirmed || !it.suspect)) revert ISupplyChain.SupplyChainNoCloneReport(key);
        delete $.cloneReports[key];
        it.suspect = confirmed;
        emit ISupplyChain.CloneReportDecided(key, msg.sender, confirmed, reasonHash);
    }

    /// @notice See {ISupplyChain-item}.
    function item(
        SupplyChain.SupplyChainStorage storage $,
        bytes32 lotId,
        bytes32 serialHash
    ) external view returns (ISupplyChain.Item memory view_) {
        bytes32 key = _itemKeyOf(lotId, serialHash);
        SupplyChain.ItemData memory it = $.items[key];
        if (it.state == ISupplyChain.ItemState.None) return view_;
        view_ = ISupplyChain.Item({
            state: it.state,
            activated: true,
            suspect: it.suspect,
            cloneReported: $.cloneReports[key],
            owner: it.owner,
            custodian: it.custodian,
            receiver: it.receiver,
            pendingOwner: it.pendingOwner,
            pallet: it.pallet,
            since: it.since
        });
        if (it.pallet != 0) {
            SupplyChain.PalletData memory p = $.pallets[it.pallet];
            view_.owner = p.owner;
            view_.custodian = p.custodian;
            view_.receiver = p.receiver;
            view_.pendingOwner = p.pendingOwner;
            if (p.inTransit) view_.state = ISupplyChain.ItemState.InTransit;
            else if (p.moved) view_.state = ISupplyChain.ItemState.Received;
        }
        if ($.lots[lotId].flags & LOT_DESTROYED != 0) view_.state = ISupplyChain.ItemState.Destroyed;
    }

    /// @notice See {ISupplyChain-verify}.
    function verify(
        SupplyChain.SupplyChainStorage storage $,
        uint64 gtin,
        string calldata serial,
        string calldata lotNumber,
        uint64 expiry,
        bytes32[] calldata proof
    ) external view returns (bool sellable, ISupplyChain.VerifyReason reason) {
        if (!GS1.isValidGtin14(gtin)) revert ISupplyChain.SupplyChainInvalidGtin(gtin);
        if (!GS1.isValidSerial(bytes(serial))) revert ISupplyChain.SupplyChainInvalidSerial(bytes(serial).length);
        // Existence check of a product (organisation id 0 = none), not a balance or time.
        // slither-disable-next-line incorrect-equality
        if ($.products[gtin].manufacturer == 0) return (false, ISupplyChain.VerifyReason.UnknownProduct);
        bytes32 lotId = keccak256(abi.encode(gtin, keccak256(bytes(lotNumber))));
        SupplyChain.LotData memory ld = $.lots[lotId];
        if (ld.manufacturer == 0) return (false, ISupplyChain.VerifyReason.LotMismatch);
        bytes32 serialHash = keccak256(bytes(serial));
        bytes32 key = _itemKeyOf(lotId, serialHash);
        SupplyChain.ItemData memory it = $.items[key];
        if (it.state == ISupplyChain.ItemState.None) {
            bool proven = ld.flags & LOT_TREE != 0 &&
                MerkleProof.verifyCalldata(proof, ld.merkleRoot, _leaf(serialHash));
            if (!proven) return (false, ISupplyChain.VerifyReason.UnknownSerial);
        }
        if (ld.expiry != expiry) return (false, ISupplyChain.VerifyReason.ExpiryMismatch);
        reason = _overlayReason(ld.flags, it);
        if (reason == ISupplyChain.VerifyReason.Verified && it.pallet != 0 && $.pallets[it.pallet].quarantined) {
            reason = ISupplyChain.VerifyReason.Quarantined;
        }
        // solhint-disable-next-line gas-strict-inequalities
        if (reason == ISupplyChain.VerifyReason.Verified && block.timestamp >= ld.expiry) {
            reason = ISupplyChain.VerifyReason.Expired;
        }
        if (reason == ISupplyChain.VerifyReason.Verified && $.cloneReports[key]) {
            reason = ISupplyChain.VerifyReason.SuspectReported;
        }
        // A pending clone report does not block a sale (anyone who saw the code could file it); it is shown.
        sellable = reason == ISupplyChain.VerifyReason.Verified || reason == ISupplyChain.VerifyReason.SuspectReported;
    }

    function _overlayReason(
        uint8 flags,
        SupplyChain.ItemData memory it
    ) private pure returns (ISupplyChain.VerifyReason) {
        if (flags & LOT_DESTROYED != 0 || it.state == ISupplyChain.ItemState.Destroyed) {
            return ISupplyChain.VerifyReason.Destroyed;
        }
        if (flags & LOT_RECALLED != 0) return ISupplyChain.VerifyReason.Recalled;
        if (flags & LOT_QUARANTINED != 0) return ISupplyChain.VerifyReason.Quarantined;
        if (it.suspect || it.state == ISupplyChain.ItemState.Stolen) return ISupplyChain.VerifyReason.Suspect;
        if (it.state == ISupplyChain.ItemState.Decommissioned) return ISupplyChain.VerifyReason.AlreadyDecommissioned;
        return ISupplyChain.VerifyReason.Verified;
    }

    /// @dev A guardian (an account a regulator named, e.g. a customs scanner) or an active REGULATOR.
    function _requireGuardian(SupplyChain.SupplyChainStorage storage $, IConsortium consortium) private view {
        if (!$.guardians[msg.sender] && consortium.roleOrg(Roles.REGULATOR, msg.sender) == 0) {
            revert ISupplyChain.SupplyChainNotGuardian(msg.sender);
        }
    }

    /// @dev The caller's organisation if it may sell or dispense (HOSPITAL or DISTRIBUTOR).
    function _dispenseOrg(IConsortium consortium) private view returns (uint32 org) {
        org = consortium.roleOrg(Roles.HOSPITAL, msg.sender);
        if (org != 0) return org;
        org = consortium.roleOrg(Roles.DISTRIBUTOR, msg.sender);
        if (org == 0) revert ISupplyChain.SupplyChainNoDispenseRole(msg.sender);
    }

    /// @dev Loads an item, materialising it from its Merkle proof on first use (in memory; the caller stores it),
    /// exactly as SupplyChain's custody functions do.
    function _activate(
        SupplyChain.SupplyChainStorage storage $,
        SupplyChain.LotData storage ld,
        bytes32 lotId,
        bytes32 serialHash,
        bytes32[] calldata proof
    ) private returns (bytes32 key, SupplyChain.ItemData memory it) {
        key = _itemKeyOf(lotId, serialHash);
        it = $.items[key];
        if (it.state != ISupplyChain.ItemState.None) return (key, it);
        // A one-serial tree's root is its only leaf: its proof is empty.
        if (ld.flags & LOT_TREE == 0 || (proof.length == 0 && ld.itemCount != 1)) {
            revert ISupplyChain.SupplyChainUnknownItem(lotId, serialHash);
        }
        if (!MerkleProof.verifyCalldata(proof, ld.merkleRoot, _leaf(serialHash))) {
            revert ISupplyChain.SupplyChainInvalidProof(lotId, serialHash);
        }
        it = SupplyChain.ItemData({
            state: ISupplyChain.ItemState.Commissioned,
            suspect: false,
            owner: ld.manufacturer,
            custodian: ld.manufacturer,
            receiver: 0,
            pendingOwner: 0,
            pallet: 0,
            since: uint40(block.timestamp)
        });
        emit ISupplyChain.ItemActivated(lotId, key, serialHash, false);
    }

    /// @dev StandardMerkleTree leaf for `["bytes32"]`: double-hashed against second-preimage attacks.
    function _leaf(bytes32 serialHash) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(serialHash))));
    }

    function _requireRegulator(IConsortium consortium) private view {
        if (consortium.roleOrg(Roles.REGULATOR, msg.sender) == 0) {
            revert IConsortiumGated.AccessMissingRole(msg.sender, Roles.REGULATOR);
        }
    }

    function _lot(
        SupplyChain.SupplyChainStorage storage $,
        bytes32 lotId
    ) private view returns (SupplyChain.LotData storage ld) {
        ld = $.lots[lotId];
        if (ld.manufacturer == 0) revert ISupplyChain.SupplyChainUnknownLot(lotId);
    }

    function _itemKeyOf(bytes32 lotId, bytes32 serialHash) private pure returns (bytes32) {
        return keccak256(abi.encode(lotId, serialHash));
    }
}
