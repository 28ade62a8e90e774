import { SingleBar, Presets } from "cli-progress";
import { Wallet } from "ethers";
import type { AssetsBenchPopulator, SettlementToken } from "../../typechain-types";
import { BenchRow, BenchSuite, gasOf } from "./harness";
import { formCity } from "../city";
import { documentHash } from "../consortium";
import { deployAssets, registerAsset } from "../assets";
import { deployDeviceRegistry } from "../coldchain";
import { DEVICE_KIND, DeviceSimulator, digestOf, registryDomain } from "../telemetry";
import { MeterSimulator, QUARTER_HOUR, deployMetering, ppaDomain, solarDay, vendingDomain } from "../ppa";

const BIG_HOLDERS = 10_000;
const ADMIT_CHUNK = 120;
const ISSUE_CHUNK = 300;
const DAY = 86_400;
/** A 1 MWp plant: a day's holders' part exceeds one cent per share even with 10,000 holders. */
const CAPACITY_W = 1_000_000;

/**
 * Metered revenue (issue 20): settling one day of a solar plant's meter (96 signed quarter-hour register readings,
 * the grid's payment pulled from its allowance, the waterfall rent → O&M → holders) with 10 and 10,000 holders,
 * against the manual path it replaces (the grid operator deposits the holders' part and makes three transfers:
 * rent, O&M, and its own payment into a pooling account); and reconciling a vending controller's daily sales batch.
 */
