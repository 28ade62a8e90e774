import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { formCity } from "../../src/city";
import { documentHash, proposeStatus, voteUntilClosed } from "../../src/consortium";
import { PROPOSAL_KIND, ROLES, roleMask } from "../../src/roles";
import { deployConsortiumFixture } from "../fixtures/consortium";
import { suspend } from "../medical/helpers";

const Status = { None: 0, Active: 1, Suspended: 2, Removed: 3 };
const State = { Open: 1, Executed: 2, Defeated: 3, Expired: 4, Cancelled: 5 };

/** Five voting organisations (default quorum 50.01 %: three yes votes): the electorate of the governance replay. */
async function fiveMembers() {
  return formCity(hre, ["regulator", "manufacturer", "hospital", "carrier", "insurer"]);
}

/** Replays of the review's consortium findings (issue 15): each attack, now refused. */
describe("Consortium: review findings replayed", function () {
  describe("finding 4: votes of suspended members and a shrinking electorate", function () {
    it("does not let two suspended members' yes votes and an honest NO admit a regulator", async function () {
      const { consortium, actors, orgIds } = await loadFixture(fiveMembers);
      // Two members propose and support admitting a new regulator (2 of 5: not a majority).
      await consortium
        .connect(actors.manufacturer)
        .proposeAdmission("Shadow Regulator", documentHash("shadow"), roleMask(["REGULATOR"]), actors.outsider.address);
      await consortium.connect(actors.carrier).vote(1, true);
      // The majority suspends both.
      for (const [org, voter] of [
        [orgIds.manufacturer, actors.manufacturer],
        [orgIds.carrier, actors.carrier],
      ] as const) {
        const id = await proposeStatus(consortium, actors.regulator, org, "Suspend");
        expect(
          await voteUntilClosed(
            consortium,
            id,
            [actors.hospital, actors.insurer].filter((s) => s !== voter),
          ),
        ).to.equal("Executed");
      }
      expect(await consortium.activeVoters()).to.equal(3);
      // Before the fix the honest NO executed the admission (2 stale yes > half of 3). Now a NO never executes,
      // the stale votes do not count and the quorum stays that of the five members at opening.
      await expect(consortium.connect(actors.insurer).vote(1, false))
        .to.emit(consortium, "ProposalDefeated")
        .withArgs(1)
        .and.not.to.emit(consortium, "MemberAdmitted");
      expect(await consortium.memberOf(actors.outsider.address)).to.equal(0);
      const p = await consortium.proposal(1);
      expect([p.state, p.electorate, p.quorumBps, p.yes]).to.deep.equal([BigInt(State.Defeated), 5n, 5_001n, 2n]);
    });

    it("counts only the yes votes of members still active, over the electorate at opening", async function () {
      const { consortium, actors, orgIds } = await loadFixture(fiveMembers);
      await consortium.connect(actors.manufacturer).proposeQuorum(8_000); // 1: yes from manufacturer
      await consortium.connect(actors.carrier).vote(1, true); // 2 yes
      const id = await proposeStatus(consortium, actors.regulator, orgIds.manufacturer, "Suspend");
      await voteUntilClosed(consortium, id, [actors.hospital, actors.insurer]);
      expect((await consortium.member(orgIds.manufacturer)).status).to.equal(Status.Suspended);
      // Regulator's yes: 3 cast, 2 of them from active members; a majority of the 5 at opening needs 3.
      await expect(consortium.connect(actors.regulator).vote(1, true)).not.to.emit(consortium, "ProposalExecuted");
      await expect(consortium.connect(actors.hospital).vote(1, true))
        .to.emit(consortium, "ProposalExecuted")
        .withArgs(1, PROPOSAL_KIND.SetQuorum, 0);
    });

    it("keeps the quorum of an open proposal when the quorum changes", async function () {
      const { consortium, actors } = await loadFixture(fiveMembers);
      await consortium.connect(actors.manufacturer).proposeVotingPeriod(2 * 24 * 3600); // 1, at 50.01 %
      await consortium.connect(actors.regulator).proposeQuorum(8_000); // 2
      await voteUntilClosed(consortium, 2n, [actors.hospital, actors.insurer]);
      expect(await consortium.quorumBps()).to.equal(8_000);
      // Proposal 1 still needs 50.01 % (3 of 5), not 80 % (4 of 5): the third yes executes it.
      await consortium.connect(actors.carrier).vote(1, true);
      await expect(consortium.connect(actors.hospital).vote(1, true)).to.emit(consortium, "ProposalExecuted");
      expect((await consortium.proposal(1)).quorumBps).to.equal(5_001);
    });

    it("lets the proposer, and only the proposer, cancel an open proposal", async function () {
      const { consortium, actors, orgIds } = await loadFixture(fiveMembers);
      await consortium.connect(actors.manufacturer).proposeQuorum(7_000);
      await expect(consortium.connect(actors.carrier).cancel(1))
        .to.be.revertedWithCustomError(consortium, "ConsortiumNotProposer")
        .withArgs(1, orgIds.carrier);
      await expect(consortium.connect(actors.manufacturer).cancel(1))
        .to.emit(consortium, "ProposalCancelled")
        .withArgs(1, orgIds.manufacturer);
      await expect(consortium.connect(actors.carrier).vote(1, true))
        .to.be.revertedWithCustomError(consortium, "ConsortiumProposalClosed")
        .withArgs(1, State.Cancelled);
      await expect(consortium.connect(actors.manufacturer).cancel(9))
        .to.be.revertedWithCustomError(consortium, "ConsortiumUnknownProposal")
        .withArgs(9);
      await consortium.connect(actors.manufacturer).proposeQuorum(7_000);
      await time.increase(8 * 24 * 3600);
      const expiresAt = (await consortium.proposal(2)).expiresAt;
      await expect(consortium.connect(actors.manufacturer).cancel(2))
        .to.be.revertedWithCustomError(consortium, "ConsortiumProposalExpired")
        .withArgs(2, expiresAt);
    });
  });

  describe("finding 5: authority over persons", function () {
    it("refuses another hospital removing Northside's patient; a regulator acts on any person", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deployConsortiumFixture);
      expect(await consortium.personAdmin(orgIds.patient1)).to.deep.equal([BigInt(orgIds.hospital), false]);
      await expect(consortium.connect(actors.pharmacy).setPersonStatus(orgIds.patient1, Status.Removed))
        .to.be.revertedWithCustomError(consortium, "ConsortiumNotPersonAdmin")
        .withArgs(actors.pharmacy.address, orgIds.patient1);
      await expect(consortium.connect(actors.regulator).setPersonStatus(orgIds.patient1, Status.Suspended))
        .to.emit(consortium, "MemberStatusChanged")
        .withArgs(orgIds.patient1, Status.Active, Status.Suspended);
      // Only a regulator lifts a regulator's suspension.
      await expect(consortium.connect(actors.hospital).setPersonStatus(orgIds.patient1, Status.Active))
        .to.be.revertedWithCustomError(consortium, "ConsortiumRegulatorHold")
        .withArgs(orgIds.patient1, Status.Suspended);
      await consortium.connect(actors.regulator).setPersonStatus(orgIds.patient1, Status.Active);
      expect(await consortium.hasRole(ROLES.PATIENT, actors.patient1.address)).to.equal(true);
    });

    it("refuses a KYC provider lifting a regulator's suspension of an investor", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deployConsortiumFixture);
      await consortium.connect(actors.regulator).setPersonStatus(orgIds.investor1, Status.Suspended);
      await expect(consortium.connect(actors.kyc).setPersonStatus(orgIds.investor1, Status.Active))
        .to.be.revertedWithCustomError(consortium, "ConsortiumRegulatorHold")
        .withArgs(orgIds.investor1, Status.Suspended);
      expect(await consortium.personAdmin(orgIds.investor1)).to.deep.equal([BigInt(orgIds.kyc), true]);
    });

    it("lets only a regulator reverse a removal", async function () {
      const { consortium, actors, orgIds } = await loadFixture(deployConsortiumFixture);
      await consortium.connect(actors.hospital).setPersonStatus(orgIds.patient1, Status.Removed);
      await expect(consortium.connect(actors.hospital).setPersonStatus(orgIds.patient1, Status.Active))
        .to.be.revertedWithCustomError(consortium, "ConsortiumInvalidStatusChange")
        .withArgs(orgIds.patient1, Status.Removed, PROPOSAL_KIND.Suspend);
      await expect(consortium.connect(actors.regulator).setPersonStatus(orgIds.patient1, Status.Active))
        .to.emit(consortium, "MemberStatusChanged")
        .withArgs(orgIds.patient1, Status.Removed, Status.Active);
    });
  });

  describe("finding 9: one compromised account", function () {
    it("cannot remove its organisation's other accounts; a regulator recovers a suspended member's admin", async function () {
      const city = await loadFixture(deployConsortiumFixture);
      const { consortium, actors, orgIds } = city;
      await consortium.connect(actors.hospital).addAccount(actors.outsider.address);
      await consortium.connect(actors.hospital).addAccount(actors.outsider2.address);
      // outsider is compromised: it cannot remove the admin or the other account, nor add accounts.
      for (const account of [actors.hospital.address, actors.outsider2.address]) {
        await expect(consortium.connect(actors.outsider).removeAccount(account))
          .to.be.revertedWithCustomError(consortium, "ConsortiumNotAccountAdmin")
          .withArgs(actors.outsider.address, orgIds.hospital);
      }
      await expect(consortium.connect(actors.outsider).setAccountAdmin(actors.outsider.address))
        .to.be.revertedWithCustomError(consortium, "ConsortiumNotAccountAdmin")
        .withArgs(actors.outsider.address, orgIds.hospital);
      // Recovery of a suspended organisation by a regulator; refused while the organisation is active.
      await expect(consortium.connect(actors.regulator).recoverAccountAdmin(orgIds.hospital, actors.outsider2.address))
        .to.be.revertedWithCustomError(consortium, "ConsortiumMemberNotActive")
        .withArgs(orgIds.hospital, Status.Active);
      await suspend(city, orgIds.hospital, actors.hospital);
      await expect(consortium.connect(actors.regulator).recoverAccountAdmin(orgIds.hospital, actors.outsider2.address))
        .to.emit(consortium, "AccountAdminChanged")
        .withArgs(orgIds.hospital, actors.hospital.address, actors.outsider2.address, actors.regulator.address);
      await expect(consortium.connect(actors.hospital).recoverAccountAdmin(orgIds.hospital, actors.hospital.address))
        .to.be.revertedWithCustomError(consortium, "ConsortiumMissingRole")
        .withArgs(actors.hospital.address, ROLES.REGULATOR);
    });
  });
});
