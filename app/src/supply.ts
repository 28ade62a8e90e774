import { useEffect } from "react";
import {
  ChainHistory,
  HistoryEvent,
  HistorySource,
  IndexerHistory,
  behindText,
  itemTimeline as timelineOf,
} from "../../src/history";
import { itemKeyOf, lotIdOf } from "../../src/supplychain";
import { useApp } from "./app-context";
import type { AppState } from "./app-context";

/** One entry of an item's custody timeline (built by src/history.ts, shown by the verify page). */
export interface TimelineEntry {
  block: number;
  index: number;
  timestamp: number;
  title: string;
  detail: string;
  tone: "normal" | "warn" | "bad";
}

const sources = new WeakMap<object, HistorySource>();

/**
 * The pages' history source: the indexer named by deployment.json (`indexerUrl`, proxied on the app's origin by
 * `npm run app`); a deployment without one (an old description) falls back to the chain's logs.
 */
export function historyOf(app: Pick<AppState, "deployment" | "provider">): HistorySource {
  let source = sources.get(app.provider);
  if (!source) {
    const url = app.deployment.indexerUrl;
    source = url ? new IndexerHistory(new URL(url, window.location.origin).href) : new ChainHistory(app.provider);
    sources.set(app.provider, source);
  }
  return source;
}

/** "indexed to block N of M" while the indexer trails the chain (undefined when current). */
export function historyLag(source: HistorySource): string | undefined {
  return behindText(source.progress());
}

/**
 * The item's history (src/history.ts's timeline) and its lot's LotCommissioned event (origin, input lots), from
 * the indexer.
 */
export async function itemHistory(
  source: HistorySource,
  supplyChain: string,
  gtin: string,
  lot: string,
  serial: string,
  org: (id: bigint) => string,
  who: (address: string) => string,
): Promise<{ timeline: TimelineEntry[]; commissioned?: HistoryEvent }> {
  const lotId = lotIdOf(gtin, lot);
  const record = await source.item(supplyChain, lotId, itemKeyOf(lotId, serial), 3);
  const timeline = timelineOf(record, { org: (id) => org(BigInt(id)), account: who }).map((e) => ({
    block: e.block,
    index: e.logIndex,
    timestamp: e.timestamp,
    title: e.what,
    detail: e.detail,
    tone: e.tone,
  }));
  return { timeline, commissioned: record.lots.find((l) => l.level === 0)?.event };
}

/**
 * While the indexer trails the chain (`lag` set), reloads the page's data every half second until it has caught
 * up: a page never settles on history older than the block it shows.
 */
export function useHistoryCatchUp(lag: string | undefined, data: unknown): void {
  const { refresh } = useApp();
  useEffect(() => {
    if (!lag) return;
    const timer = setTimeout(refresh, 500);
    return () => clearTimeout(timer);
  }, [lag, data]);
}
