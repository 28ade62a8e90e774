// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardUpgradeable.sol";
import {ConsortiumGated} from "../consortium/ConsortiumGated.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {IAssetRegistry} from "../interfaces/IAssetRegistry.sol";
import {IAssetShareToken} from "../interfaces/IAssetShareToken.sol";
import {IAssetMarket} from "../interfaces/IAssetMarket.sol";
import {Roles} from "../libraries/Roles.sol";

/**
 * @title AssetMarket
 * @notice Delivery-versus-payment secondary market for asset shares (see IAssetMarket). The market never holds
 * shares: listings lock them in the seller's balance and a fill moves them seller → buyer as the buyer pays.
 */
contract AssetMarket is ConsortiumGated, ReentrancyGuardUpgradeable, IAssetMarket {
    using SafeERC20 for IERC20;

    /// @notice Highest operator fee: 5 %.
    uint16 public constant MAX_FEE_BPS = 500;
    /// @notice A fee increase takes effect this long after it is announced (decreases at once), so a seller never
    /// lists under a fee raised in the same block; every listing keeps the fee in force when it was made.
    uint64 public constant FEE_NOTICE = 7 days;

    /// @dev Fee of an asset, the organisation it accrues to, and an announced increase.
    struct Fee {
        uint16 bps;
        uint32 orgId;
        uint16 nextBps;
        uint64 nextAt;
    }

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IAssetRegistry private immutable _registry;

    /// @custom:storage-location erc7201:citychain.storage.AssetMarket
    struct AssetMarketStorage {
        uint256 listingCount;
        mapping(uint256 listingId => Listing) listings;
        mapping(uint256 assetId => Fee) feeOf;
        mapping(uint32 orgId => mapping(address paymentToken => uint256)) fees;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.AssetMarket")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ASSET_MARKET_STORAGE = 0xf10af7d2eab2bf1f43efdac6f4d61b1cdc4c320ebede75e9d33d93de9ddaff00;

    /// @param consortium_ The consortium.
    /// @param registry_ The asset registry.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_, IAssetRegistry registry_) ConsortiumGated(consortium_) {
        _registry = registry_;
    }

    /// @notice Sets up the reentrancy guard; runs once, in the proxy's constructor.
    function initialize() external initializer {
        __ReentrancyGuard_init();
    }

    /// @notice The asset registry.
    /// @return The registry.
    function registry() external view returns (IAssetRegistry) {
        return _registry;
    }

    /// @inheritdoc IAssetMarket
    function list(
        uint256 assetId,
        uint256 amount,
        address paymentToken,
        uint128 price,
        uint64 expiry
    ) external whenNotPaused returns (uint256 listingId) {
        AssetMarketStorage storage $ = _assetMarketStorage();
        _requireRole(Roles.INVESTOR);
        IAssetRegistry.Asset memory a = _registry.asset(assetId);
        if (amount == 0 || amount > type(uint96).max) revert MarketInvalidListing("amount");
        if (price == 0) revert MarketInvalidListing("price");
        IAssetShareToken token = IAssetShareToken(a.shareToken);
        // Only a token the asset accepts: no listing is priced in an arbitrary contract.
        if (!token.acceptsPaymentToken(paymentToken)) revert MarketInvalidListing("payment token");
        if (expiry <= block.timestamp) revert MarketInvalidListing("expiry");
        (uint16 bps, uint32 feeOrg) = _feeNow(assetId);
        // The seller's current lock epoch binds this listing to the lock it takes below (a uint32 in the token).
        uint256 epoch = token.listingEpochOf(msg.sender);
        listingId = ++$.listingCount;
        // amount <= uint96 max, checked above.
        $.listings[listingId] = Listing(
            msg.sender,
            expiry,
            a.shareToken,
            uint96(amount),
            paymentToken,
            bps,
            feeOrg,
            uint32(epoch),
            price,
            assetId
        );
        emit Listed(listingId, msg.sender, assetId, amount, paymentToken, price, expiry);
        token.lockListing(msg.sender, amount);
    }

    /// @inheritdoc IAssetMarket
    function buy(
        uint256 listingId,
        uint256 amount,
        uint256 maxPrice,
        uint256 txDeadline
    ) external whenNotPaused nonReentrant {
        AssetMarketStorage storage $ = _assetMarketStorage();
        if (block.timestamp > txDeadline) revert MarketTxExpired(txDeadline, block.timestamp);
        Listing storage entry = $.listings[listingId];
        uint256 remaining = entry.remaining;
        if (remaining == 0) revert MarketUnknownListing(listingId);
        address seller = entry.seller;
        if (block.timestamp > entry.expiry) revert MarketListingExpired(listingId, entry.expiry);
        uint256 price = entry.price;
        if (price > maxPrice) revert MarketPriceAbove(listingId, price, maxPrice);
        if (amount == 0 || amount > remaining) revert MarketInsufficientRemaining(listingId, remaining, amount);
        if (msg.sender == seller) revert MarketSelfTrade(listingId);
        _requireRole(Roles.INVESTOR);
        if (!_hasRole(Roles.INVESTOR, seller)) revert MarketSellerNotEligible(listingId, seller);
        // amount <= remaining, checked above.
        entry.remaining = uint96(remaining - amount);
        uint256 paid = amount * price;
        // Rounded up, so no fill (however small) escapes the fee: ceil(paid * bps / 10,000).
        uint256 fee = (paid * entry.feeBps + 9_999) / 10_000;
        address paymentToken = entry.paymentToken;
        if (fee != 0) $.fees[entry.operatorOrg][paymentToken] += fee;
        emit ListingFilled(listingId, msg.sender, seller, amount, paid, fee);
        IAssetShareToken(entry.shareToken).fillListing(seller, msg.sender, amount, entry.lockEpoch);
        IERC20(paymentToken).safeTransferFrom(msg.sender, seller, paid - fee);
        if (fee != 0) IERC20(paymentToken).safeTransferFrom(msg.sender, address(this), fee);
    }

    /// @inheritdoc IAssetMarket
    function cancel(uint256 listingId) external {
        AssetMarketStorage storage $ = _assetMarketStorage();
        Listing storage entry = $.listings[listingId];
        uint256 remaining = entry.remaining;
        if (remaining == 0) revert MarketUnknownListing(listingId);
        if (msg.sender != entry.seller && block.timestamp <= entry.expiry)
            revert MarketNotSeller(listingId, msg.sender);
        entry.remaining = 0;
        emit ListingCancelled(listingId, remaining, msg.sender);
        IAssetShareToken(entry.shareToken).unlockListing(entry.seller, remaining, entry.lockEpoch);
    }

    /// @inheritdoc IAssetMarket
    function setFee(uint256 assetId, uint16 bps) external whenNotPaused {
        AssetMarketStorage storage $ = _assetMarketStorage();
        IAssetRegistry.Asset memory a = _registry.asset(assetId);
        if (_roleOrg(Roles.ASSET_OPERATOR, msg.sender) != a.operatorOrg) {
            revert IAssetRegistry.AssetNotOperator(assetId, msg.sender);
        }
        if (bps > MAX_FEE_BPS) revert MarketFeeTooHigh(bps);
        (uint16 previous, ) = _feeNow(assetId);
        // While the asset is funding no share can be listed yet, so the fee applies at once; afterwards only a
        // decrease does.
        if (bps <= previous || a.status == IAssetRegistry.Status.Funding) {
            $.feeOf[assetId] = Fee(bps, a.operatorOrg, 0, 0);
            emit MarketFeeChanged(assetId, previous, bps, uint64(block.timestamp));
        } else {
            uint64 at = uint64(block.timestamp) + FEE_NOTICE;
            $.feeOf[assetId] = Fee(previous, a.operatorOrg, bps, at);
            emit MarketFeeChanged(assetId, previous, bps, at);
        }
    }

    /// @inheritdoc IAssetMarket
    function reassignFees(uint32 fromOrg, address paymentToken, uint32 toOrg) external whenNotPaused {
        AssetMarketStorage storage $ = _assetMarketStorage();
        if (!_hasRole(Roles.REGULATOR, msg.sender)) revert MarketNotRegulator(msg.sender);
        IConsortium c = consortium();
        IConsortium.Member memory m = c.member(fromOrg);
        // Only a recipient that can no longer withdraw: removed, or without ASSET_OPERATOR.
        if (m.status != IConsortium.Status.Removed && (m.roles & Roles.mask(Roles.ASSET_OPERATOR)) != 0) {
            revert MarketFeeRecipientInPlace(fromOrg);
        }
        if (toOrg == fromOrg || !c.memberHasRole(toOrg, Roles.ASSET_OPERATOR)) revert MarketInvalidFeeRecipient(toOrg);
        uint256 amount = $.fees[fromOrg][paymentToken];
        if (amount == 0) revert MarketNoFees(fromOrg, paymentToken);
        $.fees[fromOrg][paymentToken] = 0;
        $.fees[toOrg][paymentToken] += amount;
        emit MarketFeesReassigned(fromOrg, toOrg, paymentToken, amount, msg.sender);
    }

    /// @inheritdoc IAssetMarket
    function withdrawFees(address paymentToken) external nonReentrant returns (uint256 amount) {
        AssetMarketStorage storage $ = _assetMarketStorage();
        uint32 orgId = _requireRole(Roles.ASSET_OPERATOR);
        amount = $.fees[orgId][paymentToken];
        if (amount == 0) revert MarketNoFees(orgId, paymentToken);
        $.fees[orgId][paymentToken] = 0;
        emit MarketFeesWithdrawn(orgId, paymentToken, msg.sender, amount);
        IERC20(paymentToken).safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IAssetMarket
    function listing(uint256 listingId) external view returns (Listing memory) {
        AssetMarketStorage storage $ = _assetMarketStorage();
        Listing memory entry = $.listings[listingId];
        if (entry.seller == address(0)) revert MarketUnknownListing(listingId);
        return entry;
    }

    /// @inheritdoc IAssetMarket
    function listingCount() external view returns (uint256) {
        AssetMarketStorage storage $ = _assetMarketStorage();
        return $.listingCount;
    }

    /// @inheritdoc IAssetMarket
    function feeBps(uint256 assetId) external view returns (uint16) {
        (uint16 bps, ) = _feeNow(assetId);
        return bps;
    }

    /// @inheritdoc IAssetMarket
    function pendingFee(uint256 assetId) external view returns (uint16 bps, uint64 effectiveAt) {
        AssetMarketStorage storage $ = _assetMarketStorage();
        Fee memory fee = $.feeOf[assetId];
        if (fee.nextAt == 0 || block.timestamp >= fee.nextAt) return (0, 0);
        return (fee.nextBps, fee.nextAt);
    }

    /// @dev The fee in force now (an announced increase once its notice has passed) and its organisation.
    function _feeNow(uint256 assetId) private view returns (uint16 bps, uint32 orgId) {
        AssetMarketStorage storage $ = _assetMarketStorage();
        Fee memory fee = $.feeOf[assetId];
        bps = fee.nextAt != 0 && block.timestamp >= fee.nextAt ? fee.nextBps : fee.bps;
        return (bps, fee.orgId);
    }

    /// @inheritdoc IAssetMarket
    function feesOf(uint32 orgId, address paymentToken) external view returns (uint256) {
        AssetMarketStorage storage $ = _assetMarketStorage();
        return $.fees[orgId][paymentToken];
    }

    function _assetMarketStorage() private pure returns (AssetMarketStorage storage $) {
        assembly ("memory-safe") {
            $.slot := ASSET_MARKET_STORAGE
        }
    }
}
