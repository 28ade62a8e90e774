import { type BaseWallet, Wallet } from "ethers";
import type { DeviceRegistry, SettlementToken } from "../../../typechain-types";
import { type AssetsSystem, deployAssets, registerAsset } from "../../assets";
import { deployDeviceRegistry } from "../../coldchain";
import { deployPaymentToken } from "../../medical";
import {
  MeterSimulator,
  deployMetering,
  packRegisters,
  ppaDomain,
  settleBatch,
  solarDay,
  vendingDomain,
} from "../../ppa";
import { DEVICE_KIND, DeviceSimulator, digestOf, registryDomain } from "../../telemetry";
import { textHash } from "../../supplychain";
import { printTable, short } from "../../table";
import { DemoChapter, refusal, requireCity, say } from "../context";

const EUR = (cents: bigint) => `€${(Number(cents) / 100).toLocaleString("en-GB", { minimumFractionDigits: 2 })}`;
const CAPACITY_W = 250_000;

/**
 * Metered revenue (issue 20): a rooftop plant's own meter settles the grid's payment under a PPA, the money splits
 * itself between the landlord, the operator and the investors; a tampered reading is refused; a vending fleet's
 * signed sales are reconciled against the operator's deposits and a shortfall shows as an arrear until deposited.
 * On a sealed chain the quarter hours and days shrink to seconds (the energy of each step shrinks with them).
 */
