// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ConsortiumGated} from "../consortium/ConsortiumGated.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {IEpcisAnchors} from "../interfaces/IEpcisAnchors.sol";

/**
 * @title EpcisAnchors
 * @notice Anchors any EPCIS 2.0 event by its CBV 2.0 hash digest as the assertion of the member organisation that
 * captured it. Shipments and receipts are anchored by SupplyChain itself (`epcisHash` of its custody events); this
 * contract anchors every other event (commissioning, packing, unpacking, transformation, selling, dispensing,
 * destroying, recall, quarantine) and any event a member captures through the EPCIS capture interface.
 * @dev Anchors are kept per (hash, organisation): there is no "first anchor wins", so an organisation that sees a
 * hash in the mempool and anchors it first gains nothing over the capturing organisation, which still anchors it
 * as its own. Any active member organisation may anchor (the capture of an event is no role's privilege); persons
 * may not, and a suspended or removed organisation is refused in the block its status changes. Behind an ERC-1967
 * proxy like every domain contract: anchors live in ERC-7201 namespaced storage, a vote upgrades the code, and a
 * regulator's emergency stop halts anchoring (the views stay open).
 */
contract EpcisAnchors is ConsortiumGated, IEpcisAnchors {
    /// @inheritdoc IEpcisAnchors
    uint256 public constant MAX_BATCH = 500;

    /// @custom:storage-location erc7201:citychain.storage.EpcisAnchors
    struct EpcisAnchorsStorage {
        /// @dev hash => organisation => its anchor (block and sender in one slot).
        mapping(bytes32 epcisHash => mapping(uint32 orgId => AnchorRecord)) anchors;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.EpcisAnchors")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant EPCIS_ANCHORS_STORAGE = 0xc97a0ba64671c11d8da9a57029710ec1f57a1b3d2f7221b517afa2890e9dc800;

    /// @param consortium_ The consortium whose active member organisations may anchor (its proxy).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) ConsortiumGated(consortium_) {}

    /// @notice Sets up the proxy (called once, by the proxy's constructor).
    function initialize() external initializer {
        __UUPSUpgradeable_init();
    }

    /// @inheritdoc IEpcisAnchors
    function anchor(bytes32[] calldata hashes) external whenNotPaused returns (uint32 orgId) {
        orgId = _memberOrg();
        uint256 n = hashes.length;
        if (n == 0) revert EpcisAnchorsEmptyBatch();
        if (n > MAX_BATCH) revert EpcisAnchorsBatchTooLarge(n, MAX_BATCH);
        // Block numbers fit 64 bits for billions of years of one-second blocks.
        uint64 blockNumber = uint64(block.number);
        mapping(bytes32 => mapping(uint32 => AnchorRecord)) storage anchors = _epcisAnchorsStorage().anchors;
        for (uint256 i; i < n; ++i) {
            bytes32 h = hashes[i];
            if (h == bytes32(0)) revert EpcisAnchorsZeroHash(i);
            AnchorRecord storage a = anchors[h][orgId];
            uint64 earlier = a.blockNumber;
            if (earlier != 0) revert EpcisAnchorsAlreadyAnchored(h, orgId, earlier);
            a.blockNumber = blockNumber;
            a.by = msg.sender;
            emit EpcisAnchored(h, orgId, msg.sender);
        }
    }

    /// @inheritdoc IEpcisAnchors
    function anchoredAt(bytes32 epcisHash, uint32 orgId) external view returns (uint64) {
        return _epcisAnchorsStorage().anchors[epcisHash][orgId].blockNumber;
    }

    /// @inheritdoc IEpcisAnchors
    function anchorOf(bytes32 epcisHash, uint32 orgId) external view returns (AnchorRecord memory) {
        return _epcisAnchorsStorage().anchors[epcisHash][orgId];
    }

    /// @dev The caller's member organisation if it is active and an organisation (not a person).
    function _memberOrg() private view returns (uint32 orgId) {
        IConsortium c = consortium();
        orgId = c.memberOf(msg.sender);
        if (orgId == 0) revert EpcisAnchorsNotMember(msg.sender);
        IConsortium.Member memory m = c.member(orgId);
        if (m.status != IConsortium.Status.Active) revert EpcisAnchorsMemberNotActive(orgId, m.status);
        if (m.kind != IConsortium.Kind.Organisation) revert EpcisAnchorsNotOrganisation(orgId);
    }

    function _epcisAnchorsStorage() private pure returns (EpcisAnchorsStorage storage $) {
        assembly ("memory-safe") {
            $.slot := EPCIS_ANCHORS_STORAGE
        }
    }
}
