import { expect } from "chai";
import hre from "hardhat";
import type { IConsortium } from "../../typechain-types/contracts/consortium/Consortium";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployConsortiumFixture, deploySmallConsortiumFixture } from "../fixtures/consortium";
import { deployConsortium, documentHash, listMembers, voteUntilClosed } from "../../src/consortium";
import { PROPOSAL_KIND, ROLES, roleMask, roleNames } from "../../src/roles";
import { cityActors } from "../../src/city";
import { shouldBehaveLikeRestricted } from "../behaviours/restricted";

const { Admit, SetRoles, Suspend, Reinstate, Remove } = PROPOSAL_KIND;
const Status = { None: 0, Active: 1, Suspended: 2, Removed: 3 };
const State = { Open: 1, Executed: 2, Defeated: 3, Expired: 4 };
const WEEK = 7 * 24 * 3600;

/** Deploys an implementation and a proxy that initialises it with these parameters (the SDK's path, unwrapped). */
async function initialized(
  founders: IConsortium.FounderStruct[],
  quorumBps: number,
  votingPeriod: number,
  upgradeDelay = 2 * 86400,
) {
  const factory = await hre.ethers.getContractFactory("Consortium");
  const impl = await factory.deploy();
  const proxyFactory = await hre.ethers.getContractFactory("ERC1967Proxy");
  const data = factory.interface.encodeFunctionData("initialize", [founders, quorumBps, votingPeriod, upgradeDelay]);
  return proxyFactory.deploy(await impl.getAddress(), data);
}

