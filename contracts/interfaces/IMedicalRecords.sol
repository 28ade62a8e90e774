// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title IMedicalRecords
 * @notice Anchors of off-chain encrypted medical records, patient consent modelled on HL7 FHIR Consent, an
 * AuditEvent-like trail of every access attempt (granted and denied), and break-glass emergency access reviewed by a
 * regulator. Nothing readable about a patient's health is stored: only hashes, category codes and pseudonymous
 * accounts. A consent's terms live in calldata and in the `ConsentGranted` event; the contract keeps their hash, so
 * a grant costs one storage slot and every check proves the terms it relies on.
 */
interface IMedicalRecords {
    /// @notice What a consent's `scope` lists: FHIR categories (resource type / document class) or record ids.
    enum ScopeKind {
        Categories,
        Records
    }

    /// @notice The decision of an access check (FHIR AuditEvent.outcome: `Permit` is success, the rest failures).
    enum Decision {
        Permit,
        UnknownConsent,
        Revoked,
        OtherPatient,
        WrongGrantee,
        NotYetValid,
        Expired,
        ActionNotPermitted,
        PurposeNotPermitted,
        OutOfScope,
        EmergencyClosed
    }

    /// @notice What an access rested on.
    enum Basis {
        Consent,
        Emergency
    }

    /// @notice A regulator's review of a break-glass access.
    enum Review {
        Pending,
        Justified,
        Unjustified
    }

    /// @notice An anchored record (FHIR DocumentReference essentials).
    struct Record {
        address patient;
        uint32 authorOrg;
        uint64 authoredAt;
        bytes32 category;
        bytes32 contentHash;
        bytes32 locationHash;
    }

    /**
     * @notice The terms of a consent (FHIR Consent.provision). The grantee: an organisation id alone (any of its
     * accounts), or one practitioner account together with its hospital's id (only that account, only while it
     * belongs to that hospital). `actions`/`purposes` are bit sets (MedicalCodes). `scope` holds
     * category codes or record ids (as bytes32), 1..MAX_SCOPE of them. Valid from `validFrom` (inclusive) until
     * `validUntil` (exclusive).
     */
    struct ConsentTerms {
        address patient;
        uint32 granteeOrg;
        address granteeAccount;
        uint8 actions;
        uint8 purposes;
        ScopeKind scopeKind;
        uint64 validFrom;
        uint64 validUntil;
        bytes32[] scope;
    }

    /// @notice A break-glass window opened by a hospital.
    struct Emergency {
        address patient;
        uint32 hospitalOrg;
        uint8 reason;
        Review review;
        uint64 openedAt;
        uint64 expiresAt;
        address openedBy;
        uint32 reviewerOrg;
        bytes32 findingsHash;
    }

    /// @notice A hospital anchored a record for a patient.
    /// @param recordId The new record id.
    /// @param patient The patient's pseudonymous account.
    /// @param authorOrg The authoring hospital.
    /// @param category FHIR category code (bytes32).
    /// @param contentHash Hash of the encrypted document.
    /// @param locationHash Salted hash of the storage location.
    /// @param authoredAt When the document was authored.
    event RecordAnchored(
        uint256 indexed recordId,
        address indexed patient,
        uint32 indexed authorOrg,
        bytes32 category,
        bytes32 contentHash,
        bytes32 locationHash,
        uint64 authoredAt
    );

    /// @notice A patient named, replaced or removed (zero) the guardian who may manage consent for them.
    /// @param patient The patient.
    /// @param previousGuardian The former guardian (zero if none).
    /// @param guardian The new guardian (zero if removed).
    event GuardianChanged(address indexed patient, address indexed previousGuardian, address indexed guardian);

    /// @notice A consent was granted; the terms are only here and in calldata (the contract keeps their hash).
    /// @param consentId The consent id.
    /// @param patient The patient.
    /// @param by The patient or their guardian.
    /// @param terms The full terms.
    event ConsentGranted(uint256 indexed consentId, address indexed patient, address indexed by, ConsentTerms terms);

