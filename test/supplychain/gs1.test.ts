/**
 * The GS1 module against the GS1 General Specifications (GenSpecs, Release 25) and the GS1 Digital Link Standard:
 * URI Syntax 1.2 (DL). Each case names the section it checks. Pure functions: no chain needed.
 */
import { expect } from "chai";
import {
  GS,
  Gs1Error,
  Gs1ErrorCode,
  buildDigitalLink,
  elementsOf,
  itemOf,
  makeGtin,
  makeSscc,
  parseDigitalLink,
  parseDigitalLinkData,
  parseGs1,
  parsePack,
  percentEncode,
  toBracketed,
  toDigitalLink,
  toElementString,
  validateAi,
} from "../../src/gs1";
import { chainItemOf, elementsOfChainItem, palletOf, ssccElement } from "../../src/gs1-chain";
import { itemKeyOf, lotIdOf } from "../../src/supplychain";

const GTIN = "09506000134352"; // GS1's own example GTIN (GenSpecs §3.3.2 examples use 9506000134352)
const SSCC = "106141411234567897"; // GS1's example SSCC (GenSpecs §2.2.1)
const PACK = [
  { ai: "01", value: GTIN },
  { ai: "17", value: "281130" },
  { ai: "10", value: "AMX-2611" },
  { ai: "21", value: "AMX2611-0001" },
];

/** Asserts `fn` throws a Gs1Error with this code and AI, and a message containing `text`. */
function refuses(fn: () => unknown, code: Gs1ErrorCode, ai: string | undefined, text: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a Gs1Error ${code}`).to.be.instanceOf(Gs1Error);
  const e = caught as Gs1Error;
  expect({ code: e.code, ai: e.ai }).to.deep.equal({ code, ai });
  expect(e.message).to.contain(text);
}

describe("GS1 module: raw scanner data (GenSpecs §5.1.2 symbology identifiers, §7.8 element strings)", function () {
  it("reads a GS1 DataMatrix scan ]d2 with FNC1 as ASCII 29 after a variable-length AI (§7.8.5)", function () {
    const raw = `]d2010950600013435217281130` + `10AMX-2611${GS}21AMX2611-0001`;
    const data = parseGs1(raw);
    expect(data.form).to.equal("element string");
    expect(data.symbology).to.equal("]d2");
    expect(data.elements).to.deep.equal(PACK);
  });

  it("reads the issue's pharmacy-counter scan with the keyboard-wedge <GS> text", function () {
    const gtin = makeGtin("0950600013459");
    const data = parseGs1(`]d201${gtin}17271031` + `10INS-2610<GS>21INS2610-0001`);
    expect(itemOf(data)).to.deep.equal({ gtin, lot: "INS-2610", serial: "INS2610-0001", expiry: "271031" });
  });

  it("accepts every keyboard-wedge spelling of GS: {GS} [GS] ␝ ^]", function () {
    for (const gs of ["{GS}", "[GS]", "\u241d", "^]", "<gs>"]) {
      expect(parseGs1(`]d20109506000134352` + `10L1${gs}21S1`).elements.map((e) => e.value)).to.deep.equal([
        GTIN,
        "L1",
        "S1",
      ]);
    }
  });

  it("reads ]Q3 (GS1 QR Code), ]C1 (GS1-128), ]e0 (GS1 DataBar) and data without an identifier (§5.1.2)", function () {
    const body = `0109506000134352` + `21S1`;
    for (const sym of ["]Q3", "]C1", "]e0", ""]) {
      const data = parseGs1(sym + body);
      expect(data.symbology).to.equal(sym || undefined);
      expect(data.elements).to.deep.equal([
        { ai: "01", value: GTIN },
        { ai: "21", value: "S1" },
      ]);
    }
  });

  it("reads a leading FNC1 (GS) and a GS after a fixed-length AI, which scanners may send (§7.8.3)", function () {
    expect(parseGs1(`${GS}0109506000134352${GS}17281130`).elements).to.deep.equal([
      { ai: "01", value: GTIN },
      { ai: "17", value: "281130" },
    ]);
  });

  it("reads ]Q1 followed by a Digital Link as a Digital Link (DL §4)", function () {
    const data = parseGs1(`]Q1https://id.example/01/${GTIN}/10/L1`);
    expect(data.form).to.equal("digital link");
    expect(data.symbology).to.equal("]Q1");
  });

  it("refuses a non-GS1 symbology identifier, unknown AIs and truncated fixed-length values", function () {
    refuses(() => parseGs1(`]A0${"0109506000134352"}`), "syntax", undefined, "not a GS1 symbology");
    refuses(() => parseGs1(`]d2${"0109506000134352"}` + `9Z1`), "unknown-ai", "9Z1", "position 17");
    refuses(() => parseGs1(`]d20109506000134`), "length", "01", "needs 14 characters");
    refuses(() => parseGs1(`]C1https://id.example/01/${GTIN}`), "syntax", undefined, "not a URI");
    refuses(() => parseGs1("hello"), "syntax", undefined, "neither scanner data");
  });

  it("refuses a variable-length value that runs past its maximum (a missing separator, §7.8.5)", function () {
    refuses(() => parseGs1(`]d20109506000134352` + `10ABCDEFGHIJKLMNOPQRSTUV`), "length", "10", "takes 1..20");
  });

  it("refuses the same AI twice with different values, takes an identical repeat once (§4.14)", function () {
    refuses(() => parseGs1(`0109506000134352` + `10L1${GS}10L2`), "conflict", "10", "different values");
    expect(parseGs1(`0109506000134352` + `10L1${GS}10L1`).elements).to.have.length(2);
  });

  it("refuses a qualifier without its key and 01 with 02 (§4.14 mandatory associations, invalid pairs)", function () {
    refuses(() => parseGs1(`21S1`), "no-key", "21", "needs AI (01) or (8006)");
    refuses(() => parseGs1(`0109506000134352${"0209506000134352"}`), "conflict", "02", "cannot appear with");
  });

  it("writes the element string with GS only after variable-length AIs that are not last (§7.8.5)", function () {
    const s = toElementString(PACK, { symbology: "]d2" });
    expect(s).to.equal(`]d2010950600013435217281130` + `10AMX-2611${GS}21AMX2611-0001`);
    expect(parseGs1(s).elements).to.deep.equal(PACK);
    // Fixed-length AIs go first, so the variable ones are last (fewer separators).
    expect(toElementString([PACK[2], PACK[0]], { separator: "<GS>" })).to.equal(`01${GTIN}10AMX-2611`);
  });
});