describe("Consortium", function () {
  describe("founding", function () {
    it("admits every founder with its roles and binds its account", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deployConsortiumFixture);
      const m = await consortium.member(orgIds.manufacturer);
      expect(m.name).to.equal("Acme Pharma");
      expect(m.status).to.equal(Status.Active);
      expect(roleNames(m.roles)).to.deep.equal(["MANUFACTURER"]);
      expect(await consortium.memberOf(actors.manufacturer.address)).to.equal(orgIds.manufacturer);
      expect(await consortium.activeVoters()).to.equal(12);
      expect(await consortium.activeRegulators()).to.equal(1);
      expect(await consortium.quorumBps()).to.equal(5001);
      expect(await consortium.votingPeriod()).to.equal(WEEK);
      const members = await listMembers(consortium);
      expect(members.filter((x) => x.kind === "Person")).to.have.length(5);
    });

    it("refuses a founding set without a regulator", async function () {
      const actors = await cityActors(hre);
      const factory = await hre.ethers.getContractFactory("Consortium");
      await expect(
        deployConsortium(hre, [
          { spec: { name: "Acme", roles: ["MANUFACTURER"] }, account: actors.manufacturer.address },
        ]),
      )
        .to.be.revertedWithCustomError(factory, "ConsortiumLastRegulator")
        .withArgs(0);
    });

    it("refuses invalid quorum, voting period, names, roles and duplicate accounts", async function () {
      const actors = await cityActors(hre);
      const factory = await hre.ethers.getContractFactory("Consortium");
      const reg = {
        name: "Reg",
        metadataHash: documentHash("r"),
        roles: roleMask(["REGULATOR"]),
        account: actors.regulator.address,
      };
      await expect(initialized([reg], 5000, WEEK))
        .to.be.revertedWithCustomError(factory, "ConsortiumInvalidQuorum")
        .withArgs(5000);
      await expect(initialized([reg], 10001, WEEK))
        .to.be.revertedWithCustomError(factory, "ConsortiumInvalidQuorum")
        .withArgs(10001);
      await expect(initialized([reg], 5001, 60))
        .to.be.revertedWithCustomError(factory, "ConsortiumInvalidVotingPeriod")
        .withArgs(60);
      await expect(initialized([reg], 5001, 91 * 24 * 3600)).to.be.revertedWithCustomError(
        factory,
        "ConsortiumInvalidVotingPeriod",
      );
      await expect(initialized([{ ...reg, name: "" }], 5001, WEEK)).to.be.revertedWithCustomError(
        factory,
        "ConsortiumEmptyName",
      );
      await expect(initialized([{ ...reg, roles: 0 }], 5001, WEEK))
        .to.be.revertedWithCustomError(factory, "ConsortiumInvalidRoles")
        .withArgs(0);
      const investorBit = roleMask(["REGULATOR", "INVESTOR"]);
      await expect(initialized([{ ...reg, roles: investorBit }], 5001, WEEK))
        .to.be.revertedWithCustomError(factory, "ConsortiumInvalidRoles")
        .withArgs(investorBit);
      await expect(initialized([{ ...reg, roles: 1 << 15 }], 5001, WEEK)).to.be.revertedWithCustomError(
        factory,
        "ConsortiumInvalidRoles",
      );
      await expect(
        initialized([{ ...reg, account: hre.ethers.ZeroAddress }], 5001, WEEK),
      ).to.be.revertedWithCustomError(factory, "ConsortiumZeroAccount");
      await expect(initialized([reg, { ...reg, name: "Twin" }], 5001, WEEK))
        .to.be.revertedWithCustomError(factory, "ConsortiumAccountBound")
        .withArgs(reg.account, 1);
    });
  });

  describe("role checks", function () {
    it("resolves any account of an active organisation to its roles", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deployConsortiumFixture);
      expect(await consortium.hasRole(ROLES.HOSPITAL, actors.pharmacy.address)).to.equal(true);
      expect(await consortium.hasRole(ROLES.DISTRIBUTOR, actors.pharmacy.address)).to.equal(true);
      expect(await consortium.hasRole(ROLES.MANUFACTURER, actors.pharmacy.address)).to.equal(false);
      expect(await consortium.roleOrg(ROLES.HOSPITAL, actors.pharmacy.address)).to.equal(orgIds.pharmacy);
      expect(await consortium.roleOrg(ROLES.HOSPITAL, actors.outsider.address)).to.equal(0);
      expect(await consortium.memberHasRole(orgIds.pharmacy, ROLES.HOSPITAL)).to.equal(true);
      expect(await consortium.memberHasRole(orgIds.pharmacy, ROLES.CARRIER)).to.equal(false);
      expect(await consortium.hasRole(ROLES.INVESTOR, actors.investor1.address)).to.equal(true);
      expect(await consortium.hasRole(ROLES.PATIENT, actors.patient1.address)).to.equal(true);
    });

    it("refuses to describe members and proposals that do not exist", async function () {
      const { consortium } = await loadFixture(deployConsortiumFixture);
      await expect(consortium.member(999))
        .to.be.revertedWithCustomError(consortium, "ConsortiumUnknownMember")
        .withArgs(999);
      await expect(consortium.accountsOf(0))
        .to.be.revertedWithCustomError(consortium, "ConsortiumUnknownMember")
        .withArgs(0);
      await expect(consortium.proposal(1))
        .to.be.revertedWithCustomError(consortium, "ConsortiumUnknownProposal")
        .withArgs(1);
    });
  });

  describe("admission by vote", function () {
    it("admits a new organisation once more than half of the organisations voted for it", async function () {
      const { consortium, actors } = await loadFixture(deploySmallConsortiumFixture);
      const newcomer = actors.pharmacy.address;
      const hash = documentHash("Corner Pharmacy registration");
      const nextId = (await consortium.memberCount()) + 1n;
      await expect(
        consortium
          .connect(actors.regulator)
          .proposeAdmission("Corner Pharmacy", hash, roleMask(["HOSPITAL"]), newcomer),
      )
        .to.emit(consortium, "ProposalCreated")
        .withArgs(1, Admit, 1, 0, (await time.latest()) + 1 + WEEK)
        .and.to.emit(consortium, "VoteCast")
        .withArgs(1, 1, actors.regulator.address, true);
      await expect(consortium.connect(actors.manufacturer).vote(1, true)).not.to.emit(consortium, "ProposalExecuted");
      expect(await consortium.hasRole(ROLES.HOSPITAL, newcomer)).to.equal(false);
      await expect(consortium.connect(actors.hospital).vote(1, true))
        .to.emit(consortium, "MemberAdmitted")
        .withArgs(nextId, 0, "Corner Pharmacy", hash, roleMask(["HOSPITAL"]), newcomer)
        .and.to.emit(consortium, "ProposalExecuted")
        .withArgs(1, Admit, nextId);
      expect(await consortium.hasRole(ROLES.HOSPITAL, newcomer)).to.equal(true);
      expect(await consortium.activeVoters()).to.equal(5);
      const p = await consortium.proposal(1);
      expect(p.state).to.equal(State.Executed);
      expect(p.yes).to.equal(3);
      expect(p.target).to.equal(nextId);
    });

    it("counts one vote per organisation, whichever of its accounts votes", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deploySmallConsortiumFixture);
      await consortium.connect(actors.manufacturer).addAccount(actors.outsider2.address);
      await consortium
        .connect(actors.regulator)
        .proposeAdmission("X", documentHash("x"), roleMask(["CARRIER"]), actors.pharmacy.address);
      await consortium.connect(actors.manufacturer).vote(1, true);
      await expect(consortium.connect(actors.outsider2).vote(1, true))
        .to.be.revertedWithCustomError(consortium, "ConsortiumAlreadyVoted")
        .withArgs(1, orgIds.manufacturer);
      await expect(consortium.connect(actors.regulator).vote(1, false))
        .to.be.revertedWithCustomError(consortium, "ConsortiumAlreadyVoted")
        .withArgs(1, orgIds.regulator);
    });

    it("defeats a proposal once it can no longer reach the quorum", async function () {
      const { consortium, actors } = await loadFixture(deploySmallConsortiumFixture);
      await consortium
        .connect(actors.regulator)
        .proposeAdmission("X", documentHash("x"), roleMask(["CARRIER"]), actors.pharmacy.address);
      await consortium.connect(actors.manufacturer).vote(1, false);
      await expect(consortium.connect(actors.hospital).vote(1, false))
        .to.emit(consortium, "ProposalDefeated")
        .withArgs(1);
      expect((await consortium.proposal(1)).state).to.equal(State.Defeated);
      await expect(consortium.connect(actors.carrier).vote(1, true))
        .to.be.revertedWithCustomError(consortium, "ConsortiumProposalClosed")
        .withArgs(1, State.Defeated);
      expect(await consortium.memberOf(actors.pharmacy.address)).to.equal(0);
    });

    it("refuses votes after the proposal expired and reports it as expired", async function () {
      const { consortium, actors } = await loadFixture(deploySmallConsortiumFixture);
      await consortium
        .connect(actors.regulator)
        .proposeAdmission("X", documentHash("x"), roleMask(["CARRIER"]), actors.pharmacy.address);
      const { expiresAt } = await consortium.proposal(1);
      await time.increaseTo(expiresAt + 1n);
      await expect(consortium.connect(actors.manufacturer).vote(1, true))
        .to.be.revertedWithCustomError(consortium, "ConsortiumProposalExpired")
        .withArgs(1, expiresAt);
      expect((await consortium.proposal(1)).state).to.equal(State.Expired);
    });

    it("refuses votes on unknown or executed proposals", async function () {
      const { consortium, actors } = await loadFixture(deploySmallConsortiumFixture);
      await expect(consortium.connect(actors.manufacturer).vote(7, true))
        .to.be.revertedWithCustomError(consortium, "ConsortiumUnknownProposal")
        .withArgs(7);
      const id = await consortium
        .connect(actors.regulator)
        .proposeAdmission.staticCall("X", documentHash("x"), roleMask(["CARRIER"]), actors.pharmacy.address);
      expect(id).to.equal(1);
      await consortium
        .connect(actors.regulator)
        .proposeAdmission("X", documentHash("x"), roleMask(["CARRIER"]), actors.pharmacy.address);
      expect(await voteUntilClosed(consortium, 1n, [actors.manufacturer, actors.hospital])).to.equal("Executed");
      await expect(consortium.connect(actors.carrier).vote(1, true))
        .to.be.revertedWithCustomError(consortium, "ConsortiumProposalClosed")
        .withArgs(1, State.Executed);
    });

    it("re-checks the admission at execution: an account bound meanwhile blocks it", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deploySmallConsortiumFixture);
      await consortium
        .connect(actors.regulator)
        .proposeAdmission("X", documentHash("x"), roleMask(["CARRIER"]), actors.pharmacy.address);
      await consortium.connect(actors.carrier).addAccount(actors.pharmacy.address);
      await consortium.connect(actors.manufacturer).vote(1, true);
      await expect(consortium.connect(actors.hospital).vote(1, true))
        .to.be.revertedWithCustomError(consortium, "ConsortiumAccountBound")
        .withArgs(actors.pharmacy.address, orgIds.carrier);
    });

    it("refuses bad admission proposals", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deploySmallConsortiumFixture);
      const c = consortium.connect(actors.regulator);
      await expect(c.proposeAdmission("", documentHash("x"), 1, actors.pharmacy.address)).to.be.revertedWithCustomError(
        consortium,
        "ConsortiumEmptyName",
      );
      await expect(c.proposeAdmission("X", documentHash("x"), 0, actors.pharmacy.address))
        .to.be.revertedWithCustomError(consortium, "ConsortiumInvalidRoles")
        .withArgs(0);
      await expect(c.proposeAdmission("X", documentHash("x"), 1, hre.ethers.ZeroAddress)).to.be.revertedWithCustomError(
        consortium,
        "ConsortiumZeroAccount",
      );
      await expect(c.proposeAdmission("X", documentHash("x"), 1, actors.hospital.address))
        .to.be.revertedWithCustomError(consortium, "ConsortiumAccountBound")
        .withArgs(actors.hospital.address, orgIds.hospital);
      expect(await consortium.proposalCount()).to.equal(0);
    });
  });

  describe("suspension, reinstatement and removal", function () {
    it("suspends an organisation: all of its accounts lose every role at once", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deploySmallConsortiumFixture);
      await consortium.connect(actors.manufacturer).addAccount(actors.outsider2.address);
      await expect(consortium.connect(actors.regulator).proposeStatus(orgIds.manufacturer, Suspend)).to.emit(
        consortium,
        "ProposalCreated",
      );
      await consortium.connect(actors.hospital).vote(1, true);
      await expect(consortium.connect(actors.carrier).vote(1, true))
        .to.emit(consortium, "MemberStatusChanged")
        .withArgs(orgIds.manufacturer, Status.Active, Status.Suspended);
      expect(await consortium.hasRole(ROLES.MANUFACTURER, actors.manufacturer.address)).to.equal(false);
      expect(await consortium.hasRole(ROLES.MANUFACTURER, actors.outsider2.address)).to.equal(false);
      expect(await consortium.activeVoters()).to.equal(3);
      await expect(consortium.connect(actors.manufacturer).vote(1, true))
        .to.be.revertedWithCustomError(consortium, "ConsortiumMemberNotActive")
        .withArgs(orgIds.manufacturer, Status.Suspended);
      await expect(consortium.connect(actors.outsider2).proposeStatus(orgIds.hospital, Suspend))
        .to.be.revertedWithCustomError(consortium, "ConsortiumMemberNotActive")
        .withArgs(orgIds.manufacturer, Status.Suspended);
      await expect(
        consortium.connect(actors.manufacturer).addAccount(actors.outsider.address),
      ).to.be.revertedWithCustomError(consortium, "ConsortiumMemberNotActive");

      // reinstated by a new vote (2 of 3 remaining active organisations)
      await consortium.connect(actors.regulator).proposeStatus(orgIds.manufacturer, Reinstate);
      await expect(consortium.connect(actors.hospital).vote(2, true))
        .to.emit(consortium, "MemberStatusChanged")
        .withArgs(orgIds.manufacturer, Status.Suspended, Status.Active);
      expect(await consortium.hasRole(ROLES.MANUFACTURER, actors.outsider2.address)).to.equal(true);
    });

    it("removes an organisation for good", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deploySmallConsortiumFixture);
      await consortium.connect(actors.regulator).proposeStatus(orgIds.carrier, Remove);
      await voteUntilClosed(consortium, 1n, [actors.manufacturer, actors.hospital]);
      expect((await consortium.member(orgIds.carrier)).status).to.equal(Status.Removed);
      await expect(consortium.connect(actors.regulator).proposeStatus(orgIds.carrier, Reinstate))
        .to.be.revertedWithCustomError(consortium, "ConsortiumInvalidStatusChange")
        .withArgs(orgIds.carrier, Status.Removed, Reinstate);
      await expect(consortium.connect(actors.regulator).proposeStatus(orgIds.carrier, Remove))
        .to.be.revertedWithCustomError(consortium, "ConsortiumInvalidStatusChange")
        .withArgs(orgIds.carrier, Status.Removed, Remove);
    });

    it("refuses to suspend, remove or strip the last regulator", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deploySmallConsortiumFixture);
      const c = consortium.connect(actors.hospital);
      await expect(c.proposeStatus(orgIds.regulator, Suspend))
        .to.be.revertedWithCustomError(consortium, "ConsortiumLastRegulator")
        .withArgs(orgIds.regulator);
      await expect(c.proposeStatus(orgIds.regulator, Remove))
        .to.be.revertedWithCustomError(consortium, "ConsortiumLastRegulator")
        .withArgs(orgIds.regulator);
      await expect(c.proposeRoles(orgIds.regulator, roleMask(["HOSPITAL"])))
        .to.be.revertedWithCustomError(consortium, "ConsortiumLastRegulator")
        .withArgs(orgIds.regulator);
    });

    it("re-checks the last regulator at execution when two removals race", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deploySmallConsortiumFixture);
      // make the hospital a second regulator
      await consortium.connect(actors.regulator).proposeRoles(orgIds.hospital, roleMask(["HOSPITAL", "REGULATOR"]));
      await expect(consortium.connect(actors.manufacturer).vote(1, true)).not.to.emit(consortium, "MemberRolesChanged");
      await expect(consortium.connect(actors.carrier).vote(1, true))
        .to.emit(consortium, "MemberRolesChanged")
        .withArgs(orgIds.hospital, roleMask(["HOSPITAL"]), roleMask(["HOSPITAL", "REGULATOR"]));
      expect(await consortium.activeRegulators()).to.equal(2);
      await consortium.connect(actors.manufacturer).proposeStatus(orgIds.regulator, Remove); // 2
      await consortium.connect(actors.manufacturer).proposeStatus(orgIds.hospital, Suspend); // 3
      await voteUntilClosed(consortium, 2n, [actors.carrier, actors.hospital]);
      expect(await consortium.activeRegulators()).to.equal(1);
      // The quorum stays that of the four organisations active when proposal 3 opened: the third yes executes it,
      // and the execution re-checks the last regulator.
      await consortium.connect(actors.carrier).vote(3, true);
      await expect(consortium.connect(actors.hospital).vote(3, true))
        .to.be.revertedWithCustomError(consortium, "ConsortiumLastRegulator")
        .withArgs(orgIds.hospital);
    });

    it("refuses invalid role and status proposals", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deploySmallConsortiumFixture);
      const c = consortium.connect(actors.regulator);
      await expect(c.proposeRoles(99, 1))
        .to.be.revertedWithCustomError(consortium, "ConsortiumUnknownMember")
        .withArgs(99);
      await expect(c.proposeRoles(orgIds.hospital, roleMask(["PATIENT"]))).to.be.revertedWithCustomError(
        consortium,
        "ConsortiumInvalidRoles",
      );
      await expect(c.proposeStatus(orgIds.hospital, Reinstate))
        .to.be.revertedWithCustomError(consortium, "ConsortiumInvalidStatusChange")
        .withArgs(orgIds.hospital, Status.Active, Reinstate);
      await expect(c.proposeStatus(orgIds.investor1, Suspend))
        .to.be.revertedWithCustomError(consortium, "ConsortiumWrongKind")
        .withArgs(orgIds.investor1, 1);
      await expect(c.proposeStatus(orgIds.hospital, SetRoles)).to.be.revertedWithCustomError(
        consortium,
        "ConsortiumInvalidStatusChange",
      );
      // roles of a suspended organisation cannot change until it is reinstated
      await c.proposeStatus(orgIds.carrier, Suspend);
      await voteUntilClosed(consortium, 1n, [actors.manufacturer, actors.hospital]);
      await expect(c.proposeRoles(orgIds.carrier, 1))
        .to.be.revertedWithCustomError(consortium, "ConsortiumMemberNotActive")
        .withArgs(orgIds.carrier, Status.Suspended);
    });
  });

  describe("governance parameters", function () {
    it("changes the quorum and the voting period by vote", async function () {
      const { consortium, actors } = await loadFixture(deploySmallConsortiumFixture);
      await consortium.connect(actors.regulator).proposeQuorum(7500);
      await consortium.connect(actors.hospital).vote(1, true);
      await expect(consortium.connect(actors.carrier).vote(1, true))
        .to.emit(consortium, "QuorumChanged")
        .withArgs(5001, 7500);
      await consortium.connect(actors.regulator).proposeVotingPeriod(3600);
      await consortium.connect(actors.hospital).vote(2, true);
      // 75 %: three of four organisations are needed now
      expect((await consortium.proposal(2)).state).to.equal(State.Open);
      await expect(consortium.connect(actors.carrier).vote(2, true))
        .to.emit(consortium, "VotingPeriodChanged")
        .withArgs(WEEK, 3600);
      expect(await consortium.votingPeriod()).to.equal(3600);
    });

    it("refuses quorums of half or less and periods out of range", async function () {
      const { consortium, actors } = await loadFixture(deploySmallConsortiumFixture);
      const c = consortium.connect(actors.regulator);
      await expect(c.proposeQuorum(5000))
        .to.be.revertedWithCustomError(consortium, "ConsortiumInvalidQuorum")
        .withArgs(5000);
      await expect(c.proposeQuorum(10001))
        .to.be.revertedWithCustomError(consortium, "ConsortiumInvalidQuorum")
        .withArgs(10001);
      await expect(c.proposeVotingPeriod(59))
        .to.be.revertedWithCustomError(consortium, "ConsortiumInvalidVotingPeriod")
        .withArgs(59);
      await expect(c.proposeVotingPeriod(91 * 86400)).to.be.revertedWithCustomError(
        consortium,
        "ConsortiumInvalidVotingPeriod",
      );
    });

    it("executes at once in a one-organisation consortium", async function () {
      const actors = await cityActors(hre);
      const solo = await deployConsortium(hre, [
        { spec: { name: "Reg", roles: ["REGULATOR"] }, account: actors.regulator.address },
      ]);
      await expect(
        solo
          .connect(actors.regulator)
          .proposeAdmission("New", documentHash("n"), roleMask(["HOSPITAL"]), actors.hospital.address),
      )
        .to.emit(solo, "ProposalExecuted")
        .withArgs(1, Admit, 2);
    });
  });

  describe("operational accounts", function () {
    it("lets an organisation add and revoke its own accounts through its account admin", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deployConsortiumFixture);
      const c = consortium.connect(actors.hospital);
      await expect(c.addAccount(actors.outsider.address))
        .to.emit(consortium, "AccountAdded")
        .withArgs(orgIds.hospital, actors.outsider.address, actors.hospital.address);
      await c.addAccount(actors.outsider2.address);
      expect(await consortium.hasRole(ROLES.HOSPITAL, actors.outsider.address)).to.equal(true);
      // Only the account admin changes accounts; the admin hands the role over before it can be removed.
      await expect(consortium.connect(actors.outsider).removeAccount(actors.hospital.address))
        .to.be.revertedWithCustomError(consortium, "ConsortiumNotAccountAdmin")
        .withArgs(actors.outsider.address, orgIds.hospital);
      await expect(c.removeAccount(actors.hospital.address))
        .to.be.revertedWithCustomError(consortium, "ConsortiumAccountIsAdmin")
        .withArgs(actors.hospital.address, orgIds.hospital);
      await expect(c.setAccountAdmin(actors.outsider.address))
        .to.emit(consortium, "AccountAdminChanged")
        .withArgs(orgIds.hospital, actors.hospital.address, actors.outsider.address, actors.hospital.address);
      expect(await consortium.accountAdmin(orgIds.hospital)).to.equal(actors.outsider.address);
      await expect(consortium.connect(actors.outsider).removeAccount(actors.hospital.address))
        .to.emit(consortium, "AccountRemoved")
        .withArgs(orgIds.hospital, actors.hospital.address, actors.outsider.address);
      expect(await consortium.hasRole(ROLES.HOSPITAL, actors.hospital.address)).to.equal(false);
      expect([...(await consortium.accountsOf(orgIds.hospital))]).to.have.members([
        actors.outsider2.address,
        actors.outsider.address,
      ]);
      await consortium.connect(actors.outsider).removeAccount(actors.outsider2.address);
      await expect(consortium.connect(actors.outsider).removeAccount(actors.outsider.address))
        .to.be.revertedWithCustomError(consortium, "ConsortiumLastAccount")
        .withArgs(orgIds.hospital);
      expect((await consortium.member(orgIds.hospital)).accountCount).to.equal(1);
    });

    it("refuses to bind an account of another organisation, the zero address, or too many", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deployConsortiumFixture);
      const c = consortium.connect(actors.hospital);
      await expect(c.addAccount(actors.carrier.address))
        .to.be.revertedWithCustomError(consortium, "ConsortiumAccountBound")
        .withArgs(actors.carrier.address, orgIds.carrier);
      await expect(c.addAccount(hre.ethers.ZeroAddress)).to.be.revertedWithCustomError(
        consortium,
        "ConsortiumZeroAccount",
      );
      await expect(c.removeAccount(actors.carrier.address))
        .to.be.revertedWithCustomError(consortium, "ConsortiumAccountNotOfMember")
        .withArgs(actors.carrier.address, orgIds.hospital);
      for (let i = 1; i < 64; i++) await c.addAccount(hre.ethers.Wallet.createRandom().address);
      await expect(c.addAccount(actors.outsider.address))
        .to.be.revertedWithCustomError(consortium, "ConsortiumTooManyAccounts")
        .withArgs(orgIds.hospital, 64);
    });

    it("refuses account changes by persons and non-members", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deployConsortiumFixture);
      await expect(consortium.connect(actors.investor1).addAccount(actors.outsider.address))
        .to.be.revertedWithCustomError(consortium, "ConsortiumWrongKind")
        .withArgs(orgIds.investor1, 1);
      await expect(consortium.connect(actors.outsider).addAccount(actors.outsider2.address))
        .to.be.revertedWithCustomError(consortium, "ConsortiumNotMember")
        .withArgs(actors.outsider.address);
    });
  });

  describe("persons", function () {
    it("admits investors by KYC or regulator and patients by hospitals, never by vote", async function () {
      const { consortium, actors } = await loadFixture(deployConsortiumFixture);
      const kycHash = documentHash("kyc:new");
      await expect(consortium.connect(actors.kyc).admitPerson(actors.outsider.address, ROLES.INVESTOR, kycHash))
        .to.emit(consortium, "MemberAdmitted")
        .withArgs(18, 1, "", kycHash, 1 << ROLES.INVESTOR, actors.outsider.address);
      await consortium.connect(actors.hospital).admitPerson(actors.outsider2.address, ROLES.PATIENT, kycHash);
      expect(await consortium.hasRole(ROLES.PATIENT, actors.outsider2.address)).to.equal(true);
      expect(await consortium.activeVoters()).to.equal(12);
    });

    it("refuses persons admitted by the wrong authority, and refuses persons a vote", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deployConsortiumFixture);
      const h = documentHash("x");
      await expect(consortium.connect(actors.hospital).admitPerson(actors.outsider.address, ROLES.INVESTOR, h))
        .to.be.revertedWithCustomError(consortium, "ConsortiumCannotAdmitPerson")
        .withArgs(actors.hospital.address, ROLES.INVESTOR);
      await expect(consortium.connect(actors.kyc).admitPerson(actors.outsider.address, ROLES.PATIENT, h))
        .to.be.revertedWithCustomError(consortium, "ConsortiumCannotAdmitPerson")
        .withArgs(actors.kyc.address, ROLES.PATIENT);
      await expect(consortium.connect(actors.kyc).admitPerson(actors.outsider.address, ROLES.HOSPITAL, h))
        .to.be.revertedWithCustomError(consortium, "ConsortiumCannotAdmitPerson")
        .withArgs(actors.kyc.address, ROLES.HOSPITAL);
      await expect(
        consortium.connect(actors.kyc).admitPerson(hre.ethers.ZeroAddress, ROLES.INVESTOR, h),
      ).to.be.revertedWithCustomError(consortium, "ConsortiumZeroAccount");
      await expect(consortium.connect(actors.kyc).admitPerson(actors.investor1.address, ROLES.INVESTOR, h))
        .to.be.revertedWithCustomError(consortium, "ConsortiumAccountBound")
        .withArgs(actors.investor1.address, orgIds.investor1);
      await expect(consortium.connect(actors.investor1).proposeStatus(orgIds.carrier, Suspend))
        .to.be.revertedWithCustomError(consortium, "ConsortiumNotVoter")
        .withArgs(orgIds.investor1);
    });

    it("suspends, reinstates and removes persons by their authority", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deployConsortiumFixture);
      await expect(consortium.connect(actors.regulator).setPersonStatus(orgIds.investor1, Status.Suspended))
        .to.emit(consortium, "MemberStatusChanged")
        .withArgs(orgIds.investor1, Status.Active, Status.Suspended);
      expect(await consortium.hasRole(ROLES.INVESTOR, actors.investor1.address)).to.equal(false);
      // A regulator's suspension holds against the KYC provider that admitted the investor.
      await expect(consortium.connect(actors.kyc).setPersonStatus(orgIds.investor1, Status.Active))
        .to.be.revertedWithCustomError(consortium, "ConsortiumRegulatorHold")
        .withArgs(orgIds.investor1, Status.Suspended);
      await consortium.connect(actors.regulator).setPersonStatus(orgIds.investor1, Status.Active);
      expect(await consortium.hasRole(ROLES.INVESTOR, actors.investor1.address)).to.equal(true);
      await consortium.connect(actors.kyc).setPersonStatus(orgIds.investor1, Status.Suspended);
      await consortium.connect(actors.kyc).setPersonStatus(orgIds.investor1, Status.Active);
      await consortium.connect(actors.hospital).setPersonStatus(orgIds.patient1, Status.Removed);
      await expect(consortium.connect(actors.hospital).setPersonStatus(orgIds.patient1, Status.Active))
        .to.be.revertedWithCustomError(consortium, "ConsortiumInvalidStatusChange")
        .withArgs(orgIds.patient1, Status.Removed, Suspend);
      await expect(
        consortium.connect(actors.kyc).setPersonStatus(orgIds.investor2, Status.Active),
      ).to.be.revertedWithCustomError(consortium, "ConsortiumInvalidStatusChange");
      await expect(consortium.connect(actors.kyc).setPersonStatus(orgIds.patient2, Status.Suspended))
        .to.be.revertedWithCustomError(consortium, "ConsortiumNotPersonAdmin")
        .withArgs(actors.kyc.address, orgIds.patient2);
      await expect(consortium.connect(actors.kyc).setPersonStatus(orgIds.hospital, Status.Suspended))
        .to.be.revertedWithCustomError(consortium, "ConsortiumWrongKind")
        .withArgs(orgIds.hospital, 0);
      await expect(consortium.connect(actors.kyc).setPersonStatus(77, Status.Suspended))
        .to.be.revertedWithCustomError(consortium, "ConsortiumUnknownMember")
        .withArgs(77);
    });
  });

  shouldBehaveLikeRestricted(async () => {
    const { consortium, actors, orgIds } = await loadFixture(deployConsortiumFixture);
    const o = consortium.connect(actors.outsider);
    const who = actors.outsider.address;
    return [
      {
        name: "proposeAdmission",
        send: () => o.proposeAdmission("X", documentHash("x"), 1, actors.outsider2.address),
        contract: consortium,
        error: "ConsortiumNotMember",
        args: [who],
      },
      {
        name: "proposeRoles",
        send: () => o.proposeRoles(orgIds.hospital, 1),
        contract: consortium,
        error: "ConsortiumNotMember",
        args: [who],
      },
      {
        name: "proposeStatus",
        send: () => o.proposeStatus(orgIds.hospital, Suspend),
        contract: consortium,
        error: "ConsortiumNotMember",
        args: [who],
      },
      {
        name: "proposeQuorum",
        send: () => o.proposeQuorum(6000),
        contract: consortium,
        error: "ConsortiumNotMember",
        args: [who],
      },
      {
        name: "proposeVotingPeriod",
        send: () => o.proposeVotingPeriod(7200),
        contract: consortium,
        error: "ConsortiumNotMember",
        args: [who],
      },
      { name: "vote", send: () => o.vote(1, true), contract: consortium, error: "ConsortiumNotMember", args: [who] },
      {
        name: "addAccount",
        send: () => o.addAccount(actors.outsider2.address),
        contract: consortium,
        error: "ConsortiumNotMember",
        args: [who],
      },
      {
        name: "removeAccount",
        send: () => o.removeAccount(actors.hospital.address),
        contract: consortium,
        error: "ConsortiumNotMember",
        args: [who],
      },
      {
        name: "admitPerson",
        send: () => o.admitPerson(actors.outsider2.address, ROLES.INVESTOR, documentHash("k")),
        contract: consortium,
        error: "ConsortiumCannotAdmitPerson",
        args: [who, ROLES.INVESTOR],
      },
      {
        name: "setPersonStatus",
        send: () => o.setPersonStatus(orgIds.investor1, Status.Suspended),
        contract: consortium,
        error: "ConsortiumNotPersonAdmin",
        args: [who, orgIds.investor1],
      },
      {
        name: "cancel",
        send: () => o.cancel(1),
        contract: consortium,
        error: "ConsortiumNotMember",
        args: [who],
      },
      {
        name: "setAccountAdmin",
        send: () => o.setAccountAdmin(actors.outsider2.address),
        contract: consortium,
        error: "ConsortiumNotMember",
        args: [who],
      },
      {
        name: "recoverAccountAdmin",
        send: () => o.recoverAccountAdmin(orgIds.hospital, actors.hospital.address),
        contract: consortium,
        error: "ConsortiumMissingRole",
        args: [who, ROLES.REGULATOR],
      },
    ];
  });
});
