/**
 * The project's one GS1 module: check digits, the Application Identifier (AI) table with each AI's format, and
 * every form in which a scanner or a partner hands over GS1 data:
 *
 * - raw scanner data (GS1 General Specifications §5.1.2 and §7.8): an optional symbology identifier (`]d2` GS1
 *   DataMatrix, `]Q3` GS1 QR Code, `]C1` GS1-128, `]e0` GS1 DataBar, `]Q1` a plain QR Code carrying a Digital
 *   Link), element strings concatenated without brackets, variable-length values ended by FNC1 (transmitted as
 *   ASCII 29 `<GS>`, or by keyboard-wedge scanners as the text `<GS>`, `{GS}`, `[GS]`, `␝` or `^]`) or by the
 *   end of the data;
 * - the bracketed human-readable interpretation (GenSpecs §4.15): `(01)09506000134352(17)281130(10)AMX-2611`;
 * - GS1 Digital Link URIs (GS1 Digital Link Standard: URI Syntax 1.2): any domain and path prefix, the rightmost
 *   primary key with its key qualifiers in the standard order in the path, data attributes in the query string,
 *   strict percent-encoding.
 *
 * Every refusal is a `Gs1Error` whose `code` says why and whose `ai` names the Application Identifier at fault.
 * The three forms convert into each other without loss: `toElementString`, `toBracketed`, `toDigitalLink` all
 * take the same `Gs1Element[]` that `parseGs1` returns.
 */

/** Why a GS1 input was refused. */
export type Gs1ErrorCode =
  | "syntax" // not one of the accepted forms, or a value that cannot be split into AIs
  | "unknown-ai" // an AI that is not in the table
  | "length" // a value too short or too long for its AI
  | "charset" // a character outside the AI's character set (numeric, AI 82, AI 39)
  | "check-digit" // a wrong mod-10 check digit
  | "date" // an impossible YYMMDD date
  | "duplicate" // the same AI twice (ambiguous)
  | "conflict" // two AIs that cannot appear together, or the same AI with two values
  | "order" // Digital Link key qualifiers out of the standard order
  | "no-key" // no primary key (or a qualifier without its key)
  | "ambiguous-key" // more than one primary key and none chosen
  | "placement" // an AI where the Digital Link syntax does not allow it (attribute in the path, key in the query)
  | "percent-encoding" // a Digital Link character that must be percent-encoded, or a broken %XX
  | "uri"; // not an http(s) URI

/** A GS1 rule was broken; `code` says which kind, `ai` which Application Identifier, the message says why. */
export class Gs1Error extends Error {
  readonly code: Gs1ErrorCode;
  readonly ai?: string;
  constructor(message: string, code: Gs1ErrorCode = "syntax", ai?: string) {
    super(message);
    this.name = "Gs1Error";
    this.code = code;
    this.ai = ai;
  }
}

