/**
 * Writes NHI's check-result report text (the sandbox answers with it). Callers encode it (Big5 via iconv-lite, as NHI
 * does). `parseCheckReport(formatCheckReport(x))` gives back every filled field (M14 is never shown) and every error.
 */
import { MB2_FIELDS, recordValue, type UploadRecord } from "../format/record.js";
import { BLOCK_SEPARATOR, ERROR_PREFIX, NULL_VALUE, REPORT_FIELD_ORDER, REPORT_NEWLINE } from "./layout.js";

export interface CheckReportInput {
  recordNo: number;
  record: UploadRecord;
  errors: { field: string; code: string }[];
}

function line(field: string, value: string | undefined): string {
  return `${field}=[ ${value === undefined || value === "" ? NULL_VALUE : value} ]`;
}

export function formatCheckReportEntry(entry: CheckReportInput): string {
  const out: string[] = [`第[${entry.recordNo}]筆`];
  for (const field of REPORT_FIELD_ORDER) out.push(line(field, recordValue(entry.record, field)));
  entry.record.mb2.forEach((mb2, i) => {
    for (const field of MB2_FIELDS) out.push(line(`${field}[${i + 1}]`, mb2[field]));
  });
  out.push(`${ERROR_PREFIX}${entry.errors.map((e) => (e.field ? `${e.field}:${e.code};` : `${e.code};`)).join("")}`);
  return out.join(REPORT_NEWLINE);
}

export function formatCheckReport(entries: readonly CheckReportInput[]): string {
  if (entries.length === 0) return "";
  return `${entries.map(formatCheckReportEntry).join(`${REPORT_NEWLINE}${BLOCK_SEPARATOR}${REPORT_NEWLINE}`)}${REPORT_NEWLINE}`;
}
