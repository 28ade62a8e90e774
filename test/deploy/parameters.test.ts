import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { Wallet } from "ethers";
import {
  consortiumArgs,
  parametersPath,
  readParameters,
  resolveAccount,
  resolveSigningAccount,
} from "../../src/deploy/parameters";
import { besuAccounts } from "../../src/networks";
import { cityActors } from "../../src/city";

function write(json: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "citychain-params-")), "p.json");
  fs.writeFileSync(file, JSON.stringify(json));
  return file;
}

describe("deployment parameters", function () {
  it("reads the local parameters and resolves @actors to the network's signers", async function () {
    const p = readParameters(parametersPath("hardhat"));
    const actors = await cityActors(hre);
    expect(await resolveAccount(hre, "@regulator")).to.equal(actors.regulator.address);
    const args = await consortiumArgs(hre, p);
    expect(args.founders[0]).to.include({ name: "City Health & Markets Authority", account: actors.regulator.address });
    expect(args.founders[0].roles).to.equal(1 << 4);
    expect(p.storageClasses.map((c) => c.name)).to.include("Refrigerated 2–8 °C");
    await expect(resolveAccount(hre, "@nobody")).to.be.rejectedWith("unknown actor @nobody");
  });

  it("refuses, before deploying, a signing account whose key the network does not hold", async function () {
    const actors = await cityActors(hre);
    expect(await resolveSigningAccount(hre, "@regulator", "the regulator")).to.equal(actors.regulator.address);
    const stranger = Wallet.createRandom().address;
    await expect(resolveSigningAccount(hre, stranger, "the regulator (wiring.regulator)")).to.be.rejectedWith(
      `the regulator (wiring.regulator) ${stranger} is not an account of network "hardhat": add its key`,
    );
  });

  it("names the field of every error in a bad file", function () {
    const file = write({
      consortium: { founders: [{ name: "", roles: [], account: "0x12" }], quorumBps: 5000 },
      storageClasses: [{ name: "x", hardMin: 0, hardMax: 1, low: 0, high: 1, allowance: -1, maxGap: 0 }],
    });
    expect(() => readParameters(file)).to.throw(
      /consortium\.founders\.0\.name[\s\S]*consortium\.founders\.0\.roles[\s\S]*consortium\.founders\.0\.account: an address or @actor[\s\S]*consortium\.quorumBps[\s\S]*storageClasses\.0\.allowance[\s\S]*storageClasses\.0\.maxGap/,
    );
  });

  it("refuses a storage class the cold chain would refuse, before anything is deployed", function () {
    const founders = [{ name: "Authority", roles: ["REGULATOR"], account: "@regulator" }];
    const file = write({
      consortium: { founders, quorumBps: 5001 },
      storageClasses: [
        { name: "inverted", hardMin: 0, hardMax: 1500, low: 800, high: 200, allowance: 60, maxGap: 60 },
        { name: "too hot", hardMin: 0, hardMax: 40_000, low: 200, high: 800, allowance: 60, maxGap: 2 ** 32 },
      ],
    });
    expect(() => readParameters(file)).to.throw(
      /storageClasses\.0\.low: the bounds must satisfy hardMin <= low < high <= hardMax[\s\S]*storageClasses\.1\.hardMax[\s\S]*storageClasses\.1\.maxGap/,
    );
  });

  it("falls back to local.json for networks without their own file, and the Besu example is valid", function () {
    expect(path.basename(parametersPath("some-network"))).to.equal("local.json");
    const example = readParameters(path.join(__dirname, "..", "..", "ignition", "parameters", "besu.example.json"));
    expect(example.consortium.founders).to.have.length(3);
  });

  it("takes the Besu deployer key from an encrypted keystore, never from the repository", async function () {
    const wallet = Wallet.createRandom();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "citychain-ks-")), "key.json");
    fs.writeFileSync(file, await wallet.encrypt("correct horse"));
    const saved = { ...process.env };
    try {
      process.env.BESU_KEYSTORE = file;
      process.env.BESU_KEYSTORE_PASSWORD = "correct horse";
      process.env.BESU_EXTRA_KEYS = "";
      expect(besuAccounts()).to.deep.equal([wallet.privateKey]);
      delete process.env.BESU_KEYSTORE_PASSWORD;
      expect(() => besuAccounts()).to.throw("BESU_KEYSTORE_PASSWORD is not");
    } finally {
      process.env = saved;
    }
  });
});
