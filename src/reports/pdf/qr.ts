/** QR codes drawn as vector rectangles (sharp at any printer resolution, a few hundred bytes in the PDF). */
import QRCode from "qrcode";
import { colorOp, type PdfPage, pdfNumber, type RGB } from "./document.js";

export interface QrMatrix {
  size: number;
  dark(row: number, col: number): boolean;
}

/** Error correction M survives a crease or a coffee ring; a visit ID stays version 2 or below. */
export function qrMatrix(text: string): QrMatrix {
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  return { size: qr.modules.size, dark: (row, col) => qr.modules.get(row, col) === 1 };
}

/**
 * Draws the symbol with its top-left corner at (x, top) in top-down page coordinates, `width` points wide
 * including the 4-module quiet zone the standard asks for.
 */
export function drawQr(page: PdfPage, matrix: QrMatrix, x: number, top: number, width: number, color: RGB): void {
  const quiet = 4;
  const module = width / (matrix.size + 2 * quiet);
  const pageHeight = page.height;
  // Every dark run is one rectangle of the path, filled once.
  const ops = [colorOp(color)];
  for (let row = 0; row < matrix.size; row++) {
    let col = 0;
    while (col < matrix.size) {
      if (!matrix.dark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < matrix.size && matrix.dark(row, col)) col++;
      const left = x + (quiet + start) * module;
      // A hair of overlap so rows never show a seam in rasterizers.
      const bottom = pageHeight - (top + (quiet + row + 1) * module) - 0.02;
      const box = [left, bottom, (col - start) * module, module + 0.04].map(pdfNumber).join(" ");
      ops.push(`${box} re`);
    }
  }
  ops.push("f");
  page.draw(ops.join("\n"));
}
