// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title IConsortium
 * @notice The single source of "who may do what" on the citychain: member organisations, their roles and their
 * operational accounts, admitted and governed by a vote of the active member organisations. Natural persons
 * (KYC'd investors, pseudonymous patients) are admitted directly by a KYC provider, regulator or hospital and
 * never vote. Every domain contract asks `roleOrg`/`hasRole`, so suspending an organisation cuts all of its
 * accounts everywhere at once.
 */
interface IConsortium {
    /// @notice Lifecycle of a member. `None` means the id was never used.
    enum Status {
        None,
        Active,
        Suspended,
        Removed
    }

    /// @notice Organisations vote; persons (investors, patients) hold roles but never vote.
    enum Kind {
        Organisation,
        Person
    }

    /// @notice What a proposal changes when it passes.
    enum ProposalKind {
        Admit,
        SetRoles,
        Suspend,
        Reinstate,
        Remove,
        SetQuorum,
        SetVotingPeriod,
        Upgrade,
        CancelUpgrade,
        Unpause,
        SetUpgradeDelay
    }

    /// @notice Where a proposal stands. `Expired` is derived from the clock, never stored.
    enum ProposalState {
        None,
        Open,
        Executed,
        Defeated,
        Expired,
        Cancelled
    }

    /// @notice A member as the SDK and the web page read it.
    struct Member {
        string name;
        bytes32 metadataHash;
        Status status;
        Kind kind;
        uint16 roles;
        uint64 joinedAt;
        uint32 accountCount;
    }

    /// @notice A founding organisation, admitted without a vote at deployment.
    struct Founder {
        string name;
        bytes32 metadataHash;
        uint16 roles;
        address account;
    }

    /// @notice A voted code replacement: the proxy (a domain contract or the consortium itself) or the share-token
    /// beacon it targets, the new implementation and the code hash the members inspected.
    struct UpgradeRequest {
        address target;
        address implementation;
        bytes32 codehash;
        bool beacon;
    }

    /// @notice An executed upgrade vote waiting out the delay. `eta == 0` means nothing is scheduled.
    struct ScheduledUpgrade {
        address implementation;
        uint64 eta;
        bool beacon;
        bytes32 codehash;
        uint256 proposalId;
    }

    /// @notice A proposal as stored, with its derived state. `yes` counts every yes vote cast; only the yes votes of
    /// members still active count towards execution. `electorate` and `quorumBps` are fixed when it opens: the
    /// quorum is `quorumBps` of the larger of that electorate and the current one.
    struct Proposal {
        ProposalKind kind;
        ProposalState state;
        uint32 proposer;
        uint32 target;
        uint16 roles;
        uint64 createdAt;
        uint64 expiresAt;
        uint32 yes;
        uint32 no;
        uint32 electorate;
        uint16 quorumBps;
        uint64 value;
        address account;
        bytes32 metadataHash;
        string name;
    }

    /// @notice The proposer's organisation withdrew an open proposal.
    /// @param proposalId The proposal.
    /// @param orgId The proposer's organisation.
    event ProposalCancelled(uint256 indexed proposalId, uint32 indexed orgId);

    /// @notice The account that manages an organisation's accounts changed.
    /// @param orgId The organisation.
    /// @param previousAdmin The previous account admin.
    /// @param admin The new account admin.
    /// @param by Who changed it (the previous admin, or a regulator's account for a suspended organisation).
    event AccountAdminChanged(uint32 indexed orgId, address previousAdmin, address indexed admin, address indexed by);

    /// @notice A member was admitted (by vote, at founding, or by KYC for persons).
    event MemberAdmitted(
        uint32 indexed orgId,
        Kind kind,
        string name,
        bytes32 metadataHash,
        uint16 roles,
        address indexed account
    );
    /// @notice A member's role set changed.
    event MemberRolesChanged(uint32 indexed orgId, uint16 previousRoles, uint16 roles);
    /// @notice A member's status changed (suspended, reinstated, removed).
    event MemberStatusChanged(uint32 indexed orgId, Status previousStatus, Status status);
    /// @notice An organisation bound a new operational account.
    event AccountAdded(uint32 indexed orgId, address indexed account, address indexed by);
    /// @notice An organisation revoked one of its operational accounts.
    event AccountRemoved(uint32 indexed orgId, address indexed account, address indexed by);
    /// @notice A proposal was opened; the proposer's organisation has voted for it.
    event ProposalCreated(
        uint256 indexed proposalId,
        ProposalKind kind,
        uint32 indexed proposer,
        uint32 indexed target,
        uint64 expiresAt
    );
    /// @notice An organisation voted on a proposal.
    event VoteCast(uint256 indexed proposalId, uint32 indexed orgId, address indexed voter, bool support);
    /// @notice A proposal reached the quorum and its change was applied.
    event ProposalExecuted(uint256 indexed proposalId, ProposalKind kind, uint32 indexed target);
    /// @notice Enough organisations voted against a proposal that it can no longer pass.
    event ProposalDefeated(uint256 indexed proposalId);
    /// @notice The quorum (basis points of active voting organisations) changed.
    event QuorumChanged(uint16 previousBps, uint16 bps);
    /// @notice The voting period of new proposals changed.
    event VotingPeriodChanged(uint64 previousPeriod, uint64 period);

    /// @notice An upgrade was proposed: members inspect the implementation's code before voting.
    /// @param proposalId The proposal.
    /// @param target The proxy or beacon to upgrade.
    /// @param implementation The new implementation.
    /// @param codehash Its code hash, checked again when the upgrade is applied.
    /// @param beacon True when the target is the share-token beacon.
    event UpgradeProposed(
        uint256 indexed proposalId,
        address indexed target,
        address indexed implementation,
        bytes32 codehash,
        bool beacon
    );
    /// @notice An upgrade vote passed: the upgrade can be applied from `eta`, and cancelled by a vote until then.
    /// @param target The proxy or beacon.
    /// @param implementation The new implementation.
    /// @param codehash The voted code hash.
    /// @param eta The earliest time it can be applied.
    /// @param proposalId The upgrade proposal.
    event UpgradeScheduled(
        address indexed target,
        address indexed implementation,
        bytes32 codehash,
        uint64 eta,
        uint256 indexed proposalId
    );
    /// @notice A vote cancelled a scheduled upgrade before it was applied.
    /// @param target The proxy or beacon.
    /// @param implementation The implementation that will not be installed.
    /// @param upgradeProposalId The upgrade proposal that scheduled it.
    /// @param proposalId The cancelling proposal.
    event UpgradeCancelled(
        address indexed target,
        address indexed implementation,
        uint256 upgradeProposalId,
        uint256 indexed proposalId
    );
    /// @notice A scheduled upgrade took effect: the target now runs the new code, with its state and address.
    /// @param target The proxy or beacon.
    /// @param implementation The new implementation.
    /// @param codehash Its code hash (equal to the voted one).
    /// @param proposalId The upgrade proposal.
    /// @param by The account that applied it (anyone may, once the delay is over).
    event UpgradeApplied(
        address indexed target,
        address indexed implementation,
        bytes32 codehash,
        uint256 indexed proposalId,
        address by
    );
    /// @notice The delay between an upgrade vote and its earliest application changed.
    /// @param previousDelay The previous delay, in seconds.
    /// @param delay The new delay, in seconds.
    event UpgradeDelayChanged(uint64 previousDelay, uint64 delay);

    /// @dev The organisation id is not a member.
    error ConsortiumUnknownMember(uint32 orgId);
    /// @dev The account is not bound to any member.
    error ConsortiumNotMember(address account);
    /// @dev The member is not active (suspended or removed).
    error ConsortiumMemberNotActive(uint32 orgId, Status status);
    /// @dev The account's member does not hold the role (or is not active).
    error ConsortiumMissingRole(address account, uint8 role);
    /// @dev Persons hold roles but never vote or propose.
    error ConsortiumNotVoter(uint32 orgId);
    /// @dev The account is already bound to a member.
    error ConsortiumAccountBound(address account, uint32 orgId);
    /// @dev The account is not bound to this member.
    error ConsortiumAccountNotOfMember(address account, uint32 orgId);
    /// @dev A member must keep at least one account.
    error ConsortiumLastAccount(uint32 orgId);
    /// @dev A member holds at most `MAX_ACCOUNTS` accounts.
    error ConsortiumTooManyAccounts(uint32 orgId, uint256 max);
    /// @dev The zero address cannot be bound.
    error ConsortiumZeroAccount();
    /// @dev An organisation needs a name.
    error ConsortiumEmptyName();
    /// @dev The role set is empty, has undefined bits, or mixes person and organisation roles wrongly.
    error ConsortiumInvalidRoles(uint16 roles);
    /// @dev The consortium must keep at least one active regulator.
    error ConsortiumLastRegulator(uint32 orgId);
    /// @dev The status change is not allowed from the member's current status.
    error ConsortiumInvalidStatusChange(uint32 orgId, Status status, ProposalKind kind);
    /// @dev Only organisations are governed by vote; persons are managed by their KYC authority.
    error ConsortiumWrongKind(uint32 orgId, Kind kind);
    /// @dev The quorum must be more than half (5001..10000 basis points).
    error ConsortiumInvalidQuorum(uint16 bps);
    /// @dev The voting period must be between one hour and ninety days.
    error ConsortiumInvalidVotingPeriod(uint64 period);
    /// @dev No proposal with this id.
    error ConsortiumUnknownProposal(uint256 proposalId);
    /// @dev The proposal's voting period is over.
    error ConsortiumProposalExpired(uint256 proposalId, uint64 expiresAt);
    /// @dev The proposal was already executed or defeated.
    error ConsortiumProposalClosed(uint256 proposalId, ProposalState state);
    /// @dev The organisation already voted on this proposal.
    error ConsortiumAlreadyVoted(uint256 proposalId, uint32 orgId);
    /// @dev The person role cannot be granted by this caller (investors by KYC providers or regulators,
    /// patients by hospitals).
    error ConsortiumCannotAdmitPerson(address caller, uint8 role);
    /// @dev Only the organisation that opened the proposal cancels it.
    error ConsortiumNotProposer(uint256 proposalId, uint32 orgId);
    /// @dev Only the organisation's account admin adds or removes its accounts.
    error ConsortiumNotAccountAdmin(address caller, uint32 orgId);
    /// @dev The account admin cannot be removed; hand the admin role to another account first.
    error ConsortiumAccountIsAdmin(address account, uint32 orgId);
    /// @dev Only the member that admitted the person, or a regulator, changes the person's status.
    error ConsortiumNotPersonAdmin(address caller, uint32 orgId);
    /// @dev A regulator suspended or removed the person: only a regulator lifts it.
    error ConsortiumRegulatorHold(uint32 orgId, Status status);
    /// @dev The consortium has reached its organisation limit (votes are counted over the yes voters).
    error ConsortiumTooManyOrganisations(uint256 max);

    /// @dev Only the consortium itself, applying a voted upgrade, replaces its own code.
    error ConsortiumUpgradeNotVoted(address caller);
    /// @dev The upgrade delay is outside its bounds (one minute to ninety days).
    error ConsortiumInvalidUpgradeDelay(uint64 delay);
    /// @dev The target is neither this consortium, a domain proxy governed by it, nor a beacon it owns.
    error ConsortiumUpgradeUnknownTarget(address target);
    /// @dev The proposed implementation has no code.
    error ConsortiumUpgradeNoCode(address implementation);
    /// @dev The implementation's code hash is not the voted (or proposed) one: its code changed or was misnamed.
    error ConsortiumUpgradeCodehashMismatch(address implementation, bytes32 expected, bytes32 actual);
    /// @dev The implementation is not UUPS-proxiable: installing it would leave the proxy unable to upgrade again.
    error ConsortiumUpgradeNotUpgradeable(address implementation);
    /// @dev The target already has an upgrade scheduled: apply it or cancel it by vote first.
    error ConsortiumUpgradePending(address target, uint256 proposalId, uint64 eta);
    /// @dev Nothing is scheduled for the target (never voted, already applied, or cancelled).
    error ConsortiumUpgradeNotScheduled(address target);
    /// @dev The upgrade delay is not over.
    error ConsortiumUpgradeTooEarly(address target, uint64 eta);
    /// @dev The domain is not stopped, so there is nothing to lift.
    error ConsortiumDomainNotPaused(address target);

    /// @notice Propose admitting a new organisation with its roles and first operational account.
    /// @param name Public name of the organisation.
    /// @param metadataHash Hash of the registration documents kept off chain.
    /// @param roles Role bit set (see `Roles`); person roles are refused.
    /// @param account First operational account of the new organisation.
    /// @return proposalId The new proposal's id.
    function proposeAdmission(
        string calldata name,
        bytes32 metadataHash,
        uint16 roles,
        address account
    ) external returns (uint256 proposalId);

    /// @notice Propose replacing an organisation's role set.
    /// @param orgId The organisation.
    /// @param roles The new role bit set.
    /// @return proposalId The new proposal's id.
    function proposeRoles(uint32 orgId, uint16 roles) external returns (uint256 proposalId);

    /// @notice Propose a status change: `Suspend`, `Reinstate` or `Remove`.
    /// @param orgId The organisation.
    /// @param kind One of Suspend, Reinstate, Remove.
    /// @return proposalId The new proposal's id.
    function proposeStatus(uint32 orgId, ProposalKind kind) external returns (uint256 proposalId);

    /// @notice Propose a new quorum (basis points of active voting organisations, more than half).
    /// @param bps The new quorum.
    /// @return proposalId The new proposal's id.
    function proposeQuorum(uint16 bps) external returns (uint256 proposalId);

    /// @notice Propose a new voting period for later proposals.
    /// @param period Seconds, between one hour and ninety days.
    /// @return proposalId The new proposal's id.
    function proposeVotingPeriod(uint64 period) external returns (uint256 proposalId);

    /// @notice Propose replacing the code of a domain proxy, of this consortium, or of the share-token beacon.
    /// @dev Refused at once if the implementation has no code, its code hash differs from `codehash`, or (for a
    /// proxy) it is not UUPS-proxiable. The target is a beacon when it is an `UpgradeableBeacon` owned by this
    /// consortium (probed: `owner()` and `implementation()`), otherwise a proxy. One upgrade per target at a time.
    /// @param target The proxy or beacon to upgrade.
    /// @param implementation The new implementation (already deployed, so members can inspect it).
    /// @param codehash `implementation.codehash`, as the members reviewed it.
    /// @return proposalId The new proposal's id.
    function proposeUpgrade(
        address target,
        address implementation,
        bytes32 codehash
    ) external returns (uint256 proposalId);

    /// @notice Propose cancelling the upgrade scheduled for `target` (before it is applied).
    /// @param target The proxy or beacon.
    /// @return proposalId The new proposal's id.
    function proposeCancelUpgrade(address target) external returns (uint256 proposalId);

    /// @notice Propose lifting a regulator's emergency stop of a domain contract.
    /// @param target The paused domain proxy.
    /// @return proposalId The new proposal's id.
    function proposeUnpause(address target) external returns (uint256 proposalId);

    /// @notice Propose a new delay between an upgrade vote and its earliest application.
    /// @param delay Seconds, between one minute and ninety days.
    /// @return proposalId The new proposal's id.
    function proposeUpgradeDelay(uint64 delay) external returns (uint256 proposalId);

    /// @notice Apply a scheduled upgrade once its delay is over (anyone may). The implementation's code hash is
    /// checked again against the voted one.
    /// @param target The proxy or beacon.
    function applyUpgrade(address target) external;

    /// @notice Vote for or against an open proposal, once per organisation. Executes it when the quorum is met.
    /// @param proposalId The proposal.
    /// @param support True to approve.
    function vote(uint256 proposalId, bool support) external;

    /// @notice Withdraw an open proposal (an account of the proposing organisation).
    /// @param proposalId The proposal.
    function cancel(uint256 proposalId) external;

    /// @notice Bind another operational account to the caller's organisation (its account admin only).
    /// @param account The new account.
    function addAccount(address account) external;

    /// @notice Revoke one of the caller's organisation's accounts (its account admin only; never the admin itself).
    /// @param account The account to revoke.
    function removeAccount(address account) external;

    /// @notice Hand the account-admin role to another account of the caller's organisation (the admin only).
    /// @param account The new admin, already bound to the organisation.
    function setAccountAdmin(address account) external;

    /**
     * @notice Recover a suspended organisation whose admin account was compromised (REGULATOR): name another of
     * its accounts as account admin. The organisation is reinstated by vote afterwards.
     * @param orgId The suspended organisation.
     * @param account One of its accounts.
     */
    function recoverAccountAdmin(uint32 orgId, address account) external;

    /// @notice The account that adds and removes the organisation's accounts (its founding account at first).
    /// @param orgId The member.
    /// @return The account admin.
    function accountAdmin(uint32 orgId) external view returns (address);

    /// @notice Who admitted a person and whether a regulator holds its suspension or removal.
    /// @param orgId The person.
    /// @return admittedBy The admitting member.
    /// @return regulatorHold True when a regulator suspended or removed the person.
    function personAdmin(uint32 orgId) external view returns (uint32 admittedBy, bool regulatorHold);

    /// @notice Admit a natural person (INVESTOR by a KYC_PROVIDER or REGULATOR, PATIENT by a HOSPITAL).
    /// @param account The person's account.
    /// @param role INVESTOR or PATIENT.
    /// @param kycHash Hash of the KYC record kept by the admitting member.
    /// @return orgId The person's member id.
    function admitPerson(address account, uint8 role, bytes32 kycHash) external returns (uint32 orgId);

    /// @notice Suspend, reinstate or remove a person: the member that admitted them (while it still may admit
    /// such persons) or a regulator. Only a regulator lifts a regulator's suspension or reverses a removal.
    /// @param orgId The person's member id.
    /// @param status Active, Suspended or Removed.
    function setPersonStatus(uint32 orgId, Status status) external;

    /// @notice True when the account's member is active and holds the role. The check every domain uses.
    /// @param role The role (see `Roles`).
    /// @param account The account.
    /// @return True if allowed.
    function hasRole(uint8 role, address account) external view returns (bool);

    /// @notice The account's member id when it is active and holds the role, otherwise 0. One call gives both
    /// the permission and the acting organisation.
    /// @param role The role.
    /// @param account The account.
    /// @return orgId The member id, or 0.
    function roleOrg(uint8 role, address account) external view returns (uint32 orgId);

    /// @notice True when the member is active and holds the role.
    /// @param orgId The member.
    /// @param role The role.
    /// @return True if so.
    function memberHasRole(uint32 orgId, uint8 role) external view returns (bool);

    /// @notice The member an account is bound to (0 if none), whatever its status.
    /// @param account The account.
    /// @return orgId The member id.
    function memberOf(address account) external view returns (uint32 orgId);

    /// @notice A member's record.
    /// @param orgId The member id.
    /// @return The member.
    function member(uint32 orgId) external view returns (Member memory);

    /// @notice The accounts bound to a member.
    /// @param orgId The member id.
    /// @return The accounts.
    function accountsOf(uint32 orgId) external view returns (address[] memory);

    /// @notice How many member ids exist (ids run from 1 to this number).
    /// @return The count.
    function memberCount() external view returns (uint32);

    /// @notice A proposal with its derived state.
    /// @param proposalId The proposal.
    /// @return The proposal.
    function proposal(uint256 proposalId) external view returns (Proposal memory);

    /// @notice How many proposals exist (ids run from 1 to this number).
    /// @return The count.
    function proposalCount() external view returns (uint256);

    /// @notice Whether an organisation voted on a proposal.
    /// @param proposalId The proposal.
    /// @param orgId The organisation.
    /// @return True if it voted.
    function hasVoted(uint256 proposalId, uint32 orgId) external view returns (bool);

    /// @notice The quorum in basis points of active voting organisations.
    /// @return The quorum.
    function quorumBps() external view returns (uint16);

    /// @notice The voting period of new proposals, in seconds.
    /// @return The period.
    function votingPeriod() external view returns (uint64);

    /// @notice Number of active organisations (persons excluded): the electorate.
    /// @return The count.
    function activeVoters() external view returns (uint32);

    /// @notice Number of active organisations holding the REGULATOR role.
    /// @return The count.
    function activeRegulators() external view returns (uint32);

    /// @notice The delay between an upgrade vote and its earliest application, in seconds.
    /// @return The delay.
    function upgradeDelay() external view returns (uint64);

    /// @notice The upgrade scheduled for a target (`eta == 0` when none).
    /// @param target The proxy or beacon.
    /// @return The schedule.
    function scheduledUpgrade(address target) external view returns (ScheduledUpgrade memory);

    /// @notice The target, implementation and code hash of an upgrade proposal.
    /// @param proposalId The proposal.
    /// @return The request (zero for other kinds of proposal).
    function upgradeRequest(uint256 proposalId) external view returns (UpgradeRequest memory);
}
