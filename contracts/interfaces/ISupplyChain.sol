// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title ISupplyChain
 * @notice GS1-style product identities on the consortium chain: products (GTIN-14), lots (GTIN + lot number,
 * expiry, origin, input lots), items (GTIN + serial) committed in bulk as a Merkle root and materialised lazily,
 * two-step custody handoffs, pallets (SSCC) that move everything inside them in O(1), O(1) lot recalls,
 * quarantine by regulators and guardian contracts, decommission at sale/dispense with clone alerts, and one view
 * that answers "is this genuine and sellable?".
 * @dev Identifiers: `lotNumberHash = keccak256(bytes(lotNumber))`, `serialHash = keccak256(bytes(serial))`,
 * `lotId = keccak256(abi.encode(gtin, lotNumberHash))`, `itemKey = keccak256(abi.encode(lotId, serialHash))`.
 * Merkle leaves follow the OpenZeppelin merkle-tree StandardMerkleTree with leaf type `["bytes32"]` over the
 * serial hash: `keccak256(bytes.concat(keccak256(abi.encode(serialHash))))`. No plaintext business data is stored.
 */
interface ISupplyChain {
    /// @notice Item lifecycle (CBV dispositions collapsed into one state machine).
    enum ItemState {
        None,
        Commissioned,
        InTransit,
        Received,
        Decommissioned,
        Destroyed,
        Stolen,
        Returned
    }

    /// @notice Verification-router style reason codes returned by `verify`.
    enum VerifyReason {
        Verified,
        UnknownProduct,
        UnknownSerial,
        LotMismatch,
        ExpiryMismatch,
        Expired,
        Recalled,
        AlreadyDecommissioned,
        Suspect,
        Quarantined,
        Destroyed,
        SuspectReported
    }

    /// @notice A registered product (GTIN-14).
    struct Product {
        uint32 manufacturer;
        uint64 registeredAt;
        bytes32 metadataHash;
    }

    /// @notice Parameters of a lot commission.
    struct LotInput {
        uint64 gtin;
        bytes32 lotNumberHash;
        uint64 expiry;
        bytes32 origin;
        bytes32 merkleRoot;
        uint32 itemCount;
        bytes32[] inputLots;
    }

    /// @notice A lot as read by the SDK: overlays are lot-level flags, expiry is a unix time.
    struct Lot {
        uint32 manufacturer;
        uint64 gtin;
        uint64 expiry;
        bool recalled;
        bool quarantined;
        bool destroyed;
        uint32 itemCount;
        uint64 commissionedAt;
        bytes32 merkleRoot;
    }

    /// @notice An item's effective state (custody resolved through its pallet, lot overlays applied).
    struct Item {
        ItemState state;
        bool activated;
        bool suspect;
        bool cloneReported;
        uint32 owner;
        uint32 custodian;
        uint32 receiver;
        uint32 pendingOwner;
        uint64 pallet;
        uint64 since;
    }

    /// @notice A pallet/case (SSCC) aggregating items.
    struct Pallet {
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

    /// @notice The EPCIS "why/where" of a shipment: receiver, ownership change, CBV business step, location
    /// (GLN or location hash), hash of the full off-chain EPCIS event and a business transaction reference.
    struct Shipment {
        uint32 receiver;
        uint32 newOwner;
        bytes32 bizStep;
        bytes32 location;
        bytes32 epcisHash;
        bytes32 bizTransaction;
    }

