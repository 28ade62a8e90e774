// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title IAssetShareToken
 * @notice The shares of one asset: a standard ERC-20 (OpenZeppelin 5, ERC-6093 errors, 0 decimals, capped) that
 * only active INVESTOR accounts may receive (the system's contracts never hold shares: they lock them in place), with pause, freeze, forced transfer and
 * lost-wallet recovery by an agent (the asset's operator or a REGULATOR). It also distributes the asset's
 * revenue: deposits cost O(1) whatever the number of holders ("magnified revenue per share + per-account
 * correction"), every holder claims their pro-rata part in any accepted payment token. Shares listed on the
 * market or bought in a running offering stay in the holder's balance but are locked, so revenue accrues to their
 * economic owner without any special case. The ERC-20 surface (IERC20, IERC20Metadata) is OpenZeppelin's.
 */
interface IAssetShareToken {
    /// @notice Revenue was deposited for the holders.
    /// @param paymentToken The ERC-20 paid in.
    /// @param depositor The operator or grid operator account that paid.
    /// @param amount Amount in payment token units.
    /// @param meteredKWh Energy the payment is for (0 for non-energy revenue such as vending sales).
    /// @param invoiceHash Hash of the invoice or sales report kept off chain.
    /// @param magnifiedPerShare The cumulative revenue per share (× 2^96) after this deposit.
    event RevenueDeposited(
        address indexed paymentToken,
        address indexed depositor,
        uint256 amount,
        uint256 meteredKWh,
        bytes32 indexed invoiceHash,
        uint256 magnifiedPerShare
    );
    /// @notice A holder claimed revenue.
    event RevenueClaimed(address indexed account, address indexed paymentToken, uint256 amount);
    /// @notice Unclaimed revenue moved with shares in a forced transfer or recovery.
    event RevenueMoved(address indexed from, address indexed to, address indexed paymentToken, uint256 amount);
    /// @notice A payment token was accepted for revenue.
    event PaymentTokenAccepted(address indexed paymentToken);
    /// @notice The funding stage ended: revenue deposits are open.
    event FundingClosed();
    /// @notice An offering succeeded: its buyers' shares are unlocked.
    event OfferingSharesReleased(uint256 indexed offeringId);
    /// @notice Transfers were paused or resumed by an agent.
    event TransfersPaused(bool paused, address indexed agent);
    /// @notice An account was frozen or unfrozen by an agent.
    event AccountFrozen(address indexed account, bool frozen, address indexed agent);
    /// @notice An agent moved shares without the holder's signature (court order, compliance).
    event ForcedTransfer(address indexed from, address indexed to, uint256 amount, address indexed agent);
    /// @notice An agent moved every share, lock and unclaimed revenue of a lost wallet to a new one.
    event WalletRecovered(address indexed lostWallet, address indexed newWallet, uint256 amount, address indexed agent);
    /// @notice The operator issued shares outside an offering.
    event SharesIssued(address indexed to, uint256 amount, address indexed agent);
    /// @notice The market locked, unlocked or filled shares listed by a holder, or an agent's move cleared the locks.
    event ListingLockChanged(address indexed account, uint256 listed);
    /// @notice A payment token was retired (it held no revenue): transfers stop paying for it.
    event PaymentTokenRetired(address indexed paymentToken);
    /// @notice The grid operator organisation allowed to deposit revenue changed (0: none).
    event GridOperatorChanged(uint32 previousOrg, uint32 orgId);

    /// @dev Transfers are paused.
    error ShareTransfersPaused();
    /// @dev The account is frozen.
    error ShareAccountFrozen(address account);
    /// @dev The recipient is not an active INVESTOR.
    error ShareNotEligible(address account);
    /// @dev The shares are locked (listed on the market or bought in an unsettled offering).
    error ShareInsufficientUnlocked(address account, uint256 unlocked, uint256 needed);
    /// @dev Fewer shares are listed than the market tries to move or unlock.
    error ShareInsufficientListed(address account, uint256 listed, uint256 needed);
    /// @dev Minting would exceed the cap.
    error ShareCapExceeded(uint256 supply, uint256 amount, uint256 cap);
    /// @dev The caller is not the agent (operator or regulator), registry, offering or market it must be.
    error ShareUnauthorised(address caller);
    /// @dev The account still holds shares of a failed offering it has not refunded.
    error ShareOfferingRefundPending(address account, uint256 offeringId);
    /// @dev The account holds no shares of this offering.
    error ShareNoOfferingShares(address account, uint256 offeringId);
    /// @dev The asset is still funding (deposits are refused), or no longer funding (issue refused in funding).
    error ShareFundingStage(bool fundingClosed);
    /// @dev The payment token is not accepted for this asset.
    error RevenueTokenNotAccepted(address paymentToken);
    /// @dev The payment token is already accepted, zero, or the list is full.
    error RevenueInvalidPaymentToken(address paymentToken);
    /// @dev A deposit needs a positive amount and shares in existence.
    error RevenueInvalidDeposit(uint256 amount, uint256 supply);
    /// @dev Cumulative deposits of one payment token are capped at 2^95 units (overflow-free arithmetic).
    error RevenueDepositTooLarge(uint256 deposited, uint256 amount);
    /// @dev The caller is neither the asset's operator nor a grid operator.
    error RevenueNotDepositor(address account);
    /// @dev Nothing to claim.
    error RevenueNothingToClaim(address account, address paymentToken);
    /// @dev The listing was made before an agent moved the seller's listed shares: it lapsed and cannot be filled.
    error ShareListingLapsed(address seller, uint256 listingEpoch, uint256 currentEpoch);
    /// @dev A deposit must bring at least one unit per share (`minimum` = the supply).
    error RevenueDepositTooSmall(uint256 amount, uint256 minimum);
    /// @dev The payment token still holds revenue (or dust) in this token contract: it cannot be retired.
    error RevenuePaymentTokenInUse(address paymentToken, uint256 held);
    /// @dev A forced move needs two distinct non-zero accounts and a positive amount.
    error ShareInvalidForcedMove(address from, address to, uint256 amount);

    /// @notice Deposit revenue for the holders (an account of the asset's operator, or of the GRID_OPERATOR
    /// organisation named for the asset), pulled with `transferFrom`; at least one unit per share. O(1): the amount
    /// is spread over the current supply by raising the revenue per share.
    /// @param paymentToken An accepted ERC-20.
    /// @param amount Amount in payment token units.
    /// @param meteredKWh Metered energy the payment is for (0 when not energy).
    /// @param invoiceHash Hash of the invoice or sales report.
    function deposit(address paymentToken, uint256 amount, uint256 meteredKWh, bytes32 invoiceHash) external;

    /// @notice The offering turns a succeeded sale's unreleased escrow into revenue for the holders after its
    /// timeout, or a metered revenue contract bound to the registry (PPA, vending ledger) deposits the holders'
    /// part of a settlement; the caller has already transferred `amount` to this contract.
    /// @param paymentToken An accepted ERC-20 (the offering's).
    /// @param amount Amount in payment token units.
    function depositFromOffering(address paymentToken, uint256 amount) external;
    /// @notice Claim the caller's revenue in one payment token (pull payment).
    /// @param paymentToken The payment token.
    /// @return amount The amount paid.
    function claim(address paymentToken) external returns (uint256 amount);

    /// @notice Destroy some of the caller's unlocked shares; revenue already earned stays claimable.
    /// @param amount Shares to burn.
    function burn(uint256 amount) external;

    /// @notice Pause transfers, fills and offering purchases (agent).
    function pause() external;

    /// @notice Resume transfers (agent).
    function unpause() external;

    /// @notice Freeze or unfreeze an account: a frozen account cannot send, receive, spend allowances, list, claim
    /// or take a refund (agent: the asset's operator or a REGULATOR).
    /// @param account The account.
    /// @param frozen True to freeze.
    function setFrozen(address account, bool frozen) external;

    /// @notice Move shares between accounts without the holder (a REGULATOR), with the matching part of the
    /// holder's unclaimed revenue. Spends unlocked shares first; if it reaches listed shares, every listing of the
    /// holder lapses (locks cleared, lock epoch moved on). Shares of an unsettled offering cannot be moved. The
    /// recipient must be eligible.
    /// @param from The holder.
    /// @param to The recipient.
    /// @param amount Shares.
    function forcedTransfer(address from, address to, uint256 amount) external;

    /// @notice Move every share, offering lock (hence a pending refund) and unclaimed revenue of a lost wallet to a
    /// new wallet (a REGULATOR). Listings of the lost wallet lapse. The new wallet must be an eligible, unfrozen
    /// investor.
    /// @param lostWallet The lost wallet.
    /// @param newWallet The investor's new wallet.
    function recoverWallet(address lostWallet, address newWallet) external;

    /// @notice Issue shares to an eligible investor outside an offering (the asset's operator, after funding).
    /// @param to The investor.
    /// @param amount Shares.
    function issue(address to, uint256 amount) external;

    /// @notice The registry ends the funding stage: revenue deposits become possible.
    function closeFunding() external;

    /// @notice The registry accepts one more payment token.
    /// @param paymentToken The ERC-20.
    function addPaymentToken(address paymentToken) external;

    /// @notice The registry retires a payment token that holds no revenue here (at least one stays accepted).
    /// @param paymentToken The ERC-20.
    function retirePaymentToken(address paymentToken) external;
    /// @notice The registry names the grid operator organisation allowed to deposit (0: none).
    /// @param orgId The organisation.
    function setGridOperator(uint32 orgId) external;
    /// @notice The offering mints shares bought in offering `offeringId`, locked until it succeeds.
    /// @param to The buyer.
    /// @param amount Shares.
    /// @param offeringId The offering.
    /// @return total The buyer's shares in this offering after the purchase.
    function mintOffered(address to, uint256 amount, uint256 offeringId) external returns (uint256 total);

    /// @notice The offering burns a buyer's shares of a failed offering before refunding them (refused while the
    /// buyer is frozen: the refund waits for the wallet's recovery).
    /// @param account The buyer (or the wallet their shares were recovered to).
    /// @param offeringId The offering.
    /// @return amount Shares burned.
    function burnOffered(address account, uint256 offeringId) external returns (uint256 amount);

    /// @notice The offering reports success: every share bought in it is unlocked at once.
    /// @param offeringId The offering.
    function releaseOffering(uint256 offeringId) external;

    /// @notice The market locks shares a holder lists (they stay in the holder's balance); the listing records the
    /// holder's lock epoch (`listingEpochOf`) and presents it at every fill and cancel.
    /// @param account The seller.
    /// @param amount Shares.
    function lockListing(address account, uint256 amount) external;

    /// @notice The market unlocks listed shares (cancelled or expired listing). A listing of an earlier epoch
    /// (lapsed by an agent's move) releases nothing.
    /// @param account The seller.
    /// @param amount Shares.
    /// @param epoch The listing's lock epoch.
    function unlockListing(address account, uint256 amount, uint256 epoch) external;

    /// @notice The market delivers listed shares to a buyer who has paid (refused for a lapsed listing).
    /// @param seller The seller.
    /// @param buyer The buyer.
    /// @param amount Shares.
    /// @param epoch The listing's lock epoch.
    function fillListing(address seller, address buyer, uint256 amount, uint256 epoch) external;

    /// @notice The revenue an account can claim now in a payment token (rounded down).
    /// @param account The holder.
    /// @param paymentToken The payment token.
    /// @return The amount.
    function claimableOf(address account, address paymentToken) external view returns (uint256);

    /// @notice The revenue ledger of a payment token.
    /// @param paymentToken The payment token.
    /// @return magnifiedPerShare Cumulative revenue per share × 2^96.
    /// @return carry Magnified remainder not yet spread (dust carried into the next deposit).
    /// @return deposited Cumulative amount deposited.
    function revenueLedger(
        address paymentToken
    ) external view returns (uint256 magnifiedPerShare, uint256 carry, uint256 deposited);

    /// @notice The accepted payment tokens.
    /// @return The tokens.
    function paymentTokens() external view returns (address[] memory);

    /// @notice An account's locks.
    /// @param account The holder.
    /// @return listed Shares locked by market listings.
    /// @return offered Shares bought in an offering.
    /// @return offeringId That offering.
    /// @return offeredLocked Whether the offered shares are still locked (offering not succeeded).
    function locksOf(
        address account
    ) external view returns (uint256 listed, uint256 offered, uint256 offeringId, bool offeredLocked);

    /// @notice Shares an account can transfer now.
    /// @param account The holder.
    /// @return The unlocked balance.
    function unlockedBalanceOf(address account) external view returns (uint256);

    /// @notice An account's listing-lock epoch: moves on whenever an agent's move makes its listings lapse.
    /// @param account The holder.
    /// @return The epoch.
    function listingEpochOf(address account) external view returns (uint256);
    /// @notice Whether a payment token is accepted for this asset's revenue (and so for its sales and listings).
    /// @param paymentToken The ERC-20.
    /// @return True if accepted.
    function acceptsPaymentToken(address paymentToken) external view returns (bool);
    /// @notice The grid operator organisation allowed to deposit revenue (0: none).
    /// @return The organisation id.
    function gridOperatorOrg() external view returns (uint32);
    /// @notice Whether an account is frozen.
    /// @param account The account.
    /// @return True if frozen.
    function isFrozen(address account) external view returns (bool);

    /// @notice Whether transfers are paused.
    /// @return True if paused.
    function paused() external view returns (bool);

    /// @notice Whether the funding stage is over (revenue deposits allowed).
    /// @return True once closed.
    function fundingClosed() external view returns (bool);

    /// @notice Whole shares: 0 decimals.
    /// @return 0.
    function decimals() external view returns (uint8);

    /// @notice The maximum supply.
    /// @return The cap.
    function cap() external view returns (uint256);

    /// @notice The asset these shares are of.
    /// @return The asset id.
    function assetId() external view returns (uint256);

    /// @notice The asset's operating organisation.
    /// @return The organisation id.
    function operatorOrg() external view returns (uint32);
}
