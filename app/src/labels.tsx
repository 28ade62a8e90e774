import { useState } from "react";
import { useTranslation } from "react-i18next";
import bwipjs from "bwip-js/browser";
import type { LotFile } from "../../src/supplychain";
import { PAGE, PackLabel, labelSymbols } from "../../src/label-layout";

/** Draws one A4 page (300 dpi) of pack labels on a canvas: DataMatrix + HRI, QR + Digital Link and caption. */
function drawPage(packs: PackLabel[], resolver: string): HTMLCanvasElement {
  const page = document.createElement("canvas");
  page.width = PAGE.width;
  page.height = PAGE.height;
  const ctx = page.getContext("2d")!;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, page.width, page.height);
  const cellW = Math.floor((PAGE.width - 2 * PAGE.margin) / PAGE.columns);
  const cellH = Math.floor((PAGE.height - 2 * PAGE.margin) / PAGE.rows);
  packs.forEach((pack, i) => {
    const s = labelSymbols(pack, resolver);
    const x = PAGE.margin + (i % PAGE.columns) * cellW;
    const y = PAGE.margin + Math.floor(i / PAGE.columns) * cellH;
    ctx.setLineDash([6, 6]);
    ctx.strokeStyle = "#aaa";
    ctx.strokeRect(x, y, cellW, cellH);
    const dm = document.createElement("canvas");
    bwipjs.toCanvas(dm, { bcid: "gs1datamatrix", text: s.datamatrix, scale: 6, paddingwidth: 4, paddingheight: 4 });
    const qr = document.createElement("canvas");
    bwipjs.toCanvas(qr, { bcid: "qrcode", text: s.link, scale: 4, paddingwidth: 4, paddingheight: 4 });
    ctx.drawImage(dm, x + 40, y + 40);
    ctx.drawImage(qr, x + cellW - qr.width - 40, y + 30);
    ctx.fillStyle = "#000";
    ctx.font = "34px monospace";
    ctx.fillText(s.hri, x + 60 + dm.width, y + 90);
    ctx.fillText(s.caption, x + 60 + dm.width, y + 150);
    ctx.font = "26px monospace";
    ctx.fillText(s.link, x + 60 + dm.width, y + 210);
  });
  return page;
}

/** The console's label button: draws the lot's pack labels with bwip-js as printable A4 PNG pages. */
export function LabelSheetButton({ lot }: { lot: LotFile }) {
  const { t } = useTranslation();
  const [count, setCount] = useState(Math.min(lot.serials.length, 16));
  const [pages, setPages] = useState<string[]>();
  const [busy, setBusy] = useState(false);
  const make = async () => {
    setBusy(true);
    await new Promise((r) => setTimeout(r, 0));
    const packs = lot.serials
      .slice(0, count)
      .map((serial) => ({ gtin: lot.gtin, lot: lot.lot, serial, expiry: lot.expiry }));
    const perPage = PAGE.columns * PAGE.rows;
    const out: string[] = [];
    for (let i = 0; i < packs.length; i += perPage) {
      out.push(drawPage(packs.slice(i, i + perPage), window.location.origin).toDataURL("image/png"));
    }
    setPages(out);
    setBusy(false);
  };
  return (
    <div className="labels" data-testid="labels">
      <div className="form-row">
        <input
          type="number"
          min={1}
          max={lot.serials.length}
          value={count}
          data-testid="labels-count"
          onChange={(e) => setCount(Math.max(1, Math.min(lot.serials.length, Number(e.target.value) || 1)))}
        />
        <button data-testid="labels-button" disabled={busy} onClick={() => void make()}>
          {busy ? t("labels.making", { count }) : t("labels.button")}
        </button>
      </div>
      {pages ? (
        <div data-testid="labels-ready">
          <p className="muted">{t("labels.ready", { count })}</p>
          {pages.map((src, i) => (
            <a
              key={src.length + i}
              href={src}
              download={`${lot.lot}-labels-${i + 1}.png`}
              target="_blank"
              rel="noreferrer"
            >
              <img
                src={src}
                alt={t("labelsAlt", { lot: lot.lot, page: i + 1 })}
                data-testid="labels-page"
                style={{ width: 240, border: "1px solid #ccc", marginRight: 8 }}
              />
            </a>
          ))}
        </div>
      ) : null}
    </div>
  );
}
