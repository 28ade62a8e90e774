// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Consortium} from "../../contracts/consortium/Consortium.sol";
import {IConsortium} from "../../contracts/interfaces/IConsortium.sol";
import {Roles} from "../../contracts/libraries/Roles.sol";
import {HandlerBase} from "../base/FuzzBase.sol";
import {Vm} from "../base/Vm.sol";
import {CityFuzz} from "../base/CityFuzz.sol";

/**
 * @title ConsortiumHandler
 * @notice Drives governance, accounts and persons with random callers (organisations, persons, outsiders, spare
 * accounts) and records every ProposalExecuted / VoteCast event the consortium emits, so the invariants can
 * count executions per proposal and votes per organisation independently of the contract's own bookkeeping.
 */
/// @dev Arguments that read the chain are computed BEFORE `vm.prank`: a prank applies to the next call, view
/// calls included, so `vm.prank(a); target.f(view())` would spend the prank on `view()`.
contract ConsortiumHandler is HandlerBase {
    uint16 private constant ORGANISATION_ROLES = uint16((1 << (Roles.MAX_ROLE + 1)) - 1) & ~Roles.PERSON_ROLES;

    Consortium public immutable consortium;

    address[] private _organisations;
    address[] private _callers;
    address[] private _spare;
    address[] private _tracked;

    /// @notice ProposalExecuted events seen per proposal.
    mapping(uint256 proposalId => uint256) public executions;
    /// @notice VoteCast events seen per proposal and organisation.
    mapping(uint256 proposalId => mapping(uint32 orgId => uint256)) public votesBy;
    /// @notice VoteCast events seen per proposal.
    mapping(uint256 proposalId => uint256) public votesOn;
    /// @notice Most VoteCast events seen for one (proposal, organisation) pair.
    uint256 public maxVotesByOrganisation;
    /// @dev Every (proposal, organisation) pair that cast a vote, for the hasVoted cross-check.
    uint256[] private _votedProposal;
    uint32[] private _votedOrg;

    /// @dev Governance ghosts: who voted yes, the electorate and quorum in force when each proposal opened, and the
    /// members active just before the call that executed it.
    mapping(uint256 proposalId => mapping(uint32 orgId => bool)) private _yesBy;
    mapping(uint256 proposalId => uint256) public electorateAtOpen;
    mapping(uint256 proposalId => uint256) public quorumAtOpen;
    mapping(uint32 orgId => bool) private _activeBefore;
    uint256 private _votersBefore;
    uint256 private _quorumBefore;
    /// @notice Executions whose yes votes from members active at execution missed the quorum of an electorate no
    /// smaller than at opening (must stay 0).
    uint256 public underQuorumExecutions;
    /// @notice Proposals executed, and those whose recorded electorate is smaller than at opening (must stay 0).
    uint256 public executedCount;
    uint256 public shrunkElectorates;
    /// @notice Upgrades of the consortium's code that went through without a vote (must stay 0).
    uint256 public unvotedUpgrades;
    /// @dev A valid next implementation, so only the authorisation can refuse the upgrade.
    Consortium private immutable _nextImplementation = new Consortium();

    constructor(Consortium consortium_, address[] memory organisations, address[] memory others, uint256 spare) {
        consortium = consortium_;
        for (uint256 i = 0; i < organisations.length; ++i) {
            _organisations.push(organisations[i]);
            _callers.push(organisations[i]);
            _tracked.push(organisations[i]);
        }
        for (uint256 i = 0; i < others.length; ++i) {
            _callers.push(others[i]);
            _tracked.push(others[i]);
        }
        for (uint256 i = 0; i < spare; ++i) {
            address a = vm.addr(uint256(keccak256(abi.encodePacked("citychain.fuzz.spare.", i))));
            _spare.push(a);
            _callers.push(a);
            _tracked.push(a);
        }
    }

    /// @notice The (proposal, organisation) pairs that cast a vote, in order.
    function votes() external view returns (uint256[] memory proposalIds, uint32[] memory orgIds) {
        return (_votedProposal, _votedOrg);
    }

    /// @notice Every account the campaign can ever bind (for the one-member-per-account invariant).
    function tracked() external view returns (address[] memory) {
        return _tracked;
    }

    // ------------------------------------------------------------------ actions

    function proposeAdmission(uint256 callerSeed, uint256 accountSeed, uint256 rolesSeed) external {
        address account = _pick(_spare, accountSeed);
        uint16 roles = uint16(_bound(rolesSeed, 1, type(uint16).max)) & ORGANISATION_ROLES;
        _record();
        vm.prank(_caller(callerSeed));
        try consortium.proposeAdmission("Fuzzed Org", bytes32(accountSeed), roles, account) {
            _accepted("proposeAdmission");
            _scan(true);
        } catch {
            _scan(false);
        }
    }

    function proposeRoles(uint256 callerSeed, uint256 orgSeed, uint256 rolesSeed) external {
        uint16 roles = uint16(_bound(rolesSeed, 1, type(uint16).max)) & ORGANISATION_ROLES;
        // Half the time grant or keep the regulator role, so more than one regulator can exist.
        if (rolesSeed % 2 == 0) roles |= Roles.mask(Roles.REGULATOR);
        uint32 orgId = _member(orgSeed);
        _record();
        vm.prank(_caller(callerSeed));
        try consortium.proposeRoles(orgId, roles) {
            _accepted("proposeRoles");
            _scan(true);
        } catch {
            _scan(false);
        }
    }

    function proposeStatus(uint256 callerSeed, uint256 orgSeed, uint256 kindSeed) external {
        IConsortium.ProposalKind kind = IConsortium.ProposalKind(
            _bound(kindSeed, uint256(IConsortium.ProposalKind.Suspend), uint256(IConsortium.ProposalKind.Remove))
        );
        uint32 orgId = _member(orgSeed);
        _record();
        vm.prank(_caller(callerSeed));
        try consortium.proposeStatus(orgId, kind) {
            _accepted("proposeStatus");
            _scan(true);
        } catch {
            _scan(false);
        }
    }

    function proposeQuorum(uint256 callerSeed, uint256 bpsSeed) external {
        uint16 bps = uint16(_bound(bpsSeed, 5001, 10_000));
        _record();
        vm.prank(_caller(callerSeed));
        try consortium.proposeQuorum(bps) {
            _accepted("proposeQuorum");
            _scan(true);
        } catch {
            _scan(false);
        }
    }

    function proposeVotingPeriod(uint256 callerSeed, uint256 periodSeed) external {
        uint64 period = uint64(_bound(periodSeed, 1 hours, 90 days));
        _record();
        vm.prank(_caller(callerSeed));
        try consortium.proposeVotingPeriod(period) {
            _accepted("proposeVotingPeriod");
            _scan(true);
        } catch {
            _scan(false);
        }
    }

    /// @notice A random caller (member, person, outsider, spare account) tries to replace the consortium's code.
    function upgradeWithoutVote(uint256 callerSeed) external {
        vm.prank(_caller(callerSeed));
        try consortium.upgradeToAndCall(address(_nextImplementation), "") {
            ++unvotedUpgrades;
        } catch {}
    }

    /// @notice One vote by a random caller on one of the latest proposals (mostly in favour).
    function vote(uint256 callerSeed, uint256 proposalSeed, uint256 supportSeed) external {
        uint256 id = _proposal(proposalSeed);
        _record();
        vm.prank(_caller(callerSeed));
        try consortium.vote(id, supportSeed % 4 != 0) {
            _accepted("vote");
            _scan(true);
        } catch {
            _scan(false);
        }
    }

    /// @notice A round of votes: up to every founding organisation votes on one proposal (drives executions).
    function voteRound(uint256 proposalSeed, uint256 supportSeed, uint256 voters) external {
        uint256 id = _proposal(proposalSeed);
        uint256 n = _bound(voters, 1, _organisations.length);
        for (uint256 i = 0; i < n; ++i) {
            _record();
            vm.prank(_organisations[((proposalSeed % _organisations.length) + i) % _organisations.length]);
            try consortium.vote(id, (supportSeed >> i) % 5 != 0) {
                _accepted("vote");
                _scan(true);
            } catch {
                _scan(false);
            }
        }
    }

    function addAccount(uint256 callerSeed, uint256 accountSeed) external {
        _record();
        vm.prank(_caller(callerSeed));
        try consortium.addAccount(_pick(_spare, accountSeed)) {
            _accepted("addAccount");
            _scan(true);
        } catch {
            _scan(false);
        }
    }

    function removeAccount(uint256 callerSeed, uint256 accountSeed) external {
        _record();
        vm.prank(_caller(callerSeed));
        try consortium.removeAccount(_pick(_tracked, accountSeed)) {
            _accepted("removeAccount");
            _scan(true);
        } catch {
            _scan(false);
        }
    }

    function admitPerson(uint256 callerSeed, uint256 accountSeed, uint256 roleSeed) external {
        uint8 role = roleSeed % 3 == 0 ? Roles.PATIENT : (roleSeed % 3 == 1 ? Roles.INVESTOR : uint8(roleSeed));
        _record();
        vm.prank(_caller(callerSeed));
        try consortium.admitPerson(_pick(_spare, accountSeed), role, bytes32(accountSeed)) {
            _accepted("admitPerson");
            _scan(true);
        } catch {
            _scan(false);
        }
    }

    function setPersonStatus(uint256 callerSeed, uint256 orgSeed, uint256 statusSeed) external {
        IConsortium.Status status = IConsortium.Status(_bound(statusSeed, 0, 3));
        uint32 orgId = _member(orgSeed);
        _record();
        vm.prank(_caller(callerSeed));
        try consortium.setPersonStatus(orgId, status) {
            _accepted("setPersonStatus");
            _scan(true);
        } catch {
            _scan(false);
        }
    }

    /// @notice Time passes (proposals expire after the voting period).
    function warp(uint256 secondsSeed) external {
        vm.warp(block.timestamp + _bound(secondsSeed, 1, 10 days));
    }

    // ------------------------------------------------------------------ helpers

    /// @dev Three calls in five come from a founding organisation, the rest from anyone in the pool.
    function _caller(uint256 seed) private view returns (address) {
        return seed % 5 < 3 ? _pick(_organisations, seed >> 8) : _pick(_callers, seed >> 8);
    }

    /// @dev A member id (including, rarely, an unknown one).
    function _member(uint256 seed) private view returns (uint32) {
        return uint32(_bound(seed, 1, uint256(consortium.memberCount()) + 1));
    }

    /// @dev One of the four latest proposals (or id 0/unknown when there is none yet).
    function _proposal(uint256 seed) private view returns (uint256) {
        uint256 count = consortium.proposalCount();
        if (count == 0) return seed % 2;
        uint256 back = seed % (count < 4 ? count : 4);
        return count - back;
    }

    /// @notice Members suspend one of an open proposal's yes voters before its vote ends (a status proposal that
    /// every other founding organisation votes for): from then on that stale yes vote must not count.
    function suspendAYesVoter(uint256 proposalSeed, uint256 pickSeed) external {
        uint256 id = _proposal(proposalSeed);
        if (id == 0 || id > consortium.proposalCount()) return;
        if (consortium.proposal(id).state != IConsortium.ProposalState.Open) return;
        uint32 target;
        for (uint256 k = 0; k < _organisations.length; ++k) {
            uint32 org = consortium.memberOf(_organisations[(pickSeed + k) % _organisations.length]);
            if (_yesBy[id][org] && consortium.member(org).status == IConsortium.Status.Active) {
                target = org;
                break;
            }
        }
        if (target == 0) return;
        uint256 suspension;
        for (uint256 i = 0; i < _organisations.length; ++i) {
            address voter = _organisations[i];
            if (consortium.memberOf(voter) == target) continue;
            _record();
            vm.prank(voter);
            if (suspension == 0) {
                try consortium.proposeStatus(target, IConsortium.ProposalKind.Suspend) returns (uint256 newId) {
                    suspension = newId;
                    _accepted("suspendAYesVoter");
                    _scan(true);
                } catch {
                    _scan(false);
                    return;
                }
            } else {
                try consortium.vote(suspension, true) {
                    _scan(true);
                } catch {
                    _scan(false);
                }
            }
            if (consortium.proposal(suspension).state != IConsortium.ProposalState.Open) return;
        }
    }

    /// @notice Cancel one of the recent proposals as a random member (only its proposer may).
    function cancel(uint256 callerSeed, uint256 proposalSeed) external {
        uint256 id = _proposal(proposalSeed);
        _record();
        vm.prank(_caller(callerSeed));
        try consortium.cancel(id) {
            _accepted("cancel");
            _scan(true);
        } catch {
            _scan(false);
        }
    }

    function _record() private {
        vm.recordLogs();
        uint32 count = consortium.memberCount();
        for (uint32 id = 1; id <= count; ++id) {
            IConsortium.Member memory m = consortium.member(id);
            _activeBefore[id] = m.status == IConsortium.Status.Active && m.kind == IConsortium.Kind.Organisation;
        }
        _votersBefore = consortium.activeVoters();
        _quorumBefore = consortium.quorumBps();
    }

    /// @dev At an execution: the yes votes of members active just before the call meet the quorum in force at opening
    /// over the larger of the electorate then and just before the call.
    function _checkExecution(uint256 id) private {
        ++executedCount;
        uint32 count = consortium.memberCount();
        uint256 yes;
        for (uint32 org = 1; org <= count; ++org) {
            if (_yesBy[id][org] && _activeBefore[org]) ++yes;
        }
        uint256 electorate = electorateAtOpen[id] > _votersBefore ? electorateAtOpen[id] : _votersBefore;
        if (yes * 10_000 < quorumAtOpen[id] * electorate) ++underQuorumExecutions;
        if (consortium.proposal(id).electorate < electorateAtOpen[id]) ++shrunkElectorates;
    }

    /// @dev Counts the consortium's ProposalExecuted and VoteCast events emitted by the last call when it
    /// succeeded. Forge also records the logs of reverted calls, so a failed call's logs are read and dropped.
    function _scan(bool succeeded) private {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        if (!succeeded) return;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter != address(consortium)) continue;
            bytes32 topic = logs[i].topics[0];
            if (topic == IConsortium.ProposalCreated.selector) {
                uint256 id = uint256(logs[i].topics[1]);
                electorateAtOpen[id] = _votersBefore;
                quorumAtOpen[id] = _quorumBefore;
            } else if (topic == IConsortium.ProposalExecuted.selector) {
                ++executions[uint256(logs[i].topics[1])];
                _checkExecution(uint256(logs[i].topics[1]));
            } else if (topic == IConsortium.VoteCast.selector) {
                uint256 id = uint256(logs[i].topics[1]);
                uint32 org = uint32(uint256(logs[i].topics[2]));
                if (abi.decode(logs[i].data, (bool))) _yesBy[id][org] = true;
                uint256 n = ++votesBy[id][org];
                if (n > maxVotesByOrganisation) maxVotesByOrganisation = n;
                ++votesOn[id];
                _votedProposal.push(id);
                _votedOrg.push(org);
            }
        }
    }
}

