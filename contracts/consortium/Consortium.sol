// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {IBeacon} from "@openzeppelin/contracts/proxy/beacon/IBeacon.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {IConsortiumGated} from "../interfaces/IConsortiumGated.sol";
import {Roles} from "../libraries/Roles.sol";

/**
 * @title Consortium
 * @notice Membership, roles and governance of the city's permissioned chain. See {IConsortium}.
 * @dev Roles belong to organisations, not accounts: an account resolves to its organisation in one mapping read,
 * and the organisation's status and role set share one storage slot, so `roleOrg` costs two cold reads.
 * OpenZeppelin's AccessManager grants roles to addresses; here suspending an organisation must cut every
 * account it has at once, which is why the consortium keeps its own registry.
 *
 * The consortium sits behind an ERC-1967 proxy (UUPS) and upgrades itself, every domain proxy and the share-token
 * beacon only by vote: an executed upgrade proposal schedules the change, which anyone applies once the upgrade
 * delay is over and the implementation's code hash still equals the voted one; a vote can cancel it until then.
 * All state lives in the ERC-7201 namespace `citychain.storage.Consortium`.
 */
contract Consortium is Initializable, UUPSUpgradeable, IConsortium {
    /// @notice Most accounts one member may bind.
    uint256 public constant MAX_ACCOUNTS = 64;
    /// @notice Shortest and longest voting period.
    uint64 public constant MIN_VOTING_PERIOD = 1 hours;
    uint64 public constant MAX_VOTING_PERIOD = 90 days;
    /// @notice Most organisations ever admitted: a vote recounts the yes votes of its proposal's voters.
    uint256 public constant MAX_ORGANISATIONS = 128;
    /// @notice Shortest and longest upgrade delay: a minute suits test and PoA chains, ninety days is the cap.
    uint64 public constant MIN_UPGRADE_DELAY = 1 minutes;
    uint64 public constant MAX_UPGRADE_DELAY = 90 days;

    uint16 private constant _ALL_ROLES = uint16((1 << (Roles.MAX_ROLE + 1)) - 1);
    uint16 private constant _BPS = 10_000;

    /// @dev Hot data of a member, one slot: read by every permission check.
    struct Core {
        Status status;
        Kind kind;
        uint16 roles;
        uint64 joinedAt;
    }

    /// @dev Cold data of a member.
    struct Profile {
        string name;
        bytes32 metadataHash;
    }

    /// @dev Authority over a person's status.
    struct PersonAdmin {
        uint32 admittedBy;
        bool regulatorHold;
    }

    /// @custom:storage-location erc7201:citychain.storage.Consortium
    struct ConsortiumStorage {
        mapping(uint32 orgId => Core) core;
        mapping(uint32 orgId => Profile) profile;
        mapping(uint32 orgId => address[]) accounts;
        mapping(address account => uint32 orgId) memberOf;
        /// @dev 1-based position of an account in its member's `accounts`, for O(1) removal.
        mapping(address account => uint256) accountPos;
        mapping(uint256 proposalId => Proposal) proposals;
        mapping(uint256 proposalId => mapping(uint32 orgId => bool)) voted;
        /// @dev The organisations that voted yes, recounted at each vote: only those still active count.
        mapping(uint256 proposalId => uint32[]) yesVoters;
        /// @dev The account that adds and removes an organisation's accounts, once handed over; until then the founding
        /// account, which stays at position 0 of `accounts` because the admin can never be removed (see `_adminOf`).
        mapping(uint32 orgId => address) admin;
        /// @dev Who admitted a person, and whether a regulator holds its suspension or removal.
        mapping(uint32 orgId => PersonAdmin) personAdmins;
        uint32 memberCount;
        uint32 activeVoters;
        uint32 activeRegulators;
        uint32 organisationCount;
        uint16 quorumBps;
        uint64 votingPeriod;
        uint256 proposalCount;
        /// @dev Seconds between an upgrade vote and its earliest application.
        uint64 upgradeDelay;
        mapping(uint256 proposalId => UpgradeRequest) upgradeRequests;
        mapping(address target => ScheduledUpgrade) scheduled;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.Consortium")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CONSORTIUM_STORAGE = 0xe4d21fb05a9c5629681425354930ee85c32e814b77249f2c71ebe3b9e4ba3e00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /**
     * @notice Sets up the consortium behind its proxy (once, in the proxy's constructor).
     * @param founders The founding organisations, admitted without a vote. At least one must be a regulator.
     * @param quorumBps_ Quorum in basis points of active voting organisations (5001..10000).
     * @param votingPeriod_ Voting period of proposals, in seconds.
     * @param upgradeDelay_ Seconds between an upgrade vote and its earliest application.
     */
    function initialize(
        Founder[] calldata founders,
        uint16 quorumBps_,
        uint64 votingPeriod_,
        uint64 upgradeDelay_
    ) external initializer {
        ConsortiumStorage storage $ = _consortiumStorage();
        __UUPSUpgradeable_init();
        _setQuorum(quorumBps_);
        _setVotingPeriod(votingPeriod_);
        _setUpgradeDelay(upgradeDelay_);
        for (uint256 i = 0; i < founders.length; ++i) {
            Founder calldata f = founders[i];
            _validateOrganisation(f.name, f.roles, f.account);
            _admit(Kind.Organisation, f.name, f.metadataHash, f.roles, f.account);
        }
        if ($.activeRegulators == 0) revert ConsortiumLastRegulator(0);
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc IConsortium
    function proposeAdmission(
        string calldata name,
        bytes32 metadataHash,
        uint16 roles,
        address account
    ) external returns (uint256 proposalId) {
        _validateOrganisation(name, roles, account);
        Proposal storage p = _open(ProposalKind.Admit, 0);
        p.roles = roles;
        p.account = account;
        p.metadataHash = metadataHash;
        p.name = name;
        proposalId = _afterOpen();
    }

    /// @inheritdoc IConsortium
    function proposeRoles(uint32 orgId, uint16 roles) external returns (uint256 proposalId) {
        _checkRolesChange(orgId, roles);
        _open(ProposalKind.SetRoles, orgId).roles = roles;
        proposalId = _afterOpen();
    }

    /// @inheritdoc IConsortium
    function proposeStatus(uint32 orgId, ProposalKind kind) external returns (uint256 proposalId) {
        _checkStatusChange(orgId, kind);
        _open(kind, orgId);
        proposalId = _afterOpen();
    }

    /// @inheritdoc IConsortium
    function proposeQuorum(uint16 bps) external returns (uint256 proposalId) {
        if (bps <= _BPS / 2 || bps > _BPS) revert ConsortiumInvalidQuorum(bps);
        _open(ProposalKind.SetQuorum, 0).value = bps;
        proposalId = _afterOpen();
    }

    /// @inheritdoc IConsortium
    function proposeVotingPeriod(uint64 period) external returns (uint256 proposalId) {
        if (period < MIN_VOTING_PERIOD || period > MAX_VOTING_PERIOD) revert ConsortiumInvalidVotingPeriod(period);
        _open(ProposalKind.SetVotingPeriod, 0).value = period;
        proposalId = _afterOpen();
    }

    /// @inheritdoc IConsortium
    function proposeUpgrade(
        address target,
        address implementation,
        bytes32 codehash
    ) external returns (uint256 proposalId) {
        ConsortiumStorage storage $ = _consortiumStorage();
        // The caller first (in `_open`), then the upgrade: a refusal undoes the opening.
        Proposal storage p = _open(ProposalKind.Upgrade, 0);
        bool beacon = _checkUpgrade(target, implementation, codehash);
        _requireNothingScheduled(target);
        p.account = target;
        proposalId = $.proposalCount;
        $.upgradeRequests[proposalId] = UpgradeRequest({
            target: target,
            implementation: implementation,
            codehash: codehash,
            beacon: beacon
        });
        emit UpgradeProposed(proposalId, target, implementation, codehash, beacon);
        _afterOpen();
    }

    /// @inheritdoc IConsortium
    function proposeCancelUpgrade(address target) external returns (uint256 proposalId) {
        ConsortiumStorage storage $ = _consortiumStorage();
        Proposal storage p = _open(ProposalKind.CancelUpgrade, 0);
        uint256 upgradeId = $.scheduled[target].proposalId;
        if (upgradeId == 0) revert ConsortiumUpgradeNotScheduled(target);
        p.account = target;
        // Proposal ids count up by one per proposal: they never reach 2^64.
        p.value = uint64(upgradeId);
        proposalId = _afterOpen();
    }

    /// @inheritdoc IConsortium
    function proposeUnpause(address target) external returns (uint256 proposalId) {
        _open(ProposalKind.Unpause, 0).account = target;
        if (!_paused(target)) revert ConsortiumDomainNotPaused(target);
        proposalId = _afterOpen();
    }

    /// @inheritdoc IConsortium
    function proposeUpgradeDelay(uint64 delay) external returns (uint256 proposalId) {
        if (delay < MIN_UPGRADE_DELAY || delay > MAX_UPGRADE_DELAY) revert ConsortiumInvalidUpgradeDelay(delay);
        _open(ProposalKind.SetUpgradeDelay, 0).value = delay;
        proposalId = _afterOpen();
    }

    /// @inheritdoc IConsortium
    function applyUpgrade(address target) external {
        ConsortiumStorage storage $ = _consortiumStorage();
        ScheduledUpgrade memory u = $.scheduled[target];
        if (u.eta == 0) revert ConsortiumUpgradeNotScheduled(target);
        if (block.timestamp < u.eta) revert ConsortiumUpgradeTooEarly(target, u.eta);
        // The address may hold other code than the one voted on (CREATE2 redeployment after a selfdestruct).
        bytes32 actual = u.implementation.codehash;
        if (actual != u.codehash) revert ConsortiumUpgradeCodehashMismatch(u.implementation, u.codehash, actual);
        delete $.scheduled[target];
        if (u.beacon) {
            UpgradeableBeacon(target).upgradeTo(u.implementation);
        } else if (target == address(this)) {
            // An external self-call, so that `_authorizeUpgrade` sees the consortium itself as the caller.
            this.upgradeToAndCall(u.implementation, "");
        } else {
            UUPSUpgradeable(target).upgradeToAndCall(u.implementation, "");
        }
        emit UpgradeApplied(target, u.implementation, u.codehash, u.proposalId, msg.sender);
    }

    /// @inheritdoc IConsortium
    function vote(uint256 proposalId, bool support) external {
        ConsortiumStorage storage $ = _consortiumStorage();
        uint32 voter = _requireVoter(msg.sender);
        Proposal storage p = $.proposals[proposalId];
        if (p.state == ProposalState.None) revert ConsortiumUnknownProposal(proposalId);
        if (p.state != ProposalState.Open) revert ConsortiumProposalClosed(proposalId, p.state);
        if (block.timestamp > p.expiresAt) revert ConsortiumProposalExpired(proposalId, p.expiresAt);
        _castVote(proposalId, p, voter, support);
    }

    /// @inheritdoc IConsortium
    function cancel(uint256 proposalId) external {
        ConsortiumStorage storage $ = _consortiumStorage();
        uint32 orgId = _requireVoter(msg.sender);
        Proposal storage p = $.proposals[proposalId];
        if (p.state == ProposalState.None) revert ConsortiumUnknownProposal(proposalId);
        if (p.proposer != orgId) revert ConsortiumNotProposer(proposalId, orgId);
        if (p.state != ProposalState.Open) revert ConsortiumProposalClosed(proposalId, p.state);
        if (block.timestamp > p.expiresAt) revert ConsortiumProposalExpired(proposalId, p.expiresAt);
        p.state = ProposalState.Cancelled;
        emit ProposalCancelled(proposalId, orgId);
    }

    // ------------------------------------------------------------------ accounts and persons

    /// @inheritdoc IConsortium
    function addAccount(address account) external {
        ConsortiumStorage storage $ = _consortiumStorage();
        uint32 orgId = _requireAccountAdmin();
        if ($.core[orgId].kind != Kind.Organisation) revert ConsortiumWrongKind(orgId, Kind.Person);
        if ($.accounts[orgId].length >= MAX_ACCOUNTS) revert ConsortiumTooManyAccounts(orgId, MAX_ACCOUNTS);
        _bind(orgId, account);
        emit AccountAdded(orgId, account, msg.sender);
    }

    /// @inheritdoc IConsortium
    function removeAccount(address account) external {
        ConsortiumStorage storage $ = _consortiumStorage();
        uint32 orgId = _requireAccountAdmin();
        if ($.memberOf[account] != orgId) revert ConsortiumAccountNotOfMember(account, orgId);
        address[] storage list = $.accounts[orgId];
        if (list.length == 1) revert ConsortiumLastAccount(orgId);
        if (account == _adminOf(orgId)) revert ConsortiumAccountIsAdmin(account, orgId);
        uint256 pos = $.accountPos[account];
        address last = list[list.length - 1];
        list[pos - 1] = last;
        $.accountPos[last] = pos;
        list.pop();
        delete $.accountPos[account];
        delete $.memberOf[account];
        emit AccountRemoved(orgId, account, msg.sender);
    }

    /// @inheritdoc IConsortium
    function setAccountAdmin(address account) external {
        ConsortiumStorage storage $ = _consortiumStorage();
        uint32 orgId = _requireAccountAdmin();
        if ($.memberOf[account] != orgId) revert ConsortiumAccountNotOfMember(account, orgId);
        $.admin[orgId] = account;
        emit AccountAdminChanged(orgId, msg.sender, account, msg.sender);
    }

    /// @inheritdoc IConsortium
    function recoverAccountAdmin(uint32 orgId, address account) external {
        ConsortiumStorage storage $ = _consortiumStorage();
        if (_roleOrg(Roles.REGULATOR, msg.sender) == 0) revert ConsortiumMissingRole(msg.sender, Roles.REGULATOR);
        Core storage c = _requireOrganisation(orgId);
        if (c.status != Status.Suspended) revert ConsortiumMemberNotActive(orgId, c.status);
        if ($.memberOf[account] != orgId) revert ConsortiumAccountNotOfMember(account, orgId);
        address previous = _adminOf(orgId);
        $.admin[orgId] = account;
        emit AccountAdminChanged(orgId, previous, account, msg.sender);
    }

    /// @inheritdoc IConsortium
    function admitPerson(address account, uint8 role, bytes32 kycHash) external returns (uint32 orgId) {
        ConsortiumStorage storage $ = _consortiumStorage();
        uint32 admitter = _requirePersonAuthority(role);
        if (account == address(0)) revert ConsortiumZeroAccount();
        orgId = _admit(Kind.Person, "", kycHash, Roles.mask(role), account);
        $.personAdmins[orgId].admittedBy = admitter;
    }

    /// @inheritdoc IConsortium
    function setPersonStatus(uint32 orgId, Status status) external {
        ConsortiumStorage storage $ = _consortiumStorage();
        Core storage c = $.core[orgId];
        if (c.status == Status.None) revert ConsortiumUnknownMember(orgId);
        if (c.kind != Kind.Person) revert ConsortiumWrongKind(orgId, c.kind);
        PersonAdmin storage pa = $.personAdmins[orgId];
        bool regulator = _roleOrg(Roles.REGULATOR, msg.sender) != 0;
        if (!regulator) {
            uint8 role = (c.roles & Roles.mask(Roles.INVESTOR)) != 0 ? Roles.INVESTOR : Roles.PATIENT;
            // The admitting member, while it still holds the authority to admit such persons.
            if ($.memberOf[msg.sender] != pa.admittedBy || _personAuthority(role, msg.sender) == 0) {
                revert ConsortiumNotPersonAdmin(msg.sender, orgId);
            }
        }
        Status previous = c.status;
        bool allowed = (status == Status.Suspended && previous == Status.Active) ||
            (status == Status.Active && previous == Status.Suspended) ||
            (status == Status.Active && previous == Status.Removed && regulator) ||
            (status == Status.Removed && previous != Status.Removed);
        if (!allowed) revert ConsortiumInvalidStatusChange(orgId, previous, ProposalKind.Suspend);
        if (!regulator && pa.regulatorHold && previous != Status.Active)
            revert ConsortiumRegulatorHold(orgId, previous);
        // A regulator's suspension or removal holds until a regulator lifts it.
        pa.regulatorHold = regulator && status != Status.Active;
        c.status = status;
        emit MemberStatusChanged(orgId, previous, status);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IConsortium
    function hasRole(uint8 role, address account) external view returns (bool) {
        return _roleOrg(role, account) != 0;
    }

    /// @inheritdoc IConsortium
    function roleOrg(uint8 role, address account) external view returns (uint32) {
        return _roleOrg(role, account);
    }

    /// @inheritdoc IConsortium
    function memberHasRole(uint32 orgId, uint8 role) external view returns (bool) {
        ConsortiumStorage storage $ = _consortiumStorage();
        Core storage c = $.core[orgId];
        return c.status == Status.Active && (c.roles & Roles.mask(role)) != 0;
    }

    /// @inheritdoc IConsortium
    function memberOf(address account) external view returns (uint32) {
        ConsortiumStorage storage $ = _consortiumStorage();
        return $.memberOf[account];
    }

    /// @inheritdoc IConsortium
    function member(uint32 orgId) external view returns (Member memory m) {
        ConsortiumStorage storage $ = _consortiumStorage();
        Core memory c = $.core[orgId];
        if (c.status == Status.None) revert ConsortiumUnknownMember(orgId);
        Profile storage pr = $.profile[orgId];
        m = Member({
            name: pr.name,
            metadataHash: pr.metadataHash,
            status: c.status,
            kind: c.kind,
            roles: c.roles,
            joinedAt: c.joinedAt,
            accountCount: uint32($.accounts[orgId].length)
        });
    }

    /// @inheritdoc IConsortium
    function accountsOf(uint32 orgId) external view returns (address[] memory) {
        ConsortiumStorage storage $ = _consortiumStorage();
        if ($.core[orgId].status == Status.None) revert ConsortiumUnknownMember(orgId);
        return $.accounts[orgId];
    }

    /// @inheritdoc IConsortium
    function accountAdmin(uint32 orgId) external view returns (address) {
        ConsortiumStorage storage $ = _consortiumStorage();
        if ($.core[orgId].status == Status.None) return address(0);
        return _adminOf(orgId);
    }

    /// @inheritdoc IConsortium
    function personAdmin(uint32 orgId) external view returns (uint32 admittedBy, bool regulatorHold) {
        ConsortiumStorage storage $ = _consortiumStorage();
        PersonAdmin storage pa = $.personAdmins[orgId];
        return (pa.admittedBy, pa.regulatorHold);
    }

    /// @inheritdoc IConsortium
    function memberCount() external view returns (uint32) {
        ConsortiumStorage storage $ = _consortiumStorage();
        return $.memberCount;
    }

    /// @inheritdoc IConsortium
    function proposal(uint256 proposalId) external view returns (Proposal memory p) {
        ConsortiumStorage storage $ = _consortiumStorage();
        p = $.proposals[proposalId];
        if (p.state == ProposalState.None) revert ConsortiumUnknownProposal(proposalId);
        if (p.state == ProposalState.Open && block.timestamp > p.expiresAt) p.state = ProposalState.Expired;
    }

    /// @inheritdoc IConsortium
    function proposalCount() external view returns (uint256) {
        ConsortiumStorage storage $ = _consortiumStorage();
        return $.proposalCount;
    }

    /// @inheritdoc IConsortium
    function hasVoted(uint256 proposalId, uint32 orgId) external view returns (bool) {
        ConsortiumStorage storage $ = _consortiumStorage();
        return $.voted[proposalId][orgId];
    }

    /// @inheritdoc IConsortium
    function quorumBps() external view returns (uint16) {
        ConsortiumStorage storage $ = _consortiumStorage();
        return $.quorumBps;
    }

    /// @inheritdoc IConsortium
    function votingPeriod() external view returns (uint64) {
        ConsortiumStorage storage $ = _consortiumStorage();
        return $.votingPeriod;
    }

    /// @inheritdoc IConsortium
    function activeVoters() external view returns (uint32) {
        ConsortiumStorage storage $ = _consortiumStorage();
        return $.activeVoters;
    }

    /// @inheritdoc IConsortium
    function activeRegulators() external view returns (uint32) {
        ConsortiumStorage storage $ = _consortiumStorage();
        return $.activeRegulators;
    }

    /// @inheritdoc IConsortium
    function upgradeDelay() external view returns (uint64) {
        ConsortiumStorage storage $ = _consortiumStorage();
        return $.upgradeDelay;
    }

    /// @inheritdoc IConsortium
    function scheduledUpgrade(address target) external view returns (ScheduledUpgrade memory) {
        ConsortiumStorage storage $ = _consortiumStorage();
        return $.scheduled[target];
    }

    /// @inheritdoc IConsortium
    function upgradeRequest(uint256 proposalId) external view returns (UpgradeRequest memory) {
        ConsortiumStorage storage $ = _consortiumStorage();
        return $.upgradeRequests[proposalId];
    }

    // ------------------------------------------------------------------ internals

    function _roleOrg(uint8 role, address account) private view returns (uint32 orgId) {
        ConsortiumStorage storage $ = _consortiumStorage();
        orgId = $.memberOf[account];
        Core storage c = $.core[orgId];
        if (c.status != Status.Active || (c.roles & Roles.mask(role)) == 0) return 0;
    }

    function _requireActive(address account) private view returns (uint32 orgId) {
        ConsortiumStorage storage $ = _consortiumStorage();
        orgId = $.memberOf[account];
        if (orgId == 0) revert ConsortiumNotMember(account);
        Status status = $.core[orgId].status;
        if (status != Status.Active) revert ConsortiumMemberNotActive(orgId, status);
    }

    function _requireVoter(address account) private view returns (uint32 orgId) {
        ConsortiumStorage storage $ = _consortiumStorage();
        orgId = _requireActive(account);
        if ($.core[orgId].kind != Kind.Organisation) revert ConsortiumNotVoter(orgId);
    }

    function _requireAccountAdmin() private view returns (uint32 orgId) {
        orgId = _requireActive(msg.sender);
        if (_adminOf(orgId) != msg.sender) revert ConsortiumNotAccountAdmin(msg.sender, orgId);
    }

    /// @dev The account admin: the one handed over, else the founding account (never removed, so still first).
    function _adminOf(uint32 orgId) private view returns (address admin) {
        ConsortiumStorage storage $ = _consortiumStorage();
        admin = $.admin[orgId];
        if (admin == address(0)) admin = $.accounts[orgId][0];
    }

    /// @dev The caller's organisation if it may admit persons with `role`; reverts otherwise.
    function _requirePersonAuthority(uint8 role) private view returns (uint32 orgId) {
        orgId = _personAuthority(role, msg.sender);
        if (orgId == 0) revert ConsortiumCannotAdmitPerson(msg.sender, role);
    }

    /// @dev The account's organisation if it may admit persons with `role` (investors: KYC provider or
    /// regulator; patients: hospital), else 0.
    function _personAuthority(uint8 role, address account) private view returns (uint32 orgId) {
        if (role == Roles.INVESTOR) {
            orgId = _roleOrg(Roles.KYC_PROVIDER, account);
            if (orgId == 0) orgId = _roleOrg(Roles.REGULATOR, account);
        } else if (role == Roles.PATIENT) {
            orgId = _roleOrg(Roles.HOSPITAL, account);
        }
    }

    function _validateOrganisation(string memory name, uint16 roles, address account) private view {
        ConsortiumStorage storage $ = _consortiumStorage();
        if (bytes(name).length == 0) revert ConsortiumEmptyName();
        _validateOrganisationRoles(roles);
        if (account == address(0)) revert ConsortiumZeroAccount();
        uint32 bound = $.memberOf[account];
        if (bound != 0) revert ConsortiumAccountBound(account, bound);
    }

    function _validateOrganisationRoles(uint16 roles) private pure {
        if (roles == 0 || (roles & ~_ALL_ROLES) != 0 || (roles & Roles.PERSON_ROLES) != 0) {
            revert ConsortiumInvalidRoles(roles);
        }
    }

    function _requireOrganisation(uint32 orgId) private view returns (Core storage c) {
        ConsortiumStorage storage $ = _consortiumStorage();
        c = $.core[orgId];
        if (c.status == Status.None) revert ConsortiumUnknownMember(orgId);
        if (c.kind != Kind.Organisation) revert ConsortiumWrongKind(orgId, c.kind);
    }

    function _checkRolesChange(uint32 orgId, uint16 roles) private view {
        Core storage c = _requireOrganisation(orgId);
        if (c.status != Status.Active) revert ConsortiumMemberNotActive(orgId, c.status);
        _validateOrganisationRoles(roles);
        if (_dropsLastRegulator(c, roles, c.status)) revert ConsortiumLastRegulator(orgId);
    }

    function _checkStatusChange(uint32 orgId, ProposalKind kind) private view {
        Core storage c = _requireOrganisation(orgId);
        Status s = c.status;
        bool allowed = (kind == ProposalKind.Suspend && s == Status.Active) ||
            (kind == ProposalKind.Reinstate && s == Status.Suspended) ||
            (kind == ProposalKind.Remove && s != Status.Removed);
        if (!allowed) revert ConsortiumInvalidStatusChange(orgId, s, kind);
        if (kind != ProposalKind.Reinstate && _dropsLastRegulator(c, c.roles, Status.Suspended)) {
            revert ConsortiumLastRegulator(orgId);
        }
    }

    /// @dev True when the change leaves the consortium without an active regulator.
    function _dropsLastRegulator(Core storage c, uint16 newRoles, Status newStatus) private view returns (bool) {
        ConsortiumStorage storage $ = _consortiumStorage();
        uint16 reg = Roles.mask(Roles.REGULATOR);
        bool isRegulatorNow = c.status == Status.Active && (c.roles & reg) != 0;
        bool isRegulatorAfter = newStatus == Status.Active && (newRoles & reg) != 0;
        return isRegulatorNow && !isRegulatorAfter && $.activeRegulators == 1;
    }

    function _open(ProposalKind kind, uint32 target) private returns (Proposal storage p) {
        ConsortiumStorage storage $ = _consortiumStorage();
        uint32 proposer = _requireVoter(msg.sender);
        uint256 id = ++$.proposalCount;
        p = $.proposals[id];
        p.kind = kind;
        p.state = ProposalState.Open;
        p.proposer = proposer;
        p.target = target;
        p.createdAt = uint64(block.timestamp);
        p.expiresAt = uint64(block.timestamp) + $.votingPeriod;
        p.electorate = $.activeVoters;
        p.quorumBps = $.quorumBps;
    }

    /// @dev Emits the creation event and casts the proposer's vote (which may already reach the quorum).
    function _afterOpen() private returns (uint256 id) {
        ConsortiumStorage storage $ = _consortiumStorage();
        id = $.proposalCount;
        Proposal storage p = $.proposals[id];
        emit ProposalCreated(id, p.kind, p.proposer, p.target, p.expiresAt);
        _castVote(id, p, p.proposer, true);
    }

    function _castVote(uint256 id, Proposal storage p, uint32 voter, bool support) private {
        ConsortiumStorage storage $ = _consortiumStorage();
        if ($.voted[id][voter]) revert ConsortiumAlreadyVoted(id, voter);
        $.voted[id][voter] = true;
        // Cannot overflow: at most one vote per member and member ids are uint32.
        unchecked {
            if (support) ++p.yes;
            else ++p.no;
        }
        if (support) $.yesVoters[id].push(voter);
        emit VoteCast(id, voter, msg.sender, support);
        // The quorum is the one in force when the proposal opened, over the larger of the electorate then and now:
        // suspending or removing members never lowers the bar for a proposal already open.
        uint256 electorate = $.activeVoters;
        if (p.electorate > electorate) electorate = p.electorate;
        uint256 quorum = uint256(p.quorumBps) * electorate;
        // Only a yes vote can execute, and only the yes votes of members still active count.
        if (support && _activeYes(id) * _BPS >= quorum) {
            p.state = ProposalState.Executed;
            _execute(id, p);
            emit ProposalExecuted(id, p.kind, p.target);
        } else if (!support && ($.activeVoters < p.no || (uint256($.activeVoters) - p.no) * _BPS < quorum)) {
            p.state = ProposalState.Defeated;
            emit ProposalDefeated(id);
        }
    }

    /// @dev The yes votes of a proposal whose organisations are still active.
    function _activeYes(uint256 id) private view returns (uint256 count) {
        ConsortiumStorage storage $ = _consortiumStorage();
        uint32[] storage voters = $.yesVoters[id];
        uint256 n = voters.length;
        // n <= MAX_ORGANISATIONS: one vote per organisation, and at most MAX_ORGANISATIONS are ever admitted.
        for (uint256 i; i < n; ++i) {
            if ($.core[voters[i]].status == Status.Active) ++count;
        }
    }

    function _execute(uint256 id, Proposal storage p) private {
        ProposalKind kind = p.kind;
        if (kind == ProposalKind.Admit) {
            // Re-validated: the account may have been bound since the proposal opened.
            _validateOrganisation(p.name, p.roles, p.account);
            p.target = _admit(Kind.Organisation, p.name, p.metadataHash, p.roles, p.account);
        } else if (kind == ProposalKind.SetRoles) {
            _checkRolesChange(p.target, p.roles);
            _applyRoles(p.target, p.roles);
        } else if (kind == ProposalKind.SetQuorum) {
            _setQuorum(uint16(p.value));
        } else if (kind == ProposalKind.SetVotingPeriod) {
            _setVotingPeriod(p.value);
        } else if (kind == ProposalKind.Upgrade) {
            _schedule(id);
        } else if (kind == ProposalKind.CancelUpgrade) {
            _cancelScheduled(id, p.account, p.value);
        } else if (kind == ProposalKind.Unpause) {
            IConsortiumGated(p.account).unpauseDomain(id);
        } else if (kind == ProposalKind.SetUpgradeDelay) {
            _setUpgradeDelay(p.value);
        } else {
            _checkStatusChange(p.target, kind);
            Status next = kind == ProposalKind.Suspend
                ? Status.Suspended
                : (kind == ProposalKind.Reinstate ? Status.Active : Status.Removed);
            _applyStatus(p.target, next);
        }
    }

    /// @dev Schedules a voted upgrade; another upgrade of the same target may have been scheduled meanwhile.
    function _schedule(uint256 id) private {
        ConsortiumStorage storage $ = _consortiumStorage();
        UpgradeRequest storage r = $.upgradeRequests[id];
        address target = r.target;
        _requireNothingScheduled(target);
        uint64 eta = uint64(block.timestamp) + $.upgradeDelay;
        $.scheduled[target] = ScheduledUpgrade({
            implementation: r.implementation,
            eta: eta,
            beacon: r.beacon,
            codehash: r.codehash,
            proposalId: id
        });
        emit UpgradeScheduled(target, r.implementation, r.codehash, eta, id);
    }

    /// @dev Deletes the schedule the cancel vote was opened against, not a later upgrade of the same target.
    function _cancelScheduled(uint256 id, address target, uint256 upgradeId) private {
        ConsortiumStorage storage $ = _consortiumStorage();
        ScheduledUpgrade storage u = $.scheduled[target];
        if (u.eta == 0 || u.proposalId != upgradeId) revert ConsortiumUpgradeNotScheduled(target);
        address implementation = u.implementation;
        delete $.scheduled[target];
        emit UpgradeCancelled(target, implementation, upgradeId, id);
    }

    function _requireNothingScheduled(address target) private view {
        ConsortiumStorage storage $ = _consortiumStorage();
        ScheduledUpgrade storage u = $.scheduled[target];
        if (u.eta != 0) revert ConsortiumUpgradePending(target, u.proposalId, u.eta);
    }

    /**
     * @dev Checks a proposed upgrade and tells whether the target is a beacon. The target is this consortium, a
     * domain proxy whose `consortium()` is this one, or an `UpgradeableBeacon` this consortium owns; a proxy's new
     * implementation must be UUPS-proxiable (else the proxy could never upgrade again) and, for a domain, wired to
     * this consortium (the domain's `_authorizeUpgrade` would refuse it when applied).
     */
    function _checkUpgrade(address target, address implementation, bytes32 codehash) private view returns (bool) {
        if (implementation.code.length == 0) revert ConsortiumUpgradeNoCode(implementation);
        bytes32 actual = implementation.codehash;
        if (actual != codehash) revert ConsortiumUpgradeCodehashMismatch(implementation, codehash, actual);
        bool domain = target != address(this) &&
            _probeAddress(target, IConsortiumGated.consortium.selector) == address(this);
        if (target == address(this) || domain) {
            (bool ok, bytes memory ret) = implementation.staticcall(abi.encodeCall(UUPSUpgradeable.proxiableUUID, ()));
            if (!ok || ret.length != 32 || abi.decode(ret, (bytes32)) != ERC1967Utils.IMPLEMENTATION_SLOT) {
                revert ConsortiumUpgradeNotUpgradeable(implementation);
            }
            if (domain && _probeAddress(implementation, IConsortiumGated.consortium.selector) != address(this)) {
                revert ConsortiumUpgradeNotUpgradeable(implementation);
            }
            return false;
        }
        if (
            _probeAddress(target, Ownable.owner.selector) != address(this) ||
            _probeAddress(target, IBeacon.implementation.selector) == address(0)
        ) revert ConsortiumUpgradeUnknownTarget(target);
        return true;
    }

    /// @dev The address a parameterless view of `target` returns, or zero if it has no such view.
    function _probeAddress(address target, bytes4 selector) private view returns (address value) {
        if (target.code.length == 0) return address(0);
        (bool ok, bytes memory ret) = target.staticcall(abi.encodeWithSelector(selector));
        if (!ok || ret.length != 32) return address(0);
        uint256 word = abi.decode(ret, (uint256));
        if (word >> 160 != 0) return address(0);
        value = address(uint160(word));
    }

    /// @dev Whether `target` is a domain of this consortium stopped by a regulator.
    function _paused(address target) private view returns (bool) {
        if (_probeAddress(target, IConsortiumGated.consortium.selector) != address(this)) return false;
        (bool ok, bytes memory ret) = target.staticcall(abi.encodeCall(IConsortiumGated.domainPaused, ()));
        return ok && ret.length == 32 && abi.decode(ret, (uint256)) == 1;
    }

    function _admit(
        Kind kind,
        string memory name,
        bytes32 metadataHash,
        uint16 roles,
        address account
    ) private returns (uint32 orgId) {
        ConsortiumStorage storage $ = _consortiumStorage();
        if (kind == Kind.Organisation) {
            if ($.organisationCount >= MAX_ORGANISATIONS) revert ConsortiumTooManyOrganisations(MAX_ORGANISATIONS);
            ++$.organisationCount;
        }
        orgId = ++$.memberCount;
        $.core[orgId] = Core({status: Status.Active, kind: kind, roles: roles, joinedAt: uint64(block.timestamp)});
        $.profile[orgId] = Profile({name: name, metadataHash: metadataHash});
        _bind(orgId, account);
        if (kind == Kind.Organisation) {
            ++$.activeVoters;
            if ((roles & Roles.mask(Roles.REGULATOR)) != 0) ++$.activeRegulators;
        }
        emit MemberAdmitted(orgId, kind, name, metadataHash, roles, account);
    }

    function _bind(uint32 orgId, address account) private {
        ConsortiumStorage storage $ = _consortiumStorage();
        if (account == address(0)) revert ConsortiumZeroAccount();
        uint32 bound = $.memberOf[account];
        if (bound != 0) revert ConsortiumAccountBound(account, bound);
        $.memberOf[account] = orgId;
        $.accounts[orgId].push(account);
        $.accountPos[account] = $.accounts[orgId].length;
    }

    function _applyRoles(uint32 orgId, uint16 roles) private {
        ConsortiumStorage storage $ = _consortiumStorage();
        Core storage c = $.core[orgId];
        uint16 previous = c.roles;
        uint16 reg = Roles.mask(Roles.REGULATOR);
        if ((previous & reg) != 0 && (roles & reg) == 0) --$.activeRegulators;
        if ((previous & reg) == 0 && (roles & reg) != 0) ++$.activeRegulators;
        c.roles = roles;
        emit MemberRolesChanged(orgId, previous, roles);
    }

    function _applyStatus(uint32 orgId, Status next) private {
        ConsortiumStorage storage $ = _consortiumStorage();
        Core storage c = $.core[orgId];
        Status previous = c.status;
        bool regulator = (c.roles & Roles.mask(Roles.REGULATOR)) != 0;
        if (previous == Status.Active) {
            --$.activeVoters;
            if (regulator) --$.activeRegulators;
        }
        if (next == Status.Active) {
            ++$.activeVoters;
            if (regulator) ++$.activeRegulators;
        }
        c.status = next;
        emit MemberStatusChanged(orgId, previous, next);
    }

    function _setQuorum(uint16 bps) private {
        ConsortiumStorage storage $ = _consortiumStorage();
        if (bps <= _BPS / 2 || bps > _BPS) revert ConsortiumInvalidQuorum(bps);
        uint16 previous = $.quorumBps;
        $.quorumBps = bps;
        emit QuorumChanged(previous, bps);
    }

    function _setVotingPeriod(uint64 period) private {
        ConsortiumStorage storage $ = _consortiumStorage();
        if (period < MIN_VOTING_PERIOD || period > MAX_VOTING_PERIOD) revert ConsortiumInvalidVotingPeriod(period);
        uint64 previous = $.votingPeriod;
        $.votingPeriod = period;
        emit VotingPeriodChanged(previous, period);
    }

    function _setUpgradeDelay(uint64 delay) private {
        if (delay < MIN_UPGRADE_DELAY || delay > MAX_UPGRADE_DELAY) revert ConsortiumInvalidUpgradeDelay(delay);
        ConsortiumStorage storage $ = _consortiumStorage();
        uint64 previous = $.upgradeDelay;
        $.upgradeDelay = delay;
        emit UpgradeDelayChanged(previous, delay);
    }

    /// @dev Only the consortium itself, applying its own voted and delayed upgrade (see `applyUpgrade`).
    function _authorizeUpgrade(address) internal view override {
        if (msg.sender != address(this)) revert ConsortiumUpgradeNotVoted(msg.sender);
    }

    function _consortiumStorage() private pure returns (ConsortiumStorage storage $) {
        assembly ("memory-safe") {
            $.slot := CONSORTIUM_STORAGE
        }
    }
}
