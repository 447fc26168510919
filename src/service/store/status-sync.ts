/**
 * Storing what NHI said about prescriptions: patient, prescription, per-refill state, and the prescriber's C/E and
 * other institutions' dispensings as refill-log events (once each). Any number of answers go in one statement per
 * table, so concurrent scans share one commit (see ServiceContext.syncStatus).
 */
import type { Engine } from "../../db/migrations.js";
import type { Message } from "../../domain/message.js";
import { dateFromRocDateTime, formatRocDateTime } from "../../domain/roc-date.js";
import type { PrescriptionStatus, RefillStatus } from "../../nhi/client.js";
import type { RefillEventType } from "../types.js";
import type { Db } from "./db.js";
import { addRefillEvents, type RefillEventInput } from "./events.js";
import { type JsonColumn, type JsonRow, type JsonUpsertSpec, jsonUpsert } from "./json-upsert.js";
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

const text = (name: string): JsonColumn => ({ name, type: "text" });
const integer = (name: string): JsonColumn => ({ name, type: "integer" });
const excluded = (columns: readonly JsonColumn[], except: readonly string[]) =>
  columns.filter((c) => !except.includes(c.name)).map((c) => ({ column: c.name }));

/** NHI's answer names no patient or sex: what the card said stays. Answers the patient's name as now stored. */
const PATIENTS: JsonUpsertSpec = {
  table: "patients",
  columns: ["national_id", "birth_date", "created_at", "updated_at"].map(text),
  conflict: ["national_id"],
  update: [{ column: "birth_date", keep: true }, { column: "updated_at" }],
  returning: ["national_id", "name"],
};

const PRESCRIPTION_COLUMNS = [
  ...["original_visit_id", "national_id", "prescriber_institution_code", "prescriber_name"].map(text),
  ...["original_sequence_number", "original_visit_date_time"].map(text),
  ...["chronic", "refill_count", "days_per_refill", "total_days"].map(integer),
  ...["orders_json", "nhi_status_json", "nhi_checked_at", "created_at", "updated_at"].map(text),
];
const PRESCRIPTIONS: JsonUpsertSpec = {
  table: "prescriptions",
  columns: PRESCRIPTION_COLUMNS,
  conflict: ["original_visit_id"],
  update: excluded(PRESCRIPTION_COLUMNS, ["original_visit_id", "created_at"]),
};

const REFILL_COLUMNS = [
  text("original_visit_id"),
  integer("refill_no"),
  text("state"),
  integer("restored"),
  ...["dispensed_by", "dispensed_at", "dispensed_visit_id"].map(text),
  integer("days"),
  text("updated_at"),
];
const NHI_REFILLS: JsonUpsertSpec = {
  table: "nhi_refills",
  columns: REFILL_COLUMNS,
  conflict: ["original_visit_id", "refill_no"],
  update: excluded(REFILL_COLUMNS, ["original_visit_id", "refill_no"]),
};

/** The patient rows of a batch: one per patient, later answers' facts over earlier ones (as stored in turn). */
function patientRows(syncs: readonly StatusSync[]): JsonRow[] {
  const rows = new Map<string, JsonRow>();
  for (const { status, at } of syncs) {
    const before = rows.get(status.nationalId);
    rows.delete(status.nationalId);
    rows.set(status.nationalId, {
      national_id: status.nationalId,
      birth_date: status.birthDate ?? before?.birth_date ?? null,
      created_at: at.toISOString(),
      updated_at: at.toISOString(),
    });
  }
  return [...rows.values()];
}

/**
 * Stores NHI's answers (run it inside a transaction): one statement per table whatever their number. Answers each
 * patient's name as stored (national ID → name; null when no card or paper named them yet).
 */
export async function syncPrescriptionStatuses(
  db: Db,
  engine: Engine,
  syncs: readonly StatusSync[],
  pharmacyCode: string,
): Promise<Map<string, string | null>> {
  if (syncs.length === 0) return new Map();
  const patients = await jsonUpsert<{ national_id: string; name: string | null }>(
    db,
    engine,
    PATIENTS,
    patientRows(syncs),
  );

  const latest = lastPerKey(syncs, (s) => s.status.originalVisitId);
  await jsonUpsert(
    db,
    engine,
    PRESCRIPTIONS,
    latest.map(({ status, at, json }) => ({
      original_visit_id: status.originalVisitId,
      ...prescriptionColumns(status),
      nhi_status_json: json ?? JSON.stringify(status),
      nhi_checked_at: at.toISOString(),
      created_at: at.toISOString(),
      updated_at: at.toISOString(),
    })),
  );

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
      updated_at: at.toISOString(),
    })),
  );
  await jsonUpsert(
    db,
    engine,
    NHI_REFILLS,
    lastPerKey(refills, (r) => `${r.original_visit_id}:${r.refill_no}`),
  );

  // Every answer's events (an earlier answer in the batch may tell of one a later one no longer shows).
  const events = syncs.flatMap(({ status }) => status.refills.flatMap((r) => nhiEvents(status, r, pharmacyCode)));
  await addRefillEvents(db, events);
  return new Map(patients.map((p) => [p.national_id, p.name]));
}

/** Stores one answer of NHI's (run it inside a transaction). */
export async function syncPrescriptionStatus(
  db: Db,
  engine: Engine,
  status: PrescriptionStatus,
  at: Date,
  pharmacyCode: string,
): Promise<void> {
  await syncPrescriptionStatuses(db, engine, [{ status, at }], pharmacyCode);
}
