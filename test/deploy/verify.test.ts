import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployConsortiumFixture } from "../fixtures/consortium";
import {
  CHAIN_FILE,
  ImmutableJournalError,
  checkCode,
  checkDeployedCode,
  guardJournal,
  maskImmutables,
} from "../../src/deploy/verify";

describe("deployment checks", function () {
  it("accepts code that matches its artifact, immutables masked", async function () {
    const { consortium } = await loadFixture(deployConsortiumFixture);
    const probe = await hre.ethers.deployContract("GatedProbe", [await consortium.getAddress()]);
    const ok = await checkCode(hre, "contracts/mocks/GatedProbe.sol:GatedProbe", await probe.getAddress());
    expect(ok.ok, ok.detail).to.equal(true);
    // The consortium is a proxy: its code is the proxy's, and its implementation's the consortium's.
    const fqn = "contracts/consortium/Consortium.sol:Consortium";
    expect((await checkCode(hre, fqn, await consortium.getAddress())).ok).to.equal(false);
    const checks = await checkDeployedCode(hre, fqn, await consortium.getAddress());
    expect(checks.map((c) => c.contract)).to.deep.equal([`${fqn} (proxy)`, fqn]);
    for (const c of checks) expect(c.ok, c.detail).to.equal(true);
  });

  it("fails a contract that must sit behind a proxy and does not, and a proxy of another implementation", async function () {
    const { consortium } = await loadFixture(deployConsortiumFixture);
    const probe = await hre.ethers.deployContract("GatedProbe", [await consortium.getAddress()]);
    const fqn = "contracts/mocks/GatedProbe.sol:GatedProbe";
    const [bare] = await checkDeployedCode(hre, fqn, await probe.getAddress(), true);
    expect(bare).to.include({ ok: false, detail: "no ERC-1967 implementation slot: not a proxy" });
    const [proxy, implementation] = await checkDeployedCode(hre, fqn, await consortium.getAddress(), true);
    expect(proxy.ok, proxy.detail).to.equal(true);
    expect(implementation).to.include({ ok: false, detail: "code differs from the artifact" });
  });

  it("rejects another contract's code and an empty address", async function () {
    const { consortium, actors } = await loadFixture(deployConsortiumFixture);
    const wrong = await checkCode(
      hre,
      "contracts/payments/SettlementToken.sol:SettlementToken",
      await consortium.getAddress(),
    );
    expect(wrong).to.include({ ok: false, detail: "code differs from the artifact" });
    const empty = await checkCode(hre, "contracts/consortium/Consortium.sol:Consortium", actors.outsider.address);
    expect(empty).to.include({ ok: false, detail: "no code at the address" });
  });

  it("masks immutable references", function () {
    expect(maskImmutables("0xaabbccdd", { "1": [{ start: 1, length: 2 }] })).to.equal("0xaa0000dd");
  });

  it("records the chain of a new journal and refuses one from a reset chain", async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "citychain-journal-"));
    const first = await guardJournal(hre, dir);
    expect(JSON.parse(fs.readFileSync(path.join(dir, CHAIN_FILE), "utf8"))).to.deep.equal(first);
    expect(await guardJournal(hre, dir)).to.deep.equal(first);
    fs.writeFileSync(path.join(dir, CHAIN_FILE), JSON.stringify({ ...first, genesisHash: "0x" + "11".repeat(32) }));
    await expect(guardJournal(hre, dir)).to.be.rejectedWith("the chain was reset");
  });

  it("refuses, by name, the journal of the immutable system (no proxy), and resumes the upgradeable one", async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "citychain-journal-"));
    await guardJournal(hre, dir);
    // What Ignition journals for a future: its id, its type and the execution state message.
    const line = (futureId: string, futureType: string, type: string) =>
      JSON.stringify({ futureId, futureType, type, strategy: "basic", dependencies: [] });
    const upgradeable = [
      line("CityChain#ConsortiumImpl", "NAMED_ARTIFACT_CONTRACT_DEPLOYMENT", "DEPLOYMENT_EXECUTION_STATE_INITIALIZE"),
      line("CityChain#ConsortiumProxy", "NAMED_ARTIFACT_CONTRACT_DEPLOYMENT", "DEPLOYMENT_EXECUTION_STATE_INITIALIZE"),
      line("CityChain#Consortium", "NAMED_ARTIFACT_CONTRACT_AT", "CONTRACT_AT_EXECUTION_STATE_INITIALIZE"),
    ];
    fs.writeFileSync(path.join(dir, "journal.jsonl"), upgradeable.join("\n") + "\n");
    await guardJournal(hre, dir);
    const immutable = [
      line("CityChain#Consortium", "NAMED_ARTIFACT_CONTRACT_DEPLOYMENT", "DEPLOYMENT_EXECUTION_STATE_INITIALIZE"),
      line("CityChain#SettlementToken", "NAMED_ARTIFACT_CONTRACT_DEPLOYMENT", "DEPLOYMENT_EXECUTION_STATE_INITIALIZE"),
    ];
    fs.writeFileSync(path.join(dir, "journal.jsonl"), immutable.join("\n") + "\n");
    await expect(guardJournal(hre, dir)).to.be.rejectedWith(
      ImmutableJournalError,
      "is the journal of the immutable system (CityChain#Consortium deployed without a proxy)",
    );
  });

  it("refuses a journal whose chain is not recorded", async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "citychain-journal-"));
    fs.writeFileSync(path.join(dir, "journal.jsonl"), "{}\n");
    await expect(guardJournal(hre, dir)).to.be.rejectedWith("its chain cannot be proven");
  });
});
