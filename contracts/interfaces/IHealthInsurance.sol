// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IConsortium} from "./IConsortium.sol";
import {IMedicalRecords} from "./IMedicalRecords.sol";

/**
 * @title IHealthInsurance
 * @notice Health insurance on the consortium chain, after HL7 FHIR Coverage, Claim and ClaimResponse. An INSURER
 * issues a policy to a PATIENT, who activates it by paying the premium in the payment token; the insurer funds a
 * claims pool. A HOSPITAL submits a claim resting on anchored records; it is adjudicated in the same transaction and
 * paid when every rule holds, otherwise queued for the insurer's review. Payouts are credited to the payee's
 * organisation and withdrawn by it (pull). An underfunded pool never pays part of a claim: the claim waits as
 * `Approved` until anyone settles it once the pool holds enough.
 */
interface IHealthInsurance {
    /// @notice Who receives a claim's benefit.
    enum Payee {
        Provider,
        Patient
    }

    /// @notice A policy is offered by the insurer, active once the patient (or guardian) pays its premium, and
    /// `Withdrawn` when the insurer withdraws the offer before that.
    enum PolicyStatus {
        None,
        Offered,
        Active,
        Withdrawn
    }

    /**
     * @notice Claim lifecycle: submitted → `Paid` (automatic) | `Pending` (review) → `Approved` (adjudicated,
     * waiting for funds) → `Paid`, or `Pending` → `Denied`. `Paid` and `Denied` are the closed states.
     */
    enum ClaimStatus {
        None,
        Pending,
        Approved,
        Paid,
        Denied
    }

    /// @notice FHIR ClaimResponse.outcome.
    enum Outcome {
        Queued,
        Complete,
        Partial
    }

    /// @notice What the insurer offers (FHIR Coverage + InsurancePlan benefit limits).
    struct PolicyTerms {
        address patient;
        uint64 coverageStart;
        uint64 coverageEnd;
        uint96 annualLimit;
        uint96 deductible;
        uint16 coinsuranceBps;
        uint96 premium;
        Payee payee;
        uint64 offerExpiresAt;
        bytes32[] coveredCategories;
    }

    /// @notice A policy as stored. `used` is the benefit committed (paid or approved); `deductibleMet` the deductible
    /// absorbed so far in the policy year.
    struct Policy {
        address patient;
        uint32 insurerOrg;
        uint32 patientOrg;
        Payee payee;
        uint16 coinsuranceBps;
        PolicyStatus status;
        uint64 coverageStart;
        uint64 coverageEnd;
        uint96 premium;
        uint96 annualLimit;
        uint96 deductible;
        uint96 used;
        uint96 deductibleMet;
        uint64 activatedAt;
        uint64 offerExpiresAt;
    }

    /// @notice What a hospital claims (FHIR Claim essentials).
    struct ClaimInput {
        uint256 policyId;
        address patient;
        uint256[] recordIds;
        uint96 amount;
        uint64 serviceDate;
        bytes32 fingerprint;
        uint256 consentId;
    }

    /// @notice A claim as stored; `benefit` is derived from `eligible`, `deductibleApplied` and the coinsurance.
    struct Claim {
        uint64 policyId;
        uint32 providerOrg;
        ClaimStatus status;
        uint8 reviewFlags;
        uint48 serviceDate;
        uint96 submitted;
        uint96 eligible;
        uint96 deductibleApplied;
        uint96 benefit;
    }

    /// @notice A claims pool: `balance` held for the insurer, `owed` to approved claims still waiting for funds.
    struct Pool {
        uint128 balance;
        uint128 owed;
    }

    /// @notice An insurer offered a policy to a patient.
    /// @param policyId The policy id.
    /// @param patient The patient.
    /// @param insurerOrg The insurer.
    /// @param terms The terms.
    event PolicyIssued(uint256 indexed policyId, address indexed patient, uint32 indexed insurerOrg, PolicyTerms terms);

    /// @notice The premium was paid into the insurer's pool and the policy became active.
    /// @param policyId The policy id.
    /// @param payer Who paid.
    /// @param premium The amount.
    event PolicyActivated(uint256 indexed policyId, address indexed payer, uint96 premium);

