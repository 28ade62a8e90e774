import { HistoryClient } from "../../src/history/client";
import { withHistory } from "../fixtures/history";
import { DEMO_EPOCH, bytes32ToEpcisHash, custodyHop, demoGln, epcisEventHash } from "../../src/epcis";
import { epcisLine, memberSites, sitePlaces } from "../../src/history/timeline";
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  Gs1Error,
  buildDigitalLink,
  checkDigit,
  expiryFromYymmdd,
  isValidGtin,
  isValidSscc,
  makeGtin,
  makeSscc,
  normaliseGtin,
  parseDigitalLink,
  validateLot,
  validateSerial,
  yymmddFromExpiry,
} from "../../src/gs1";
import {
  LotFileError,
  SerialTree,
  cbv,
  decodeStep,
  loadLotCsv,
  lotIdOf,
  parseLotCsv,
  textHash,
  traceItem,
  verifyCode,
} from "../../src/supplychain";
import { GTIN, LOT, SERIALS, SSCC, deploySupplyChainFixture, shipment } from "../fixtures/supplychain";

describe("GS1 helpers", function () {
  it("computes GS1 mod-10 check digits for GTINs and SSCCs", function () {
    expect(checkDigit("950600013435")).to.equal(2); // GS1's own example GTIN-13 9506000134352
    expect(makeGtin("0950600013435")).to.equal("09506000134352");
    expect(normaliseGtin("9506000134352")).to.equal("09506000134352");
    expect(isValidGtin("09506000134352")).to.equal(true);
    expect(isValidGtin("09506000134353")).to.equal(false);
    expect(isValidGtin("12345")).to.equal(false);
    expect(makeSscc("10614141192837465")).to.equal("106141411928374657");
    expect(isValidSscc("106141411928374657")).to.equal(true);
    expect(isValidSscc("106141411928374658")).to.equal(false);
    expect(() => checkDigit("12a")).to.throw(Gs1Error, "not a digit string");
    expect(() => makeGtin("123")).to.throw(Gs1Error, "13 digits");
    expect(() => makeSscc("123")).to.throw(Gs1Error, "17 digits");
    expect(() => normaliseGtin("09506000134353")).to.throw(Gs1Error, "expected 2");
  });

  it("enforces the AI 21 serial and AI 10 lot rules", function () {
    expect(validateSerial("AB-12/x")).to.equal("AB-12/x");
    expect(() => validateSerial("")).to.throw(Gs1Error, "empty");
    expect(() => validateSerial("X".repeat(21))).to.throw(Gs1Error, "21 characters");
    expect(() => validateSerial("A#1")).to.throw(Gs1Error, "AI 82");
    expect(() => validateLot("")).to.throw(Gs1Error, "empty");
    expect(() => validateLot("L".repeat(21))).to.throw(Gs1Error, "GS1 AI 10");
    expect(() => validateLot("L 1")).to.throw(Gs1Error, "AI 82");
  });

  it("converts AI 17 expiry dates to the end of the day, day 00 meaning the month's last day", function () {
    expect(expiryFromYymmdd("261231")).to.equal(Date.UTC(2027, 0, 1) / 1000);
    expect(expiryFromYymmdd("260200")).to.equal(Date.UTC(2026, 2, 1) / 1000);
    expect(yymmddFromExpiry(expiryFromYymmdd("280229"))).to.equal("280229");
    expect(() => expiryFromYymmdd("2612")).to.throw(Gs1Error, "YYMMDD");
    expect(() => expiryFromYymmdd("261301")).to.throw(Gs1Error, "month 13");
    expect(() => expiryFromYymmdd("260230")).to.throw(Gs1Error, "day 30");
  });

  it("builds and parses GS1 Digital Link URIs with escaped parts", function () {
    const uri = buildDigitalLink({ gtin: "9506000134352", lot: "L/1", serial: "S%1", expiry: "261231" });
    expect(uri).to.equal("https://id.example/01/09506000134352/10/L%2F1/21/S%251?17=261231");
    expect(parseDigitalLink(uri)).to.deep.equal({
      gtin: "09506000134352",
      lot: "L/1",
      serial: "S%1",
      expiry: "261231",
    });
    expect(parseDigitalLink("https://brand.example/p/01/09506000134352")).to.deep.equal({ gtin: "09506000134352" });
    expect(buildDigitalLink({ gtin: "09506000134352" }, "https://x.example/")).to.equal(
      "https://x.example/01/09506000134352",
    );
    expect(() => parseDigitalLink("not a uri")).to.throw(Gs1Error, "not a URI");
    expect(() => parseDigitalLink("https://id.example/10/L1")).to.throw(Gs1Error, "no primary key");
    expect(() => parseDigitalLink("https://id.example/01/09506000134352/10")).to.throw(Gs1Error, "AI 10 has no value");
    expect(() => parseDigitalLink("https://id.example/01/09506000134352/99/x")).to.throw(
      Gs1Error,
      "belongs in the query string",
    );
    expect(() => parseDigitalLink("https://id.example/01/09506000134352?17=261299")).to.throw(Gs1Error, "day 99");
    expect(() => buildDigitalLink({ gtin: "09506000134352", expiry: "26" })).to.throw(Gs1Error, "takes 6");
  });
});

