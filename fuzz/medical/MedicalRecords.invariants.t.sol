// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Consortium} from "../../contracts/consortium/Consortium.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {MedicalRecords} from "../../contracts/medical/MedicalRecords.sol";
import {IMedicalRecords} from "../../contracts/interfaces/IMedicalRecords.sol";
import {MedicalCodes} from "../../contracts/libraries/MedicalCodes.sol";
import {HandlerBase} from "../base/FuzzBase.sol";
import {CityFuzz} from "../base/CityFuzz.sol";
import {Vm} from "../base/Vm.sol";

/**
 * @title RecordsHandler
 * @notice Drives consent and access: patients (or their guardians) grant consents to hospitals, the insurer or one
 * practitioner account, narrow them (a narrower grant, then the old one revoked) and revoke them; patients change
 * guardians; a practitioner account moves between the two hospitals; hospitals break the glass and a regulator
 * reviews; hospitals, the insurer and the practitioner ask for access and emergency access with random consents,
 * actions and purposes. Every `AccessAudited` event is checked when it is emitted against the handler's own ghost
 * of the consents and emergencies, not against the contract's decision.
 */
contract RecordsHandler is HandlerBase {
    MedicalRecords public immutable records;
    Consortium public immutable consortium;
    address private immutable _regulator;
    address private immutable _hospital;
    address private immutable _pharmacy;
    address private immutable _practitioner;
    address[] private _patients;
    address[] private _guardians;
    address[] private _accessors;
    uint256[] private _recordIds;
    bytes32[] private _categories;

    /// @dev Ghost of every consent granted: its terms and whether it was revoked.
    mapping(uint256 consentId => IMedicalRecords.ConsentTerms) private _terms;
    mapping(uint256 consentId => bool) public revoked;
    uint256 public consents;
    /// @dev Ghost of every emergency: hospital, patient, window end.
    mapping(uint256 emergencyId => uint32) private _emergencyOrg;
    mapping(uint256 emergencyId => address) private _emergencyPatient;
    mapping(uint256 emergencyId => uint64) private _emergencyEnd;
    uint256 public emergencies;

    /// @notice AccessAudited events seen; Permits seen; Permits without a valid basis (must stay 0).
    uint256 public audits;
    uint256 public permits;
    uint256 public unfoundedPermits;
    /// @notice Audit ids out of sequence (must stay 0).
    uint256 public auditGaps;

    constructor(
        MedicalRecords records_,
        Consortium consortium_,
        address regulator,
        address hospital,
        address pharmacy,
        address insurer,
        address practitioner,
        address[] memory patients,
        address[] memory guardians,
        uint256[] memory recordIds,
        bytes32[] memory categories
    ) {
        records = records_;
        consortium = consortium_;
        _regulator = regulator;
        _hospital = hospital;
        _pharmacy = pharmacy;
        _practitioner = practitioner;
        _patients = patients;
        _guardians = guardians;
        _recordIds = recordIds;
        _categories = categories;
        _accessors = [hospital, pharmacy, insurer, practitioner];
    }

    // ------------------------------------------------------------------ consent

    function grant(
        uint256 patientSeed,
        uint256 granteeSeed,
        uint256 bitsSeed,
        uint256 scopeSeed,
        uint256 timeSeed
    ) external {
        address patient = _pick(_patients, patientSeed);
        IMedicalRecords.ConsentTerms memory t = _newTerms(patient, granteeSeed, bitsSeed, scopeSeed, timeSeed);
        address by = granteeSeed % 5 == 4 ? records.guardianOf(patient) : patient;
        if (by == address(0)) by = patient;
        _record();
        vm.prank(by);
        try records.grantConsent(t) returns (uint256 id) {
            _terms[id] = t;
            consents = id;
            _accepted("grant");
        } catch {}
        _scan();
    }

    /// @notice Narrow a consent: grant the same grantee fewer actions and purposes, then revoke the old one.
    function narrow(uint256 consentSeed) external {
        if (consents == 0) return;
        uint256 id = _bound(consentSeed, 1, consents);
        if (revoked[id]) return;
        IMedicalRecords.ConsentTerms memory t = _terms[id];
        t.actions = t.actions & MedicalCodes.ACTION_ACCESS != 0 ? MedicalCodes.ACTION_ACCESS : t.actions;
        t.purposes = t.purposes & MedicalCodes.PURPOSE_TREATMENT != 0 ? MedicalCodes.PURPOSE_TREATMENT : t.purposes;
        if (t.validUntil <= block.timestamp) return;
        vm.prank(t.patient);
        try records.grantConsent(t) returns (uint256 narrower) {
            _terms[narrower] = t;
            consents = narrower;
            _revoke(id);
            _accepted("narrow");
        } catch {}
    }

    function revoke(uint256 consentSeed) external {
        if (consents == 0) return;
        _revoke(_bound(consentSeed, 1, consents));
    }

    function setGuardian(uint256 patientSeed, uint256 guardianSeed) external {
        address patient = _pick(_patients, patientSeed);
        address guardian = guardianSeed % 3 == 0 ? address(0) : _pick(_guardians, guardianSeed);
        vm.prank(patient);
        try records.setGuardian(guardian) {
            _accepted("setGuardian");
        } catch {}
    }

    /// @notice The practitioner account moves to the other hospital (removed by one admin, added by the other).
    function moveAccount() external {
        uint32 org = consortium.memberOf(_practitioner);
        (address from, address to) = org == consortium.memberOf(_hospital)
            ? (_hospital, _pharmacy)
            : (_pharmacy, _hospital);
        vm.prank(from);
        try consortium.removeAccount(_practitioner) {
            vm.prank(to);
            consortium.addAccount(_practitioner);
            _accepted("moveAccount");
        } catch {}
    }

    // ------------------------------------------------------------------ access

    function access(uint256 accessorSeed, uint256 recordSeed, uint256 consentSeed, uint256 requestSeed) external {
        address accessor = _pick(_accessors, accessorSeed);
        uint256 recordId = _recordIds[recordSeed % _recordIds.length];
        uint256 id = consents == 0 ? 0 : _bound(consentSeed, 1, consents);
        IMedicalRecords.ConsentTerms memory t = _terms[id];
        uint8 action = requestSeed % 2 == 0 ? MedicalCodes.ACTION_ACCESS : MedicalCodes.ACTION_DISCLOSE;
        uint8 purpose = uint8(1 << ((requestSeed >> 1) % 3));
        _record();
        vm.prank(accessor);
        try records.accessRecord(recordId, id, t, action, purpose) {
            _accepted("access");
        } catch {}
        _scan();
    }

    function breakGlass(uint256 hospitalSeed, uint256 recordSeed) external {
        address h = hospitalSeed % 2 == 0 ? _hospital : _pharmacy;
        uint256 recordId = _recordIds[recordSeed % _recordIds.length];
        _record();
        vm.prank(h);
        try records.breakGlass(recordId, uint8(1 + ((hospitalSeed >> 1) % 4))) returns (uint256 eid, uint256) {
            IMedicalRecords.Emergency memory e = records.emergency(eid);
            _emergencyOrg[eid] = consortium.memberOf(h);
            _emergencyPatient[eid] = records.record(recordId).patient;
            _emergencyEnd[eid] = uint64(block.timestamp) + records.BREAK_GLASS_WINDOW();
            emergencies = eid;
            // The contract's own record of the window agrees with the ghost.
            if (e.hospitalOrg != _emergencyOrg[eid] || e.expiresAt != _emergencyEnd[eid]) ++unfoundedPermits;
            _accepted("breakGlass");
        } catch {}
        _scan();
    }

    function emergencyAccess(uint256 hospitalSeed, uint256 emergencySeed, uint256 recordSeed) external {
        if (emergencies == 0) return;
        address h = hospitalSeed % 2 == 0 ? _hospital : _pharmacy;
        uint256 eid = _bound(emergencySeed, 1, emergencies);
        _record();
        vm.prank(h);
        try records.emergencyAccess(eid, _recordIds[recordSeed % _recordIds.length]) {
            _accepted("emergencyAccess");
        } catch {}
        _scan();
    }

    function review(uint256 emergencySeed, bool justified) external {
        if (emergencies == 0) return;
        vm.prank(_regulator);
        try records.reviewEmergency(_bound(emergencySeed, 1, emergencies), justified, keccak256("findings")) {
            _accepted("review");
        } catch {}
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 1, 3 days));
    }

    // ------------------------------------------------------------------ ghost checks

    function _revoke(uint256 id) private {
        IMedicalRecords.ConsentTerms memory t = _terms[id];
        vm.prank(t.patient);
        try records.revokeConsent(id, t) {
            revoked[id] = true;
            _accepted("revoke");
        } catch {}
    }

    function _newTerms(
        address patient,
        uint256 granteeSeed,
        uint256 bitsSeed,
        uint256 scopeSeed,
        uint256 timeSeed
    ) private view returns (IMedicalRecords.ConsentTerms memory t) {
        uint256 g = granteeSeed % 4;
        address account = g == 3 ? _practitioner : address(0);
        uint32 org = g == 0
            ? consortium.memberOf(_hospital)
            : (
                g == 1
                    ? consortium.memberOf(_pharmacy)
                    : (g == 2 ? consortium.memberOf(_accessors[2]) : consortium.memberOf(_practitioner))
            );
        bytes32[] memory scope = new bytes32[](1);
        bool byRecord = scopeSeed % 2 == 0;
        scope[0] = byRecord
            ? bytes32(_recordIds[(scopeSeed >> 1) % _recordIds.length])
            : _categories[(scopeSeed >> 1) % _categories.length];
        uint64 from = uint64(block.timestamp) + uint64(timeSeed % 2 == 0 ? 0 : (timeSeed >> 1) % 1 days);
        t = IMedicalRecords.ConsentTerms({
            patient: patient,
            granteeOrg: org,
            granteeAccount: account,
            actions: uint8(1 + (bitsSeed % 3)),
            purposes: uint8(1 + ((bitsSeed >> 2) % 7)),
            scopeKind: byRecord ? IMedicalRecords.ScopeKind.Records : IMedicalRecords.ScopeKind.Categories,
            validFrom: from,
            validUntil: from + uint64(1 hours + ((timeSeed >> 8) % 5 days)),
            scope: scope
        });
    }

    function _record() private {
        vm.recordLogs();
    }

    /// @dev Checks every AccessAudited of the last call: a Permit must rest on a consent the ghost says is valid now
    /// for that grantee, purpose, action and scope, or on an open emergency window of the accessor's hospital.
    function _scan() private {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter != address(records) || logs[i].topics[0] != IMedicalRecords.AccessAudited.selector) {
                continue;
            }
            ++audits;
            if (uint256(logs[i].topics[1]) != audits) ++auditGaps;
            (
                address accessor,
                uint32 accessorOrg,
                IMedicalRecords.Basis basis,
                uint256 basisId,
                uint8 action,
                uint8 purpose,
                IMedicalRecords.Decision decision
            ) = abi.decode(
                    logs[i].data,
                    (address, uint32, IMedicalRecords.Basis, uint256, uint8, uint8, IMedicalRecords.Decision)
                );
            if (decision != IMedicalRecords.Decision.Permit) continue;
            ++permits;
            address patient = address(uint160(uint256(logs[i].topics[2])));
            uint256 recordId = uint256(logs[i].topics[3]);
            bool founded = basis == IMedicalRecords.Basis.Consent
                ? _consentHolds(basisId, patient, recordId, accessor, accessorOrg, action, purpose)
                : _emergencyHolds(basisId, patient, accessorOrg);
            if (!founded) ++unfoundedPermits;
        }
    }

    function _consentHolds(
        uint256 id,
        address patient,
        uint256 recordId,
        address accessor,
        uint32 accessorOrg,
        uint8 action,
        uint8 purpose
    ) private view returns (bool) {
        if (id == 0 || id > consents || revoked[id]) return false;
        IMedicalRecords.ConsentTerms memory t = _terms[id];
        if (t.patient != patient || records.record(recordId).patient != patient) return false;
        if (consortium.memberOf(accessor) != accessorOrg || t.granteeOrg != accessorOrg) return false;
        if (t.granteeAccount != address(0) && t.granteeAccount != accessor) return false;
        if (block.timestamp < t.validFrom || block.timestamp >= t.validUntil) return false;
        if (t.actions & action == 0 || t.purposes & purpose == 0) return false;
        bytes32 wanted = t.scopeKind == IMedicalRecords.ScopeKind.Records
            ? bytes32(recordId)
            : records.record(recordId).category;
        return t.scope[0] == wanted;
    }

    function _emergencyHolds(uint256 eid, address patient, uint32 accessorOrg) private view returns (bool) {
        return
            eid != 0 &&
            eid <= emergencies &&
            _emergencyOrg[eid] == accessorOrg &&
            _emergencyPatient[eid] == patient &&
            block.timestamp < _emergencyEnd[eid];
    }
}

