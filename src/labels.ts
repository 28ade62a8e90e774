/**
 * Printable pack labels: for each serial of a lot, a GS1 DataMatrix carrying the element string (01)(17)(10)(21)
 * with its human-readable interpretation printed below (GenSpecs §4.15), and a QR code carrying the pack's GS1
 * Digital Link with the lot, serial and expiry printed below. Labels are laid out on A4 pages (300 dpi) and each
 * page is written as a PNG. Used by `npx hardhat supply:labels` and by the console's label button (the browser
 * build of bwip-js draws the same labels on a canvas).
 */
import fs from "node:fs";
import path from "node:path";
import bwipjs from "bwip-js";
import { PNG } from "pngjs";
import type { SupplyChain } from "../typechain-types";
import { yymmddFromExpiry } from "./gs1";
import { LABELS_PER_PAGE, PAGE, PackLabel, labelSymbols } from "./label-layout";
import { SerialTree, lotIdOf } from "./supplychain";

export { LABELS_PER_PAGE, PAGE, labelSymbols } from "./label-layout";
export type { LabelSymbols, PackLabel } from "./label-layout";

async function symbolPng(options: Parameters<typeof bwipjs.toBuffer>[0]): Promise<PNG> {
  return PNG.sync.read(await bwipjs.toBuffer({ paddingwidth: 4, paddingheight: 4, ...options }));
}

/** Copies `src` into `dst` at (x, y), clipped to the page. */
function blit(src: PNG, dst: PNG, x: number, y: number): void {
  for (let row = 0; row < src.height && y + row < dst.height; row++) {
    for (let col = 0; col < src.width && x + col < dst.width; col++) {
      const s = (row * src.width + col) * 4;
      const d = ((y + row) * dst.width + x + col) * 4;
      const alpha = src.data[s + 3] / 255;
      for (let k = 0; k < 3; k++) dst.data[d + k] = Math.round(src.data[s + k] * alpha + dst.data[d + k] * (1 - alpha));
      dst.data[d + 3] = 255;
    }
  }
}

function frame(dst: PNG, x: number, y: number, w: number, h: number): void {
  const dot = (px: number, py: number) => {
    const d = (py * dst.width + px) * 4;
    dst.data[d] = dst.data[d + 1] = dst.data[d + 2] = 170;
  };
  for (let i = 0; i < w; i += 6) {
    dot(x + i, y);
    dot(x + i, y + h - 1);
  }
  for (let i = 0; i < h; i += 6) {
    dot(x, y + i);
    dot(x + w - 1, y + i);
  }
}

/**
 * Renders the label sheet of `packs` with bwip-js: one PNG (as bytes) per A4 page, labels in reading order with
 * dotted cutting lines.
 */
export async function renderLabelSheets(packs: readonly PackLabel[], resolver?: string): Promise<Buffer[]> {
  const cellW = Math.floor((PAGE.width - 2 * PAGE.margin) / PAGE.columns);
  const cellH = Math.floor((PAGE.height - 2 * PAGE.margin) / PAGE.rows);
  const pages: Buffer[] = [];
  for (let start = 0; start < packs.length; start += LABELS_PER_PAGE) {
    const page = new PNG({ width: PAGE.width, height: PAGE.height });
    page.data.fill(255);
    const onPage = packs.slice(start, start + LABELS_PER_PAGE);
    for (let i = 0; i < onPage.length; i++) {
      const s = labelSymbols(onPage[i], resolver);
      const x = PAGE.margin + (i % PAGE.columns) * cellW;
      const y = PAGE.margin + Math.floor(i / PAGE.columns) * cellH;
      frame(page, x, y, cellW, cellH);
      const dm = await symbolPng({
        bcid: "gs1datamatrix",
        text: s.datamatrix,
        scale: 6,
        includetext: true,
        alttext: s.hri,
        textsize: 5,
        textyoffset: -6,
      });
      const qr = await symbolPng({
        bcid: "qrcode",
        text: s.link,
        scale: 4,
        includetext: true,
        alttext: s.caption,
        textsize: 8,
        textyoffset: -6,
      });
      blit(dm, page, x + 30, y + Math.max(30, Math.floor((cellH - dm.height) / 2)));
      blit(qr, page, x + cellW - qr.width - 30, y + Math.max(20, Math.floor((cellH - qr.height) / 2)));
    }
    pages.push(PNG.sync.write(page));
  }
  return pages;
}