describe("Lot files and serial trees", function () {
  const head = "gtin,lot,expiry,serial";

  it("reads a valid lot CSV", function () {
    const lot = parseLotCsv(`${head}\n9506000134352,L1,261231,A1\n09506000134352,L1,261231,A2\n`);
    expect(lot).to.deep.equal({ gtin: "09506000134352", lot: "L1", expiry: "261231", serials: ["A1", "A2"] });
  });

  it("names the line and field of every bad row", function () {
    const csv = [
      head,
      "09506000134352,L1,261231,A1",
      "09506000134353,L1,261231,A2",
      `09506000134352,L1,261231,${"X".repeat(21)}`,
      "09506000134352,L1,261231,A1",
      "09506000134352,L2,261231,A5",
      "09506000134352,L1,261331,A6",
    ].join("\n");
    try {
      parseLotCsv(csv, "lot.csv");
      expect.fail("parseLotCsv accepted a bad file");
    } catch (e) {
      expect(e).to.be.instanceOf(LotFileError);
      const problems = (e as LotFileError).problems;
      expect(problems).to.deep.equal([
        'line 3, gtin: GTIN "09506000134353" has a wrong check digit (expected 2)',
        `line 4, serial: serial "${"X".repeat(21)}" has 21 characters (GS1 AI 21 allows 20)`,
        'line 5, serial: duplicate "A1" (first on line 2)',
        'line 6, lot: "L2" differs from "L1" on line 2',
        'line 7, expiry: expiry "261331" has month 13',
      ]);
    }
  });

  it("refuses empty files, malformed CSV and missing files", function () {
    expect(() => parseLotCsv(`${head}\n`)).to.throw(LotFileError, "no rows");
    expect(() => parseLotCsv(`${head}\n1,2\n`)).to.throw(LotFileError, "problem");
    expect(() => parseLotCsv("serial\nA1\n")).to.throw(LotFileError, "gtin");
    expect(() => loadLotCsv("/nonexistent/lot.csv")).to.throw(LotFileError, "file not found");
    const many = [head, ...Array.from({ length: 30 }, () => "1,L1,261231,A")].join("\n");
    expect(
      (() => {
        try {
          parseLotCsv(many);
        } catch (e) {
          return (e as LotFileError).problems.length;
        }
      })(),
    ).to.equal(20);
  });

  it("saves a tree with its serials and loads it back with the same proofs", function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lot-"));
    const csv = path.join(dir, "lot.csv");
    fs.writeFileSync(csv, [head, ...SERIALS.map((s) => `${GTIN},${LOT},261231,${s}`)].join("\n"));
    const lot = loadLotCsv(csv);
    const tree = SerialTree.of(lot.serials);
    tree.save(path.join(dir, "tree.json"), lot);
    const back = SerialTree.load(path.join(dir, "tree.json"));
    expect(back.root).to.equal(tree.root);
    expect(back.size).to.equal(SERIALS.length);
    expect(back.proof(SERIALS[7])).to.deep.equal(tree.proof(SERIALS[7]));
    expect(() => tree.proof("NOPE")).to.throw(Gs1Error, "not in this lot");
    expect(() => tree.multiProof(["NOPE"])).to.throw(Gs1Error, "not in this lot");
    expect(() => SerialTree.of(["A", "A"])).to.throw(Gs1Error, "duplicate");
    expect(() => SerialTree.of([])).to.throw(Gs1Error, "at least one");
    fs.writeFileSync(path.join(dir, "bad.json"), JSON.stringify({ format: "x" }));
    expect(() => SerialTree.load(path.join(dir, "bad.json"))).to.throw(Error, "not a citychain lot tree");
  });

  it("decodes CBV steps and leaves non-text bytes32 as hex", function () {
    expect(decodeStep(cbv("shipping"))).to.equal("shipping");
    expect(decodeStep(textHash("x"))).to.equal(textHash("x"));
  });
});