export const chapter: DemoChapter = {
  title: "Metered revenue: a PPA settled by the plant's meter, a waterfall, a vending fleet reconciled",
  async run(ctx) {
    const { hre, clock } = ctx;
    const { consortium, actors, orgIds } = requireCity(ctx);
    const { assetOperator, gridOperator, regulator, deviceManager, hospital, investor1, investor2, investor3 } = actors;
    let ceur = ctx.system.settlementToken as SettlementToken | undefined;
    if (!ceur) {
      ceur = await deployPaymentToken(hre, actors.deployer);
      ctx.system.settlementToken = ceur;
    }
    const ceurAddr = await ceur.getAddress();
    const bank = await hre.ethers.getSigner(await ceur.owner());
    for (const who of [gridOperator, assetOperator])
      await (await ceur.connect(bank).mint(who.address, 100_000_00n)).wait();
    let assets = ctx.system.assets as AssetsSystem | undefined;
    if (!assets) {
      assets = await deployAssets(hre, consortium, actors.deployer);
      ctx.system.assets = assets;
    }
    let devices = ctx.system.deviceRegistry as DeviceRegistry | undefined;
    if (!devices) {
      devices = await deployDeviceRegistry(hre, await consortium.getAddress(), actors.deployer);
      await devices.waitForDeployment();
      ctx.system.deviceRegistry = devices;
    }
    const { chainId } = await hre.ethers.provider.getNetwork();
    const { ppa, vending } = await deployMetering(hre, assets.registry, await devices.getAddress(), actors.deployer);
    say(
      `PPA ${short(await ppa.getAddress())} and vending ledger ${short(await vending.getAddress())} bound to the asset registry`,
    );

    // --- devices: a power meter and a vending controller, each proving its key ---------------------------------
    const meterFw = digestOf("sunmeter-fw-3.1.0");
    const ctlFw = digestOf("vendctl-fw-1.2.0");
    await (await devices.connect(deviceManager).setFirmware(meterFw, DEVICE_KIND.PowerMeter, 31, true)).wait();
    await (await devices.connect(deviceManager).setFirmware(ctlFw, DEVICE_KIND.VendingController, 12, true)).wait();
    const devDomain = registryDomain(chainId, await devices.getAddress());
    const enrol = async (key: BaseWallet, kind: number, firmware: string, label: string) => {
      const t = await clock.now();
      const { registration, signature } = await new DeviceSimulator(key, devDomain).signRegistration({
        kind,
        ownerOrg: orgIds.assetOperator,
        managerOrg: orgIds.deviceManager,
        firmware,
        calibratedUntil: t + 365 * 86_400,
        metadataHash: textHash(label),
        deadline: t + 600,
      });
      await (await devices.connect(deviceManager).registerDevice(registration, signature)).wait();
    };
    const meterKey = Wallet.createRandom();
    const ctlKey = Wallet.createRandom();
    await enrol(meterKey, DEVICE_KIND.PowerMeter, meterFw, "SunMeter M3, Market Hall roof");
    await enrol(ctlKey, DEVICE_KIND.VendingController, ctlFw, "VendCtl fleet controller, central station");
    say(
      `Metro IoT Operations registered a power meter ${short(meterKey.address)} and a vending controller ${short(ctlKey.address)}`,
    );

    // --- the plant and its PPA ---------------------------------------------------------------------------------
    const plant = await registerAsset(hre, assets.registry, assetOperator, {
      kind: "Solar",
      documents: "Market Hall rooftop PV, 250 kWp, roof of Northside Hospital's annex",
      name: "Market Hall Solar",
      symbol: "MSOL",
      cap: 1_000n,
      paymentTokens: [ceurAddr],
      devices: [meterKey.address],
      gridOperatorOrg: orgIds.gridOperator,
    });
    await (await assets.registry.connect(assetOperator).setStatus(plant.assetId, 2)).wait();
    for (const [who, n] of [
      [investor1, 500n],
      [investor2, 300n],
      [investor3, 200n],
    ] as const) {
      await (await plant.token.connect(assetOperator).issue(who.address, n)).wait();
    }
    // Built and connected: the plant is in operation before its meter settles anything.
    await (await assets.registry.connect(assetOperator).setStatus(plant.assetId, 3)).wait();
    // One reading per quarter hour; on a sealed chain, whose clock runs in real time, one per hour of the day, a
    // second apart (24 a day), so a week passes in minutes. There an hour of generation arrives in one chain second,
    // so the capacity bound of the terms is scaled by the same factor (3,600): the energy and money are real-sized.
    const interval = clock.span(900, 1);
    const quartersPerReading = clock.live ? 4 : 1;
    const timeScale = (900 * quartersPerReading) / interval;
    const terms = {
      meter: meterKey.address,
      paymentToken: ceurAddr,
      payer: gridOperator.address,
      gridOrg: orgIds.gridOperator,
      propertyOrg: orgIds.hospital,
      period: 86_400,
      capacityW: CAPACITY_W * timeScale,
      tariff: 12n,
      rentPerKWh: 0n,
      rentBps: 1_000,
      omBps: 500,
      openingRegister: 0n,
    };
    await (await ppa.connect(assetOperator).propose(plant.assetId, terms)).wait();
    await (await ppa.connect(gridOperator).accept(plant.assetId, terms)).wait();
    await (await ceur.connect(gridOperator).approve(await ppa.getAddress(), hre.ethers.MaxUint256)).wait();
    say(
      `City Assets Co proposed and SunGrid Utility accepted a PPA for asset ${plant.assetId}: €0.12/kWh, rent 10 % to Northside Hospital (the roof), O&M 5 %; SunGrid's allowance pays automatically`,
    );

    // --- a week of generation ----------------------------------------------------------------------------------
    const meter = new MeterSimulator(meterKey, ppaDomain(chainId, await ppa.getAddress()));
    const rows: (string | bigint)[][] = [];
    let lastSigned: Awaited<ReturnType<typeof meter.sign>> | undefined;
    for (let d = 0; d < 7; d++) {
      const account = await ppa.account(plant.assetId);
      const start = Number(account.lastTime) + clock.span(60, 2);
      const quarters = solarDay({
        capacityW: CAPACITY_W,
        dayOfYear: 160 + d,
        seed: 20 + d,
        cloudiness: d === 3 ? 0.7 : 0.2,
      });
      // Whole Wh per quarter hour, summed per reading.
      const steps: number[] = [];
      for (let q = 0; q < quarters.length; q += quartersPerReading) {
        steps.push(quarters.slice(q, q + quartersPerReading).reduce((sum, wh) => sum + wh, 0));
      }
      if (d === 4) await (await ceur.connect(gridOperator).approve(await ppa.getAddress(), 0n)).wait();
      const signed = await meter.sign(plant.assetId, start, steps, interval);
      await clock.until(start + (steps.length - 1) * interval, `day ${d + 1} of generation`);
      const w = await settleBatch(ppa, deviceManager, signed);
      lastSigned = signed;
      rows.push([
        `day ${d + 1}`,
        `${(Number(w.energyWh) / 1000).toFixed(1)}`,
        EUR(w.value),
        EUR(w.paid),
        EUR(w.rent),
        EUR(w.om),
        EUR(w.investors),
        EUR(w.arrears),
      ]);
      if (d === 4) {
        say(`day 5: SunGrid's allowance was withdrawn: nothing paid in silence, ${EUR(w.arrears)} recorded as arrears`);
        await (await ceur.connect(gridOperator).approve(await ppa.getAddress(), hre.ethers.MaxUint256)).wait();
      }
    }
    printTable(
      ["", "kWh", "value", "grid paid", "rent", "O&M", "investors", "arrears"],
      rows,
      `A week of generation settled by the meter's signed register (${96 / quartersPerReading} readings a day)`,
    );

    // --- a tampered reading ------------------------------------------------------------------------------------
    if (lastSigned) {
      const account = await ppa.account(plant.assetId);
      const forged = {
        ...lastSigned.batch,
        sequence: account.sequence + 1n,
        startTime: Number(account.lastTime) + 1,
        registers: packRegisters([account.register + 5_000_000n]),
      };
      const why = await refusal(
        ppa,
        () => ppa.connect(deviceManager).settle.staticCall(forged, lastSigned!.signature),
        "PpaBadSignature",
      );
      say(`a reading with 5 MWh added after signing is refused: ${why}`);
    }

    // --- parties take their parts ------------------------------------------------------------------------------
    const rent = await ppa.credit(ceurAddr, orgIds.hospital);
    const om = await ppa.credit(ceurAddr, orgIds.assetOperator);
    await (await ppa.connect(hospital).withdraw(ceurAddr, orgIds.hospital)).wait();
    await (await ppa.connect(assetOperator).withdraw(ceurAddr, orgIds.assetOperator)).wait();
    say(`Northside Hospital withdrew its rent ${EUR(rent)}; City Assets Co its O&M fee ${EUR(om)}`);
    const claimed: string[] = [];
    for (const [name, who] of [
      ["investor1", investor1],
      ["investor2", investor2],
      ["investor3", investor3],
    ] as const) {
      const before = await ceur.balanceOf(who.address);
      await (await plant.token.connect(who).claim(ceurAddr)).wait();
      claimed.push(`${name} ${EUR((await ceur.balanceOf(who.address)) - before)}`);
    }
    say(`investors claimed under their own names: ${claimed.join(", ")}`);

    // --- vending fleet -----------------------------------------------------------------------------------------
    const fleet = await registerAsset(hre, assets.registry, assetOperator, {
      kind: "Vending",
      documents: "Central station vending fleet (12 machines)",
      name: "Station Fleet",
      symbol: "SFLT",
      cap: 1_000n,
      paymentTokens: [ceurAddr],
      devices: [ctlKey.address],
    });
    await (await assets.registry.connect(assetOperator).setStatus(fleet.assetId, 2)).wait();
    await (await fleet.token.connect(assetOperator).issue(investor1.address, 100n)).wait();
    await (await assets.registry.connect(assetOperator).setStatus(fleet.assetId, 3)).wait();
    const period = clock.span(86_400, 30);
    const vterms = { controller: ctlKey.address, paymentToken: ceurAddr, costShareBps: 3_000, period };
    await (await vending.connect(assetOperator).propose(fleet.assetId, vterms)).wait();
    await (await vending.connect(regulator).accept(fleet.assetId, vterms)).wait();
    await (await ceur.connect(assetOperator).approve(await vending.getAddress(), hre.ethers.MaxUint256)).wait();
    const ctl = new MeterSimulator(ctlKey, vendingDomain(chainId, await vending.getAddress()));
    const hour = clock.span(3600, 1);
    const salesDay = async (perHour: number, label: string) => {
      const ledger = await vending.ledger(fleet.assetId);
      const start = Math.max(Number(ledger.lastTime), Number(ledger.periodStart)) + clock.span(60, 2);
      const signed = await ctl.sign(fleet.assetId, start, Array(24).fill(perHour), hour);
      await clock.until(start + 23 * hour, `vending ${label}`);
      await (await vending.connect(deviceManager).reconcile(signed.batch, signed.signature)).wait();
    };
    await salesDay(20_00, "day 1");
    const due = (await vending.ledger(fleet.assetId)).due;
    await (await vending.connect(assetOperator).deposit(fleet.assetId, due - 50_00n)).wait();
    say(
      `the fleet reported ${EUR(24n * 20_00n)} of sales; holders are due ${EUR(due)} (70 %); City Assets Co deposited ${EUR(due - 50_00n)}`,
    );
    await salesDay(15_00, "day 2");
    const open = await vending.arrears(fleet.assetId);
    say(`the period closed: an open arrear of ${EUR(open)} is visible to investors`);
    await (await vending.connect(assetOperator).deposit(fleet.assetId, open)).wait();
    say(`City Assets Co deposited the shortfall: arrears now ${EUR(await vending.arrears(fleet.assetId))}`);
    // The simulators carry on signing for the app's seed (src/stack/scenario); they serialise without their keys.
    ctx.system.metered = { ppa, vending, plant: plant.assetId, fleet: fleet.assetId, meter, controller: ctl };
  },
};
