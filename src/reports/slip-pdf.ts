/**
 * The refill reminder slip: what a patient takes home after a dispensing — when to come back (next refill number
 * and its window in ROC dates), where (pharmacy name and phone), and the original visit ID as grouped text and as
 * a QR code, so the next pharmacist can scan it even if the paper prescription is damaged. Two sizes: an 80 mm
 * receipt (page as long as the content) and A4 (the slip in a framed box at the top of the sheet).
 */
import type { Locale } from "../domain/message.js";
import { dateFromRocDateTime, formatRocDate, formatRocDateTime, type RocDate } from "../domain/roc-date.js";
import { formatVisitIdGrouped } from "../domain/visit-id.js";
import { L, t } from "./labels.js";
import { formatPatient } from "./mask.js";
import type { SlipData, SlipSize } from "./model.js";
import { colorOp, pdfNumber } from "./pdf/document.js";
import { drawQr, qrMatrix } from "./pdf/qr.js";
import { A4, GREY, INK, MM, PdfWriter, RULE, type TextStyle } from "./pdf/writer.js";

export interface SlipPdfOptions {
  size?: SlipSize;
  locale?: Locale;
}

type Block =
  | { kind: "text"; text: string; style: TextStyle; align?: "center" | "left" }
  | { kind: "gap"; height: number }
  | { kind: "rule" }
  | { kind: "qr"; text: string; width: number };

function blocks(data: SlipData, locale: Locale, scale: number, contentWidth: number): Block[] {
  const s = (size: number) => size * scale;
  const grey = (size: number): TextStyle => ({ size: s(size), color: GREY });
  const pharmacyLine = [
    data.pharmacy.phone ? `${t(L.slipPhone, locale)} ${data.pharmacy.phone}` : "",
    data.pharmacy.address ?? "",
  ]
    .filter(Boolean)
    .join(" · ");
  const prescriber = [data.prescriberName, data.prescriberInstitutionCode].filter(Boolean).join(" ");
  const patient = formatPatient(data.patient);
  const list: Block[] = [
    { kind: "text", text: data.pharmacy.name, style: { size: s(13), bold: true }, align: "center" },
  ];
  if (pharmacyLine) list.push({ kind: "text", text: pharmacyLine, style: grey(8), align: "center" });
  list.push(
    { kind: "gap", height: s(4) },
    { kind: "rule" },
    { kind: "gap", height: s(4) },
    { kind: "text", text: t(L.slipTitle, locale), style: { size: s(10.5), bold: true }, align: "center" },
  );
  if (patient)
    list.push({ kind: "text", text: `${t(L.patient, locale)}：${patient}`, style: { size: s(9) }, align: "center" });
  list.push(
    { kind: "gap", height: s(6) },
    {
      kind: "text",
      text: t(L.slipNext, locale, { n: data.nextRefillNo, count: data.refillCount }),
      style: { size: s(12), bold: true },
      align: "center",
    },
    { kind: "text", text: t(L.slipWindow, locale), style: { size: s(9) }, align: "center" },
    {
      kind: "text",
      text: `${formatRocDate(data.window.from)} – ${formatRocDate(data.window.to)}`,
      style: { size: s(17), bold: true, leading: 1.4 },
      align: "center",
    },
    { kind: "text", text: t(L.slipBring, locale), style: { size: s(9) }, align: "center" },
    { kind: "gap", height: s(4) },
    {
      kind: "text",
      text: t(L.slipDispensed, locale, {
        n: data.dispensedRefillNo,
        date: formatRocDate(data.dispensedAt.slice(0, 7) as RocDate),
        days: data.days,
      }),
      style: grey(8),
      align: "center",
    },
    { kind: "gap", height: s(4) },
    { kind: "rule" },
    { kind: "gap", height: s(2) },
    { kind: "qr", text: data.originalVisitId, width: Math.min(contentWidth, s(118)) },
    { kind: "text", text: t(L.slipVisitId, locale), style: grey(8), align: "center" },
    {
      kind: "text",
      text: formatVisitIdGrouped(data.originalVisitId),
      style: { size: s(11), bold: true },
      align: "center",
    },
  );
  if (prescriber)
    list.push({ kind: "text", text: `${t(L.prescriber, locale)}：${prescriber}`, style: grey(8), align: "center" });
  list.push(
    { kind: "text", text: t(L.slipQrNote, locale), style: grey(7), align: "center" },
    { kind: "gap", height: s(4) },
    {
      kind: "text",
      text: `${t(L.slipPrinted, locale)} ${formatRocDateTime(data.printedAt)}`,
      style: grey(6.5),
      align: "center",
    },
  );
  return list;
}

