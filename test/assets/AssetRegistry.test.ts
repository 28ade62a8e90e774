import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployAssetsFixture, fundedAssetFixture, termsFor } from "../fixtures/assets";
import { ASSET_KIND, openOffering } from "../../src/assets";
import { documentHash } from "../../src/consortium";
import { ROLES } from "../../src/roles";
import { deployProxied } from "../../src/deploy/proxy";
import type { AssetRegistry } from "../../typechain-types";

/** A registry proxy not yet bound to an offering, market and beacon, deployed by the fixture's deployer. */
async function freshRegistry(f: Awaited<ReturnType<typeof deployAssetsFixture>>): Promise<AssetRegistry> {
  const deployed = await deployProxied<AssetRegistry>(
    hre,
    "AssetRegistry",
    [await f.consortium.getAddress()],
    [],
    f.actors.deployer,
  );
  return deployed.contract;
}

const STATUS = { None: 0, Funding: 1, Construction: 2, Operating: 3, Decommissioned: 4 };

describe("AssetRegistry", function () {
  it("registers an asset with its kind, documents, operator, devices and share token", async function () {
    const f = await loadFixture(deployAssetsFixture);
    const a = await f.registry.asset(f.assetId);
    expect(a.kind).to.equal(ASSET_KIND.Solar);
    expect(a.status).to.equal(STATUS.Funding);
    expect(a.operatorOrg).to.equal(f.orgIds.assetOperator);
    expect(a.metadataHash).to.equal(documentHash("Rooftop PV, Harbour school, 250 kWp"));
    expect(await f.registry.devicesOf(f.assetId)).to.deep.equal([f.meter]);
    expect(await f.registry.assetOfToken(a.shareToken)).to.equal(f.assetId);
    expect(await f.registry.assetCount()).to.equal(1);
    expect(await f.token.name()).to.equal("Harbour Solar Shares");
    expect(await f.token.symbol()).to.equal("HSOL");
    expect(await f.token.decimals()).to.equal(0);
    expect(await f.token.cap()).to.equal(10_000);
    expect(await f.token.assetId()).to.equal(f.assetId);
    expect(await f.token.operatorOrg()).to.equal(f.orgIds.assetOperator);
    expect(await f.token.paymentTokens()).to.deep.equal([await f.ceur.getAddress(), await f.usdc.getAddress()]);
    expect(await f.registry.offering()).to.equal(await f.offering.getAddress());
    expect(await f.registry.market()).to.equal(await f.market.getAddress());
  });

  it("emits AssetRegistered and AssetDevicesChanged", async function () {
    const f = await loadFixture(deployAssetsFixture);
    const devices = [hre.ethers.Wallet.createRandom().address];
    const tx = f.registry.connect(f.actors.assetOperator).register({
      kind: ASSET_KIND.Vending,
      metadataHash: documentHash("vending"),
      name: "Vend",
      symbol: "VND",
      cap: 500,
      paymentTokens: [await f.ceur.getAddress()],
      devices,
      gridOperatorOrg: 0,
    });
    await expect(tx)
      .to.emit(f.registry, "AssetRegistered")
      .withArgs(
        2,
        ASSET_KIND.Vending,
        f.orgIds.assetOperator,
        (t: string) => hre.ethers.isAddress(t),
        documentHash("vending"),
        500,
      );
    await expect(tx).to.emit(f.registry, "AssetDevicesChanged").withArgs(2, devices);
  });

  it("refuses bad registrations with exact errors", async function () {
    const f = await loadFixture(deployAssetsFixture);
    const ceur = await f.ceur.getAddress();
    const base = {
      kind: ASSET_KIND.Other,
      metadataHash: documentHash("x"),
      name: "X",
      symbol: "X",
      cap: 100,
      paymentTokens: [ceur],
      devices: [] as string[],
      gridOperatorOrg: 0,
    };
    const op = f.registry.connect(f.actors.assetOperator);
    const token = await hre.ethers.getContractAt("AssetShareToken", await f.token.getAddress());
    await expect(op.register({ ...base, cap: 0 }))
      .to.be.revertedWithCustomError(token, "ShareCapExceeded")
      .withArgs(0, 0, 2n ** 64n);
    await expect(op.register({ ...base, cap: 2n ** 64n + 1n }))
      .to.be.revertedWithCustomError(token, "ShareCapExceeded")
      .withArgs(0, 2n ** 64n + 1n, 2n ** 64n);
    await expect(op.register({ ...base, paymentTokens: [] }))
      .to.be.revertedWithCustomError(token, "RevenueInvalidPaymentToken")
      .withArgs(hre.ethers.ZeroAddress);
    await expect(op.register({ ...base, paymentTokens: [ceur, ceur] }))
      .to.be.revertedWithCustomError(token, "RevenueInvalidPaymentToken")
      .withArgs(ceur);
    const five = Array.from({ length: 5 }, () => hre.ethers.Wallet.createRandom().address);
    await expect(op.register({ ...base, paymentTokens: five }))
      .to.be.revertedWithCustomError(token, "RevenueInvalidPaymentToken")
      .withArgs(five[4]);
    const d = hre.ethers.Wallet.createRandom().address;
    await expect(op.register({ ...base, devices: [d, d] }))
      .to.be.revertedWithCustomError(f.registry, "AssetInvalidDevices")
      .withArgs(2, 2);
    await expect(op.register({ ...base, devices: [hre.ethers.ZeroAddress] }))
      .to.be.revertedWithCustomError(f.registry, "AssetInvalidDevices")
      .withArgs(2, 1);
    const many = Array.from({ length: 33 }, () => hre.ethers.Wallet.createRandom().address);
    await expect(op.register({ ...base, devices: many }))
      .to.be.revertedWithCustomError(f.registry, "AssetInvalidDevices")
      .withArgs(2, 33);
  });

  it("binds the system once, by the deployer, with distinct non-zero contracts, before registrations", async function () {
    const f = await loadFixture(deployAssetsFixture);
    const beacon = await f.registry.shareTokenBeacon();
    await expect(
      f.registry.connect(f.actors.deployer).initialise(f.actors.outsider.address, f.actors.outsider2.address, beacon),
    )
      .to.be.revertedWithCustomError(f.registry, "AssetSystemNotReady")
      .withArgs(f.actors.deployer.address);
    const fresh = await freshRegistry(f);
    await expect(
      fresh.connect(f.actors.outsider).initialise(f.actors.outsider.address, f.actors.outsider2.address, beacon),
    )
      .to.be.revertedWithCustomError(fresh, "AssetSystemNotReady")
      .withArgs(f.actors.outsider.address);
    await expect(fresh.initialise(hre.ethers.ZeroAddress, f.actors.outsider2.address, beacon))
      .to.be.revertedWithCustomError(fresh, "AssetInvalidSystem")
      .withArgs(hre.ethers.ZeroAddress, f.actors.outsider2.address);
    await expect(fresh.initialise(f.actors.outsider.address, hre.ethers.ZeroAddress, beacon))
      .to.be.revertedWithCustomError(fresh, "AssetInvalidSystem")
      .withArgs(f.actors.outsider.address, hre.ethers.ZeroAddress);
    await expect(fresh.initialise(f.actors.outsider.address, f.actors.outsider.address, beacon))
      .to.be.revertedWithCustomError(fresh, "AssetInvalidSystem")
      .withArgs(f.actors.outsider.address, f.actors.outsider.address);
    // The share tokens' beacon must be a contract.
    await expect(fresh.initialise(f.actors.outsider.address, f.actors.outsider2.address, f.actors.investor1.address))
      .to.be.revertedWithCustomError(fresh, "AssetInvalidSystem")
      .withArgs(f.actors.outsider.address, f.actors.investor1.address);
    await expect(
      fresh.connect(f.actors.assetOperator).register({
        kind: 0,
        metadataHash: documentHash("x"),
        name: "X",
        symbol: "X",
        cap: 1,
        paymentTokens: [await f.ceur.getAddress()],
        devices: [],
        gridOperatorOrg: 0,
      }),
    )
      .to.be.revertedWithCustomError(fresh, "AssetSystemNotReady")
      .withArgs(f.actors.assetOperator.address);
    await expect(fresh.initialise(f.actors.outsider.address, f.actors.outsider2.address, beacon))
      .to.emit(fresh, "AssetSystemInitialised")
      .withArgs(f.actors.outsider.address, f.actors.outsider2.address);
    expect(await fresh.shareTokenBeacon()).to.equal(beacon);
  });

  it("binds the metering contracts once, by the deployer, after initialisation, with distinct non-zero addresses", async function () {
    const f = await loadFixture(deployAssetsFixture);
    const ppa = f.actors.outsider.address;
    const vending = f.actors.outsider2.address;
    const fresh = await freshRegistry(f);
    // Not initialised yet: no offering bound.
    await expect(fresh.bindMetering(ppa, vending))
      .to.be.revertedWithCustomError(fresh, "AssetSystemNotReady")
      .withArgs(f.actors.deployer.address);
    await expect(f.registry.connect(f.actors.outsider).bindMetering(ppa, vending))
      .to.be.revertedWithCustomError(f.registry, "AssetSystemNotReady")
      .withArgs(f.actors.outsider.address);
    const deployer = f.registry.connect(f.actors.deployer);
    const bad: [string, string][] = [
      [hre.ethers.ZeroAddress, vending],
      [ppa, hre.ethers.ZeroAddress],
      [ppa, ppa],
    ];
    for (const [p, v] of bad) {
      await expect(deployer.bindMetering(p, v))
        .to.be.revertedWithCustomError(f.registry, "AssetInvalidSystem")
        .withArgs(p, v);
    }
    expect(await f.registry.isMeteredDepositor(ppa)).to.equal(false);
    expect(await f.registry.isMeteredDepositor(hre.ethers.ZeroAddress)).to.equal(false);
    await expect(deployer.bindMetering(ppa, vending)).to.emit(f.registry, "AssetMeteringBound").withArgs(ppa, vending);
    expect(await f.registry.isMeteredDepositor(ppa)).to.equal(true);
    expect(await f.registry.isMeteredDepositor(vending)).to.equal(true);
    expect(await f.registry.isMeteredDepositor(f.actors.investor1.address)).to.equal(false);
    // Once only.
    await expect(deployer.bindMetering(f.actors.investor1.address, f.actors.investor2.address))
      .to.be.revertedWithCustomError(f.registry, "AssetSystemNotReady")
      .withArgs(f.actors.deployer.address);
    expect(await f.registry.isMeteredDepositor(f.actors.investor1.address)).to.equal(false);
  });

  it("walks the lifecycle funding → construction → operating → decommissioned and refuses other moves", async function () {
    const f = await loadFixture(deployAssetsFixture);
    const op = f.registry.connect(f.actors.assetOperator);
    await expect(op.setStatus(f.assetId, STATUS.Operating))
      .to.be.revertedWithCustomError(f.registry, "AssetInvalidStatusChange")
      .withArgs(f.assetId, STATUS.Funding, STATUS.Operating);
    await expect(op.setStatus(f.assetId, STATUS.Construction))
      .to.emit(f.registry, "AssetStatusChanged")
      .withArgs(f.assetId, STATUS.Funding, STATUS.Construction, f.actors.assetOperator.address)
      .and.to.emit(f.token, "FundingClosed");
    expect(await f.token.fundingClosed()).to.equal(true);
    await expect(op.setStatus(f.assetId, STATUS.Funding))
      .to.be.revertedWithCustomError(f.registry, "AssetInvalidStatusChange")
      .withArgs(f.assetId, STATUS.Construction, STATUS.Funding);
    await op.setStatus(f.assetId, STATUS.Operating);
    await expect(op.setStatus(f.assetId, STATUS.Construction))
      .to.be.revertedWithCustomError(f.registry, "AssetInvalidStatusChange")
      .withArgs(f.assetId, STATUS.Operating, STATUS.Construction);
    await op.setStatus(f.assetId, STATUS.Decommissioned);
    await expect(op.setStatus(f.assetId, STATUS.Operating))
      .to.be.revertedWithCustomError(f.registry, "AssetInvalidStatusChange")
      .withArgs(f.assetId, STATUS.Decommissioned, STATUS.Operating);
    expect((await f.registry.asset(f.assetId)).status).to.equal(STATUS.Decommissioned);
  });

  it("decommissions straight from construction (abandoned project)", async function () {
    const f = await loadFixture(fundedAssetFixture);
    expect((await f.registry.asset(f.assetId)).status).to.equal(STATUS.Construction);
    await f.registry.connect(f.actors.assetOperator).setStatus(f.assetId, STATUS.Decommissioned);
    expect((await f.registry.asset(f.assetId)).status).to.equal(STATUS.Decommissioned);
  });

  it("refuses to leave funding while an offering is live", async function () {
    const f = await loadFixture(deployAssetsFixture);
    const id = await openOffering(f.offering, f.actors.assetOperator, await termsFor(f));
    await expect(f.registry.connect(f.actors.assetOperator).setStatus(f.assetId, STATUS.Construction))
      .to.be.revertedWithCustomError(f.registry, "AssetOfferingLive")
      .withArgs(f.assetId, id);
  });

  it("lets the operator change documents, devices and payment tokens", async function () {
    const f = await loadFixture(deployAssetsFixture);
    const op = f.registry.connect(f.actors.assetOperator);
    const old = (await f.registry.asset(f.assetId)).metadataHash;
    await expect(op.setMetadata(f.assetId, documentHash("v2")))
      .to.emit(f.registry, "AssetMetadataChanged")
      .withArgs(f.assetId, old, documentHash("v2"));
    const devices = [hre.ethers.Wallet.createRandom().address, hre.ethers.Wallet.createRandom().address];
    await expect(op.setDevices(f.assetId, devices))
      .to.emit(f.registry, "AssetDevicesChanged")
      .withArgs(f.assetId, devices);
    expect(await f.registry.devicesOf(f.assetId)).to.deep.equal(devices);
    const extra = hre.ethers.Wallet.createRandom().address;
    await expect(op.addPaymentToken(f.assetId, extra))
      .to.emit(f.registry, "AssetPaymentTokenAdded")
      .withArgs(f.assetId, extra)
      .and.to.emit(f.token, "PaymentTokenAccepted")
      .withArgs(extra);
    await expect(op.addPaymentToken(f.assetId, extra))
      .to.be.revertedWithCustomError(f.token, "RevenueInvalidPaymentToken")
      .withArgs(extra);
  });

  it("refuses unknown assets and other organisations' assets", async function () {
    const f = await loadFixture(deployAssetsFixture);
    await expect(f.registry.asset(99)).to.be.revertedWithCustomError(f.registry, "AssetUnknown").withArgs(99);
    await expect(f.registry.devicesOf(99)).to.be.revertedWithCustomError(f.registry, "AssetUnknown").withArgs(99);
    await expect(f.registry.connect(f.actors.assetOperator).setMetadata(99, documentHash("x")))
      .to.be.revertedWithCustomError(f.registry, "AssetUnknown")
      .withArgs(99);
    // an account without the operator organisation cannot touch City Assets Co's asset
    await f.consortium.connect(f.actors.kyc).admitPerson(f.actors.outsider2.address, ROLES.INVESTOR, documentHash("k"));
    await expect(f.registry.connect(f.actors.outsider2).setMetadata(f.assetId, documentHash("x")))
      .to.be.revertedWithCustomError(f.registry, "AssetNotOperator")
      .withArgs(f.assetId, f.actors.outsider2.address);
    await expect(f.registry.connect(f.actors.outsider).fundingSucceeded(f.assetId))
      .to.be.revertedWithCustomError(f.registry, "AssetNotOffering")
      .withArgs(f.actors.outsider.address);
  });

  it("keeps the lifecycle moving after a cancelled sale", async function () {
    const f = await loadFixture(deployAssetsFixture);
    const id = await openOffering(f.offering, f.actors.assetOperator, await termsFor(f));
    await f.offering.connect(f.actors.assetOperator).cancel(id);
    await time.increase(10);
    await f.registry.connect(f.actors.assetOperator).setStatus(f.assetId, STATUS.Construction);
    expect((await f.registry.asset(f.assetId)).status).to.equal(STATUS.Construction);
  });
});