    /// @notice An insurer added funds to its claims pool.
    /// @param insurerOrg The insurer.
    /// @param from The paying account.
    /// @param amount The amount.
    /// @param balance The pool balance after.
    event PoolFunded(uint32 indexed insurerOrg, address indexed from, uint256 amount, uint256 balance);

    /// @notice An insurer took free funds out of its pool.
    /// @param insurerOrg The insurer.
    /// @param to The receiving account.
    /// @param amount The amount.
    /// @param balance The pool balance after.
    event PoolWithdrawn(uint32 indexed insurerOrg, address indexed to, uint256 amount, uint256 balance);

    /// @notice A hospital submitted a claim (FHIR Claim).
    /// @param claimId The claim id.
    /// @param policyId The policy.
    /// @param providerOrg The hospital.
    /// @param fingerprint HMAC of the billing facts under a per-claim random nonce that only the provider and the
    /// insurer hold: opaque to every other member.
    /// @param recordIds The records it rests on.
    /// @param amount The amount claimed.
    /// @param serviceDate The service date.
    event ClaimSubmitted(
        uint256 indexed claimId,
        uint256 indexed policyId,
        uint32 indexed providerOrg,
        bytes32 fingerprint,
        uint256[] recordIds,
        uint96 amount,
        uint64 serviceDate
    );

    /**
     * @notice A claim was adjudicated (FHIR ClaimResponse): `Queued` for review (with the flags that sent it
     * there), `Complete`/`Partial` when approved (automatically or by the insurer), `Complete` with zero benefit
     * and a reason when denied.
     * @param claimId The claim.
     * @param outcome The ClaimResponse outcome.
     * @param status The claim's status after adjudication.
     * @param submitted Amount submitted.
     * @param eligible Amount eligible.
     * @param deductible Deductible applied.
     * @param benefit Benefit payable.
     * @param reason Review flags (queued) or the insurer's denial reason code.
     */
    event ClaimAdjudicated(
        uint256 indexed claimId,
        Outcome outcome,
        ClaimStatus status,
        uint96 submitted,
        uint96 eligible,
        uint96 deductible,
        uint96 benefit,
        bytes32 reason
    );

    /// @notice An approved claim waits because the pool holds less than its benefit.
    /// @param claimId The claim.
    /// @param insurerOrg The insurer.
    /// @param benefit The benefit owed.
    /// @param available The pool's free balance.
    event ClaimAwaitingFunds(uint256 indexed claimId, uint32 indexed insurerOrg, uint96 benefit, uint256 available);

    /// @notice A claim's benefit was credited to the payee (withdrawable); the claim is closed.
    /// @param claimId The claim.
    /// @param payeeOrg The organisation credited (hospital or patient).
    /// @param benefit The amount.
    event ClaimPaid(uint256 indexed claimId, uint32 indexed payeeOrg, uint96 benefit);

    /// @notice A payee withdrew its credited benefits.
    /// @param payeeOrg The organisation.
    /// @param to The receiving account.
    /// @param amount The amount.
    event CreditWithdrawn(uint32 indexed payeeOrg, address indexed to, uint256 amount);

    /// @notice A regulator directed a removed member's credits to an account.
    /// @param orgId The removed member.
    /// @param to The recipient.
    /// @param amount The amount.
    /// @param regulatorOrg The regulator.
    event CreditDirected(uint32 indexed orgId, address indexed to, uint256 amount, uint32 indexed regulatorOrg);

    /// @notice The insurer withdrew an offer that was not accepted.
    /// @param policyId The policy.
    /// @param insurerOrg The insurer.
    event OfferWithdrawn(uint256 indexed policyId, uint32 indexed insurerOrg);