/**
 * @notice The audit trail's invariant: every Permit rests on a consent valid for that grantee, purpose, action,
 * scope and time, or on an open emergency window of that hospital; audit ids run without gaps.
 */
contract MedicalRecordsInvariants is CityFuzz {
    MedicalRecords internal records;
    RecordsHandler internal handler;

    function setUp() public {
        _formCity();
        vm.warp(1_800_000_000);
        // Behind its ERC-1967 proxy, initialised in the proxy's constructor, as deployMedical does.
        records = MedicalRecords(
            address(
                new ERC1967Proxy(address(new MedicalRecords(consortium)), abi.encodeCall(MedicalRecords.initialize, ()))
            )
        );
        address practitioner = _actor("practitioner");
        vm.prank(pharmacy);
        consortium.addAccount(practitioner);
        address[] memory patients = new address[](2);
        patients[0] = patient1;
        patients[1] = patient2;
        address[] memory guardians = new address[](2);
        guardians[0] = outsider;
        guardians[1] = outsider2;
        bytes32[] memory categories = new bytes32[](2);
        categories[0] = bytes32("DiagnosticReport");
        categories[1] = bytes32("Observation");
        uint256[] memory recordIds = new uint256[](4);
        for (uint256 i = 0; i < 4; ++i) {
            vm.prank(i % 2 == 0 ? hospital : pharmacy);
            recordIds[i] = records.anchorRecord(
                patients[i % 2],
                keccak256(abi.encode("record", i)),
                keccak256(abi.encode("where", i)),
                categories[i / 2],
                uint64(block.timestamp)
            );
        }
        handler = new RecordsHandler(
            records,
            consortium,
            regulator,
            hospital,
            pharmacy,
            insurer,
            practitioner,
            patients,
            guardians,
            recordIds,
            categories
        );
        targetContract(address(handler));
    }

    function invariant_everyPermitRestsOnAValidBasis() public view {
        assertEq(handler.unfoundedPermits(), 0, "a Permit without a valid consent or open emergency of the accessor");
    }

    function invariant_auditTrailHasNoGaps() public view {
        assertEq(handler.auditGaps(), 0, "audit ids out of sequence");
        assertEq(records.auditCount(), handler.audits(), "auditCount == AccessAudited events");
    }

    /// A run that asked for access under consents reached Permits: the invariant is not vacuous.
    function afterInvariant() public view {
        if (handler.audits() > 20) assertGe(handler.permits(), 1, "many audited attempts and not one Permit");
    }
}
