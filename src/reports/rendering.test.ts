/**
 * What the page shows, not just what the text layer says: the rendered page is read back by OCR (Tesseract,
 * chi_tra). A PDF whose CJK glyphs are missing still passes any pdftotext check, so the second test builds
 * exactly such a PDF (pdf-lib's own `subset: true`) and proves this check catches it.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { cjkRecall, ocr, pdfText, renderPng } from "../../test/support/pdf-tools.js";
import { FROM, NOW, PHARMACY, smallMonthService, TO } from "../../test/support/small-month.js";
import { buildRefillLogData } from "./refill-log-data.js";
import { renderRefillLogPdf } from "./refill-log-pdf.js";

/** The top of page 1 (title, header lines, totals labels), as a person reads it. */
const EXPECTED = [
  "慢性病連續處方箋調劑紀錄",
  "藥局：安心健保藥局",
  "期間：病人資料：遮蔽身分證號產生時間",
  "統計調劑次數期間內應領逾期未領攔截重複調劑小時內上傳其他拒絕例外放行替代序號註銷取消註銷",
  "健保署目標未達標尚在期限內被退回",
].join("");

const DPI = 150;
/** Title, header and the totals cards: the first ~330 pt of the page. */
const CROP = { x: 0, y: 0, w: Math.round((595 / 72) * DPI), h: Math.round((330 / 72) * DPI) };

async function readsAs(pdf: Uint8Array): Promise<{ recall: number; seen: string }> {
  const { png } = await renderPng(pdf, { page: 1, dpi: DPI, crop: CROP });
  const seen = await ocr(png);
  return { recall: cjkRecall(EXPECTED, seen), seen };
}

describe("rendered refill log", () => {
  it("reads back by OCR as the Chinese it was meant to show", async () => {
    const data = await buildRefillLogData(smallMonthService(), { from: FROM, to: TO, pharmacy: PHARMACY, now: NOW });
    const { recall, seen } = await readsAs(await renderRefillLogPdf(data));
    expect(recall, seen).toBeGreaterThan(0.85);
    for (const phrase of ["慢性病連續處方箋調劑紀錄", "安心健保藥局", "期間內應領", "其他拒絕", "66.6%", "未達標"])
      expect(seen).toContain(phrase);
  });

  it("catches a PDF whose glyphs are missing even though its text layer is perfect", async () => {
    // The same lines, drawn with pdf-lib's own font subsetting (the known-broken path for this font).
    const require = createRequire(import.meta.url);
    const font = await readFile(
      require.resolve("@expo-google-fonts/noto-sans-tc/400Regular/NotoSansTC_400Regular.ttf"),
    );
    const doc = await PDFDocument.create();
    doc.registerFontkit(fontkit);
    const broken = await doc.embedFont(font, { subset: true });
    const page = doc.addPage([595.28, 841.89]);
    const lines = [
      ["慢性病連續處方箋調劑紀錄", 18],
      ["藥局：安心健保藥局 (5901010010) · 02-2345-6789", 9],
      ["期間：113/03/01 – 113/03/31 · 病人資料：遮蔽身分證號 · 產生時間：113/04/01 12:00:00", 9],
      ["統計", 11],
      ["調劑次數 4    期間內應領 1    逾期未領 1", 10],
      ["攔截重複調劑 1    24 小時內上傳 66.6 %    其他拒絕 1", 10],
      ["2 / 3 · 健保署目標 90.0 % 未達標 · 尚在期限內 1 · 被退回 1", 8],
      ["例外放行 1    J000 替代序號 1    註銷 / 取消註銷 1 / 1", 10],
    ] as const;
    let y = 800;
    for (const [text, size] of lines) {
      page.drawText(text, { x: 36, y, size, font: broken });
      y -= size * 2.2;
    }
    const pdf = await doc.save();
    // A text-layer-only test would pass it …
    const text = (await pdfText(pdf, { layout: false })).replace(/\s+/g, "");
    expect(text).toContain("慢性病連續處方箋調劑紀錄");
    expect(text).toContain("攔截重複調劑1");
    // … but the page a person sees does not say it.
    const { recall } = await readsAs(pdf);
    expect(recall).toBeLessThan(0.5);
  });
});
