/** Helpers shared by the handlers and the API (no Ponder imports: plain functions). */

/** Where and when an event happened (decimal strings; addresses and hashes lower-case). */
export interface Ref {
  blockNumber: string;
  timestamp: string;
  txHash: string;
  logIndex: number;
  from: string;
}

/**
 * The id of an event: zero-padded block number and log index, so ids sort in chain order
 * (`000000000000123-00004`).
 */
export function eventId(blockNumber: bigint, logIndex: number): string {
  return `${blockNumber.toString().padStart(15, "0")}-${logIndex.toString().padStart(5, "0")}`;
}

/** A decoded event value as JSON: integers as decimal strings, hex (addresses, hashes) lower-case. */
export type Json = string | boolean | Json[] | { [key: string]: Json };

export function normalise(value: unknown): Json {
  if (typeof value === "bigint" || typeof value === "number") return value.toString();
  if (typeof value === "boolean") return value;
  if (typeof value === "string") return /^0x[0-9a-fA-F]*$/.test(value) ? value.toLowerCase() : value;
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, normalise(v)]));
  throw new TypeError(`cannot store ${String(value)} as JSON`);
}