    /// @notice A manufacturer registered a GTIN.
    event ProductRegistered(uint64 indexed gtin, uint32 indexed manufacturer, bytes32 metadataHash);
    /// @notice A lot was commissioned (Merkle root over its serials, or empty for per-item registration).
    event LotCommissioned(
        bytes32 indexed lotId,
        uint64 indexed gtin,
        uint32 indexed manufacturer,
        bytes32 lotNumberHash,
        uint64 expiry,
        bytes32 origin,
        bytes32 merkleRoot,
        uint32 itemCount,
        bytes32[] inputLots
    );
    /// @notice An item came to life on chain (per-item registration or first action with its Merkle proof).
    event ItemActivated(bytes32 indexed lotId, bytes32 indexed itemKey, bytes32 serialHash, bool registered);
    /// @notice The holder shipped an item to a named receiver.
    event ItemShipped(
        bytes32 indexed itemKey,
        uint32 indexed from,
        uint32 indexed to,
        uint32 newOwner,
        bytes32 bizStep,
        bytes32 location,
        bytes32 epcisHash,
        bytes32 bizTransaction
    );
    /// @notice The named receiver accepted an item.
    event ItemReceived(bytes32 indexed itemKey, uint32 indexed by, bool sellable, bytes32 location, bytes32 epcisHash);
    /// @notice An item was packed into a pallet.
    event ItemPacked(uint64 indexed sscc, bytes32 indexed itemKey);
    /// @notice An item was unpacked from a pallet and has item-level custody again.
    event ItemUnpacked(uint64 indexed sscc, bytes32 indexed itemKey);
    /// @notice The holder shipped a whole pallet.
    event PalletShipped(
        uint64 indexed sscc,
        uint32 indexed from,
        uint32 indexed to,
        uint32 newOwner,
        bytes32 bizStep,
        bytes32 location,
        bytes32 epcisHash,
        bytes32 bizTransaction
    );
    /// @notice The named receiver accepted a pallet.
    event PalletReceived(uint64 indexed sscc, uint32 indexed by, bytes32 location, bytes32 epcisHash);
    /// @notice An item was sold or dispensed.
    event ItemDecommissioned(bytes32 indexed itemKey, uint32 indexed by, bytes32 bizStep, bytes32 location);
    /// @notice A decommission was undone by the same party within the undo window.
    event DecommissionUndone(bytes32 indexed itemKey, uint32 indexed by);
    /// @notice A second decommission of an already decommissioned code: a clone is REPORTED (it blocks nothing
    /// until a REGULATOR confirms it).
    event CloneAlerted(bytes32 indexed lotId, bytes32 indexed itemKey, uint32 indexed reporter, uint32 firstBy);
    /// @notice A REGULATOR decided a clone report: confirmed (the code is suspect and cannot be dispensed) or
    /// cleared (the report, or a confirmed flag found false, is removed).
    event CloneReportDecided(bytes32 indexed itemKey, address indexed by, bool confirmed, bytes32 reasonHash);
    /// @notice A pallet was quarantined (by a REGULATOR or a guardian contract: it cannot be unpacked, packed or
    /// shipped, and its items verify as quarantined) or released (by a REGULATOR).
    event PalletQuarantineSet(uint64 indexed sscc, address indexed by, bool quarantined, bytes32 reasonHash);
    /// @notice An item was reported stolen or destroyed.
    event ItemStateReported(bytes32 indexed itemKey, uint32 indexed by, ItemState state, bytes32 reasonHash);
    /// @notice A lot was recalled: every item reads as recalled and cannot be sold or dispensed.
    event LotRecalled(bytes32 indexed lotId, uint32 indexed by, bytes32 reasonHash);
    /// @notice A lot was quarantined by a regulator or a guardian contract.
    event LotQuarantined(bytes32 indexed lotId, address indexed by, bytes32 reasonHash);
    /// @notice A regulator released a quarantined lot.
    event LotReleased(bytes32 indexed lotId, address indexed by, bytes32 reasonHash);
    /// @notice A regulator destroyed a lot (terminal).
    event LotDestroyed(bytes32 indexed lotId, address indexed by, bytes32 reasonHash);
    /// @notice A regulator allowed or disallowed a guardian contract.
    event GuardianSet(address indexed guardian, bool allowed);

