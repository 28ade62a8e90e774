import fs from "node:fs";
import bwipjs from "bwip-js";
import { PNG } from "pngjs";

/**
 * A fake camera for Chromium (`--use-file-for-fake-video-capture`): a Y4M (YUV 4:2:0) clip of `seconds` frames
 * showing `png` centred on white, as a phone camera would see a pack.
 */
export function writeY4m(file: string, png: Buffer, width = 640, height = 480, frames = 10): void {
  const img = PNG.sync.read(png);
  const y = Buffer.alloc(width * height, 255);
  const x0 = Math.floor((width - img.width) / 2);
  const y0 = Math.floor((height - img.height) / 2);
  for (let row = 0; row < img.height; row++) {
    for (let col = 0; col < img.width; col++) {
      const s = (row * img.width + col) * 4;
      const a = img.data[s + 3] / 255;
      const lum = 0.299 * img.data[s] + 0.587 * img.data[s + 1] + 0.114 * img.data[s + 2];
      const px = x0 + col;
      const py = y0 + row;
      if (px >= 0 && px < width && py >= 0 && py < height) y[py * width + px] = Math.round(lum * a + 255 * (1 - a));
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), y, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  fs.writeFileSync(file, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}

/** A GS1 DataMatrix of the bracketed element string, as a PNG (bwip-js, as the label sheets print it). */
export async function dataMatrixPng(bracketed: string): Promise<Buffer> {
  return bwipjs.toBuffer({ bcid: "gs1datamatrix", text: bracketed, scale: 8, paddingwidth: 6, paddingheight: 6 });
}
