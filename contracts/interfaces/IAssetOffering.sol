// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title IAssetOffering
 * @notice Primary sales of asset shares (the crowdfunding flow). The asset's operator (the project initiator)
 * opens a sale: price in a payment token, soft cap, hard cap, start, deadline, minimum and maximum per investor.
 * KYC'd investors buy; their payment stays in escrow here and their shares are minted locked in their own
 * balance. Success (soft cap met by the deadline, or hard cap hit) unlocks every share at once and pays the raise
 * to the initiator, or to a construction organisation in milestones approved by the initiator and a second party.
 * Failure lets every buyer take a full refund. Buyers pass a maximum price and a transaction deadline.
 */
interface IAssetOffering {
    /// @notice Stored state. `Open` offerings past their deadline wait for `finalise`.
    enum State {
        None,
        Open,
        Succeeded,
        Failed
    }

    /// @notice What the initiator asks for when opening a sale.
    struct Terms {
        uint256 assetId;
        address paymentToken;
        uint128 price;
        uint64 softCap;
        uint64 hardCap;
        uint64 start;
        uint64 deadline;
        uint64 minPerInvestor;
        uint64 maxPerInvestor;
        uint32 beneficiaryOrg;
        uint32 cosignerOrg;
        uint16[] milestoneBps;
    }

    /// @notice An offering as stored (caps and amounts in shares; money in payment token units).
    struct Offering {
        address shareToken;
        uint32 initiatorOrg;
        uint32 beneficiaryOrg;
        uint32 cosignerOrg;
        address paymentToken;
        uint64 start;
        State state;
        uint8 milestoneCount;
        uint128 price;
        uint64 deadline;
        uint64 sold;
        uint64 softCap;
        uint64 hardCap;
        uint64 minPerInvestor;
        uint64 maxPerInvestor;
        uint128 released;
        uint128 refunded;
        uint256 assetId;
    }

    /// @notice A construction milestone: a share of the raise released once both parties approve it.
    struct Milestone {
        uint16 bps;
        bool initiatorApproved;
        bool cosignerApproved;
        bool released;
    }

    /// @notice A sale was opened.
    event OfferingOpened(
        uint256 indexed offeringId,
        uint256 indexed assetId,
        uint32 indexed initiatorOrg,
        address paymentToken,
        uint256 price,
        uint256 softCap,
        uint256 hardCap,
        uint64 start,
        uint64 deadline
    );
    /// @notice The initiator changed the price before the start.
    event OfferingPriceChanged(uint256 indexed offeringId, uint256 previousPrice, uint256 price);
    /// @notice An investor bought shares; the payment is in escrow.
    event SharesPurchased(uint256 indexed offeringId, address indexed buyer, uint256 shares, uint256 paid);
    /// @notice The sale closed: succeeded or failed.
    event OfferingFinalised(uint256 indexed offeringId, bool succeeded, uint256 sold, uint256 raised);
    /// @notice A buyer of a failed (or cancelled) sale took their refund.
    event OfferingRefunded(uint256 indexed offeringId, address indexed buyer, uint256 shares, uint256 amount);
    /// @notice A party approved a milestone.
    event MilestoneApproved(uint256 indexed offeringId, uint256 index, uint32 indexed orgId, bool fullyApproved);
    /// @notice Raised funds were paid out to the beneficiary organisation.
    event OfferingFundsReleased(uint256 indexed offeringId, uint32 indexed orgId, address indexed to, uint256 amount);

