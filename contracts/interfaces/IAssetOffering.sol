// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title IAssetOffering
 * @notice Primary sales of asset shares (the crowdfunding flow). The asset's operator (the project initiator)
 * opens a sale: price in a payment token, soft cap, hard cap, start, deadline, minimum and maximum per investor.
 * KYC'd investors buy; their payment stays in escrow here and their shares are minted locked in their own
 * balance. Success (soft cap met by the deadline, or hard cap hit) unlocks every share at once and pays the raise
 * to the initiator, or to a construction organisation in milestones approved by the initiator and a second party.
 * Failure lets every buyer take a full refund, a pull payment: anyone may book it for a buyer (`refundFor`: the
 * shares are burned, the money is owed to the buyer), the buyer pulls it (`refund`). Until every buyer of a failed
 * sale is booked the asset cannot open a new sale or leave Funding. A frozen wallet is neither booked nor paid:
 * its refund waits for the regulator's recovery. A succeeded raise can always reach someone entitled: a REGULATOR
 * replaces a removed beneficiary, co-signer or initiator, and after ESCROW_TIMEOUT anyone turns the unreleased
 * escrow into revenue for the holders. Buyers pass a maximum price and a transaction deadline.
 */
interface IAssetOffering {
    /// @notice Stored state. `Open` offerings past their deadline wait for `finalise`.
    enum State {
        None,
        Open,
        Succeeded,
        Failed
    }

    /// @notice The parties of a succeeded sale that a REGULATOR may replace once they are gone.
    enum Party {
        Initiator,
        Beneficiary,
        Cosigner
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
        uint64 finalisedAt;
        uint256 assetId;
    }

    /// @notice A construction milestone: a share of the raise released once both parties approve it.
    struct Milestone {
        uint16 bps;
        bool initiatorApproved;
        bool cosignerApproved;
        bool released;
    }

    /// @notice A sale was opened with all its terms: price, caps, times, investor limits, beneficiary (resolved:
    /// the initiator when there are no milestones), co-signer and milestones.
    event OfferingOpened(
        uint256 indexed offeringId,
        uint256 indexed assetId,
        uint32 indexed initiatorOrg,
        uint32 beneficiaryOrg,
        Terms terms
    );
    /// @notice The initiator changed the price before the start.
    event OfferingPriceChanged(uint256 indexed offeringId, uint256 previousPrice, uint256 price);
    /// @notice An investor bought shares; the payment is in escrow.
    event SharesPurchased(uint256 indexed offeringId, address indexed buyer, uint256 shares, uint256 paid);
    /// @notice The sale closed: succeeded or failed.
    event OfferingFinalised(uint256 indexed offeringId, bool succeeded, uint256 sold, uint256 raised);
    /// @notice A buyer's shares of a failed sale were burned and their refund booked for them to pull.
    event OfferingRefundBooked(uint256 indexed offeringId, address indexed buyer, uint256 shares, uint256 amount);
    /// @notice A buyer of a failed sale pulled their refund.
    event OfferingRefunded(uint256 indexed offeringId, address indexed buyer, uint256 amount);
    /// @notice A regulator carried a frozen or lost wallet's booked refund to the investor's new wallet.
    event OfferingRefundRecovered(
        uint256 indexed offeringId,
        address indexed lostWallet,
        address indexed newWallet,
        uint256 amount,
        address regulator
    );
    /// @notice A regulator replaced a party that is gone (removed, or an initiator without its role).
    event OfferingPartyReplaced(
        uint256 indexed offeringId,
        Party party,
        uint32 indexed previousOrg,
        uint32 indexed orgId,
        address regulator
    );
    /// @notice The timeout passed: the unreleased escrow became revenue for the asset's holders.
    event OfferingEscrowSwept(uint256 indexed offeringId, uint256 amount);
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
    /// @dev Buyers of a failed sale of this asset still hold shares: refund them (`refundFor`) first.
    error OfferingRefundsPending(uint256 assetId, uint256 shares);
    /// @dev Nothing to withdraw now.
    error OfferingNothingToWithdraw(uint256 offeringId);
    /// @dev The wallet is frozen: its refund waits for the regulator's recovery.
    error OfferingAccountFrozen(uint256 offeringId, address account);
    /// @dev Nothing booked or bookable for this account in this offering.
    error OfferingNothingToRefund(uint256 offeringId, address account);
    /// @dev Only a REGULATOR may do this.
    error OfferingNotRegulator(address account);
    /// @dev Nothing booked for the lost wallet, or the new wallet is the same, not an investor, or frozen.
    error OfferingInvalidRecovery(uint256 offeringId, address lostWallet, address newWallet);
    /// @dev The party can still act (not removed; an initiator that still holds its role): it is not replaced.
    error OfferingPartyInPlace(uint256 offeringId, Party party, uint32 orgId);
    /// @dev The replacement is inactive, a person, or collapses the two-party approval.
    error OfferingInvalidParty(uint256 offeringId, Party party, uint32 orgId);
    /// @dev The escrow timeout has not passed yet.
    error OfferingEscrowNotDue(uint256 offeringId, uint256 due);

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

