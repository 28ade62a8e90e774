// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardUpgradeable.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ConsortiumGated} from "../consortium/ConsortiumGated.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {IHealthInsurance} from "../interfaces/IHealthInsurance.sol";
import {IMedicalRecords} from "../interfaces/IMedicalRecords.sol";
import {MedicalCodes} from "../libraries/MedicalCodes.sol";
import {Roles} from "../libraries/Roles.sol";

/**
 * @title HealthInsurance
 * @notice Policies, claims pools and automatically adjudicated claims. See IHealthInsurance.
 * @dev Payouts are pull payments: paying a claim moves its benefit from the insurer's pool to the payee
 * organisation's credit in storage, and the payee withdraws. Claims therefore never call the token, so a frozen or
 * blocklisted payee account (a tokenized deposit can freeze accounts) can neither block adjudication nor the other
 * claims of the same pool, and the hot path stays cheap. Token moves (premiums, funding, withdrawals) use SafeERC20
 * behind ReentrancyGuard, after the state change.
 * Sits behind an ERC-1967 proxy (UUPS, see ConsortiumGated), wired to the records proxy and the payment token by
 * immutables. While a regulator has paused it, policies, premiums, funding and claim decisions stop; what returns
 * money already owed stays open: settling an approved claim from funds already in the pool, withdrawing credit,
 * directing a removed member's credit and withdrawing the pool's free balance (never what approved claims are owed).
 * Invariant: token balance of this contract = Σ pool balances + Σ credits; per policy `used` ≤ `annualLimit`.
 */
