/**
 * A pallet (logistic unit, GS1 AI 00 SSCC) read from the supply chain: its state, the lots and items packed on it,
 * and its custody history (packing, pallet shipments and receipts, unpacking). Shared by `supply:trace` and the web
 * app's pallet page.
 */
import type { SupplyChain } from "../typechain-types";
import { type HistoryClient, HistoryNotFoundError } from "./history/client";

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

/**
 * A pallet's state now (the contract's view) with its contents by lot and its history (packing, shipments,
 * receipts, unpacking) from the indexer. Packing and unpacking are grouped per transaction, as members did them.
 */
export async function palletView(sc: SupplyChain, sscc: bigint, history: HistoryClient): Promise<PalletView> {
  const [p, past] = await Promise.all([
    sc.pallet(sscc),
    history.pallet(sscc).then(
      (a) => a.data,
      (err: unknown) => {
        // A pallet the chain never saw has no history: the page says so.
        if (err instanceof HistoryNotFoundError)
          return { itemLots: {} as Record<string, string>, members: [], events: [] };
        throw err;
      },
    ),
  ]);
  const { itemLots, members } = past;
  const lotOf = (itemKey: string) => itemLots[itemKey.toLowerCase()] ?? itemLots[itemKey];
  const lotItems = new Map<string, number>();
  for (const key of members) {
    const lot = lotOf(key);
    if (lot) lotItems.set(lot, (lotItems.get(lot) ?? 0) + 1);
  }
  const events: PalletEvent[] = [];
  const groups = new Map<string, PalletEvent>();
  for (const e of past.events) {
    const base = { block: Number(e.blockNumber), index: e.logIndex, timestamp: Number(e.timestamp) };
    const a = e.args as Record<string, string>;
    if (e.event === "ItemPacked" || e.event === "ItemUnpacked") {
      const kind = e.event === "ItemPacked" ? "packed" : "unpacked";
      const key = `${e.txHash}:${kind}`;
      const group = groups.get(key);
      if (group) group.items = (group.items ?? 0) + 1;
      else {
        const g: PalletEvent = { ...base, kind, items: 1, lotId: lotOf(a.itemKey) };
        groups.set(key, g);
        events.push(g);
      }
    } else if (e.event === "PalletShipped") {
      events.push({ ...base, kind: "shipped", from: BigInt(a.from), to: BigInt(a.to) });
    } else if (e.event === "PalletReceived") {
      events.push({ ...base, kind: "received", by: BigInt(a.by) });
    }
  }
  events.sort((x, y) => x.block - y.block || x.index - y.index);
  return {
    sscc,
    owner: p.owner,
    custodian: p.custodian,
    receiver: p.receiver,
    inTransit: p.inTransit,
    itemCount: Number(p.itemCount),
    lots: [...lotItems].map(([lotId, items]) => ({ lotId, items })),
    events,
  };
}
