import { describe, expect, it } from "vitest";
import {
  J000_REASON,
  OVERRIDE_REASON,
  PHARMACY,
  RX1,
  RX2,
  smallMonthRefillLog,
} from "../../test/support/small-month.js";
import { parseCsv, UTF8_BOM } from "./csv.js";
import { REFILL_LOG_CSV_COLUMNS, refillLogCsvHeader, renderRefillLogCsv } from "./refill-log-csv.js";

async function csvFor(mask: "full" | "masked" | "initials" = "masked") {
  const data = await smallMonthRefillLog(mask);
  return { data, text: renderRefillLogCsv(data) };
}

function records(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  const keys = header!.map((h) => h.split(" ").at(-1)!);
  return rows.map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i]!])));
}

describe("refill log CSV", () => {
  it("starts with a UTF-8 BOM and a bilingual header in a fixed column order", async () => {
    const { text } = await csvFor();
    expect(text.startsWith(UTF8_BOM)).toBe(true);
    const header = parseCsv(text)[0]!;
    expect(header).toEqual(refillLogCsvHeader());
    // The order is a contract with people's spreadsheets: pin it.
    expect(REFILL_LOG_CSV_COLUMNS.map(([k]) => k).join(",")).toBe(
      "event_at,event_at_iso,original_visit_id,prescriber,prescriber_name,patient_name,national_id,refill_no,refill_count,event,event_label,institution,here,pharmacist,days,window_from,window_to,reason,message,visit_id,upload_state,uploaded_within_24h,nhi_codes,institution_name,period_from,period_to,prescriptions,dispensings,dispensed_elsewhere,overrides,j000,deletions,corrections,refusals,refills_due,refills_missed,incidents",
    );
    expect(header[0]).toBe("事件時間 event_at");
    expect(Buffer.from(text, "utf8").subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it("has one row per event (and per refill due or missed), every row as wide as the header", async () => {
    const { data, text } = await csvFor();
    const rows = parseCsv(text);
    const entries = data.prescriptions.reduce((n, p) => n + p.entries.length, 0);
    const t = data.totals;
    const totals = 1 + t.byWeek.length + t.byPatient.length + t.byPharmacist.length;
    expect(rows.length - 1).toBe(entries + totals);
    expect(totals).toBe(1 + 5 + 4 + 1);
    expect(entries).toBe(12 + 2); // 12 events + RX1 missed + RX2 due
    for (const row of rows) expect(row).toHaveLength(REFILL_LOG_CSV_COLUMNS.length);
    expect(text.endsWith("\r\n")).toBe(true);
  });

  it("keeps reasons with commas, quotes and line breaks intact", async () => {
    const rows = records((await csvFor()).text);
    const override = rows.find((r) => r.event === "override")!;
    expect(override.reason).toBe(OVERRIDE_REASON);
    expect(override.original_visit_id).toBe(RX2);
    expect(rows.find((r) => r.event === "j000")!.reason).toBe(J000_REASON);
  });

  it("carries ROC dates, upload state, NHI codes and the 24-hour verdict", async () => {
    const rows = records((await csvFor()).text);
    const d1 = rows.find((r) => r.event === "dispensed" && r.original_visit_id === RX1)!;
    expect(d1).toMatchObject({
      event_at: "113/03/02 10:00:00",
      event_at_iso: "2024-03-02T10:00:00+08:00",
      refill_no: "2",
      refill_count: "3",
      here: "Y",
      days: "28",
      upload_state: "accepted",
      uploaded_within_24h: "Y",
      patient_name: "王○明",
      national_id: "A12****789",
      pharmacist: "F22****781",
    });
    const dup = rows.find((r) => r.event === "blocked" && r.original_visit_id === RX1)!;
    expect(dup.nhi_codes).toBe("D025");
    expect(dup.reason).toBe("dispensed-elsewhere");
    const rejected = rows.find((r) => r.upload_state === "rejected")!;
    expect(rejected.nhi_codes).toBe("M16:D024");
    const finding = rows.find((r) => r.event === "finding")!;
    expect(finding).toMatchObject({
      event_label: "健保署查核",
      institution: "5903010022",
      here: "N",
      nhi_codes: "D025",
    });
    const missed = rows.find((r) => r.event === "missed")!;
    expect(missed).toMatchObject({ window_from: "113/03/20", window_to: "113/03/29", here: "", institution: "" });
    expect(
      rows.find((r) => r.event === "dispensed" && r.upload_state === "accepted" && r.uploaded_within_24h === "N"),
    ).toBeTruthy();
  });

  it("ends with the PDF's totals per period, week, patient and pharmacist, as numbers", async () => {
    const { data, text } = await csvFor();
    const rows = records(text);
    const t = data.totals;
    const total = rows.find((r) => r.event === "total")!;
    expect(total).toMatchObject({
      event_label: "期間合計",
      period_from: "113/03/01",
      period_to: "113/03/31",
      prescriptions: "4",
      dispensings: String(t.dispensings),
      refusals: String(t.duplicatesStopped + t.otherBlocks),
      refills_due: String(t.refillsDue),
      refills_missed: String(t.refillsMissed),
      original_visit_id: "",
      event_at: "",
    });
    expect(rows.filter((r) => r.event === "total-week").map((r) => [r.period_from, r.dispensings])).toEqual(
      t.byWeek.map((w) => [`${w.from.slice(0, 3)}/${w.from.slice(3, 5)}/${w.from.slice(5)}`, String(w.dispensings)]),
    );
    const patients = rows.filter((r) => r.event === "total-patient");
    expect(patients.map((r) => [r.patient_name, r.national_id, r.dispensings, r.refusals, r.refills_missed])).toEqual(
      t.byPatient.map((p) => [
        p.patient.name,
        p.patient.nationalId,
        `${p.dispensings}`,
        `${p.refusals}`,
        `${p.refillsMissed}`,
      ]),
    );
    expect(patients[0]).toMatchObject({ patient_name: "王○明", national_id: "A12****789", refills_missed: "1" });
    const pharmacist = rows.find((r) => r.event === "total-pharmacist")!;
    expect(pharmacist).toMatchObject({ pharmacist: "F22****781", dispensings: "4", j000: "1", corrections: "0" });
    // Event rows leave the count columns empty.
    expect(rows.find((r) => r.event === "dispensed")!.dispensings).toBe("");
  });

  it("names the institution of every event in its own column", async () => {
    const rows = records((await csvFor()).text);
    const ours = rows.find((r) => r.event === "dispensed" && r.here === "Y")!;
    expect(ours).toMatchObject({ institution: PHARMACY.pharmacyCode, institution_name: PHARMACY.name });
    const events = rows.filter((x) =>
      /^(dispensed|blocked|finding|override|j000|deleted|cancelled|restored)$/.test(`${x.event}`),
    );
    expect(events.length).toBe(12);
    expect(events.filter((r) => r.institution === "")).toEqual([]);
  });

  it("prints full IDs only with the full mask", async () => {
    expect((await csvFor("masked")).text).not.toContain("A123456789");
    expect((await csvFor("initials")).text).not.toContain("A12****789");
    expect((await csvFor("full")).text).toContain("A123456789");
  });
});