contract HealthInsurance is ConsortiumGated, ReentrancyGuardUpgradeable, IHealthInsurance {
    using SafeERC20 for IERC20;

    /// @inheritdoc IHealthInsurance
    uint256 public constant MAX_CATEGORIES = 16;
    /// @inheritdoc IHealthInsurance
    uint256 public constant MAX_CLAIM_RECORDS = 8;
    /// @dev A policy covers at most one policy year, so its limit and deductible are annual.
    uint64 private constant MAX_COVERAGE = 366 days;
    uint16 private constant BPS = 10_000;
    /// @dev Internal marker of a record authored by another organisation (turned into FLAG_FOREIGN_RECORD).
    uint8 private constant _FOREIGN = 128;

    /// @dev A claim as stored: the benefit is derived (see `_benefit`), which saves a slot per paid claim.
    struct StoredClaim {
        uint64 policyId;
        uint32 providerOrg;
        ClaimStatus status;
        uint8 reviewFlags;
        uint48 serviceDate;
        uint96 submitted;
        uint96 eligible;
        uint96 deductibleApplied;
    }

    /// @dev Head and tail of an insurer's waiting line.
    struct Line {
        uint128 head;
        uint128 tail;
    }

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IERC20 private immutable _token;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IMedicalRecords private immutable _records;

    /// @custom:storage-location erc7201:citychain.storage.HealthInsurance
    struct HealthInsuranceStorage {
        mapping(uint256 policyId => Policy) policies;
        mapping(uint256 policyId => mapping(bytes32 category => bool)) covered;
        mapping(uint256 claimId => StoredClaim) claims;
        // keccak256(policy, record, service date) => the claim resting on it: one live claim per record and day.
        mapping(bytes32 serviceKey => uint256 claimId) claimOfService;
        // Per insurer, the approved claims waiting for funds, in approval order (FIFO settlement).
        mapping(uint32 insurerOrg => mapping(uint256 position => uint256 claimId)) waiting;
        mapping(uint32 insurerOrg => Line) lines;
        mapping(uint32 insurerOrg => Pool) pools;
        mapping(uint32 orgId => uint256) credits;
        uint256 policyCount;
        // claimCount and paused share one slot: submitting a claim reads both (one cold read instead of two). Claims
        // rest on policies whose ids are uint64; fewer than 2^64 claims ever exist.
        uint64 claimCount;
        bool paused;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.HealthInsurance")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant HEALTH_INSURANCE_STORAGE =
        0x361247ac7127c44c27c2fbae62a8255d8707cadb3106b23c39c2e091cc8f5600;

    /// @param consortium_ The consortium (its proxy).
    /// @param records_ The medical records contract (its proxy).
    /// @param token_ The payment token (premiums, pools, payouts).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_, IMedicalRecords records_, IERC20 token_) ConsortiumGated(consortium_) {
        _records = records_;
        _token = token_;
    }

    /// @notice Initialises the proxy (its reentrancy guard).
    function initialize() external initializer {
        __ReentrancyGuard_init();
        __UUPSUpgradeable_init();
    }

    // ------------------------------------------------------------------------------------------------ policies

    /// @inheritdoc IHealthInsurance
    function issuePolicy(PolicyTerms calldata terms) external whenNotPaused returns (uint256 policyId) {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        uint32 insurerOrg = _requireRole(Roles.INSURER);
        uint32 patientOrg = _roleOrg(Roles.PATIENT, terms.patient);
        if (patientOrg == 0) revert InsuranceNotPatient(terms.patient);
        if (
            terms.coverageStart >= terms.coverageEnd ||
            terms.coverageEnd - terms.coverageStart > MAX_COVERAGE ||
            terms.coverageEnd <= block.timestamp
        ) revert InsuranceInvalidCoverage(terms.coverageStart, terms.coverageEnd);
        if (terms.annualLimit == 0) revert InsuranceInvalidLimit(terms.annualLimit);
        if (terms.coinsuranceBps >= BPS) revert InsuranceInvalidCoinsurance(terms.coinsuranceBps);
        if (terms.premium == 0) revert InsuranceInvalidPremium();
        if (terms.offerExpiresAt <= block.timestamp || terms.offerExpiresAt > terms.coverageEnd) {
            revert InsuranceInvalidOfferExpiry(terms.offerExpiresAt);
        }
        uint256 n = terms.coveredCategories.length;
        if (n == 0 || n > MAX_CATEGORIES) revert InsuranceInvalidCategories(n, MAX_CATEGORIES);
        policyId = ++$.policyCount;
        for (uint256 i; i < n; ++i) {
            bytes32 category = terms.coveredCategories[i];
            if (category == 0) revert InsuranceInvalidCategories(n, MAX_CATEGORIES);
            $.covered[policyId][category] = true;
        }
        $.policies[policyId] = Policy({
            patient: terms.patient,
            insurerOrg: insurerOrg,
            patientOrg: patientOrg,
            payee: terms.payee,
            coinsuranceBps: terms.coinsuranceBps,
            status: PolicyStatus.Offered,
            coverageStart: terms.coverageStart,
            coverageEnd: terms.coverageEnd,
            premium: terms.premium,
            annualLimit: terms.annualLimit,
            deductible: terms.deductible,
            used: 0,
            deductibleMet: 0,
            activatedAt: 0,
            offerExpiresAt: terms.offerExpiresAt
        });
        emit PolicyIssued(policyId, terms.patient, insurerOrg, terms);
    }

    /// @inheritdoc IHealthInsurance
    function payPremium(uint256 policyId) external whenNotPaused nonReentrant {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        Policy storage p = _existingPolicy(policyId);
        // Accepting binds the patient: only the patient or the guardian the patient named accepts.
        if (msg.sender != p.patient && msg.sender != _records.guardianOf(p.patient)) {
            revert InsuranceNotPolicyholder(msg.sender, p.patient);
        }
        if (p.status != PolicyStatus.Offered) revert InsurancePolicyNotOffered(policyId, p.status);
        if (block.timestamp > p.coverageEnd) revert InsurancePolicyExpired(policyId, p.coverageEnd);
        if (block.timestamp > p.offerExpiresAt) revert InsuranceOfferExpired(policyId, p.offerExpiresAt);
        uint96 premium = p.premium;
        p.status = PolicyStatus.Active;
        p.activatedAt = uint64(block.timestamp);
        Pool storage pl = $.pools[p.insurerOrg];
        pl.balance += premium;
        emit PolicyActivated(policyId, msg.sender, premium);
        _token.safeTransferFrom(msg.sender, address(this), premium);
    }

    /// @inheritdoc IHealthInsurance
    function withdrawOffer(uint256 policyId) external whenNotPaused {
        uint32 insurerOrg = _requireRole(Roles.INSURER);
        Policy storage p = _existingPolicy(policyId);
        if (p.insurerOrg != insurerOrg) revert InsuranceNotPolicyInsurer(policyId, insurerOrg);
        if (p.status != PolicyStatus.Offered) revert InsurancePolicyNotOffered(policyId, p.status);
        p.status = PolicyStatus.Withdrawn;
        emit OfferWithdrawn(policyId, insurerOrg);
    }

    // --------------------------------------------------------------------------------------------------- pools

    /// @inheritdoc IHealthInsurance
    function fundPool(uint256 amount) external whenNotPaused nonReentrant {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        uint32 insurerOrg = _requireRole(Roles.INSURER);
        if (amount == 0) revert InsuranceZeroAmount();
        Pool storage pl = $.pools[insurerOrg];
        uint128 balance = pl.balance + SafeCast.toUint128(amount);
        pl.balance = balance;
        emit PoolFunded(insurerOrg, msg.sender, amount, balance);
        _token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IHealthInsurance
    function withdrawPool(uint256 amount) external nonReentrant {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        uint32 insurerOrg = _requireRole(Roles.INSURER);
        if (amount == 0) revert InsuranceZeroAmount();
        Pool storage pl = $.pools[insurerOrg];
        uint256 available = _available(pl);
        if (amount > available) revert InsuranceInsufficientPool(insurerOrg, available, amount);
        // amount <= available <= balance, so the cast is exact and the subtraction cannot underflow.
        uint128 balance = pl.balance - uint128(amount);
        pl.balance = balance;
        emit PoolWithdrawn(insurerOrg, msg.sender, amount, balance);
        _token.safeTransfer(msg.sender, amount);
    }

    // -------------------------------------------------------------------------------------------------- claims

    /// @inheritdoc IHealthInsurance
    function submitClaim(
        ClaimInput calldata claim_,
        IMedicalRecords.ConsentTerms calldata consent
    ) external whenNotPaused returns (uint256 claimId, ClaimStatus status) {
        uint32 providerOrg = _requireRole(Roles.HOSPITAL);
        Policy storage p = _existingPolicy(claim_.policyId);
        _checkClaimInput(claim_, p);
        // No storage pointer local here: the function is at the stack limit.
        claimId = ++_healthInsuranceStorage().claimCount;
        _reserveService(claim_, claimId);
        uint8 flags = _reviewFlags(claim_, consent, p, providerOrg);

        StoredClaim storage c = _healthInsuranceStorage().claims[claimId];
        c.policyId = uint64(claim_.policyId);
        c.providerOrg = providerOrg;
        c.serviceDate = uint48(claim_.serviceDate);
        c.submitted = claim_.amount;
        emit ClaimSubmitted(
            claimId,
            claim_.policyId,
            providerOrg,
            claim_.fingerprint,
            claim_.recordIds,
            claim_.amount,
            claim_.serviceDate
        );

        if (flags == 0) {
            (uint96 deductible, uint96 benefit) = _adjudicate(p, claim_.amount);
            if (benefit > p.annualLimit - p.used) flags = MedicalCodes.FLAG_OVER_LIMIT;
            else return (claimId, _commit(claimId, c, p, claim_.amount, deductible, benefit, Outcome.Complete));
        }
        c.status = ClaimStatus.Pending;
        c.reviewFlags = flags;
        emit ClaimAdjudicated(
            claimId,
            Outcome.Queued,
            ClaimStatus.Pending,
            claim_.amount,
            0,
            0,
            0,
            bytes32(uint256(flags))
        );
        return (claimId, ClaimStatus.Pending);
    }

    /// @inheritdoc IHealthInsurance
    function approveClaim(uint256 claimId, uint96 eligible) external whenNotPaused returns (ClaimStatus status) {
        (StoredClaim storage c, Policy storage p) = _pendingClaimOfCallerInsurer(claimId);
        uint96 submitted = c.submitted;
        if (eligible == 0 || eligible > submitted) revert InsuranceInvalidEligible(claimId, eligible, submitted);
        (uint96 deductible, uint96 benefit) = _adjudicate(p, eligible);
        uint96 remaining = p.annualLimit - p.used;
        if (benefit > remaining) revert InsuranceOverLimit(claimId, benefit, remaining);
        return
            _commit(
                claimId,
                c,
                p,
                eligible,
                deductible,
                benefit,
                eligible < submitted ? Outcome.Partial : Outcome.Complete
            );
    }

    /// @inheritdoc IHealthInsurance
    function denyClaim(uint256 claimId, bytes32 reason) external whenNotPaused {
        (StoredClaim storage c, ) = _pendingClaimOfCallerInsurer(claimId);
        if (reason == 0) revert InsuranceMissingReason(claimId);
        // A denied claim frees its records and service date (see claimIdOfService) for a corrected claim.
        c.status = ClaimStatus.Denied;
        emit ClaimAdjudicated(claimId, Outcome.Complete, ClaimStatus.Denied, c.submitted, 0, 0, 0, reason);
    }

    /// @inheritdoc IHealthInsurance
    function settleClaim(uint256 claimId) external {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        StoredClaim storage c = _existingClaim(claimId);
        if (c.status != ClaimStatus.Approved) revert InsuranceWrongClaimStatus(claimId, c.status);
        Policy storage p = $.policies[c.policyId];
        Line storage line = $.lines[p.insurerOrg];
        uint256 next = $.waiting[p.insurerOrg][line.head];
        if (next != claimId) revert InsuranceNotNextInLine(claimId, next);
        Pool storage pl = $.pools[p.insurerOrg];
        uint96 benefit = _benefit(c.eligible, c.deductibleApplied, p.coinsuranceBps);
        if (pl.balance < benefit) revert InsurancePoolUnderfunded(p.insurerOrg, pl.balance, benefit);
        // The benefit was added to `owed` when the claim was approved and is removed only here, once.
        pl.owed -= benefit;
        delete $.waiting[p.insurerOrg][line.head];
        // head < tail: the line holds this claim.
        unchecked {
            ++line.head;
        }
        _pay(claimId, c, p, pl, benefit);
    }

    /// @inheritdoc IHealthInsurance
    function withdrawCredit() external nonReentrant returns (uint256 amount) {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        IConsortium cons = consortium();
        uint32 orgId = cons.memberOf(msg.sender);
        if (orgId == 0) revert InsuranceNotMember(msg.sender);
        // Suspension holds payouts; a removed member's credits are directed by a regulator (directCredit).
        IConsortium.Status status = cons.member(orgId).status;
        if (status != IConsortium.Status.Active) revert InsuranceMemberNotActive(orgId, status);
        amount = $.credits[orgId];
        if (amount == 0) revert InsuranceNothingToWithdraw(orgId);
        $.credits[orgId] = 0;
        emit CreditWithdrawn(orgId, msg.sender, amount);
        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IHealthInsurance
    function directCredit(uint32 orgId, address to) external nonReentrant returns (uint256 amount) {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        uint32 regulatorOrg = _requireRole(Roles.REGULATOR);
        if (to == address(0)) revert InsuranceZeroRecipient();
        IConsortium.Status status = consortium().member(orgId).status;
        if (status != IConsortium.Status.Removed) revert InsuranceMemberNotRemoved(orgId, status);
        amount = $.credits[orgId];
        if (amount == 0) revert InsuranceNothingToWithdraw(orgId);
        $.credits[orgId] = 0;
        emit CreditDirected(orgId, to, amount, regulatorOrg);
        _token.safeTransfer(to, amount);
    }

    // --------------------------------------------------------------------------------------------------- views

    /// @inheritdoc IHealthInsurance
    function paymentToken() external view returns (IERC20) {
        return _token;
    }

    /// @inheritdoc IHealthInsurance
    function records() external view returns (IMedicalRecords) {
        return _records;
    }

    /// @inheritdoc IHealthInsurance
    function policy(uint256 policyId) external view returns (Policy memory) {
        return _existingPolicy(policyId);
    }

    /// @inheritdoc IHealthInsurance
    function covers(uint256 policyId, bytes32 category) external view returns (bool) {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        return $.covered[policyId][category];
    }

    /// @inheritdoc IHealthInsurance
    function policyCount() external view returns (uint256) {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        return $.policyCount;
    }

    /// @inheritdoc IHealthInsurance
    function claim(uint256 claimId) external view returns (Claim memory) {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        StoredClaim storage c = _existingClaim(claimId);
        return
            Claim({
                policyId: c.policyId,
                providerOrg: c.providerOrg,
                status: c.status,
                reviewFlags: c.reviewFlags,
                serviceDate: c.serviceDate,
                submitted: c.submitted,
                eligible: c.eligible,
                deductibleApplied: c.deductibleApplied,
                benefit: _benefit(c.eligible, c.deductibleApplied, $.policies[c.policyId].coinsuranceBps)
            });
    }

    /// @inheritdoc IHealthInsurance
    function claimIdOfService(uint256 policyId, uint256 recordId, uint64 serviceDate) external view returns (uint256) {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        uint256 id = $.claimOfService[_serviceKey(policyId, recordId, serviceDate)];
        return id != 0 && $.claims[id].status != ClaimStatus.Denied ? id : 0;
    }

    /// @inheritdoc IHealthInsurance
    function nextToSettle(uint32 insurerOrg) external view returns (uint256) {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        return $.waiting[insurerOrg][$.lines[insurerOrg].head];
    }

    /// @inheritdoc IHealthInsurance
    function claimCount() external view returns (uint256) {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        return $.claimCount;
    }

    /// @inheritdoc IHealthInsurance
    function pool(uint32 insurerOrg) external view returns (Pool memory) {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        return $.pools[insurerOrg];
    }

    /// @inheritdoc IHealthInsurance
    function creditOf(uint32 orgId) external view returns (uint256) {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        return $.credits[orgId];
    }

    // ------------------------------------------------------------------------------------------------ internal

    /// @dev Hard refusals of a claim (revert, nothing stored): wrong patient, bad amounts or dates, a duplicate.
    function _checkClaimInput(ClaimInput calldata claim_, Policy storage p) private view {
        if (claim_.patient != p.patient) revert InsurancePatientMismatch(claim_.policyId, claim_.patient);
        if (claim_.amount == 0) revert InsuranceZeroAmount();
        if (claim_.serviceDate == 0 || claim_.serviceDate > block.timestamp) {
            revert InsuranceInvalidServiceDate(claim_.serviceDate);
        }
        if (claim_.fingerprint == 0) revert InsuranceInvalidFingerprint();
        uint256 n = claim_.recordIds.length;
        if (n == 0 || n > MAX_CLAIM_RECORDS) revert InsuranceInvalidRecords(n, MAX_CLAIM_RECORDS);
    }

    /**
     * @dev One live claim per policy, record and service date, from data the contract sees: whatever the order of
     * the records or of the billing codes, a second claim on the same record and day is refused while the first is
     * not denied. A record listed twice in one claim is refused the same way.
     */
    function _reserveService(ClaimInput calldata claim_, uint256 claimId) private {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        uint256 n = claim_.recordIds.length;
        // n <= MAX_CLAIM_RECORDS, checked by _checkClaimInput.
        for (uint256 i; i < n; ++i) {
            uint256 recordId = claim_.recordIds[i];
            bytes32 key = _serviceKey(claim_.policyId, recordId, claim_.serviceDate);
            uint256 existing = $.claimOfService[key];
            if (existing != 0 && (existing == claimId || $.claims[existing].status != ClaimStatus.Denied)) {
                revert InsuranceDuplicateClaim(claim_.policyId, recordId, claim_.serviceDate, existing);
            }
            $.claimOfService[key] = claimId;
        }
    }

    function _serviceKey(uint256 policyId, uint256 recordId, uint64 serviceDate) private pure returns (bytes32) {
        return keccak256(abi.encode(policyId, recordId, serviceDate));
    }

    /**
     * @dev The rules of automatic adjudication that a reviewer may still override, as MedicalCodes flags: policy
     * active on the service date (on or after activation, within coverage), insurer still an active INSURER, consent
     * to disclose every record to this insurer or hospital for payment, the claimant is the patient's own provider
     * (it admitted the patient and authored every record) or the patient's payment consent names it, every
     * record's category covered. Each record's disclosure to the insurer is
     * written to the patient's audit trail by the records contract. Records of another patient revert.
     */
    function _reviewFlags(
        ClaimInput calldata claim_,
        IMedicalRecords.ConsentTerms calldata consent,
        Policy storage p,
        uint32 providerOrg
    ) private returns (uint8 flags) {
        if (
            p.status != PolicyStatus.Active ||
            claim_.serviceDate < p.activatedAt ||
            claim_.serviceDate < p.coverageStart ||
            claim_.serviceDate > p.coverageEnd
        ) flags = MedicalCodes.FLAG_POLICY_INACTIVE;
        if (!consortium().memberHasRole(p.insurerOrg, Roles.INSURER)) flags |= MedicalCodes.FLAG_INSURER_INACTIVE;
        uint8 recordFlags = 0;
        uint256 n = claim_.recordIds.length;
        // n <= MAX_CLAIM_RECORDS, checked by _checkClaimInput.
        for (uint256 i; i < n; ++i) {
            recordFlags |= _recordFlags(claim_, consent, p, i, providerOrg);
        }
        flags |= recordFlags & ~_FOREIGN;
        // The claimant is paid automatically when the patient's payment consent names it; otherwise only on records
        // it authored for a patient it admitted (its own patient). Anything else goes to review.
        bool namedByPatient = recordFlags & MedicalCodes.FLAG_NO_PAYMENT_CONSENT == 0 &&
            consent.granteeOrg == providerOrg;
        if (!namedByPatient) {
            (uint32 admittedBy, ) = consortium().personAdmin(p.patientOrg);
            if (recordFlags & _FOREIGN != 0 || admittedBy != providerOrg) flags |= MedicalCodes.FLAG_FOREIGN_RECORD;
        }
    }

    /// @dev The flags one record raises (`_FOREIGN` when another organisation authored it), after the records
    /// contract audited its disclosure to the insurer.
    function _recordFlags(
        ClaimInput calldata claim_,
        IMedicalRecords.ConsentTerms calldata consent,
        Policy storage p,
        uint256 i,
        uint32 providerOrg
    ) private returns (uint8 flags) {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        uint256 recordId = claim_.recordIds[i];
        (address patient, uint32 authorOrg, bytes32 category, IMedicalRecords.Decision decision) = _records
            .discloseForClaim(recordId, claim_.consentId, consent, p.insurerOrg, providerOrg);
        if (patient != p.patient) revert InsuranceRecordOfOtherPatient(recordId, patient);
        if (!$.covered[claim_.policyId][category]) flags = MedicalCodes.FLAG_CATEGORY_NOT_COVERED;
        if (decision != IMedicalRecords.Decision.Permit) flags |= MedicalCodes.FLAG_NO_PAYMENT_CONSENT;
        if (authorOrg != providerOrg) flags |= _FOREIGN;
    }

    /// @dev Deductible still open this policy year applies first, then the patient's coinsurance share.
    function _adjudicate(Policy storage p, uint96 eligible) private view returns (uint96 deductible, uint96 benefit) {
        uint96 open = p.deductible > p.deductibleMet ? p.deductible - p.deductibleMet : 0;
        deductible = eligible < open ? eligible : open;
        benefit = _benefit(eligible, deductible, p.coinsuranceBps);
    }

    /// @dev (eligible − deductible) × (1 − coinsurance), rounded down in favour of the pool.
    function _benefit(uint96 eligible, uint96 deductible, uint16 coinsuranceBps) private pure returns (uint96) {
        // deductible <= eligible < 2^96 and BPS - coinsuranceBps <= 10^4 < 2^14, so the product fits in 2^110 and
        // the quotient is at most eligible − deductible, which fits in uint96.
        return uint96((uint256(eligible - deductible) * (BPS - coinsuranceBps)) / BPS);
    }

    /// @dev Books an approved benefit against the policy, then pays it if the pool's free balance covers it.
    function _commit(
        uint256 claimId,
        StoredClaim storage c,
        Policy storage p,
        uint96 eligible,
        uint96 deductible,
        uint96 benefit,
        Outcome outcome
    ) private returns (ClaimStatus status) {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        p.used += benefit;
        p.deductibleMet += deductible;
        c.eligible = eligible;
        c.deductibleApplied = deductible;
        Pool storage pl = $.pools[p.insurerOrg];
        uint256 available = _available(pl);
        status = available >= benefit ? ClaimStatus.Paid : ClaimStatus.Approved;
        emit ClaimAdjudicated(claimId, outcome, status, c.submitted, eligible, deductible, benefit, 0);
        if (status == ClaimStatus.Paid) {
            _pay(claimId, c, p, pl, benefit);
        } else {
            c.status = ClaimStatus.Approved;
            pl.owed += benefit;
            Line storage line = $.lines[p.insurerOrg];
            $.waiting[p.insurerOrg][line.tail] = claimId;
            // One position per approved claim: fewer than 2^128 claims ever exist.
            unchecked {
                ++line.tail;
            }
            emit ClaimAwaitingFunds(claimId, p.insurerOrg, benefit, available);
        }
    }

    /// @dev Moves the benefit from the pool to the payee's credit and closes the claim.
    function _pay(uint256 claimId, StoredClaim storage c, Policy storage p, Pool storage pl, uint96 benefit) private {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        uint32 payeeOrg = p.payee == Payee.Provider ? c.providerOrg : p.patientOrg;
        c.status = ClaimStatus.Paid;
        // Callers checked benefit <= balance (free balance on approval, whole balance on settlement).
        pl.balance -= benefit;
        $.credits[payeeOrg] += benefit;
        emit ClaimPaid(claimId, payeeOrg, benefit);
    }

    /// @dev The pool balance not owed to approved claims waiting for funds.
    function _available(Pool storage pl) private view returns (uint256) {
        (uint128 balance, uint128 owed) = (pl.balance, pl.owed);
        return balance > owed ? balance - owed : 0;
    }

    /// @dev A pending claim whose policy's insurer is the caller's organisation.
    function _pendingClaimOfCallerInsurer(
        uint256 claimId
    ) private view returns (StoredClaim storage c, Policy storage p) {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        uint32 orgId = _requireRole(Roles.INSURER);
        c = _existingClaim(claimId);
        p = $.policies[c.policyId];
        if (p.insurerOrg != orgId) revert InsuranceNotPolicyInsurer(c.policyId, orgId);
        if (c.status != ClaimStatus.Pending) revert InsuranceWrongClaimStatus(claimId, c.status);
    }

    /// @dev The policy, or revert if the id was never issued.
    function _existingPolicy(uint256 policyId) private view returns (Policy storage p) {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        p = $.policies[policyId];
        if (p.status == PolicyStatus.None) revert InsuranceUnknownPolicy(policyId);
    }

    /// @dev The claim, or revert if the id was never submitted.
    function _existingClaim(uint256 claimId) private view returns (StoredClaim storage c) {
        HealthInsuranceStorage storage $ = _healthInsuranceStorage();
        c = $.claims[claimId];
        if (c.status == ClaimStatus.None) revert InsuranceUnknownClaim(claimId);
    }

    /// @dev The pause flag lives beside the claim counter (see HealthInsuranceStorage).
    function _isDomainPaused() internal view override returns (bool) {
        return _healthInsuranceStorage().paused;
    }

    /// @dev See `_isDomainPaused`.
    function _setDomainPaused(bool paused) internal override {
        _healthInsuranceStorage().paused = paused;
    }

    function _healthInsuranceStorage() private pure returns (HealthInsuranceStorage storage $) {
        assembly ("memory-safe") {
            $.slot := HEALTH_INSURANCE_STORAGE
        }
    }
}
