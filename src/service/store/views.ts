/** Rows → the contract's views (dispensing, outbox entry, refill event). */
import type { DispensingRow, OutboxRow, RefillEventRow } from "../../db/schema.js";
import type { VerificationState } from "../../domain/incident.js";
import type { PaperEntryCause } from "../../domain/paper-prescription.js";
import type { RocDateTime } from "../../domain/roc-date.js";
import { describeNhiCode } from "../../nhi/error-codes.js";
import type { DispensingView, OutboxEntryView, RefillEventType, RefillEventView, UploadState } from "../types.js";
import type { Db } from "./db.js";

/** Internal outbox states map onto the contract's UploadState (superseded entries are never shown). */
export function uploadState(state: string): UploadState {
  return state === "superseded" ? "pending" : (state as UploadState);
}

interface StoredRejection {
  field: string;
  code: string;
}

export function rejectionsOf(row: Pick<OutboxRow, "rejections_json">): StoredRejection[] {
  return row.rejections_json ? (JSON.parse(row.rejections_json) as StoredRejection[]) : [];
}

export function outboxView(row: OutboxRow): OutboxEntryView {
  const codes = rejectionsOf(row).map((r) => {
    const d = describeNhiCode(r.code);
    return { field: r.field, code: r.code, message: d.message, advice: d.advice };
  });
  // The codes of an accepted record are warnings (D024, D049, D051 …, or D001 on a deletion of nothing).
  const accepted = row.state === "accepted";
  const view: OutboxEntryView = {
    id: row.id,
    dispensingId: row.dispensing_id,
    visitId: row.visit_id,
    dataFormat: row.data_format,
    state: uploadState(row.state),
    attempts: row.attempts,
    createdAt: row.created_at,
    deadline: row.deadline,
    rejections: accepted ? [] : codes,
    warnings: accepted ? codes : [],
  };
  if (row.uploaded_at) view.uploadedAt = row.uploaded_at;
  if (row.last_error) view.lastError = row.last_error;
  return view;
}

export function dispensingView(row: DispensingRow, latest: OutboxRow | undefined): DispensingView {
  const view: DispensingView = {
    id: row.id,
    visitId: row.visit_id,
    originalVisitId: row.original_visit_id,
    refillNo: row.refill_no,
    visitDateTime: row.visit_date_time as RocDateTime,
    pharmacistId: row.pharmacist_id,
    nationalId: row.national_id,
    days: row.days,
    status: row.status as "active" | "deleted",
    j000: row.j000 === 1,
    upload: {
      // Deleted before any upload, every entry superseded: withdrawn, not pending forever.
      state: latest ? uploadState(latest.state) : row.status === "deleted" ? "withdrawn" : "pending",
      codes: latest
        ? rejectionsOf(latest).map((r) => ({ field: r.field, code: r.code, message: describeNhiCode(r.code).message }))
        : [],
    },
  };
  if (row.abnormal_code) view.abnormalCode = row.abnormal_code;
  if (row.override_reason) view.override = { reason: row.override_reason };
  if (row.j000_confirmed_by && row.j000_confirmed_at) {
    view.j000Confirmation = { pharmacistId: row.j000_confirmed_by, at: row.j000_confirmed_at };
  }
  if (row.paper_cause) view.paperEntry = row.paper_cause as PaperEntryCause;
  if (row.verification) view.verification = row.verification as VerificationState;
  return view;
}

/** The latest live outbox entry of each dispensing. */
export async function latestOutbox(db: Db, dispensingIds: readonly string[]): Promise<Map<string, OutboxRow>> {
  const map = new Map<string, OutboxRow>();
  if (dispensingIds.length === 0) return map;
  const rows = await db
    .selectFrom("outbox")
    .selectAll()
    .where("dispensing_id", "in", [...dispensingIds])
    .where("state", "!=", "superseded")
    .orderBy("created_at")
    .orderBy("revision")
    .execute();
  for (const row of rows) map.set(row.dispensing_id, row);
  return map;
}

export function eventView(row: RefillEventRow): RefillEventView {
  const view: RefillEventView = {
    id: row.id,
    at: row.at,
    type: row.type as RefillEventType,
    originalVisitId: row.original_visit_id,
    message: { zh: row.message_zh, en: row.message_en },
  };
  if (row.refill_no !== null) view.refillNo = row.refill_no;
  if (row.national_id) view.nationalId = row.national_id;
  if (row.prescriber_institution_code) view.prescriberInstitutionCode = row.prescriber_institution_code;
  if (row.institution_code) view.institutionCode = row.institution_code;
  if (row.pharmacist_id) view.pharmacistId = row.pharmacist_id;
  if (row.reason) view.reason = row.reason;
  if (row.nhi_codes) view.nhiCodes = JSON.parse(row.nhi_codes) as string[];
  return view;
}