    /// @dev The GTIN-14 is out of range or its check digit is wrong.
    error SupplyChainInvalidGtin(uint64 gtin);
    /// @dev The SSCC is out of range or its check digit is wrong.
    error SupplyChainInvalidSscc(uint64 sscc);
    /// @dev The serial is empty, longer than 20 characters or outside the GS1 AI 82 character set.
    error SupplyChainInvalidSerial(uint256 length);
    /// @dev The GTIN is already registered.
    error SupplyChainProductExists(uint64 gtin);
    /// @dev The GTIN is not registered.
    error SupplyChainUnknownProduct(uint64 gtin);
    /// @dev The caller's organisation is not the product's manufacturer.
    error SupplyChainNotProductManufacturer(uint64 gtin, uint32 orgId);
    /// @dev The lot already exists.
    error SupplyChainLotExists(bytes32 lotId);
    /// @dev The lot does not exist.
    error SupplyChainUnknownLot(bytes32 lotId);
    /// @dev The expiry is not in the future or does not fit 40 bits.
    error SupplyChainInvalidExpiry(uint64 expiry);
    /// @dev A Merkle lot needs a positive item count; a per-item lot starts at zero.
    error SupplyChainInvalidItemCount(bytes32 merkleRoot, uint32 itemCount);
    /// @dev Too many input lots in one transformation.
    error SupplyChainTooManyInputs(uint256 count, uint256 max);
    /// @dev The caller's organisation is not the lot's manufacturer.
    error SupplyChainNotLotManufacturer(bytes32 lotId, uint32 orgId);
    /// @dev Per-item registration into a lot committed as a Merkle root.
    error SupplyChainLotHasTree(bytes32 lotId);
    /// @dev The serial is already registered in the lot.
    error SupplyChainDuplicateSerial(bytes32 lotId, bytes32 serialHash);
    /// @dev The Merkle proof does not prove the serial in this lot (wrong lot or unknown serial).
    error SupplyChainInvalidProof(bytes32 lotId, bytes32 serialHash);
    /// @dev The item is not on chain and no proof was given.
    error SupplyChainUnknownItem(bytes32 lotId, bytes32 serialHash);
    /// @dev The caller's organisation does not hold the item.
    error SupplyChainNotHolder(bytes32 itemKey, uint32 orgId);
    /// @dev Only the owner organisation can hand over ownership.
    error SupplyChainNotOwner(bytes32 itemKey, uint32 orgId);
    /// @dev Only the named receiver can accept.
    error SupplyChainNotReceiver(bytes32 itemKey, uint32 orgId);
    /// @dev The item is not in a state that allows the action.
    error SupplyChainInvalidItemState(bytes32 itemKey, ItemState state);
    /// @dev The receiver (or new owner) is not an active member with a custody role, or is the sender.
    error SupplyChainInvalidReceiver(uint32 orgId);
    /// @dev The caller's organisation holds none of the custody roles (manufacturer, distributor, carrier, hospital).
    error SupplyChainNoCustodyRole(address account);
    /// @dev The caller's organisation may not sell or dispense (needs HOSPITAL or DISTRIBUTOR).
    error SupplyChainNoDispenseRole(address account);
    /// @dev The lot is recalled.
    error SupplyChainLotRecalled(bytes32 lotId);
    /// @dev The lot is quarantined.
    error SupplyChainLotQuarantined(bytes32 lotId);
    /// @dev The lot is destroyed.
    error SupplyChainLotDestroyed(bytes32 lotId);
    /// @dev The lot is expired.
    error SupplyChainLotExpired(bytes32 lotId, uint64 expiry);
    /// @dev The lot is not quarantined.
    error SupplyChainLotNotQuarantined(bytes32 lotId);
    /// @dev The item is packed in a pallet; act on the pallet or unpack first.
    error SupplyChainItemPacked(bytes32 itemKey, uint64 sscc);
    /// @dev The item is not in this pallet.
    error SupplyChainNotInPallet(bytes32 itemKey, uint64 sscc);
    /// @dev The pallet does not exist (or is empty).
    error SupplyChainUnknownPallet(uint64 sscc);
    /// @dev The caller's organisation does not hold the pallet.
    error SupplyChainPalletNotHolder(uint64 sscc, uint32 orgId);
    /// @dev The pallet is in transit.
    error SupplyChainPalletInTransit(uint64 sscc);
    /// @dev The pallet is not in transit.
    error SupplyChainPalletNotInTransit(uint64 sscc);
    /// @dev Only the pallet's named receiver can accept it.
    error SupplyChainPalletNotReceiver(uint64 sscc, uint32 orgId);
    /// @dev A batch is empty or larger than the cap.
    error SupplyChainInvalidBatch(uint256 count, uint256 max);
    /// @dev Only the organisation that decommissioned the item can undo it.
    error SupplyChainNotDecommissioner(bytes32 itemKey, uint32 orgId);
    /// @dev The undo window (10 days) has closed.
    error SupplyChainUndoWindowClosed(bytes32 itemKey, uint64 deadline);
    /// @dev The item is reported stolen.
    error SupplyChainItemStolen(bytes32 itemKey);
    /// @dev The caller is neither a regulator nor a guardian contract.
    error SupplyChainNotGuardian(address account);
    /// @dev Only the pallet's owner organisation can hand over its ownership.
    error SupplyChainPalletNotOwner(uint64 sscc, uint32 orgId);
    /// @dev The code is marked suspect (clone alert) and cannot be sold or dispensed.
    error SupplyChainItemSuspect(bytes32 itemKey);
    /// @dev The zero address cannot be a guardian.
    error SupplyChainZeroGuardian();
    /// @dev A pallet holds items of at most MAX_PALLET_LOTS lots.
    error SupplyChainPalletLotsFull(uint64 sscc, uint256 max);
    /// @dev The pallet's quarantine is `quarantined` (it blocks the move, or the change changes nothing).
    error SupplyChainPalletQuarantined(uint64 sscc, bool quarantined);
    /// @dev No clone report (or confirmed suspect flag) stands on the item.
    error SupplyChainNoCloneReport(bytes32 itemKey);

