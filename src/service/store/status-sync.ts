/**
 * Storing what NHI said about prescriptions: patient, prescription, per-refill state, and the prescriber's C/E and
 * other institutions' dispensings as refill-log events (once each). Any number of answers go in one statement (the
 * routine of migration 8), so concurrent scans share one commit (see ServiceContext.syncStatus).
 */
import { sql } from "kysely";
import type { Engine } from "../../db/migrations.js";
import type { Message } from "../../domain/message.js";
import { dateFromRocDateTime, formatRocDateTime } from "../../domain/roc-date.js";
import type { PrescriptionStatus, RefillStatus } from "../../nhi/client.js";
import type { RefillEventType } from "../types.js";
import type { Db } from "./db.js";
import { type RefillEventInput, refillEventRow } from "./events.js";
import { prescriptionColumns } from "./prescriptions.js";

/** One answer of NHI's and when it came (`json`: the answer as JSON, when the caller has it already). */
export interface StatusSync {
  status: PrescriptionStatus;
  at: Date;
  json?: string;
}

const EVENT_TEXT = {
  C: (n: number, by: string, at: string): Message => ({
    zh: `原處方院所 ${by} 於 ${at} 註銷第${n}次（C）`,
    en: `The prescriber ${by} cancelled refill ${n} on ${at} (C)`,
  }),
  E: (n: number, by: string, at: string): Message => ({
    zh: `原處方院所 ${by} 於 ${at} 取消註銷第${n}次（E）`,
    en: `The prescriber ${by} restored refill ${n} on ${at} (E)`,
  }),
  A: (n: number, by: string, at: string): Message => ({
    zh: `第${n}次由 ${by} 於 ${at} 調劑`,
    en: `Refill ${n} dispensed by ${by} on ${at}`,
  }),
  D: (n: number, by: string, at: string): Message => ({
    zh: `${by} 於 ${at} 刪除第${n}次調劑紀錄（D）`,
    en: `${by} deleted its record of refill ${n} on ${at} (D)`,
  }),
};

const EVENT_TYPE: Record<"A" | "B" | "C" | "D" | "E", RefillEventType> = {
  A: "dispensed",
  B: "dispensed",
  C: "cancelled",
  D: "deleted",
  E: "restored",
};

/** The latest item per key, in first-seen order (one upsert statement may not touch a row twice on PostgreSQL). */
function lastPerKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    byKey.delete(k);
    byKey.set(k, item);
  }
  return [...byKey.values()];
}

/** The refill-log events NHI's answer tells of: the prescriber's C/E and other institutions' dispensings and deletes. */
function nhiEvents(status: PrescriptionStatus, refill: RefillStatus, pharmacyCode: string): RefillEventInput[] {
  const events: RefillEventInput[] = [];
  for (const event of refill.events) {
    if (event.institutionCode === pharmacyCode && event.type !== "C" && event.type !== "E") continue;
    // The institution by name and code where NHI names it: the prescriber (C/E) or the refill's dispenser.
    const prescriberEvent = event.type === "C" || event.type === "E";
    const name = prescriberEvent
      ? status.prescriberName
      : refill.dispensedBy === event.institutionCode
        ? refill.dispensedByName
        : undefined;
    const by = name ? `${name}（${event.institutionCode}）` : event.institutionCode;
    const text = EVENT_TEXT[event.type === "B" ? "A" : event.type](refill.refillNo, by, formatRocDateTime(event.at));
    events.push({
      type: EVENT_TYPE[event.type],
      // When it happened at NHI, not when we learned of it: the log orders and dates events by this.
      at: dateFromRocDateTime(event.at),
      originalVisitId: status.originalVisitId,
      refillNo: refill.refillNo,
      nationalId: status.nationalId,
      prescriberInstitutionCode: status.prescriberInstitutionCode,
      institutionCode: event.institutionCode,
      message: text,
      nhiCodes: [event.type],
      sourceKey: `nhi:${status.originalVisitId}:${refill.refillNo}:${event.type}:${event.at}:${event.institutionCode}:${
        event.visitId ?? ""
      }`,
    });
  }
  return events;
}

/** The patient rows of a batch: one per patient, later answers' facts over earlier ones (as stored in turn). */
function patientRows(syncs: readonly StatusSync[]) {
  const rows = new Map<string, { national_id: string; birth_date: string | null; at: string }>();
  for (const { status, at } of syncs) {
    const before = rows.get(status.nationalId);
    rows.delete(status.nationalId);
    rows.set(status.nationalId, {
      national_id: status.nationalId,
      birth_date: status.birthDate ?? before?.birth_date ?? null,
      at: at.toISOString(),
    });
  }
  return [...rows.values()];
}

/** The rows the routine stores (src/db/status-sync-routine.ts names their fields), as four JSON arrays. */
function routineArguments(syncs: readonly StatusSync[], pharmacyCode: string): string[] {
  const latest = lastPerKey(syncs, (s) => s.status.originalVisitId);
  const prescriptions = latest.map(({ status, at, json }) => ({
    original_visit_id: status.originalVisitId,
    ...prescriptionColumns(status),
    nhi_status_json: json ?? JSON.stringify(status),
    at: at.toISOString(),
  }));
  const refills = latest.flatMap(({ status, at }) =>
    status.refills.map((refill) => ({
      original_visit_id: status.originalVisitId,
      refill_no: refill.refillNo,
      state: refill.state,
      restored: refill.restored ? 1 : 0,
      dispensed_by: refill.dispensedBy ?? null,
      dispensed_at: refill.dispensedAt ?? null,
      dispensed_visit_id: refill.dispensedVisitId ?? null,
      days: refill.days ?? null,
      at: at.toISOString(),
    })),
  );
  // Every answer's events (an earlier answer in the batch may tell of one a later one no longer shows).
  const events = syncs.flatMap(({ status }) => status.refills.flatMap((r) => nhiEvents(status, r, pharmacyCode)));
  return [
    patientRows(syncs),
    prescriptions,
    lastPerKey(refills, (r) => `${r.original_visit_id}:${r.refill_no}`),
    events.map(refillEventRow),
  ].map((rows) => JSON.stringify(rows));
}

/**
 * Stores NHI's answers in one statement whatever their number (atomic on its own, or part of the caller's
 * transaction): the database routine of migration 8 (src/db/status-sync-routine.ts). The routine can also answer
 * the names of the answers' patients; a scan's lookup reads those before it stores (store/local-state.ts), so they
 * are not asked for here (PostgreSQL's function answers them anyway, and they are only counted).
 */
export async function syncPrescriptionStatuses(
  db: Db,
  engine: Engine,
  syncs: readonly StatusSync[],
  pharmacyCode: string,
): Promise<void> {
  if (syncs.length === 0) return;
  const [patients, prescriptions, refills, events] = routineArguments(syncs, pharmacyCode);
  if (engine === "postgres") {
    await sql`SELECT count(*) FROM rxdesk_store_nhi_status(${patients}, ${prescriptions}, ${refills}, ${events})`.execute(
      db,
    );
    return;
  }
  await sql`
    INSERT INTO nhi_status_inbox (patient_rows, prescription_rows, refill_rows, event_rows)
    VALUES (${patients}, ${prescriptions}, ${refills}, ${events})`.execute(db);
}

/** Stores one answer of NHI's (the outbox's re-checks, inside their own transaction). */
export async function syncPrescriptionStatus(
  db: Db,
  engine: Engine,
  status: PrescriptionStatus,
  at: Date,
  pharmacyCode: string,
): Promise<void> {
  await syncPrescriptionStatuses(db, engine, [{ status, at }], pharmacyCode);
}