/** The lot header and serials of a tree file written by `supply:commission` (`SerialTree.save`). */
function readTreeLot(file: string): { gtin: string; lot: string; expiry: string; serials: string[] } {
  const data = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  const ok =
    data.format === "citychain-lot-tree/1" &&
    typeof data.gtin === "string" &&
    typeof data.lot === "string" &&
    typeof data.expiry === "string" &&
    Array.isArray(data.serials) &&
    data.serials.every((x) => typeof x === "string");
  if (!ok) throw new Error(`${file} is not a citychain lot tree file`);
  return {
    gtin: data.gtin as string,
    lot: data.lot as string,
    expiry: data.expiry as string,
    serials: data.serials as string[],
  };
}

/**
 * The label sheets of a lot on chain: its serials come from its tree file (`tree`, or the `*.tree.json` in `dir`
 * whose GTIN and lot number hash to `lot`, or whose lot number is `lot`); the tree's Merkle root and the expiry must
 * match the chain, so only codes that verify are printed.
 */
export async function labelSheetsOfLot(
  sc: SupplyChain,
  options: { lot: string; tree?: string; dir?: string; first?: number; count?: number; resolver?: string },
): Promise<{
  lotId: string;
  lot: ReturnType<typeof readTreeLot>;
  pages: Buffer[];
  count: number;
  firstPack: PackLabel;
}> {
  const matches = (l: ReturnType<typeof readTreeLot>) =>
    options.lot.startsWith("0x") ? lotIdOf(l.gtin, l.lot) === options.lot.toLowerCase() : l.lot === options.lot;
  let file = options.tree;
  if (!file) {
    const dir = options.dir ?? ".";
    file = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".tree.json"))
      .map((f) => path.join(dir, f))
      .find((f) => {
        try {
          return matches(readTreeLot(f));
        } catch {
          return false;
        }
      });
    if (!file) throw new Error(`no *.tree.json in ${path.resolve(dir)} holds lot ${options.lot} (pass --tree)`);
  }
  const lot = readTreeLot(file);
  if (!matches(lot)) throw new Error(`${file} holds lot ${lot.lot}, not ${options.lot}`);
  const lotId = lotIdOf(lot.gtin, lot.lot);
  const onChain = await sc.lot(lotId);
  if (onChain.manufacturer === 0n) throw new Error(`lot ${lot.lot} (${lotId}) is not commissioned on this chain`);
  if (SerialTree.load(file).root !== onChain.merkleRoot) {
    throw new Error(`${file}: its Merkle root is not the one committed on chain for lot ${lot.lot}`);
  }
  if (yymmddFromExpiry(onChain.expiry) !== lot.expiry) {
    throw new Error(`${file}: expiry ${lot.expiry} differs from the chain's ${yymmddFromExpiry(onChain.expiry)}`);
  }
  const first = Math.max(1, options.first ?? 1);
  const serials = lot.serials.slice(first - 1, options.count ? first - 1 + options.count : undefined);
  if (serials.length === 0) throw new Error(`lot ${lot.lot} has ${lot.serials.length} serials: nothing from #${first}`);
  const packs = serials.map((serial) => ({ gtin: lot.gtin, lot: lot.lot, serial, expiry: lot.expiry }));
  return {
    lotId,
    lot,
    pages: await renderLabelSheets(packs, options.resolver),
    count: packs.length,
    firstPack: packs[0],
  };
}
