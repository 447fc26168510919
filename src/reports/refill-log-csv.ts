/**
 * The refill log as CSV for Excel: UTF-8 with BOM, RFC 4180, one row per event (plus one per refill due or
 * missed), then the totals as rows of the same table (`event` = total, total-week, total-patient,
 * total-pharmacist, their counts in the columns at the end), a bilingual header and a column order that never
 * changes (new columns only ever go at the end).
 */
import { formatRocDate, formatRocDateTime, rocDateTimeToIso } from "../domain/roc-date.js";
import { csvLine, neutralizeFormula, UTF8_BOM } from "./csv.js";
import { entryKindLabel } from "./labels.js";
import type { LogEntry, LogPrescription, RefillLogData } from "./model.js";
import { NO_COUNTS, totalRows } from "./refill-log-csv-totals.js";

export const REFILL_LOG_CSV_COLUMNS = [
  ["event_at", "事件時間"],
  ["event_at_iso", "ISO 時間"],
  ["original_visit_id", "原就醫識別碼"],
  ["prescriber", "原處方院所代號"],
  ["prescriber_name", "原處方院所"],
  ["patient_name", "病人"],
  ["national_id", "身分證號"],
  ["refill_no", "第幾次"],
  ["refill_count", "可調劑次數"],
  ["event", "事件代碼"],
  ["event_label", "事件"],
  ["institution", "執行機構"],
  ["here", "本藥局"],
  ["pharmacist", "藥師"],
  ["days", "給藥日份"],
  ["window_from", "可領起日"],
  ["window_to", "可領迄日"],
  ["reason", "原因"],
  ["message", "說明"],
  ["visit_id", "就醫識別碼"],
  ["upload_state", "上傳狀態"],
  ["uploaded_within_24h", "24小時內上傳"],
  ["nhi_codes", "健保代碼"],
  ["institution_name", "執行機構名稱"],
  ["period_from", "統計起日"],
  ["period_to", "統計迄日"],
  ["prescriptions", "處方數"],
  ["dispensings", "調劑"],
  ["dispensed_elsewhere", "他院調劑"],
  ["overrides", "例外放行"],
  ["j000", "J000"],
  ["deletions", "刪除"],
  ["corrections", "更正"],
  ["refusals", "拒絕調劑"],
  ["refills_due", "應領"],
  ["refills_missed", "逾期未領"],
  ["incidents", "異常事件"],
] as const;

export type RefillLogCsvColumn = (typeof REFILL_LOG_CSV_COLUMNS)[number][0];

export function refillLogCsvHeader(): string[] {
  return REFILL_LOG_CSV_COLUMNS.map(([key, zh]) => `${zh} ${key}`);
}

function row(p: LogPrescription, e: LogEntry, data: RefillLogData): Record<RefillLogCsvColumn, string> {
  const codes = [...e.nhiCodes];
  for (const c of e.upload?.codes ?? []) if (!codes.includes(c)) codes.push(c);
  const scheduled = e.kind === "due" || e.kind === "missed";
  return {
    event_at: formatRocDateTime(e.at),
    event_at_iso: rocDateTimeToIso(e.at),
    original_visit_id: p.originalVisitId,
    prescriber: p.prescriberInstitutionCode,
    prescriber_name: p.prescriberName ?? "",
    patient_name: p.patient.name,
    national_id: p.patient.nationalId,
    refill_no: e.refillNo !== undefined ? String(e.refillNo) : "",
    refill_count: p.refillCount ? String(p.refillCount) : "",
    event: e.kind,
    event_label: entryKindLabel(e).zh,
    institution: scheduled ? "" : (e.institutionCode ?? data.pharmacy.pharmacyCode),
    here: scheduled ? "" : e.elsewhere ? "N" : "Y",
    pharmacist: e.pharmacistId ?? "",
    days: e.days !== undefined ? String(e.days) : "",
    window_from: e.window ? formatRocDate(e.window.from) : "",
    window_to: e.window ? formatRocDate(e.window.to) : "",
    reason: neutralizeFormula(e.reasons.join(",")),
    message: neutralizeFormula(e.message.zh === e.message.en ? e.message.zh : `${e.message.zh} / ${e.message.en}`),
    visit_id: e.upload?.visitId ?? "",
    upload_state: e.upload?.state ?? "",
    uploaded_within_24h: e.upload?.within24h === undefined ? "" : e.upload.within24h ? "Y" : "N",
    nhi_codes: codes.join(" "),
    institution_name: scheduled ? "" : neutralizeFormula(e.institutionName ?? ""),
    ...NO_COUNTS,
  };
}

/** Rows in document order (prescriptions as in the PDF, events in time order, then the totals), no header. */
export function* refillLogCsvRows(data: RefillLogData): Generator<string[]> {
  for (const p of data.prescriptions) {
    for (const e of p.entries) {
      const r = row(p, e, data);
      yield REFILL_LOG_CSV_COLUMNS.map(([key]) => r[key]);
    }
  }
  for (const r of totalRows(data)) yield REFILL_LOG_CSV_COLUMNS.map(([key]) => r[key] ?? "");
}

export function renderRefillLogCsv(data: RefillLogData): string {
  const parts = [UTF8_BOM, csvLine(refillLogCsvHeader())];
  for (const r of refillLogCsvRows(data)) parts.push(csvLine(r));
  return parts.join("");
}