export const suite: BenchSuite = {
  name: "ppa",
  async run(hre) {
    const { consortium, actors, orgIds } = await formCity(hre);
    const { ethers } = hre;
    const consortiumAddr = await consortium.getAddress();
    const ceur = (await ethers.deployContract("SettlementToken", [
      "City EUR",
      "cEUR",
      2,
      actors.deployer.address,
    ])) as unknown as SettlementToken;
    const ceurAddr = await ceur.getAddress();
    for (const who of [actors.gridOperator, actors.assetOperator]) {
      await (await ceur.mint(who.address, 100_000_000_00n)).wait();
    }
    const system = await deployAssets(hre, consortium, actors.deployer);
    const devices = await deployDeviceRegistry(hre, consortiumAddr, actors.deployer);
    const { chainId } = await ethers.provider.getNetwork();
    const devDomain = registryDomain(chainId, await devices.getAddress());
    const meterFw = digestOf("bench-meter-fw");
    const ctlFw = digestOf("bench-vending-fw");
    await (await devices.connect(actors.deviceManager).setFirmware(meterFw, DEVICE_KIND.PowerMeter, 1, true)).wait();
    await (
      await devices.connect(actors.deviceManager).setFirmware(ctlFw, DEVICE_KIND.VendingController, 1, true)
    ).wait();
    const register = async (key: Wallet, kind: number) => {
      const now = (await ethers.provider.getBlock("latest"))!.timestamp;
      const { registration, signature } = await new DeviceSimulator(key, devDomain).signRegistration({
        kind,
        ownerOrg: orgIds.assetOperator,
        managerOrg: orgIds.deviceManager,
        firmware: kind === DEVICE_KIND.PowerMeter ? meterFw : ctlFw,
        calibratedUntil: now + 365 * DAY,
        metadataHash: documentHash(`bench device ${key.address}`),
        deadline: now + 3600,
      });
      await (await devices.connect(actors.deviceManager).registerDevice(registration, signature)).wait();
    };
    const { ppa, vending } = await deployMetering(hre, system.registry, await devices.getAddress(), actors.deployer);
    const ppaAddr = await ppa.getAddress();
    await (await ceur.connect(actors.gridOperator).approve(ppaAddr, ethers.MaxUint256)).wait();
    await (await ceur.connect(actors.assetOperator).approve(await vending.getAddress(), ethers.MaxUint256)).wait();

    const populatorFactory = await ethers.getContractFactory("AssetsBenchPopulator");
    const admitter = (await populatorFactory.deploy()) as unknown as AssetsBenchPopulator;
    const issuer = (await populatorFactory.deploy()) as unknown as AssetsBenchPopulator;
    await (await consortium.connect(actors.kyc).addAccount(await admitter.getAddress())).wait();
    await (await consortium.connect(actors.assetOperator).addAccount(await issuer.getAddress())).wait();

    /** A solar asset in Construction with its own bound meter, `holders` holders and an accepted PPA. */
    const plant = async (n: number, holders: number, from: number) => {
      const key = new Wallet(ethers.zeroPadValue(ethers.toBeHex(0xbe000 + n), 32));
      await register(key, DEVICE_KIND.PowerMeter);
      const { assetId, token } = await registerAsset(hre, system.registry, actors.assetOperator, {
        kind: "Solar",
        documents: `bench plant ${n}`,
        name: `Bench Plant ${n}`,
        symbol: `BP${n}`,
        cap: 1_000_000n,
        paymentTokens: [ceurAddr],
        devices: [key.address],
        gridOperatorOrg: orgIds.gridOperator,
      });
      await (await system.registry.connect(actors.assetOperator).setStatus(assetId, 2)).wait();
      const bar = new SingleBar(
        { format: `  ${holders} KYC'd holders {bar} {value}/{total} ({stage})`, clearOnComplete: true },
        Presets.shades_classic,
      );
      bar.start(holders * 2, 0, { stage: "admit" });
      for (let i = from; i < from + holders; i += ADMIT_CHUNK) {
        const c = Math.min(ADMIT_CHUNK, from + holders - i);
        await gasOf(admitter.admit(consortiumAddr, i, c, { gasLimit: 29_000_000 }));
        bar.update(i - from + c, { stage: "admit" });
      }
      for (let i = from; i < from + holders; i += ISSUE_CHUNK) {
        const c = Math.min(ISSUE_CHUNK, from + holders - i);
        await gasOf(issuer.issue(await token.getAddress(), i, c, 1, { gasLimit: 29_000_000 }));
        bar.update(holders + i - from + c, { stage: "issue" });
      }
      bar.stop();
      const terms = {
        meter: key.address,
        paymentToken: ceurAddr,
        payer: actors.gridOperator.address,
        gridOrg: orgIds.gridOperator,
        propertyOrg: orgIds.hospital,
        period: DAY,
        capacityW: CAPACITY_W,
        tariff: 12n,
        rentPerKWh: 0n,
        rentBps: 1_000,
        omBps: 500,
        openingRegister: 0n,
      };
      await (await ppa.connect(actors.assetOperator).propose(assetId, terms)).wait();
      await (await ppa.connect(actors.gridOperator).accept(assetId, terms)).wait();
      return { assetId, token, meter: new MeterSimulator(key, ppaDomain(chainId, ppaAddr)) };
    };
    const small = await plant(1, 10, 0);
    const big = await plant(2, BIG_HOLDERS, 10);
    if ((await big.token.totalSupply()) !== BigInt(BIG_HOLDERS)) throw new Error("bench: 10,000 holders missing");

    /** Settles day `d` of a plant and returns the gas (the first day creates the credit slots). */
    const settleDay = async (p: typeof small, d: number, start: number) => {
      const signed = await p.meter.sign(
        p.assetId,
        start,
        solarDay({ capacityW: CAPACITY_W, dayOfYear: 172 + d, seed: d }),
      );
      await hre.network.provider.send("evm_setNextBlockTimestamp", [start + 95 * QUARTER_HOUR + 10]);
      const gas = await gasOf(ppa.connect(actors.outsider).settle(signed.batch, signed.signature));
      // The row must include the deposit to the holders (no dust carried) and a full payment (no arrears).
      const account = await ppa.account(p.assetId);
      if (account.dust !== 0n || (await ppa.arrears(p.assetId)) !== 0n) throw new Error("bench: settlement not full");
      return gas;
    };
    const t0 = (await ethers.provider.getBlock("latest"))!.timestamp + 60;
    await settleDay(small, 0, t0);
    await settleDay(big, 0, t0 + 95 * QUARTER_HOUR + 20);
    const t1 = t0 + DAY;
    const settle10 = await settleDay(small, 1, t1);
    const settle10k = await settleDay(big, 1, t1 + 95 * QUARTER_HOUR + 20);

    // --- baseline: the grid operator deposits the holders' part itself and makes three transfers -----------
    await (await ceur.connect(actors.gridOperator).approve(await small.token.getAddress(), ethers.MaxUint256)).wait();
    await gasOf(small.token.connect(actors.gridOperator).deposit(ceurAddr, 100_00n, 800, documentHash("warm")));
    const manualDeposit = await gasOf(
      small.token.connect(actors.gridOperator).deposit(ceurAddr, 100_00n, 800, documentHash("manual")),
    );
    let transfers = 0;
    for (const to of [actors.hospital, actors.assetOperator, actors.deployer]) {
      transfers += await gasOf(ceur.connect(actors.gridOperator).transfer(to.address, 10_00n));
    }
    const manual = manualDeposit + transfers;

    // --- vending: a controller's daily batch of 24 hourly sales counters -------------------------------------
    const ctlKey = new Wallet(ethers.zeroPadValue(ethers.toBeHex(0xbe0ff), 32));
    await register(ctlKey, DEVICE_KIND.VendingController);
    const fleet = await registerAsset(hre, system.registry, actors.assetOperator, {
      kind: "Vending",
      documents: "bench fleet",
      name: "Bench Fleet",
      symbol: "BFLT",
      cap: 1_000_000n,
      paymentTokens: [ceurAddr],
      devices: [ctlKey.address],
    });
    await (await system.registry.connect(actors.assetOperator).setStatus(fleet.assetId, 2)).wait();
    await gasOf(issuer.issue(await fleet.token.getAddress(), 0, 10, 10));
    const vterms = { controller: ctlKey.address, paymentToken: ceurAddr, costShareBps: 3_000, period: DAY };
    await (await vending.connect(actors.assetOperator).propose(fleet.assetId, vterms)).wait();
    await (await vending.connect(actors.regulator).accept(fleet.assetId, vterms)).wait();
    const ctl = new MeterSimulator(ctlKey, vendingDomain(chainId, await vending.getAddress()));
    const reconcileDay = async (start: number) => {
      const signed = await ctl.sign(fleet.assetId, start, Array(24).fill(1_250), 3600);
      await hre.network.provider.send("evm_setNextBlockTimestamp", [start + 23 * 3600 + 10]);
      return gasOf(vending.connect(actors.outsider).reconcile(signed.batch, signed.signature));
    };
    const v0 = (await ethers.provider.getBlock("latest"))!.timestamp + 60;
    await reconcileDay(v0);
    const reconcile = await reconcileDay(v0 + DAY);

    return [
      {
        name: "assets: settle a solar day (96 signed readings, grid pull, waterfall), 10 holders (baseline: manual deposit + 3 transfers)",
        gas: settle10,
        target: 250_000,
        baseline: manual,
      },
      {
        name: "assets: settle a solar day (96 signed readings, grid pull, waterfall), 10,000 holders (baseline: manual deposit + 3 transfers)",
        gas: settle10k,
        target: 250_000,
        baseline: manual,
      },
      {
        name: "assets: reconcile a vending controller's daily sales batch (24 signed counters)",
        gas: reconcile,
        target: 150_000,
        baseline: null,
      },
    ] satisfies BenchRow[];
  },
};