/** GS1 AI encodable character set 82 (GenSpecs §7.11, Figure 7.11-1): serials, lots and most text AIs. */
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;
/** GS1 AI encodable character set 39 (GenSpecs §7.11, Figure 7.11-2): CPID (8010). */
const CSET39 = /^[#\-/0-9A-Z]*$/;

/** The GS1 mod-10 check digit of `body` (the digits before the check digit), GenSpecs §7.9.1. */
export function checkDigit(body: string): number {
  if (!/^\d+$/.test(body)) throw new Gs1Error(`"${body}" is not a digit string`, "charset");
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
  if (!/^\d{8}$|^\d{12,14}$/.test(s)) {
    throw new Gs1Error(`GTIN "${gtin}" must have 8, 12, 13 or 14 digits`, "length", "01");
  }
  if (!hasValidCheckDigit(s)) {
    throw new Gs1Error(
      `GTIN "${gtin}" has a wrong check digit (expected ${checkDigit(s.slice(0, -1))})`,
      "check-digit",
      "01",
    );
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
  if (!/^\d{13}$/.test(body13)) throw new Gs1Error(`GTIN body "${body13}" must have 13 digits`, "length", "01");
  return body13 + checkDigit(body13);
}

/** Completes a 17-digit SSCC body (extension + company prefix + serial reference) with its check digit. */
export function makeSscc(body17: string): string {
  if (!/^\d{17}$/.test(body17)) throw new Gs1Error(`SSCC body "${body17}" must have 17 digits`, "length", "00");
  return body17 + checkDigit(body17);
}

/** True when `sscc` has 18 digits and the right check digit. */
export function isValidSscc(sscc: string): boolean {
  return /^\d{18}$/.test(sscc) && hasValidCheckDigit(sscc);
}

/** Throws unless `serial` is a GS1 AI 21 serial: 1..20 characters of the AI 82 set. */
export function validateSerial(serial: string): string {
  if (serial.length === 0) throw new Gs1Error("serial is empty", "length", "21");
  if (serial.length > 20) {
    throw new Gs1Error(`serial "${serial}" has ${serial.length} characters (GS1 AI 21 allows 20)`, "length", "21");
  }
  if (!CSET82.test(serial)) {
    throw new Gs1Error(`serial "${serial}" has characters outside the GS1 AI 82 set`, "charset", "21");
  }
  return serial;
}

/** Throws unless `lot` is a GS1 AI 10 batch/lot number: 1..20 characters of the AI 82 set. */
export function validateLot(lot: string): string {
  if (lot.length === 0) throw new Gs1Error("lot number is empty", "length", "10");
  if (lot.length > 20) {
    throw new Gs1Error(`lot "${lot}" has ${lot.length} characters (GS1 AI 10 allows 20)`, "length", "10");
  }
  if (!CSET82.test(lot)) throw new Gs1Error(`lot "${lot}" has characters outside the GS1 AI 82 set`, "charset", "10");
  return lot;
}

/**
 * GS1 AI 17 (YYMMDD) to the unix time at which the product expires: the end of that day, UTC. DD = 00 means the
 * last day of the month (GenSpecs §3.4.6). YY is read in 2000..2099 (the on-chain convention of this project; the
 * GenSpecs §7.12 sliding window gives the same years until 2050).
 */
export function expiryFromYymmdd(yymmdd: string): number {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(yymmdd);
  if (!m) throw new Gs1Error(`expiry "${yymmdd}" must be YYMMDD`, "date", "17");
  const year = 2000 + Number(m[1]);
  const month = Number(m[2]);
  let day = Number(m[3]);
  if (month < 1 || month > 12) throw new Gs1Error(`expiry "${yymmdd}" has month ${month}`, "date", "17");
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day === 0) day = lastDay;
  if (day > lastDay) throw new Gs1Error(`expiry "${yymmdd}" has day ${day} (month has ${lastDay})`, "date", "17");
  return Date.UTC(year, month - 1, day + 1) / 1000;
}

/** The GS1 AI 17 YYMMDD of an expiry unix time produced by `expiryFromYymmdd`. */
export function yymmddFromExpiry(expiry: number | bigint): string {
  const d = new Date((Number(expiry) - 86_400) * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The Application Identifier table (GenSpecs §3.2, Figure 3.2-1; formats per GenSpecs §3 and the GS1 Barcode
// Syntax Dictionary). Each AI's value is a sequence of components: numeric (N) or from character set 82 (X) or
// 39 (Y), of fixed or bounded length, some ending with a check digit, some being YYMMDD dates.

type Charset = "N" | "X" | "Y";
interface Component {
  cs: Charset;
  min: number;
  max: number;
  /** The component's last digit is a GS1 mod-10 check digit (GenSpecs §7.9.1). */
  check?: boolean;
  /** YYMMDD; `"d0"` allows DD = 00 (GenSpecs §7.12). */
  date?: "strict" | "d0";
}

/** What the table knows about one AI. */
export interface AiSpec {
  ai: string;
  title: string;
  components: Component[];
  /** The value's length when every component is fixed, else undefined. */
  fixed?: number;
  /** Whether an FNC1 separator must follow the value when it is not last (GenSpecs §7.8.5, Figure 7.8.5-2). */
  fnc1: boolean;
}

const N = (len: number, extra: Partial<Component> = {}): Component => ({ cs: "N", min: len, max: len, ...extra });
const Nv = (max: number, min = 1): Component => ({ cs: "N", min, max });
const X = (max: number, min = 1): Component => ({ cs: "X", min, max });
const Xf = (len: number): Component => ({ cs: "X", min: len, max: len });
const Y = (max: number): Component => ({ cs: "Y", min: 1, max });
const DATE = N(6, { date: "d0" });
const DATE_STRICT = N(6, { date: "strict" });

/** AIs whose first two digits start a predefined-length element string: no FNC1 after them (Figure 7.8.5-2). */
const PREDEFINED = new Set(
  ["00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"].concat([
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "41",
  ]),
);

const AI_TABLE = new Map<string, AiSpec>();
function def(ai: string, title: string, ...components: Component[]): void {
  const fixed = components.every((c) => c.min === c.max) ? components.reduce((s, c) => s + c.max, 0) : undefined;
  AI_TABLE.set(ai, { ai, title, components, fixed, fnc1: !PREDEFINED.has(ai.slice(0, 2)) });
}

def("00", "SSCC", N(18, { check: true }));
def("01", "GTIN", N(14, { check: true }));
def("02", "CONTENT", N(14, { check: true }));
def("10", "BATCH/LOT", X(20));
def("11", "PROD DATE", DATE);
def("12", "DUE DATE", DATE);
def("13", "PACK DATE", DATE);
def("15", "BEST BEFORE", DATE);
def("16", "SELL BY", DATE);
def("17", "USE BY / EXPIRY", DATE);
def("20", "VARIANT", N(2));
def("21", "SERIAL", X(20));
def("22", "CPV", X(20));
def("235", "TPX", X(28));
def("240", "ADDITIONAL ID", X(30));
def("241", "CUST. PART No.", X(30));
def("242", "MTO VARIANT", Nv(6));
def("243", "PCN", X(20));
def("250", "SECONDARY SERIAL", X(30));
def("251", "REF. TO SOURCE", X(30));
def("253", "GDTI", N(13, { check: true }), X(17, 0));
def("254", "GLN EXTENSION COMPONENT", X(20));
def("255", "GCN", N(13, { check: true }), Nv(12, 0));
def("30", "VAR. COUNT", Nv(8));
// Trade and logistic measures 310n..369n: six digits, n = implied decimal places (GenSpecs §3.6).
for (const family of [
  "310 311 312 313 314 315 316",
  "320 321 322 323 324 325 326 327 328 329",
  "330 331 332 333 334 335 336 337",
  "340 341 342 343 344 345 346 347 348 349",
  "350 351 352 353 354 355 356 357",
  "360 361 362 363 364 365 366 367 368 369",
]) {
  for (const stem of family.split(" ")) for (let n = 0; n <= 5; n++) def(`${stem}${n}`, "MEASURE", N(6));
}
def("37", "COUNT", Nv(8));
for (let n = 0; n <= 9; n++) {
  def(`390${n}`, "AMOUNT", Nv(15));
  def(`391${n}`, "AMOUNT (ISO)", N(3), Nv(15));
  def(`392${n}`, "PRICE", Nv(15));
  def(`393${n}`, "PRICE (ISO)", N(3), Nv(15));
}
for (let n = 0; n <= 5; n++) def(`394${n}`, "PRCNT OFF", N(4));
def("400", "ORDER NUMBER", X(30));
def("401", "GINC", X(30));
def("402", "GSIN", N(17, { check: true }));
def("403", "ROUTE", X(30));
for (const [ai, title] of [
  ["410", "SHIP TO LOC"],
  ["411", "BILL TO"],
  ["412", "PURCHASE FROM"],
  ["413", "SHIP FOR LOC"],
  ["414", "LOC No."],
  ["415", "PAY TO"],
  ["416", "PROD/SERV LOC"],
  ["417", "PARTY"],
]) {
  def(ai, title, N(13, { check: true }));
}
def("420", "SHIP TO POST", X(20));
def("421", "SHIP TO POST (ISO)", N(3), X(9));
def("422", "ORIGIN", N(3));
def("423", "COUNTRY - INITIAL PROCESS", N(3), Nv(12, 0));
def("424", "COUNTRY - PROCESS", N(3));
def("425", "COUNTRY - DISASSEMBLY", N(3), Nv(12, 0));
def("426", "COUNTRY - FULL PROCESS", N(3));
def("427", "ORIGIN SUBDIVISION", X(3));
for (const [ai, title] of [
  ["710", "NHRN PZN"],
  ["711", "NHRN CIP"],
  ["712", "NHRN CN"],
  ["713", "NHRN DRN"],
  ["714", "NHRN AIM"],
  ["715", "NHRN NDC"],
]) {
  def(ai, title, X(20));
}
def("7001", "NSN", N(13));
def("7002", "MEAT CUT", X(30));
def("7003", "EXPIRY TIME", N(10));
def("7004", "ACTIVE POTENCY", Nv(4));
def("7005", "CATCH AREA", X(12));
def("7006", "FIRST FREEZE DATE", DATE_STRICT);
def("7007", "HARVEST DATE", DATE_STRICT, Nv(6, 0));
def("7008", "AQUATIC SPECIES", X(3));
def("7009", "FISHING GEAR TYPE", X(10));
def("7010", "PROD METHOD", X(2));
def("7020", "REFURB LOT", X(20));
def("7021", "FUNC STAT", X(20));
def("7022", "REV STAT", X(20));
def("7023", "GIAI - ASSEMBLY", X(30));
def("7040", "UIC+EXT", N(1), Xf(3));
for (let n = 0; n <= 9; n++) def(`723${n}`, "CERT #", Xf(2), X(28));
def("7240", "PROTOCOL", X(20));
def("8001", "DIMENSIONS", N(14));
def("8002", "CMT No.", X(20));
def("8003", "GRAI", N(14, { check: true }), X(16, 0));
def("8004", "GIAI", X(30));
def("8005", "PRICE PER UNIT", N(6));
def("8006", "ITIP", N(14, { check: true }), N(2), N(2));
def("8007", "IBAN", X(34));
def("8008", "PROD TIME", N(8), Nv(4, 0));
def("8009", "OPTSEN", X(50));
def("8010", "CPID", Y(30));
def("8011", "CPID SERIAL", Nv(12));
def("8012", "VERSION", X(20));
def("8013", "GMN", X(25));
def("8017", "GSRN - PROVIDER", N(18, { check: true }));
def("8018", "GSRN - RECIPIENT", N(18, { check: true }));
def("8019", "SRIN", Nv(10));
def("8020", "REF No.", X(25));
def("8026", "ITIP CONTENT", N(14, { check: true }), N(2), N(2));
def("8110", "COUPON", X(70));
def("8111", "POINTS", N(4));
def("8112", "PAPERLESS COUPON", X(70));
def("8200", "PRODUCT URL", X(70));
def("90", "INTERNAL", X(30));
for (let n = 91; n <= 99; n++) def(String(n), "INTERNAL", X(90));

/** The table entry of `ai`, or undefined. */
export function aiSpec(ai: string): AiSpec | undefined {
  return AI_TABLE.get(ai);
}

function requireSpec(ai: string): AiSpec {
  const spec = AI_TABLE.get(ai);
  if (!spec) throw new Gs1Error(`AI (${ai}) is not a GS1 Application Identifier this module knows`, "unknown-ai", ai);
  return spec;
}

function checkDate(ai: string, value: string, mode: "strict" | "d0"): void {
  const month = Number(value.slice(2, 4));
  const day = Number(value.slice(4, 6));
  const year = 2000 + Number(value.slice(0, 2));
  if (month < 1 || month > 12) throw new Gs1Error(`AI (${ai}) "${value}": month ${month} is not 01..12`, "date", ai);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day === 0 && mode === "d0") return;
  if (day < 1 || day > last) {
    throw new Gs1Error(`AI (${ai}) "${value}": day ${day} is not 01..${last} for that month`, "date", ai);
  }
}

/**
 * Throws a typed `Gs1Error` naming the AI unless `value` has the AI's format: component lengths, character sets,
 * check digits (GenSpecs §7.9) and dates (§7.12). Returns the value.
 */
export function validateAi(ai: string, value: string): string {
  const spec = requireSpec(ai);
  const total = spec.components.reduce((s, c) => ({ min: s.min + c.min, max: s.max + c.max }), { min: 0, max: 0 });
  if (value.length < total.min || value.length > total.max) {
    const want = total.min === total.max ? `${total.min}` : `${Math.max(total.min, 1)}..${total.max}`;
    throw new Gs1Error(
      `AI (${ai}) ${spec.title}: "${value}" has ${value.length} characters, the AI takes ${want}`,
      "length",
      ai,
    );
  }
  let at = 0;
  spec.components.forEach((c, i) => {
    // Fixed components take their length; the last variable one takes the rest.
    const rest = spec.components.slice(i + 1).reduce((s, x) => s + x.min, 0);
    const len = c.min === c.max ? c.max : Math.min(c.max, value.length - at - rest);
    const part = value.slice(at, at + len);
    at += len;
    const ok = c.cs === "N" ? /^\d*$/.test(part) : c.cs === "X" ? CSET82.test(part) : CSET39.test(part);
    if (!ok) {
      const set = c.cs === "N" ? "digits only" : c.cs === "X" ? "the GS1 AI 82 character set" : "the GS1 AI 39 set";
      const bad = [...part].find((ch) => !(c.cs === "N" ? /\d/ : c.cs === "X" ? CSET82 : CSET39).test(ch));
      throw new Gs1Error(
        `AI (${ai}) ${spec.title}: "${value}" has ${JSON.stringify(bad)}, outside ${set}`,
        "charset",
        ai,
      );
    }
    if (c.check && !hasValidCheckDigit(part)) {
      throw new Gs1Error(
        `AI (${ai}) ${spec.title}: "${part}" has a wrong check digit (expected ${checkDigit(part.slice(0, -1))})`,
        "check-digit",
        ai,
      );
    }
    if (c.date) checkDate(ai, part, c.date);
  });
  if (at !== value.length) throw new Gs1Error(`AI (${ai}) ${spec.title}: "${value}" is too long`, "length", ai);
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// Keys, qualifiers and the data model.

/** One element string: an AI and its value. */
export interface Gs1Element {
  ai: string;
  value: string;
}

/**
 * Primary keys and their qualifiers in the Digital Link standard order (DL URI Syntax 1.2 §4 and its ABNF
 * "path element order"): each list is one allowed sequence, any qualifier of which may be left out.
 */
export const KEY_QUALIFIERS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  "01": [["22", "10", "21"], ["235"]],
  "8006": [["22", "10", "21"]],
  "8013": [[]],
  "8010": [["8011"]],
  "414": [["254"], ["7040"]],
  "417": [["7040"]],
  "8017": [["8019"]],
  "8018": [["8019"]],
  "255": [[]],
  "00": [[]],
  "253": [[]],
  "401": [[]],
  "402": [[]],
  "8003": [[]],
  "8004": [["7040"]],
};
const QUALIFIERS = new Set(Object.values(KEY_QUALIFIERS).flatMap((seqs) => seqs.flat()));

/** DL 1.2 convenience alphas for keys and qualifiers in the path, and `exp` in the query (DL ABNF). */
const ALPHA_AI: Record<string, string> = {
  gtin: "01",
  itip: "8006",
  gmn: "8013",
  cpid: "8010",
  gln: "414",
  party: "417",
  gsrnp: "8017",
  gsrn: "8018",
  gcn: "255",
  sscc: "00",
  gdti: "253",
  ginc: "401",
  gsin: "402",
  grai: "8003",
  giai: "8004",
  cpv: "22",
  lot: "10",
  ser: "21",
  cpsn: "8011",
  glnx: "254",
  refno: "8020",
  srin: "8019",
  exp: "17",
};

/** True when `ai` is a Digital Link primary key. */
export function isPrimaryKey(ai: string): boolean {
  return ai in KEY_QUALIFIERS;
}

/** How the data arrived. */
export type Gs1Form = "element string" | "bracketed" | "digital link";

/** GS1 data read from any accepted form. */
export interface Gs1Data {
  form: Gs1Form;
  /** The symbology identifier the scanner sent (`]d2`, `]Q3`, `]C1`, `]e0`, `]Q1`), if any. */
  symbology?: string;
  /** Every element, in the order read (a Digital Link: key, qualifiers, then query attributes). */
  elements: Gs1Element[];
  /** A Digital Link's scheme, domain and path prefix (before the primary key). */
  base?: string;
  /** A Digital Link's query parameters that are not GS1 AIs (e.g. `linkType`), kept but not converted. */
  extras?: [string, string][];
}

/** The value of `ai` in `elements`, or undefined. */
export function valueOf(elements: readonly Gs1Element[], ai: string): string | undefined {
  return elements.find((e) => e.ai === ai)?.value;
}

/** Association rules between AIs (GenSpecs §4.14): qualifiers need their key; 01 and 02 exclude each other. */
function checkAssociations(elements: readonly Gs1Element[]): void {
  const has = (ai: string) => elements.some((e) => e.ai === ai);
  if (has("01") && has("02")) throw new Gs1Error("AI (02) CONTENT cannot appear with AI (01) GTIN", "conflict", "02");
  const needs: [string, string[]][] = [
    ["21", ["01", "8006"]],
    ["22", ["01", "8006"]],
    ["235", ["01"]],
    ["254", ["414"]],
    ["8011", ["8010"]],
    ["8019", ["8017", "8018"]],
  ];
  for (const [q, keys] of needs) {
    if (has(q) && !keys.some(has)) {
      throw new Gs1Error(`AI (${q}) needs AI (${keys.join(") or (")}) with it`, "no-key", q);
    }
  }
}

/** Adds an element, refusing a second, different value of the same AI (GenSpecs §4.14: duplicates must agree). */
function addElement(out: Gs1Element[], ai: string, value: string): void {
  const prior = out.find((e) => e.ai === ai);
  if (prior && prior.value !== value) {
    throw new Gs1Error(
      `AI (${ai}) appears twice with different values "${prior.value}" and "${value}"`,
      "conflict",
      ai,
    );
  }
  if (!prior) out.push({ ai, value: validateAi(ai, value) });
}

// ---------------------------------------------------------------------------------------------------------------
// Raw scanner data and the bracketed form.

/** ASCII 29, the group separator that scanners transmit for FNC1 as a separator (GenSpecs §7.8.3). */
export const GS = "\u001d";

/** Keyboard-wedge spellings of GS: `<GS>`, `{GS}`, `[GS]`, the ␝ symbol, `^]` (Ctrl+] as caret notation). */
const WEDGE_GS = /<GS>|\{GS\}|\[GS\]|\u241d|\^\]/gi;

/** Symbology identifiers (ISO/IEC 15424, GenSpecs §5.1.2) that announce GS1 element strings. */
const GS1_SYMBOLOGIES = new Set(["]d2", "]Q3", "]C1", "]e0", "]J1"]);

/** Splits an unbracketed element string (FNC1 already mapped to GS) into elements (GenSpecs §7.8). */
function splitElementString(data: string): Gs1Element[] {
  const out: Gs1Element[] = [];
  let at = 0;
  while (at < data.length) {
    if (data[at] === GS) {
      at++;
      continue;
    }
    let spec: AiSpec | undefined;
    for (const len of [2, 3, 4]) {
      spec = AI_TABLE.get(data.slice(at, at + len));
      if (spec) break;
    }
    if (!spec) {
      const shown = data.slice(at, at + 4);
      throw new Gs1Error(
        `no GS1 Application Identifier starts at "${shown}" (position ${at + 1})`,
        "unknown-ai",
        shown,
      );
    }
    at += spec.ai.length;
    let value: string;
    if (spec.fixed !== undefined) {
      value = data.slice(at, at + spec.fixed);
      if (value.includes(GS) || value.length < spec.fixed) {
        throw new Gs1Error(`AI (${spec.ai}) ${spec.title} needs ${spec.fixed} characters`, "length", spec.ai);
      }
      at += spec.fixed;
    } else {
      const end = data.indexOf(GS, at);
      value = data.slice(at, end < 0 ? data.length : end);
      at = end < 0 ? data.length : end + 1;
    }
    addElement(out, spec.ai, value);
  }
  if (out.length === 0) throw new Gs1Error("the element string is empty", "syntax");
  return out;
}

/** Parses the bracketed human-readable form `(01)…(17)…(10)…` (GenSpecs §4.15). */
function splitBracketed(text: string): Gs1Element[] {
  const out: Gs1Element[] = [];
  // A value runs to the next "(AI)" (a "(" not followed by an AI and ")" stays in the value).
  const re = /\((\d{2,4})\)((?:(?!\(\d{2,4}\)).)*)/y;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(text)) !== null) {
    requireSpec(m[1]);
    addElement(out, m[1], m[2]);
    at = re.lastIndex;
  }
  if (at !== text.length || out.length === 0) {
    throw new Gs1Error(`"${text}" is not a bracketed element string "(AI)value(AI)value…"`, "syntax");
  }
  return out;
}

