/**
 * One uploaded document through NHI's checks, record by record: the file and format findings first, then the
 * uploader-aware record rules (AD23, D068 against its switch to 2.0), then the central checks, whose accepted
 * mutations are applied at once so a later record in the same document sees them. Answers the per-record results
 * and the check-result report (Big5, base64).
 */
import { type CheckContext, type CheckError, centralCheck, type Mutation } from "./central-checks.js";
import {
  encodeBig5,
  type Finding,
  formatCheckReport,
  parseUploadXml,
  type UploadRecord,
  validateRecord,
} from "./format-bridge.js";
import { recordKey } from "./state.js";
import type { InstitutionKind } from "./types.js";

export interface DocumentInput {
  document: Uint8Array;
  callerCode: string;
  callerKind: InstitutionKind | undefined;
  uploadId: string;
  receivedAt: string;
}

export interface CheckedDocument {
  recordCount: number;
  results: { recordNo: number; accepted: boolean; errors: CheckError[] }[];
  /** Check-result report, Big5 bytes as base64. */
  report: string;
}

/** An upload as the sandbox keeps it. */
export interface UploadDoc {
  uploadId: string;
  institutionCode: string;
  receivedAt: string;
  readyAt: string;
  recordCount: number;
  accepted: number;
  rejected: number;
  /** Check-result report, Big5 bytes as base64. */
  report: string;
  results: CheckedDocument["results"];
}

export function checkDocument(
  ctx: CheckContext,
  input: DocumentInput,
  apply: (mutation: Mutation) => void,
): CheckedDocument {
  const { document, callerCode, callerKind, uploadId, receivedAt } = input;
  const parsed = parseUploadXml(document);
  const fileErrors = parsed.findings.filter((f) => f.recordNo === 0);
  const byRecord = new Map<number, Finding[]>();
  for (const f of parsed.findings) {
    if (f.recordNo === 0) continue;
    const list = byRecord.get(f.recordNo) ?? [];
    list.push(f);
    byRecord.set(f.recordNo, list);
  }
  const seenKeys = new Set<string>();
  const results: CheckedDocument["results"] = [];
  const reportEntries: { recordNo: number; record: UploadRecord; errors: CheckError[] }[] = [];
  parsed.records.forEach((record, i) => {
    const recordNo = i + 1;
    let errors: CheckError[] = [...fileErrors, ...(byRecord.get(recordNo) ?? [])].map((f) => ({
      field: f.field ?? "",
      code: f.code,
    }));
    if (errors.length === 0) {
      const pharmacy = (callerKind ?? (record.mb1.M07 === "AF" ? "pharmacy" : "prescriber")) === "pharmacy";
      const format2Since = ctx.format2Since(record.mb1.M05 ?? callerCode);
      errors = validateRecord(record, recordNo, { pharmacy, format2Since }).map((f) => ({
        field: f.field ?? "",
        code: f.code,
      }));
    }
    let warnings: CheckError[] = [];
    if (errors.length === 0) {
      const outcome = centralCheck(ctx, { record, callerCode, uploadId, receivedAt, seenKeys });
      if ("errors" in outcome) errors = outcome.errors;
      else {
        apply(outcome.mutation);
        warnings = outcome.warnings ?? [];
      }
    }
    const accepted = errors.length === 0;
    if (accepted && (record.h01 === "A" || record.h01 === "B")) seenKeys.add(recordKey(record));
    // Warnings appear in the report like errors; only NHI's code table tells the reader they did not reject.
    const reported = [...errors, ...warnings];
    results.push({ recordNo, accepted, errors: reported });
    if (reported.length > 0) reportEntries.push({ recordNo, record, errors: dedupe(reported) });
  });
  if (parsed.records.length === 0 && fileErrors.length > 0) {
    const errors = fileErrors.map((f) => ({ field: f.field ?? "", code: f.code }));
    reportEntries.push({ recordNo: 1, record: { h00: "", h01: "A", mb1: {}, mb2: [] }, errors: dedupe(errors) });
  }
  const report = Buffer.from(encodeBig5(formatCheckReport(reportEntries))).toString("base64");
  return { recordCount: parsed.records.length, results, report };
}

function dedupe(errors: CheckError[]): CheckError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.field}:${e.code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
