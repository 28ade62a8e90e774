// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ConsortiumGated} from "../consortium/ConsortiumGated.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {IAssetRegistry} from "../interfaces/IAssetRegistry.sol";
import {IAssetShareToken} from "../interfaces/IAssetShareToken.sol";
import {IAssetOffering} from "../interfaces/IAssetOffering.sol";
import {Roles} from "../libraries/Roles.sol";
import {BeaconProxy} from "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol";
import {AssetShareToken} from "./AssetShareToken.sol";

/**
 * @title AssetRegistry
 * @notice Registers assets, deploys one share token per asset and drives the lifecycle (see IAssetRegistry).
 * Ownership is by organisation id: any account of the operating organisation acts, and suspending the
 * organisation cuts all of them.
 */
contract AssetRegistry is ConsortiumGated, IAssetRegistry {
    /// @notice Most metering devices per asset.
    uint256 public constant MAX_DEVICES = 32;

    /// @custom:storage-location erc7201:citychain.storage.AssetRegistry
    struct RegistryStorage {
        address deployer;
        address offering;
        address market;
        address ppa;
        address vending;
        uint256 assetCount;
        mapping(uint256 assetId => Asset) assets;
        mapping(uint256 assetId => address[]) devices;
        mapping(address shareToken => uint256) assetOfToken;
        address shareTokenBeacon;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.AssetRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant REGISTRY_STORAGE = 0x807353bff6011aaf9dfbecf78ee68ca2ef5e05c7aaafb11db103a34bfc359200;

    /// @param consortium_ The consortium.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) ConsortiumGated(consortium_) {}

    /// @notice Records who deployed the proxy: only that account binds the system (`initialise`, `bindMetering`).
    /// @dev Runs in the proxy's constructor, so `msg.sender` is the deployer and nobody can run it in between.
    function initialize() external initializer {
        _registryStorage().deployer = msg.sender;
    }

    /// @inheritdoc IAssetRegistry
    function initialise(address offering_, address market_, address shareTokenBeacon_) external whenNotPaused {
        RegistryStorage storage $ = _registryStorage();
        if (msg.sender != $.deployer || $.offering != address(0)) revert AssetSystemNotReady(msg.sender);
        if (offering_ == address(0) || market_ == address(0) || offering_ == market_) {
            revert AssetInvalidSystem(offering_, market_);
        }
        if (shareTokenBeacon_.code.length == 0) revert AssetInvalidSystem(offering_, shareTokenBeacon_);
        $.offering = offering_;
        $.market = market_;
        $.shareTokenBeacon = shareTokenBeacon_;
        emit AssetSystemInitialised(offering_, market_);
    }

    /// @inheritdoc IAssetRegistry
    function bindMetering(address ppa_, address vending_) external whenNotPaused {
        RegistryStorage storage $ = _registryStorage();
        if (msg.sender != $.deployer || $.offering == address(0) || $.ppa != address(0)) {
            revert AssetSystemNotReady(msg.sender);
        }
        if (ppa_ == address(0) || vending_ == address(0) || ppa_ == vending_) revert AssetInvalidSystem(ppa_, vending_);
        $.ppa = ppa_;
        $.vending = vending_;
        emit AssetMeteringBound(ppa_, vending_);
    }

    /// @inheritdoc IAssetRegistry
    function register(Registration calldata r) external whenNotPaused returns (uint256 assetId) {
        RegistryStorage storage $ = _registryStorage();
        uint32 orgId = _requireRole(Roles.ASSET_OPERATOR);
        if ($.offering == address(0)) revert AssetSystemNotReady(msg.sender);
        assetId = ++$.assetCount;
        _checkDevices(assetId, r.devices);
        _checkGridOperator(assetId, r.gridOperatorOrg);
        // Each asset's token is a beacon proxy: one consortium vote upgrading the beacon upgrades every asset's token.
        address token = address(
            new BeaconProxy(
                $.shareTokenBeacon,
                abi.encodeCall(
                    AssetShareToken.initialize,
                    (AssetShareToken.Init(assetId, orgId, r.name, r.symbol, r.cap, r.paymentTokens, r.gridOperatorOrg))
                )
            )
        );
        $.assets[assetId] = Asset(r.kind, Status.Funding, orgId, uint64(block.timestamp), token, r.metadataHash);
        $.assetOfToken[token] = assetId;
        $.devices[assetId] = r.devices;
        emit AssetRegistered(assetId, r.kind, orgId, token, r.metadataHash, r.cap);
        emit AssetDevicesChanged(assetId, r.devices);
        if (r.gridOperatorOrg != 0) emit AssetGridOperatorChanged(assetId, 0, r.gridOperatorOrg);
    }

    /// @inheritdoc IAssetRegistry
    function setStatus(uint256 assetId, Status status) external whenNotPaused {
        RegistryStorage storage $ = _registryStorage();
        Asset storage a = _operated(assetId);
        Status current = a.status;
        bool allowed = (current == Status.Funding && status == Status.Construction) ||
            (current == Status.Construction && status == Status.Operating) ||
            ((current == Status.Construction || current == Status.Operating) && status == Status.Decommissioned);
        if (!allowed) revert AssetInvalidStatusChange(assetId, current, status);
        if (current == Status.Funding) {
            IAssetOffering sales = IAssetOffering($.offering);
            uint256 live = sales.liveOffering(assetId);
            if (live != 0) revert AssetOfferingLive(assetId, live);
            uint256 pending = sales.unrefundedShares(assetId);
            if (pending != 0) revert AssetRefundsPending(assetId, pending);
            IAssetShareToken(a.shareToken).closeFunding();
        }
        a.status = status;
        emit AssetStatusChanged(assetId, current, status, msg.sender);
    }

    /// @inheritdoc IAssetRegistry
    function fundingSucceeded(uint256 assetId) external {
        RegistryStorage storage $ = _registryStorage();
        if (msg.sender != $.offering) revert AssetNotOffering(msg.sender);
        Asset storage a = $.assets[assetId];
        // The offering only opens for assets in Funding and only one at a time, so the status is Funding here.
        a.status = Status.Construction;
        IAssetShareToken(a.shareToken).closeFunding();
        emit AssetStatusChanged(assetId, Status.Funding, Status.Construction, msg.sender);
    }

    /// @inheritdoc IAssetRegistry
    function setMetadata(uint256 assetId, bytes32 metadataHash) external whenNotPaused {
        Asset storage a = _operated(assetId);
        bytes32 previous = a.metadataHash;
        a.metadataHash = metadataHash;
        emit AssetMetadataChanged(assetId, previous, metadataHash);
    }

    /// @inheritdoc IAssetRegistry
    function setDevices(uint256 assetId, address[] calldata devices) external whenNotPaused {
        RegistryStorage storage $ = _registryStorage();
        _operated(assetId);
        _checkDevices(assetId, devices);
        $.devices[assetId] = devices;
        emit AssetDevicesChanged(assetId, devices);
    }

    /// @inheritdoc IAssetRegistry
    function addPaymentToken(uint256 assetId, address paymentToken) external whenNotPaused {
        Asset storage a = _operated(assetId);
        IAssetShareToken(a.shareToken).addPaymentToken(paymentToken);
        emit AssetPaymentTokenAdded(assetId, paymentToken);
    }

    /// @inheritdoc IAssetRegistry
    function retirePaymentToken(uint256 assetId, address paymentToken) external whenNotPaused {
        RegistryStorage storage $ = _registryStorage();
        Asset storage a = _operated(assetId);
        (address escrowToken, uint256 escrowed) = IAssetOffering($.offering).unreleasedEscrow(assetId);
        // A succeeded sale's escrow may still become the holders' revenue in this token (its timeout path).
        if (escrowed != 0 && escrowToken == paymentToken) revert AssetEscrowInToken(assetId, paymentToken, escrowed);
        IAssetShareToken(a.shareToken).retirePaymentToken(paymentToken);
        emit AssetPaymentTokenRetired(assetId, paymentToken);
    }

    /// @inheritdoc IAssetRegistry
    function setGridOperator(uint256 assetId, uint32 orgId) external whenNotPaused {
        Asset storage a = _operated(assetId);
        _checkGridOperator(assetId, orgId);
        IAssetShareToken token = IAssetShareToken(a.shareToken);
        uint32 previous = token.gridOperatorOrg();
        token.setGridOperator(orgId);
        emit AssetGridOperatorChanged(assetId, previous, orgId);
    }

    /// @inheritdoc IAssetRegistry
    function asset(uint256 assetId) external view returns (Asset memory) {
        return _known(assetId);
    }

    /// @inheritdoc IAssetRegistry
    function devicesOf(uint256 assetId) external view returns (address[] memory) {
        RegistryStorage storage $ = _registryStorage();
        _known(assetId);
        return $.devices[assetId];
    }

    /// @inheritdoc IAssetRegistry
    function isMeteredDepositor(address account) external view returns (bool) {
        RegistryStorage storage $ = _registryStorage();
        return account != address(0) && (account == $.ppa || account == $.vending);
    }

    /// @inheritdoc IAssetRegistry
    function assetOfToken(address shareToken) external view returns (uint256) {
        RegistryStorage storage $ = _registryStorage();
        return $.assetOfToken[shareToken];
    }

    /// @inheritdoc IAssetRegistry
    function assetCount() external view returns (uint256) {
        RegistryStorage storage $ = _registryStorage();
        return $.assetCount;
    }

    /// @inheritdoc IAssetRegistry
    function offering() external view returns (address) {
        RegistryStorage storage $ = _registryStorage();
        return $.offering;
    }

    /// @inheritdoc IAssetRegistry
    function shareTokenBeacon() external view returns (address) {
        return _registryStorage().shareTokenBeacon;
    }

    /// @inheritdoc IAssetRegistry
    function market() external view returns (address) {
        RegistryStorage storage $ = _registryStorage();
        return $.market;
    }

    function _known(uint256 assetId) private view returns (Asset storage a) {
        RegistryStorage storage $ = _registryStorage();
        a = $.assets[assetId];
        if (a.status == Status.None) revert AssetUnknown(assetId);
    }

    function _operated(uint256 assetId) private view returns (Asset storage a) {
        a = _known(assetId);
        if (_roleOrg(Roles.ASSET_OPERATOR, msg.sender) != a.operatorOrg) revert AssetNotOperator(assetId, msg.sender);
    }

    /// @dev 0 (nobody) or an active organisation holding GRID_OPERATOR.
    function _checkGridOperator(uint256 assetId, uint32 orgId) private view {
        if (orgId != 0 && !consortium().memberHasRole(orgId, Roles.GRID_OPERATOR)) {
            revert AssetInvalidGridOperator(assetId, orgId);
        }
    }

    /// @dev Bounded (MAX_DEVICES) check for zero and duplicate device addresses.
    function _checkDevices(uint256 assetId, address[] calldata devices) private pure {
        uint256 n = devices.length;
        if (n > MAX_DEVICES) revert AssetInvalidDevices(assetId, n);
        for (uint256 i = 0; i < n; ++i) {
            if (devices[i] == address(0)) revert AssetInvalidDevices(assetId, n);
            for (uint256 j = 0; j < i; ++j) if (devices[i] == devices[j]) revert AssetInvalidDevices(assetId, n);
        }
    }

    function _registryStorage() private pure returns (RegistryStorage storage $) {
        assembly ("memory-safe") {
            $.slot := REGISTRY_STORAGE
        }
    }
}
