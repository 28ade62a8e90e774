import { expect } from "chai";
import hre from "hardhat";
import {
  PROXIED,
  SYSTEM_CONTRACTS,
  checkLinks,
  deploySystem,
  parseImplementations,
  preflightOpcodes,
} from "../../src/deploy/system";

describe("system deployment (Ignition)", function () {
  it("deploys every contract of the system, proves its code and its links", async function () {
    const system = await deploySystem(hre, { quiet: true });
    expect(system.chainId).to.equal("31337");
    expect(system.checks.length).to.be.greaterThan(Object.keys(system.addresses).length);
    for (const c of system.checks) expect(c.ok, `${c.contract}: ${c.detail}`).to.equal(true);
    // every domain contract is proven twice: its proxy against ERC1967Proxy, its implementation against its artifact
    const proven = system.checks.map((c) => c.contract);
    for (const name of PROXIED)
      expect(proven).to.include.members([`${SYSTEM_CONTRACTS[name]} (proxy)`, SYSTEM_CONTRACTS[name]]);
    expect(PROXIED.size).to.equal(Object.keys(SYSTEM_CONTRACTS).length - 1);
    const consortium = await hre.ethers.getContractAt("Consortium", system.addresses.Consortium);
    expect(await consortium.activeRegulators()).to.equal(1);
    // the EPCIS anchors (issue 19) are part of the system: code proven and bound to the consortium
    const names = system.checks.map((c) => c.contract);
    expect(names).to.include.members([
      "contracts/supplychain/EpcisAnchors.sol:EpcisAnchors",
      "EpcisAnchors.consortium()",
    ]);
  });

  it("reports a link that points at the wrong contract", async function () {
    const system = await deploySystem(hre, { quiet: true });
    const swapped = { ...system.addresses, MedicalRecords: system.addresses.SettlementToken };
    const failed = (await checkLinks(hre, swapped)).filter((c) => !c.ok).map((c) => c.contract);
    expect(failed).to.include.members(["HealthInsurance.records()", "MedicalRecords.consortium()"]);
  });

  it("refuses a stall limit that is no number or too short, before sending anything", async function () {
    const before = await hre.ethers.provider.getBlockNumber();
    await expect(deploySystem(hre, { quiet: true, stallMs: Number("abc") })).to.be.rejectedWith(
      "stall limit NaN ms (CITYCHAIN_STALL_MS): must be a number of milliseconds >= 1000",
    );
    await expect(deploySystem(hre, { quiet: true, stallMs: 0 })).to.be.rejectedWith("stall limit 0 ms");
    expect(await hre.ethers.provider.getBlockNumber()).to.equal(before);
  });

  it("proves a voted implementation of another contract name only when told which artifact; refuses a bad list first", async function () {
    const V2 = "contracts/mocks/upgrades/DomainsV2.sol:SupplyChainV2";
    expect(parseImplementations(`SupplyChain=${V2}, EpcisAnchors=${SYSTEM_CONTRACTS.EpcisAnchors}`)).to.deep.equal({
      SupplyChain: V2,
      EpcisAnchors: SYSTEM_CONTRACTS.EpcisAnchors,
    });
    expect(parseImplementations(undefined)).to.deep.equal({});
    expect(() => parseImplementations("SupplyChain")).to.throw('"SupplyChain" is not Name=path/File.sol:Contract');
    const before = await hre.ethers.provider.getBlockNumber();
    await expect(deploySystem(hre, { quiet: true, implementations: { SettlementToken: V2 } })).to.be.rejectedWith(
      "SettlementToken is not an upgradeable contract of the system",
    );
    await expect(
      deploySystem(hre, { quiet: true, implementations: { SupplyChain: "contracts/x.sol:Nope" } }),
    ).to.be.rejectedWith("SupplyChain=contracts/x.sol:Nope: no such artifact");
    expect(await hre.ethers.provider.getBlockNumber()).to.equal(before);
    // The module's SupplyChain is version 1: proven against version 2's artifact, its implementation fails.
    const system = await deploySystem(hre, { quiet: true, implementations: { SupplyChain: V2 } });
    const impl = system.checks.find((c) => c.contract === V2);
    expect(impl?.ok, JSON.stringify(impl)).to.equal(false);
    expect(system.checks.filter((c) => !c.ok)).to.have.length(1);
  });

  it("passes the opcode pre-flight for london", async function () {
    await preflightOpcodes(hre, "london");
  });
});
