/**
 * The read benchmark's baseline: the SDK's history readers as they were before the indexer (issue 17), kept here
 * verbatim so `npm run bench:read` can measure them against the indexer in the same run after src/supplychain.ts
 * and src/assets.ts moved to it. Each reads its history with `queryFilter` from block 0 to the head.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { SupplyChain } from "../../../typechain-types";
import {
  ASSET_KIND_NAMES,
  ASSET_STATUS,
  type AssetsSystem,
  type HistoryEntry,
  type Holding,
  shareToken,
} from "../../assets";
import { DigitalLink, Gs1Error, parsePack, yymmddFromExpiry } from "../../gs1";
import { ITEM_STATES, type OrgNamer, type TraceEvent, decodeStep, itemKeyOf, lotIdOf } from "../../supplychain";

/** The verify page's and `supply:trace`'s timeline of one item, by log scans (was `traceItem`). */
export async function scanTraceItem(
  sc: SupplyChain,
  link: DigitalLink | string,
  name: OrgNamer = (id) => `org #${id}`,
  depth = 3,
): Promise<{ lotId: string; itemKey: string; events: TraceEvent[] }> {
  const l = typeof link === "string" ? parsePack(link) : link;
  if (!l.lot || !l.serial) throw new Gs1Error("tracing needs the lot (10) and serial (21)");
  const lotId = lotIdOf(l.gtin, l.lot);
  const itemKey = itemKeyOf(lotId, l.serial);
  const out: Omit<TraceEvent, "timestamp">[] = [];
  const push = (e: { blockNumber: number; index: number }, what: string, detail: string) =>
    out.push({ block: e.blockNumber, logIndex: e.index, what, detail });

  const lots = [{ id: lotId, level: 0 }];
  const seen = new Set<string>();
  while (lots.length > 0) {
    const { id, level } = lots.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of await sc.queryFilter(sc.filters.LotCommissioned(id))) {
      const a = e.args;
      const where = level === 0 ? "lot" : `upstream lot (level ${level})`;
      push(
        e,
        `${where} commissioned`,
        `${id.slice(0, 10)}… GTIN ${a.gtin} by ${name(a.manufacturer)}, ${a.itemCount} items, expiry ${yymmddFromExpiry(a.expiry)}, inputs ${a.inputLots.length}`,
      );
      if (level < depth) for (const input of a.inputLots) lots.push({ id: input, level: level + 1 });
    }
  }
  for (const e of await sc.queryFilter(sc.filters.LotRecalled(lotId))) push(e, "LOT RECALLED", `by ${name(e.args.by)}`);
  for (const e of await sc.queryFilter(sc.filters.LotQuarantined(lotId))) push(e, "lot quarantined", `by ${e.args.by}`);
  for (const e of await sc.queryFilter(sc.filters.LotReleased(lotId))) push(e, "lot released", `by ${e.args.by}`);
  for (const e of await sc.queryFilter(sc.filters.LotDestroyed(lotId))) push(e, "LOT DESTROYED", `by ${e.args.by}`);
  for (const e of await sc.queryFilter(sc.filters.ItemActivated(lotId, itemKey))) {
    push(e, "item on chain", e.args.registered ? "registered individually" : "activated from its Merkle proof");
  }
  for (const e of await sc.queryFilter(sc.filters.ItemShipped(itemKey))) {
    push(e, "shipped", `${name(e.args.from)} → ${name(e.args.to)} (${decodeStep(e.args.bizStep)})`);
  }
  for (const e of await sc.queryFilter(sc.filters.ItemReceived(itemKey))) {
    push(e, "received", `by ${name(e.args.by)}${e.args.sellable ? "" : " (non-sellable)"}`);
  }
  const packed = await sc.queryFilter(sc.filters.ItemPacked(undefined, itemKey));
  const unpacked = await sc.queryFilter(sc.filters.ItemUnpacked(undefined, itemKey));
  for (const p of packed) {
    const sscc = p.args.sscc;
    push(p, "packed", `into pallet SSCC ${sscc.toString().padStart(18, "0")}`);
    const end = unpacked.find((u) => u.args.sscc === sscc && u.blockNumber >= p.blockNumber);
    const within = (e: { blockNumber: number }) =>
      e.blockNumber >= p.blockNumber && (!end || e.blockNumber <= end.blockNumber);
    for (const e of (await sc.queryFilter(sc.filters.PalletShipped(sscc))).filter(within)) {
      push(e, "pallet shipped", `${name(e.args.from)} → ${name(e.args.to)} (${decodeStep(e.args.bizStep)})`);
    }
    for (const e of (await sc.queryFilter(sc.filters.PalletReceived(sscc))).filter(within)) {
      push(e, "pallet received", `by ${name(e.args.by)}`);
    }
    if (end) push(end, "unpacked", `from pallet ${sscc}`);
  }
  for (const e of await sc.queryFilter(sc.filters.ItemDecommissioned(itemKey))) {
    push(e, "decommissioned", `by ${name(e.args.by)} (${decodeStep(e.args.bizStep)})`);
  }
  for (const e of await sc.queryFilter(sc.filters.DecommissionUndone(itemKey))) {
    push(e, "decommission undone", `by ${name(e.args.by)}`);
  }
  for (const e of await sc.queryFilter(sc.filters.CloneAlerted(lotId, itemKey))) {
    push(e, "CLONE ALERT", `code presented again by ${name(e.args.reporter)} (first sold by ${name(e.args.firstBy)})`);
  }
  for (const e of await sc.queryFilter(sc.filters.ItemStateReported(itemKey))) {
    push(e, `reported ${ITEM_STATES[Number(e.args.state)]}`, `by ${name(e.args.by)}`);
  }
  out.sort((a, b) => a.block - b.block || a.logIndex - b.logIndex);
  const provider = sc.runner!.provider!;
  const times = new Map<number, number>();
  for (const b of new Set(out.map((e) => e.block))) times.set(b, (await provider.getBlock(b))!.timestamp);
  return { lotId, itemKey, events: out.map((e) => ({ ...e, timestamp: times.get(e.block)! })) };
}

