/**
 * The same totals in every format: each number of the PDF's breakdown tables (per week, per pharmacist, per
 * patient) is in the CSV's total rows and the JSON's totals, and the JSON carries every total the PDF prints.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { pdfText } from "../../test/support/pdf-tools.js";
import { FROM, NOW, PHARMACY, smallMonthService, TO } from "../../test/support/small-month.js";
import { formatRocDate } from "../domain/roc-date.js";
import { parseCsv } from "./csv.js";
import { formatPatient } from "./mask.js";
import type { RefillLogData } from "./model.js";
import { refillLogCsvHeader, renderRefillLogCsv } from "./refill-log-csv.js";
import { buildRefillLogData } from "./refill-log-data.js";
import { refillLogJson } from "./refill-log-json.js";
import { renderRefillLogPdf } from "./refill-log-pdf.js";

const squeeze = (s: string) => s.replace(/\s+/g, "");

let data: RefillLogData;
let pdf: { zh: string[]; en: string[] };
let csv: Record<string, string>[];

beforeAll(async () => {
  data = await buildRefillLogData(smallMonthService(), { from: FROM, to: TO, pharmacy: PHARMACY, now: NOW });
  // One squeezed line per table row, as the layout puts them.
  const lines = async (bytes: Uint8Array) => (await pdfText(bytes, { layout: true })).split("\n").map(squeeze);
  pdf = {
    zh: await lines(await renderRefillLogPdf(data)),
    en: await lines(await renderRefillLogPdf(data, { locale: "en" })),
  };
  const keys = refillLogCsvHeader().map((h) => h.split(" ").at(-1)!);
  csv = parseCsv(renderRefillLogCsv(data))
    .slice(1)
    .map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i]!])));
});

describe("refill log totals in PDF, CSV and JSON", () => {
  it("prints each week's, pharmacist's and patient's counts in the PDF, in both languages", () => {
    const t = data.totals;
    const weeks = t.byWeek.map((w) =>
      [`${formatRocDate(w.from)}–${formatRocDate(w.to)}`, w.dispensings, w.refillsDue, w.refillsMissed].join(""),
    );
    const pharmacists = t.byPharmacist.map((p) =>
      [p.pharmacistId, p.dispensings, p.overrides, p.j000, p.deletions, p.corrections, p.refusals].join(""),
    );
    const patients = t.byPatient.map((p) =>
      [
        formatPatient(p.patient),
        p.prescriptions,
        p.dispensings,
        p.dispensedElsewhere,
        p.overrides,
        p.j000,
        p.deletions,
        p.refusals,
        p.refillsDue,
        p.refillsMissed,
        p.incidents,
      ].join(""),
    );
    expect(weeks).toContain("113/03/25–113/03/31111");
    expect(pharmacists).toEqual(["F22****781411102"]);
    for (const text of [pdf.zh, pdf.en]) {
      for (const row of [...weeks, ...pharmacists, ...patients]) expect(text).toContain(squeeze(row));
    }
    expect(pdf.zh).toContain("每週應領與逾期未領");
    expect(pdf.zh).toContain("病人小計");
    expect(pdf.en).toContain("Perpharmacist");
    expect(pdf.en).toContain("Refillsdueandmissedperweek");
  });

  it("has the same numbers in the CSV's total rows", () => {
    const t = data.totals;
    const pick = (event: string) => csv.filter((r) => r.event === event);
    expect(pick("total-week").map((r) => [r.dispensings, r.refills_due, r.refills_missed].map(Number))).toEqual(
      t.byWeek.map((w) => [w.dispensings, w.refillsDue, w.refillsMissed]),
    );
    expect(
      pick("total-pharmacist").map((r) => [r.pharmacist, r.dispensings, r.overrides, r.j000, r.refusals].join("|")),
    ).toEqual(t.byPharmacist.map((p) => [p.pharmacistId, p.dispensings, p.overrides, p.j000, p.refusals].join("|")));
    expect(
      pick("total-patient").map((r) => [r.national_id, r.prescriptions, r.dispensings, r.refills_due].join("|")),
    ).toEqual(t.byPatient.map((p) => [p.patient.nationalId, p.prescriptions, p.dispensings, p.refillsDue].join("|")));
  });

  it("carries every total the PDF prints in the JSON, breakdowns included", async () => {
    const json = JSON.parse(JSON.stringify(refillLogJson(data))) as ReturnType<typeof refillLogJson>;
    expect(json.totals.byPatient).toHaveLength(4);
    // A PDF drawn from the JSON's totals alone reads exactly as the PDF: nothing it prints is missing from them.
    const fromJson = await renderRefillLogPdf({ ...data, totals: json.totals });
    expect(await pdfText(fromJson, { layout: true })).toBe(
      await pdfText(await renderRefillLogPdf(data), { layout: true }),
    );
    // And a total the JSON lacked would show: the check can fail.
    const { byWeek: _dropped, ...partial } = json.totals;
    await expect(
      renderRefillLogPdf({ ...data, totals: { ...partial, byWeek: [] } }).then((b) => pdfText(b, { layout: true })),
    ).resolves.not.toBe(await pdfText(fromJson, { layout: true }));
  });
});
