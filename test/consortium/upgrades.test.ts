import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";
import { deployConsortiumFixture } from "../fixtures/consortium";
import { cityVoters, scheduleUpgrade, voteUnpause, voteUpgrade, waitForUpgrade } from "../fixtures/upgrades";
import {
  DEFAULT_UPGRADE_DELAY,
  applyUpgrade,
  documentHash,
  listMembers,
  proposeCancelUpgrade,
  proposeUpgrade,
  voteUntilClosed,
} from "../../src/consortium";
import { deployProxied, implementationOf } from "../../src/deploy/proxy";
import { PROPOSAL_KIND, ROLES, roleMask } from "../../src/roles";
import type { Consortium, ConsortiumV2, DomainMock, DomainMockV2, PlainV2Mock } from "../../typechain-types";

const MINUTE = 60;
const DAY = 24 * 3600;

async function codehashOf(address: string): Promise<string> {
  return keccak256(await hre.ethers.provider.getCode(address));
}

/** The city, a domain behind its proxy (with some state), and deployed next versions of both. */
async function upgradesFixture() {
  const city = await deployConsortiumFixture();
  const consortiumAddress = await city.consortium.getAddress();
  const domain = await deployProxied<DomainMock>(hre, "DomainMock", [consortiumAddress], ["ward 7"]);
  await (await domain.contract.connect(city.actors.manufacturer).bump()).wait();
  const consortiumV2 = await hre.ethers.deployContract("ConsortiumV2");
  const domainV2 = await hre.ethers.deployContract("DomainMockV2", [consortiumAddress]);
  const plainV1 = await hre.ethers.deployContract("PlainV1Mock");
  const plainV2 = await hre.ethers.deployContract("PlainV2Mock");
  return { city, consortiumAddress, domain, consortiumV2, domainV2, plainV1, plainV2 };
}

/** Everything the consortium knows, read through its public views. */
async function snapshot(consortium: Consortium) {
  const members = await listMembers(consortium);
  const proposals = [];
  for (let id = 1n; id <= (await consortium.proposalCount()); id++) proposals.push(await consortium.proposal(id));
  const admins = [];
  for (const m of members) admins.push([await consortium.accountAdmin(m.id), await consortium.personAdmin(m.id)]);
  return {
    members,
    admins,
    proposals,
    memberCount: await consortium.memberCount(),
    quorumBps: await consortium.quorumBps(),
    votingPeriod: await consortium.votingPeriod(),
    upgradeDelay: await consortium.upgradeDelay(),
    activeVoters: await consortium.activeVoters(),
    activeRegulators: await consortium.activeRegulators(),
  };
}

