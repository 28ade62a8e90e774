// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title IAssetMarket
 * @notice Secondary market for asset shares. A KYC'd investor lists shares at a price per share in a payment
 * token; the shares stay in the seller's balance, locked, so revenue deposited while listed still belongs to the
 * seller. A KYC'd buyer pays and receives the shares in one transaction (delivery versus payment); partial fills
 * are allowed. Listings are priced in a payment token the asset accepts. The asset's operator may set a fee
 * (basis points of the price, at most MAX_FEE_BPS, rounded up per fill) that is deducted from the seller's proceeds
 * and withdrawn by the operator organisation; an increase after funding takes effect only after FEE_NOTICE, and a listing keeps
 * the fee in force when it was made. Each listing is bound to its own lock (the seller's lock epoch): once an agent
 * moves the seller's listed shares, the listing lapses and can never be filled nor release another listing's lock.
 */
interface IAssetMarket {
    /// @notice A listing as stored.
    struct Listing {
        address seller;
        uint64 expiry;
        address shareToken;
        uint96 remaining;
        address paymentToken;
        uint16 feeBps;
        uint32 operatorOrg;
        uint32 lockEpoch;
        uint128 price;
        uint256 assetId;
    }

    /// @notice Shares were listed.
    event Listed(
        uint256 indexed listingId,
        address indexed seller,
        uint256 indexed assetId,
        uint256 amount,
        address paymentToken,
        uint256 price,
        uint64 expiry
    );
    /// @notice A buyer paid for and received listed shares.
    event ListingFilled(
        uint256 indexed listingId,
        address indexed buyer,
        address indexed seller,
        uint256 amount,
        uint256 paid,
        uint256 fee
    );
    /// @notice A listing was cancelled; its remaining shares are unlocked.
    event ListingCancelled(uint256 indexed listingId, uint256 remaining, address indexed by);
    /// @notice The operator fee of an asset was set: in force from `effectiveAt` (now for a decrease, after
    /// FEE_NOTICE for an increase).
    event MarketFeeChanged(uint256 indexed assetId, uint16 previousBps, uint16 bps, uint64 effectiveAt);
    /// @notice A regulator moved the fees of an organisation that can no longer withdraw them to another operator.
    event MarketFeesReassigned(
        uint32 indexed fromOrg,
        uint32 indexed toOrg,
        address indexed paymentToken,
        uint256 amount,
        address regulator
    );
    /// @notice An operator organisation withdrew accrued fees.
    event MarketFeesWithdrawn(uint32 indexed orgId, address indexed paymentToken, address indexed to, uint256 amount);

    /// @dev No listing with this id, or it is fully filled or cancelled.
    error MarketUnknownListing(uint256 listingId);
    /// @dev The listing expired.
    error MarketListingExpired(uint256 listingId, uint64 expiry);
    /// @dev The listing parameters are invalid (amount, price, expiry, token).
    error MarketInvalidListing(string reason);
    /// @dev The caller may not cancel this listing.
    error MarketNotSeller(uint256 listingId, address account);
    /// @dev More shares asked than remain.
    error MarketInsufficientRemaining(uint256 listingId, uint256 remaining, uint256 amount);
    /// @dev The price is above the buyer's maximum.
    error MarketPriceAbove(uint256 listingId, uint256 price, uint256 maxPrice);
    /// @dev The buyer's transaction deadline passed.
    error MarketTxExpired(uint256 txDeadline, uint256 now_);
    /// @dev The seller is no longer an active INVESTOR.
    error MarketSellerNotEligible(uint256 listingId, address seller);
    /// @dev Buyer and seller are the same account.
    error MarketSelfTrade(uint256 listingId);
    /// @dev The fee is above MAX_FEE_BPS.
    error MarketFeeTooHigh(uint16 bps);
    /// @dev No fees to withdraw.
    error MarketNoFees(uint32 orgId, address paymentToken);
    /// @dev Only a REGULATOR may do this.
    error MarketNotRegulator(address account);
    /// @dev The fee recipient still holds ASSET_OPERATOR and was not removed: its fees stay with it.
    error MarketFeeRecipientInPlace(uint32 orgId);
    /// @dev The new fee recipient is the same organisation or not an active ASSET_OPERATOR.
    error MarketInvalidFeeRecipient(uint32 orgId);

    /// @notice List shares of an asset (KYC'd investors); they are locked in the seller's balance.
    /// @param assetId The asset.
    /// @param amount Shares.
    /// @param paymentToken Token the seller wants.
    /// @param price Price per share.
    /// @param expiry Last timestamp the listing can be filled.
    /// @return listingId The new listing.
    function list(
        uint256 assetId,
        uint256 amount,
        address paymentToken,
        uint128 price,
        uint64 expiry
    ) external returns (uint256 listingId);

    /// @notice Buy listed shares (KYC'd investors): pay and receive in one transaction.
    /// @param listingId The listing.
    /// @param amount Shares to buy.
    /// @param maxPrice Highest price per share the buyer accepts.
    /// @param txDeadline Latest timestamp at which the buyer accepts execution.
    function buy(uint256 listingId, uint256 amount, uint256 maxPrice, uint256 txDeadline) external;

    /// @notice Cancel a listing and unlock its remaining shares (the seller; anyone once it expired).
    /// @param listingId The listing.
    function cancel(uint256 listingId) external;

    /// @notice Set the operator fee of an asset (its operator), at most MAX_FEE_BPS. A decrease, or any fee set
    /// while the asset is still funding, applies at once; an increase afterwards only after FEE_NOTICE. Listings
    /// keep the fee in force when they were made.
    /// @param assetId The asset.
    /// @param bps Basis points of the price.
    function setFee(uint256 assetId, uint16 bps) external;

    /// @notice Withdraw fees accrued to the caller's organisation in a payment token.
    /// @param paymentToken The token.
    /// @return amount The amount paid.
    function withdrawFees(address paymentToken) external returns (uint256 amount);

    /// @notice Move the fees of an organisation that was removed or lost ASSET_OPERATOR to an active ASSET_OPERATOR
    /// organisation (a REGULATOR), so no fee is left without an owner.
    /// @param fromOrg The organisation that can no longer withdraw.
    /// @param paymentToken The token.
    /// @param toOrg The new recipient.
    function reassignFees(uint32 fromOrg, address paymentToken, uint32 toOrg) external;
    /// @notice An announced fee increase not yet in force.
    /// @param assetId The asset.
    /// @return bps The announced fee (0 when none).
    /// @return effectiveAt When it takes effect (0 when none).
    function pendingFee(uint256 assetId) external view returns (uint16 bps, uint64 effectiveAt);
    /// @notice A listing.
    /// @param listingId The listing.
    /// @return The listing (remaining 0 when filled or cancelled).
    function listing(uint256 listingId) external view returns (Listing memory);

    /// @notice How many listings exist (ids run from 1 to this number).
    /// @return The count.
    function listingCount() external view returns (uint256);

    /// @notice The operator fee of an asset in force now.
    /// @param assetId The asset.
    /// @return Basis points.
    function feeBps(uint256 assetId) external view returns (uint16);

    /// @notice Fees accrued to an organisation in a payment token.
    /// @param orgId The organisation.
    /// @param paymentToken The token.
    /// @return The amount.
    function feesOf(uint32 orgId, address paymentToken) external view returns (uint256);
}
