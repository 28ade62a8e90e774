import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract, ParamType, Signer } from "ethers";
import { fundedAssetFixture } from "../fixtures/assets";
import { voteUnpause, voteUpgrade } from "../fixtures/upgrades";
import { CAPACITY_W, deployPpaFixture, deployVendingFixture } from "../fixtures/ppa";
import { MeterSimulator, QUARTER_HOUR, solarDay } from "../../src/ppa";
import { depositRevenue } from "../../src/assets";
import { implementationOf } from "../../src/deploy/proxy";
import { ROLES } from "../../src/roles";
import type { AssetShareToken, UpgradeableBeacon } from "../../typechain-types";

/**
 * Upgrades and the regulator's emergency stop in the assets domain: the registry behind its UUPS proxy, every
 * asset's share token behind a beacon proxy following one beacon owned by the consortium.
 * Where only the consortium may act, the members vote (test/fixtures/upgrades.ts: voteUpgrade, voteUnpause).
 */

/** ERC-7201 base slot of `namespace`. */
function erc7201(namespace: string): bigint {
  const inner = BigInt(hre.ethers.keccak256(hre.ethers.toUtf8Bytes(namespace))) - 1n;
  return BigInt(hre.ethers.keccak256(hre.ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [inner]))) & ~0xffn;
}

/** Any well-formed value of an ABI parameter (the pause check runs before anything reads the arguments). */
function placeholder(p: ParamType): unknown {
  if (p.baseType === "array") return [];
  if (p.baseType === "tuple") return (p.components ?? []).map(placeholder);
  // Non-zero: ERC-20 refuses the zero address before any hook runs.
  if (p.type === "address") return "0x000000000000000000000000000000000000dEaD";
  if (p.type === "bool") return false;
  if (p.type === "string") return "";
  if (p.type === "bytes") return "0x";
  if (p.type.startsWith("bytes")) return "0x" + "00".repeat(Number(p.type.slice(5)));
  return 0n;
}

/** Every state-changing function of `contract`'s ABI, by signature. */
function mutating(contract: BaseContract): string[] {
  const out: string[] = [];
  contract.interface.forEachFunction((f) => {
    if (f.stateMutability !== "view" && f.stateMutability !== "pure") out.push(f.format("sighash"));
  });
  return out;
}

/** Sends `signature` with placeholder arguments from `from`. */
async function sendWithPlaceholders(contract: BaseContract, signature: string, from: Signer) {
  const fragment = contract.interface.getFunction(signature)!;
  const data = contract.interface.encodeFunctionData(fragment, fragment.inputs.map(placeholder));
  return from.sendTransaction({ to: await contract.getAddress(), data });
}

async function beaconOf(f: Awaited<ReturnType<typeof fundedAssetFixture>>): Promise<UpgradeableBeacon> {
  return (await hre.ethers.getContractAt(
    "UpgradeableBeacon",
    await f.registry.shareTokenBeacon(),
  )) as unknown as UpgradeableBeacon;
}

/** Functions that stay open while the registry is stopped. */
const REGISTRY_OPEN: Record<string, string> = {
  "fundingSucceeded(uint256)": "records a sale the offering already decided (its finalise pays and releases)",
  "initialize()": "runs once, in the proxy's constructor",
  "pauseDomain(string)": "the stop itself",
  "unpauseDomain(uint256)": "the consortium's vote lifts the stop",
  "upgradeToAndCall(address,bytes)": "the consortium's vote may replace faulty code while stopped",
};

/** Functions that stay open while the offering is stopped: everything that returns money or ends a sale. */
const OFFERING_OPEN: Record<string, string> = {
  "cancel(uint256)": "calls off a sale before anyone paid",
  "finalise(uint256)": "decides a sale after its deadline; a failed sale's refunds need it",
  "refund(uint256)": "pays a failed sale's buyer back",
  "refundFor(uint256,address)": "pays a failed sale's buyer back (anyone books it)",
  "recoverRefund(uint256,address,address)": "carries a booked refund to the buyer's new wallet",
  "sweepToHolders(uint256)": "unreleased escrow becomes the holders' revenue after the timeout",
  "withdraw(uint256)": "pays the beneficiary milestones already approved",
  "initialize()": "runs once, in the proxy's constructor",
  "pauseDomain(string)": "the stop itself",
  "unpauseDomain(uint256)": "the consortium's vote lifts the stop",
  "upgradeToAndCall(address,bytes)": "the consortium's vote may replace faulty code while stopped",
};

