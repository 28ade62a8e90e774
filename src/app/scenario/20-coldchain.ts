import type { SupplyChain } from "../../../typechain-types";
import { textHash } from "../../supplychain";
import { DemoChapter, say } from "../../demo/context";

/**
 * The insulin lot of the supply scenario is quarantined after a temperature excursion: the regulator records
 * the quarantine with the excursion report's hash, so the regulator console has a quarantine to release.
 */
export const chapter: DemoChapter = {
  title: "Web app: a cold-chain excursion quarantines the insulin lot",
  async run(ctx) {
    const sc = ctx.system.supplyChain as SupplyChain;
    const cold = ctx.system.appColdLot as { lotId: string; serial: string };
    const report = "excursion report INS-2610: 11.4 °C for 47 min in transit (ColdLine truck 7)";
    await (await sc.connect(ctx.actors.regulator).quarantineLot(cold.lotId, textHash(report))).wait();
    say(`lot INS-2610 quarantined: ${report}`);
  },
};