    /// @notice Register a GTIN-14 (check digit validated) with the hash of its off-chain metadata. MANUFACTURER.
    /// @param gtin The GTIN-14 as an integer.
    /// @param metadataHash Hash of name, place of origin and specification documents kept off chain.
    function registerProduct(uint64 gtin, bytes32 metadataHash) external;

    /// @notice Commission a lot: a Merkle root over all serials (O(1) whatever the size) or an empty lot for
    /// per-item registration; input lots link a transformation upstream. The product's manufacturer only.
    /// @param input The lot parameters.
    /// @return lotId The lot identifier `keccak256(abi.encode(gtin, lotNumberHash))`.
    function commissionLot(LotInput calldata input) external returns (bytes32 lotId);

    /// @notice Register one item in a per-item lot (small volumes). The lot's manufacturer only.
    /// @param lotId The lot.
    /// @param serialHash `keccak256(bytes(serial))`.
    /// @return itemKey The item key.
    function registerItem(bytes32 lotId, bytes32 serialHash) external returns (bytes32 itemKey);

    /// @notice Register up to 1,000 items of a per-item lot in one transaction. The lot's manufacturer only.
    /// @param lotId The lot.
    /// @param serialHashes The serial hashes.
    function registerItems(bytes32 lotId, bytes32[] calldata serialHashes) external;

    /// @notice Ship an item held by the caller's organisation to a named receiver (first step of a handoff).
    /// @param lotId The item's lot.
    /// @param serialHash The item's serial hash.
    /// @param proof Merkle proof of the serial in the lot (empty once the item is on chain).
    /// @param shipment Receiver, ownership change and EPCIS fields.
    function shipItem(bytes32 lotId, bytes32 serialHash, bytes32[] calldata proof, Shipment calldata shipment) external;

    /// @notice Accept an item shipped to the caller's organisation (second step). A recalled, quarantined or
    /// destroyed lot cannot be received as sellable.
    /// @param lotId The item's lot.
    /// @param serialHash The item's serial hash.
    /// @param sellable Disposition on receipt (CBV sellable_accessible vs non_sellable).
    /// @param location Where it was received (GLN or location hash).
    /// @param epcisHash Hash of the full off-chain EPCIS receiving event.
    function receiveItem(
        bytes32 lotId,
        bytes32 serialHash,
        bool sellable,
        bytes32 location,
        bytes32 epcisHash
    ) external;

