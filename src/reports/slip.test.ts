import { describe, expect, it } from "vitest";
import { pdfInfo, pdfText, readQrCodes, renderPng } from "../../test/support/pdf-tools.js";
import { NOW, PHARMACY, RX1, smallMonthService } from "../../test/support/small-month.js";
import type { RocDate, RocDateTime } from "../domain/roc-date.js";
import type { DispensingView, PrescriptionView } from "../service/types.js";
import { ReportError } from "./errors.js";
import type { SlipData } from "./model.js";
import { buildSlipData, fallbackWindow, type SlipSource } from "./slip-data.js";
import { renderSlipPdf } from "./slip-pdf.js";

const squeeze = (s: string) => s.replace(/\s+/g, "");

function source(
  overrides: { dispensing?: Partial<DispensingView>; prescription?: Partial<PrescriptionView> } = {},
): SlipSource {
  const base = smallMonthService();
  return {
    getDispensing: async (id) => {
      const d = await base.getDispensing(id);
      return d && { ...d, ...overrides.dispensing };
    },
    prescription: async (id) => {
      const p = await base.prescription(id);
      return p && { ...p, ...overrides.prescription };
    },
  };
}

describe("refill reminder slip data", () => {
  it("gives the next refill and its window from the prescription", async () => {
    const data = await buildSlipData(source(), { dispensingId: "d1", pharmacy: PHARMACY, now: NOW });
    expect(data).toMatchObject({
      originalVisitId: RX1,
      dispensedRefillNo: 2,
      nextRefillNo: 3,
      refillCount: 3,
      days: 28,
      window: { from: "1130320", to: "1130329" },
      patient: { name: "王○明", nationalId: "A12****789" },
      printedAt: "1130401120000",
    });
  });

  it("works out the window when the service has none: 10 days up to the day the supply runs out", async () => {
    expect(fallbackWindow("1130302" as RocDate, 28)).toEqual({ from: "1130320", to: "1130329" });
    const p = await smallMonthService().prescription(RX1);
    const refills = p!.refills.map((r) => ({ ...r, window: undefined }));
    const data = await buildSlipData(source({ prescription: { refills } }), { dispensingId: "d1", pharmacy: PHARMACY });
    expect(data.window).toEqual({ from: "1130320", to: "1130329" });
  });

  it("refuses clearly when there is nothing to remind of", async () => {
    const cases: [SlipSource, string, string][] = [
      [source(), "nope", "dispensing-not-found"],
      [source({ dispensing: { status: "deleted" } }), "d1", "dispensing-deleted"],
      [source({ dispensing: { refillNo: 3 } }), "d1", "no-next-refill"],
      [source({ prescription: { chronic: false } }), "d1", "no-next-refill"],
    ];
    for (const [src, id, code] of cases) {
      const attempt = buildSlipData(src, { dispensingId: id, pharmacy: PHARMACY });
      await expect(attempt).rejects.toBeInstanceOf(ReportError);
      await expect(attempt).rejects.toMatchObject({ code });
    }
    const err = await buildSlipData(source({ dispensing: { refillNo: 3 } }), {
      dispensingId: "d1",
      pharmacy: PHARMACY,
    }).catch((e: ReportError) => e);
    expect((err as ReportError).reason).toEqual({
      zh: "這是最後一次領藥，沒有下次領藥",
      en: "This was the last refill; there is no next one",
    });
  });
});

describe("refill reminder slip PDF", () => {
  const slip: SlipData = {
    pharmacy: PHARMACY,
    patient: { name: "王○明", nationalId: "A12****789" },
    originalVisitId: RX1,
    prescriberName: "臺大醫院",
    prescriberInstitutionCode: "1101110026",
    dispensedRefillNo: 2,
    dispensedAt: "1130302100000" as RocDateTime,
    days: 28,
    refillCount: 3,
    nextRefillNo: 3,
    window: { from: "1130320" as RocDate, to: "1130329" as RocDate },
    printedAt: "1130302100500" as RocDateTime,
  };

  it("on an 80 mm receipt: next refill, window in ROC dates, pharmacy, visit ID as text and as a scannable QR", async () => {
    const pdf = await renderSlipPdf(slip, { size: "80mm" });
    const info = await pdfInfo(pdf);
    expect(info.pages).toBe(1);
    expect(info.pageSize[0]).toBeCloseTo((80 / 25.4) * 72, 1);
    expect(info.pageSize[1]).toBeGreaterThan(info.pageSize[0]);
    expect(info.pageSize[1]).toBeLessThan(600);
    const text = squeeze(await pdfText(pdf));
    for (const s of [
      "安心健保藥局",
      "電話02-2345-6789",
      "慢性病連續處方箋回診領藥提醒",
      "下次領藥：第3次（共3次）",
      "113/03/20–113/03/29",
      "請攜帶健保卡及原處方箋",
      "本次：第2次，113/03/02，28日份",
      "1BYFWZQ21QQXY3B54X0L",
    ]) {
      expect(text).toContain(s);
    }
    // The printed ID is grouped by four, as on the prescription.
    expect(await pdfText(pdf, { layout: false })).toContain("1BYF WZQ2 1QQX Y3B5 4X0L");
    // The QR, rendered at a receipt printer's 203 dpi, scans back to M16.
    const { png } = await renderPng(pdf, { dpi: 203 });
    expect(await readQrCodes(png)).toEqual([RX1]);
    expect(pdf.byteLength).toBeLessThan(60_000);
  });

  it("on A4 with the same content", async () => {
    const pdf = await renderSlipPdf(slip, { size: "a4" });
    const info = await pdfInfo(pdf);
    expect(info.pageSize[0]).toBeCloseTo(595.28, 0);
    expect(info.pageSize[1]).toBeCloseTo(841.89, 0);
    expect(squeeze(await pdfText(pdf))).toContain("113/03/20–113/03/29");
    const { png } = await renderPng(pdf, { dpi: 100 });
    expect(await readQrCodes(png)).toEqual([RX1]);
  });

  it("in English", async () => {
    const text = squeeze(await pdfText(await renderSlipPdf(slip, { locale: "en" })));
    expect(text).toContain("Next:refill3of3");
    expect(text).toContain("Bring");
  });
});
