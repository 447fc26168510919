/**
 * Writes NHI's check-result report text (the sandbox answers with it). Callers encode it (Big5 via iconv-lite, as NHI
 * does). `parseCheckReport(formatCheckReport(x))` gives back every filled field (M14 is never shown) and every error.
 */
import { isRejectionCode } from "../error-codes.js";
import { MB2_FIELDS, recordValue, type UploadRecord } from "../format/record.js";
import {
  BLOCK_SEPARATOR,
  ERROR_PREFIX,
  NULL_VALUE,
  REPORT_FIELD_ORDER,
  REPORT_NEWLINE,
  REPORT_TITLE,
} from "./layout.js";

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

/**
 * The report text. With `received` (the records in the upload), the counts a real report carries are written too:
 * 接收筆數 / 有效明細筆數 / 無效明細筆數 in the header (invalid = blocks with a rejection; warnings alone are
 * accepted) and 實際接收筆數 at the end, so a reader can tell a complete report from a cut one.
 */
export function formatCheckReport(entries: readonly CheckReportInput[], counts?: { received: number }): string {
  const blocks = entries.map(formatCheckReportEntry).join(`${REPORT_NEWLINE}${BLOCK_SEPARATOR}${REPORT_NEWLINE}`);
  if (counts === undefined) return entries.length === 0 ? "" : `${blocks}${REPORT_NEWLINE}`;
  const invalid = entries.filter((e) => e.errors.some((x) => isRejectionCode(x.code))).length;
  const head = `${REPORT_TITLE}${REPORT_NEWLINE}接收筆數:[ ${counts.received} ]\t有效明細筆數:[ ${counts.received - invalid} ]\t無效明細筆數:[ ${invalid} ]`;
  const tail = `實際接收筆數:[ ${counts.received} ]`;
  const parts = entries.length === 0 ? [head, tail] : [head, blocks, BLOCK_SEPARATOR, tail];
  return `${parts.join(REPORT_NEWLINE)}${REPORT_NEWLINE}`;
}