    /// @notice Pack items of one lot held by the caller into a pallet (created on first use). A multiproof
    /// materialises lazy items; with an empty proof every item must already be on chain.
    /// @param sscc The pallet's SSCC (18 digits, check digit validated).
    /// @param lotId The lot of the items.
    /// @param serialHashes The items' serial hashes (at most 1,000 per call).
    /// @param proof OpenZeppelin multiproof over the leaves.
    /// @param proofFlags The multiproof flags.
    function packItems(
        uint64 sscc,
        bytes32 lotId,
        bytes32[] calldata serialHashes,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external;

    /// @notice Unpack items from a pallet held (not in transit) by the caller: item-level custody is restored.
    /// @param sscc The pallet.
    /// @param lotId The items' lot.
    /// @param serialHashes The items' serial hashes (at most 1,000 per call).
    function unpackItems(uint64 sscc, bytes32 lotId, bytes32[] calldata serialHashes) external;

    /// @notice Ship a whole pallet in O(1): every item inside moves with it.
    /// @param sscc The pallet.
    /// @param shipment Receiver, ownership change and EPCIS fields.
    function shipPallet(uint64 sscc, Shipment calldata shipment) external;

    /// @notice Accept a pallet shipped to the caller's organisation in O(1).
    /// @param sscc The pallet.
    /// @param location Where it was received.
    /// @param epcisHash Hash of the full off-chain EPCIS receiving event.
    function receivePallet(uint64 sscc, bytes32 location, bytes32 epcisHash) external;

    /// @notice Sell or dispense an item (HOSPITAL or DISTRIBUTOR holder). A second decommission of the same code
    /// does not revert: it raises a clone alert and marks the code suspect.
    /// @param lotId The item's lot.
    /// @param serialHash The item's serial hash.
    /// @param proof Merkle proof (empty once the item is on chain).
    /// @param bizStep CBV business step (e.g. "retail_selling", "dispensing").
    /// @param location Where (GLN or location hash).
    function decommission(
        bytes32 lotId,
        bytes32 serialHash,
        bytes32[] calldata proof,
        bytes32 bizStep,
        bytes32 location
    ) external;

    /// @notice Undo the caller organisation's own decommission within 10 days, unless recalled, expired or stolen.
    /// @param lotId The item's lot.
    /// @param serialHash The item's serial hash.
    function undoDecommission(bytes32 lotId, bytes32 serialHash) external;

    /// @notice Report an item stolen or destroyed: the holder or the owner organisation.
    /// @param lotId The item's lot.
    /// @param serialHash The item's serial hash.
    /// @param proof Merkle proof (empty once the item is on chain).
    /// @param state `Stolen` or `Destroyed`.
    /// @param reasonHash Hash of the off-chain report.
    function reportItem(
        bytes32 lotId,
        bytes32 serialHash,
        bytes32[] calldata proof,
        ItemState state,
        bytes32 reasonHash
    ) external;

    /// @notice Recall a lot in O(1): the lot's manufacturer or a REGULATOR.
    /// @param lotId The lot.
    /// @param reasonHash Hash of the recall notice.
    function recallLot(bytes32 lotId, bytes32 reasonHash) external;

    /// @notice Allow or disallow a guardian system contract (e.g. the cold-chain contract). REGULATOR only.
    /// @param guardian The contract.
    /// @param allowed Whether it may quarantine lots.
    function setGuardian(address guardian, bool allowed) external;

    /// @notice Quarantine a lot: it cannot be received as sellable, sold or dispensed. REGULATOR or a guardian.
    /// @param lotId The lot.
    /// @param reasonHash Hash of the reason (e.g. the temperature excursion record).
    function quarantineLot(bytes32 lotId, bytes32 reasonHash) external;

    /// @notice Release a quarantined lot. REGULATOR only.
    /// @param lotId The lot.
    /// @param reasonHash Hash of the release decision.
    function releaseLot(bytes32 lotId, bytes32 reasonHash) external;

    /// @notice Destroy a lot (terminal): every item reads as destroyed. REGULATOR only.
    /// @param lotId The lot.
    /// @param reasonHash Hash of the destruction record.
    function destroyLot(bytes32 lotId, bytes32 reasonHash) external;

    /// @notice Quarantine one pallet (what travels in a cold-chain shipment, not the whole lot): a REGULATOR or a
    /// guardian; release it: a REGULATOR only.
    /// @param sscc The pallet.
    /// @param quarantined True to quarantine, false to release.
    /// @param reasonHash The reason.
    function setPalletQuarantine(uint64 sscc, bool quarantined, bytes32 reasonHash) external;

    /// @notice Decide a clone report (a second decommission only REPORTS a clone): confirm it (the item becomes
    /// suspect and cannot be dispensed) or clear it (also clears a confirmed flag found false). REGULATOR only.
    /// @param lotId The lot.
    /// @param serialHash The serial hash.
    /// @param confirmed True to confirm, false to clear.
    /// @param reasonHash The evidence or reason.
    function decideCloneReport(bytes32 lotId, bytes32 serialHash, bool confirmed, bytes32 reasonHash) external;

    /// @notice The lots whose items were packed into a pallet since it was (re)created (at most MAX_PALLET_LOTS).
    /// @param sscc The pallet.
    /// @return lots The lot ids.
    function palletLots(uint64 sscc) external view returns (bytes32[] memory lots);

    /// @notice The lot id of a GTIN and lot number hash.
    /// @param gtin The GTIN-14.
    /// @param lotNumberHash `keccak256(bytes(lotNumber))`.
    /// @return lotId `keccak256(abi.encode(gtin, lotNumberHash))`.
    function lotIdOf(uint64 gtin, bytes32 lotNumberHash) external pure returns (bytes32 lotId);

    /// @notice The item key of a serial in a lot.
    /// @param lotId The lot.
    /// @param serialHash `keccak256(bytes(serial))`.
    /// @return itemKey `keccak256(abi.encode(lotId, serialHash))`.
    function itemKeyOf(bytes32 lotId, bytes32 serialHash) external pure returns (bytes32 itemKey);

    /// @notice Whether an address is an allowed guardian contract.
    /// @param account The address.
    /// @return True when allowed.
    function isGuardian(address account) external view returns (bool);

    /// @notice A registered product (manufacturer organisation 0 when unknown).
    /// @param gtin The GTIN-14.
    /// @return The product.
    function product(uint64 gtin) external view returns (Product memory);

    /// @notice A lot (manufacturer organisation 0 when unknown).
    /// @param lotId The lot.
    /// @return The lot with its overlays.
    function lot(bytes32 lotId) external view returns (Lot memory);

    /// @notice An item's effective state (state `None` when it exists only as a Merkle leaf).
    /// @param lotId The lot.
    /// @param serialHash The serial hash.
    /// @return The item.
    function item(bytes32 lotId, bytes32 serialHash) external view returns (Item memory);

    /// @notice A pallet (all zero when unknown).
    /// @param sscc The SSCC.
    /// @return The pallet.
    function pallet(uint64 sscc) external view returns (Pallet memory);

    /// @notice Is this code genuine and sellable? Takes the plaintext printed on the pack and compares hashes.
    /// @param gtin The GTIN-14.
    /// @param serial The serial (GS1 AI 21).
    /// @param lotNumber The lot number (GS1 AI 10).
    /// @param expiry The expiry as a unix time (the SDK converts GS1 AI 17 YYMMDD).
    /// @param proof Merkle proof for a lazily committed serial (may be empty once the item is on chain).
    /// @return sellable True only for `Verified`.
    /// @return reason The reason code.
    function verify(
        uint64 gtin,
        string calldata serial,
        string calldata lotNumber,
        uint64 expiry,
        bytes32[] calldata proof
    ) external view returns (bool sellable, VerifyReason reason);
}
