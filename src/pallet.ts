/**
 * A pallet (logistic unit, GS1 AI 00 SSCC) read from the supply chain: its state, the lots and items packed on it,
 * and its custody history (packing, pallet shipments and receipts, unpacking). Shared by `supply:trace` and the web
 * app's pallet page.
 */
import type { SupplyChain } from "../typechain-types";

/** One line of a pallet's history. */
export interface PalletEvent {
  block: number;
  index: number;
  timestamp: number;
  kind: "packed" | "unpacked" | "shipped" | "received";
  /** Organisation ids: sender and receiver of a shipment, receiver of a receipt. */
  from?: bigint;
  to?: bigint;
  by?: bigint;
  /** Items packed or unpacked by this line. */
  items?: number;
  /** The lot packed or unpacked. */
  lotId?: string;
}

/** What a pallet page shows. */
export interface PalletView {
  sscc: bigint;
  owner: bigint;
  custodian: bigint;
  receiver: bigint;
  inTransit: boolean;
  itemCount: number;
  /** Lots on the pallet now, with how many of their items. */
  lots: { lotId: string; items: number }[];
  events: PalletEvent[];
}

/** Reads a pallet's state, contents and history (one pass over its events; pack transactions name the lot). */
export async function palletView(sc: SupplyChain, sscc: bigint): Promise<PalletView> {
  const f = sc.filters;
  const [p, packed, unpacked, shipped, received] = await Promise.all([
    sc.pallet(sscc),
    sc.queryFilter(f.ItemPacked(sscc)),
    sc.queryFilter(f.ItemUnpacked(sscc)),
    sc.queryFilter(f.PalletShipped(sscc)),
    sc.queryFilter(f.PalletReceived(sscc)),
  ]);
  const provider = sc.runner!.provider!;
  // Each packItems / unpackItems call names its lot: read it from the transaction once per transaction.
  const lotOfTx = new Map<string, string>();
  for (const hash of new Set([...packed, ...unpacked].map((e) => e.transactionHash))) {
    const tx = await provider.getTransaction(hash);
    const call = tx ? sc.interface.parseTransaction({ data: tx.data, value: tx.value }) : null;
    if (call && (call.name === "packItems" || call.name === "unpackItems")) lotOfTx.set(hash, call.args[1] as string);
  }
  const lotItems = new Map<string, number>();
  const events: Omit<PalletEvent, "timestamp">[] = [];
  const group = (list: typeof packed, kind: "packed" | "unpacked", sign: number) => {
    const byTx = new Map<string, typeof packed>();
    for (const e of list) byTx.set(e.transactionHash, [...(byTx.get(e.transactionHash) ?? []), e]);
    for (const [hash, es] of byTx) {
      const lotId = lotOfTx.get(hash);
      if (lotId) lotItems.set(lotId, (lotItems.get(lotId) ?? 0) + sign * es.length);
      events.push({ block: es[0].blockNumber, index: es[0].index, kind, items: es.length, lotId });
    }
  };
  group(packed, "packed", 1);
  group(unpacked, "unpacked", -1);
  for (const e of shipped) {
    events.push({ block: e.blockNumber, index: e.index, kind: "shipped", from: e.args.from, to: e.args.to });
  }
  for (const e of received) events.push({ block: e.blockNumber, index: e.index, kind: "received", by: e.args.by });
  events.sort((a, b) => a.block - b.block || a.index - b.index);
  const blocks = [...new Set(events.map((e) => e.block))];
  const stamps = await Promise.all(blocks.map((b) => provider.getBlock(b)));
  const time = new Map(blocks.map((b, i) => [b, stamps[i]?.timestamp ?? 0]));
  return {
    sscc,
    owner: p.owner,
    custodian: p.custodian,
    receiver: p.receiver,
    inTransit: p.inTransit,
    itemCount: Number(p.itemCount),
    lots: [...lotItems].filter(([, n]) => n > 0).map(([lotId, items]) => ({ lotId, items })),
    events: events.map((e) => ({ ...e, timestamp: time.get(e.block) ?? 0 })),
  };
}
