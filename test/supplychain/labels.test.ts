/**
 * Printed labels round-trip: the label sheet rendered with bwip-js is decoded with zxing-wasm (the decoder the web
 * app's camera scanner uses, its WebAssembly loaded from node_modules, never from a CDN), and every symbol reads
 * back as the pack it was printed for: the GS1 DataMatrix as ]d2 element strings (GenSpecs §5.6 GS1 DataMatrix,
 * §7.8), the QR code as the pack's GS1 Digital Link (DL URI Syntax 1.2).
 */
import { expect } from "chai";
import fs from "node:fs";
import { PNG } from "pngjs";
import { prepareZXingModule, readBarcodes } from "zxing-wasm";
import { makeGtin, parseGs1, itemOf } from "../../src/gs1";
import { LABELS_PER_PAGE, PAGE, PackLabel, labelSymbols, renderLabelSheets } from "../../src/labels";

const GTIN = makeGtin("0950600013440");
const pack = (i: number): PackLabel => ({
  gtin: GTIN,
  lot: "LBL-2611",
  serial: `LBL2611-${String(i).padStart(4, "0")}`,
  expiry: "281130",
});

describe("Pack labels (bwip-js) read back by zxing-wasm", function () {
  this.timeout(120_000);

  before(async function () {
    await prepareZXingModule({
      overrides: { wasmBinary: fs.readFileSync(require.resolve("zxing-wasm/full/zxing_full.wasm")).buffer },
      fireImmediately: true,
    });
  });

  it("prints the element string, its HRI and the Digital Link of each pack", function () {
    const s = labelSymbols(pack(1));
    expect(s.hri).to.equal(`(01)${GTIN}(17)281130(10)LBL-2611(21)LBL2611-0001`);
    expect(s.link).to.equal(`https://id.example/01/${GTIN}/10/LBL-2611/21/LBL2611-0001?17=281130`);
    expect(s.caption).to.equal("LOT LBL-2611  SN LBL2611-0001  EXP 2028-11-30");
  });

  it("lays out 9 packs on two A4 pages and every DataMatrix and QR code scans back to its pack", async function () {
    const packs = Array.from({ length: LABELS_PER_PAGE + 1 }, (_, i) => pack(i + 1));
    const pages = await renderLabelSheets(packs);
    expect(pages).to.have.length(2);
    const seen = { datamatrix: new Map<string, string>(), qr: new Map<string, string>() };
    // A handheld scanner sees one label at a time: crop each label cell of each page and decode it.
    const cellW = Math.floor((PAGE.width - 2 * PAGE.margin) / PAGE.columns);
    const cellH = Math.floor((PAGE.height - 2 * PAGE.margin) / PAGE.rows);
    for (const [n, png] of pages.entries()) {
      const img = PNG.sync.read(png);
      expect([img.width, img.height]).to.deep.equal([PAGE.width, PAGE.height]);
      const onPage = Math.min(LABELS_PER_PAGE, packs.length - n * LABELS_PER_PAGE);
      for (let i = 0; i < onPage; i++) {
        const cell = new PNG({ width: cellW, height: cellH });
        PNG.bitblt(
          img,
          cell,
          PAGE.margin + (i % PAGE.columns) * cellW,
          PAGE.margin + Math.floor(i / PAGE.columns) * cellH,
          cellW,
          cellH,
          0,
          0,
        );
        const results = await readBarcodes(new Uint8Array(PNG.sync.write(cell)), {
          formats: ["DataMatrix", "QRCode"],
          textMode: "Plain",
          maxNumberOfSymbols: 2,
        });
        expect(results.map((r) => r.format).sort(), `label ${n * LABELS_PER_PAGE + i + 1}`).to.deep.equal([
          "DataMatrix",
          "QRCode",
        ]);
        for (const r of results) {
          const scanned = parseGs1(r.symbologyIdentifier + r.text);
          const item = itemOf(scanned);
          if (r.format === "DataMatrix") {
            expect(r.symbologyIdentifier).to.equal("]d2");
            expect(scanned.form).to.equal("element string");
            seen.datamatrix.set(item.serial!, JSON.stringify(item));
          } else {
            expect(scanned.form).to.equal("digital link");
            seen.qr.set(item.serial!, JSON.stringify(item));
          }
        }
      }
    }
    for (const p of packs) {
      const want = JSON.stringify({ gtin: p.gtin, lot: p.lot, serial: p.serial, expiry: p.expiry });
      expect(seen.datamatrix.get(p.serial), `DataMatrix of ${p.serial}`).to.equal(want);
      expect(seen.qr.get(p.serial), `QR of ${p.serial}`).to.equal(want);
    }
  });
});