/**
 * Reads anything a scanner or a partner hands over: raw scanner data with or without a symbology identifier, the
 * bracketed form, or a GS1 Digital Link URI (also after `]Q1`). Every value is validated; refusals are `Gs1Error`s.
 */
export function parseGs1(input: string): Gs1Data {
  let text = input.replace(/[\r\n]+$/, "").trim();
  let symbology: string | undefined;
  const sym = /^\][A-Za-z][0-9A-Za-z]/.exec(text);
  if (sym) {
    symbology = sym[0];
    text = text.slice(3);
  }
  if (/^https?:\/\//i.test(text)) {
    if (symbology && symbology !== "]Q1" && symbology !== "]d1") {
      throw new Gs1Error(`symbology ${symbology} carries element strings, not a URI`, "syntax");
    }
    return { ...parseDigitalLinkData(text), symbology };
  }
  if (symbology && !GS1_SYMBOLOGIES.has(symbology)) {
    throw new Gs1Error(`symbology identifier ${symbology} is not a GS1 symbology (]d2 ]Q3 ]C1 ]e0)`, "syntax");
  }
  text = text.replace(WEDGE_GS, GS);
  if (!symbology && text.startsWith("(")) {
    const elements = splitBracketed(text);
    checkAssociations(elements);
    return { form: "bracketed", elements };
  }
  if (/^\d/.test(text) || text.startsWith(GS)) {
    const elements = splitElementString(text);
    checkAssociations(elements);
    return { form: "element string", symbology, elements };
  }
  throw new Gs1Error(
    `"${input.slice(0, 40)}" is neither scanner data, a bracketed element string nor a GS1 Digital Link`,
    "syntax",
  );
}