    /// @notice A consent was revoked, with immediate effect.
    /// @param consentId The consent id.
    /// @param patient The patient.
    /// @param by The patient or their guardian.
    event ConsentRevoked(uint256 indexed consentId, address indexed patient, address indexed by);

    /// @notice An access attempt, granted or denied (FHIR AuditEvent: who, what, why, outcome).
    /// @param auditId Sequence number of the audit trail (no gaps).
    /// @param patient The record's patient.
    /// @param recordId The record.
    /// @param accessor The account that asked.
    /// @param accessorOrg The accessor's organisation.
    /// @param basis Consent or emergency.
    /// @param basisId The consent id or the emergency id.
    /// @param action The requested action bit.
    /// @param purpose The requested purpose bit.
    /// @param decision `Permit` or why it was denied.
    event AccessAudited(
        uint256 indexed auditId,
        address indexed patient,
        uint256 indexed recordId,
        address accessor,
        uint32 accessorOrg,
        Basis basis,
        uint256 basisId,
        uint8 action,
        uint8 purpose,
        Decision decision
    );

    /// @notice A hospital broke the glass: the patient is notified and a regulator review is pending.
    /// @param emergencyId The emergency id.
    /// @param patient The patient.
    /// @param hospitalOrg The hospital.
    /// @param recordId The record first accessed.
    /// @param reason The reason code.
    /// @param expiresAt End of the access window.
    event EmergencyAccessOpened(
        uint256 indexed emergencyId,
        address indexed patient,
        uint32 indexed hospitalOrg,
        uint256 recordId,
        uint8 reason,
        uint64 expiresAt
    );

    /// @notice A regulator recorded the outcome of a break-glass review.
    /// @param emergencyId The emergency id.
    /// @param patient The patient.
    /// @param regulatorOrg The reviewing regulator.
    /// @param review Justified or unjustified.
    /// @param findingsHash Hash of the review findings (kept off chain).
    event EmergencyReviewed(
        uint256 indexed emergencyId,
        address indexed patient,
        uint32 indexed regulatorOrg,
        Review review,
        bytes32 findingsHash
    );

    /// @dev The account is not an active PATIENT.
    error MedicalNotPatient(address account);
    /// @dev A record needs a content hash, a location hash and a category.
    error MedicalInvalidRecord(bytes32 contentHash, bytes32 locationHash, bytes32 category);
    /// @dev The authored time is zero or in the future.
    error MedicalInvalidAuthoredTime(uint64 authoredAt, uint256 nowTime);
    /// @dev This author already anchored a document with this content hash (records are keyed by author and hash).
    error MedicalRecordAlreadyAnchored(bytes32 contentHash, uint256 recordId);
    /// @dev No record has this id.
    error MedicalUnknownRecord(uint256 recordId);
    /// @dev A guardian cannot be the patient themself.
    error MedicalInvalidGuardian(address guardian);
    /// @dev The caller is neither the patient nor the patient's guardian.
    error MedicalNotPatientOrGuardian(address caller, address patient);
    /// @dev The grantee is an active HOSPITAL/INSURER organisation, or one account of an active hospital together
    /// with that hospital's id (the consent ends when the account leaves the organisation).
    error MedicalInvalidGrantee(uint32 granteeOrg, address granteeAccount);
    /// @dev The action set is empty or has undefined bits.
    error MedicalInvalidActions(uint8 actions);
    /// @dev The purpose set is empty or has undefined bits.
    error MedicalInvalidPurposes(uint8 purposes);
    /// @dev The scope must list 1..max items, none zero.
    error MedicalInvalidScope(uint256 length, uint256 max);
    /// @dev The validity period is empty or already over.
    error MedicalInvalidPeriod(uint64 validFrom, uint64 validUntil);
    /// @dev No active consent has this id and these terms.
    error MedicalUnknownConsent(uint256 consentId);
    /// @dev The consent was already revoked.
    error MedicalConsentAlreadyRevoked(uint256 consentId);
    /// @dev A request names exactly one defined action and one defined purpose.
    error MedicalInvalidRequest(uint8 action, uint8 purpose);
    /// @dev Only accounts of active HOSPITAL or INSURER organisations ask for access.
    error MedicalNotRecipient(address account);
    /// @dev The break-glass reason code is not defined.
    error MedicalInvalidReason(uint8 reason);
    /// @dev No emergency has this id.
    error MedicalUnknownEmergency(uint256 emergencyId);
    /// @dev The emergency was already reviewed.
    error MedicalEmergencyAlreadyReviewed(uint256 emergencyId, Review review);
    /// @dev Only the claims processor audits disclosures through claims.
    error MedicalNotClaimsProcessor(address caller);
    /// @dev The claims processor is set once, by the deployer.
    error MedicalClaimsProcessorLocked(address caller, address processor);
    /// @dev The hospital already has the most break-glass windows awaiting review.
    error MedicalTooManyPendingEmergencies(uint32 hospitalOrg, uint256 max);
    /// @dev An unjustified review bars the hospital from breaking the glass until `until`.
    error MedicalBreakGlassBarred(uint32 hospitalOrg, uint64 until);
    /// @dev A regulator does not review its own organisation's emergency.
    error MedicalSelfReview(uint256 emergencyId, uint32 orgId);

