import type { AssetPPA, AssetVending, SettlementToken } from "../../../typechain-types";
import { type MeterSimulator, settleBatch, solarDay } from "../../ppa";
import { DemoChapter, requireCity, say } from "../../demo/context";

const EUR = (cents: bigint) => `€${(Number(cents) / 100).toLocaleString("en-GB", { minimumFractionDigits: 2 })}`;

/** What the demo's metered chapter (src/demo/chapters/06-metered.ts) hands over. */
interface Metered {
  ppa: AssetPPA;
  vending: AssetVending;
  plant: bigint;
  fleet: bigint;
  meter: MeterSimulator;
  controller: MeterSimulator;
}

/**
 * The metered states the investors' page shows and the browser tests check, on top of the demo's week of
 * generation and its vending day: one more day of generation that the grid can only part-pay (an open grid
 * arrear, to be settled first when funds arrive), and one more day of vending sales that closes a period whose
 * reported sales the operator has only partly deposited (an open vending arrear).
 */
export const chapter: DemoChapter = {
  title: "Web app: metered revenue with open arrears",
  async run(ctx) {
    const { clock } = ctx;
    const { actors } = requireCity(ctx);
    const metered = ctx.system.metered as Metered | undefined;
    const ceur = ctx.system.settlementToken as SettlementToken | undefined;
    if (!metered || !ceur) return;
    const { ppa, vending, plant, fleet, meter, controller } = metered;
    const { gridOperator, assetOperator, deviceManager } = actors;
    const terms = await ppa.terms(plant);

    // The grid's allowance covers only part of the next day: the rest is recorded as arrears.
    const interval = clock.span(900, 1);
    const account = await ppa.account(plant);
    const start = Math.max(Number(account.lastTime) + clock.span(60, 2), (await clock.now()) - 96 * interval);
    const steps = solarDay({ capacityW: Number(terms.capacityW), dayOfYear: 167, seed: 27, cloudiness: 0.3 }).map(
      (wh) => Math.floor((wh * interval) / 900),
    );
    const signed = await meter.sign(plant, start, steps, interval);
    await clock.until(start + 95 * interval, "day 8 of generation");
    await (await ceur.connect(gridOperator).approve(await ppa.getAddress(), 50_00n)).wait();
    const w = await settleBatch(ppa, deviceManager, signed);
    say(
      `day 8: ${(Number(w.energyWh) / 1000).toFixed(1)} kWh worth ${EUR(w.value)}; SunGrid's allowance paid ${EUR(w.paid)}, ${EUR(w.arrears)} open as arrears`,
    );

    // A vending day that closes the period: what was reported before it and not deposited is an open arrear.
    const hour = clock.span(3600, 1);
    const ledger = await vending.ledger(fleet);
    const vStart = Math.max(Number(ledger.lastTime) + clock.span(60, 2), (await clock.now()) - 24 * hour);
    const sales = await controller.sign(fleet, vStart, Array(24).fill(18_00), hour);
    await clock.until(vStart + 23 * hour, "vending day 3");
    await (await vending.connect(deviceManager).reconcile(sales.batch, sales.signature)).wait();
    const open = await vending.arrears(fleet);
    if (open > 100_00n) await (await vending.connect(assetOperator).deposit(fleet, open - 100_00n)).wait();
    say(
      `the station fleet closed a period owing ${EUR(open)}; City Assets Co deposited part of it, ${EUR(await vending.arrears(fleet))} stays open`,
    );
    ctx.system.appMetered = { solar: plant, vending: fleet };
  },
};