/** Orders elements for a barcode: predefined fixed-length AIs first, so fewer FNC1 separators are needed. */
function barcodeOrder(elements: readonly Gs1Element[]): Gs1Element[] {
  const spec = (e: Gs1Element) => requireSpec(e.ai);
  const free = elements.filter((e) => !spec(e).fnc1);
  return [...free, ...elements.filter((e) => spec(e).fnc1)];
}

/**
 * The unbracketed element string a scanner transmits: values of AIs that need FNC1 are followed by `separator`
 * (GS by default) unless last (GenSpecs §7.8.5). `symbology` (e.g. `]d2`) is prepended when given.
 */
export function toElementString(
  elements: readonly Gs1Element[],
  options: { separator?: string; symbology?: string } = {},
): string {
  const sep = options.separator ?? GS;
  const ordered = barcodeOrder(elements);
  return (
    (options.symbology ?? "") +
    ordered
      .map((e, i) => {
        validateAi(e.ai, e.value);
        return e.ai + e.value + (requireSpec(e.ai).fnc1 && i < ordered.length - 1 ? sep : "");
      })
      .join("")
  );
}

/** The bracketed human-readable form `(01)…(17)…` in barcode order (GenSpecs §4.15). */
export function toBracketed(elements: readonly Gs1Element[]): string {
  return barcodeOrder(elements)
    .map((e) => `(${e.ai})${validateAi(e.ai, e.value)}`)
    .join("");
}