/** An investor's holdings and history across every asset, by log scans (was `portfolio`). */
export async function scanPortfolio(
  hre: HardhatRuntimeEnvironment,
  system: AssetsSystem,
  investor: string,
): Promise<{ holdings: Holding[]; history: HistoryEntry[] }> {
  const count = await system.registry.assetCount();
  const holdings: Holding[] = [];
  const history: HistoryEntry[] = [];
  for (let id = 1n; id <= count; id++) {
    const a = await system.registry.asset(id);
    const token = await shareToken(hre, system.registry, id);
    const balance = await token.balanceOf(investor);
    const claimable = [];
    for (const pt of await token.paymentTokens()) {
      claimable.push({ paymentToken: pt, amount: await token.claimableOf(investor, pt) });
    }
    const [listed] = await token.locksOf(investor);
    const involved = balance > 0n || claimable.some((c) => c.amount > 0n);
    if (involved) {
      holdings.push({
        assetId: id,
        kind: ASSET_KIND_NAMES[Number(a.kind)],
        status: ASSET_STATUS[Number(a.status)],
        symbol: await token.symbol(),
        token: a.shareToken,
        balance,
        unlocked: await token.unlockedBalanceOf(investor),
        listed,
        supply: await token.totalSupply(),
        claimable,
      });
    }
    for (const e of await token.queryFilter(token.filters.Transfer(investor))) {
      history.push({ block: e.blockNumber, assetId: id, what: "shares out", detail: `${e.args.value} → ${e.args.to}` });
    }
    for (const e of await token.queryFilter(token.filters.Transfer(undefined, investor))) {
      history.push({
        block: e.blockNumber,
        assetId: id,
        what: "shares in",
        detail: `${e.args.value} ← ${e.args.from}`,
      });
    }
    for (const e of await token.queryFilter(token.filters.RevenueClaimed(investor))) {
      history.push({
        block: e.blockNumber,
        assetId: id,
        what: "revenue claimed",
        detail: `${e.args.amount} of ${e.args.paymentToken}`,
      });
    }
  }
  for (const e of await system.offering.queryFilter(system.offering.filters.SharesPurchased(undefined, investor))) {
    const o = await system.offering.offering(e.args.offeringId);
    history.push({
      block: e.blockNumber,
      assetId: o.assetId,
      what: "bought in offering",
      detail: `${e.args.shares} shares for ${e.args.paid} (offering ${e.args.offeringId})`,
    });
  }
  for (const e of await system.offering.queryFilter(system.offering.filters.OfferingRefunded(undefined, investor))) {
    const o = await system.offering.offering(e.args.offeringId);
    history.push({
      block: e.blockNumber,
      assetId: o.assetId,
      what: "refunded",
      detail: `${e.args.amount} back (offering ${e.args.offeringId})`,
    });
  }
  for (const e of await system.market.queryFilter(system.market.filters.ListingFilled(undefined, investor))) {
    const l = await system.market.listing(e.args.listingId);
    history.push({
      block: e.blockNumber,
      assetId: l.assetId,
      what: "bought on market",
      detail: `${e.args.amount} shares for ${e.args.paid} (listing ${e.args.listingId})`,
    });
  }
  for (const e of await system.market.queryFilter(
    system.market.filters.ListingFilled(undefined, undefined, investor),
  )) {
    const l = await system.market.listing(e.args.listingId);
    history.push({
      block: e.blockNumber,
      assetId: l.assetId,
      what: "sold on market",
      detail: `${e.args.amount} shares for ${e.args.paid - e.args.fee} net (listing ${e.args.listingId})`,
    });
  }
  history.sort((x, y) => x.block - y.block);
  return { holdings, history };
}