describe("Trace and verify from a Digital Link", function () {
  it("prints an item's history: upstream lots, pallet moves, sale, clone alert and recall, in order", async function () {
    const { sc, actors, orgIds, tree, lotId, lotInput, expiryYymmdd } = await loadFixture(deploySupplyChainFixture);
    const m = sc.connect(actors.manufacturer);
    const out = SerialTree.of(["OUT1", "OUT2"]);
    await m.commissionLot(lotInput("L-OUT", out.root, 2, [lotId]));
    const outLot = lotIdOf(GTIN, "L-OUT");
    const mp = out.multiProof(["OUT1", "OUT2"]);
    await m.packItems(SSCC, outLot, mp.serialHashes, mp.proof, mp.proofFlags);
    // the first leg documented by real EPCIS events read at the members' sites; the second by bare hashes
    const hop = custodyHop({
      what: { sscc: SSCC },
      from: orgIds.manufacturer,
      to: orgIds.carrier,
      owner: orgIds.manufacturer,
      time: DEMO_EPOCH,
    });
    await m.shipPallet(SSCC, { receiver: orgIds.carrier, newOwner: 0, ...hop.shipment });
    await sc.connect(actors.carrier).receivePallet(SSCC, hop.receipt.location, hop.receipt.epcisHash);
    await sc.connect(actors.carrier).shipPallet(SSCC, shipment(orgIds.pharmacy));
    await sc.connect(actors.pharmacy).receivePallet(SSCC, textHash("shop"), textHash("e2"));
    await sc.connect(actors.pharmacy).unpackItems(SSCC, outLot, [textHash("OUT1")]);
    await sc
      .connect(actors.pharmacy)
      .decommission(outLot, textHash("OUT1"), [], cbv("retail_selling"), textHash("shop"));
    await sc.connect(actors.hospital).decommission(outLot, textHash("OUT1"), [], cbv("dispensing"), textHash("ward"));
    await sc.connect(actors.regulator).quarantineLot(outLot, textHash("q"));
    await sc.connect(actors.regulator).releaseLot(outLot, textHash("r"));
    await m.recallLot(outLot, textHash("recall"));
    await sc.connect(actors.pharmacy).reportItem(outLot, textHash("OUT1"), [], 6, textHash("theft"));
    await sc
      .connect(actors.pharmacy)
      .undoDecommission(outLot, textHash("OUT1"))
      .catch(() => undefined);
    const link = buildDigitalLink({ gtin: GTIN, lot: "L-OUT", serial: "OUT1", expiry: expiryYymmdd });
    const names: Record<number, string> = {
      [orgIds.manufacturer]: "Acme",
      [orgIds.carrier]: "ColdLine",
      [orgIds.pharmacy]: "Corner",
      [orgIds.hospital]: "Northside",
    };
    const orgName = (id: bigint | number) => names[Number(id)] ?? `org #${id}`;
    const places = sitePlaces(memberSites(Object.values(orgIds), orgName));
    const trace = await withHistory({ supplyChain: sc }, (history) => traceItem(history, link, orgName, 3, places));
    expect(trace.events.map((e) => e.what)).to.deep.equal([
      "Upstream lot commissioned (level 1)",
      "Lot commissioned",
      "Item on chain",
      "Packed",
      "Pallet shipped (shipping)",
      "Pallet received",
      "Pallet shipped (shipping)",
      "Pallet received",
      "Unpacked",
      "Decommissioned (retail selling)",
      "Clone alert",
      "Lot quarantined",
      "Lot released from quarantine",
      "Lot recalled",
      "Reported stolen",
    ]);
    expect(trace.events[0].detail).to.match(/^0x[0-9a-f]{8}… GTIN \d+ by Acme, \d+ items, expiry \d{6}$/);
    expect(trace.events[4].detail).to.equal("Acme → ColdLine");
    // each custody event's business step, read point (a member's site by its GLN) and anchor: the anchor is the
    // CBV 2.0 hash of the very event document the actor built
    const gln = (id: number) => demoGln(id);
    expect(trace.events[4].epcis).to.deep.equal({
      bizStep: "shipping",
      location: `Acme (GLN ${gln(orgIds.manufacturer)})`,
      anchor: epcisEventHash(hop.shipping),
    });
    expect(trace.events[5].epcis).to.deep.equal({
      bizStep: "receiving",
      location: `ColdLine (GLN ${gln(orgIds.carrier)})`,
      anchor: epcisEventHash(hop.receiving),
    });
    expect(trace.events[7].epcis, "a read point that is no member's site").to.deep.equal({
      bizStep: "receiving",
      location: `read point ${textHash("shop").slice(0, 10)}…`,
      anchor: bytes32ToEpcisHash(textHash("e2")),
    });
    expect(epcisLine(trace.events[9].epcis)).to.equal(`retail selling · read point ${textHash("shop").slice(0, 10)}…`);
    expect(trace.events[0].epcis, "no custody event").to.equal(undefined);
    expect(trace.events[10].detail).to.equal("code presented again by Northside after Corner sold it");
    expect(trace.events.every((e, i, a) => i === 0 || e.timestamp >= a[i - 1].timestamp)).to.equal(true);
    expect(await verifyCode(sc, link)).to.deep.equal({ sellable: false, reason: "recalled" });
    const fresh = buildDigitalLink({ gtin: GTIN, lot: LOT, serial: SERIALS[3], expiry: expiryYymmdd });
    expect(await verifyCode(sc, fresh, tree.proof(SERIALS[3]))).to.deep.equal({ sellable: true, reason: "verified" });
    await expect(verifyCode(sc, { gtin: GTIN })).to.be.rejectedWith(Gs1Error, "needs the lot");
    await expect(traceItem(new HistoryClient("http://127.0.0.1:9"), { gtin: GTIN })).to.be.rejectedWith(
      Gs1Error,
      "needs the lot",
    );
  });

  it("traces item-level custody, destruction and a lot destroyed by the regulator", async function () {
    const { sc, actors, orgIds, perItemLotId } = await loadFixture(deploySupplyChainFixture);
    const m = sc.connect(actors.manufacturer);
    await m.shipItem(perItemLotId, textHash("P1"), [], shipment(orgIds.distributor));
    await sc
      .connect(actors.distributor)
      .receiveItem(perItemLotId, textHash("P1"), false, textHash("dc"), textHash("e"));
    await sc
      .connect(actors.distributor)
      .decommission(perItemLotId, textHash("P1"), [], cbv("retail_selling"), textHash("dc"));
    await sc.connect(actors.distributor).undoDecommission(perItemLotId, textHash("P1"));
    await sc.connect(actors.regulator).destroyLot(perItemLotId, textHash("burn"));
    const trace = await withHistory({ supplyChain: sc }, (history) =>
      traceItem(history, { gtin: GTIN, lot: "L2026-P", serial: "P1" }),
    );
    expect(trace.events.map((e) => `${e.what}: ${e.detail}`)).to.deep.equal([
      `Lot commissioned: by org #${orgIds.manufacturer}: 0 serials committed`,
      "Item on chain: registered individually",
      `Shipped (shipping): org #${orgIds.manufacturer} → org #${orgIds.distributor}`,
      `Received: by org #${orgIds.distributor}, non-sellable`,
      `Decommissioned (retail selling): by org #${orgIds.distributor}`,
      `Sale undone: by org #${orgIds.distributor}`,
      `Lot destroyed: by ${actors.regulator.address}`,
    ]);
  });
});
