import hre from "hardhat";
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { applyUpgrade, voteUntilClosed } from "../../src/consortium";
import { implementationOf } from "../../src/deploy/proxy";
import {
  IdenticalImplementationError,
  IncompatibleLayoutError,
  ProposerNotMemberError,
  type ProposedUpgrade,
  UnknownUpgradeableError,
  WiringError,
  checkAndProposeUpgrade,
  push20Operands,
} from "../../src/upgrades";
import { GTIN, deploySupplyChainFixture } from "../fixtures/supplychain";
import { deployAssetsFixture } from "../fixtures/assets";
import { deployPharmaFixture } from "../fixtures/pharma";
import { cityVoters, waitForUpgrade } from "../fixtures/upgrades";

/** `npx hardhat city:propose-upgrade` in-process, its output captured. */
async function propose(args: Record<string, string>): Promise<{ result: ProposedUpgrade; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    const result = (await hre.run("city:propose-upgrade", args)) as ProposedUpgrade;
    return { result, out: lines.join("\n") };
  } finally {
    console.log = log;
  }
}

/**
 * The libraries `implementation` calls: its PUSH20 operands whose code is a library's (it starts with the call
 * guard PUSH20 <own address>). Unoptimised builds (coverage) also push address masks, which have no code.
 */
async function librariesCalledBy(implementation: string): Promise<string[]> {
  const out: string[] = [];
  for (const a of push20Operands(await hre.ethers.provider.getCode(implementation))) {
    const code = await hre.ethers.provider.getCode(a);
    if (code.toLowerCase().startsWith("0x73" + a.slice(2).toLowerCase())) out.push(hre.ethers.getAddress(a));
  }
  return out;
}