    /// @dev The account is not an active PATIENT.
    error InsuranceNotPatient(address account);
    /// @dev The coverage period is empty, longer than a policy year, or over.
    error InsuranceInvalidCoverage(uint64 coverageStart, uint64 coverageEnd);
    /// @dev The annual limit must be positive.
    error InsuranceInvalidLimit(uint96 annualLimit);
    /// @dev Coinsurance (the patient's share) must be below 10,000 basis points.
    error InsuranceInvalidCoinsurance(uint16 coinsuranceBps);
    /// @dev The premium must be positive.
    error InsuranceInvalidPremium();
    /// @dev Covered categories: 1..max, none zero.
    error InsuranceInvalidCategories(uint256 length, uint256 max);
    /// @dev No policy has this id.
    error InsuranceUnknownPolicy(uint256 policyId);
    /// @dev The policy is not waiting for its premium.
    error InsurancePolicyNotOffered(uint256 policyId, PolicyStatus status);
    /// @dev The coverage of the policy is over.
    error InsurancePolicyExpired(uint256 policyId, uint64 coverageEnd);
    /// @dev The amount must be positive.
    error InsuranceZeroAmount();
    /// @dev The pool's free balance (balance minus owed) is below the amount.
    error InsuranceInsufficientPool(uint32 insurerOrg, uint256 available, uint256 amount);
    /// @dev The claim's patient is not the policy's.
    error InsurancePatientMismatch(uint256 policyId, address patient);
    /// @dev A claim rests on 1..max records.
    error InsuranceInvalidRecords(uint256 length, uint256 max);
    /// @dev The record belongs to another patient. (An unknown record id reverts in the records contract with
    /// `MedicalUnknownRecord`.)
    error InsuranceRecordOfOtherPatient(uint256 recordId, address patient);
    /// @dev The service date is zero or in the future.
    error InsuranceInvalidServiceDate(uint64 serviceDate);
    /// @dev The fingerprint is zero.
    error InsuranceInvalidFingerprint();
    /// @dev A live (not denied) claim already rests on this record for this policy and service date.
    error InsuranceDuplicateClaim(uint256 policyId, uint256 recordId, uint64 serviceDate, uint256 claimId);
    /// @dev No claim has this id.
    error InsuranceUnknownClaim(uint256 claimId);
    /// @dev The caller's organisation is not the policy's insurer.
    error InsuranceNotPolicyInsurer(uint256 policyId, uint32 orgId);
    /// @dev The claim is not in the status the operation needs.
    error InsuranceWrongClaimStatus(uint256 claimId, ClaimStatus status);
    /// @dev The eligible amount must be 1..submitted.
    error InsuranceInvalidEligible(uint256 claimId, uint96 eligible, uint96 submitted);
    /// @dev The benefit exceeds the policy's remaining annual limit.
    error InsuranceOverLimit(uint256 claimId, uint96 benefit, uint96 remaining);
    /// @dev A denial needs a reason code.
    error InsuranceMissingReason(uint256 claimId);
    /// @dev The pool holds less than the claim's benefit.
    error InsurancePoolUnderfunded(uint32 insurerOrg, uint256 balance, uint96 benefit);
    /// @dev The account is not bound to a consortium member.
    error InsuranceNotMember(address account);
    /// @dev Nothing is credited to the caller's organisation.
    error InsuranceNothingToWithdraw(uint32 orgId);
    /// @dev Only the patient or the patient's guardian accepts a policy by paying its premium.
    error InsuranceNotPolicyholder(address caller, address patient);
    /// @dev The offer expired before it was accepted.
    error InsuranceOfferExpired(uint256 policyId, uint64 offerExpiresAt);
    /// @dev An offer expires after it is issued and before its coverage ends.
    error InsuranceInvalidOfferExpiry(uint64 offerExpiresAt);
    /// @dev Approved claims waiting for funds settle first in, first out.
    error InsuranceNotNextInLine(uint256 claimId, uint256 nextClaimId);
    /// @dev Credits are held while the payee organisation is not active.
    error InsuranceMemberNotActive(uint32 orgId, IConsortium.Status status);
    /// @dev Only a removed member's credits are directed by a regulator.
    error InsuranceMemberNotRemoved(uint32 orgId, IConsortium.Status status);
    /// @dev Credits cannot be directed to the zero address.
    error InsuranceZeroRecipient();

    /// @notice Offer a policy to a patient (INSURER).
    /// @param terms The terms.
    /// @return policyId The policy id.
    function issuePolicy(PolicyTerms calldata terms) external returns (uint256 policyId);

    /// @notice Accept an offered policy by paying its premium into the insurer's pool (the patient or the patient's
    /// guardian, before the offer expires). Coverage starts now: services before activation are not covered.
    /// @param policyId The policy.
    function payPremium(uint256 policyId) external;

    /// @notice Withdraw an offer that was not accepted yet (the policy's INSURER).
    /// @param policyId The policy.
    function withdrawOffer(uint256 policyId) external;

