/**
 * Incidents in the refill log: a re-check's finding and a pharmacist's acknowledgement, shown and counted in the
 * PDF, the CSV and the JSON, with no national ID in clear in a masked log. J000 confirmations name who and when.
 */
import { afterEach, describe, expect, it } from "vitest";
import { pdfText } from "../../test/support/pdf-tools.js";
import { expectBreakdownsAddUp } from "../../test/support/report-breakdowns.js";
import { createHarness, PHARMACIST as HARNESS_PHARMACIST, type Harness } from "../../test/support/service-harness.js";
import { FROM, NOW, PHARMACIST, PHARMACY, RX3, smallMonthService, TO } from "../../test/support/small-month.js";
import { msg } from "../domain/message.js";
import { maskNationalId } from "../domain/national-id.js";
import { rocDateFromDate } from "../domain/roc-date.js";
import type { RefillEventView } from "../service/types.js";
import { parseCsv } from "./csv.js";
import { refillLogCsvHeader, renderRefillLogCsv } from "./refill-log-csv.js";
import { buildRefillLogData, type RefillLogSource } from "./refill-log-data.js";
import { refillLogJson } from "./refill-log-json.js";
import { renderRefillLogPdf } from "./refill-log-pdf.js";
import { reportSourceFor } from "./service-source.js";

const RX3_PATIENT = "C112345670";

/** The small month plus an incident on RX3 found by a re-check, and its acknowledgement two days later. */
function withIncident(): RefillLogSource {
  const service = smallMonthService(true);
  const incidents: RefillEventView[] = [
    {
      id: "i1",
      at: "2024-03-20T02:00:00.000Z",
      type: "incident",
      originalVisitId: RX3,
      refillNo: 2,
      nationalId: RX3_PATIENT,
      pharmacistId: PHARMACIST,
      reason: "details-differ",
      nhiCodes: [],
      message: msg(
        `依紙本輸入之處方與健保署資料不符：病人 ${RX3_PATIENT} → C112345671`,
        `The typed prescription differs from NHI's: patient ${RX3_PATIENT} → C112345671`,
      ),
    },
    {
      id: "i2",
      at: "2024-03-22T03:00:00.000Z",
      type: "incident",
      originalVisitId: RX3,
      refillNo: 2,
      nationalId: RX3_PATIENT,
      institutionCode: PHARMACY.pharmacyCode,
      pharmacistId: PHARMACIST,
      reason: "已電話聯繫原處方診所，更正調劑紀錄",
      nhiCodes: [],
      message: msg(`異常事件已由藥師 ${PHARMACIST} 確認處理`, `Incident acknowledged by pharmacist ${PHARMACIST}`),
    },
  ];
  const source: RefillLogSource = {
    prescription: (id) => service.prescription(id),
    getDispensing: (id) => service.getDispensing(id),
    refillsDue: (query) => service.refillsDue(query),
    outboxEntries: (filter) => service.outboxEntries(filter),
    refillLog: async (query) => {
      const found = [...(await service.refillLog(query)), ...incidents];
      return query.types?.length ? found.filter((e) => query.types!.includes(e.type)) : found;
    },
  };
  return source;
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("incidents in the refill log", () => {
  it("shows the finding and its acknowledgement, counts them, and keeps IDs masked in every format", async () => {
    const data = await buildRefillLogData(withIncident(), { from: FROM, to: TO, pharmacy: PHARMACY, now: NOW });
    expect([data.totals.incidents, data.totals.incidentsAcknowledged]).toEqual([1, 1]);
    const rx3 = data.prescriptions.find((p) => p.originalVisitId === RX3)!;
    expect(rx3.entries.filter((e) => e.kind === "incident" || e.kind === "acknowledged").map((e) => e.kind)).toEqual([
      "incident",
      "acknowledged",
    ]);
    expect(data.totals.byPatient.find((p) => p.patient.nationalId === maskNationalId(RX3_PATIENT))?.incidents).toBe(1);
    expectBreakdownsAddUp(data.totals);

    const pdf = (await pdfText(await renderRefillLogPdf(data), { layout: false })).replace(/\s+/g, "");
    expect(pdf).toContain("異常事件（事後查核）");
    expect(pdf).toContain("已處理1");
    expect(pdf).toContain("異常事件已處理");
    expect(pdf).toContain("已電話聯繫原處方診所，更正調劑紀錄");
    const en = (await pdfText(await renderRefillLogPdf(data, { locale: "en" }), { layout: false })).replace(/\s+/g, "");
    expect(en).toContain("incidentacknowledged");

    const csv = renderRefillLogCsv(data);
    const keys = refillLogCsvHeader().map((k) => k.split(" ").at(-1)!);
    const rows = parseCsv(csv)
      .slice(1)
      .map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i]!])));
    expect(rows.filter((r) => r.event === "incident" || r.event === "acknowledged").map((r) => r.event_label)).toEqual([
      "異常事件",
      "異常事件已處理",
    ]);
    expect(rows.find((r) => r.event === "total")?.incidents).toBe("1");

    const json = refillLogJson(data);
    expect(json.totals.incidents).toBe(1);
    expect(json.events.filter((e) => e.kind === "incident")).toHaveLength(1);
    for (const text of [pdf, en, csv, JSON.stringify(json)]) {
      expect(text).not.toContain(RX3_PATIENT);
      expect(text).not.toContain(PHARMACIST);
    }
  });

  it("names who confirmed a J000 and when, masked unless full", async () => {
    h = await createHarness("sqlite");
    const c = h.scenarios.cases.j000ClinicClosed;
    expect((await h.dispenseHere(c, c.nextRefillNo)).ok).toBe(true);
    const today = rocDateFromDate(h.now());
    const source = reportSourceFor({ service: h.service, dispensing: h.service });
    const build = (mask: "masked" | "full") =>
      buildRefillLogData(source, { from: today, to: today, pharmacy: PHARMACY, mask, now: h!.now() });
    const j000 = (await build("masked")).prescriptions.flatMap((p) => p.entries).find((e) => e.kind === "j000")!;
    expect(j000.confirmation).toEqual({ pharmacistId: maskNationalId(HARNESS_PHARMACIST), at: j000.at });
    const full = (await build("full")).prescriptions.flatMap((p) => p.entries).find((e) => e.kind === "j000")!;
    expect(full.confirmation?.pharmacistId).toBe(HARNESS_PHARMACIST);
  });
});