    /// @notice Anchor a record (HOSPITAL). The content hash must be new.
    /// @param patient The patient's account (an active PATIENT).
    /// @param contentHash Hash of the encrypted document.
    /// @param locationHash Salted hash of its storage location.
    /// @param category FHIR category code.
    /// @param authoredAt When it was authored (not in the future).
    /// @return recordId The new record id.
    function anchorRecord(
        address patient,
        bytes32 contentHash,
        bytes32 locationHash,
        bytes32 category,
        uint64 authoredAt
    ) external returns (uint256 recordId);

    /// @notice Name (or with zero remove) the guardian who may grant and revoke consent for the caller (PATIENT).
    /// @param guardian The guardian's account.
    function setGuardian(address guardian) external;

    /// @notice Grant a consent (the patient or their guardian).
    /// @param terms The terms; `terms.patient` is the patient.
    /// @return consentId The consent id.
    function grantConsent(ConsentTerms calldata terms) external returns (uint256 consentId);

    /// @notice Revoke a consent with immediate effect (the patient or their guardian).
    /// @param consentId The consent id.
    /// @param terms The terms it was granted with.
    function revokeConsent(uint256 consentId, ConsentTerms calldata terms) external;

    /**
     * @notice Ask before reading a record (accounts of active HOSPITAL/INSURER organisations). The attempt is
     * audited whatever the decision: a denial returns `false` and leaves only the audit record, it does not revert.
     * @param recordId The record.
     * @param consentId The consent relied on.
     * @param terms Its terms.
     * @param action One action bit.
     * @param purpose One purpose bit.
     * @return granted True when permitted.
     * @return auditId The audit record.
     */
    function accessRecord(
        uint256 recordId,
        uint256 consentId,
        ConsentTerms calldata terms,
        uint8 action,
        uint8 purpose
    ) external returns (bool granted, uint256 auditId);

    /**
     * @notice Break the glass (HOSPITAL): access a patient's record without consent for a fixed window, with a
     * reason code. Notifies the patient and opens a regulator review.
     * @param recordId The record needed now.
     * @param reason Reason code 1..MAX_EMERGENCY_REASON.
     * @return emergencyId The emergency id.
     * @return auditId The audit record of this first access.
     */
    function breakGlass(uint256 recordId, uint8 reason) external returns (uint256 emergencyId, uint256 auditId);

    /**
     * @notice Read another record of the same patient under an open emergency (accounts of its hospital). Audited
     * whatever the decision; after the window it is denied, not reverted.
     * @param emergencyId The emergency.
     * @param recordId The record.
     * @return granted True when the window is open and the record is the patient's.
     * @return auditId The audit record.
     */
    function emergencyAccess(uint256 emergencyId, uint256 recordId) external returns (bool granted, uint256 auditId);

    /// @notice Record the review outcome of a break-glass access (REGULATOR), once.
    /// @param emergencyId The emergency.
    /// @param justified Whether the access was justified.
    /// @param findingsHash Hash of the findings.
    function reviewEmergency(uint256 emergencyId, bool justified, bytes32 findingsHash) external;

