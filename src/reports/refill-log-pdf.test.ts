import { beforeAll, describe, expect, it } from "vitest";
import { pdfFonts, pdfInfo, pdfText, pdfWords } from "../../test/support/pdf-tools.js";
import { createSampleService, SAMPLE_PHARMACY, sampleNow } from "../../test/support/sample-month.js";
import { FROM, NOW, PHARMACY, smallMonthService, TO } from "../../test/support/small-month.js";
import { msg } from "../domain/message.js";
import type { RocDate } from "../domain/roc-date.js";
import type { RefillLogData } from "./model.js";
import { buildRefillLogData } from "./refill-log-data.js";
import { renderRefillLogPdf } from "./refill-log-pdf.js";

const A4_WIDTH = 595.28;
const A4_HEIGHT = 841.89;
const MARGIN = 36;

/** pdftotext drops or keeps spaces between CJK and Latin unpredictably; compare without whitespace. */
const squeeze = (s: string) => s.replace(/\s+/g, "");

let small: RefillLogData;
let smallPdf: Uint8Array;
let smallText: string;

beforeAll(async () => {
  small = await buildRefillLogData(smallMonthService(), { from: FROM, to: TO, pharmacy: PHARMACY, now: NOW });
  smallPdf = await renderRefillLogPdf(small);
  smallText = await pdfText(smallPdf, { layout: false });
});

describe("refill log PDF: what the owner reads", () => {
  it("has the title, pharmacy, period and generation time in Traditional Chinese", () => {
    expect(smallText).toContain("慢性病連續處方箋調劑紀錄");
    expect(smallText).toContain("安心健保藥局 (5901010010)");
    expect(smallText).toContain("113/03/01 – 113/03/31");
    expect(smallText).toContain("產生時間：113/04/01 12:00:00");
    expect(smallText).toContain("病人資料：遮蔽身分證號");
  });

  it("puts the totals on the first page, with the 24-hour share against NHI's 90 %", async () => {
    // Read each stat card as a person does: the big number right under its label.
    const words = await pdfWords(smallPdf, 1);
    const card = (label: string) => {
      const first = label.split(" ")[0]!;
      const at = words.filter((w) => w.text === first).sort((a, b) => a.yMin - b.yMin)[0]!;
      // The value is the large type (taller boxes) just below the label, starting at the same x.
      const value = words.filter(
        (w) =>
          w.xMin >= at.xMin - 0.5 &&
          w.xMin < at.xMin + 60 &&
          w.yMax - w.yMin > 12 &&
          w.yMin > at.yMin &&
          w.yMin < at.yMin + 25,
      );
      return value.map((w) => w.text).join(" ");
    };
    expect(card("調劑次數")).toBe("4");
    expect(card("期間內應領")).toBe("1");
    expect(card("逾期未領")).toBe("1");
    expect(card("攔截重複調劑")).toBe("1");
    expect(card("其他拒絕")).toBe("1");
    expect(card("事後發現重複(D025)")).toBe("1");
    expect(card("例外放行")).toBe("1");
    expect(card("J000 替代序號")).toBe("1");
    expect(card("註銷 / 取消註銷")).toBe("1 / 1");
    expect(card("24 小時內上傳")).toBe("66.6 %");
    const page1 = await pdfText(smallPdf, { page: 1, layout: false });
    expect(page1).toContain("刪除 1");
    expect(squeeze(page1)).toContain(squeeze("2 / 3 · 健保署目標 90.0 % 未達標 · 尚在期限內 1 · 被退回 1"));
  });

  it("lists every prescription with M16, prescriber, masked patient, refill states and events", () => {
    expect(smallText).toContain("原就醫識別碼 1BYF WZQ2 1QQX Y3B5 4X0L");
    expect(smallText).toContain("病人 王○明 A12****789");
    expect(smallText).not.toContain("A123456789");
    expect(smallText).toContain("原處方院所 1101110026 臺大醫院");
    expect(smallText).toContain(
      "第 1 次 已調劑 113/02/01 5903010022 | 第 2 次 已調劑 113/03/02 本藥局 | 第 3 次 逾期未領 113/03/20 – 113/03/29",
    );
    for (const label of [
      "拒絕調劑",
      "調劑",
      "例外放行",
      "註銷(C)",
      "取消註銷(E)",
      "整筆刪除(D)",
      "J000 替代序號",
      "逾期未領",
      "應領",
    ]) {
      expect(smallText).toContain(label);
    }
    expect(smallText).toContain("第1次已於 5903010022 調劑，不可重複調劑");
    expect(smallText).toContain("D025");
    expect(smallText).toContain("被退回");
    expect(smallText).toContain("M16:D024");
    expect(smallText).toContain("已接受（逾24小時）");
    expect(smallText).toContain("病人未取藥，整筆刪除");
    // The override reason keeps its comma and quotes; its line break becomes a line of its own.
    expect(smallText).toContain('健保署連線中斷, 病人"急需"用藥');
    expect(smallText).toContain("已電話確認");
    // Machine reason codes stay out of the owner's PDF (they are in the CSV).
    expect(smallText).not.toContain("dispensed-elsewhere");
  });

  it("numbers its pages", async () => {
    const { pages } = await pdfInfo(smallPdf);
    expect(pages).toBe(2);
    for (let page = 1; page <= pages; page++) {
      expect(squeeze(await pdfText(smallPdf, { page }))).toContain(`第${page}/${pages}頁`);
    }
  });

  it("is small and embeds one subset TrueType font per weight", async () => {
    expect(smallPdf.byteLength).toBeLessThan(120_000);
    const fonts = await pdfFonts(smallPdf);
    expect(fonts).toHaveLength(2);
    // A subset is named with a six-letter tag (PDF 1.7 §9.6.4), one of its own per subset.
    for (const f of fonts) expect(f).toMatchObject({ type: "CID TrueType", embedded: true, subset: true });
    expect(fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, "")).sort()).toEqual([
      "NotoSansTC-Bold",
      "NotoSansTC-Regular",
    ]);
    expect(new Set(fonts.map((f) => f.name.slice(0, 6))).size).toBe(2);
  });

  it("writes in English when asked", async () => {
    const text = await pdfText(await renderRefillLogPdf(small, { locale: "en" }), { layout: false });
    expect(text).toContain("Chronic refill log");
    expect(text).toContain("Duplicates stopped");
    // English punctuation in English: no full-width colon after the labels.
    expect(text).toContain("Pharmacy: 安心健保藥局");
    expect(text).not.toContain("Period：");
    expect(squeeze(text)).toContain("Page1of2");
  });
});

