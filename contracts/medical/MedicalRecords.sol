// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ConsortiumGated} from "../consortium/ConsortiumGated.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {IMedicalRecords} from "../interfaces/IMedicalRecords.sol";
import {MedicalCodes} from "../libraries/MedicalCodes.sol";
import {Roles} from "../libraries/Roles.sol";

/**
 * @title MedicalRecords
 * @notice Record anchors, FHIR-style consent, the access audit trail and break-glass access. See IMedicalRecords.
 * @dev Consents are stored as the hash of their terms: a grant writes one slot and each check recomputes the hash
 * from the terms the caller supplies (read from `ConsentGranted`), so a forged or altered term is simply "unknown".
 * Revocation overwrites the hash with a sentinel, which takes effect in the same block.
 * Sits behind an ERC-1967 proxy (UUPS, see ConsortiumGated). While a regulator has paused it, anchoring, guardians,
 * grants, accesses, break-glass, reviews and claim disclosures stop; revoking a consent stays open, because a patient
 * can always withdraw consent and a revocation only takes rights away (it can neither disclose nor extend access).
 */
contract MedicalRecords is ConsortiumGated, IMedicalRecords {
    /// @inheritdoc IMedicalRecords
    uint64 public constant BREAK_GLASS_WINDOW = 1 hours;
    /// @inheritdoc IMedicalRecords
    uint256 public constant MAX_SCOPE = 16;
    /// @notice Most break-glass windows of one hospital awaiting review at once.
    uint256 public constant MAX_PENDING_EMERGENCIES = 3;
    /// @notice How long an unjustified review bars the hospital from breaking the glass.
    uint64 public constant BREAK_GLASS_BAR = 30 days;

    /// @dev Break-glass standing of a hospital.
    struct Standing {
        uint32 pendingReviews;
        uint64 barredUntil;
    }

    /// @dev Stored in place of a revoked consent's terms hash.
    bytes32 private constant REVOKED = bytes32(uint256(1));

    /// @custom:storage-location erc7201:citychain.storage.MedicalRecords
    struct MedicalRecordsStorage {
        mapping(uint256 recordId => Record) records;
        // Keyed by keccak256(author, content hash): another hospital cannot block the author by anchoring first.
        mapping(bytes32 authorAndHash => uint256 recordId) recordIdOf;
        mapping(uint32 hospitalOrg => Standing) standing;
        // The account that initialised the proxy: the only one that binds the claims processor, once.
        address deployer;
        // claimsProcessor, paused and auditCount share one slot: a claim's disclosure reads all three, an access
        // reads the last two (one cold read instead of three).
        address claimsProcessor;
        bool paused;
        uint64 auditCount;
        mapping(address patient => address guardian) guardians;
        mapping(uint256 consentId => bytes32 termsHash) consents;
        mapping(uint256 emergencyId => Emergency) emergencies;
        uint256 recordCount;
        uint256 consentCount;
        uint256 emergencyCount;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.MedicalRecords")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant MEDICAL_RECORDS_STORAGE =
        0x11dcfa44c3e9eb46f15a14053570aa77fef6515eecad5e378eec983f08ddc100;

    /// @param consortium_ The consortium (its proxy).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) ConsortiumGated(consortium_) {}

    /// @notice Initialises the proxy; its caller (the deployer) is the one account that binds the claims processor.
    function initialize() external initializer {
        __UUPSUpgradeable_init();
        _medicalRecordsStorage().deployer = msg.sender;
    }

    /// @inheritdoc IMedicalRecords
    function setClaimsProcessor(address processor) external whenNotPaused {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        if (msg.sender != $.deployer || $.claimsProcessor != address(0) || processor == address(0)) {
            revert MedicalClaimsProcessorLocked(msg.sender, $.claimsProcessor);
        }
        $.claimsProcessor = processor;
    }

    // ------------------------------------------------------------------------------------------------- records

    /// @inheritdoc IMedicalRecords
    function anchorRecord(
        address patient,
        bytes32 contentHash,
        bytes32 locationHash,
        bytes32 category,
        uint64 authoredAt
    ) external whenNotPaused returns (uint256 recordId) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        uint32 authorOrg = _requireRole(Roles.HOSPITAL);
        if (!_hasRole(Roles.PATIENT, patient)) revert MedicalNotPatient(patient);
        if (contentHash == 0 || locationHash == 0 || category == 0) {
            revert MedicalInvalidRecord(contentHash, locationHash, category);
        }
        if (authoredAt == 0 || authoredAt > block.timestamp) {
            revert MedicalInvalidAuthoredTime(authoredAt, block.timestamp);
        }
        bytes32 key = _recordKey(authorOrg, contentHash);
        uint256 existing = $.recordIdOf[key];
        if (existing != 0) revert MedicalRecordAlreadyAnchored(contentHash, existing);
        recordId = ++$.recordCount;
        $.records[recordId] = Record({
            patient: patient,
            authorOrg: authorOrg,
            authoredAt: authoredAt,
            category: category,
            contentHash: contentHash,
            locationHash: locationHash
        });
        $.recordIdOf[key] = recordId;
        emit RecordAnchored(recordId, patient, authorOrg, category, contentHash, locationHash, authoredAt);
    }

    // ------------------------------------------------------------------------------------------------- consent

    /// @inheritdoc IMedicalRecords
    function setGuardian(address guardian) external whenNotPaused {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        _requireRole(Roles.PATIENT);
        if (guardian == msg.sender) revert MedicalInvalidGuardian(guardian);
        address previous = $.guardians[msg.sender];
        $.guardians[msg.sender] = guardian;
        emit GuardianChanged(msg.sender, previous, guardian);
    }

    /// @inheritdoc IMedicalRecords
    function grantConsent(ConsentTerms calldata terms) external whenNotPaused returns (uint256 consentId) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        _requirePatientOrGuardian(terms.patient);
        if (!_hasRole(Roles.PATIENT, terms.patient)) revert MedicalNotPatient(terms.patient);
        _validateTerms(terms);
        consentId = ++$.consentCount;
        $.consents[consentId] = keccak256(abi.encode(terms));
        emit ConsentGranted(consentId, terms.patient, msg.sender, terms);
    }

    /// @inheritdoc IMedicalRecords
    function revokeConsent(uint256 consentId, ConsentTerms calldata terms) external {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        _requirePatientOrGuardian(terms.patient);
        bytes32 stored = $.consents[consentId];
        if (stored == REVOKED) revert MedicalConsentAlreadyRevoked(consentId);
        if (stored == 0 || stored != keccak256(abi.encode(terms))) revert MedicalUnknownConsent(consentId);
        $.consents[consentId] = REVOKED;
        emit ConsentRevoked(consentId, terms.patient, msg.sender);
    }

    // -------------------------------------------------------------------------------------------------- access

    /// @inheritdoc IMedicalRecords
    function accessRecord(
        uint256 recordId,
        uint256 consentId,
        ConsentTerms calldata terms,
        uint8 action,
        uint8 purpose
    ) external whenNotPaused returns (bool granted, uint256 auditId) {
        uint32 accessorOrg = _recipientOrg();
        _requireRequest(action, purpose);
        Record storage r = _existingRecord(recordId);
        address patient = r.patient;
        Decision decision = _decide(consentId, terms, r, recordId, action, purpose, accessorOrg);
        granted = decision == Decision.Permit;
        auditId = _audit(patient, recordId, accessorOrg, Basis.Consent, consentId, action, purpose, decision);
    }

    /// @inheritdoc IMedicalRecords
    function breakGlass(
        uint256 recordId,
        uint8 reason
    ) external whenNotPaused returns (uint256 emergencyId, uint256 auditId) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        uint32 hospitalOrg = _requireRole(Roles.HOSPITAL);
        if (reason == 0 || reason > MedicalCodes.MAX_EMERGENCY_REASON) revert MedicalInvalidReason(reason);
        address patient = _existingRecord(recordId).patient;
        Standing storage st = $.standing[hospitalOrg];
        if (block.timestamp < st.barredUntil) revert MedicalBreakGlassBarred(hospitalOrg, st.barredUntil);
        if (st.pendingReviews >= MAX_PENDING_EMERGENCIES) {
            revert MedicalTooManyPendingEmergencies(hospitalOrg, MAX_PENDING_EMERGENCIES);
        }
        // Bounded by MAX_PENDING_EMERGENCIES, checked above.
        unchecked {
            ++st.pendingReviews;
        }
        uint64 expiresAt = uint64(block.timestamp) + BREAK_GLASS_WINDOW;
        emergencyId = ++$.emergencyCount;
        $.emergencies[emergencyId] = Emergency({
            patient: patient,
            hospitalOrg: hospitalOrg,
            reason: reason,
            review: Review.Pending,
            openedAt: uint64(block.timestamp),
            expiresAt: expiresAt,
            openedBy: msg.sender,
            reviewerOrg: 0,
            findingsHash: 0
        });
        emit EmergencyAccessOpened(emergencyId, patient, hospitalOrg, recordId, reason, expiresAt);
        auditId = _audit(
            patient,
            recordId,
            hospitalOrg,
            Basis.Emergency,
            emergencyId,
            MedicalCodes.ACTION_ACCESS,
            MedicalCodes.PURPOSE_TREATMENT,
            Decision.Permit
        );
    }

    /// @inheritdoc IMedicalRecords
    function emergencyAccess(
        uint256 emergencyId,
        uint256 recordId
    ) external whenNotPaused returns (bool granted, uint256 auditId) {
        uint32 hospitalOrg = _requireRole(Roles.HOSPITAL);
        Emergency storage e = _existingEmergency(emergencyId);
        Record storage r = _existingRecord(recordId);
        Decision decision = Decision.Permit;
        if (e.hospitalOrg != hospitalOrg) decision = Decision.WrongGrantee;
        else if (r.patient != e.patient) decision = Decision.OtherPatient;
        else if (block.timestamp >= e.expiresAt) decision = Decision.EmergencyClosed;
        granted = decision == Decision.Permit;
        auditId = _audit(
            r.patient,
            recordId,
            hospitalOrg,
            Basis.Emergency,
            emergencyId,
            MedicalCodes.ACTION_ACCESS,
            MedicalCodes.PURPOSE_TREATMENT,
            decision
        );
    }

    /// @inheritdoc IMedicalRecords
    function reviewEmergency(uint256 emergencyId, bool justified, bytes32 findingsHash) external whenNotPaused {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        uint32 regulatorOrg = _requireRole(Roles.REGULATOR);
        Emergency storage e = _existingEmergency(emergencyId);
        if (e.review != Review.Pending) revert MedicalEmergencyAlreadyReviewed(emergencyId, e.review);
        if (e.hospitalOrg == regulatorOrg) revert MedicalSelfReview(emergencyId, regulatorOrg);
        Review review = justified ? Review.Justified : Review.Unjustified;
        Standing storage st = $.standing[e.hospitalOrg];
        // Every pending emergency counted one when it opened, and this one is reviewed only once.
        unchecked {
            --st.pendingReviews;
        }
        if (!justified) st.barredUntil = uint64(block.timestamp) + BREAK_GLASS_BAR;
        e.review = review;
        e.reviewerOrg = regulatorOrg;
        e.findingsHash = findingsHash;
        emit EmergencyReviewed(emergencyId, e.patient, regulatorOrg, review, findingsHash);
    }

    // --------------------------------------------------------------------------------------------------- views

    /// @inheritdoc IMedicalRecords
    function checkConsent(
        uint256 consentId,
        ConsentTerms calldata terms,
        uint256 recordId,
        uint8 action,
        uint8 purpose
    ) external view returns (Decision) {
        _requireRequest(action, purpose);
        return _decide(consentId, terms, _existingRecord(recordId), recordId, action, purpose, 0);
    }

    /// @inheritdoc IMedicalRecords
    function discloseForClaim(
        uint256 recordId,
        uint256 consentId,
        ConsentTerms calldata terms,
        uint32 insurerOrg,
        uint32 providerOrg
    ) external whenNotPaused returns (address patient, uint32 authorOrg, bytes32 category, Decision decision) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        if (msg.sender != $.claimsProcessor || msg.sender == address(0)) revert MedicalNotClaimsProcessor(msg.sender);
        Record storage r = _existingRecord(recordId);
        (patient, authorOrg, category) = (r.patient, r.authorOrg, r.category);
        decision = _decide(
            consentId,
            terms,
            r,
            recordId,
            MedicalCodes.ACTION_DISCLOSE,
            MedicalCodes.PURPOSE_PAYMENT,
            0
        );
        // The disclosure goes to the insurer: the consent must name the insurer, or the provider that discloses.
        if (
            decision == Decision.Permit &&
            (terms.granteeAccount != address(0) || (terms.granteeOrg != insurerOrg && terms.granteeOrg != providerOrg))
        ) decision = Decision.WrongGrantee;
        _audit(
            patient,
            recordId,
            insurerOrg,
            Basis.Consent,
            consentId,
            MedicalCodes.ACTION_DISCLOSE,
            MedicalCodes.PURPOSE_PAYMENT,
            decision
        );
    }

    /// @inheritdoc IMedicalRecords
    function claimsProcessor() external view returns (address) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        return $.claimsProcessor;
    }

    /// @inheritdoc IMedicalRecords
    function breakGlassStanding(uint32 hospitalOrg) external view returns (uint32 pendingReviews, uint64 barredUntil) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        Standing storage st = $.standing[hospitalOrg];
        return (st.pendingReviews, st.barredUntil);
    }

    /// @inheritdoc IMedicalRecords
    function record(uint256 recordId) external view returns (Record memory) {
        return _existingRecord(recordId);
    }

    /// @inheritdoc IMedicalRecords
    function recordIdOf(uint32 authorOrg, bytes32 contentHash) external view returns (uint256) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        return $.recordIdOf[_recordKey(authorOrg, contentHash)];
    }

    /// @inheritdoc IMedicalRecords
    function recordCount() external view returns (uint256) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        return $.recordCount;
    }

    /// @inheritdoc IMedicalRecords
    function guardianOf(address patient) external view returns (address) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        return $.guardians[patient];
    }

    /// @inheritdoc IMedicalRecords
    function consentState(uint256 consentId) external view returns (bytes32 termsHash, bool revoked) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        bytes32 stored = $.consents[consentId];
        revoked = stored == REVOKED;
        termsHash = revoked ? bytes32(0) : stored;
    }

    /// @inheritdoc IMedicalRecords
    function consentCount() external view returns (uint256) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        return $.consentCount;
    }

    /// @inheritdoc IMedicalRecords
    function emergency(uint256 emergencyId) external view returns (Emergency memory) {
        return _existingEmergency(emergencyId);
    }

    /// @inheritdoc IMedicalRecords
    function emergencyCount() external view returns (uint256) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        return $.emergencyCount;
    }

    /// @inheritdoc IMedicalRecords
    function auditCount() external view returns (uint256) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        return $.auditCount;
    }

    // ------------------------------------------------------------------------------------------------ internal

    /// @dev The key of a record: its author and its content hash.
    function _recordKey(uint32 authorOrg, bytes32 contentHash) private pure returns (bytes32) {
        return keccak256(abi.encode(authorOrg, contentHash));
    }

    /// @dev Reverts unless the caller is `patient` or the guardian `patient` named.
    function _requirePatientOrGuardian(address patient) private view {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        if (msg.sender != patient && msg.sender != $.guardians[patient]) {
            revert MedicalNotPatientOrGuardian(msg.sender, patient);
        }
    }

    /// @dev Reverts unless the terms are well formed: one active grantee, defined bits, bounded scope, open period.
    function _validateTerms(ConsentTerms calldata terms) private view {
        uint32 org = terms.granteeOrg;
        address account = terms.granteeAccount;
        IConsortium c = consortium();
        bool grantee = account == address(0)
            ? org != 0 && (c.memberHasRole(org, Roles.HOSPITAL) || c.memberHasRole(org, Roles.INSURER))
            : org != 0 && _roleOrg(Roles.HOSPITAL, account) == org;
        if (!grantee) revert MedicalInvalidGrantee(org, account);
        if (!MedicalCodes.isSubset(terms.actions, MedicalCodes.ALL_ACTIONS))
            revert MedicalInvalidActions(terms.actions);
        if (!MedicalCodes.isSubset(terms.purposes, MedicalCodes.ALL_PURPOSES)) {
            revert MedicalInvalidPurposes(terms.purposes);
        }
        uint256 n = terms.scope.length;
        if (n == 0 || n > MAX_SCOPE) revert MedicalInvalidScope(n, MAX_SCOPE);
        for (uint256 i; i < n; ++i) {
            if (terms.scope[i] == 0) revert MedicalInvalidScope(n, MAX_SCOPE);
        }
        if (terms.validFrom >= terms.validUntil || terms.validUntil <= block.timestamp) {
            revert MedicalInvalidPeriod(terms.validFrom, terms.validUntil);
        }
    }

    /// @dev The caller's organisation if it is an active HOSPITAL or INSURER; reverts otherwise.
    function _recipientOrg() private view returns (uint32 org) {
        org = _roleOrg(Roles.HOSPITAL, msg.sender);
        if (org == 0) org = _roleOrg(Roles.INSURER, msg.sender);
        if (org == 0) revert MedicalNotRecipient(msg.sender);
    }

    /// @dev Reverts unless the request names one defined action and one defined purpose.
    function _requireRequest(uint8 action, uint8 purpose) private pure {
        if (
            !MedicalCodes.isSingle(action, MedicalCodes.ALL_ACTIONS) ||
            !MedicalCodes.isSingle(purpose, MedicalCodes.ALL_PURPOSES)
        ) revert MedicalInvalidRequest(action, purpose);
    }

    /**
     * @dev The consent decision, in FHIR Consent evaluation order: the terms are the granted ones and stand, they are
     * the record's patient's, the asker is the grantee (skipped when `accessorOrg` is 0: views answer for any
     * grantee), the period is open, the action and purpose are permitted and the record is in scope.
     */
    function _decide(
        uint256 consentId,
        ConsentTerms calldata terms,
        Record storage r,
        uint256 recordId,
        uint8 action,
        uint8 purpose,
        uint32 accessorOrg
    ) private view returns (Decision) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        bytes32 stored = $.consents[consentId];
        if (stored == REVOKED) return Decision.Revoked;
        if (stored == 0 || stored != keccak256(abi.encode(terms))) return Decision.UnknownConsent;
        if (terms.patient != r.patient) return Decision.OtherPatient;
        // An account grant binds the account and its hospital: once the account moves, the consent no longer holds.
        if (
            accessorOrg != 0 &&
            (terms.granteeOrg != accessorOrg ||
                (terms.granteeAccount != address(0) && terms.granteeAccount != msg.sender))
        ) return Decision.WrongGrantee;
        if (block.timestamp < terms.validFrom) return Decision.NotYetValid;
        if (block.timestamp >= terms.validUntil) return Decision.Expired;
        if (terms.actions & action == 0) return Decision.ActionNotPermitted;
        if (terms.purposes & purpose == 0) return Decision.PurposeNotPermitted;
        bytes32 wanted = terms.scopeKind == ScopeKind.Categories ? r.category : bytes32(recordId);
        bytes32[] calldata scope = terms.scope;
        // The scope was bounded to MAX_SCOPE items when the consent (whose hash matched above) was granted.
        for (uint256 i; i < scope.length; ++i) {
            if (scope[i] == wanted) return Decision.Permit;
        }
        return Decision.OutOfScope;
    }

    /// @dev Writes the next audit record and returns its id.
    function _audit(
        address patient,
        uint256 recordId,
        uint32 accessorOrg,
        Basis basis,
        uint256 basisId,
        uint8 action,
        uint8 purpose,
        Decision decision
    ) private returns (uint256 auditId) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        auditId = ++$.auditCount;
        emit AccessAudited(
            auditId,
            patient,
            recordId,
            msg.sender,
            accessorOrg,
            basis,
            basisId,
            action,
            purpose,
            decision
        );
    }

    /// @dev The record, or revert if the id was never anchored.
    function _existingRecord(uint256 recordId) private view returns (Record storage r) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        r = $.records[recordId];
        if (r.patient == address(0)) revert MedicalUnknownRecord(recordId);
    }

    /// @dev The emergency, or revert if the id was never opened.
    function _existingEmergency(uint256 emergencyId) private view returns (Emergency storage e) {
        MedicalRecordsStorage storage $ = _medicalRecordsStorage();
        e = $.emergencies[emergencyId];
        if (e.patient == address(0)) revert MedicalUnknownEmergency(emergencyId);
    }

    /// @dev The pause flag lives beside the claims processor and the audit counter (see MedicalRecordsStorage).
    function _isDomainPaused() internal view override returns (bool) {
        return _medicalRecordsStorage().paused;
    }

    /// @dev See `_isDomainPaused`.
    function _setDomainPaused(bool paused) internal override {
        _medicalRecordsStorage().paused = paused;
    }

    function _medicalRecordsStorage() private pure returns (MedicalRecordsStorage storage $) {
        assembly ("memory-safe") {
            $.slot := MEDICAL_RECORDS_STORAGE
        }
    }
}
