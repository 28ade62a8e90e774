import { decodeBytes32String } from "ethers";
import type { SupplyChain } from "../../typechain-types";
import { ITEM_STATES, itemKeyOf, lotIdOf } from "../../src/supplychain";

/** One entry of an item's custody timeline, read from the supply-chain events. */
export interface TimelineEntry {
  block: number;
  index: number;
  timestamp: number;
  title: string;
  detail: string;
  tone: "normal" | "warn" | "bad";
}

/** A CBV step (bytes32 short string) as words. */
export function stepText(step: string): string {
  try {
    return decodeBytes32String(step).replace(/_/g, " ");
  } catch {
    return step.slice(0, 10) + "…";
  }
}

/**
 * The item's history: its lot's commissioning, activation, each shipment and receipt (item or pallet while it
 * was packed), sale, clone alerts, reports and lot overlays (recall, quarantine, release, destruction).
 */
export async function itemTimeline(
  sc: SupplyChain,
  gtin: string,
  lot: string,
  serial: string,
  org: (id: bigint) => string,
  who: (address: string) => string,
): Promise<TimelineEntry[]> {
  const lotId = lotIdOf(gtin, lot);
  const key = itemKeyOf(lotId, serial);
  const out: Omit<TimelineEntry, "timestamp">[] = [];
  const add = (e: { blockNumber: number; index: number }, title: string, detail: string, tone: TimelineEntry["tone"]) =>
    out.push({ block: e.blockNumber, index: e.index, title, detail, tone });
  const f = sc.filters;
  const [commissioned, activated, shipped, received, packed, unpacked, sold, undone, clones, reports] =
    await Promise.all([
      sc.queryFilter(f.LotCommissioned(lotId)),
      sc.queryFilter(f.ItemActivated(lotId, key)),
      sc.queryFilter(f.ItemShipped(key)),
      sc.queryFilter(f.ItemReceived(key)),
      sc.queryFilter(f.ItemPacked(undefined, key)),
      sc.queryFilter(f.ItemUnpacked(undefined, key)),
      sc.queryFilter(f.ItemDecommissioned(key)),
      sc.queryFilter(f.DecommissionUndone(key)),
      sc.queryFilter(f.CloneAlerted(lotId, key)),
      sc.queryFilter(f.ItemStateReported(key)),
    ]);
  const [recalled, quarantined, released, destroyed, decided] = await Promise.all([
    sc.queryFilter(f.LotRecalled(lotId)),
    sc.queryFilter(f.LotQuarantined(lotId)),
    sc.queryFilter(f.LotReleased(lotId)),
    sc.queryFilter(f.LotDestroyed(lotId)),
    sc.queryFilter(f.CloneReportDecided(key)),
  ]);
  for (const e of commissioned) {
    add(e, "Lot commissioned", `by ${org(e.args.manufacturer)}: ${e.args.itemCount} serials committed`, "normal");
  }
  for (const e of activated) {
    add(
      e,
      "Item on chain",
      e.args.registered ? "registered individually" : "activated with its Merkle proof",
      "normal",
    );
  }
  for (const e of shipped) {
    add(e, `Shipped (${stepText(e.args.bizStep)})`, `${org(e.args.from)} → ${org(e.args.to)}`, "normal");
  }
  for (const e of received) {
    add(e, "Received", `by ${org(e.args.by)}${e.args.sellable ? ", sellable" : ", non-sellable"}`, "normal");
  }
  for (const p of packed) {
    const sscc = p.args.sscc;
    add(p, "Packed", `into pallet SSCC ${sscc.toString().padStart(18, "0")}`, "normal");
    const end = unpacked.find((u) => u.args.sscc === sscc && u.blockNumber >= p.blockNumber);
    const within = (e: { blockNumber: number }) =>
      e.blockNumber >= p.blockNumber && (!end || e.blockNumber <= end.blockNumber);
    const [ps, pr, held] = await Promise.all([
      sc.queryFilter(f.PalletShipped(sscc)),
      sc.queryFilter(f.PalletReceived(sscc)),
      sc.queryFilter(f.PalletQuarantineSet(sscc)),
    ]);
    for (const e of ps.filter(within)) {
      add(e, `Pallet shipped (${stepText(e.args.bizStep)})`, `${org(e.args.from)} → ${org(e.args.to)}`, "normal");
    }
    for (const e of pr.filter(within)) add(e, "Pallet received", `by ${org(e.args.by)}`, "normal");
    for (const e of held.filter(within)) {
      if (e.args.quarantined) add(e, "Pallet quarantined", `by ${who(e.args.by)}`, "bad");
      else add(e, "Pallet released from quarantine", `by ${who(e.args.by)}`, "warn");
    }
    if (end) add(end, "Unpacked", `from pallet ${sscc}`, "normal");
  }
  for (const e of sold) add(e, `Decommissioned (${stepText(e.args.bizStep)})`, `by ${org(e.args.by)}`, "normal");
  for (const e of undone) add(e, "Sale undone", `by ${org(e.args.by)}`, "warn");
  for (const e of clones) {
    add(
      e,
      "Clone alert",
      `code presented again by ${org(e.args.reporter)} after ${org(e.args.firstBy)} sold it`,
      "bad",
    );
  }
  for (const e of decided) {
    if (e.args.confirmed) add(e, "Clone confirmed", `by ${who(e.args.by)}: the code is suspect`, "bad");
    else add(e, "Clone report cleared", `by ${who(e.args.by)}`, "warn");
  }
  for (const e of reports) add(e, `Reported ${ITEM_STATES[Number(e.args.state)]}`, `by ${org(e.args.by)}`, "bad");
  for (const e of recalled) add(e, "Lot recalled", `by ${org(e.args.by)}`, "bad");
  for (const e of quarantined) add(e, "Lot quarantined", `by ${who(e.args.by)}`, "bad");
  for (const e of released) add(e, "Lot released from quarantine", `by ${who(e.args.by)}`, "warn");
  for (const e of destroyed) add(e, "Lot destroyed", `by ${who(e.args.by)}`, "bad");
  out.sort((a, b) => a.block - b.block || a.index - b.index);
  const provider = sc.runner!.provider!;
  const blocks = [...new Set(out.map((e) => e.block))];
  const stamps = await Promise.all(blocks.map((b) => provider.getBlock(b)));
  const time = new Map(blocks.map((b, i) => [b, stamps[i]?.timestamp ?? 0]));
  return out.map((e) => ({ ...e, timestamp: time.get(e.block) ?? 0 }));
}
