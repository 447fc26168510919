/**
 * The refill log as an A4 PDF for the pharmacy owner: header and totals on the first page, then one block per
 * prescription (M16, prescriber, patient, refill states) with a table of its events. Rows never split; a
 * prescription that continues on the next page repeats its title; every page carries the generation time and
 * "page n of N".
 */
import type { Locale } from "../domain/message.js";
import { dateFromRocDateTime } from "../domain/roc-date.js";
import type { ProgressListener, RefillLogData } from "./model.js";
import {
  A4,
  type Cell,
  type Column,
  GREEN,
  GREY,
  INK,
  PdfWriter,
  RED,
  SHADE,
  Table,
  type TextStyle,
} from "./pdf/writer.js";
import { type EventRowView, refillLogView, type Tone, viewTexts } from "./refill-log-view.js";
import type { BreakdownTableView } from "./refill-log-view-totals.js";

export interface RefillLogPdfOptions {
  locale?: Locale;
  onProgress?: ProgressListener;
}

const BODY: TextStyle = { size: 8 };
const SMALL: TextStyle = { size: 7, color: GREY };

function toneColor(tone: Tone) {
  switch (tone) {
    case "alert":
      return RED;
    case "good":
      return GREEN;
    case "muted":
      return GREY;
    default:
      return INK;
  }
}

const COLUMNS: Column[] = [
  { key: "time", width: 52 },
  { key: "refillNo", width: 20, align: "right" },
  { key: "event", width: 58 },
  { key: "where", width: 84 },
  { key: "days", width: 26, align: "right" },
  { key: "detail", width: "rest" },
  { key: "upload", width: 96 },
];

function rowCells(r: EventRowView): Cell[] {
  const color = toneColor(r.tone);
  return [
    { text: r.time },
    { text: r.refillNo },
    { text: r.event, style: { bold: r.tone === "alert", color } },
    { text: r.where },
    { text: r.days },
    { text: r.detail },
    { text: r.upload, style: r.tone === "alert" && r.upload ? { color } : undefined },
  ];
}

