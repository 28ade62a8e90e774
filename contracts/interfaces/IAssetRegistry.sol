// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title IAssetRegistry
 * @notice Physical assets that earn money (solar plants, vending machines, ad screens): their kind, documents,
 * operating organisation, metering devices and lifecycle, and the share token deployed for each of them. Many
 * assets live in one registry; one KYC (the consortium's INVESTOR role) serves all of them.
 */
interface IAssetRegistry {
    /// @notice What the asset is.
    enum Kind {
        Solar,
        Vending,
        AdScreen,
        Other
    }

    /// @notice Lifecycle: funding → construction → operating → decommissioned. `None`: unknown asset.
    enum Status {
        None,
        Funding,
        Construction,
        Operating,
        Decommissioned
    }

    /// @notice An asset as stored.
    struct Asset {
        Kind kind;
        Status status;
        uint32 operatorOrg;
        uint64 registeredAt;
        address shareToken;
        bytes32 metadataHash;
    }

    /// @notice What an operator gives to register an asset.
    /// @param kind What the asset is.
    /// @param metadataHash Hash of the location, capacity and documents kept off chain.
    /// @param name Share token name.
    /// @param symbol Share token symbol.
    /// @param cap Maximum number of shares ever in existence (whole shares, 0 decimals).
    /// @param paymentTokens ERC-20 tokens accepted for revenue (1..MAX_PAYMENT_TOKENS).
    /// @param devices Addresses of the devices that meter the asset (IoT registry ids), up to MAX_DEVICES.
    /// @param gridOperatorOrg The GRID_OPERATOR organisation that pays the asset's revenue (0: only the operator).
    struct Registration {
        Kind kind;
        bytes32 metadataHash;
        string name;
        string symbol;
        uint256 cap;
        address[] paymentTokens;
        address[] devices;
        uint32 gridOperatorOrg;
    }

    /// @notice The offering and market contracts were bound to the registry (once).
    event AssetSystemInitialised(address indexed offering, address indexed market);
    /// @notice An asset was registered and its share token deployed.
    event AssetRegistered(
        uint256 indexed assetId,
        Kind kind,
        uint32 indexed operatorOrg,
        address indexed shareToken,
        bytes32 metadataHash,
        uint256 cap
    );
    /// @notice The metered revenue contracts (solar PPA, vending ledger) were bound to the registry (once).
    event AssetMeteringBound(address indexed ppa, address indexed vending);
    /// @notice An asset moved to a new lifecycle stage.
    event AssetStatusChanged(uint256 indexed assetId, Status previous, Status status, address indexed by);
    /// @notice An asset's documents hash changed.
    event AssetMetadataChanged(uint256 indexed assetId, bytes32 previous, bytes32 metadataHash);
    /// @notice An asset's list of metering devices was replaced.
    event AssetDevicesChanged(uint256 indexed assetId, address[] devices);
    /// @notice A payment token was accepted for an asset's revenue.
    event AssetPaymentTokenAdded(uint256 indexed assetId, address indexed paymentToken);

    /// @notice A payment token was retired for an asset's revenue.
    event AssetPaymentTokenRetired(uint256 indexed assetId, address indexed paymentToken);
    /// @notice The grid operator organisation allowed to deposit an asset's revenue changed (0: none).
    event AssetGridOperatorChanged(uint256 indexed assetId, uint32 previousOrg, uint32 indexed orgId);

    /// @dev The organisation is not an active GRID_OPERATOR.
    error AssetInvalidGridOperator(uint256 assetId, uint32 orgId);
    /// @dev A succeeded sale's unreleased escrow is in this token: it cannot be retired.
    error AssetEscrowInToken(uint256 assetId, address paymentToken, uint256 escrowed);
    /// @dev No asset with this id.
    error AssetUnknown(uint256 assetId);
    /// @dev The caller is not an account of the asset's operating organisation.
    error AssetNotOperator(uint256 assetId, address account);
    /// @dev The lifecycle does not allow this move.
    error AssetInvalidStatusChange(uint256 assetId, Status status, Status requested);
    /// @dev The asset still has a live offering.
    error AssetOfferingLive(uint256 assetId, uint256 offeringId);
    /// @dev Buyers of a failed sale still hold shares; they must be refunded before the asset leaves Funding.
    error AssetRefundsPending(uint256 assetId, uint256 shares);
    /// @dev Too many metering devices, or a zero/duplicate device address.
    error AssetInvalidDevices(uint256 assetId, uint256 count);
    /// @dev The caller is not the bound offering contract.
    error AssetNotOffering(address caller);
    /// @dev The system is already bound, or not bound yet, or the caller is not the deployer.
    error AssetSystemNotReady(address caller);
    /// @dev A system address is zero or does not point back to this registry.
    error AssetInvalidSystem(address offering, address market);

    /// @notice Bind the offering and market contracts and the share tokens' beacon (deployer only, once, before the
    /// first registration).
    /// @param offering The offering contract.
    /// @param market The market contract.
    /// @param shareTokenBeacon The beacon (owned by the consortium) every asset's share token proxy follows.
    function initialise(address offering, address market, address shareTokenBeacon) external;

    /// @notice Bind the metered revenue contracts (deployer only, once, after `initialise`): their deposits of
    /// metered revenue into share tokens are accepted.
    /// @param ppa The solar PPA contract.
    /// @param vending The vending ledger contract.
    function bindMetering(address ppa, address vending) external;

    /// @notice Register an asset for the caller's ASSET_OPERATOR organisation and deploy its share token.
    /// @param registration Kind, documents hash, token name/symbol/cap, payment tokens and metering devices.
    /// @return assetId The new asset id.
    function register(Registration calldata registration) external returns (uint256 assetId);

    /// @notice Move an asset along its lifecycle (operator): Funding → Construction,
    /// Construction → Operating; Operating or Construction → Decommissioned. Leaving Funding needs no live offering
    /// and no unrefunded shares of a failed sale.
    /// @param assetId The asset.
    /// @param status The new stage.
    function setStatus(uint256 assetId, Status status) external;

    /// @notice The offering contract reports a successful sale: the asset moves to Construction.
    /// @param assetId The asset.
    function fundingSucceeded(uint256 assetId) external;

    /// @notice Replace the asset's documents hash (operator).
    /// @param assetId The asset.
    /// @param metadataHash The new hash.
    function setMetadata(uint256 assetId, bytes32 metadataHash) external;

    /// @notice Replace the asset's metering devices (operator), up to MAX_DEVICES distinct non-zero addresses.
    /// @param assetId The asset.
    /// @param devices The device addresses.
    function setDevices(uint256 assetId, address[] calldata devices) external;

    /// @notice Accept one more payment token for the asset's revenue (operator), up to MAX_PAYMENT_TOKENS.
    /// @param assetId The asset.
    /// @param paymentToken The ERC-20 token.
    function addPaymentToken(uint256 assetId, address paymentToken) external;

    /// @notice Retire a payment token (operator): allowed when the share token holds none of it and no succeeded
    /// sale's escrow is in it; at least one token stays accepted.
    /// @param assetId The asset.
    /// @param paymentToken The ERC-20.
    function retirePaymentToken(uint256 assetId, address paymentToken) external;

    /// @notice Name the GRID_OPERATOR organisation allowed to deposit the asset's revenue (operator; 0: none).
    /// @param assetId The asset.
    /// @param orgId The organisation.
    function setGridOperator(uint256 assetId, uint32 orgId) external;

    /// @notice An asset's record.
    /// @param assetId The asset.
    /// @return The asset (reverts for an unknown id).
    function asset(uint256 assetId) external view returns (Asset memory);

    /// @notice The devices that meter an asset.
    /// @param assetId The asset.
    /// @return The device addresses.
    function devicesOf(uint256 assetId) external view returns (address[] memory);

    /// @notice True when `account` is a bound metered revenue contract (PPA or vending ledger).
    /// @param account The account.
    /// @return True if so.
    function isMeteredDepositor(address account) external view returns (bool);

    /// @notice The asset whose share token this is, or 0.
    /// @param shareToken A token address.
    /// @return The asset id.
    function assetOfToken(address shareToken) external view returns (uint256);

    /// @notice How many assets exist (ids run from 1 to this number).
    /// @return The count.
    function assetCount() external view returns (uint256);

    /// @notice The bound offering contract.
    /// @return The address (zero before `initialise`).
    function offering() external view returns (address);

    /// @notice The beacon every asset's share token follows (one consortium vote upgrades them all).
    /// @return The address (zero before `initialise`).
    function shareTokenBeacon() external view returns (address);

    /// @notice The bound market contract.
    /// @return The address (zero before `initialise`).
    function market() external view returns (address);
}
