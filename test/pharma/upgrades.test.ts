import hre from "hardhat";
import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { AbiCoder, type BaseContract, type FunctionFragment, TypedDataEncoder, keccak256, toUtf8Bytes } from "ethers";
import { implementationOf } from "../../src/deploy/proxy";
import { ROLES } from "../../src/roles";
import { textHash } from "../../src/supplychain";
import { REGISTRATION_TYPES } from "../../src/telemetry";
import { stateChangingFunctions, zeroValue } from "../security/outsiders";
import { type PharmaFixture, loadPharma, openFixtureShipment } from "../fixtures/pharma";
import { voteUnpause } from "../fixtures/upgrades";

/** The ERC-7201 base slot of namespace `id`, by the formula the contracts state next to their constant. */
function erc7201(id: string): bigint {
  const inner = BigInt(keccak256(toUtf8Bytes(id))) - 1n;
  return BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256"], [inner]))) & ~0xffn;
}

/** The word at `slot` of `address`'s storage, as a number. */
async function word(address: string, slot: bigint): Promise<bigint> {
  return BigInt(await hre.ethers.provider.getStorage(address, slot));
}

/**
 * Functions that stay open while a regulator has paused the domain. Neither contract holds money, so what stays open
 * is the consortium's own calls (lifting the pause, a voted upgrade), the one-time initializer (closed anyway), the
 * pause itself, and ColdChain's release of a quarantined shipment (it ends a quarantine for the goods' owners).
 */
const OPEN_WHEN_PAUSED: Record<string, string[]> = {
  DeviceRegistry: ["initialize()", "pauseDomain(string)", "unpauseDomain(uint256)", "upgradeToAndCall(address,bytes)"],
  ColdChain: [
    "initialize()",
    "pauseDomain(string)",
    "unpauseDomain(uint256)",
    "upgradeToAndCall(address,bytes)",
    "releaseShipment(uint64,bytes32)",
  ],
};

function pausable(contract: BaseContract, name: string): FunctionFragment[] {
  return stateChangingFunctions(contract).filter((fn) => !OPEN_WHEN_PAUSED[name].includes(fn.format("sighash")));
}