describe("Consortium: upgrades and the emergency stop by vote", function () {
  describe("proxy and storage", function () {
    it("keeps its state at the ERC-7201 slot of citychain.storage.Consortium", async function () {
      const { city, consortiumAddress } = await loadFixture(upgradesFixture);
      const inner = BigInt(keccak256(toUtf8Bytes("citychain.storage.Consortium"))) - 1n;
      const slot = BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256"], [inner]))) & ~BigInt(0xff);
      // memberCount is the first field after the ten mappings: slot + 10, lowest 4 bytes.
      const word = await hre.ethers.provider.getStorage(consortiumAddress, slot + 10n);
      expect(BigInt(word) & 0xffffffffn).to.equal(await city.consortium.memberCount());
      expect(await city.consortium.memberCount()).to.be.greaterThan(0n);
    });

    it("refuses a second initialisation of the proxy, and any of the implementation", async function () {
      const { city, consortiumAddress } = await loadFixture(upgradesFixture);
      const founders = [
        {
          name: "Usurper",
          metadataHash: documentHash("u"),
          roles: roleMask(["REGULATOR"]),
          account: city.actors.outsider.address,
        },
      ];
      await expect(
        city.consortium.connect(city.actors.outsider).initialize(founders, 10_000, 3600, MINUTE),
      ).to.be.revertedWithCustomError(city.consortium, "InvalidInitialization");
      const impl = await hre.ethers.getContractAt("Consortium", await implementationOf(hre, consortiumAddress));
      await expect(
        impl.connect(city.actors.outsider).initialize(founders, 10_000, 3600, MINUTE),
      ).to.be.revertedWithCustomError(impl, "InvalidInitialization");
    });

    it("refuses an upgrade delay out of bounds at initialisation", async function () {
      const { city } = await loadFixture(upgradesFixture);
      const factory = await hre.ethers.getContractFactory("Consortium");
      const impl = await factory.deploy();
      const founders = [
        {
          name: "Reg",
          metadataHash: documentHash("r"),
          roles: roleMask(["REGULATOR"]),
          account: city.actors.outsider.address,
        },
      ];
      const proxyFactory = await hre.ethers.getContractFactory("ERC1967Proxy");
      for (const delay of [MINUTE - 1, 90 * DAY + 1]) {
        const data = factory.interface.encodeFunctionData("initialize", [founders, 5001, 3600, delay]);
        await expect(proxyFactory.deploy(await impl.getAddress(), data))
          .to.be.revertedWithCustomError(factory, "ConsortiumInvalidUpgradeDelay")
          .withArgs(delay);
      }
    });
  });

  describe("no upgrade without a vote", function () {
    it("refuses upgradeToAndCall on the consortium from the deployer, a member and an outsider", async function () {
      const { city, consortiumV2 } = await loadFixture(upgradesFixture);
      for (const caller of [city.actors.deployer, city.actors.regulator, city.actors.outsider]) {
        await expect(city.consortium.connect(caller).upgradeToAndCall(await consortiumV2.getAddress(), "0x"))
          .to.be.revertedWithCustomError(city.consortium, "ConsortiumUpgradeNotVoted")
          .withArgs(caller.address);
      }
    });

    it("refuses upgradeToAndCall on a domain from the deployer and a regulator", async function () {
      const { city, domain, domainV2 } = await loadFixture(upgradesFixture);
      for (const caller of [city.actors.deployer, city.actors.regulator]) {
        await expect(domain.contract.connect(caller).upgradeToAndCall(await domainV2.getAddress(), "0x"))
          .to.be.revertedWithCustomError(domain.contract, "AccessUpgradeNotVoted")
          .withArgs(caller.address);
      }
    });

    it("refuses upgrade proposals from outsiders and persons", async function () {
      const { city, consortiumAddress, consortiumV2 } = await loadFixture(upgradesFixture);
      const v2 = await consortiumV2.getAddress();
      const hash = await codehashOf(v2);
      await expect(city.consortium.connect(city.actors.outsider).proposeUpgrade(consortiumAddress, v2, hash))
        .to.be.revertedWithCustomError(city.consortium, "ConsortiumNotMember")
        .withArgs(city.actors.outsider.address);
      await expect(city.consortium.connect(city.actors.investor1).proposeUpgrade(consortiumAddress, v2, hash))
        .to.be.revertedWithCustomError(city.consortium, "ConsortiumNotVoter")
        .withArgs(city.orgIds.investor1);
    });
  });

  describe("checked when proposed", function () {
    it("refuses an implementation without code or whose code hash is not the given one", async function () {
      const { city, consortiumAddress, consortiumV2 } = await loadFixture(upgradesFixture);
      const reg = city.consortium.connect(city.actors.regulator);
      const empty = city.actors.outsider2.address;
      await expect(reg.proposeUpgrade(consortiumAddress, empty, keccak256("0x")))
        .to.be.revertedWithCustomError(city.consortium, "ConsortiumUpgradeNoCode")
        .withArgs(empty);
      const v2 = await consortiumV2.getAddress();
      const wrong = keccak256(toUtf8Bytes("reviewed something else"));
      await expect(reg.proposeUpgrade(consortiumAddress, v2, wrong))
        .to.be.revertedWithCustomError(city.consortium, "ConsortiumUpgradeCodehashMismatch")
        .withArgs(v2, wrong, await codehashOf(v2));
    });

    it("refuses a non-upgradeable implementation for the consortium or a domain (it would brick the proxy)", async function () {
      const { city, consortiumAddress, domain, plainV1 } = await loadFixture(upgradesFixture);
      const plain = await plainV1.getAddress();
      const hash = await codehashOf(plain);
      for (const target of [consortiumAddress, domain.proxy]) {
        await expect(city.consortium.connect(city.actors.regulator).proposeUpgrade(target, plain, hash))
          .to.be.revertedWithCustomError(city.consortium, "ConsortiumUpgradeNotUpgradeable")
          .withArgs(plain);
      }
      // The consortium's own implementation is proxiable but not a domain of this consortium.
      const consortiumImpl = await implementationOf(hre, consortiumAddress);
      await expect(
        city.consortium
          .connect(city.actors.regulator)
          .proposeUpgrade(domain.proxy, consortiumImpl, await codehashOf(consortiumImpl)),
      )
        .to.be.revertedWithCustomError(city.consortium, "ConsortiumUpgradeNotUpgradeable")
        .withArgs(consortiumImpl);
    });

    it("refuses a domain implementation wired to another consortium", async function () {
      const { city, domain } = await loadFixture(upgradesFixture);
      const foreign = await hre.ethers.deployContract("DomainMockV2", [city.actors.outsider.address]);
      const addr = await foreign.getAddress();
      await expect(
        city.consortium.connect(city.actors.regulator).proposeUpgrade(domain.proxy, addr, await codehashOf(addr)),
      )
        .to.be.revertedWithCustomError(city.consortium, "ConsortiumUpgradeNotUpgradeable")
        .withArgs(addr);
    });

    it("refuses a target that is no domain of this consortium nor a beacon it owns", async function () {
      const { city, plainV1, plainV2 } = await loadFixture(upgradesFixture);
      const v2 = await plainV2.getAddress();
      const hash = await codehashOf(v2);
      const foreignBeacon = await hre.ethers.deployContract("UpgradeableBeacon", [
        await plainV1.getAddress(),
        city.actors.regulator.address,
      ]);
      for (const target of [
        city.actors.outsider.address,
        await plainV1.getAddress(),
        await foreignBeacon.getAddress(),
      ]) {
        await expect(city.consortium.connect(city.actors.regulator).proposeUpgrade(target, v2, hash))
          .to.be.revertedWithCustomError(city.consortium, "ConsortiumUpgradeUnknownTarget")
          .withArgs(target);
      }
    });

    it("keeps one pending upgrade per target: another proposal waits until it is applied or cancelled", async function () {
      const { city, domain, domainV2 } = await loadFixture(upgradesFixture);
      const { proposalId, eta } = await scheduleUpgrade(city, domain.proxy, domainV2);
      const v2 = await domainV2.getAddress();
      await expect(
        city.consortium.connect(city.actors.regulator).proposeUpgrade(domain.proxy, v2, await codehashOf(v2)),
      )
        .to.be.revertedWithCustomError(city.consortium, "ConsortiumUpgradePending")
        .withArgs(domain.proxy, proposalId, eta);
    });

    it("refuses at execution an upgrade whose target was scheduled by a concurrent vote", async function () {
      const { city, domain, domainV2 } = await loadFixture(upgradesFixture);
      const voters = await cityVoters(city);
      const first = await proposeUpgrade(city.consortium, voters[0], domain.proxy, await domainV2.getAddress());
      const second = await proposeUpgrade(city.consortium, voters[1], domain.proxy, await domainV2.getAddress());
      expect(await voteUntilClosed(city.consortium, first, voters)).to.equal("Executed");
      const { eta } = await city.consortium.scheduledUpgrade(domain.proxy);
      // The second proposal's deciding vote reverts; it stays open until it expires or the first is cancelled.
      let refused = false;
      for (const voter of voters.slice(2)) {
        const tx = city.consortium.connect(voter).vote(second, true);
        try {
          await (await tx).wait();
        } catch {
          await expect(city.consortium.connect(voter).vote(second, true))
            .to.be.revertedWithCustomError(city.consortium, "ConsortiumUpgradePending")
            .withArgs(domain.proxy, first, eta);
          refused = true;
          break;
        }
      }
      expect(refused).to.equal(true);
      expect((await city.consortium.scheduledUpgrade(domain.proxy)).proposalId).to.equal(first);
    });
  });

  describe("applied after the delay", function () {
    it("schedules on execution and refuses to apply before the delay, naming the eta", async function () {
      const { city, domain, domainV2 } = await loadFixture(upgradesFixture);
      const voters = await cityVoters(city);
      const impl = await domainV2.getAddress();
      const hash = await codehashOf(impl);
      const proposalId = await proposeUpgrade(city.consortium, voters[0], domain.proxy, impl);
      expect(await city.consortium.upgradeRequest(proposalId)).to.deep.equal([domain.proxy, impl, hash, false]);
      const p = await city.consortium.proposal(proposalId);
      expect(p.kind).to.equal(PROPOSAL_KIND.Upgrade);
      expect(p.account).to.equal(domain.proxy);
      for (const v of voters.slice(1)) {
        if ((await city.consortium.proposal(proposalId)).state !== 1n) break;
        await (await city.consortium.connect(v).vote(proposalId, true)).wait();
      }
      const scheduled = await city.consortium.scheduledUpgrade(domain.proxy);
      const executedAt = BigInt(await time.latest());
      expect(scheduled.eta).to.equal(executedAt + BigInt(DEFAULT_UPGRADE_DELAY));
      expect(scheduled.implementation).to.equal(impl);
      expect(scheduled.codehash).to.equal(hash);
      expect(scheduled.proposalId).to.equal(proposalId);
      await expect(applyUpgrade(city.consortium, city.actors.outsider, domain.proxy))
        .to.be.revertedWithCustomError(city.consortium, "ConsortiumUpgradeTooEarly")
        .withArgs(domain.proxy, scheduled.eta);
      // The last second before the eta is still too early.
      await time.setNextBlockTimestamp(scheduled.eta - 1n);
      await expect(applyUpgrade(city.consortium, city.actors.outsider, domain.proxy)).to.be.revertedWithCustomError(
        city.consortium,
        "ConsortiumUpgradeTooEarly",
      );
      await expect(city.consortium.connect(city.actors.outsider).applyUpgrade(domain.proxy))
        .to.emit(city.consortium, "UpgradeApplied")
        .withArgs(domain.proxy, impl, hash, proposalId, city.actors.outsider.address);
      expect((await city.consortium.scheduledUpgrade(domain.proxy)).eta).to.equal(0n);
    });

    it("emits UpgradeScheduled with target, implementation, code hash, eta and proposal", async function () {
      const { city, domain, domainV2 } = await loadFixture(upgradesFixture);
      const voters = await cityVoters(city);
      const impl = await domainV2.getAddress();
      const hash = await codehashOf(impl);
      const proposalId = await proposeUpgrade(city.consortium, voters[0], domain.proxy, impl);
      const others = voters.slice(1);
      for (let i = 0; i < others.length; i++) {
        const tx = city.consortium.connect(others[i]).vote(proposalId, true);
        const receipt = await (await tx).wait();
        const executed = receipt!.logs
          .map((l) => city.consortium.interface.parseLog(l))
          .find((e) => e?.name === "UpgradeScheduled");
        if (executed) {
          const at = BigInt((await hre.ethers.provider.getBlock(receipt!.blockNumber))!.timestamp);
          expect(executed.args.toArray()).to.deep.equal([
            domain.proxy,
            impl,
            hash,
            at + BigInt(DEFAULT_UPGRADE_DELAY),
            proposalId,
          ]);
          return;
        }
      }
      expect.fail("the vote never scheduled the upgrade");
    });

    it("refuses to apply when nothing is scheduled", async function () {
      const { city, domain } = await loadFixture(upgradesFixture);
      await expect(applyUpgrade(city.consortium, city.actors.outsider, domain.proxy))
        .to.be.revertedWithCustomError(city.consortium, "ConsortiumUpgradeNotScheduled")
        .withArgs(domain.proxy);
    });

    it("refuses to apply when the implementation's code changed since the vote", async function () {
      const { city, domain, domainV2, plainV2 } = await loadFixture(upgradesFixture);
      const impl = await domainV2.getAddress();
      const voted = await codehashOf(impl);
      await scheduleUpgrade(city, domain.proxy, domainV2);
      await waitForUpgrade(city, domain.proxy);
      // What a CREATE2 redeployment after a selfdestruct would do: other code at the same address.
      await hre.network.provider.send("hardhat_setCode", [
        impl,
        await hre.ethers.provider.getCode(await plainV2.getAddress()),
      ]);
      await expect(applyUpgrade(city.consortium, city.actors.outsider, domain.proxy))
        .to.be.revertedWithCustomError(city.consortium, "ConsortiumUpgradeCodehashMismatch")
        .withArgs(impl, voted, await codehashOf(impl));
      expect(await implementationOf(hre, domain.proxy)).to.equal(domain.implementation);
    });
  });

  describe("cancelled within the delay", function () {
    it("deletes the schedule by vote, so applying it is refused", async function () {
      const { city, domain, domainV2 } = await loadFixture(upgradesFixture);
      const { proposalId } = await scheduleUpgrade(city, domain.proxy, domainV2);
      const voters = await cityVoters(city);
      const cancelId = await proposeCancelUpgrade(city.consortium, voters[0], domain.proxy);
      const p = await city.consortium.proposal(cancelId);
      expect(p.kind).to.equal(PROPOSAL_KIND.CancelUpgrade);
      expect(p.value).to.equal(proposalId);
      const impl = await domainV2.getAddress();
      let cancelled = false;
      for (const v of voters.slice(1)) {
        if ((await city.consortium.proposal(cancelId)).state !== 1n) break;
        const receipt = await (await city.consortium.connect(v).vote(cancelId, true)).wait();
        const event = receipt!.logs
          .map((l) => city.consortium.interface.parseLog(l))
          .find((e) => e?.name === "UpgradeCancelled");
        if (event) {
          expect(event.args.toArray()).to.deep.equal([domain.proxy, impl, proposalId, cancelId]);
          cancelled = true;
        }
      }
      expect(cancelled).to.equal(true);
      await time.increase(DEFAULT_UPGRADE_DELAY);
      await expect(applyUpgrade(city.consortium, city.actors.outsider, domain.proxy))
        .to.be.revertedWithCustomError(city.consortium, "ConsortiumUpgradeNotScheduled")
        .withArgs(domain.proxy);
      expect(await implementationOf(hre, domain.proxy)).to.equal(domain.implementation);
    });

    it("refuses to propose a cancellation when nothing is scheduled", async function () {
      const { city, domain } = await loadFixture(upgradesFixture);
      await expect(city.consortium.connect(city.actors.regulator).proposeCancelUpgrade(domain.proxy))
        .to.be.revertedWithCustomError(city.consortium, "ConsortiumUpgradeNotScheduled")
        .withArgs(domain.proxy);
    });

    it("does not cancel a later upgrade of the same target than the one it was opened against", async function () {
      const { city, domain, domainV2 } = await loadFixture(upgradesFixture);
      const voters = await cityVoters(city);
      await scheduleUpgrade(city, domain.proxy, domainV2);
      const cancelId = await proposeCancelUpgrade(city.consortium, voters[0], domain.proxy);
      await waitForUpgrade(city, domain.proxy);
      await applyUpgrade(city.consortium, city.actors.outsider, domain.proxy);
      const domainV3 = await hre.ethers.deployContract("DomainMock", [await city.consortium.getAddress()]);
      const { proposalId: later } = await scheduleUpgrade(city, domain.proxy, domainV3);
      let refused = false;
      for (const v of voters.slice(1)) {
        try {
          await (await city.consortium.connect(v).vote(cancelId, true)).wait();
        } catch {
          await expect(city.consortium.connect(v).vote(cancelId, true))
            .to.be.revertedWithCustomError(city.consortium, "ConsortiumUpgradeNotScheduled")
            .withArgs(domain.proxy);
          refused = true;
          break;
        }
      }
      expect(refused).to.equal(true);
      expect((await city.consortium.scheduledUpgrade(domain.proxy)).proposalId).to.equal(later);
    });
  });

  describe("the happy paths", function () {
    it("upgrades the consortium itself and keeps every member, role, account, proposal and parameter", async function () {
      const { city, consortiumAddress, consortiumV2 } = await loadFixture(upgradesFixture);
      // Some history first: an extra account, a person suspended, an open proposal.
      await (await city.consortium.connect(city.actors.manufacturer).addAccount(city.actors.outsider2.address)).wait();
      await (await city.consortium.connect(city.actors.hospital).setPersonStatus(city.orgIds.patient1, 2)).wait();
      await (
        await city.consortium
          .connect(city.actors.regulator)
          .proposeAdmission(
            "Open Data Office",
            documentHash("odo"),
            roleMask(["INSURER"]),
            city.actors.outsider.address,
          )
      ).wait();
      const v1Impl = await implementationOf(hre, consortiumAddress);
      const before = await snapshot(city.consortium);

      const proposalId = await voteUpgrade(city, consortiumAddress, consortiumV2);

      expect(await implementationOf(hre, consortiumAddress)).to.equal(await consortiumV2.getAddress());
      expect(await implementationOf(hre, consortiumAddress)).to.not.equal(v1Impl);
      const v2 = (await hre.ethers.getContractAt("ConsortiumV2", consortiumAddress)) as unknown as ConsortiumV2;
      expect(await v2.version()).to.equal("2");
      const after = await snapshot(city.consortium);
      // Only the upgrade proposal itself was added.
      expect(after.proposals.slice(0, before.proposals.length)).to.deep.equal(before.proposals);
      expect(after.proposals).to.have.length(before.proposals.length + 1);
      expect(after.proposals[Number(proposalId) - 1].state).to.equal(2n);
      expect({ ...after, proposals: [] }).to.deep.equal({ ...before, proposals: [] });
      expect(await city.consortium.hasRole(ROLES.MANUFACTURER, city.actors.outsider2.address)).to.equal(true);
      // The new field lives in its own namespace, and governance still runs on the new code.
      const charter = documentHash("charter v2");
      await (await v2.setCharterHash(charter)).wait();
      expect(await v2.charterHash()).to.equal(charter);
      expect(await city.consortium.memberCount()).to.equal(before.memberCount);
      const voters = await cityVoters(city);
      const tx = await city.consortium.connect(voters[0]).proposeQuorum(6000);
      const qid = (await city.consortium.proposalCount()) as bigint;
      await tx.wait();
      expect(await voteUntilClosed(city.consortium, qid, voters)).to.equal("Executed");
      expect(await city.consortium.quorumBps()).to.equal(6000n);
    });

    it("upgrades a domain proxy by vote and keeps its state and address", async function () {
      const { city, domain, domainV2 } = await loadFixture(upgradesFixture);
      await (await domain.contract.connect(city.actors.manufacturer).bump()).wait();
      await voteUpgrade(city, domain.proxy, domainV2);
      expect(await implementationOf(hre, domain.proxy)).to.equal(await domainV2.getAddress());
      const v2 = (await hre.ethers.getContractAt("DomainMockV2", domain.proxy)) as unknown as DomainMockV2;
      expect(await v2.version()).to.equal("2");
      expect(await v2.counter()).to.equal(2n);
      expect(await v2.label()).to.equal("ward 7");
      expect(await v2.consortium()).to.equal(await city.consortium.getAddress());
      await (await v2.connect(city.actors.manufacturer).bump()).wait();
      expect(await v2.counter()).to.equal(3n);
    });

    it("upgrades every proxy of a beacon the consortium owns by one vote", async function () {
      const { city, consortiumAddress, plainV1, plainV2 } = await loadFixture(upgradesFixture);
      const beacon = await hre.ethers.deployContract("UpgradeableBeacon", [
        await plainV1.getAddress(),
        consortiumAddress,
      ]);
      const beaconAddress = await beacon.getAddress();
      const proxies = [];
      for (let i = 0; i < 2; i++) {
        const bp = await hre.ethers.deployContract("BeaconProxy", [beaconAddress, "0x"]);
        proxies.push((await hre.ethers.getContractAt("PlainV2Mock", await bp.getAddress())) as unknown as PlainV2Mock);
      }
      expect(await proxies[0].version()).to.equal("1");
      const { proposalId } = await scheduleUpgrade(city, beaconAddress, plainV2);
      expect((await city.consortium.upgradeRequest(proposalId)).beacon).to.equal(true);
      await waitForUpgrade(city, beaconAddress);
      await applyUpgrade(city.consortium, city.actors.outsider, beaconAddress);
      expect(await beacon.implementation()).to.equal(await plainV2.getAddress());
      for (const p of proxies) expect(await p.version()).to.equal("2");
    });

    it("changes the upgrade delay by vote, within its bounds", async function () {
      const { city, domain, domainV2 } = await loadFixture(upgradesFixture);
      const reg = city.consortium.connect(city.actors.regulator);
      for (const bad of [MINUTE - 1, 90 * DAY + 1]) {
        await expect(reg.proposeUpgradeDelay(bad))
          .to.be.revertedWithCustomError(city.consortium, "ConsortiumInvalidUpgradeDelay")
          .withArgs(bad);
      }
      const voters = await cityVoters(city);
      await (await reg.proposeUpgradeDelay(MINUTE)).wait();
      const id = await city.consortium.proposalCount();
      expect(await voteUntilClosed(city.consortium, id, voters)).to.equal("Executed");
      expect(await city.consortium.upgradeDelay()).to.equal(BigInt(MINUTE));
      const { eta } = await scheduleUpgrade(city, domain.proxy, domainV2);
      expect(eta).to.equal(BigInt(await time.latest()) + BigInt(MINUTE));
    });
  });

  describe("emergency stop", function () {
    async function pausedFixture() {
      const f = await upgradesFixture();
      await (await f.domain.contract.connect(f.city.actors.regulator).pauseDomain("leak in ward 7")).wait();
      return f;
    }

    it("lets a regulator stop a domain at once, and only a regulator", async function () {
      const { city, domain } = await loadFixture(upgradesFixture);
      for (const caller of [city.actors.outsider, city.actors.manufacturer]) {
        await expect(domain.contract.connect(caller).pauseDomain("no"))
          .to.be.revertedWithCustomError(domain.contract, "AccessMissingRole")
          .withArgs(caller.address, ROLES.REGULATOR);
      }
      await expect(domain.contract.connect(city.actors.regulator).pauseDomain("leak")).to.emit(
        domain.contract,
        "DomainPaused",
      );
      await expect(domain.contract.connect(city.actors.manufacturer).bump()).to.be.revertedWithCustomError(
        domain.contract,
        "AccessDomainPaused",
      );
    });

    it("lifts the stop only by a vote of the consortium", async function () {
      const { city, domain } = await loadFixture(pausedFixture);
      for (const caller of [city.actors.regulator, city.actors.deployer, city.actors.outsider]) {
        await expect(domain.contract.connect(caller).unpauseDomain(1))
          .to.be.revertedWithCustomError(domain.contract, "AccessNotConsortium")
          .withArgs(caller.address);
      }
      const proposalId = await voteUnpause(city, domain.proxy);
      expect((await city.consortium.proposal(proposalId)).kind).to.equal(PROPOSAL_KIND.Unpause);
      expect(await domain.contract.domainPaused()).to.equal(false);
      await (await domain.contract.connect(city.actors.manufacturer).bump()).wait();
      expect(await domain.contract.counter()).to.equal(2n);
    });

    it("emits DomainUnpaused with the proposal that lifted it", async function () {
      const { city, domain } = await loadFixture(pausedFixture);
      const voters = await cityVoters(city);
      await (await city.consortium.connect(voters[0]).proposeUnpause(domain.proxy)).wait();
      const id = await city.consortium.proposalCount();
      let seen = false;
      for (const v of voters.slice(1)) {
        if ((await city.consortium.proposal(id)).state !== 1n) break;
        const receipt = await (await city.consortium.connect(v).vote(id, true)).wait();
        const event = receipt!.logs
          .filter((l) => l.address === domain.proxy)
          .map((l) => domain.contract.interface.parseLog(l))
          .find((e) => e?.name === "DomainUnpaused");
        if (event) {
          expect(event.args.proposalId).to.equal(id);
          seen = true;
        }
      }
      expect(seen).to.equal(true);
    });

    it("refuses to propose lifting a stop that is not in force, or on a contract that is no domain", async function () {
      const { city, domain, plainV1 } = await loadFixture(upgradesFixture);
      for (const target of [domain.proxy, await plainV1.getAddress(), city.actors.outsider.address]) {
        await expect(city.consortium.connect(city.actors.regulator).proposeUnpause(target))
          .to.be.revertedWithCustomError(city.consortium, "ConsortiumDomainNotPaused")
          .withArgs(target);
      }
    });
  });
});