describe("city:propose-upgrade (issue 21)", function () {
  async function fixture() {
    const f = await deploySupplyChainFixture();
    const args = { target: await f.sc.getAddress(), address: await f.consortium.getAddress(), from: "regulator" };
    return { ...f, args };
  }

  it("deploys the new SupplyChain with the current wiring and library, proposes it, and the vote applies it", async function () {
    const { consortium, actors, sc, orgIds, args } = await loadFixture(fixture);
    const proxy = await sc.getAddress();
    const before = await implementationOf(hre, proxy);
    const library = await librariesCalledBy(before);
    expect(library).to.have.length(1);
    const { result, out } = await propose({ ...args, contract: "SupplyChain", artifact: "SupplyChainV2" });

    // what is on chain is what was printed: target, implementation and the code hash of its runtime code
    const request = await consortium.upgradeRequest(result.proposalId);
    expect(request.target).to.equal(proxy);
    expect(request.implementation).to.equal(result.implementation);
    const code = await hre.ethers.provider.getCode(result.implementation);
    expect(request.codehash).to.equal(hre.ethers.keccak256(code)).and.to.equal(result.codehash);
    expect(result.previousImplementation).to.equal(before);
    expect(result.upgradeDelay).to.equal(await consortium.upgradeDelay());
    // the same consortium and the same library as the current implementation (no new library deployed)
    const v2 = await hre.ethers.getContractAt("SupplyChainV2", result.implementation);
    expect(await v2.consortium()).to.equal(await consortium.getAddress());
    expect(Object.values(result.libraries)).to.deep.equal(library);
    expect(out).to.include(`proposal ${result.proposalId}: upgrade SupplyChain ${proxy}`);
    expect(out).to.include(`code hash           ${result.codehash}`);
    expect(out).to.include("+ namespace erc7201:citychain.storage.UpgradeV2Note: note");
    expect(out).to.include(`consortium:apply-upgrade --target ${proxy}`);
    expect(out).to.include(`consortium:vote --proposal ${result.proposalId}`);

    // vote, wait out the delay, apply: the proxy runs version 2 and still holds version 1's records
    const city = { consortium, actors, orgIds };
    const state = await voteUntilClosed(consortium, result.proposalId, await cityVoters(city));
    expect(state).to.equal("Executed");
    await waitForUpgrade(city, proxy);
    await applyUpgrade(consortium, actors.outsider, proxy);
    expect(await implementationOf(hre, proxy)).to.equal(result.implementation);
    const upgraded = await hre.ethers.getContractAt("SupplyChainV2", proxy);
    expect(await upgraded.upgradeVersion()).to.equal(2n);
    expect((await upgraded.product(GTIN)).manufacturer).to.equal(orgIds.manufacturer);
  });

  it("refuses an unknown contract, an incompatible layout, identical code and a proposer who is no member, sending nothing", async function () {
    const { consortium, args } = await loadFixture(fixture);
    const proposals = await consortium.proposalCount();
    const block = await hre.ethers.provider.getBlockNumber();

    await expect(propose({ ...args, contract: "Ledger" })).to.be.rejectedWith(UnknownUpgradeableError, /Ledger is not/);

    const bad = propose({ ...args, contract: "SupplyChain", artifact: "SupplyChainBadLayout" });
    await expect(bad).to.be.rejectedWith(IncompatibleLayoutError, /field `lots`/);
    await expect(bad).to.be.rejected.and.eventually.have.property("fields").that.deep.equals(["lots"]);

    // the sources' SupplyChain is the one the proxy runs
    await expect(propose({ ...args, contract: "SupplyChain" })).to.be.rejectedWith(
      IdenticalImplementationError,
      /identical to the current one/,
    );

    for (const from of ["outsider", "patient1"]) {
      await expect(
        propose({ ...args, contract: "SupplyChain", artifact: "SupplyChainV2", from }),
        from,
      ).to.be.rejectedWith(ProposerNotMemberError, /cannot propose/);
    }

    expect(await consortium.proposalCount()).to.equal(proposals);
    expect(await hre.ethers.provider.getBlockNumber()).to.equal(block);
  });

  it("wires a new ColdChain to its sibling proxies, read from the current implementation", async function () {
    const f = await loadFixture(deployPharmaFixture);
    const proxy = await f.coldChain.getAddress();
    const { result } = await propose({
      contract: "ColdChain",
      artifact: "ColdChainV2",
      from: "regulator",
      target: proxy,
      address: await f.consortium.getAddress(),
    });
    const v2 = await hre.ethers.getContractAt("ColdChainV2", result.implementation);
    expect(await v2.registry()).to.equal(await f.registry.getAddress());
    expect(await v2.supplyChain()).to.equal(await f.sc.getAddress());
    expect(await v2.consortium()).to.equal(await f.consortium.getAddress());
    expect(result.libraries).to.deep.equal({});
    const request = await f.consortium.upgradeRequest(result.proposalId);
    expect([request.target, request.implementation, request.codehash]).to.deep.equal([
      proxy,
      result.implementation,
      result.codehash,
    ]);
  });

  it("upgrades every asset's share token through the beacon, wired from the deployment (no views)", async function () {
    const f = await loadFixture(deployAssetsFixture);
    const beacon = await f.registry.shareTokenBeacon();
    const addresses: Record<string, string> = {
      AssetRegistry: await f.registry.getAddress(),
      AssetOffering: await f.offering.getAddress(),
      AssetMarket: await f.market.getAddress(),
    };
    const options = {
      contract: "AssetShareToken",
      artifact: "AssetShareTokenV2",
      target: beacon,
      consortium: f.consortium,
      proposer: f.actors.regulator,
      deployment: async (future: string) => addresses[future],
    };
    // a deployment that names a contract the current implementation is not wired to is refused
    const swapped: Record<string, string> = { ...addresses, AssetOffering: await f.ceur.getAddress() };
    await expect(
      checkAndProposeUpgrade(hre, { ...options, deployment: async (future: string) => swapped[future] }),
    ).to.be.rejectedWith(WiringError, /is not an immutable of the current implementation/);

    const result = await checkAndProposeUpgrade(hre, options);
    const request = await f.consortium.upgradeRequest(result.proposalId);
    expect(request.target).to.equal(beacon);
    expect(request.implementation).to.equal(result.implementation);
    expect(request.codehash).to.equal(result.codehash);
    const voters = await cityVoters(f);
    expect(await voteUntilClosed(f.consortium, result.proposalId, voters)).to.equal("Executed");
    await waitForUpgrade(f, beacon);
    await applyUpgrade(f.consortium, f.actors.outsider, beacon);
    const token = await hre.ethers.getContractAt("AssetShareTokenV2", await f.token.getAddress());
    expect(await token.upgradeVersion()).to.equal(2n);
    expect(await token.symbol()).to.equal("HSOL");
  });

  it("deploys the library anew when the one the current implementation links is not the sources' library", async function () {
    const { sc, args } = await loadFixture(fixture);
    const current = await implementationOf(hre, await sc.getAddress());
    const [library] = await librariesCalledBy(current);
    // the deployed library differs from the compiled one in one byte past its call guard
    const code = await hre.ethers.provider.getCode(library);
    const at = 2 + 2 * 40;
    const flipped = code.slice(0, at) + (code.slice(at, at + 2) === "00" ? "01" : "00") + code.slice(at + 2);
    await hre.network.provider.send("hardhat_setCode", [library, flipped]);
    const { result, out } = await propose({ ...args, contract: "SupplyChain", artifact: "SupplyChainV2" });
    const [linked] = Object.values(result.libraries);
    expect(linked).to.not.equal(library);
    expect(out).to.include(
      `deployed the changed library contracts/supplychain/SupplyChainOversight.sol:SupplyChainOversight ${linked}`,
    );
    const artifact = await hre.artifacts.readArtifact("SupplyChainOversight");
    const deployed = await hre.ethers.provider.getCode(linked);
    expect(deployed.length).to.equal(artifact.deployedBytecode.length);
    // the new implementation calls the new library
    expect(await librariesCalledBy(result.implementation)).to.deep.equal([linked]);
  });
});