describe("GS1 module: bracketed human-readable form (GenSpecs §4.15)", function () {
  it("reads and writes (01)(17)(10)(21)", function () {
    const hri = `(01)${GTIN}(17)281130(10)AMX-2611(21)AMX2611-0001`;
    const data = parseGs1(hri);
    expect(data.form).to.equal("bracketed");
    expect(data.elements).to.deep.equal(PACK);
    expect(toBracketed(data.elements)).to.equal(hri);
  });

  it("keeps a '(' that does not open an AI inside a value (AI 82 allows parentheses, §7.11)", function () {
    expect(parseGs1(`(01)${GTIN}(10)A(B)1`).elements[1]).to.deep.equal({ ai: "10", value: "A(B)1" });
  });

  it("refuses text around the brackets and unknown AIs", function () {
    refuses(() => parseGs1(`(01)${GTIN}x(10)`), "length", "01", "has 15 characters");
    refuses(() => parseGs1(`(01)${GTIN}(9999)1`), "unknown-ai", "9999", "not a GS1 Application Identifier");
    refuses(() => parseGs1(`(0x)1`), "syntax", undefined, "not a bracketed element string");
  });
});

describe("GS1 module: AI formats (GenSpecs §3, §7.9 check digits, §7.11 character sets, §7.12 dates)", function () {
  it("checks numeric lengths", function () {
    refuses(() => validateAi("00", "12345"), "length", "00", "takes 18");
    refuses(() => validateAi("01", "0950600013435"), "length", "01", "takes 14");
    refuses(() => validateAi("414", "123"), "length", "414", "takes 13");
  });

  it("checks mod-10 check digits on SSCC, GTIN, GLN, GSRN, GDTI, GRAI and ITIP (§7.9.1)", function () {
    expect(validateAi("00", SSCC)).to.equal(SSCC);
    refuses(() => validateAi("00", "106141411234567898"), "check-digit", "00", "expected 7");
    refuses(() => validateAi("01", "09506000134353"), "check-digit", "01", "expected 2");
    refuses(() => validateAi("414", "9506000134353"), "check-digit", "414", "wrong check digit");
    refuses(() => validateAi("8018", "950600013400000001".slice(0, 17) + "9"), "check-digit", "8018", "expected");
    refuses(() => validateAi("253", "9506000134353DOC1"), "check-digit", "253", "wrong check digit");
    refuses(() => validateAi("8003", "09506000134353A1"), "check-digit", "8003", "wrong check digit");
    refuses(() => validateAi("8006", "095060001343530102"), "check-digit", "8006", "wrong check digit");
    expect(validateAi("8003", "09506000134352A1")).to.equal("09506000134352A1");
  });

  it("checks dates: month 01..12, the month's days, DD = 00 only where allowed (§7.12)", function () {
    expect(validateAi("17", "280200")).to.equal("280200"); // DD = 00: end of the month (§3.4.6)
    expect(validateAi("17", "280229")).to.equal("280229"); // 2028 is a leap year
    refuses(() => validateAi("17", "271399"), "date", "17", "month 13");
    refuses(() => validateAi("17", "270229"), "date", "17", "day 29 is not 01..28");
    refuses(() => validateAi("11", "270431"), "date", "11", "day 31 is not 01..30");
    refuses(() => validateAi("7006", "270400"), "date", "7006", "day 0");
  });

  it("checks the AI 82 character set of lots and serials and the AI 39 set of CPID (§7.11)", function () {
    expect(validateAi("21", `!"%&'()*+,-./:;<=>?_z`.slice(0, 20))).to.have.length(20);
    refuses(() => validateAi("21", "A#1"), "charset", "21", '"#"');
    refuses(() => validateAi("10", "L 1"), "charset", "10", '" "');
    refuses(() => validateAi("10", "Lö"), "charset", "10", "AI 82");
    refuses(() => validateAi("8010", "abc"), "charset", "8010", "AI 39");
    refuses(() => validateAi("17", "28113A"), "charset", "17", "digits only");
  });

  it("checks variable-length numeric AIs and unknown AIs", function () {
    refuses(() => validateAi("30", "123456789"), "length", "30", "takes 1..8");
    refuses(() => validateAi("21", ""), "length", "21", "takes 1..20");
    refuses(() => validateAi("4321", "1"), "unknown-ai", "4321", "not a GS1 Application Identifier");
  });
});