describe("DeviceRegistry and ColdChain behind UUPS proxies", function () {
  const cases = [
    { name: "DeviceRegistry", pick: (f: PharmaFixture): BaseContract => f.registry },
    { name: "ColdChain", pick: (f: PharmaFixture): BaseContract => f.coldChain },
  ] as const;

  for (const { name, pick } of cases) {
    describe(name, function () {
      it("runs behind an ERC-1967 proxy whose implementation cannot be initialised", async function () {
        const f = await loadPharma();
        const c = pick(f);
        const proxy = await c.getAddress();
        const implementation = await implementationOf(hre, proxy);
        expect(implementation).to.not.equal(proxy);
        const impl = (await hre.ethers.getContractAt(name, implementation)) as unknown as BaseContract;
        await expect(impl.getFunction("initialize")()).to.be.revertedWithCustomError(c, "InvalidInitialization");
        await expect(c.getFunction("initialize")()).to.be.revertedWithCustomError(c, "InvalidInitialization");
      });

      it("refuses an upgrade from every account but the consortium, even the deployer and a regulator", async function () {
        const f = await loadPharma();
        const c = pick(f);
        const implementation = await implementationOf(hre, await c.getAddress());
        for (const who of [f.actors.deployer, f.actors.regulator, f.actors.outsider]) {
          await expect(c.connect(who).getFunction("upgradeToAndCall")(implementation, "0x"))
            .to.be.revertedWithCustomError(c, "AccessUpgradeNotVoted")
            .withArgs(who.address);
        }
      });

      it("lets only a REGULATOR pause it, and only the consortium lift the pause", async function () {
        const f = await loadPharma();
        const c = pick(f);
        for (const who of [f.actors.outsider, f.actors.manufacturer, f.actors.deviceManager]) {
          await expect(c.connect(who).getFunction("pauseDomain")("no"))
            .to.be.revertedWithCustomError(c, "AccessMissingRole")
            .withArgs(who.address, ROLES.REGULATOR);
        }
        const tx = c.connect(f.actors.regulator).getFunction("pauseDomain")("sensor signature bypass");
        await expect(tx)
          .to.emit(c, "DomainPaused")
          .withArgs(f.actors.regulator.address, f.orgIds.regulator, anyValue, "sensor signature bypass");
        const at = (await hre.ethers.provider.getBlock((await (await tx).wait())!.blockNumber))!.timestamp;
        await expect(tx)
          .to.emit(c, "DomainPaused")
          .withArgs(f.actors.regulator.address, f.orgIds.regulator, at, "sensor signature bypass");
        expect(await c.getFunction("domainPaused")()).to.equal(true);
        await expect(c.connect(f.actors.regulator).getFunction("pauseDomain")("again"))
          .to.be.revertedWithCustomError(c, "AccessPauseUnchanged")
          .withArgs(true);
        for (const who of [f.actors.regulator, f.actors.deployer]) {
          await expect(c.connect(who).getFunction("unpauseDomain")(1n))
            .to.be.revertedWithCustomError(c, "AccessNotConsortium")
            .withArgs(who.address);
        }
        // Lifted by the members' vote: the executed proposal is the one the domain names.
        const proposalId = await voteUnpause(f, await c.getAddress());
        expect(await c.queryFilter(c.filters.DomainUnpaused(proposalId))).to.have.lengthOf(1);
        expect(await c.getFunction("domainPaused")()).to.equal(false);
      });

      it("refuses every state-changing function outside its open list while paused", async function () {
        const f = await loadPharma();
        const c = pick(f);
        await c.connect(f.actors.regulator).getFunction("pauseDomain")("drill");
        const refused = pausable(c, name);
        expect(refused.length).to.be.greaterThan(5);
        for (const fn of refused) {
          const args = fn.inputs.map((p) => zeroValue(p));
          // the caller holds the roles these functions need, so the pause is the only reason to refuse
          for (const who of [f.actors.regulator, f.actors.outsider]) {
            await expect(
              c.connect(who).getFunction(fn.format("sighash"))(...args),
              fn.format("sighash"),
            ).to.be.revertedWithCustomError(c, "AccessDomainPaused");
          }
        }
      });
    });
  }

  it("keeps the ERC-7201 namespaces where the formula puts them", async function () {
    const f = await loadPharma();
    // DeviceRegistryStorage: devices, firmwareById, firmwareDigest, firmwareIds, firmwareCount (5th field)
    const registryBase = erc7201("citychain.storage.DeviceRegistry");
    expect(await word(await f.registry.getAddress(), registryBase + 4n)).to.equal(2n);
    // ColdChainStorage: classCount (uint32) and shipmentCount (uint64) share the first slot
    await openFixtureShipment(f);
    const coldBase = erc7201("citychain.storage.ColdChain");
    expect(await word(await f.coldChain.getAddress(), coldBase)).to.equal(1n | (1n << 32n));
  });

  it("signs with the EIP-712 domain of the immutable registry, the proxy as verifying contract", async function () {
    const f = await loadPharma();
    const proxy = await f.registry.getAddress();
    const d = await f.registry.eip712Domain();
    expect([d.name, d.version, d.chainId, d.verifyingContract]).to.deep.equal([
      "CityChain DeviceRegistry",
      "1",
      f.chainId,
      proxy,
    ]);
    const r = {
      device: f.sensorA.address,
      kind: 1,
      ownerOrg: 3,
      managerOrg: 4,
      firmware: textHash("fw"),
      calibratedUntil: 10n,
      metadataHash: textHash("meta"),
      nonce: 0n,
      deadline: 20n,
    };
    const domain = { name: "CityChain DeviceRegistry", version: "1", chainId: f.chainId, verifyingContract: proxy };
    expect(await f.registry.registrationDigest(r)).to.equal(TypedDataEncoder.hash(domain, REGISTRATION_TYPES, r));
  });

  it("lets a regulator release a quarantined shipment while the cold chain is paused", async function () {
    const f = await loadPharma();
    const id = await openFixtureShipment(f);
    await f.coldChain.connect(f.actors.regulator).quarantineShipment(id, textHash("inspection"));
    await f.coldChain.connect(f.actors.regulator).pauseDomain("alarm logic under review");
    await expect(
      f.coldChain.connect(f.actors.regulator).destroyShipment(id, textHash("x")),
    ).to.be.revertedWithCustomError(f.coldChain, "AccessDomainPaused");
    await expect(f.coldChain.connect(f.actors.regulator).releaseShipment(id, textHash("false alarm")))
      .to.emit(f.coldChain, "ShipmentReleased")
      .withArgs(id, f.actors.regulator.address, textHash("false alarm"));
    expect((await f.coldChain.shipment(id)).status).to.equal(3n); // Released
  });

  it("wires the cold chain's implementation to the registry's and the supply chain's proxies", async function () {
    const f = await loadPharma();
    expect(await f.coldChain.registry()).to.equal(await f.registry.getAddress());
    expect(await f.coldChain.supplyChain()).to.equal(await f.sc.getAddress());
    const impl = await hre.ethers.getContractAt(
      "ColdChain",
      await implementationOf(hre, await f.coldChain.getAddress()),
    );
    expect(await impl.registry()).to.equal(await f.registry.getAddress());
  });
});
