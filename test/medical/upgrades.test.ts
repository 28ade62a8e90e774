import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, type BaseContract, keccak256, toBeHex, toUtf8Bytes } from "ethers";
import { deployMedicalWorldFixture } from "../fixtures/medical";
import { voteUnpause, voteUpgrade } from "../fixtures/upgrades";
import { revertData, stateChangingFunctions, zeroValue } from "../security/outsiders";
import { claimFingerprint } from "../../src/fhir";
import { proposeStatus, voteUntilClosed } from "../../src/consortium";
import { type ClaimInput, submitClaim } from "../../src/medical";
import { implementationOf } from "../../src/deploy/proxy";
import { ROLES } from "../../src/roles";
import { suspend } from "./helpers";

/** ERC-7201: keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff)). */
function erc7201(id: string): bigint {
  const inner = BigInt(keccak256(toUtf8Bytes(id))) - 1n;
  return BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256"], [inner]))) & ~0xffn;
}

const word = (n: bigint) => toBeHex(n, 32);

/**
 * Functions that stay open while a regulator has paused the domain, and why. Every other state-changing function of
 * the ABI must refuse with AccessDomainPaused (checked from the ABI, so a new function cannot be forgotten).
 */
const OPEN_RECORDS: Record<string, string> = {
  "revokeConsent(uint256,(address,uint32,address,uint8,uint8,uint8,uint64,uint64,bytes32[]))":
    "a patient can always withdraw consent: it only takes rights away",
  "pauseDomain(string)": "the pause itself (refuses a second pause with AccessPauseUnchanged)",
  "unpauseDomain(uint256)": "the consortium lifts the pause by a vote",
  "upgradeToAndCall(address,bytes)": "the consortium must be able to fix a paused contract",
  "initialize()": "refused to everyone after deployment (InvalidInitialization)",
};
const OPEN_INSURANCE: Record<string, string> = {
  "withdrawPool(uint256)": "the insurer's free balance (never what approved claims are owed) returns to its owner",
  "settleClaim(uint256)": "pays an approved claim already owed, from funds already in the pool",
  "withdrawCredit()": "payouts already owed to the payee",
  "directCredit(uint32,address)": "payouts owed to a removed member, directed by a regulator",
  "pauseDomain(string)": OPEN_RECORDS["pauseDomain(string)"],
  "unpauseDomain(uint256)": OPEN_RECORDS["unpauseDomain(uint256)"],
  "upgradeToAndCall(address,bytes)": OPEN_RECORDS["upgradeToAndCall(address,bytes)"],
  "initialize()": OPEN_RECORDS["initialize()"],
};

async function world() {
  const w = await loadFixture(deployMedicalWorldFixture);
  const { actors, orgIds, policyId, report, paymentConsent } = w;
  let n = 0;
  const claim = (over: Partial<ClaimInput> = {}): ClaimInput => {
    n++;
    const serviceDate = w.activatedAt + n;
    const amount = (over.amount as bigint | undefined) ?? 25_000n;
    return {
      policyId,
      patient: actors.patient1.address,
      recordIds: [report.recordId],
      amount,
      serviceDate,
      fingerprint: claimFingerprint(`0x${"5a".repeat(32)}`, {
        patient: actors.patient1.address,
        providerOrg: orgIds.hospital,
        serviceDate,
        codes: [`CPT:98${n}`],
        amount,
      }),
      consentId: paymentConsent,
      ...over,
    };
  };
  return { ...w, claim };
}
type World = Awaited<ReturnType<typeof world>>;

/** Pauses `contract` as the regulator, then checks every state-changing function against the open list. */
async function expectPausedFromAbi(w: World, contract: BaseContract, open: Record<string, string>): Promise<void> {
  const sigs = stateChangingFunctions(contract).map((f) => f.format("sighash"));
  for (const sig of Object.keys(open)) expect(sigs, `open list names ${sig}`).to.include(sig);
  for (const fn of stateChangingFunctions(contract)) {
    const sig = fn.format("sighash");
    const call = contract
      .connect(w.actors.hospital)
      .getFunction(sig)
      .staticCall(...fn.inputs.map(zeroValue));
    if (!(sig in open)) {
      await expect(call, sig).to.be.revertedWithCustomError(contract, "AccessDomainPaused");
      continue;
    }
    let refusedByPause = false;
    try {
      await call;
    } catch (error) {
      const data = revertData(error);
      refusedByPause = data !== undefined && contract.interface.parseError(data)?.name === "AccessDomainPaused";
    }
    expect(refusedByPause, `${sig} stays open while paused`).to.equal(false);
  }
}

