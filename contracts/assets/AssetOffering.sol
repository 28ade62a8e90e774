// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardUpgradeable.sol";
import {ConsortiumGated} from "../consortium/ConsortiumGated.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {IAssetRegistry} from "../interfaces/IAssetRegistry.sol";
import {IAssetShareToken} from "../interfaces/IAssetShareToken.sol";
import {IAssetOffering} from "../interfaces/IAssetOffering.sol";
import {Roles} from "../libraries/Roles.sol";

/**
 * @title AssetOffering
 * @notice Escrowed primary sales of asset shares (see IAssetOffering). Purchases are recorded once, in the share
 * token's per-account offering lock, so a buy writes one record and a refund burns exactly what was bought.
 */
contract AssetOffering is ConsortiumGated, ReentrancyGuardUpgradeable, IAssetOffering {
    using SafeERC20 for IERC20;

    /// @notice Most milestones per offering.
    uint256 public constant MAX_MILESTONES = 8;
    /// @notice After this long from a successful finalisation, unreleased escrow becomes revenue for the holders.
    uint64 public constant ESCROW_TIMEOUT = 730 days;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IAssetRegistry private immutable _registry;

    /// @custom:storage-location erc7201:citychain.storage.AssetOffering
    struct AssetOfferingStorage {
        uint256 offeringCount;
        mapping(uint256 offeringId => Offering) offerings;
        mapping(uint256 offeringId => Milestone[]) milestones;
        mapping(uint256 assetId => uint256) live;
        mapping(uint256 assetId => uint256) unrefunded;
        mapping(uint256 assetId => uint256) succeededOf;
        mapping(uint256 offeringId => mapping(address buyer => uint256)) refundOwed;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.AssetOffering")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ASSET_OFFERING_STORAGE =
        0xd8541ee5fc036f614b1f5208066454b8250c44f4dcdf91751f82266264c1ef00;

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

    /// @inheritdoc IAssetOffering
    function open(Terms calldata terms) external whenNotPaused returns (uint256 offeringId) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        IAssetRegistry.Asset memory a = _registry.asset(terms.assetId);
        uint32 orgId = _roleOrg(Roles.ASSET_OPERATOR, msg.sender);
        // operatorOrg is never 0, so this also refuses callers without the role (orgId 0)
        if (orgId != a.operatorOrg) revert OfferingNotInitiator(0, msg.sender);
        uint256 live = $.live[terms.assetId];
        if (a.status != IAssetRegistry.Status.Funding || live != 0) {
            revert OfferingAssetNotFunding(terms.assetId, live);
        }
        uint256 pending = $.unrefunded[terms.assetId];
        if (pending != 0) revert OfferingRefundsPending(terms.assetId, pending);
        _checkTerms(terms, orgId, a.shareToken);
        offeringId = ++$.offeringCount;
        $.live[terms.assetId] = offeringId;
        Offering storage o = $.offerings[offeringId];
        o.shareToken = a.shareToken;
        o.initiatorOrg = orgId;
        o.beneficiaryOrg = terms.beneficiaryOrg == 0 ? orgId : terms.beneficiaryOrg;
        o.cosignerOrg = terms.cosignerOrg;
        o.paymentToken = terms.paymentToken;
        o.start = terms.start;
        o.state = State.Open;
        // length <= MAX_MILESTONES = 8, checked in _checkTerms.
        o.milestoneCount = uint8(terms.milestoneBps.length);
        o.price = terms.price;
        o.deadline = terms.deadline;
        o.softCap = terms.softCap;
        o.hardCap = terms.hardCap;
        o.minPerInvestor = terms.minPerInvestor;
        o.maxPerInvestor = terms.maxPerInvestor;
        o.assetId = terms.assetId;
        for (uint256 i = 0; i < terms.milestoneBps.length; ++i) {
            $.milestones[offeringId].push(Milestone(terms.milestoneBps[i], false, false, false));
        }
        emit OfferingOpened(offeringId, terms.assetId, orgId, o.beneficiaryOrg, terms);
    }

    /// @inheritdoc IAssetOffering
    function setPrice(uint256 offeringId, uint128 price) external whenNotPaused {
        Offering storage o = _beforeStart(offeringId);
        if (price == 0) revert OfferingInvalidTerms(o.assetId, "price");
        uint256 previous = o.price;
        o.price = price;
        emit OfferingPriceChanged(offeringId, previous, price);
    }

    /// @inheritdoc IAssetOffering
    function cancel(uint256 offeringId) external {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        Offering storage o = _beforeStart(offeringId);
        o.state = State.Failed;
        delete $.live[o.assetId];
        emit OfferingFinalised(offeringId, false, 0, 0);
    }

    /// @inheritdoc IAssetOffering
    function buy(
        uint256 offeringId,
        uint256 shares,
        uint256 maxPrice,
        uint256 txDeadline
    ) external whenNotPaused nonReentrant {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        if (block.timestamp > txDeadline) revert OfferingTxExpired(txDeadline, block.timestamp);
        Offering storage o = $.offerings[offeringId];
        if (o.state != State.Open) revert OfferingWrongState(offeringId, o.state);
        if (block.timestamp < o.start) revert OfferingNotStarted(offeringId, o.start);
        if (block.timestamp > o.deadline) revert OfferingClosed(offeringId, o.deadline);
        uint256 price = o.price;
        if (price > maxPrice) revert OfferingPriceAbove(offeringId, price, maxPrice);
        _requireRole(Roles.INVESTOR);
        uint256 sold = o.sold;
        uint256 hardCap = o.hardCap;
        // sold <= hardCap always (checked at every purchase).
        if (shares > hardCap - sold) revert OfferingAboveHardCap(offeringId, hardCap - sold, shares);
        // sold + shares <= hardCap <= uint64 max, checked above.
        o.sold = uint64(sold + shares);
        uint256 total = IAssetShareToken(o.shareToken).mintOffered(msg.sender, shares, offeringId);
        if (total < o.minPerInvestor || total > o.maxPerInvestor) {
            revert OfferingInvestorLimit(offeringId, total, o.minPerInvestor, o.maxPerInvestor);
        }
        uint256 paid = shares * price;
        emit SharesPurchased(offeringId, msg.sender, shares, paid);
        IERC20(o.paymentToken).safeTransferFrom(msg.sender, address(this), paid);
    }

    /// @inheritdoc IAssetOffering
    function finalise(uint256 offeringId) external returns (bool succeeded) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        Offering storage o = $.offerings[offeringId];
        if (o.state != State.Open) revert OfferingWrongState(offeringId, o.state);
        if (block.timestamp <= o.deadline && o.sold < o.hardCap) revert OfferingStillRunning(offeringId, o.deadline);
        succeeded = o.sold >= o.softCap;
        o.state = succeeded ? State.Succeeded : State.Failed;
        o.finalisedAt = uint64(block.timestamp);
        if (succeeded) $.succeededOf[o.assetId] = offeringId;
        delete $.live[o.assetId];
        if (!succeeded) $.unrefunded[o.assetId] += o.sold;
        emit OfferingFinalised(offeringId, succeeded, o.sold, uint256(o.sold) * o.price);
        if (succeeded) {
            IAssetShareToken(o.shareToken).releaseOffering(offeringId);
            _registry.fundingSucceeded(o.assetId);
        }
    }

    /// @inheritdoc IAssetOffering
    function refund(uint256 offeringId) external nonReentrant returns (uint256 amount) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        Offering storage o = $.offerings[offeringId];
        if (o.state != State.Failed) revert OfferingWrongState(offeringId, o.state);
        (, uint256 offered, uint256 ofOffering, ) = IAssetShareToken(o.shareToken).locksOf(msg.sender);
        if (offered != 0 && ofOffering == offeringId) _book(offeringId, o, msg.sender);
        // A frozen wallet is never paid: its refund waits for the regulator's recovery (recoverRefund).
        if (IAssetShareToken(o.shareToken).isFrozen(msg.sender)) revert OfferingAccountFrozen(offeringId, msg.sender);
        amount = $.refundOwed[offeringId][msg.sender];
        if (amount == 0) revert OfferingNothingToRefund(offeringId, msg.sender);
        $.refundOwed[offeringId][msg.sender] = 0;
        // refunded + amount <= sold * price <= price * hardCap < 2^128 (checked in _checkTerms).
        o.refunded += uint128(amount);
        emit OfferingRefunded(offeringId, msg.sender, amount);
        IERC20(o.paymentToken).safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IAssetOffering
    function refundFor(uint256 offeringId, address buyer) external nonReentrant returns (uint256 amount) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        Offering storage o = $.offerings[offeringId];
        if (o.state != State.Failed) revert OfferingWrongState(offeringId, o.state);
        return _book(offeringId, o, buyer);
    }

    /// @inheritdoc IAssetOffering
    function recoverRefund(uint256 offeringId, address lostWallet, address newWallet) external {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        if (!_hasRole(Roles.REGULATOR, msg.sender)) revert OfferingNotRegulator(msg.sender);
        Offering storage o = $.offerings[offeringId];
        if (o.state != State.Failed) revert OfferingWrongState(offeringId, o.state);
        uint256 amount = $.refundOwed[offeringId][lostWallet];
        IAssetShareToken token = IAssetShareToken(o.shareToken);
        if (amount == 0 || newWallet == lostWallet || !_hasRole(Roles.INVESTOR, newWallet) || token.isFrozen(newWallet))
            revert OfferingInvalidRecovery(offeringId, lostWallet, newWallet);
        $.refundOwed[offeringId][lostWallet] = 0;
        $.refundOwed[offeringId][newWallet] += amount;
        emit OfferingRefundRecovered(offeringId, lostWallet, newWallet, amount, msg.sender);
    }

    /// @inheritdoc IAssetOffering
    function replaceParty(uint256 offeringId, Party party, uint32 orgId) external whenNotPaused {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        if (!_hasRole(Roles.REGULATOR, msg.sender)) revert OfferingNotRegulator(msg.sender);
        Offering storage o = $.offerings[offeringId];
        if (o.state != State.Succeeded) revert OfferingWrongState(offeringId, o.state);
        uint32 current = party == Party.Initiator
            ? o.initiatorOrg
            : party == Party.Beneficiary
                ? o.beneficiaryOrg
                : o.cosignerOrg;
        if (current == 0 || !_partyGone(current, party)) revert OfferingPartyInPlace(offeringId, party, current);
        IConsortium c = consortium();
        bool valid = !_inactive(orgId) && c.member(orgId).kind == IConsortium.Kind.Organisation;
        if (party == Party.Initiator) {
            valid =
                valid &&
                orgId != o.cosignerOrg &&
                (c.memberHasRole(orgId, Roles.ASSET_OPERATOR) || c.memberHasRole(orgId, Roles.REGULATOR));
            if (valid) o.initiatorOrg = orgId;
        } else if (party == Party.Beneficiary) {
            valid = valid && orgId != o.cosignerOrg;
            if (valid) o.beneficiaryOrg = orgId;
        } else {
            valid = valid && orgId != o.beneficiaryOrg && orgId != o.initiatorOrg;
            if (valid) o.cosignerOrg = orgId;
        }
        if (!valid) revert OfferingInvalidParty(offeringId, party, orgId);
        emit OfferingPartyReplaced(offeringId, party, current, orgId, msg.sender);
    }

    /// @inheritdoc IAssetOffering
    function sweepToHolders(uint256 offeringId) external nonReentrant returns (uint256 amount) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        Offering storage o = $.offerings[offeringId];
        if (o.state != State.Succeeded) revert OfferingWrongState(offeringId, o.state);
        uint256 due = uint256(o.finalisedAt) + ESCROW_TIMEOUT;
        if (block.timestamp < due) revert OfferingEscrowNotDue(offeringId, due);
        uint256 raised = uint256(o.sold) * o.price;
        amount = raised - o.released;
        if (amount == 0) revert OfferingNothingToWithdraw(offeringId);
        Milestone[] storage list = $.milestones[offeringId];
        for (uint256 i = 0; i < list.length; ++i) list[i].released = true;
        // raised = sold * price < 2^128 (checked in _checkTerms).
        o.released = uint128(raised);
        emit OfferingEscrowSwept(offeringId, amount);
        IERC20(o.paymentToken).safeTransfer(o.shareToken, amount);
        IAssetShareToken(o.shareToken).depositFromOffering(o.paymentToken, amount);
    }

    /// @inheritdoc IAssetOffering
    function approveMilestone(uint256 offeringId, uint256 index) external whenNotPaused {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        Offering storage o = $.offerings[offeringId];
        if (o.state != State.Succeeded) revert OfferingWrongState(offeringId, o.state);
        Milestone[] storage list = $.milestones[offeringId];
        if (index >= list.length || list[index].released) revert OfferingInvalidMilestone(offeringId, index);
        Milestone storage m = list[index];
        uint32 orgId = 0;
        if (
            _roleOrg(Roles.ASSET_OPERATOR, msg.sender) == o.initiatorOrg ||
            _roleOrg(Roles.REGULATOR, msg.sender) == o.initiatorOrg
        ) {
            orgId = o.initiatorOrg;
            m.initiatorApproved = true;
        } else if (_activeOrgOf(msg.sender) == o.cosignerOrg) {
            orgId = o.cosignerOrg;
            m.cosignerApproved = true;
        } else {
            revert OfferingNotParty(offeringId, msg.sender);
        }
        emit MilestoneApproved(offeringId, index, orgId, m.initiatorApproved && m.cosignerApproved);
    }

    /// @inheritdoc IAssetOffering
    function withdraw(uint256 offeringId) external nonReentrant returns (uint256 amount) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        Offering storage o = $.offerings[offeringId];
        if (o.state != State.Succeeded) revert OfferingWrongState(offeringId, o.state);
        uint32 orgId = o.beneficiaryOrg;
        if (_activeOrgOf(msg.sender) != orgId) revert OfferingNotParty(offeringId, msg.sender);
        amount = _releasable(offeringId, o);
        if (amount == 0) revert OfferingNothingToWithdraw(offeringId);
        Milestone[] storage list = $.milestones[offeringId];
        for (uint256 i = 0; i < list.length; ++i) {
            Milestone storage m = list[i];
            if (m.initiatorApproved && m.cosignerApproved) m.released = true;
        }
        // released + amount <= raised = sold * price < 2^128 (checked in _checkTerms).
        o.released += uint128(amount);
        emit OfferingFundsReleased(offeringId, orgId, msg.sender, amount);
        IERC20(o.paymentToken).safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IAssetOffering
    function offering(uint256 offeringId) external view returns (Offering memory) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        Offering memory o = $.offerings[offeringId];
        if (o.state == State.None) revert OfferingUnknown(offeringId);
        return o;
    }

    /// @inheritdoc IAssetOffering
    function milestones(uint256 offeringId) external view returns (Milestone[] memory) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        return $.milestones[offeringId];
    }

    /// @inheritdoc IAssetOffering
    function releasable(uint256 offeringId) external view returns (uint256) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        Offering storage o = $.offerings[offeringId];
        if (o.state != State.Succeeded) return 0;
        return _releasable(offeringId, o);
    }

    /// @inheritdoc IAssetOffering
    function refundOwed(uint256 offeringId, address buyer) external view returns (uint256) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        return $.refundOwed[offeringId][buyer];
    }

    /// @inheritdoc IAssetOffering
    function unreleasedEscrow(uint256 assetId) external view returns (address paymentToken, uint256 amount) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        uint256 id = $.succeededOf[assetId];
        if (id == 0) return (address(0), 0);
        Offering storage o = $.offerings[id];
        return (o.paymentToken, uint256(o.sold) * o.price - o.released);
    }

    /// @inheritdoc IAssetOffering
    function liveOffering(uint256 assetId) external view returns (uint256) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        return $.live[assetId];
    }

    /// @inheritdoc IAssetOffering
    function offeringCount() external view returns (uint256) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        return $.offeringCount;
    }

    /// @inheritdoc IAssetOffering
    function unrefundedShares(uint256 assetId) external view returns (uint256) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        return $.unrefunded[assetId];
    }

    /// @dev Burns `buyer`'s shares of a failed sale and books their refund for them to pull (a blocklisting
    /// payment token that refuses one buyer cannot hold the asset in Funding). The share token refuses a frozen buyer.
    function _book(uint256 offeringId, Offering storage o, address buyer) private returns (uint256 amount) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        // The callee is the offering's own share token (set by the registry, no callbacks); callers are nonReentrant.
        // slither-disable-next-line reentrancy-no-eth,reentrancy-benign,reentrancy-events
        uint256 shares = IAssetShareToken(o.shareToken).burnOffered(buyer, offeringId);
        // shares <= the failed sale's sold, all counted in $.unrefunded when it failed.
        $.unrefunded[o.assetId] -= shares;
        amount = shares * o.price;
        $.refundOwed[offeringId][buyer] += amount;
        emit OfferingRefundBooked(offeringId, buyer, shares, amount);
    }

    /// @dev What the beneficiary may take now: the whole raise without milestones, otherwise the approved,
    /// unreleased milestones (the last one takes the rounding remainder so the total is exactly the raise).
    /// Bounded by MAX_MILESTONES.
    function _releasable(uint256 offeringId, Offering storage o) private view returns (uint256 amount) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        uint256 raised = uint256(o.sold) * o.price;
        Milestone[] storage list = $.milestones[offeringId];
        uint256 n = list.length;
        if (n == 0) return raised - o.released;
        uint256 allocated = 0;
        for (uint256 i = 0; i < n; ++i) {
            Milestone storage m = list[i];
            uint256 part = i == n - 1 ? raised - allocated : (raised * m.bps) / 10_000;
            allocated += part;
            if (!m.released && m.initiatorApproved && m.cosignerApproved) {
                amount += part;
            }
        }
    }

    function _beforeStart(uint256 offeringId) private view returns (Offering storage o) {
        AssetOfferingStorage storage $ = _assetOfferingStorage();
        o = $.offerings[offeringId];
        if (o.state != State.Open) revert OfferingWrongState(offeringId, o.state);
        if (_roleOrg(Roles.ASSET_OPERATOR, msg.sender) != o.initiatorOrg) {
            revert OfferingNotInitiator(offeringId, msg.sender);
        }
        if (block.timestamp >= o.start) revert OfferingStarted(offeringId, o.start);
    }

    function _activeOrgOf(address account) private view returns (uint32 orgId) {
        IConsortium c = consortium();
        orgId = c.memberOf(account);
        if (orgId != 0 && c.member(orgId).status != IConsortium.Status.Active) return 0;
    }

    function _checkTerms(Terms calldata t, uint32 initiatorOrg, address shareToken) private view {
        // Only a token the asset accepts for revenue: the escrow may one day become the holders' revenue.
        if (t.paymentToken == address(0) || !IAssetShareToken(shareToken).acceptsPaymentToken(t.paymentToken)) {
            revert OfferingInvalidTerms(t.assetId, "payment token");
        }
        if (t.price == 0 || uint256(t.price) * t.hardCap >= 2 ** 128) revert OfferingInvalidTerms(t.assetId, "price");
        if (t.softCap == 0 || t.softCap > t.hardCap) revert OfferingInvalidTerms(t.assetId, "caps");
        IAssetShareToken token = IAssetShareToken(shareToken);
        if (t.hardCap > token.cap() - IERC20(shareToken).totalSupply())
            revert OfferingInvalidTerms(t.assetId, "hard cap above cap");
        if (t.start < block.timestamp || t.deadline <= t.start) revert OfferingInvalidTerms(t.assetId, "times");
        if (t.minPerInvestor == 0 || t.minPerInvestor > t.maxPerInvestor) {
            revert OfferingInvalidTerms(t.assetId, "investor limits");
        }
        uint256 n = t.milestoneBps.length;
        if (n == 0) {
            if (t.beneficiaryOrg != 0 || t.cosignerOrg != 0) revert OfferingInvalidTerms(t.assetId, "parties");
            return;
        }
        if (
            t.beneficiaryOrg == 0 ||
            t.cosignerOrg == 0 ||
            t.cosignerOrg == initiatorOrg ||
            t.cosignerOrg == t.beneficiaryOrg ||
            _inactive(t.beneficiaryOrg) ||
            _inactive(t.cosignerOrg) ||
            _person(t.beneficiaryOrg) ||
            _person(t.cosignerOrg)
        ) revert OfferingInvalidTerms(t.assetId, "parties");
        if (n > MAX_MILESTONES) revert OfferingInvalidTerms(t.assetId, "milestones");
        uint256 sum = 0;
        for (uint256 i = 0; i < n; ++i) {
            if (t.milestoneBps[i] == 0) revert OfferingInvalidTerms(t.assetId, "milestones");
            sum += t.milestoneBps[i];
        }
        if (sum != 10_000) revert OfferingInvalidTerms(t.assetId, "milestones");
    }

    /// @dev True when the member is a natural person (an investor or patient), who cannot be a party.
    function _person(uint32 orgId) private view returns (bool) {
        return consortium().member(orgId).kind == IConsortium.Kind.Person;
    }

    /// @dev True when a party can no longer act: its organisation was removed, or (initiator) it lost both
    /// ASSET_OPERATOR and REGULATOR. A suspension is temporary and replaces nobody.
    function _partyGone(uint32 orgId, Party party) private view returns (bool) {
        IConsortium.Member memory m = consortium().member(orgId);
        if (m.status == IConsortium.Status.Removed) return true;
        if (party != Party.Initiator) return false;
        return (m.roles & (Roles.mask(Roles.ASSET_OPERATOR) | Roles.mask(Roles.REGULATOR))) == 0;
    }

    /// @dev True when the organisation id is unknown or not an active member.
    function _inactive(uint32 orgId) private view returns (bool) {
        IConsortium c = consortium();
        return orgId > c.memberCount() || c.member(orgId).status != IConsortium.Status.Active;
    }

    function _assetOfferingStorage() private pure returns (AssetOfferingStorage storage $) {
        assembly ("memory-safe") {
            $.slot := ASSET_OFFERING_STORAGE
        }
    }
}
