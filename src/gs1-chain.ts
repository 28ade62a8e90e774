/**
 * GS1 data ↔ the supply-chain contract's identifiers: a pack's GTIN as `uint64`, its lot id and item key (the
 * hashes `lotIdOf` / `itemKeyOf` of src/supplychain.ts), its AI 17 expiry as unix time; a pallet's SSCC as `uint64`.
 * Kept apart from src/gs1.ts so that the syntax module has no chain dependency.
 */
import {
  Gs1Data,
  Gs1Element,
  Gs1Error,
  elementsOf,
  expiryFromYymmdd,
  itemOf,
  validateAi,
  valueOf,
  yymmddFromExpiry,
} from "./gs1";
import { itemKeyOf, lotIdOf } from "./supplychain";

/** A pack as the contract sees it. */
export interface ChainItem {
  gtin: bigint;
  lot: string;
  serial?: string;
  /** Unix time (end of the AI 17 day), if the code carries AI 17. */
  expiry?: number;
  lotId: string;
  itemKey?: string;
}

/** The contract's identifiers of a pack code (needs AI 01 and AI 10; AI 21 and AI 17 when present). */
export function chainItemOf(data: Gs1Data | readonly Gs1Element[]): ChainItem {
  const item = itemOf(data);
  if (item.lot === undefined)
    throw new Gs1Error("the code has no AI (10) lot: the chain keys packs by lot", "no-key", "10");
  const lotId = lotIdOf(item.gtin, item.lot);
  return {
    gtin: BigInt(item.gtin),
    lot: item.lot,
    serial: item.serial,
    expiry: item.expiry === undefined ? undefined : expiryFromYymmdd(item.expiry),
    lotId,
    itemKey: item.serial === undefined ? undefined : itemKeyOf(lotId, item.serial),
  };
}

/** The element strings of a pack read from the chain (GTIN `uint64`, lot and serial text, expiry unix time). */
export function elementsOfChainItem(item: {
  gtin: bigint;
  lot: string;
  serial: string;
  expiry: number | bigint;
}): Gs1Element[] {
  return elementsOf({
    gtin: item.gtin.toString().padStart(14, "0"),
    lot: item.lot,
    serial: item.serial,
    expiry: yymmddFromExpiry(item.expiry),
  });
}

/** The contract's `uint64` SSCC of a pallet code (AI 00). */
export function palletOf(data: Gs1Data | readonly Gs1Element[]): bigint {
  const elements = "elements" in data ? data.elements : data;
  const sscc = valueOf(elements, "00");
  if (sscc === undefined)
    throw new Gs1Error("the code identifies no logistic unit: it has no AI (00) SSCC", "no-key", "00");
  return BigInt(sscc);
}

/** The AI 00 element of an on-chain SSCC (18 digits with leading zeros, check digit verified). */
export function ssccElement(sscc: bigint): Gs1Element {
  const value = sscc.toString().padStart(18, "0");
  return { ai: "00", value: validateAi("00", value) };
}
