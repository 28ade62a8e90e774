// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IConsortium} from "../interfaces/IConsortium.sol";
import {Roles} from "../libraries/Roles.sol";

/**
 * @title Consortium
 * @notice Membership, roles and governance of the city's permissioned chain. See {IConsortium}.
 * @dev Roles belong to organisations, not accounts: an account resolves to its organisation in one mapping read,
 * and the organisation's status and role set share one storage slot, so `roleOrg` costs two cold reads.
 * OpenZeppelin's AccessManager grants roles to addresses; here suspending an organisation must cut every
 * account it has at once, which is why the consortium keeps its own registry.
 */
contract Consortium is IConsortium {
    /// @notice Most accounts one member may bind.
    uint256 public constant MAX_ACCOUNTS = 64;
    /// @notice Shortest and longest voting period.
    uint64 public constant MIN_VOTING_PERIOD = 1 hours;
    uint64 public constant MAX_VOTING_PERIOD = 90 days;
    /// @notice Most organisations ever admitted: a vote recounts the yes votes of its proposal's voters.
    uint256 public constant MAX_ORGANISATIONS = 128;

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

    mapping(uint32 orgId => Core) private _core;
    mapping(uint32 orgId => Profile) private _profile;
    mapping(uint32 orgId => address[]) private _accounts;
    mapping(address account => uint32 orgId) private _memberOf;
    /// @dev 1-based position of an account in its member's `_accounts`, for O(1) removal.
    mapping(address account => uint256) private _accountPos;

    mapping(uint256 proposalId => Proposal) private _proposals;
    mapping(uint256 proposalId => mapping(uint32 orgId => bool)) private _voted;
    /// @dev The organisations that voted yes, recounted at each vote: only those still active count.
    mapping(uint256 proposalId => uint32[]) private _yesVoters;
    /// @dev The account that adds and removes an organisation's accounts, once handed over; until then the founding
    /// account, which stays at position 0 of `_accounts` because the admin can never be removed (see `_adminOf`).
    mapping(uint32 orgId => address) private _admin;
    /// @dev Who admitted a person, and whether a regulator holds its suspension or removal.
    mapping(uint32 orgId => PersonAdmin) private _personAdmins;

    /// @dev Authority over a person's status.
    struct PersonAdmin {
        uint32 admittedBy;
        bool regulatorHold;
    }

    uint32 private _memberCount;
    uint32 private _activeVoters;
    uint32 private _activeRegulators;
    uint32 private _organisationCount;
    uint16 private _quorumBps;
    uint64 private _votingPeriod;
    uint256 private _proposalCount;

    /**
     * @param founders The founding organisations, admitted without a vote. At least one must be a regulator.
     * @param quorumBps_ Quorum in basis points of active voting organisations (5001..10000).
     * @param votingPeriod_ Voting period of proposals, in seconds.
     */
    constructor(Founder[] memory founders, uint16 quorumBps_, uint64 votingPeriod_) {
        _setQuorum(quorumBps_);
        _setVotingPeriod(votingPeriod_);
        for (uint256 i = 0; i < founders.length; ++i) {
            Founder memory f = founders[i];
            _validateOrganisation(f.name, f.roles, f.account);
            _admit(Kind.Organisation, f.name, f.metadataHash, f.roles, f.account);
        }
        if (_activeRegulators == 0) revert ConsortiumLastRegulator(0);
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
    function vote(uint256 proposalId, bool support) external {
        uint32 voter = _requireVoter(msg.sender);
        Proposal storage p = _proposals[proposalId];
        if (p.state == ProposalState.None) revert ConsortiumUnknownProposal(proposalId);
        if (p.state != ProposalState.Open) revert ConsortiumProposalClosed(proposalId, p.state);
        if (block.timestamp > p.expiresAt) revert ConsortiumProposalExpired(proposalId, p.expiresAt);
        _castVote(proposalId, p, voter, support);
    }

    /// @inheritdoc IConsortium
    function cancel(uint256 proposalId) external {
        uint32 orgId = _requireVoter(msg.sender);
        Proposal storage p = _proposals[proposalId];
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
        uint32 orgId = _requireAccountAdmin();
        if (_core[orgId].kind != Kind.Organisation) revert ConsortiumWrongKind(orgId, Kind.Person);
        if (_accounts[orgId].length >= MAX_ACCOUNTS) revert ConsortiumTooManyAccounts(orgId, MAX_ACCOUNTS);
        _bind(orgId, account);
        emit AccountAdded(orgId, account, msg.sender);
    }

    /// @inheritdoc IConsortium
    function removeAccount(address account) external {
        uint32 orgId = _requireAccountAdmin();
        if (_memberOf[account] != orgId) revert ConsortiumAccountNotOfMember(account, orgId);
        address[] storage list = _accounts[orgId];
        if (list.length == 1) revert ConsortiumLastAccount(orgId);
        if (account == _adminOf(orgId)) revert ConsortiumAccountIsAdmin(account, orgId);
        uint256 pos = _accountPos[account];
        address last = list[list.length - 1];
        list[pos - 1] = last;
        _accountPos[last] = pos;
        list.pop();
        delete _accountPos[account];
        delete _memberOf[account];
        emit AccountRemoved(orgId, account, msg.sender);
    }

    /// @inheritdoc IConsortium
    function setAccountAdmin(address account) external {
        uint32 orgId = _requireAccountAdmin();
        if (_memberOf[account] != orgId) revert ConsortiumAccountNotOfMember(account, orgId);
        _admin[orgId] = account;
        emit AccountAdminChanged(orgId, msg.sender, account, msg.sender);
    }

    /// @inheritdoc IConsortium
    function recoverAccountAdmin(uint32 orgId, address account) external {
        if (_roleOrg(Roles.REGULATOR, msg.sender) == 0) revert ConsortiumMissingRole(msg.sender, Roles.REGULATOR);
        Core storage c = _requireOrganisation(orgId);
        if (c.status != Status.Suspended) revert ConsortiumMemberNotActive(orgId, c.status);
        if (_memberOf[account] != orgId) revert ConsortiumAccountNotOfMember(account, orgId);
        address previous = _adminOf(orgId);
        _admin[orgId] = account;
        emit AccountAdminChanged(orgId, previous, account, msg.sender);
    }

    /// @inheritdoc IConsortium
    function admitPerson(address account, uint8 role, bytes32 kycHash) external returns (uint32 orgId) {
        uint32 admitter = _requirePersonAuthority(role);
        if (account == address(0)) revert ConsortiumZeroAccount();
        orgId = _admit(Kind.Person, "", kycHash, Roles.mask(role), account);
        _personAdmins[orgId].admittedBy = admitter;
    }

    /// @inheritdoc IConsortium
    function setPersonStatus(uint32 orgId, Status status) external {
        Core storage c = _core[orgId];
        if (c.status == Status.None) revert ConsortiumUnknownMember(orgId);
        if (c.kind != Kind.Person) revert ConsortiumWrongKind(orgId, c.kind);
        PersonAdmin storage pa = _personAdmins[orgId];
        bool regulator = _roleOrg(Roles.REGULATOR, msg.sender) != 0;
        if (!regulator) {
            uint8 role = (c.roles & Roles.mask(Roles.INVESTOR)) != 0 ? Roles.INVESTOR : Roles.PATIENT;
            // The admitting member, while it still holds the authority to admit such persons.
            if (_memberOf[msg.sender] != pa.admittedBy || _personAuthority(role, msg.sender) == 0) {
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
        Core storage c = _core[orgId];
        return c.status == Status.Active && (c.roles & Roles.mask(role)) != 0;
    }

    /// @inheritdoc IConsortium
    function memberOf(address account) external view returns (uint32) {
        return _memberOf[account];
    }

    /// @inheritdoc IConsortium
    function member(uint32 orgId) external view returns (Member memory m) {
        Core memory c = _core[orgId];
        if (c.status == Status.None) revert ConsortiumUnknownMember(orgId);
        Profile storage pr = _profile[orgId];
        m = Member({
            name: pr.name,
            metadataHash: pr.metadataHash,
            status: c.status,
            kind: c.kind,
            roles: c.roles,
            joinedAt: c.joinedAt,
            accountCount: uint32(_accounts[orgId].length)
        });
    }

    /// @inheritdoc IConsortium
    function accountsOf(uint32 orgId) external view returns (address[] memory) {
        if (_core[orgId].status == Status.None) revert ConsortiumUnknownMember(orgId);
        return _accounts[orgId];
    }

    /// @inheritdoc IConsortium
    function accountAdmin(uint32 orgId) external view returns (address) {
        if (_core[orgId].status == Status.None) return address(0);
        return _adminOf(orgId);
    }

    /// @inheritdoc IConsortium
    function personAdmin(uint32 orgId) external view returns (uint32 admittedBy, bool regulatorHold) {
        PersonAdmin storage pa = _personAdmins[orgId];
        return (pa.admittedBy, pa.regulatorHold);
    }

    /// @inheritdoc IConsortium
    function memberCount() external view returns (uint32) {
        return _memberCount;
    }

    /// @inheritdoc IConsortium
    function proposal(uint256 proposalId) external view returns (Proposal memory p) {
        p = _proposals[proposalId];
        if (p.state == ProposalState.None) revert ConsortiumUnknownProposal(proposalId);
        if (p.state == ProposalState.Open && block.timestamp > p.expiresAt) p.state = ProposalState.Expired;
    }

    /// @inheritdoc IConsortium
    function proposalCount() external view returns (uint256) {
        return _proposalCount;
    }

    /// @inheritdoc IConsortium
    function hasVoted(uint256 proposalId, uint32 orgId) external view returns (bool) {
        return _voted[proposalId][orgId];
    }

    /// @inheritdoc IConsortium
    function quorumBps() external view returns (uint16) {
        return _quorumBps;
    }

    /// @inheritdoc IConsortium
    function votingPeriod() external view returns (uint64) {
        return _votingPeriod;
    }

    /// @inheritdoc IConsortium
    function activeVoters() external view returns (uint32) {
        return _activeVoters;
    }

    /// @inheritdoc IConsortium
    function activeRegulators() external view returns (uint32) {
        return _activeRegulators;
    }

    // ------------------------------------------------------------------ internals

    function _roleOrg(uint8 role, address account) private view returns (uint32 orgId) {
        orgId = _memberOf[account];
        Core storage c = _core[orgId];
        if (c.status != Status.Active || (c.roles & Roles.mask(role)) == 0) return 0;
    }

    function _requireActive(address account) private view returns (uint32 orgId) {
        orgId = _memberOf[account];
        if (orgId == 0) revert ConsortiumNotMember(account);
        Status status = _core[orgId].status;
        if (status != Status.Active) revert ConsortiumMemberNotActive(orgId, status);
    }

    function _requireVoter(address account) private view returns (uint32 orgId) {
        orgId = _requireActive(account);
        if (_core[orgId].kind != Kind.Organisation) revert ConsortiumNotVoter(orgId);
    }

    function _requireAccountAdmin() private view returns (uint32 orgId) {
        orgId = _requireActive(msg.sender);
        if (_adminOf(orgId) != msg.sender) revert ConsortiumNotAccountAdmin(msg.sender, orgId);
    }

    /// @dev The account admin: the one handed over, else the founding account (never removed, so still first).
    function _adminOf(uint32 orgId) private view returns (address admin) {
        admin = _admin[orgId];
        if (admin == address(0)) admin = _accounts[orgId][0];
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
        if (bytes(name).length == 0) revert ConsortiumEmptyName();
        _validateOrganisationRoles(roles);
        if (account == address(0)) revert ConsortiumZeroAccount();
        uint32 bound = _memberOf[account];
        if (bound != 0) revert ConsortiumAccountBound(account, bound);
    }

    function _validateOrganisationRoles(uint16 roles) private pure {
        if (roles == 0 || (roles & ~_ALL_ROLES) != 0 || (roles & Roles.PERSON_ROLES) != 0) {
            revert ConsortiumInvalidRoles(roles);
        }
    }

    function _requireOrganisation(uint32 orgId) private view returns (Core storage c) {
        c = _core[orgId];
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
        uint16 reg = Roles.mask(Roles.REGULATOR);
        bool isRegulatorNow = c.status == Status.Active && (c.roles & reg) != 0;
        bool isRegulatorAfter = newStatus == Status.Active && (newRoles & reg) != 0;
        return isRegulatorNow && !isRegulatorAfter && _activeRegulators == 1;
    }

    function _open(ProposalKind kind, uint32 target) private returns (Proposal storage p) {
        uint32 proposer = _requireVoter(msg.sender);
        uint256 id = ++_proposalCount;
        p = _proposals[id];
        p.kind = kind;
        p.state = ProposalState.Open;
        p.proposer = proposer;
        p.target = target;
        p.createdAt = uint64(block.timestamp);
        p.expiresAt = uint64(block.timestamp) + _votingPeriod;
        p.electorate = _activeVoters;
        p.quorumBps = _quorumBps;
    }

    /// @dev Emits the creation event and casts the proposer's vote (which may already reach the quorum).
    function _afterOpen() private returns (uint256 id) {
        id = _proposalCount;
        Proposal storage p = _proposals[id];
        emit ProposalCreated(id, p.kind, p.proposer, p.target, p.expiresAt);
        _castVote(id, p, p.proposer, true);
    }

    function _castVote(uint256 id, Proposal storage p, uint32 voter, bool support) private {
        if (_voted[id][voter]) revert ConsortiumAlreadyVoted(id, voter);
        _voted[id][voter] = true;
        // Cannot overflow: at most one vote per member and member ids are uint32.
        unchecked {
            if (support) ++p.yes;
            else ++p.no;
        }
        if (support) _yesVoters[id].push(voter);
        emit VoteCast(id, voter, msg.sender, support);
        // The quorum is the one in force when the proposal opened, over the larger of the electorate then and now:
        // suspending or removing members never lowers the bar for a proposal already open.
        uint256 electorate = _activeVoters;
        if (p.electorate > electorate) electorate = p.electorate;
        uint256 quorum = uint256(p.quorumBps) * electorate;
        // Only a yes vote can execute, and only the yes votes of members still active count.
        if (support && _activeYes(id) * _BPS >= quorum) {
            p.state = ProposalState.Executed;
            _execute(p);
            emit ProposalExecuted(id, p.kind, p.target);
        } else if (!support && (_activeVoters < p.no || (uint256(_activeVoters) - p.no) * _BPS < quorum)) {
            p.state = ProposalState.Defeated;
            emit ProposalDefeated(id);
        }
    }

    /// @dev The yes votes of a proposal whose organisations are still active.
    function _activeYes(uint256 id) private view returns (uint256 count) {
        uint32[] storage voters = _yesVoters[id];
        uint256 n = voters.length;
        // n <= MAX_ORGANISATIONS: one vote per organisation, and at most MAX_ORGANISATIONS are ever admitted.
        for (uint256 i; i < n; ++i) {
            if (_core[voters[i]].status == Status.Active) ++count;
        }
    }

    function _execute(Proposal storage p) private {
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
        } else {
            _checkStatusChange(p.target, kind);
            Status next = kind == ProposalKind.Suspend
                ? Status.Suspended
                : (kind == ProposalKind.Reinstate ? Status.Active : Status.Removed);
            _applyStatus(p.target, next);
        }
    }

    function _admit(
        Kind kind,
        string memory name,
        bytes32 metadataHash,
        uint16 roles,
        address account
    ) private returns (uint32 orgId) {
        if (kind == Kind.Organisation) {
            if (_organisationCount >= MAX_ORGANISATIONS) revert ConsortiumTooManyOrganisations(MAX_ORGANISATIONS);
            ++_organisationCount;
        }
        orgId = ++_memberCount;
        _core[orgId] = Core({status: Status.Active, kind: kind, roles: roles, joinedAt: uint64(block.timestamp)});
        _profile[orgId] = Profile({name: name, metadataHash: metadataHash});
        _bind(orgId, account);
        if (kind == Kind.Organisation) {
            ++_activeVoters;
            if ((roles & Roles.mask(Roles.REGULATOR)) != 0) ++_activeRegulators;
        }
        emit MemberAdmitted(orgId, kind, name, metadataHash, roles, account);
    }

    function _bind(uint32 orgId, address account) private {
        if (account == address(0)) revert ConsortiumZeroAccount();
        uint32 bound = _memberOf[account];
        if (bound != 0) revert ConsortiumAccountBound(account, bound);
        _memberOf[account] = orgId;
        _accounts[orgId].push(account);
        _accountPos[account] = _accounts[orgId].length;
    }

    function _applyRoles(uint32 orgId, uint16 roles) private {
        Core storage c = _core[orgId];
        uint16 previous = c.roles;
        uint16 reg = Roles.mask(Roles.REGULATOR);
        if ((previous & reg) != 0 && (roles & reg) == 0) --_activeRegulators;
        if ((previous & reg) == 0 && (roles & reg) != 0) ++_activeRegulators;
        c.roles = roles;
        emit MemberRolesChanged(orgId, previous, roles);
    }

    function _applyStatus(uint32 orgId, Status next) private {
        Core storage c = _core[orgId];
        Status previous = c.status;
        bool regulator = (c.roles & Roles.mask(Roles.REGULATOR)) != 0;
        if (previous == Status.Active) {
            --_activeVoters;
            if (regulator) --_activeRegulators;
        }
        if (next == Status.Active) {
            ++_activeVoters;
            if (regulator) ++_activeRegulators;
        }
        c.status = next;
        emit MemberStatusChanged(orgId, previous, next);
    }

    function _setQuorum(uint16 bps) private {
        if (bps <= _BPS / 2 || bps > _BPS) revert ConsortiumInvalidQuorum(bps);
        uint16 previous = _quorumBps;
        _quorumBps = bps;
        emit QuorumChanged(previous, bps);
    }

    function _setVotingPeriod(uint64 period) private {
        if (period < MIN_VOTING_PERIOD || period > MAX_VOTING_PERIOD) revert ConsortiumInvalidVotingPeriod(period);
        uint64 previous = _votingPeriod;
        _votingPeriod = period;
        emit VotingPeriodChanged(previous, period);
    }
}
