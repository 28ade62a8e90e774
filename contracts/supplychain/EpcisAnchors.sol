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
 * may not, and a suspended or removed organisation is refused in the block its status changes.
 */
contract EpcisAnchors is ConsortiumGated, IEpcisAnchors {
    /// @inheritdoc IEpcisAnchors
    uint256 public constant MAX_BATCH = 500;

    /// @dev hash => organisation => its anchor (block and sender in one slot).
    mapping(bytes32 epcisHash => mapping(uint32 orgId => AnchorRecord)) private _anchors;

    /// @param consortium_ The consortium whose active member organisations may anchor.
    constructor(IConsortium consortium_) ConsortiumGated(consortium_) {}

    /// @inheritdoc IEpcisAnchors
    function anchor(bytes32[] calldata hashes) external returns (uint32 orgId) {
        orgId = _memberOrg();
        uint256 n = hashes.length;
        if (n == 0) revert EpcisAnchorsEmptyBatch();
        if (n > MAX_BATCH) revert EpcisAnchorsBatchTooLarge(n, MAX_BATCH);
        // Block numbers fit 64 bits for billions of years of one-second blocks.
        uint64 blockNumber = uint64(block.number);
        for (uint256 i; i < n; ++i) {
            bytes32 h = hashes[i];
            if (h == bytes32(0)) revert EpcisAnchorsZeroHash(i);
            AnchorRecord storage a = _anchors[h][orgId];
            uint64 earlier = a.blockNumber;
            if (earlier != 0) revert EpcisAnchorsAlreadyAnchored(h, orgId, earlier);
            a.blockNumber = blockNumber;
            a.by = msg.sender;
            emit EpcisAnchored(h, orgId, msg.sender);
        }
    }

    /// @inheritdoc IEpcisAnchors
    function anchoredAt(bytes32 epcisHash, uint32 orgId) external view returns (uint64) {
        return _anchors[epcisHash][orgId].blockNumber;
    }

    /// @inheritdoc IEpcisAnchors
    function anchorOf(bytes32 epcisHash, uint32 orgId) external view returns (AnchorRecord memory) {
        return _anchors[epcisHash][orgId];
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
}
