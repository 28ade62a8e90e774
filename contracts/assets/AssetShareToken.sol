// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardUpgradeable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ConsortiumGatedCore} from "../consortium/ConsortiumGatedCore.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {IAssetShareToken} from "../interfaces/IAssetShareToken.sol";
import {IAssetRegistry} from "../interfaces/IAssetRegistry.sol";
import {Roles} from "../libraries/Roles.sol";

/**
 * @title AssetShareToken
 * @notice Shares of one asset with compliance, locks and O(1) revenue distribution (see IAssetShareToken).
 * @dev Revenue accounting ("magnified revenue per share + per-account correction"): for each payment token,
 * `mps` grows by `amount · 2^96 / supply` at every deposit (the remainder is carried into the next deposit, so
 * nothing is lost), and an account's entitlement is `(mps · balance + correction) / 2^96`. Every balance change
 * adjusts `correction` by `∓ mps · delta`, so entitlements earned before the change never move; a claim lowers the
 * correction by the amount paid. Bounds that keep the arithmetic overflow-free: cap ≤ 2^64 shares, cumulative
 * deposits ≤ 2^95 units per payment token, hence `mps · balance ≤ 2^95 · 2^96 · 2^64 < 2^255`.
 */
contract AssetShareToken is ERC20Upgradeable, ConsortiumGatedCore, ReentrancyGuardUpgradeable, IAssetShareToken {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice Revenue per share is kept × 2^96.
    uint256 public constant MAGNITUDE = 2 ** 96;
    /// @notice Most payment tokens an asset accepts (each adds two storage writes to a transfer).
    uint256 public constant MAX_PAYMENT_TOKENS = 4;
    /// @notice Largest cap (keeps the revenue arithmetic overflow-free).
    uint256 public constant MAX_CAP = 2 ** 64;
    /// @notice Largest cumulative deposit per payment token.
    uint256 public constant MAX_DEPOSITED = 2 ** 95;

    /// @notice Value used as the revenue-per-share of a retired payment token (claims refused, never re-accepted).
    uint256 private constant RETIRED = type(uint256).max;

    /// @dev Per-account locks, freeze flag and listing-lock epoch, one slot. `listed` and `offered` are at most the
    /// balance, hence at most the cap (<= 2^64), so 80 bits hold them.
    struct Holder {
        uint80 listed;
        uint80 offered;
        uint32 offeringId;
        bool frozen;
        uint32 lockEpoch;
    }

    /// @dev Token-wide flags and per-asset values, one slot (read by every hot path anyway): the domain's emergency
    /// stop, the operator and the cap cost no extra storage read. The cap is at most MAX_CAP = 2^64, so 80 bits.
    struct Config {
        bool paused;
        bool fundingClosed;
        uint8 paymentTokenCount;
        uint32 releasedOffering;
        uint32 gridOperatorOrg;
        bool domainPaused;
        uint32 operatorOrg;
        uint80 cap;
    }

    /// @dev Per payment token: accepted flag, carried remainder and cumulative deposits, one slot.
    struct Ledger {
        bool accepted;
        uint120 carry;
        uint128 deposited;
    }

    /// @custom:storage-location erc7201:citychain.storage.AssetShareToken
    struct ShareTokenStorage {
        Config config;
        address[MAX_PAYMENT_TOKENS] paymentTokens;
        mapping(address paymentToken => Ledger) ledgers;
        mapping(address paymentToken => uint256) magnifiedPerShare;
        mapping(address paymentToken => mapping(address account => int256)) corrections;
        mapping(address account => Holder) holders;
        uint256 assetId;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.AssetShareToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant SHARE_TOKEN_STORAGE = 0x4bea7ee8e295066e996529d162045b4711c921be4c06421652949d938b448d00;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _registry;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _offering;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _market;

    /// @notice Per-asset values, set once by `initialize` when the registry creates the asset's beacon proxy.
    /// @param assetId The asset.
    /// @param operatorOrg The asset's operating organisation.
    /// @param name Token name.
    /// @param symbol Token symbol.
    /// @param cap Maximum supply (1..MAX_CAP).
    /// @param paymentTokens Accepted payment tokens (1..MAX_PAYMENT_TOKENS).
    /// @param gridOperatorOrg The grid operator organisation named to deposit revenue (0: none).
    struct Init {
        uint256 assetId;
        uint32 operatorOrg;
        string name;
        string symbol;
        uint256 cap;
        address[] paymentTokens;
        uint32 gridOperatorOrg;
    }

    /// @notice The implementation every asset's beacon proxy runs; its wiring is common to all assets.
    /// @param consortium_ The consortium.
    /// @param registry_ The asset registry (creator of every share token).
    /// @param offering_ The offering contract.
    /// @param market_ The market contract.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortium consortium_,
        address registry_,
        address offering_,
        address market_
    ) ConsortiumGatedCore(consortium_) {
        _registry = registry_;
        _offering = offering_;
        _market = market_;
    }

    /// @notice Sets the asset's values; run by the registry in the beacon proxy's constructor, once.
    /// @param init The token's parameters.
    function initialize(Init calldata init) external initializer {
        __ERC20_init(init.name, init.symbol);
        __ReentrancyGuard_init();
        if (init.cap == 0 || init.cap > MAX_CAP) revert ShareCapExceeded(0, init.cap, MAX_CAP);
        ShareTokenStorage storage $ = _shareStorage();
        $.assetId = init.assetId;
        $.config.cap = uint80(init.cap);
        $.config.operatorOrg = init.operatorOrg;
        $.config.gridOperatorOrg = init.gridOperatorOrg;
        if (init.paymentTokens.length == 0) revert RevenueInvalidPaymentToken(address(0));
        for (uint256 i = 0; i < init.paymentTokens.length; ++i) _accept(init.paymentTokens[i]);
    }

    // ---------------------------------------------------------------- ERC-20

    /// @inheritdoc IAssetShareToken
    function decimals() public pure override(ERC20Upgradeable, IAssetShareToken) returns (uint8) {
        return 0;
    }

    /// @dev Reached only through `transfer`/`transferFrom` (every other path calls `_move`): holder transfers
    /// obey pause, freeze, locks and eligibility.
    function _update(address from, address to, uint256 value) internal override {
        ShareTokenStorage storage $ = _shareStorage();
        if ($.config.paused) revert ShareTransfersPaused();
        if ($.config.domainPaused) revert AccessDomainPaused();
        Holder storage sender = $.holders[from];
        if (sender.frozen) revert ShareAccountFrozen(from);
        if ($.holders[to].frozen) revert ShareAccountFrozen(to);
        // A frozen account cannot spend allowances others gave it either (transferFrom).
        if (msg.sender != from && $.holders[msg.sender].frozen) revert ShareAccountFrozen(msg.sender);
        uint256 balance = balanceOf(from);
        if (value <= balance) {
            // Locks never exceed the balance (taken only on unlocked shares, cleared by every burn or forced move).
            uint256 unlocked = balance - _lockedOf(sender);
            if (value > unlocked) revert ShareInsufficientUnlocked(from, unlocked, value);
        }
        _requireEligible(to);
        _move(from, to, value);
    }

    // ---------------------------------------------------------------- revenue

    /// @inheritdoc IAssetShareToken
    function deposit(
        address paymentToken,
        uint256 amount,
        uint256 meteredKWh,
        bytes32 invoiceHash
    ) external nonReentrant {
        ShareTokenStorage storage $ = _shareStorage();
        Config memory config = $.config;
        // The domain stop (whenNotPaused) read from the slot loaded here anyway.
        if (config.domainPaused) revert AccessDomainPaused();
        if (!config.fundingClosed) revert ShareFundingStage(false);
        // Only the asset's own operator or the grid operator named for it: a stranger cannot switch on payment tokens.
        if (
            _roleOrg(Roles.ASSET_OPERATOR, msg.sender) != config.operatorOrg &&
            (config.gridOperatorOrg == 0 || _roleOrg(Roles.GRID_OPERATOR, msg.sender) != config.gridOperatorOrg)
        ) revert RevenueNotDepositor(msg.sender);
        uint256 supply = totalSupply();
        if (amount == 0 || supply == 0) revert RevenueInvalidDeposit(amount, supply);
        // At least one unit per share: no deposit is pure rounding dust.
        if (amount < supply) revert RevenueDepositTooSmall(amount, supply);
        _credit(paymentToken, amount, supply, meteredKWh, invoiceHash);
        IERC20(paymentToken).safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IAssetShareToken
    function depositFromOffering(address paymentToken, uint256 amount) external {
        // The offering, or a metered revenue contract bound to the registry (PPA, vending ledger).
        if (msg.sender != _offering && !IAssetRegistry(_registry).isMeteredDepositor(msg.sender)) {
            revert ShareUnauthorised(msg.sender);
        }
        uint256 supply = totalSupply();
        if (amount == 0 || supply == 0) revert RevenueInvalidDeposit(amount, supply);
        // The caller has already transferred `amount` here (escrow or metered revenue becomes the holders').
        _credit(paymentToken, amount, supply, 0, bytes32(0));
    }

    /// @dev Spreads `amount` over `supply` shares (O(1)) and emits RevenueDeposited; the caller moves the money.
    function _credit(
        address paymentToken,
        uint256 amount,
        uint256 supply,
        uint256 meteredKWh,
        bytes32 invoiceHash
    ) private {
        ShareTokenStorage storage $ = _shareStorage();
        Ledger memory ledger = $.ledgers[paymentToken];
        if (!ledger.accepted) revert RevenueTokenNotAccepted(paymentToken);
        uint256 deposited = uint256(ledger.deposited) + amount;
        if (deposited > MAX_DEPOSITED) revert RevenueDepositTooLarge(ledger.deposited, amount);
        uint256 magnified = amount * MAGNITUDE + ledger.carry;
        uint256 mps = $.magnifiedPerShare[paymentToken] + magnified / supply;
        $.magnifiedPerShare[paymentToken] = mps;
        // remainder < supply <= 2^64 fits uint120; deposited <= 2^95 fits uint128.
        $.ledgers[paymentToken] = Ledger(true, uint120(magnified % supply), uint128(deposited));
        emit RevenueDeposited(paymentToken, msg.sender, amount, meteredKWh, invoiceHash, mps);
    }

    /// @inheritdoc IAssetShareToken
    /// @dev No `nonReentrant` on purpose: the claim is strictly checks-effects-interactions (the correction drops
    /// by the amount before the single external call, the last statement), so a re-entered claim finds nothing
    /// and every other function sees final state. On london (no transient storage) the guard would cost ~2,300 gas,
    /// which would put a holder's first claim over the 70,000 gas target. Deposits keep the guard.
    function claim(address paymentToken) external returns (uint256 amount) {
        ShareTokenStorage storage $ = _shareStorage();
        if ($.holders[msg.sender].frozen) revert ShareAccountFrozen(msg.sender);
        if ($.magnifiedPerShare[paymentToken] == RETIRED) revert RevenueTokenNotAccepted(paymentToken);
        amount = _claimable(msg.sender, paymentToken);
        if (amount == 0) revert RevenueNothingToClaim(msg.sender, paymentToken);
        $.corrections[paymentToken][msg.sender] -= (amount * MAGNITUDE).toInt256();
        emit RevenueClaimed(msg.sender, paymentToken, amount);
        IERC20(paymentToken).safeTransfer(msg.sender, amount);
    }

    // ---------------------------------------------------------------- holder

    /// @inheritdoc IAssetShareToken
    function burn(uint256 amount) external whenNotPaused {
        ShareTokenStorage storage $ = _shareStorage();
        if ($.config.paused) revert ShareTransfersPaused();
        Holder storage holder = $.holders[msg.sender];
        if (holder.frozen) revert ShareAccountFrozen(msg.sender);
        _requireUnlocked(msg.sender, holder, amount);
        _move(msg.sender, address(0), amount);
    }

    // ---------------------------------------------------------------- agent

    /// @inheritdoc IAssetShareToken
    function pause() external {
        ShareTokenStorage storage $ = _shareStorage();
        _requireAgent();
        $.config.paused = true;
        emit TransfersPaused(true, msg.sender);
    }

    /// @inheritdoc IAssetShareToken
    function unpause() external {
        ShareTokenStorage storage $ = _shareStorage();
        _requireAgent();
        $.config.paused = false;
        emit TransfersPaused(false, msg.sender);
    }

    /// @inheritdoc IAssetShareToken
    function setFrozen(address account, bool frozen) external {
        ShareTokenStorage storage $ = _shareStorage();
        _requireAgent();
        $.holders[account].frozen = frozen;
        emit AccountFrozen(account, frozen, msg.sender);
    }

    /// @inheritdoc IAssetShareToken
    function forcedTransfer(address from, address to, uint256 amount) external whenNotPaused {
        ShareTokenStorage storage $ = _shareStorage();
        _requireRegulator();
        if (from == address(0) || to == address(0) || from == to || amount == 0) {
            revert ShareInvalidForcedMove(from, to, amount);
        }
        _requireEligible(to);
        Holder storage holder = $.holders[from];
        uint256 balance = balanceOf(from);
        if (amount > balance) revert ERC20InsufficientBalance(from, balance, amount);
        uint256 offered = _offeredLocked(holder);
        if (amount > balance - offered) revert ShareInsufficientUnlocked(from, balance - offered, amount);
        if (amount > balance - offered - holder.listed) {
            // The move reaches listed shares: every listing of `from` lapses (its lock epoch moves on), so none
            // can later be filled at its old price nor release the lock of a newer listing.
            _lapseListings(from, holder);
        }
        _moveRevenue(from, to, amount, balance);
        _move(from, to, amount);
        emit ForcedTransfer(from, to, amount, msg.sender);
    }

    /// @inheritdoc IAssetShareToken
    function recoverWallet(address lostWallet, address newWallet) external {
        ShareTokenStorage storage $ = _shareStorage();
        _requireRegulator();
        uint256 balance = balanceOf(lostWallet);
        if (lostWallet == address(0) || newWallet == address(0) || lostWallet == newWallet) {
            revert ShareInvalidForcedMove(lostWallet, newWallet, balance);
        }
        _requireEligible(newWallet);
        Holder storage lost = $.holders[lostWallet];
        Holder storage fresh = $.holders[newWallet];
        if (fresh.frozen) revert ShareAccountFrozen(newWallet);
        uint256 lostOffered = lost.offered;
        if (lostOffered != 0) {
            // Both wallets can only hold shares of the same sale (a new sale needs every failed one refunded);
            // refused defensively otherwise.
            if (fresh.offered != 0 && fresh.offeringId != lost.offeringId) {
                revert ShareOfferingRefundPending(newWallet, fresh.offeringId);
            }
            fresh.offeringId = lost.offeringId;
            // fresh.offered + lostOffered <= total supply <= cap <= 2^64 fits 80 bits.
            fresh.offered += uint80(lostOffered);
            lost.offered = 0;
            lost.offeringId = 0;
        }
        // Every listing of the lost wallet lapses; the freeze flag stays with the lost wallet.
        _lapseListings(lostWallet, lost);
        _moveRevenue(lostWallet, newWallet, balance, balance);
        _move(lostWallet, newWallet, balance);
        emit WalletRecovered(lostWallet, newWallet, balance, msg.sender);
    }

    /// @inheritdoc IAssetShareToken
    function issue(address to, uint256 amount) external whenNotPaused {
        ShareTokenStorage storage $ = _shareStorage();
        if (_roleOrg(Roles.ASSET_OPERATOR, msg.sender) != $.config.operatorOrg) revert ShareUnauthorised(msg.sender);
        if (!$.config.fundingClosed) revert ShareFundingStage(false);
        if ($.config.paused) revert ShareTransfersPaused();
        if ($.holders[to].frozen) revert ShareAccountFrozen(to);
        _requireEligible(to);
        _mintCapped(to, amount);
        emit SharesIssued(to, amount, msg.sender);
    }

    // ---------------------------------------------------------------- registry

    /// @inheritdoc IAssetShareToken
    function closeFunding() external {
        ShareTokenStorage storage $ = _shareStorage();
        if (msg.sender != _registry) revert ShareUnauthorised(msg.sender);
        $.config.fundingClosed = true;
        emit FundingClosed();
    }

    /// @inheritdoc IAssetShareToken
    function addPaymentToken(address paymentToken) external whenNotPaused {
        if (msg.sender != _registry) revert ShareUnauthorised(msg.sender);
        _accept(paymentToken);
    }

    /// @inheritdoc IAssetShareToken
    function retirePaymentToken(address paymentToken) external whenNotPaused {
        ShareTokenStorage storage $ = _shareStorage();
        if (msg.sender != _registry) revert ShareUnauthorised(msg.sender);
        Config memory config = $.config;
        uint256 n = config.paymentTokenCount;
        uint256 index = n;
        for (uint256 i = 0; i < n; ++i) if ($.paymentTokens[i] == paymentToken) index = i;
        if (index == n || n == 1) revert RevenueInvalidPaymentToken(paymentToken);
        uint256 held = IERC20(paymentToken).balanceOf(address(this));
        if (held != 0) revert RevenuePaymentTokenInUse(paymentToken, held);
        // n >= 2 here, so n - 1 cannot underflow; the last entry takes the retired one's place.
        $.paymentTokens[index] = $.paymentTokens[n - 1];
        $.paymentTokens[n - 1] = address(0);
        $.config.paymentTokenCount = uint8(n - 1);
        $.ledgers[paymentToken].accepted = false;
        // Corrections stop being maintained: the token can never be claimed in nor accepted again.
        $.magnifiedPerShare[paymentToken] = RETIRED;
        emit PaymentTokenRetired(paymentToken);
    }

    /// @inheritdoc IAssetShareToken
    function setGridOperator(uint32 orgId) external whenNotPaused {
        ShareTokenStorage storage $ = _shareStorage();
        if (msg.sender != _registry) revert ShareUnauthorised(msg.sender);
        uint32 previous = $.config.gridOperatorOrg;
        $.config.gridOperatorOrg = orgId;
        emit GridOperatorChanged(previous, orgId);
    }

    // ---------------------------------------------------------------- offering

    /// @inheritdoc IAssetShareToken
    function mintOffered(
        address to,
        uint256 amount,
        uint256 offeringId
    ) external whenNotPaused returns (uint256 total) {
        ShareTokenStorage storage $ = _shareStorage();
        if (msg.sender != _offering) revert ShareUnauthorised(msg.sender);
        if ($.config.paused) revert ShareTransfersPaused();
        Holder storage holder = $.holders[to];
        if (holder.frozen) revert ShareAccountFrozen(to);
        uint256 previous = holder.offeringId;
        if (previous != offeringId) {
            // Defence in depth: the offering opens no new sale while a failed one has unrefunded shares.
            if (holder.offered != 0 && previous != $.config.releasedOffering) {
                revert ShareOfferingRefundPending(to, previous);
            }
            holder.offeringId = offeringId.toUint32();
            total = amount;
        } else {
            total = holder.offered + amount;
        }
        // total <= cap <= 2^64 once _mintCapped below succeeds (the whole call reverts otherwise).
        holder.offered = uint80(total);
        _mintCapped(to, amount);
    }

    /// @inheritdoc IAssetShareToken
    function burnOffered(address account, uint256 offeringId) external returns (uint256 amount) {
        ShareTokenStorage storage $ = _shareStorage();
        if (msg.sender != _offering) revert ShareUnauthorised(msg.sender);
        Holder storage holder = $.holders[account];
        // A frozen wallet's refund waits for its recovery, which carries the shares (and so the refund) onward.
        if (holder.frozen) revert ShareAccountFrozen(account);
        amount = holder.offered;
        if (amount == 0 || holder.offeringId != offeringId) revert ShareNoOfferingShares(account, offeringId);
        holder.offered = 0;
        holder.offeringId = 0;
        _move(account, address(0), amount);
    }

    /// @inheritdoc IAssetShareToken
    function releaseOffering(uint256 offeringId) external {
        ShareTokenStorage storage $ = _shareStorage();
        if (msg.sender != _offering) revert ShareUnauthorised(msg.sender);
        $.config.releasedOffering = offeringId.toUint32();
        emit OfferingSharesReleased(offeringId);
    }

    // ---------------------------------------------------------------- market

    /// @inheritdoc IAssetShareToken
    function lockListing(address account, uint256 amount) external whenNotPaused {
        ShareTokenStorage storage $ = _shareStorage();
        if (msg.sender != _market) revert ShareUnauthorised(msg.sender);
        Holder storage holder = $.holders[account];
        if (holder.frozen) revert ShareAccountFrozen(account);
        _requireUnlocked(account, holder, amount);
        // listed + amount <= balance <= cap <= 2^64 after the check above.
        uint256 listed = holder.listed + amount;
        holder.listed = uint80(listed);
        emit ListingLockChanged(account, listed);
    }

    /// @inheritdoc IAssetShareToken
    function unlockListing(address account, uint256 amount, uint256 epoch) external {
        ShareTokenStorage storage $ = _shareStorage();
        if (msg.sender != _market) revert ShareUnauthorised(msg.sender);
        Holder storage holder = $.holders[account];
        // A lapsed listing's lock was already cleared by the agent's move: it releases nothing, in particular not
        // the lock of a newer listing.
        if (holder.lockEpoch != epoch) return;
        uint256 listed = holder.listed;
        if (amount > listed) revert ShareInsufficientListed(account, listed, amount);
        // amount <= listed, checked above.
        holder.listed = uint80(listed - amount);
        emit ListingLockChanged(account, listed - amount);
    }

    /// @inheritdoc IAssetShareToken
    function fillListing(address seller, address buyer, uint256 amount, uint256 epoch) external whenNotPaused {
        ShareTokenStorage storage $ = _shareStorage();
        if (msg.sender != _market) revert ShareUnauthorised(msg.sender);
        if ($.config.paused) revert ShareTransfersPaused();
        Holder storage holder = $.holders[seller];
        if (holder.frozen) revert ShareAccountFrozen(seller);
        if ($.holders[buyer].frozen) revert ShareAccountFrozen(buyer);
        if (holder.lockEpoch != epoch) revert ShareListingLapsed(seller, epoch, holder.lockEpoch);
        uint256 listed = holder.listed;
        if (amount > listed) revert ShareInsufficientListed(seller, listed, amount);
        // amount <= listed, checked above.
        holder.listed = uint80(listed - amount);
        emit ListingLockChanged(seller, listed - amount);
        _move(seller, buyer, amount);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IAssetShareToken
    function claimableOf(address account, address paymentToken) external view returns (uint256) {
        ShareTokenStorage storage $ = _shareStorage();
        if ($.magnifiedPerShare[paymentToken] == RETIRED) return 0;
        return _claimable(account, paymentToken);
    }

    /// @inheritdoc IAssetShareToken
    function revenueLedger(
        address paymentToken
    ) external view returns (uint256 magnifiedPerShare, uint256 carry, uint256 deposited) {
        ShareTokenStorage storage $ = _shareStorage();
        Ledger memory ledger = $.ledgers[paymentToken];
        return ($.magnifiedPerShare[paymentToken], ledger.carry, ledger.deposited);
    }

    /// @inheritdoc IAssetShareToken
    function paymentTokens() external view returns (address[] memory tokens) {
        ShareTokenStorage storage $ = _shareStorage();
        uint256 n = $.config.paymentTokenCount;
        tokens = new address[](n);
        for (uint256 i = 0; i < n; ++i) tokens[i] = $.paymentTokens[i];
    }

    /// @inheritdoc IAssetShareToken
    function locksOf(
        address account
    ) external view returns (uint256 listed, uint256 offered, uint256 offeringId, bool offeredLocked) {
        ShareTokenStorage storage $ = _shareStorage();
        Holder memory holder = $.holders[account];
        return (holder.listed, holder.offered, holder.offeringId, _offeredLocked($.holders[account]) != 0);
    }

    /// @inheritdoc IAssetShareToken
    function unlockedBalanceOf(address account) external view returns (uint256) {
        ShareTokenStorage storage $ = _shareStorage();
        uint256 balance = balanceOf(account);
        uint256 locked = _lockedOf($.holders[account]);
        return balance > locked ? balance - locked : 0;
    }

    /// @inheritdoc IAssetShareToken
    function listingEpochOf(address account) external view returns (uint256) {
        ShareTokenStorage storage $ = _shareStorage();
        return $.holders[account].lockEpoch;
    }

    /// @inheritdoc IAssetShareToken
    function acceptsPaymentToken(address paymentToken) external view returns (bool) {
        ShareTokenStorage storage $ = _shareStorage();
        return $.ledgers[paymentToken].accepted;
    }

    /// @inheritdoc IAssetShareToken
    function gridOperatorOrg() external view returns (uint32) {
        ShareTokenStorage storage $ = _shareStorage();
        return $.config.gridOperatorOrg;
    }

    /// @inheritdoc IAssetShareToken
    function isFrozen(address account) external view returns (bool) {
        ShareTokenStorage storage $ = _shareStorage();
        return $.holders[account].frozen;
    }

    /// @inheritdoc IAssetShareToken
    function paused() external view returns (bool) {
        ShareTokenStorage storage $ = _shareStorage();
        return $.config.paused;
    }

    /// @inheritdoc IAssetShareToken
    function fundingClosed() external view returns (bool) {
        ShareTokenStorage storage $ = _shareStorage();
        return $.config.fundingClosed;
    }

    /// @inheritdoc IAssetShareToken
    function cap() external view returns (uint256) {
        ShareTokenStorage storage $ = _shareStorage();
        return $.config.cap;
    }

    /// @inheritdoc IAssetShareToken
    function assetId() external view returns (uint256) {
        ShareTokenStorage storage $ = _shareStorage();
        return $.assetId;
    }

    /// @inheritdoc IAssetShareToken
    function operatorOrg() external view returns (uint32) {
        ShareTokenStorage storage $ = _shareStorage();
        return $.config.operatorOrg;
    }

    // ---------------------------------------------------------------- internals

    /// @dev Moves shares (mint, burn or transfer) and keeps every account's earned revenue where it was.
    function _move(address from, address to, uint256 value) private {
        ShareTokenStorage storage $ = _shareStorage();
        super._update(from, to, value);
        uint256 n = $.config.paymentTokenCount;
        for (uint256 i = 0; i < n; ++i) {
            address paymentToken = $.paymentTokens[i];
            uint256 mps = $.magnifiedPerShare[paymentToken];
            if (mps == 0) continue;
            // mps * value <= 2^95 * 2^96 * 2^64 < 2^255 (see the contract's @dev), so toInt256 cannot fail.
            int256 delta = (mps * value).toInt256();
            if (from != address(0)) $.corrections[paymentToken][from] += delta;
            if (to != address(0)) $.corrections[paymentToken][to] -= delta;
        }
    }

    /// @dev Moves `amount / balance` of `from`'s unclaimed revenue (rounded down; all of it when the whole balance
    /// moves) to `to`, in every token, in whole units so nobody's entitlement is rounded up.
    function _moveRevenue(address from, address to, uint256 amount, uint256 balance) private {
        ShareTokenStorage storage $ = _shareStorage();
        uint256 n = $.config.paymentTokenCount;
        for (uint256 i = 0; i < n; ++i) {
            address paymentToken = $.paymentTokens[i];
            uint256 claimable = _claimable(from, paymentToken);
            // Rounds down on purpose (whole units, nobody's entitlement rounded up); MAGNITUDE only rescales the result.
            // slither-disable-next-line divide-before-multiply
            uint256 moved = amount == balance ? claimable : (claimable * amount) / balance;
            if (moved == 0) continue;
            int256 magnified = (moved * MAGNITUDE).toInt256();
            $.corrections[paymentToken][from] -= magnified;
            $.corrections[paymentToken][to] += magnified;
            emit RevenueMoved(from, to, paymentToken, moved);
        }
    }

    /// @dev `to` is never zero: callers pass an eligible investor (issue) or the buyer `msg.sender` (offering).
    function _mintCapped(address to, uint256 amount) private {
        ShareTokenStorage storage $ = _shareStorage();
        uint256 supply = totalSupply();
        if (supply + amount > $.config.cap) revert ShareCapExceeded(supply, amount, $.config.cap);
        _move(address(0), to, amount);
    }

    function _accept(address paymentToken) private {
        ShareTokenStorage storage $ = _shareStorage();
        Config memory config = $.config;
        if (
            paymentToken == address(0) ||
            $.ledgers[paymentToken].accepted ||
            $.magnifiedPerShare[paymentToken] == RETIRED ||
            config.paymentTokenCount == MAX_PAYMENT_TOKENS
        ) revert RevenueInvalidPaymentToken(paymentToken);
        $.paymentTokens[config.paymentTokenCount] = paymentToken;
        // count < MAX_PAYMENT_TOKENS = 4, checked above.
        $.config.paymentTokenCount = config.paymentTokenCount + 1;
        $.ledgers[paymentToken].accepted = true;
        emit PaymentTokenAccepted(paymentToken);
    }

    function _claimable(address account, address paymentToken) private view returns (uint256) {
        ShareTokenStorage storage $ = _shareStorage();
        int256 accumulated = ($.magnifiedPerShare[paymentToken] * balanceOf(account)).toInt256() +
            $.corrections[paymentToken][account];
        // accumulated is the account's magnified entitlement, never negative (claims lower it by what they pay).
        return uint256(accumulated) / MAGNITUDE;
    }

    function _offeredLocked(Holder storage holder) private view returns (uint256) {
        ShareTokenStorage storage $ = _shareStorage();
        uint256 offered = holder.offered;
        if (offered == 0 || holder.offeringId == $.config.releasedOffering) return 0;
        return offered;
    }

    function _lockedOf(Holder storage holder) private view returns (uint256) {
        return holder.listed + _offeredLocked(holder);
    }

    function _requireUnlocked(address account, Holder storage holder, uint256 amount) private view {
        uint256 balance = balanceOf(account);
        if (amount > balance) revert ERC20InsufficientBalance(account, balance, amount);
        uint256 locked = _lockedOf(holder);
        // locked never exceeds the balance (locks are only taken on unlocked shares and cleared by burns/moves).
        if (amount > balance - locked) revert ShareInsufficientUnlocked(account, balance - locked, amount);
    }

    /// @dev Only active investors may receive. The system's contracts never hold shares (listings and sales lock
    /// shares in the owner's balance), so none is eligible: shares sent there by mistake would earn revenue
    /// nobody could claim.
    function _requireEligible(address account) private view {
        if (!_hasRole(Roles.INVESTOR, account)) revert ShareNotEligible(account);
    }

    /// @dev Clears every listing lock of `account` and moves its lock epoch on: all its listings lapse.
    function _lapseListings(address account, Holder storage holder) private {
        // One agent move per increment; 2^32 agent moves on one account are out of reach (checked anyway).
        holder.lockEpoch += 1;
        if (holder.listed != 0) {
            holder.listed = 0;
            emit ListingLockChanged(account, 0);
        }
    }

    /// @dev Forced transfers and recoveries move shares without the holder: the regulator's decision, never the
    /// interested operator's alone (the operator may freeze and pause at once).
    function _requireRegulator() private view {
        if (!_hasRole(Roles.REGULATOR, msg.sender)) revert ShareUnauthorised(msg.sender);
    }

    function _requireAgent() private view {
        ShareTokenStorage storage $ = _shareStorage();
        if (
            _roleOrg(Roles.ASSET_OPERATOR, msg.sender) != $.config.operatorOrg && !_hasRole(Roles.REGULATOR, msg.sender)
        ) {
            revert ShareUnauthorised(msg.sender);
        }
    }

    /// @dev The emergency stop sits in the token's Config slot, which every guarded path reads anyway.
    function _isDomainPaused() internal view override returns (bool) {
        return _shareStorage().config.domainPaused;
    }

    function _setDomainPaused(bool paused_) internal override {
        _shareStorage().config.domainPaused = paused_;
    }

    function _shareStorage() private pure returns (ShareTokenStorage storage $) {
        assembly ("memory-safe") {
            $.slot := SHARE_TOKEN_STORAGE
        }
    }
}