function blockHeight(w: PdfWriter, b: Block, width: number): number {
  switch (b.kind) {
    case "text":
      return w.wrap(b.text, width, b.style).length * w.lineHeight(b.style);
    case "gap":
      return b.height;
    case "rule":
      return 1;
    case "qr":
      return b.width;
  }
}

export async function renderSlipPdf(data: SlipData, options: SlipPdfOptions = {}): Promise<Uint8Array> {
  const size = options.size ?? "80mm";
  const locale = options.locale ?? "zh-TW";
  const receipt = size === "80mm";
  const scale = receipt ? 1 : 1.35;
  // 80 mm rolls print about 72 mm wide; A4 gets a 130 mm framed slip at the top of the sheet.
  const pageWidth = receipt ? 80 * MM : A4[0];
  const boxWidth = receipt ? 72 * MM : 130 * MM;
  const pad = receipt ? 0 : 10 * MM;
  const contentWidth = boxWidth - 2 * pad;
  const list = blocks(data, locale, scale, contentWidth);
  const texts = list.flatMap((b) => (b.kind === "text" && !b.style.bold ? [b.text] : []));
  const boldTexts = list.flatMap((b) => (b.kind === "text" && b.style.bold ? [b.text] : []));
  const boxLeft = (pageWidth - boxWidth) / 2;
  const top = receipt ? 4 * MM : 15 * MM;
  const w = await PdfWriter.create({
    pageSize: [pageWidth, 100],
    margins: { top, right: boxLeft, bottom: 6 * MM, left: boxLeft },
    texts,
    boldTexts,
    title: `${t(L.slipTitle, locale)} ${formatVisitIdGrouped(data.originalVisitId)}`,
    subject: data.pharmacy.name,
    creationDate: dateFromRocDateTime(data.printedAt),
  });
  const contentHeight = list.reduce((sum, b) => sum + blockHeight(w, b, contentWidth), 0);
  const boxHeight = contentHeight + 2 * pad;
  w.pageSize = receipt ? [pageWidth, top + boxHeight + 6 * MM] : A4;
  w.newPage();
  const x0 = boxLeft + pad;
  if (!receipt) {
    w.flushText();
    // The cut-out box: a dashed 1 pt frame.
    const box = [boxLeft, w.pageSize[1] - top - boxHeight, boxWidth, boxHeight].map(pdfNumber).join(" ");
    w.page.draw(`q ${colorOp(RULE, true)} 1 w [4 3] 0 d ${box} re S Q`);
  }
  w.y = top + pad;
  for (const b of list) {
    const h = blockHeight(w, b, contentWidth);
    switch (b.kind) {
      case "text": {
        const lh = w.lineHeight(b.style);
        w.wrap(b.text, contentWidth, b.style).forEach((line, i) => {
          const lw = w.width(line, b.style);
          const x = b.align === "left" ? x0 : x0 + (contentWidth - lw) / 2;
          w.textAt(line, x, w.y + i * lh, b.style);
        });
        break;
      }
      case "rule":
        w.hline(x0, x0 + contentWidth, w.y + 0.5, RULE, 0.75);
        break;
      case "qr":
        w.flushText();
        drawQr(w.page, qrMatrix(b.text), x0 + (contentWidth - b.width) / 2, w.y, b.width, INK);
        break;
      case "gap":
        break;
    }
    w.y += h;
  }
  return w.save();
}