/**
 * @title ConsortiumInvariants
 * @notice Properties of membership and governance that must hold after any sequence of calls.
 */
contract ConsortiumInvariants is CityFuzz {
    ConsortiumHandler internal handler;

    function setUp() public {
        _formCity();
        address[] memory others = new address[](persons.length + outsiders.length);
        for (uint256 i = 0; i < persons.length; ++i) others[i] = persons[i];
        for (uint256 i = 0; i < outsiders.length; ++i) others[persons.length + i] = outsiders[i];
        handler = new ConsortiumHandler(consortium, organisations, others, 8);
        targetContract(address(handler));
    }

    /// @notice The electorate counter equals the number of active organisations (persons never vote).
    function invariant_activeVotersEqualActiveOrganisations() public view {
        uint32 count = consortium.memberCount();
        uint256 active;
        for (uint32 id = 1; id <= count; ++id) {
            IConsortium.Member memory m = consortium.member(id);
            if (m.kind == IConsortium.Kind.Organisation && m.status == IConsortium.Status.Active) ++active;
        }
        assertEq(consortium.activeVoters(), active, "activeVoters == active organisations");
    }

    /// @notice No account replaces the consortium's code without a vote (the suite runs against the proxy).
    function invariant_noUpgradeWithoutVote() public view {
        assertEq(handler.unvotedUpgrades(), 0, "upgrades without a vote");
    }

    /// @notice There is always at least one active regulator, and the counter matches the members.
    function invariant_alwaysAnActiveRegulator() public view {
        uint32 count = consortium.memberCount();
        uint256 regulators;
        for (uint32 id = 1; id <= count; ++id) {
            if (consortium.memberHasRole(id, Roles.REGULATOR)) ++regulators;
        }
        assertGe(regulators, 1, "active regulators");
        assertEq(consortium.activeRegulators(), regulators, "activeRegulators == members with REGULATOR");
    }

    /// @notice Each account is bound to at most one member, and exactly the members' account lists hold it.
    function invariant_accountBoundToAtMostOneMember() public view {
        uint32 count = consortium.memberCount();
        uint256 listed;
        for (uint32 id = 1; id <= count; ++id) {
            address[] memory accounts = consortium.accountsOf(id);
            assertGe(accounts.length, 1, "every member keeps an account");
            for (uint256 i = 0; i < accounts.length; ++i) {
                assertEq(consortium.memberOf(accounts[i]), id, "listed account resolves to its member");
            }
            listed += accounts.length;
        }
        address[] memory tracked = handler.tracked();
        uint256 bound;
        for (uint256 i = 0; i < tracked.length; ++i) {
            if (consortium.memberOf(tracked[i]) != 0) ++bound;
        }
        assertEq(listed, bound, "bound accounts == listed accounts");
    }

    /// @notice A proposal executes at most once, and is Executed exactly when it was executed.
    function invariant_proposalExecutesAtMostOnce() public view {
        uint256 count = consortium.proposalCount();
        for (uint256 id = 1; id <= count; ++id) {
            uint256 n = handler.executions(id);
            assertLe(n, 1, "executions of one proposal");
            bool executed = consortium.proposal(id).state == IConsortium.ProposalState.Executed;
            assertEq(executed ? 1 : 0, n, "Executed state matches the ProposalExecuted event");
        }
    }

    /**
     * @notice Governance: every executed proposal has yes votes, from members active at execution, that meet the
     * quorum in force at opening over an electorate no smaller than at opening.
     */
    function invariant_executionsMeetTheQuorumOfActiveMembers() public view {
        assertEq(handler.underQuorumExecutions(), 0, "executed with too few yes votes of active members");
        assertEq(handler.shrunkElectorates(), 0, "a proposal's electorate shrank below the one at opening");
    }

    /// @notice One vote per organisation per proposal; the tallies equal the votes cast; hasVoted records them.
    function invariant_oneVotePerOrganisationPerProposal() public view {
        assertLe(handler.maxVotesByOrganisation(), 1, "votes of one organisation on one proposal");
        uint256 count = consortium.proposalCount();
        for (uint256 id = 1; id <= count; ++id) {
            IConsortium.Proposal memory p = consortium.proposal(id);
            assertEq(uint256(p.yes) + p.no, handler.votesOn(id), "yes + no == VoteCast events");
        }
        (uint256[] memory ids, uint32[] memory orgs) = handler.votes();
        for (uint256 i = 0; i < ids.length; ++i) {
            assertTrue(consortium.hasVoted(ids[i], orgs[i]), "hasVoted records every VoteCast");
        }
    }
}