describe("refill log PDF: layout over several pages", () => {
  let data: RefillLogData;
  let pdf: Uint8Array;
  beforeAll(async () => {
    const from = "1130301" as RocDate;
    const service = createSampleService({ dispensings: 14, from, days: 31 });
    data = await buildRefillLogData(service, {
      from,
      to: "1130331" as RocDate,
      pharmacy: SAMPLE_PHARMACY,
      now: sampleNow(from, 31),
    });
    // A long Chinese reason that must wrap inside its column.
    const first = data.prescriptions[0]!;
    first.entries.push({
      at: first.entries[0]!.at,
      kind: "override",
      refillNo: 1,
      nhiCodes: [],
      reasons: [
        "病人下週出國工作三個月，已簽署切結書，依規定一次領取剩餘藥量；已通知原處方醫師並留存切結書影本於藥局備查。".repeat(
          2,
        ),
      ],
      message: msg("例外放行", "override"),
    });
    pdf = await renderRefillLogPdf(data);
  });

  it("a three-page log stays well under 200 KB", async () => {
    const info = await pdfInfo(pdf);
    expect(info.pages).toBe(3);
    expect(info.pageSize[0]).toBeCloseTo(A4_WIDTH, 0);
    expect(pdf.byteLength).toBeLessThan(200_000);
  });

  it("numbers every page and repeats the running header and the column header", async () => {
    for (let page = 1; page <= 3; page++) {
      const text = await pdfText(pdf, { page, layout: false });
      expect(squeeze(text)).toContain(`第${page}/3頁`);
      expect(text).toContain("產生時間 113/04/01 12:00:00");
      expect(text).toContain("原因 / 說明");
      if (page > 1)
        expect(text).toContain("慢性病連續處方箋調劑紀錄 · 安心健保藥局 (5901010010) · 113/03/01 – 113/03/31");
    }
  });

  it("keeps every word inside the page margins and clear of the footer", async () => {
    for (let page = 1; page <= 3; page++) {
      const words = await pdfWords(pdf, page);
      expect(words.length).toBeGreaterThan(50);
      for (const w of words) {
        expect(w.xMin).toBeGreaterThanOrEqual(MARGIN - 0.5);
        expect(w.xMax).toBeLessThanOrEqual(A4_WIDTH - MARGIN + 0.5);
        expect(w.yMax).toBeLessThanOrEqual(A4_HEIGHT - 20);
      }
      // Body text never runs into the footer band.
      const footerTop = A4_HEIGHT - 44;
      const intruders = words.filter((w) => w.yMax > footerTop && w.yMin < A4_HEIGHT - 32);
      expect(intruders).toEqual([]);
    }
  });

  it("wraps a long Chinese reason inside its column and never splits a row across pages", async () => {
    const text = await pdfText(pdf, { layout: false });
    const compact = text.replace(/\s+/g, "");
    expect(compact).toContain("病人下週出國工作三個月，已簽署切結書，依規定一次領取剩餘藥量；");
    const pages = text.split("\f").slice(0, 3);
    for (const page of pages) {
      // Each row prints its date and its time on two lines of the same cell.
      const dates = page.match(/^113\/\d\d\/\d\d$/gm) ?? [];
      const times = page.match(/^\d\d:\d\d$/gm) ?? [];
      expect(dates.length).toBe(times.length);
    }
  });

  it("draws a character the font lacks as a visible ? instead of an empty box", async () => {
    const copy = structuredClone(small);
    copy.prescriptions[0]!.entries[0]!.reasons = ["藥袋破損😀請重印"];
    const text = await pdfText(await renderRefillLogPdf(copy), { layout: false });
    expect(text).toContain("藥袋破損?請重印");
  });
});