describe("MedicalRecords and HealthInsurance behind their proxies", function () {
  describe("storage", function () {
    it("keeps MedicalRecords' state at its ERC-7201 slot, fields in their order", async function () {
      const { records, insurance, actors } = await world();
      const base = erc7201("citychain.storage.MedicalRecords");
      expect(word(base)).to.equal("0x11dcfa44c3e9eb46f15a14053570aa77fef6515eecad5e378eec983f08ddc100");
      await records.connect(actors.hospital).breakGlass(1, 1); // one audit entry
      const at = async (i: bigint) => BigInt(await hre.ethers.provider.getStorage(records, base + i));
      // deployer (3); claimsProcessor, paused and auditCount packed (4); recordCount (8), consentCount (9)
      expect(await at(3n)).to.equal(BigInt(actors.deployer.address));
      const packed = await at(4n);
      expect(packed & ((1n << 160n) - 1n)).to.equal(BigInt(await insurance.getAddress()));
      expect((packed >> 160n) & 0xffn).to.equal(0n);
      expect(packed >> 168n).to.equal(await records.auditCount());
      expect(await records.auditCount()).to.equal(1n);
      expect(await at(8n))
        .to.equal(await records.recordCount())
        .and.to.equal(2n);
      expect(await at(9n))
        .to.equal(await records.consentCount())
        .and.to.equal(2n);
      expect(await at(10n))
        .to.equal(await records.emergencyCount())
        .and.to.equal(1n);
    });

    it("keeps HealthInsurance's state at its ERC-7201 slot, the pool packed in one slot", async function () {
      const { insurance, orgIds } = await world();
      const base = erc7201("citychain.storage.HealthInsurance");
      expect(word(base)).to.equal("0x361247ac7127c44c27c2fbae62a8255d8707cadb3106b23c39c2e091cc8f5600");
      expect(BigInt(await hre.ethers.provider.getStorage(insurance, base + 8n))).to.equal(1n); // policyCount
      // pools (6): balance in the low 128 bits, owed in the high 128 bits of one slot
      const slot = keccak256(AbiCoder.defaultAbiCoder().encode(["uint32", "uint256"], [orgIds.insurer, base + 6n]));
      const packed = BigInt(await hre.ethers.provider.getStorage(insurance, slot));
      const pool = await insurance.pool(orgIds.insurer);
      expect(packed & ((1n << 128n) - 1n))
        .to.equal(pool.balance)
        .and.to.equal(1_120_000n);
      expect(packed >> 128n).to.equal(pool.owed);
    });

    it("keeps each pause flag in the slot its hot path reads anyway, not in ConsortiumGated's", async function () {
      const { records, insurance, actors } = await world();
      const gated = erc7201("citychain.storage.ConsortiumGated");
      const recordsSlot = erc7201("citychain.storage.MedicalRecords") + 4n; // claimsProcessor | paused | auditCount
      const insuranceSlot = erc7201("citychain.storage.HealthInsurance") + 9n; // claimCount | paused
      const read = async (c: BaseContract, slot: bigint) => BigInt(await hre.ethers.provider.getStorage(c, slot));
      expect((await read(records, recordsSlot)) >> 160n).to.equal(await records.auditCount());
      expect(await read(insurance, insuranceSlot)).to.equal(await insurance.claimCount());
      await records.connect(actors.regulator).pauseDomain("flag");
      await insurance.connect(actors.regulator).pauseDomain("flag");
      expect(((await read(records, recordsSlot)) >> 160n) & 0xffn).to.equal(1n);
      expect(((await read(insurance, insuranceSlot)) >> 64n) & 0xffn).to.equal(1n);
      expect(await read(records, gated)).to.equal(0n);
      expect(await read(insurance, gated)).to.equal(0n);
    });
  });

  describe("initialisation", function () {
    it("refuses a second initialize on the proxies and any initialize on the implementations", async function () {
      const { records, insurance, actors } = await world();
      for (const c of [records, insurance]) {
        await expect(c.connect(actors.deployer).initialize()).to.be.revertedWithCustomError(c, "InvalidInitialization");
        const impl = c.attach(await implementationOf(hre, await c.getAddress())) as typeof c;
        await expect(impl.connect(actors.deployer).initialize()).to.be.revertedWithCustomError(
          c,
          "InvalidInitialization",
        );
      }
      // the implementation holds no state of its own: nobody can become its deployer and bind a claims processor
      const impl = records.attach(await implementationOf(hre, await records.getAddress())) as typeof records;
      await expect(impl.connect(actors.deployer).setClaimsProcessor(actors.outsider.address))
        .to.be.revertedWithCustomError(records, "MedicalClaimsProcessorLocked")
        .withArgs(actors.deployer.address, hre.ethers.ZeroAddress);
    });

    it("wires the insurance implementation to the records proxy and the payment token", async function () {
      const { records, insurance, token } = await world();
      expect(await insurance.records()).to.equal(await records.getAddress());
      expect(await insurance.paymentToken()).to.equal(await token.getAddress());
      expect(await records.claimsProcessor()).to.equal(await insurance.getAddress());
    });
  });

  describe("upgrades", function () {
    it("refuses upgradeToAndCall from every account, the deployer and a regulator included", async function () {
      const { records, insurance, consortium, token, actors } = await world();
      const consortiumAddress = await consortium.getAddress();
      const nextRecords = await (await hre.ethers.getContractFactory("MedicalRecords")).deploy(consortiumAddress);
      const nextInsurance = await (
        await hre.ethers.getContractFactory("HealthInsurance")
      ).deploy(consortiumAddress, await records.getAddress(), await token.getAddress());
      for (const [c, next] of [
        [records, nextRecords],
        [insurance, nextInsurance],
      ] as const) {
        for (const who of [actors.deployer, actors.regulator, actors.hospital, actors.insurer, actors.outsider]) {
          await expect(c.connect(who).upgradeToAndCall(await next.getAddress(), "0x"))
            .to.be.revertedWithCustomError(c, "AccessUpgradeNotVoted")
            .withArgs(who.address);
        }
      }
    });

    it("replaces the code by a vote of the members and keeps every record, consent and pool", async function () {
      const w = await world();
      const { records, insurance, consortium, token, orgIds, actors } = w;
      const consortiumAddress = await consortium.getAddress();
      const before = {
        record: await records.record(1),
        consent: await records.consentState(1),
        audits: await records.auditCount(),
        pool: await insurance.pool(orgIds.insurer),
        policy: await insurance.policy(1),
      };
      const nextRecords = await (await hre.ethers.getContractFactory("MedicalRecords")).deploy(consortiumAddress);
      const nextInsurance = await (
        await hre.ethers.getContractFactory("HealthInsurance")
      ).deploy(consortiumAddress, await records.getAddress(), await token.getAddress());
      await voteUpgrade(w, records, nextRecords);
      await voteUpgrade(w, insurance, nextInsurance);
      expect(await implementationOf(hre, await records.getAddress())).to.equal(await nextRecords.getAddress());
      expect(await implementationOf(hre, await insurance.getAddress())).to.equal(await nextInsurance.getAddress());
      expect(await records.record(1)).to.deep.equal(before.record);
      expect(await records.consentState(1)).to.deep.equal(before.consent);
      expect(await records.auditCount()).to.equal(before.audits);
      expect(await insurance.pool(orgIds.insurer)).to.deep.equal(before.pool);
      expect(await insurance.policy(1)).to.deep.equal(before.policy);
      expect(await records.claimsProcessor()).to.equal(await insurance.getAddress());
      // an implementation wired to another consortium cannot even be proposed
      const rewired = await (await hre.ethers.getContractFactory("MedicalRecords")).deploy(actors.outsider.address);
      const rewiredAddress = await rewired.getAddress();
      const rewiredHash = keccak256(await hre.ethers.provider.getCode(rewiredAddress));
      await expect(
        consortium.connect(actors.regulator).proposeUpgrade(await records.getAddress(), rewiredAddress, rewiredHash),
      )
        .to.be.revertedWithCustomError(consortium, "ConsortiumUpgradeNotUpgradeable")
        .withArgs(rewiredAddress);
    });
  });

  describe("emergency stop", function () {
    it("refuses the pause to an outsider and to a member without REGULATOR", async function () {
      const { records, insurance, actors } = await world();
      for (const c of [records, insurance]) {
        for (const who of [actors.outsider, actors.hospital, actors.insurer]) {
          await expect(c.connect(who).pauseDomain("no"))
            .to.be.revertedWithCustomError(c, "AccessMissingRole")
            .withArgs(who.address, ROLES.REGULATOR);
        }
      }
    });

    it("pauses MedicalRecords at once: grants and accesses stop, a patient still revokes consent", async function () {
      const w = await world();
      const { records, actors, orgIds, treatmentConsent, treatmentTerms } = w;
      const at = (await time.latest()) + 5;
      await time.setNextBlockTimestamp(at);
      await expect(records.connect(actors.regulator).pauseDomain("consent defect"))
        .to.emit(records, "DomainPaused")
        .withArgs(actors.regulator.address, orgIds.regulator, at, "consent defect");
      expect(await records.domainPaused()).to.equal(true);
      await expect(records.connect(actors.regulator).pauseDomain("again"))
        .to.be.revertedWithCustomError(records, "AccessPauseUnchanged")
        .withArgs(true);
      await expectPausedFromAbi(w, records, OPEN_RECORDS);
      await expect(records.connect(actors.patient1).revokeConsent(treatmentConsent, treatmentTerms))
        .to.emit(records, "ConsentRevoked")
        .withArgs(treatmentConsent, actors.patient1.address, actors.patient1.address);
    });

    it("pauses HealthInsurance: policies and claims stop, owed money still leaves", async function () {
      const w = await world();
      const { insurance, token, actors, orgIds, claim, paymentTerms } = w;
      // claim 1 is paid into Northside's credit; claim 2 waits for funds, then the pool is topped up
      await submitClaim(insurance, actors.hospital, claim(), paymentTerms);
      const credit = await insurance.creditOf(orgIds.hospital);
      const pool = await insurance.pool(orgIds.insurer);
      await insurance.connect(actors.insurer).withdrawPool(pool.balance - 1_000n);
      const waiting = await submitClaim(insurance, actors.hospital, claim(), paymentTerms);
      expect(waiting.status).to.equal("Approved");
      await token.connect(actors.insurer).approve(await insurance.getAddress(), 100_000n);
      await insurance.connect(actors.insurer).fundPool(100_000n);

      await insurance.connect(actors.regulator).pauseDomain("claims defect");
      await expectPausedFromAbi(w, insurance, OPEN_INSURANCE);

      const owed = (await insurance.claim(waiting.claimId)).benefit;
      await expect(insurance.connect(actors.outsider).settleClaim(waiting.claimId))
        .to.emit(insurance, "ClaimPaid")
        .withArgs(waiting.claimId, orgIds.hospital, owed);
      const withdraw = insurance.connect(actors.hospital).withdrawCredit();
      await expect(withdraw).to.changeTokenBalances(
        token,
        [actors.hospital, insurance],
        [credit + owed, -(credit + owed)],
      );
      const free = (await insurance.pool(orgIds.insurer)).balance;
      await expect(insurance.connect(actors.insurer).withdrawPool(free)).to.changeTokenBalances(
        token,
        [actors.insurer, insurance],
        [free, -free],
      );
    });

    it("lets a regulator direct a removed member's credit while paused", async function () {
      const w = await world();
      const { insurance, consortium, token, actors, orgIds, claim, paymentTerms } = w;
      await submitClaim(insurance, actors.hospital, claim(), paymentTerms);
      const credit = await insurance.creditOf(orgIds.hospital);
      await suspend(w, orgIds.hospital, actors.hospital);
      const id = await proposeStatus(consortium, actors.regulator, orgIds.hospital, "Remove");
      await voteUntilClosed(consortium, id, [
        actors.manufacturer,
        actors.distributor,
        actors.carrier,
        actors.pharmacy,
        actors.insurer,
        actors.kyc,
      ]);
      await insurance.connect(actors.regulator).pauseDomain("removed member");
      await expect(
        insurance.connect(actors.regulator).directCredit(orgIds.hospital, actors.outsider.address),
      ).to.changeTokenBalances(token, [actors.outsider, insurance], [credit, -credit]);
    });

    it("lifts the pause only by a vote of the members", async function () {
      const w = await world();
      const { records, insurance, actors, treatmentTerms } = w;
      for (const c of [records, insurance]) {
        await c.connect(actors.regulator).pauseDomain("stop");
        for (const who of [actors.deployer, actors.regulator, actors.outsider]) {
          await expect(c.connect(who).unpauseDomain(1))
            .to.be.revertedWithCustomError(c, "AccessNotConsortium")
            .withArgs(who.address);
        }
        const proposalId = await voteUnpause(w, c);
        const [lifted] = await c.queryFilter(c.filters.DomainUnpaused(proposalId));
        const block = await lifted.getBlock();
        const [, at] = lifted.args; // `args.at` is the array method
        expect(at).to.equal(block.timestamp);
        expect(await c.domainPaused()).to.equal(false);
      }
      await expect(records.connect(actors.patient1).grantConsent(treatmentTerms)).to.emit(records, "ConsentGranted");
    });
  });
});