    /// @notice Direct a removed member's credits to an account (REGULATOR). Nothing is lost on removal.
    /// @param orgId The removed member.
    /// @param to The recipient.
    /// @return amount The amount directed.
    function directCredit(uint32 orgId, address to) external returns (uint256 amount);

    /// @notice Add funds to the caller's claims pool (INSURER).
    /// @param amount The amount (pulled with transferFrom).
    function fundPool(uint256 amount) external;

    /// @notice Take free funds (balance minus owed) out of the caller's claims pool (INSURER).
    /// @param amount The amount.
    function withdrawPool(uint256 amount) external;

    /**
     * @notice Submit a claim (HOSPITAL) and adjudicate it in the same transaction: paid when every rule holds,
     * `Approved` when only the pool is short, otherwise `Pending` for the insurer's review.
     * @param claim The claim.
     * @param consent The terms of `claim.consentId` (the patient's consent to disclose for payment).
     * @return claimId The claim id.
     * @return status Its status after adjudication.
     */
    function submitClaim(
        ClaimInput calldata claim,
        IMedicalRecords.ConsentTerms calldata consent
    ) external returns (uint256 claimId, ClaimStatus status);

    /// @notice Approve a pending claim in full or in part (the policy's INSURER).
    /// @param claimId The claim.
    /// @param eligible The eligible amount, 1..submitted (less is a partial approval).
    /// @return status Paid, or Approved when the pool is short.
    function approveClaim(uint256 claimId, uint96 eligible) external returns (ClaimStatus status);

    /// @notice Deny a pending claim with a reason code (the policy's INSURER).
    /// @param claimId The claim.
    /// @param reason The reason code (e.g. a FHIR adjudication-error code).
    function denyClaim(uint256 claimId, bytes32 reason) external;

    /// @notice Pay an approved claim that waited for funds (anyone, once the pool holds its benefit), first in,
    /// first out per insurer: only the oldest waiting claim of the pool settles.
    /// @param claimId The claim.
    function settleClaim(uint256 claimId) external;

    /// @notice Withdraw everything credited to the caller's organisation to the caller (active members only).
    /// @return amount The amount.
    function withdrawCredit() external returns (uint256 amount);

    /// @notice The payment token.
    /// @return The token.
    function paymentToken() external view returns (IERC20);

    /// @notice The medical records contract claims rest on.
    /// @return The records contract.
    function records() external view returns (IMedicalRecords);

    /// @notice A policy.
    /// @param policyId The policy id.
    /// @return The policy.
    function policy(uint256 policyId) external view returns (Policy memory);

    /// @notice Whether a policy covers a category.
    /// @param policyId The policy id.
    /// @param category The category code.
    /// @return True when covered.
    function covers(uint256 policyId, bytes32 category) external view returns (bool);

    /// @notice The number of policies issued.
    /// @return The count.
    function policyCount() external view returns (uint256);

    /// @notice A claim.
    /// @param claimId The claim id.
    /// @return The claim.
    function claim(uint256 claimId) external view returns (Claim memory);

    /// @notice The live (not denied) claim resting on a record for a policy and service date (0 if none).
    /// @param policyId The policy.
    /// @param recordId The record.
    /// @param serviceDate The service date.
    /// @return The claim id.
    function claimIdOfService(uint256 policyId, uint256 recordId, uint64 serviceDate) external view returns (uint256);

    /// @notice The oldest claim of an insurer's pool waiting for funds (0 if none).
    /// @param insurerOrg The insurer.
    /// @return The claim id.
    function nextToSettle(uint32 insurerOrg) external view returns (uint256);

    /// @notice The number of claims submitted.
    /// @return The count.
    function claimCount() external view returns (uint256);

    /// @notice An insurer's claims pool.
    /// @param insurerOrg The insurer.
    /// @return The pool.
    function pool(uint32 insurerOrg) external view returns (Pool memory);

    /// @notice The benefits credited to an organisation and not yet withdrawn.
    /// @param orgId The organisation.
    /// @return The amount.
    function creditOf(uint32 orgId) external view returns (uint256);

    /// @notice The largest number of covered categories per policy.
    /// @return The count.
    function MAX_CATEGORIES() external view returns (uint256);

    /// @notice The largest number of records per claim.
    /// @return The count.
    function MAX_CLAIM_RECORDS() external view returns (uint256);
}
