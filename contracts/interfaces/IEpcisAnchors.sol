// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IConsortium} from "./IConsortium.sol";

/**
 * @title IEpcisAnchors
 * @notice Anchors of EPCIS 2.0 events by the member organisation that captured them. Any event (commissioning,
 * packing, transformation, selling, destroying, recall, quarantine, ...) is anchored by its CBV 2.0 event hash
 * digest (the SHA-256 of the pre-hash string, as `epcisHash` of the supply-chain contract). An anchor is the
 * capturing organisation's assertion: it is stored per (hash, organisation), so a member anchoring a hash first
 * takes nothing from another member that anchors the same hash, and nobody can front-run another's authorship.
 */
interface IEpcisAnchors {
    /// @notice One organisation's anchor of one event hash.
    /// @param blockNumber The block it was anchored in (0: never).
    /// @param by The member account that sent it.
    struct AnchorRecord {
        uint64 blockNumber;
        address by;
    }

    /// @notice An organisation asserted an EPCIS event by its hash digest.
    /// @param epcisHash The CBV 2.0 event hash digest (`ni:///sha-256;<digest>?ver=CBV2.0`).
    /// @param orgId The asserting organisation.
    /// @param by The member account that sent the transaction.
    event EpcisAnchored(bytes32 indexed epcisHash, uint32 indexed orgId, address indexed by);

    /// @notice The caller's account is bound to no member of the consortium.
    /// @param account The caller.
    error EpcisAnchorsNotMember(address account);
    /// @notice The caller's member is not active (suspended or removed).
    /// @param orgId The caller's member.
    /// @param status Its status.
    error EpcisAnchorsMemberNotActive(uint32 orgId, IConsortium.Status status);
    /// @notice The caller's member is a natural person: only organisations capture EPCIS events.
    /// @param orgId The caller's member.
    error EpcisAnchorsNotOrganisation(uint32 orgId);
    /// @notice The list of hashes is empty.
    error EpcisAnchorsEmptyBatch();
    /// @notice The list holds more hashes than one transaction may anchor.
    /// @param count The number of hashes sent.
    /// @param max The largest batch.
    error EpcisAnchorsBatchTooLarge(uint256 count, uint256 max);
    /// @notice A hash is zero (no event hashes to zero).
    /// @param index Its position in the list.
    error EpcisAnchorsZeroHash(uint256 index);
    /// @notice The organisation already anchored this hash (also a duplicate within one list).
    /// @param epcisHash The hash.
    /// @param orgId The organisation.
    /// @param blockNumber The block of its earlier anchor.
    error EpcisAnchorsAlreadyAnchored(bytes32 epcisHash, uint32 orgId, uint64 blockNumber);

    /// @notice Anchors event hash digests as the caller organisation's assertion. The caller's account must be bound
    /// to an active member organisation (not a person). All or nothing: one refused hash refuses the list.
    /// @param hashes The CBV 2.0 event hash digests, 1 to `MAX_BATCH`, none zero, none anchored by this organisation.
    /// @return orgId The asserting organisation.
    function anchor(bytes32[] calldata hashes) external returns (uint32 orgId);

    /// @notice The block in which `orgId` anchored `epcisHash`, or 0 if it never did.
    /// @param epcisHash The event hash digest.
    /// @param orgId The organisation.
    /// @return The block number, or 0.
    function anchoredAt(bytes32 epcisHash, uint32 orgId) external view returns (uint64);

    /// @notice The whole anchor of `epcisHash` by `orgId` (zeros if it never anchored it).
    /// @param epcisHash The event hash digest.
    /// @param orgId The organisation.
    /// @return The block and the sending account.
    function anchorOf(bytes32 epcisHash, uint32 orgId) external view returns (AnchorRecord memory);

    /// @notice The largest number of hashes one `anchor` call takes.
    /// @return The limit.
    // solhint-disable-next-line func-name-mixedcase
    function MAX_BATCH() external view returns (uint256);
}