describe("GS1 module: Digital Link URIs (DL URI Syntax 1.2)", function () {
  it("reads every primary key with its qualifiers (DL §4, ABNF path element order)", function () {
    const gln = makeGtin("0950600013400").slice(1); // a GLN is 13 digits with a check digit
    const cases: [string, [string, string][]][] = [
      [
        `/01/${GTIN}/22/V1/10/L1/21/S1`,
        [
          ["01", GTIN],
          ["22", "V1"],
          ["10", "L1"],
          ["21", "S1"],
        ],
      ],
      [
        `/01/${GTIN}/235/TPX1`,
        [
          ["01", GTIN],
          ["235", "TPX1"],
        ],
      ],
      [`/00/${SSCC}`, [["00", SSCC]]],
      [
        `/414/${gln}/254/DOCK-7`,
        [
          ["414", gln],
          ["254", "DOCK-7"],
        ],
      ],
      [`/417/${gln}`, [["417", gln]]],
      [`/8004/CITY-ASSET-42`, [["8004", "CITY-ASSET-42"]]],
      [`/8003/${GTIN}PAL1`, [["8003", `${GTIN}PAL1`]]],
      [
        `/8006/${GTIN}0102/10/L1`,
        [
          ["8006", `${GTIN}0102`],
          ["10", "L1"],
        ],
      ],
      [
        `/8010/CPID-1/8011/42`,
        [
          ["8010", "CPID-1"],
          ["8011", "42"],
        ],
      ],
      [`/8013/GMN-A1`, [["8013", "GMN-A1"]]],
      [
        `/8017/${makeSscc("95060001340000000")}/8019/12`,
        [
          ["8017", makeSscc("95060001340000000")],
          ["8019", "12"],
        ],
      ],
      [`/255/${gln}12`, [["255", `${gln}12`]]],
      [`/253/${gln}DOC`, [["253", `${gln}DOC`]]],
      [`/401/CONSIGN-9`, [["401", "CONSIGN-9"]]],
      [`/402/${makeSscc("09506000134000000").slice(1)}`, [["402", makeSscc("09506000134000000").slice(1)]]],
    ];
    for (const [path, elements] of cases) {
      const data = parseDigitalLinkData(`https://id.example${path}`);
      expect(data.elements, path).to.deep.equal(elements.map(([ai, value]) => ({ ai, value })));
      expect(toDigitalLink(data.elements), path).to.equal(`https://id.example${path}`);
    }
  });

  it("reads data attributes from the query string and keeps other parameters aside (DL §4.4)", function () {
    const data = parseDigitalLinkData(`https://id.example/01/${GTIN}/10/L1?17=281130&3103=000250&linkType=gs1:pil`);
    expect(data.elements).to.deep.equal([
      { ai: "01", value: GTIN },
      { ai: "10", value: "L1" },
      { ai: "17", value: "281130" },
      { ai: "3103", value: "000250" },
    ]);
    expect(data.extras).to.deep.equal([["linkType", "gs1:pil"]]);
    expect(parseDigitalLinkData(`https://id.example/01/${GTIN}?exp=281130`).elements[1]).to.deep.equal({
      ai: "17",
      value: "281130",
    });
  });

  it("takes the rightmost primary key: a path prefix may contain key-like segments (DL §4.1)", function () {
    const other = makeGtin("0950600013436");
    const data = parseDigitalLinkData(`https://brand.example/01/${other}/shop/01/${GTIN}/10/L1`);
    expect(data.base).to.equal(`https://brand.example/01/${other}/shop`);
    expect(itemOf(data)).to.deep.equal({ gtin: GTIN, lot: "L1" });
    expect(parseDigitalLink(`https://brand.example/p/01/${GTIN}`)).to.deep.equal({ gtin: GTIN });
  });

  it("reads the convenience alphas of DL 1.2 (/gtin/, /lot/, /ser/, /sscc/)", function () {
    expect(parsePack(`https://id.example/gtin/${GTIN}/lot/L1/ser/S1`)).to.deep.equal({
      gtin: GTIN,
      lot: "L1",
      serial: "S1",
    });
    expect(parseDigitalLinkData(`https://id.example/sscc/${SSCC}`).elements).to.deep.equal([{ ai: "00", value: SSCC }]);
  });

  it("normalises a GTIN-13 in the path to 14 digits (DL §4.3)", function () {
    expect(parsePack("https://id.example/01/9506000134352").gtin).to.equal(GTIN);
  });

  it("percent-encodes everything outside A-Z a-z 0-9 - . _, including ! ' ( ) * (DL §6.5, ABNF XSYMBOL)", function () {
    expect(percentEncode(`!'()*/%&+,:;<=>?"`)).to.equal("%21%27%28%29%2A%2F%25%26%2B%2C%3A%3B%3C%3D%3E%3F%22");
    expect(percentEncode("AMX-2611_v.1")).to.equal("AMX-2611_v.1");
    const uri = buildDigitalLink({ gtin: "9506000134352", lot: "L(1)*", serial: "S!'1", expiry: "281130" });
    expect(uri).to.equal(`https://id.example/01/${GTIN}/10/L%281%29%2A/21/S%21%271?17=281130`);
    expect(parseDigitalLink(uri)).to.deep.equal({ gtin: GTIN, lot: "L(1)*", serial: "S!'1", expiry: "281130" });
  });

  it("refuses a stray %, an unescaped reserved character and a value that is not UTF-8 (RFC 3986 §2.1)", function () {
    refuses(() => parsePack(`https://id.example/01/${GTIN}/10/L%1`), "percent-encoding", "10", `a "%" not followed`);
    refuses(() => parsePack(`https://id.example/01/${GTIN}/10/L(1)`), "percent-encoding", "10", `"(" not percent`);
    refuses(() => parsePack(`https://id.example/01/${GTIN}/21/S%FF`), "percent-encoding", "21", "not UTF-8");
    refuses(() => parsePack(`https://id.example/01/${GTIN}?17=28%2`), "percent-encoding", "17", "not followed");
  });

  it("refuses ambiguous links: a repeated qualifier or attribute, qualifiers out of order (DL §4.2)", function () {
    refuses(() => parsePack(`https://id.example/01/${GTIN}/10/A/10/B`), "duplicate", "10", "appears twice in the path");
    refuses(() => parsePack(`https://id.example/01/${GTIN}/21/S1/10/L1`), "order", "10", "out of the standard order");
    refuses(() => parsePack(`https://id.example/01/${GTIN}/10/L1/22/V`), "order", "22", "22/10/21");
    refuses(() => parsePack(`https://id.example/01/${GTIN}?17=281130&17=281231`), "duplicate", "17", "query");
    refuses(() => parsePack(`https://id.example/01/${GTIN}/254/X`), "placement", "254", "not a qualifier of");
  });

  it("refuses keys and qualifiers in the query, attributes in the path, and a link without a key", function () {
    refuses(() => parsePack(`https://id.example/01/${GTIN}?10=L1`), "placement", "10", "belongs in the path");
    refuses(() => parsePack(`https://id.example/01/${GTIN}/17/281130`), "placement", "17", "query string");
    refuses(() => parsePack("https://id.example/10/L1"), "no-key", undefined, "no primary key");
    refuses(() => parsePack(`https://id.example/01/${GTIN}/10`), "syntax", "10", "AI 10 has no value");
    refuses(() => parsePack("not a uri"), "syntax", undefined, "neither scanner data");
    refuses(() => parseDigitalLink("ftp://id.example/01/x"), "uri", undefined, "not a URI");
    refuses(() => parsePack(`https://id.example/00/${SSCC}`), "no-key", undefined, "no AI (01) GTIN");
    refuses(() => parsePack(`https://id.example/01/${GTIN}?17=281399`), "date", "17", "month 13");
    refuses(() => parsePack(`https://id.example/01/${GTIN}?9999=1`), "unknown-ai", "9999", "not a GS1");
  });
});