    /**
     * @notice Whether a consent permits an action for a purpose on a record now, whoever the grantee is (callers
     * match the grantee themselves).
     * @param consentId The consent.
     * @param terms Its terms.
     * @param recordId The record.
     * @param action One action bit.
     * @param purpose One purpose bit.
     * @return decision `Permit` or the reason it does not.
     */
    function checkConsent(
        uint256 consentId,
        ConsentTerms calldata terms,
        uint256 recordId,
        uint8 action,
        uint8 purpose
    ) external view returns (Decision decision);

    /**
     * @notice Audit and decide a disclosure, for payment, of a record to an insurer through a claim (the claims
     * processor only). The disclosure is written to the patient's audit trail (`AccessAudited`, accessor the claims
     * processor, accessor organisation the insurer) whatever the decision.
     * @param recordId The record the claim rests on.
     * @param consentId The consent relied on.
     * @param terms Its terms: it must name the insurer or the claiming provider as grantee organisation.
     * @param insurerOrg The policy's insurer, to whom the record is disclosed.
     * @param providerOrg The claiming provider.
     * @return patient The record's patient.
     * @return authorOrg The record's author.
     * @return category The record's category.
     * @return decision `Permit` or the reason it does not.
     */
    function discloseForClaim(
        uint256 recordId,
        uint256 consentId,
        ConsentTerms calldata terms,
        uint32 insurerOrg,
        uint32 providerOrg
    ) external returns (address patient, uint32 authorOrg, bytes32 category, Decision decision);

    /// @notice Name the claims processor (the HealthInsurance contract), once, by the deployer of this contract.
    /// @param processor The claims processor.
    function setClaimsProcessor(address processor) external;

    /// @notice The claims processor allowed to audit disclosures through claims (zero until set).
    /// @return The claims processor.
    function claimsProcessor() external view returns (address);

    /// @notice The open break-glass windows awaiting review and the bar of a hospital.
    /// @param hospitalOrg The hospital.
    /// @return pendingReviews Emergencies of the hospital not yet reviewed.
    /// @return barredUntil Until when an unjustified review bars the hospital from breaking the glass.
    function breakGlassStanding(uint32 hospitalOrg) external view returns (uint32 pendingReviews, uint64 barredUntil);

    /// @notice A record.
    /// @param recordId The record id.
    /// @return The record.
    function record(uint256 recordId) external view returns (Record memory);

    /// @notice The record id of a content hash anchored by an author (0 if not anchored).
    /// @param authorOrg The authoring hospital.
    /// @param contentHash The content hash.
    /// @return The record id.
    function recordIdOf(uint32 authorOrg, bytes32 contentHash) external view returns (uint256);

    /// @notice The number of anchored records (ids run 1..count).
    /// @return The count.
    function recordCount() external view returns (uint256);

    /// @notice The guardian of a patient (zero if none).
    /// @param patient The patient.
    /// @return The guardian.
    function guardianOf(address patient) external view returns (address);

    /// @notice The stored state of a consent.
    /// @param consentId The consent id.
    /// @return termsHash keccak256(abi.encode(terms)) while the consent stands; zero if unknown or revoked.
    /// @return revoked Whether it was revoked.
    function consentState(uint256 consentId) external view returns (bytes32 termsHash, bool revoked);

    /// @notice The number of consents granted (ids run 1..count).
    /// @return The count.
    function consentCount() external view returns (uint256);

    /// @notice A break-glass emergency.
    /// @param emergencyId The emergency id.
    /// @return The emergency.
    function emergency(uint256 emergencyId) external view returns (Emergency memory);

    /// @notice The number of emergencies opened.
    /// @return The count.
    function emergencyCount() external view returns (uint256);

    /// @notice The number of audit records written (ids run 1..count).
    /// @return The count.
    function auditCount() external view returns (uint256);

    /// @notice The length of a break-glass window.
    /// @return Seconds.
    function BREAK_GLASS_WINDOW() external view returns (uint64);

    /// @notice The largest consent scope.
    /// @return Items.
    function MAX_SCOPE() external view returns (uint256);
}