export async function renderRefillLogPdf(data: RefillLogData, options: RefillLogPdfOptions = {}): Promise<Uint8Array> {
  const locale = options.locale ?? "zh-TW";
  const view = refillLogView(data, locale);
  const texts = viewTexts(view);
  const w = await PdfWriter.create({
    pageSize: A4,
    margins: { top: 40, right: 36, bottom: 44, left: 36 },
    texts: texts.regular,
    boldTexts: texts.bold,
    title: `${view.title} ${view.headerLines[1] ?? ""}`,
    subject: view.runningHeader,
    creationDate: dateFromRocDateTime(data.generatedAt),
  });
  const left = w.margins.left;
  const right = left + w.contentWidth;
  const table = new Table(w, COLUMNS, BODY);
  const c = view.columns;
  // Column headers small, grey and in the regular weight, like the breakdown tables' (each CJK glyph drawn in bold
  // is a second glyph in the file, ~300 bytes).
  const headerCells: Cell[] = [c.time, c.refillNo, c.event, c.where, c.days, c.detail, c.upload].map((text) => ({
    text,
    style: { color: GREY, size: 7 },
  }));
  let current: { continued: string } | undefined;
  // What a table repeats at the top of each page it continues on.
  let repeatHeader: (() => void) | undefined;
  const eventsHeader = () => {
    table.row(headerCells);
    if (current) {
      w.textAt(current.continued, left + 3, w.y + 2, { size: 8, bold: true, color: GREY });
      w.y += 14;
    }
  };

  w.onNewPage = (writer) => {
    if (writer.pages.length > 1) {
      writer.textAt(view.runningHeader, left, 22, SMALL);
      writer.hline(left, right, 34);
    }
    repeatHeader?.();
  };

  /** A breakdown table: its title kept with the header and first row, the header repeated on each page. */
  const breakdown = (b: BreakdownTableView) => {
    if (b.rows.length === 0) return;
    const rest = (w.contentWidth - b.firstWidth) / (b.columns.length - 1);
    const columns: Column[] = b.columns.map((_, i) =>
      i === 0 ? { key: "name", width: b.firstWidth } : { key: `n${i}`, width: rest, align: "right" },
    );
    const t = new Table(w, columns, BODY);
    // Regular weight: every CJK glyph in bold is a second glyph in the file (~300 bytes each).
    const head: Cell[] = b.columns.map((text) => ({ text, style: { color: GREY, size: 7 } }));
    const cells = (row: string[]): Cell[] => row.map((text) => ({ text }));
    w.y += 6;
    w.ensure(18 + t.rowHeight(head) + t.rowHeight(cells(b.rows[0]!)));
    w.textAt(b.title, left, w.y, { size: 11, bold: true });
    w.y += 18;
    t.row(head);
    repeatHeader = () => t.row(head);
    for (const row of b.rows) t.row(cells(row));
    repeatHeader = undefined;
    w.y += 8;
  };

  // Page 1: title, header, totals.
  w.ensure(0);
  w.textAt(view.title, left, w.y, { size: 18, bold: true });
  w.y += 26;
  for (const line of view.headerLines) w.paragraph(line, { size: 9, color: GREY });
  w.y += 10;
  w.textAt(view.totalsTitle, left, w.y, { size: 11, bold: true });
  w.y += 18;
  const perRow = 4;
  const gap = 8;
  const colW = (w.contentWidth - gap * (perRow - 1)) / perRow;
  const cardH = 52;
  let col = 0;
  for (const card of view.cards) {
    const span = card.span ?? 1;
    if (col + span > perRow) {
      col = 0;
      w.y += cardH + gap;
    }
    const x = left + col * (colW + gap);
    const cardW = span * colW + (span - 1) * gap;
    w.rect(x, w.y, cardW, cardH, SHADE);
    w.textAt(card.label, x + 8, w.y + 5, { size: 8, color: GREY });
    w.textAt(card.value, x + 8, w.y + 16, { size: 16, bold: true, color: toneColor(card.tone) });
    if (card.note) {
      const noteStyle: TextStyle = { size: 6.5, color: card.tone === "alert" ? RED : GREY, leading: 1.15 };
      w.wrap(card.note, cardW - 16, noteStyle)
        .slice(0, 2)
        .forEach((line, n) => {
          w.textAt(line, x + 8, w.y + 36 + n * 7.5, noteStyle);
        });
    }
    col += span;
  }
  w.y += cardH + 12;
  const [byWeek, byPharmacist, byPatient] = view.breakdowns;
  for (const b of [byWeek, byPharmacist]) if (b) breakdown(b);
  w.y += 6;

  w.ensure(60);
  w.textAt(view.prescriptionsTitle, left, w.y, { size: 11, bold: true });
  w.y += 18;
  if (view.prescriptions.length === 0) {
    w.paragraph(view.empty, { size: 10, color: GREY });
  } else {
    table.row(headerCells);
    repeatHeader = eventsHeader;
  }

  const titleStyle: TextStyle = { size: 9, bold: true };
  const subStyle: TextStyle = { size: 7.5, color: GREY };
  const total = view.prescriptions.length;
  view.prescriptions.forEach((p, index) => {
    // Keep the block header together with its first row.
    const subLines = w.wrap(p.subtitle, w.contentWidth - 6, subStyle);
    const refillLines = w.wrap(p.refills, w.contentWidth - 6, subStyle);
    const headerH = 6 + w.lineHeight(titleStyle) + (subLines.length + refillLines.length) * w.lineHeight(subStyle) + 4;
    const firstRow = p.rows[0] ? table.rowHeight(rowCells(p.rows[0])) : 0;
    current = undefined;
    w.ensure(headerH + firstRow);
    w.rect(left, w.y, w.contentWidth, headerH, SHADE);
    let y = w.y + 3;
    w.textAt(p.title, left + 3, y, titleStyle);
    w.textRight(p.patient, right - 3, y, { size: 9 });
    y += w.lineHeight(titleStyle);
    for (const line of [...subLines, ...refillLines]) {
      w.textAt(line, left + 3, y, subStyle);
      y += w.lineHeight(subStyle);
    }
    w.y += headerH;
    current = p;
    for (const r of p.rows) table.row(rowCells(r));
    w.y += 4;
    if (options.onProgress && (index % 50 === 49 || index === total - 1)) {
      options.onProgress({ phase: "render", done: index + 1, total });
    }
  });
  current = undefined;
  repeatHeader = undefined;
  // Per patient last: as long as the list of patients, it would push the prescriptions far back.
  if (byPatient) {
    w.y += 10;
    breakdown(byPatient);
  }

  const pageCount = w.pages.length;
  w.pages.forEach((page, i) => {
    const top = w.pageSize[1] - 30;
    w.textAt(view.footerLeft, left, top, SMALL, page);
    const label = view.pageLabelTemplate.replace("{n}", String(i + 1)).replace("{total}", String(pageCount));
    w.textRight(label, right, top, SMALL, page);
  });
  return w.save();
}
