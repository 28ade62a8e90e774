/**
 * The pack timeline's texts in the current language. `timelineEntries` (src/history/timeline.ts) and the
 * cold-chain "why" of the verify page write their entries in English; each known form is matched here and rendered from the
 * `timeline.*` resources. A text of another form (e.g. written by a newer read model) is shown as it is, in English.
 */

import { ITEM_STATES } from "../../../src/supplychain";

/** The translate function of i18next, as much of it as this module needs. */
export type Translate = (key: string, values: Record<string, string>) => string;

type Rule = [RegExp, string, string[]];

/** English forms, most specific first: pattern, key, names of the captured values. */
const RULES: Rule[] = [
  [/^Lot commissioned$/, "timeline.lotCommissioned", []],
  [/^Item on chain$/, "timeline.itemOnChain", []],
  [/^Shipped \((.+)\)$/, "timeline.shipped", ["step"]],
  [/^Pallet shipped \((.+)\)$/, "timeline.palletShipped", ["step"]],
  [/^Received$/, "timeline.received", []],
  [/^Packed$/, "timeline.packed", []],
  [/^Pallet received$/, "timeline.palletReceived", []],
  [/^Pallet quarantined$/, "timeline.palletQuarantined", []],
  [/^Pallet released from quarantine$/, "timeline.palletReleased", []],
  [/^Unpacked$/, "timeline.unpacked", []],
  [/^Decommissioned \((.+)\)$/, "timeline.decommissioned", ["step"]],
  [/^Sale undone$/, "timeline.saleUndone", []],
  [/^Clone alert$/, "timeline.cloneAlert", []],
  [/^Clone confirmed$/, "timeline.cloneConfirmed", []],
  [/^Clone report cleared$/, "timeline.cloneCleared", []],
  [/^Reported (.+)$/, "timeline.reported", ["state"]],
  [/^Lot recalled$/, "timeline.lotRecalled", []],
  [/^Lot quarantined$/, "timeline.lotQuarantined", []],
  [/^Lot released from quarantine$/, "timeline.lotReleased", []],
  [/^Lot destroyed$/, "timeline.lotDestroyed", []],
  [/^Cold-chain alarm on shipment (\d+)$/, "timeline.coldChainAlarm", ["id"]],
  [/^by (.+): (\d+) serials committed$/, "timeline.commissionedBy", ["by", "count"]],
  [/^registered individually$/, "timeline.registered", []],
  [/^activated with its Merkle proof$/, "timeline.activated", []],
  [/^by (.+), sellable$/, "timeline.receivedSellable", ["by"]],
  [/^by (.+), non-sellable$/, "timeline.receivedNonSellable", ["by"]],
  [/^into pallet SSCC (\d+)$/, "timeline.intoPallet", ["sscc"]],
  [/^from pallet (\d+)$/, "timeline.fromPallet", ["sscc"]],
  [/^code presented again by (.+) after (.+) sold it$/, "timeline.cloneAlertDetail", ["reporter", "first"]],
  [/^by (.+): the code is suspect$/, "timeline.cloneConfirmedDetail", ["by"]],
  [/^by (.+)$/, "timeline.by", ["by"]],
  [/^the sensor was silent for (\d+) min$/, "timeline.sensorSilent", ["minutes"]],
  [
    /^(\d+) min outside the storage range, up to (-?[\d.]+) °C beyond it$/,
    "timeline.cumulative",
    ["minutes", "deviation"],
  ],
  [/^a reading (-?[\d.]+) °C beyond the hard limit$/, "timeline.hardBound", ["deviation"]],
  [/^read point (0x[0-9a-f]+…)$/, "timeline.readPoint", ["hash"]],
];

/** The item states of ISupplyChain, each shown through `timeline.itemStates`. */
const STATE_KEYS: ReadonlySet<string> = new Set(ITEM_STATES);

/** An item state word ("in transit", "stolen", …) in the current language. */
export function itemStateText(state: string, t: Translate): string {
  return STATE_KEYS.has(state) ? t(`timeline.itemStates.${state}`, {}) : state;
}

/** One English timeline text in the current language (unchanged when its form is not known). */
export function localiseTimelineText(text: string, t: Translate): string {
  for (const [pattern, key, names] of RULES) {
    const m = pattern.exec(text);
    if (!m) continue;
    const values: Record<string, string> = {};
    names.forEach((name, i) => (values[name] = name === "state" ? itemStateText(m[i + 1], t) : m[i + 1]));
    return t(key, values);
  }
  return text;
}

/** Every key this module may produce, for the resource test. */
export const TIMELINE_KEYS: readonly string[] = RULES.map(([, key]) => key);