    /// @notice Take the full refund of the caller's shares in a failed sale (burning them if not yet booked) and
    /// everything booked for the caller in it. Refused for a frozen wallet.
    /// @param offeringId The offering.
    /// @return amount The amount paid.
    function refund(uint256 offeringId) external returns (uint256 amount);

    /// @notice Book the refund of a failed sale for a buyer (anyone, typically the initiator before a new sale):
    /// the buyer's shares are burned and the money is owed to the buyer, who pulls it with `refund`. Refused
    /// (ShareAccountFrozen) for a frozen buyer.
    /// @param offeringId The offering.
    /// @param buyer The buyer (or the wallet their shares were recovered to).
    /// @return amount The amount booked.
    function refundFor(uint256 offeringId, address buyer) external returns (uint256 amount);

    /// @notice Carry a booked refund from a lost or frozen wallet to the investor's new wallet (a REGULATOR).
    /// @param offeringId The failed offering.
    /// @param lostWallet The wallet the refund was booked for.
    /// @param newWallet The investor's new wallet (an unfrozen INVESTOR).
    function recoverRefund(uint256 offeringId, address lostWallet, address newWallet) external;

    /// @notice Replace a party of a succeeded sale that is gone (a REGULATOR): a removed beneficiary or co-signer,
    /// or an initiator that was removed or holds neither ASSET_OPERATOR nor REGULATOR. The new party is an active
    /// organisation (never a person); the co-signer stays distinct from the beneficiary and the initiator; a new
    /// initiator holds ASSET_OPERATOR or REGULATOR.
    /// @param offeringId The offering.
    /// @param party Which party.
    /// @param orgId The replacing organisation.
    function replaceParty(uint256 offeringId, Party party, uint32 orgId) external;

    /// @notice After ESCROW_TIMEOUT from a successful finalisation, turn the unreleased escrow into revenue for
    /// the asset's holders (anyone): no path leaves the raise without an owner.
    /// @param offeringId The offering.
    /// @return amount The amount deposited for the holders.
    function sweepToHolders(uint256 offeringId) external returns (uint256 amount);

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

    /// @notice The refund booked for a buyer of a failed sale and not yet pulled.
    /// @param offeringId The offering.
    /// @param buyer The buyer.
    /// @return The amount.
    function refundOwed(uint256 offeringId, address buyer) external view returns (uint256);
    /// @notice The payment token and unreleased escrow of the asset's succeeded sale (zero when none).
    /// @param assetId The asset.
    /// @return paymentToken The sale's payment token.
    /// @return amount Raised and not yet released.
    function unreleasedEscrow(uint256 assetId) external view returns (address paymentToken, uint256 amount);
    /// @notice The open offering of an asset, or 0.
    /// @param assetId The asset.
    /// @return The offering id.
    function liveOffering(uint256 assetId) external view returns (uint256);

    /// @notice Shares of failed sales of an asset not yet refunded. While non-zero, no new sale opens and the asset
    /// cannot leave Funding, so unpaid-for shares never earn revenue.
    /// @param assetId The asset.
    /// @return The share count.
    function unrefundedShares(uint256 assetId) external view returns (uint256);

    /// @notice How many offerings exist (ids run from 1 to this number).
    /// @return The count.
    function offeringCount() external view returns (uint256);
}
