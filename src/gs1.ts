/**
 * GS1 helpers: mod-10 check digits (GTIN, SSCC), AI 21 serial and AI 10 lot rules, AI 17 expiry dates and
 * GS1 Digital Link URIs (`https://id.example/01/<gtin>/10/<lot>/21/<serial>?17=<YYMMDD>`).
 */

/** A GS1 rule was broken; the message says which value and why. */
export class Gs1Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Gs1Error";
  }
}

/** GS1 AI 82 character set (serials and lot numbers). */
const AI82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/;

/** The GS1 mod-10 check digit of `body` (the digits before the check digit). */
export function checkDigit(body: string): number {
  if (!/^\d+$/.test(body)) throw new Gs1Error(`"${body}" is not a digit string`);
  let sum = 0;
  for (let i = body.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) sum += Number(body[i]) * weight;
  return (10 - (sum % 10)) % 10;
}

/** True when the digit string ends with its correct check digit. */
function hasValidCheckDigit(digits: string): boolean {
  return checkDigit(digits.slice(0, -1)) === Number(digits[digits.length - 1]);
}

/** A GTIN-8/12/13/14 normalised to 14 digits; throws on a wrong length or check digit. */
export function normaliseGtin(gtin: string): string {
  const s = gtin.trim();
  if (!/^\d{8}$|^\d{12,14}$/.test(s)) throw new Gs1Error(`GTIN "${gtin}" must have 8, 12, 13 or 14 digits`);
  if (!hasValidCheckDigit(s)) {
    throw new Gs1Error(`GTIN "${gtin}" has a wrong check digit (expected ${checkDigit(s.slice(0, -1))})`);
  }
  return s.padStart(14, "0");
}

/** True when `gtin` is a valid GTIN (8, 12, 13 or 14 digits with the right check digit). */
export function isValidGtin(gtin: string): boolean {
  try {
    normaliseGtin(gtin);
    return true;
  } catch {
    return false;
  }
}

/** Completes a 13-digit GTIN-14 body (indicator + company prefix + item reference) with its check digit. */
export function makeGtin(body13: string): string {
  if (!/^\d{13}$/.test(body13)) throw new Gs1Error(`GTIN body "${body13}" must have 13 digits`);
  return body13 + checkDigit(body13);
}

/** Completes a 17-digit SSCC body (extension + company prefix + serial reference) with its check digit. */
export function makeSscc(body17: string): string {
  if (!/^\d{17}$/.test(body17)) throw new Gs1Error(`SSCC body "${body17}" must have 17 digits`);
  return body17 + checkDigit(body17);
}

/** True when `sscc` has 18 digits and the right check digit. */
export function isValidSscc(sscc: string): boolean {
  return /^\d{18}$/.test(sscc) && hasValidCheckDigit(sscc);
}

/** Throws unless `serial` is a GS1 AI 21 serial: 1..20 characters of the AI 82 set. */
export function validateSerial(serial: string): string {
  if (serial.length === 0) throw new Gs1Error("serial is empty");
  if (serial.length > 20)
    throw new Gs1Error(`serial "${serial}" has ${serial.length} characters (GS1 AI 21 allows 20)`);
  if (!AI82.test(serial)) throw new Gs1Error(`serial "${serial}" has characters outside the GS1 AI 82 set`);
  return serial;
}

/** Throws unless `lot` is a GS1 AI 10 batch/lot number: 1..20 characters of the AI 82 set. */
export function validateLot(lot: string): string {
  if (lot.length === 0) throw new Gs1Error("lot number is empty");
  if (lot.length > 20) throw new Gs1Error(`lot "${lot}" has ${lot.length} characters (GS1 AI 10 allows 20)`);
  if (!AI82.test(lot)) throw new Gs1Error(`lot "${lot}" has characters outside the GS1 AI 82 set`);
  return lot;
}

/**
 * GS1 AI 17 (YYMMDD) to the unix time at which the product expires: the end of that day, UTC. DD = 00 means the
 * last day of the month. YY follows the GS1 sliding window simplified to 2000..2099.
 */
export function expiryFromYymmdd(yymmdd: string): number {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(yymmdd);
  if (!m) throw new Gs1Error(`expiry "${yymmdd}" must be YYMMDD`);
  const year = 2000 + Number(m[1]);
  const month = Number(m[2]);
  let day = Number(m[3]);
  if (month < 1 || month > 12) throw new Gs1Error(`expiry "${yymmdd}" has month ${month}`);
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day === 0) day = lastDay;
  if (day > lastDay) throw new Gs1Error(`expiry "${yymmdd}" has day ${day} (month has ${lastDay})`);
  return Date.UTC(year, month - 1, day + 1) / 1000;
}

/** The GS1 AI 17 YYMMDD of an expiry unix time produced by `expiryFromYymmdd`. */
export function yymmddFromExpiry(expiry: number | bigint): string {
  const d = new Date((Number(expiry) - 86_400) * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}`;
}

/** What a GS1 Digital Link identifies. */
export interface DigitalLink {
  gtin: string;
  lot?: string;
  serial?: string;
  /** AI 17 YYMMDD, from the query string. */
  expiry?: string;
}

/** Builds `https://<domain>/01/<gtin>/10/<lot>/21/<serial>[?17=<YYMMDD>]` with validated, escaped parts. */
export function buildDigitalLink(link: DigitalLink, domain = "https://id.example"): string {
  let uri = `${domain.replace(/\/+$/, "")}/01/${normaliseGtin(link.gtin)}`;
  if (link.lot !== undefined) uri += `/10/${encodeURIComponent(validateLot(link.lot))}`;
  if (link.serial !== undefined) uri += `/21/${encodeURIComponent(validateSerial(link.serial))}`;
  if (link.expiry !== undefined) {
    expiryFromYymmdd(link.expiry);
    uri += `?17=${link.expiry}`;
  }
  return uri;
}

/** Parses a GS1 Digital Link URI (any domain and path prefix); validates every part it finds. */
export function parseDigitalLink(uri: string): DigitalLink {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new Gs1Error(`"${uri}" is not a URI`);
  }
  const parts = url.pathname.split("/").filter((p) => p.length > 0);
  const at = parts.indexOf("01");
  if (at < 0 || at + 1 >= parts.length) throw new Gs1Error(`"${uri}" has no /01/<gtin>`);
  const link: DigitalLink = { gtin: normaliseGtin(decodeURIComponent(parts[at + 1])) };
  for (let i = at + 2; i < parts.length; i += 2) {
    const ai = parts[i];
    const value = parts[i + 1];
    if (value === undefined) throw new Gs1Error(`"${uri}": AI ${ai} has no value`);
    const decoded = decodeURIComponent(value);
    if (ai === "10") link.lot = validateLot(decoded);
    else if (ai === "21") link.serial = validateSerial(decoded);
    else throw new Gs1Error(`"${uri}": unsupported path AI ${ai}`);
  }
  const expiry = url.searchParams.get("17");
  if (expiry !== null) {
    expiryFromYymmdd(expiry);
    link.expiry = expiry;
  }
  return link;
}