describe("GS1 module: lossless conversion between the forms and the on-chain identifiers", function () {
  it("element string → Digital Link → bracketed → element string keeps every AI", function () {
    const raw = `]d2010950600013435217281130` + `3103000250` + `10AMX-2611${GS}21AMX2611-0001`;
    const elements = parseGs1(raw).elements;
    const link = toDigitalLink(elements, { base: "https://brand.example/pharma" });
    expect(link).to.equal(`https://brand.example/pharma/01/${GTIN}/10/AMX-2611/21/AMX2611-0001?17=281130&3103=000250`);
    const back = parseGs1(toBracketed(parseGs1(link).elements)).elements;
    expect(toElementString(back, { symbology: "]d2" })).to.equal(raw);
  });

  it("refuses to link data with two primary keys unless one is chosen", function () {
    const elements = [
      { ai: "00", value: SSCC },
      { ai: "414", value: makeGtin("0950600013400").slice(1) },
    ];
    refuses(() => toDigitalLink(elements), "ambiguous-key", "414", "choose one");
    expect(toDigitalLink(elements, { key: "00" })).to.match(new RegExp(`/00/${SSCC}\\?414=`));
    refuses(() => toDigitalLink([{ ai: "17", value: "281130" }]), "no-key", undefined, "no primary key");
  });

  it("maps a pack to the contract's identifiers and back (gtin uint64, lotId, itemKey, expiry)", function () {
    const item = chainItemOf(parseGs1(`(01)${GTIN}(17)281130(10)AMX-2611(21)AMX2611-0001`));
    expect(item.gtin).to.equal(9506000134352n);
    expect(item.lotId).to.equal(lotIdOf(GTIN, "AMX-2611"));
    expect(item.itemKey).to.equal(itemKeyOf(item.lotId, "AMX2611-0001"));
    expect(item.expiry).to.equal(Date.UTC(2028, 11, 1) / 1000);
    const elements = elementsOfChainItem({
      gtin: item.gtin,
      lot: item.lot,
      serial: item.serial!,
      expiry: item.expiry!,
    });
    expect(elements).to.deep.equal(elementsOf(itemOf(PACK)));
    expect(toElementString(elements)).to.equal(toElementString(PACK));
  });

  it("maps a pallet's SSCC to the contract's uint64 and back", function () {
    expect(palletOf(parseGs1(`https://id.example/00/${SSCC}`))).to.equal(106141411234567897n);
    expect(ssccElement(106141411234567897n)).to.deep.equal({ ai: "00", value: SSCC });
    const short = makeSscc("00614141123456789"); // extension digit 0: leading zeros the uint64 drops
    expect(ssccElement(BigInt(short))).to.deep.equal({ ai: "00", value: short });
    refuses(() => palletOf(parseGs1(`https://id.example/01/${GTIN}`)), "no-key", "00", "no AI (00) SSCC");
    refuses(() => ssccElement(106141411234567898n), "check-digit", "00", "wrong check digit");
  });
});