// ---------------------------------------------------------------------------------------------------------------
// GS1 Digital Link URIs.

/** Percent-encodes every character but the DL 1.2 unreserved ones `A-Z a-z 0-9 - . _` (DL URI Syntax §6.5). */
export function percentEncode(value: string): string {
  return [...new TextEncoder().encode(value)]
    .map((b) => {
      const ch = String.fromCharCode(b);
      return /[A-Za-z0-9\-._]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

/** Strict decoding: only unreserved characters and well-formed `%XX` escapes are allowed (RFC 3986 §2.1). */
function percentDecode(raw: string, ai: string | undefined, where: string, relaxed = false): string {
  // GS1 values: unreserved characters and escapes only. Other query parameters: any RFC 3986 query character.
  const bad = (
    relaxed ? /%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~%!$'()*+,;=:@/?]/ : /%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~%]/
  ).exec(raw);
  if (bad) {
    const what = bad[0] === "%" ? `a "%" not followed by two hex digits` : `"${bad[0]}" not percent-encoded`;
    throw new Gs1Error(`${where}: "${raw}" has ${what}`, "percent-encoding", ai);
  }
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new Gs1Error(`${where}: "${raw}" is not UTF-8 once decoded`, "percent-encoding", ai);
  }
}

const aiOfSegment = (seg: string): string | undefined => (/^\d{2,4}$/.test(seg) ? seg : ALPHA_AI[seg]);

/**
 * Parses a GS1 Digital Link URI (DL URI Syntax 1.2): the primary key is the rightmost one whose following path
 * segments are all its qualifiers, in the standard order, each at most once; whatever stands before it is the
 * path prefix. GS1 AIs in the query string are data attributes (keys and qualifiers are refused there); other
 * parameters are kept in `extras`. Every value is validated.
 */
export function parseDigitalLinkData(uri: string): Gs1Data {
  const m = /^(https?):\/\/([^/?#\s]+)(\/[^?#\s]*)?(?:\?([^#\s]*))?(?:#\S*)?$/i.exec(uri.trim());
  if (!m) throw new Gs1Error(`"${uri}" is not a URI`, "uri");
  const segments = (m[3] ?? "").split("/").slice(1);
  while (segments.length > 0 && segments[segments.length - 1] === "") segments.pop();
  // Walk back from the end by (AI, value) pairs: qualifiers until the primary key.
  const tail: { ai: string; raw: string }[] = [];
  let j = segments.length - 2;
  let key: { ai: string; raw: string } | undefined;
  for (; j >= 0; j -= 2) {
    const ai = aiOfSegment(segments[j]);
    if (ai !== undefined && isPrimaryKey(ai)) {
      key = { ai, raw: segments[j + 1] };
      break;
    }
    if (ai === undefined || !QUALIFIERS.has(ai)) {
      if (tail.length === 0 && segments.length % 2 === 1 && aiOfSegment(segments[segments.length - 1])) {
        const last = aiOfSegment(segments[segments.length - 1])!;
        throw new Gs1Error(`"${uri}": AI ${last} has no value`, "syntax", last);
      }
      if (ai !== undefined && AI_TABLE.has(ai)) {
        throw new Gs1Error(
          `"${uri}": AI (${ai}) is a data attribute: it belongs in the query string, not the path`,
          "placement",
          ai,
        );
      }
      break;
    }
    tail.unshift({ ai, raw: segments[j + 1] });
  }
  if (!key) {
    const last = segments.length % 2 === 1 ? aiOfSegment(segments[segments.length - 1]) : undefined;
    if (last && segments.length === 1) throw new Gs1Error(`"${uri}": AI ${last} has no value`, "syntax", last);
    throw new Gs1Error(`"${uri}" has no primary key (such as /01/<gtin> or /00/<sscc>) in its path`, "no-key");
  }
  // Qualifier order: the sequence must be a subsequence of one of the key's allowed sequences.
  const seen = new Set<string>();
  for (const q of tail) {
    if (seen.has(q.ai)) throw new Gs1Error(`"${uri}": AI (${q.ai}) appears twice in the path`, "duplicate", q.ai);
    seen.add(q.ai);
  }
  const order = tail.map((q) => q.ai);
  const allowed = KEY_QUALIFIERS[key.ai].some((seq) => {
    let k = 0;
    for (const ai of order) {
      k = seq.indexOf(ai, k);
      if (k < 0) return false;
      k++;
    }
    return true;
  });
  if (!allowed) {
    const bad = order.find((ai) => !KEY_QUALIFIERS[key.ai].some((seq) => seq.includes(ai)));
    if (bad) {
      throw new Gs1Error(`"${uri}": AI (${bad}) is not a qualifier of key AI (${key.ai})`, "placement", bad);
    }
    const want = KEY_QUALIFIERS[key.ai].map((s) => s.join("/")).join(" or ");
    throw new Gs1Error(
      `"${uri}": qualifiers ${order.join("/")} of AI (${key.ai}) are out of the standard order ${want}`,
      "order",
      order[order.length - 1],
    );
  }
  const elements: Gs1Element[] = [];
  const push = (ai: string, raw: string) => {
    let value = percentDecode(raw, ai, `AI (${ai})`);
    if (ai === "01") value = normaliseGtin(value);
    elements.push({ ai, value: validateAi(ai, value) });
  };
  push(key.ai, key.raw);
  for (const q of tail) push(q.ai, q.raw);
  const extras: [string, string][] = [];
  for (const pair of (m[4] ?? "").split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const raw = eq < 0 ? "" : pair.slice(eq + 1);
    const ai = /^\d{2,4}$/.test(name) ? name : name === "exp" ? "17" : undefined;
    if (ai === undefined) {
      extras.push([
        percentDecode(name, undefined, "query", true),
        percentDecode(raw, undefined, `query ${name}`, true),
      ]);
      continue;
    }
    requireSpec(ai);
    if (isPrimaryKey(ai) || QUALIFIERS.has(ai)) {
      throw new Gs1Error(`"${uri}": AI (${ai}) is a key or key qualifier: it belongs in the path`, "placement", ai);
    }
    if (elements.some((e) => e.ai === ai)) {
      throw new Gs1Error(`"${uri}": AI (${ai}) appears twice in the query string`, "duplicate", ai);
    }
    push(ai, raw);
  }
  checkAssociations(elements);
  const prefix = segments.slice(0, j).join("/");
  return {
    form: "digital link",
    elements,
    base: `${m[1].toLowerCase()}://${m[2]}${prefix ? `/${prefix}` : ""}`,
    extras: extras.length > 0 ? extras : undefined,
  };
}

/** The default resolver domain of the project's links. */
export const DEFAULT_RESOLVER = "https://id.example";

/**
 * The GS1 Digital Link URI of `elements`: the primary key (the only one present, or `options.key`), its qualifiers
 * in the standard order in the path, every other AI as a query attribute in element order, all values strictly
 * percent-encoded.
 */
export function toDigitalLink(elements: readonly Gs1Element[], options: { base?: string; key?: string } = {}): string {
  const keys = elements.filter((e) => isPrimaryKey(e.ai));
  const chosen = options.key ?? (keys.length === 1 ? keys[0].ai : undefined);
  if (keys.length === 0) throw new Gs1Error("no primary key (such as AI 01 GTIN or AI 00 SSCC) to link", "no-key");
  if (chosen === undefined) {
    throw new Gs1Error(
      `more than one primary key (${keys.map((k) => k.ai).join(", ")}): choose one for the link`,
      "ambiguous-key",
      keys[1].ai,
    );
  }
  const key = keys.find((k) => k.ai === chosen);
  if (!key) throw new Gs1Error(`AI (${chosen}) is not among the elements`, "no-key", chosen);
  checkAssociations(elements);
  const sequences = KEY_QUALIFIERS[key.ai];
  const present = elements.filter((e) => e !== key && sequences.some((s) => s.includes(e.ai)));
  const seq = sequences.find((s) => present.every((e) => s.includes(e.ai)));
  if (!seq) {
    throw new Gs1Error(
      `qualifiers ${present.map((e) => e.ai).join(", ")} cannot be combined on one key`,
      "conflict",
      present[present.length - 1]?.ai,
    );
  }
  const value = (e: Gs1Element) => percentEncode(validateAi(e.ai, e.ai === "01" ? normaliseGtin(e.value) : e.value));
  let uri = `${(options.base ?? DEFAULT_RESOLVER).replace(/\/+$/, "")}/${key.ai}/${value(key)}`;
  for (const ai of seq) {
    const q = present.find((e) => e.ai === ai);
    if (q) uri += `/${ai}/${value(q)}`;
  }
  const attributes = elements.filter((e) => e !== key && !present.includes(e));
  if (attributes.length > 0) uri += "?" + attributes.map((e) => `${e.ai}=${value(e)}`).join("&");
  return uri;
}

// ---------------------------------------------------------------------------------------------------------------
// The item view used by the supply chain (GTIN + lot + serial + expiry), kept for its callers.

/** What a pack's code identifies. */
export interface DigitalLink {
  gtin: string;
  lot?: string;
  serial?: string;
  /** AI 17 YYMMDD. */
  expiry?: string;
}

/** The pack view (GTIN, lot, serial, expiry) of GS1 data whose primary key is a GTIN. */
export function itemOf(data: Gs1Data | readonly Gs1Element[]): DigitalLink {
  const elements = "elements" in data ? data.elements : data;
  const gtin = valueOf(elements, "01");
  if (gtin === undefined) throw new Gs1Error("the code identifies no trade item: it has no AI (01) GTIN", "no-key");
  const link: DigitalLink = { gtin: normaliseGtin(gtin) };
  const lot = valueOf(elements, "10");
  const serial = valueOf(elements, "21");
  const expiry = valueOf(elements, "17");
  if (lot !== undefined) link.lot = lot;
  if (serial !== undefined) link.serial = serial;
  if (expiry !== undefined) link.expiry = expiry;
  return link;
}

/** The elements of a pack view, in barcode order: (01) (17) (10) (21). */
export function elementsOf(link: DigitalLink): Gs1Element[] {
  const out: Gs1Element[] = [{ ai: "01", value: normaliseGtin(link.gtin) }];
  if (link.expiry !== undefined) out.push({ ai: "17", value: validateAi("17", link.expiry) });
  if (link.lot !== undefined) out.push({ ai: "10", value: validateLot(link.lot) });
  if (link.serial !== undefined) out.push({ ai: "21", value: validateSerial(link.serial) });
  return out;
}

/** Builds `https://<domain>/01/<gtin>/10/<lot>/21/<serial>[?17=<YYMMDD>]` with validated, percent-encoded parts. */
export function buildDigitalLink(link: DigitalLink, domain = DEFAULT_RESOLVER): string {
  return toDigitalLink(elementsOf(link), { base: domain });
}

/** Parses a GS1 Digital Link URI (any domain and path prefix) whose primary key is a GTIN into the pack view. */
export function parseDigitalLink(uri: string): DigitalLink {
  return itemOf(parseDigitalLinkData(uri));
}

/** Parses any accepted form (scanner data, bracketed, Digital Link) whose primary key is a GTIN. */
export function parsePack(input: string): DigitalLink {
  return itemOf(parseGs1(input));
}
