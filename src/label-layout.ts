/**
 * The layout of a pack label sheet, shared by the CLI (src/labels.ts, PNG pages) and the web console (canvas):
 * each pack's GS1 DataMatrix (element string (01)(17)(10)(21) with its human-readable interpretation, GenSpecs
 * §4.15) and QR code (its GS1 Digital Link), on A4 pages at 300 dpi.
 */
import { DigitalLink, buildDigitalLink, elementsOf, toBracketed } from "./gs1";

/** One pack to print. */
export type PackLabel = Required<Pick<DigitalLink, "gtin" | "lot" | "serial" | "expiry">>;

/** What bwip-js is asked to draw for one pack: its two symbols and their texts. */
export interface LabelSymbols {
  /** Bracketed element string for bwip-js `gs1datamatrix` (it encodes FNC1 itself). */
  datamatrix: string;
  /** The human-readable interpretation printed under the DataMatrix. */
  hri: string;
  /** The GS1 Digital Link in the QR code. */
  link: string;
  /** The line printed under the QR code. */
  caption: string;
}

/** The symbols and texts of one pack's label. */
export function labelSymbols(pack: PackLabel, resolver?: string): LabelSymbols {
  const elements = elementsOf(pack);
  const hri = toBracketed(elements);
  const exp = `20${pack.expiry.slice(0, 2)}-${pack.expiry.slice(2, 4)}-${pack.expiry.slice(4, 6)}`;
  return {
    datamatrix: hri,
    hri,
    link: buildDigitalLink(pack, resolver),
    caption: `LOT ${pack.lot}  SN ${pack.serial}  EXP ${exp}`,
  };
}

/** A4 at 300 dpi, one label a row, 8 rows a page. */
export const PAGE = { width: 2480, height: 3508, columns: 1, rows: 8, margin: 90 } as const;
export const LABELS_PER_PAGE = PAGE.columns * PAGE.rows;