/** Functions that stay open while the market is stopped. */
const MARKET_OPEN: Record<string, string> = {
  "cancel(uint256)": "returns a listing's locked shares to the seller",
  "withdrawFees(address)": "pays an operator the fees already earned",
  "initialize()": "runs once, in the proxy's constructor",
  "pauseDomain(string)": "the stop itself",
  "unpauseDomain(uint256)": "the consortium's vote lifts the stop",
  "upgradeToAndCall(address,bytes)": "the consortium's vote may replace faulty code while stopped",
};

/** Functions that stay open while the PPA is stopped. */
const PPA_OPEN: Record<string, string> = {
  "withdraw(address,uint32)": "an organisation withdraws its credit (rent, O&M) already earned",
  "initialize()": "runs once, in the proxy's constructor",
  "pauseDomain(string)": "the stop itself",
  "unpauseDomain(uint256)": "the consortium's vote lifts the stop",
  "upgradeToAndCall(address,bytes)": "the consortium's vote may replace faulty code while stopped",
};

/** Functions that stay open while the vending ledger is stopped (it holds no one's money to return). */
const VENDING_OPEN: Record<string, string> = {
  "initialize()": "runs once, in the proxy's constructor",
  "pauseDomain(string)": "the stop itself",
  "unpauseDomain(uint256)": "the consortium's vote lifts the stop",
  "upgradeToAndCall(address,bytes)": "the consortium's vote may replace faulty code while stopped",
};

/** Functions that stay open while a share token is stopped. */
const TOKEN_OPEN: Record<string, string> = {
  "claim(address)": "holders withdraw revenue already theirs",
  "burnOffered(address,uint256)": "refund of a failed sale (the offering pays the buyer back)",
  "unlockListing(address,uint256,uint256)": "cancelling a listing returns the escrowed shares to the seller",
  "releaseOffering(uint256)": "a succeeded sale's shares become their buyers' (finalise)",
  "closeFunding()": "the registry records the end of funding decided by a sale or the operator",
  "depositFromOffering(address,uint256)": "credits holders with money already paid into the token",
  "approve(address,uint256)": "records a permission only; every move it allows is refused",
  "pause()": "the agent's transfer stop is an emergency tool",
  "unpause()": "transfers stay refused by the domain stop anyway",
  "setFrozen(address,bool)": "freezing an account is an emergency tool",
  "recoverWallet(address,address)": "returns a holder's shares and revenue to the holder's new wallet",
  "initialize((uint256,uint32,string,string,uint256,address[],uint32))": "runs once, in the beacon proxy's constructor",
  "pauseDomain(string)": "the stop itself",
  "unpauseDomain(uint256)": "the consortium's vote lifts the stop",
};

