import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deploySmallConsortiumFixture } from "../fixtures/consortium";
import { ROLES } from "../../src/roles";
import { deployProxied, implementationOf } from "../../src/deploy/proxy";
import { scheduleUpgrade } from "../fixtures/upgrades";
import type { DomainMock } from "../../typechain-types";

/** Captures what a task prints. */
async function quiet<T>(run: () => Promise<T>): Promise<{ result: T; out: string }> {
  const original = console.log;
  let out = "";
  console.log = (...args: unknown[]) => {
    out += args.join(" ") + "\n";
  };
  try {
    return { result: await run(), out };
  } finally {
    console.log = original;
  }
}

describe("consortium tasks", function () {
  it("admits a member through consortium:propose and consortium:vote, and lists it", async function () {
    const { consortium, actors } = await loadFixture(deploySmallConsortiumFixture);
    const address = await consortium.getAddress();
    const proposed = await quiet(() =>
      hre.run("consortium:propose", {
        kind: "admit",
        from: "regulator",
        name: "Riverside Clinic",
        roles: "HOSPITAL,DISTRIBUTOR",
        account: actors.pharmacy.address,
        documents: "licence 2026-221",
        address,
      }),
    );
    expect(proposed.out).to.match(/proposal 1: Open, 1 for \/ 0 against/);
    await quiet(() => hre.run("consortium:vote", { proposal: 1, from: "manufacturer", against: false, address }));
    const voted = await quiet(() =>
      hre.run("consortium:vote", { proposal: 1, from: "hospital", against: false, address }),
    );
    expect(voted.out).to.match(/proposal 1: Executed, 3 for \/ 0 against/);
    expect(await consortium.hasRole(ROLES.DISTRIBUTOR, actors.pharmacy.address)).to.equal(true);
    const listed = await quiet(() => hre.run("consortium:members", { address }));
    expect(listed.out).to.include("Riverside Clinic");
    expect(listed.out).to.include("DISTRIBUTOR HOSPITAL");
  });

  it("suspends through consortium:propose --kind suspend and refuses bad input with a clear message", async function () {
    const { consortium, orgIds } = await loadFixture(deploySmallConsortiumFixture);
    const address = await consortium.getAddress();
    await quiet(() =>
      hre.run("consortium:propose", { kind: "suspend", from: "regulator", org: orgIds.carrier, address }),
    );
    expect((await consortium.proposal(1)).kind).to.equal(2);
    await expect(hre.run("consortium:propose", { kind: "admit", from: "regulator", address })).to.be.rejectedWith(
      "--kind admit needs --name",
    );
    await expect(
      hre.run("consortium:propose", { kind: "roles", from: "regulator", org: 1, roles: "WIZARD", address }),
    ).to.be.rejectedWith('unknown role "WIZARD"');
    await expect(hre.run("consortium:propose", { kind: "promote", from: "regulator", address })).to.be.rejectedWith(
      "unknown --kind promote",
    );
    await expect(hre.run("consortium:members", { address: "0x12" })).to.be.rejectedWith("is not an address");
    await expect(
      hre.run("consortium:vote", { proposal: 1, from: "nobody", against: false, address }),
    ).to.be.rejectedWith('unknown signer "nobody"');
  });

  it("lifts a regulator's stop through consortium:propose --kind unpause, and applies a voted upgrade only once due", async function () {
    const city = await loadFixture(deploySmallConsortiumFixture);
    const address = await city.consortium.getAddress();
    const domain = await deployProxied<DomainMock>(hre, "DomainMock", [address], ["ward 7"]);
    await (await domain.contract.connect(city.actors.regulator).pauseDomain("leak")).wait();
    const proposed = await quiet(() =>
      hre.run("consortium:propose", { kind: "unpause", from: "regulator", target: domain.proxy, address }),
    );
    expect(proposed.out).to.match(/proposal 1: Open, 1 for \/ 0 against/);
    await quiet(() => hre.run("consortium:vote", { proposal: 1, from: "manufacturer", against: false, address }));
    await quiet(() => hre.run("consortium:vote", { proposal: 1, from: "hospital", against: false, address }));
    expect(await domain.contract.domainPaused()).to.equal(false);

    const v2 = await hre.ethers.deployContract("DomainMockV2", [address]);
    const { eta } = await scheduleUpgrade(city, domain.proxy, v2);
    await expect(
      hre.run("consortium:apply-upgrade", { target: domain.proxy, from: "outsider", address }),
    ).to.be.rejectedWith(`can be applied from ${new Date(Number(eta) * 1000).toISOString()}`);
    await time.increaseTo(eta);
    const applied = await quiet(() =>
      hre.run("consortium:apply-upgrade", { target: domain.proxy, from: "outsider", address }),
    );
    expect(applied.out).to.include(`now runs ${await v2.getAddress()}`);
    expect(await implementationOf(hre, domain.proxy)).to.equal(await v2.getAddress());
    await expect(
      hre.run("consortium:apply-upgrade", { target: domain.proxy, from: "outsider", address }),
    ).to.be.rejectedWith("no upgrade is scheduled");
  });
});
