/**
 * Reports for a busy pharmacy: a one-month refill log of 3,000 dispensings (with duplicates stopped, C/E, deletes,
 * J000, overrides, late and rejected uploads), built from the service read model and rendered, next to baselines
 * measured in the same run:
 *  - PDF: ours (data build + layout + wrapping + Noto Sans TC subset to the characters used) vs pdf-lib drawing the
 *    same number of lines on the same number of pages with a standard font (Helvetica, ASCII only — it cannot draw
 *    Chinese at all); size also against embedding the whole Noto Sans TC font (pdf-lib without subsetting).
 *  - CSV: ours (BOM, RFC 4180 quoting, formula guard, bilingual header) vs a raw `join(",")` of the same cells.
 * Targets: the month's PDF in a few seconds on one core and well under 1 MB; CSV within a few × of a raw join.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { RocDate } from "../src/domain/roc-date.js";
import { refillLogCsvHeader, refillLogCsvRows, renderRefillLogCsv } from "../src/reports/refill-log-csv.js";
import { buildRefillLogData } from "../src/reports/refill-log-data.js";
import { renderRefillLogPdf } from "../src/reports/refill-log-pdf.js";
import { refillLogView } from "../src/reports/refill-log-view.js";
import { createSampleService, SAMPLE_PHARMACY, sampleNow } from "../src/reports/testing/sample-service.js";
import { report, time } from "./lib.js";

const DISPENSINGS = Number(process.env.REPORTS_BENCH_DISPENSINGS ?? 3000);
const FROM = "1130301" as RocDate;
const TO = "1130331" as RocDate;

const service = createSampleService({ dispensings: DISPENSINGS, from: FROM, days: 31 });
const build = () =>
  buildRefillLogData(service, { from: FROM, to: TO, pharmacy: SAMPLE_PHARMACY, now: sampleNow(FROM, 31) });

const data = await build();
const rows = data.prescriptions.reduce((n, p) => n + p.entries.length, 0);
process.stdout.write(
  `month: ${data.totals.dispensings} dispensings, ${data.prescriptions.length} prescriptions, ${rows} log rows\n`,
);

// ---- PDF
let pdfBytes: Uint8Array = new Uint8Array();
const ours = await time(
  async () => {
    pdfBytes = await renderRefillLogPdf(await build());
  },
  3,
  1,
);
const pages = (await PDFDocument.load(pdfBytes)).getPageCount();

/** The same lines, one per row and header, on the same number of pages, with Helvetica and no layout logic. */
const view = refillLogView(data);
const lines: string[] = [];
for (const p of view.prescriptions) {
  lines.push(p.title, p.subtitle, p.refills);
  for (const r of p.rows) lines.push([r.time, r.refillNo, r.event, r.where, r.days, r.detail, r.upload].join("  "));
}
const ascii = lines.map((l) => l.replace(/[^\x20-\x7e]/g, "?"));
const perPage = Math.ceil(ascii.length / pages);
let baselineBytes: Uint8Array = new Uint8Array();
const baseline = await time(
  async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    for (let i = 0; i < ascii.length; i += perPage) {
      const page = doc.addPage([595.28, 841.89]);
      ascii.slice(i, i + perPage).forEach((line, n) => {
        page.drawText(line.slice(0, 140), { x: 36, y: 800 - n * 9, size: 7, font });
      });
    }
    baselineBytes = await doc.save();
  },
  3,
  1,
);
report(`refill log PDF, ${pages} pages: time`, ours.medianMs, baseline.medianMs, "ms", "a few seconds on one core");
report(
  "refill log PDF: bytes vs Helvetica (no CJK)",
  pdfBytes.byteLength / 1024,
  baselineBytes.byteLength / 1024,
  "KiB",
);

// Size against embedding the whole font (what pdf-lib does without subsetting).
const require = createRequire(import.meta.url);
const fontFile = await readFile(
  require.resolve("@expo-google-fonts/noto-sans-tc/400Regular/NotoSansTC_400Regular.ttf"),
);
const whole = await PDFDocument.create();
whole.registerFontkit(fontkit);
const wholeFont = await whole.embedFont(fontFile, { subset: false });
whole.addPage().drawText("慢性病連續處方箋調劑紀錄", { x: 36, y: 800, size: 18, font: wholeFont });
const wholeBytes = await whole.save();
report(
  "refill log PDF: bytes vs one page with the whole font embedded",
  pdfBytes.byteLength / 1024,
  wholeBytes.byteLength / 1024,
  "KiB",
  "< 1 MB for the month",
);
process.stdout.write(`  per page: ${(pdfBytes.byteLength / 1024 / pages).toFixed(1)} KiB\n`);

// ---- CSV
let csv = "";
const csvOurs = await time(() => {
  csv = renderRefillLogCsv(data);
}, 20);
const cells = [...refillLogCsvRows(data)];
const csvBaseline = await time(() => {
  [refillLogCsvHeader(), ...cells].map((r) => r.join(",")).join("\n");
}, 20);
report(`refill log CSV, ${cells.length} rows: time`, csvOurs.medianMs, csvBaseline.medianMs, "ms", "within a few ×");
process.stdout.write(`  CSV size: ${(Buffer.byteLength(csv) / 1024).toFixed(0)} KiB\n`);