    /// @dev No offering with this id.
    error OfferingUnknown(uint256 offeringId);
    /// @dev The terms are inconsistent (caps, times, limits, price, milestones, parties).
    error OfferingInvalidTerms(uint256 assetId, string reason);
    /// @dev The asset is not in Funding, or already has a live offering.
    error OfferingAssetNotFunding(uint256 assetId, uint256 liveOfferingId);
    /// @dev The caller is not an account of the asset's operating organisation (the initiator).
    error OfferingNotInitiator(uint256 offeringId, address account);
    /// @dev The offering is not in the state this call needs.
    error OfferingWrongState(uint256 offeringId, State state);
    /// @dev The sale has not started yet.
    error OfferingNotStarted(uint256 offeringId, uint64 start);
    /// @dev The sale already started (price changes and cancellation are only allowed before).
    error OfferingStarted(uint256 offeringId, uint64 start);
    /// @dev The sale is closed (deadline passed).
    error OfferingClosed(uint256 offeringId, uint64 deadline);
    /// @dev The sale is still running (deadline not reached and hard cap not hit).
    error OfferingStillRunning(uint256 offeringId, uint64 deadline);
    /// @dev The buyer's transaction deadline passed.
    error OfferingTxExpired(uint256 txDeadline, uint256 now_);
    /// @dev The price is above the buyer's maximum.
    error OfferingPriceAbove(uint256 offeringId, uint256 price, uint256 maxPrice);
    /// @dev The purchase would exceed the hard cap.
    error OfferingAboveHardCap(uint256 offeringId, uint256 remaining, uint256 shares);
    /// @dev The buyer's total would be outside the per-investor limits.
    error OfferingInvestorLimit(uint256 offeringId, uint256 total, uint256 minPerInvestor, uint256 maxPerInvestor);
    /// @dev The caller's organisation may not approve this milestone or withdraw these funds.
    error OfferingNotParty(uint256 offeringId, address account);
    /// @dev No milestone with this index, or it is already released.
    error OfferingInvalidMilestone(uint256 offeringId, uint256 index);
    /// @dev Nothing to withdraw now.
    error OfferingNothingToWithdraw(uint256 offeringId);

    /// @notice Open a sale for an asset in Funding (its operator).
    /// @param terms The terms.
    /// @return offeringId The new offering id.
    function open(Terms calldata terms) external returns (uint256 offeringId);

    /// @notice Change the price before the start (initiator). Buyers are protected by `maxPrice`.
    /// @param offeringId The offering.
    /// @param price The new price per share.
    function setPrice(uint256 offeringId, uint128 price) external;

    /// @notice Cancel a sale before its start (initiator); nobody has bought yet.
    /// @param offeringId The offering.
    function cancel(uint256 offeringId) external;

    /// @notice Buy shares (KYC'd investors) at the offering price, paid with `transferFrom`.
    /// @param offeringId The offering.
    /// @param shares Number of shares.
    /// @param maxPrice Highest price per share the buyer accepts.
    /// @param txDeadline Latest timestamp at which the buyer accepts execution.
    function buy(uint256 offeringId, uint256 shares, uint256 maxPrice, uint256 txDeadline) external;

    /// @notice Close a sale after its deadline or once the hard cap is hit (anyone).
    /// @param offeringId The offering.
    /// @return succeeded True if the soft cap was met.
    function finalise(uint256 offeringId) external returns (bool succeeded);

    /// @notice Take the full refund of the caller's shares in a failed sale; the shares are burned.
    /// @param offeringId The offering.
    /// @return amount The amount refunded.
    function refund(uint256 offeringId) external returns (uint256 amount);

    /// @notice Approve a construction milestone (an account of the initiator or of the co-signing party).
    /// @param offeringId The offering.
    /// @param index The milestone.
    function approveMilestone(uint256 offeringId, uint256 index) external;

    /// @notice Withdraw the releasable raise to the caller, an account of the beneficiary organisation
    /// (the construction organisation, or the initiator when there is none).
    /// @param offeringId The offering.
    /// @return amount The amount paid.
    function withdraw(uint256 offeringId) external returns (uint256 amount);

    /// @notice An offering's record.
    /// @param offeringId The offering.
    /// @return The offering.
    function offering(uint256 offeringId) external view returns (Offering memory);

    /// @notice An offering's milestones.
    /// @param offeringId The offering.
    /// @return The milestones.
    function milestones(uint256 offeringId) external view returns (Milestone[] memory);

    /// @notice The amount the beneficiary could withdraw now.
    /// @param offeringId The offering.
    /// @return The amount.
    function releasable(uint256 offeringId) external view returns (uint256);

    /// @notice The open offering of an asset, or 0.
    /// @param assetId The asset.
    /// @return The offering id.
    function liveOffering(uint256 assetId) external view returns (uint256);

    /// @notice How many offerings exist (ids run from 1 to this number).
    /// @return The count.
    function offeringCount() external view returns (uint256);
}
