import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { buildModule, deploy } from "@nomicfoundation/ignition-core";
import { HardhatArtifactResolver } from "@nomicfoundation/hardhat-ignition/helpers";
import { recordDeployedAddresses, setAsideUnreadableAddresses } from "../../src/deploy/ignition";
import { DEPLOYED_ADDRESSES } from "../../src/deployments";

/** Two deployments and a contract seen at an address: the three kinds of future the file records. */
const Pair = buildModule("Pair", (m) => {
  const owner = m.getAccount(0);
  const euro = m.contract("SettlementToken", ["Euro", "cEUR", 2, owner], { id: "Euro" });
  const dollar = m.contract("SettlementToken", ["Dollar", "USDC", 6, owner], { id: "Dollar" });
  const euroSeen = m.contractAt("SettlementToken", euro, { id: "EuroSeen" });
  return { euro, dollar, euroSeen };
});

async function deployPair(dir: string) {
  const accounts = (await hre.network.provider.request({ method: "eth_accounts" })) as string[];
  const result = await deploy({
    config: { requiredConfirmations: 1 },
    provider: hre.network.provider,
    deploymentDir: dir,
    artifactResolver: new HardhatArtifactResolver(hre),
    ignitionModule: Pair,
    deploymentParameters: {},
    accounts,
  });
  if (result.type !== "SUCCESSFUL_DEPLOYMENT") throw new Error(`deployment failed: ${result.type}`);
  return result;
}

const read = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, DEPLOYED_ADDRESSES), "utf8")) as Record<string, string>;

describe("deployed_addresses.json after a run killed between Ignition's two writes", function () {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "citychain-addresses-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("Ignition's resume leaves a journaled contract unrecorded; the journal's result records it", async function () {
    const first = await deployPair(dir);
    const complete = read(dir);
    expect(Object.keys(complete).sort()).to.deep.equal(["Pair#Dollar", "Pair#Euro", "Pair#EuroSeen"]);
    // The kill: the journal says Pair#Dollar is complete, the file never got its address.
    const { ["Pair#Dollar"]: dollar, ...cut } = complete;
    fs.writeFileSync(path.join(dir, DEPLOYED_ADDRESSES), JSON.stringify(cut));

    const resumed = await deployPair(dir);
    expect(resumed.contracts["Pair#Dollar"].address).to.equal(first.contracts["Pair#Dollar"].address);
    expect(read(dir)).to.not.have.property("Pair#Dollar");

    expect(recordDeployedAddresses(dir, resumed.contracts)).to.deep.equal(["Pair#Dollar"]);
    expect(read(dir)).to.deep.equal({ ...cut, "Pair#Dollar": dollar });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).to.deep.equal([]);
    // A complete file is left as it is.
    const before = fs.readFileSync(path.join(dir, DEPLOYED_ADDRESSES), "utf8");
    expect(recordDeployedAddresses(dir, resumed.contracts)).to.deep.equal([]);
    expect(fs.readFileSync(path.join(dir, DEPLOYED_ADDRESSES), "utf8")).to.equal(before);
  });

  it("a file cut off mid-write is set aside before resuming, and written whole from the journal after", async function () {
    const first = await deployPair(dir);
    const text = fs.readFileSync(path.join(dir, DEPLOYED_ADDRESSES), "utf8");
    fs.writeFileSync(path.join(dir, DEPLOYED_ADDRESSES), text.slice(0, text.length / 2));

    expect(setAsideUnreadableAddresses(dir)).to.equal(true);
    expect(fs.existsSync(path.join(dir, DEPLOYED_ADDRESSES))).to.equal(false);
    expect(fs.readFileSync(path.join(dir, `${DEPLOYED_ADDRESSES}.unreadable`), "utf8")).to.equal(
      text.slice(0, text.length / 2),
    );
    const resumed = await deployPair(dir);
    expect(recordDeployedAddresses(dir, resumed.contracts).sort()).to.deep.equal([
      "Pair#Dollar",
      "Pair#Euro",
      "Pair#EuroSeen",
    ]);
    expect(read(dir)).to.deep.equal(
      Object.fromEntries(Object.entries(first.contracts).map(([k, c]) => [k, c.address])),
    );
  });

  it("a readable file is never set aside", async function () {
    await deployPair(dir);
    const text = fs.readFileSync(path.join(dir, DEPLOYED_ADDRESSES), "utf8");
    expect(setAsideUnreadableAddresses(dir)).to.equal(false);
    expect(fs.readFileSync(path.join(dir, DEPLOYED_ADDRESSES), "utf8")).to.equal(text);
    expect(setAsideUnreadableAddresses(path.join(dir, "absent"))).to.equal(false);
  });
});