describe("Assets upgrades and emergency stop", function () {
  it("keeps the registry's and the share token's state at their ERC-7201 slots", async function () {
    const f = await loadFixture(fundedAssetFixture);
    const registryBase = erc7201("citychain.storage.AssetRegistry");
    // RegistryStorage: deployer, offering, market, ppa, vending, assetCount (slot 5), ...
    const count = await hre.ethers.provider.getStorage(await f.registry.getAddress(), registryBase + 5n);
    expect(BigInt(count)).to.equal(await f.registry.assetCount());
    const offering = await hre.ethers.provider.getStorage(await f.registry.getAddress(), registryBase + 1n);
    expect(hre.ethers.getAddress("0x" + offering.slice(26))).to.equal(await f.offering.getAddress());
    const tokenBase = erc7201("citychain.storage.AssetShareToken");
    // ShareTokenStorage: config, paymentTokens[4] (slots 1-4), 4 mappings (5-8), assetId (slot 9).
    const assetId = await hre.ethers.provider.getStorage(await f.token.getAddress(), tokenBase + 9n);
    expect(BigInt(assetId)).to.equal(f.assetId);
    for (const [namespace, contract] of [
      ["citychain.storage.AssetOffering", f.offering],
      ["citychain.storage.AssetMarket", f.market],
    ] as const) {
      // First field of both: the offering / listing counter.
      const counter = await hre.ethers.provider.getStorage(await contract.getAddress(), erc7201(namespace));
      const expected = "offeringCount" in contract ? await contract.offeringCount() : await contract.listingCount();
      expect(BigInt(counter), namespace).to.equal(expected);
    }
    const firstPaymentToken = await hre.ethers.provider.getStorage(await f.token.getAddress(), tokenBase + 1n);
    expect(hre.ethers.getAddress("0x" + firstPaymentToken.slice(26))).to.equal(f.ceurAddr);
  });

  it("refuses a second initialize on the proxies and any initialize on the implementations", async function () {
    const f = await loadFixture(fundedAssetFixture);
    for (const [name, proxy] of [
      ["AssetRegistry", f.registry],
      ["AssetOffering", f.offering],
      ["AssetMarket", f.market],
    ] as const) {
      await expect(proxy.initialize()).to.be.revertedWithCustomError(proxy, "InvalidInitialization");
      const impl = await hre.ethers.getContractAt(name, await implementationOf(hre, await proxy.getAddress()));
      await expect(impl.initialize()).to.be.revertedWithCustomError(proxy, "InvalidInitialization");
    }
    const init = {
      assetId: 9,
      operatorOrg: 1,
      name: "X",
      symbol: "X",
      cap: 1,
      paymentTokens: [f.ceurAddr],
      gridOperatorOrg: 0,
    };
    await expect(f.token.connect(f.actors.outsider).initialize(init)).to.be.revertedWithCustomError(
      f.token,
      "InvalidInitialization",
    );
    const beacon = await beaconOf(f);
    const tokenImpl = (await hre.ethers.getContractAt(
      "AssetShareToken",
      await beacon.implementation(),
    )) as unknown as AssetShareToken;
    await expect(tokenImpl.initialize(init)).to.be.revertedWithCustomError(tokenImpl, "InvalidInitialization");
  });

  it("refuses upgradeToAndCall on registry, offering and market to everyone but the consortium, deployer and regulator included", async function () {
    const f = await loadFixture(fundedAssetFixture);
    const consortium = await f.consortium.getAddress();
    const registry = await f.registry.getAddress();
    const cases = [
      { contract: f.registry, next: await hre.ethers.deployContract("AssetRegistry", [consortium]) },
      { contract: f.offering, next: await hre.ethers.deployContract("AssetOffering", [consortium, registry]) },
      { contract: f.market, next: await hre.ethers.deployContract("AssetMarket", [consortium, registry]) },
    ];
    for (const { contract, next } of cases) {
      for (const who of [f.actors.deployer, f.actors.regulator, f.actors.assetOperator, f.actors.outsider]) {
        await expect(contract.connect(who).upgradeToAndCall(await next.getAddress(), "0x"))
          .to.be.revertedWithCustomError(contract, "AccessUpgradeNotVoted")
          .withArgs(who.address);
      }
    }
  });

  it("lets only a vote move the share tokens' beacon, and one move upgrades every asset's token", async function () {
    const f = await loadFixture(fundedAssetFixture);
    const beacon = await beaconOf(f);
    expect(await beacon.owner()).to.equal(await f.consortium.getAddress());
    const next = await hre.ethers.deployContract("AssetShareToken", [
      await f.consortium.getAddress(),
      await f.registry.getAddress(),
      await f.offering.getAddress(),
      await f.market.getAddress(),
    ]);
    for (const who of [f.actors.deployer, f.actors.regulator, f.actors.assetOperator]) {
      await expect(beacon.connect(who).upgradeTo(await next.getAddress()))
        .to.be.revertedWithCustomError(beacon, "OwnableUnauthorizedAccount")
        .withArgs(who.address);
    }
    const balance = await f.token.balanceOf(f.actors.investor1.address);
    await voteUpgrade(f, beacon, next);
    expect(await beacon.implementation()).to.equal(await next.getAddress());
    // State survives (it lives in the proxy) and the token runs the new code.
    expect(await f.token.balanceOf(f.actors.investor1.address)).to.equal(balance);
    expect(await f.token.assetId()).to.equal(f.assetId);
    await f.token.connect(f.actors.investor1).transfer(f.actors.investor2.address, 1n);
    expect(await f.token.balanceOf(f.actors.investor1.address)).to.equal(balance - 1n);
  });

  for (const which of ["registry", "offering", "market", "token"] as const) {
    describe(`${which} emergency stop`, function () {
      const load = async () => {
        const f = await loadFixture(fundedAssetFixture);
        const contract = { registry: f.registry, offering: f.offering, market: f.market, token: f.token }[which];
        const open = { registry: REGISTRY_OPEN, offering: OFFERING_OPEN, market: MARKET_OPEN, token: TOKEN_OPEN }[
          which
        ];
        return { f, contract, open };
      };

      it("refuses pauseDomain to outsiders and to members without REGULATOR", async function () {
        const { f, contract } = await load();
        for (const who of [f.actors.outsider, f.actors.assetOperator, f.actors.investor1]) {
          await expect(contract.connect(who).pauseDomain("no"))
            .to.be.revertedWithCustomError(contract, "AccessMissingRole")
            .withArgs(who.address, ROLES.REGULATOR);
        }
      });

      it("a regulator stops it: every function outside the open list refuses with AccessDomainPaused", async function () {
        const { f, contract, open } = await load();
        const orgId = f.orgIds.regulator;
        const at = (await time.latest()) + 100;
        await time.setNextBlockTimestamp(at);
        await expect(contract.connect(f.actors.regulator).pauseDomain("audit"))
          .to.emit(contract, "DomainPaused")
          .withArgs(f.actors.regulator.address, orgId, at, "audit");
        expect(await contract.domainPaused()).to.equal(true);
        const signatures = mutating(contract);
        for (const name of Object.keys(open)) expect(signatures, name).to.include(name);
        const refused = signatures.filter((s) => !(s in open));
        expect(refused.length).to.be.at.least(4);
        for (const signature of refused) {
          await expect(
            sendWithPlaceholders(contract, signature, f.actors.regulator),
            signature,
          ).to.be.revertedWithCustomError(contract, "AccessDomainPaused");
        }
        await expect(contract.connect(f.actors.regulator).pauseDomain("again"))
          .to.be.revertedWithCustomError(contract, "AccessPauseUnchanged")
          .withArgs(true);
      });

      it("only a vote of the members lifts the stop", async function () {
        const { f, contract } = await load();
        await contract.connect(f.actors.regulator).pauseDomain("audit");
        for (const who of [f.actors.regulator, f.actors.deployer, f.actors.outsider]) {
          await expect(contract.connect(who).unpauseDomain(1n))
            .to.be.revertedWithCustomError(contract, "AccessNotConsortium")
            .withArgs(who.address);
        }
        const proposalId = await voteUnpause(f, contract);
        const [lifted] = await contract.queryFilter(contract.filters.DomainUnpaused(proposalId));
        // the event's `at` (its second field; `args.at` is the array method)
        const [, at] = lifted.args;
        expect(at).to.equal((await lifted.getBlock()).timestamp);
        expect(await contract.domainPaused()).to.equal(false);
        // a second unpause is refused by the consortium before any vote
        await expect(f.consortium.connect(f.actors.regulator).proposeUnpause(await contract.getAddress()))
          .to.be.revertedWithCustomError(f.consortium, "ConsortiumDomainNotPaused")
          .withArgs(await contract.getAddress());
      });
    });
  }

  it("a stopped token still pays revenue claims and returns a cancelled listing's shares", async function () {
    const f = await loadFixture(fundedAssetFixture);
    await depositRevenue(hre, f.token, f.actors.gridOperator, f.ceurAddr, 2_000_00n, 1_000, "inv-1");
    const expiry = BigInt(await time.latest()) + 86_400n;
    await f.market.connect(f.actors.investor2).list(f.assetId, 100n, f.ceurAddr, 1_00n, expiry);
    const listingId = await f.market.listingCount();
    expect(await f.token.unlockedBalanceOf(f.actors.investor2.address)).to.equal(500n);
    await f.token.connect(f.actors.regulator).pauseDomain("audit");
    const owed = await f.token.claimableOf(f.actors.investor1.address, f.ceurAddr);
    expect(owed).to.equal(1_000_00n);
    await expect(f.token.connect(f.actors.investor1).claim(f.ceurAddr)).to.changeTokenBalances(
      f.ceur,
      [f.actors.investor1, f.token],
      [owed, -owed],
    );
    await f.market.connect(f.actors.investor2).cancel(listingId);
    expect(await f.token.unlockedBalanceOf(f.actors.investor2.address)).to.equal(600n);
    // While new moves of shares are refused.
    await expect(
      f.token.connect(f.actors.investor2).transfer(f.actors.investor3.address, 1n),
    ).to.be.revertedWithCustomError(f.token, "AccessDomainPaused");
  });

  describe("metered revenue (PPA, vending)", function () {
    it("keeps the PPA's and the vending ledger's state at their ERC-7201 slots", async function () {
      const f = await loadFixture(deployVendingFixture);
      const coder = hre.ethers.AbiCoder.defaultAbiCoder();
      // First field of both: the accepted terms per asset, whose first word is the meter / controller address.
      const cases = [
        { contract: f.ppa, namespace: "citychain.storage.AssetPPA", assetId: f.assetId, device: f.terms.meter },
        {
          contract: f.vending,
          namespace: "citychain.storage.AssetVending",
          assetId: f.vendingId,
          device: f.vterms.controller,
        },
      ];
      for (const c of cases) {
        const slot = hre.ethers.keccak256(coder.encode(["uint256", "uint256"], [c.assetId, erc7201(c.namespace)]));
        const word = await hre.ethers.provider.getStorage(await c.contract.getAddress(), slot);
        expect(hre.ethers.getAddress("0x" + word.slice(26)), c.namespace).to.equal(c.device);
      }
    });

    it("refuses a second initialize on the proxies, any initialize on the implementations, and unvoted upgrades", async function () {
      const f = await loadFixture(deployPpaFixture);
      const consortium = await f.consortium.getAddress();
      const args = [consortium, await f.registry.getAddress(), await f.devices.getAddress()];
      for (const [name, proxy] of [
        ["AssetPPA", f.ppa],
        ["AssetVending", f.vending],
      ] as const) {
        await expect(proxy.initialize()).to.be.revertedWithCustomError(proxy, "InvalidInitialization");
        const impl = await hre.ethers.getContractAt(name, await implementationOf(hre, await proxy.getAddress()));
        await expect(impl.initialize()).to.be.revertedWithCustomError(proxy, "InvalidInitialization");
        const next = await hre.ethers.deployContract(name, args);
        for (const who of [f.actors.deployer, f.actors.regulator, f.actors.assetOperator]) {
          await expect(proxy.connect(who).upgradeToAndCall(await next.getAddress(), "0x"))
            .to.be.revertedWithCustomError(proxy, "AccessUpgradeNotVoted")
            .withArgs(who.address);
        }
      }
    });

    for (const which of ["ppa", "vending"] as const) {
      it(`${which}: a regulator stops it, every function outside the open list refuses, only the consortium restarts it`, async function () {
        const f = await loadFixture(deployPpaFixture);
        const contract = which === "ppa" ? f.ppa : f.vending;
        const open = which === "ppa" ? PPA_OPEN : VENDING_OPEN;
        await expect(contract.connect(f.actors.investor1).pauseDomain("no"))
          .to.be.revertedWithCustomError(contract, "AccessMissingRole")
          .withArgs(f.actors.investor1.address, ROLES.REGULATOR);
        await expect(contract.connect(f.actors.regulator).pauseDomain("audit")).to.emit(contract, "DomainPaused");
        const signatures = mutating(contract);
        for (const name of Object.keys(open)) expect(signatures, name).to.include(name);
        const refused = signatures.filter((sig) => !(sig in open));
        expect(refused.length).to.be.at.least(4);
        for (const signature of refused) {
          await expect(
            sendWithPlaceholders(contract, signature, f.actors.regulator),
            signature,
          ).to.be.revertedWithCustomError(contract, "AccessDomainPaused");
        }
        await expect(contract.connect(f.actors.regulator).unpauseDomain(1n))
          .to.be.revertedWithCustomError(contract, "AccessNotConsortium")
          .withArgs(f.actors.regulator.address);
        await voteUnpause(f, contract);
        expect(await contract.domainPaused()).to.equal(false);
      });
    }

    it("a stopped PPA still pays the credits already earned", async function () {
      const f = await loadFixture(deployPpaFixture);
      const meter = new MeterSimulator(f.meterKey, f.meter.domain);
      const generation = solarDay({ capacityW: Number(CAPACITY_W), dayOfYear: 172, seed: 1, cloudiness: 0.2 });
      const signed = await meter.sign(f.assetId, f.start, generation);
      await time.increaseTo(f.start + 95 * QUARTER_HOUR);
      await f.ppa.connect(f.actors.outsider).settle(signed.batch, signed.signature);
      const rent = await f.ppa.credit(f.ceurAddr, f.orgIds.hospital);
      expect(rent).to.be.greaterThan(0n);
      await f.ppa.connect(f.actors.regulator).pauseDomain("audit");
      await expect(f.ppa.connect(f.actors.hospital).withdraw(f.ceurAddr, f.orgIds.hospital)).to.changeTokenBalance(
        f.ceur,
        f.actors.hospital,
        rent,
      );
    });
  });
});
