/**
 * Storing what NHI said about prescriptions: patient, prescription, per-refill state, and the prescriber's C/E and
 * other institutions' dispensings as refill-log events (once each). Any number of answers go in one statement per
 * table, so concurrent scans share one commit (see ServiceContext.syncStatus).
 */
import type { Message } from "../../domain/message.js";
import { dateFromRocDateTime, formatRocDateTime } from "../../domain/roc-date.js";
import type { PrescriptionStatus, RefillStatus } from "../../nhi/client.js";
import type { RefillEventType } from "../types.js";
import type { Db } from "./db.js";
import { addRefillEvents, type RefillEventInput } from "./events.js";
import { upsertPatients } from "./patients.js";
import { prescriptionColumns } from "./prescriptions.js";

/** One answer of NHI's and when it came. */
export interface StatusSync {
  status: PrescriptionStatus;
  at: Date;
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

/** Stores NHI's answers (run it inside a transaction): one statement per table whatever their number. */
export async function syncPrescriptionStatuses(
  db: Db,
  syncs: readonly StatusSync[],
  pharmacyCode: string,
): Promise<void> {
  if (syncs.length === 0) return;
  // NHI's answer names no patient or sex: what the card said stays.
  await upsertPatients(
    db,
    syncs.map(({ status, at }) => ({ nationalId: status.nationalId, birthDate: status.birthDate, at })),
  );

  const latest = lastPerKey(syncs, (s) => s.status.originalVisitId);
  const prescriptions = latest.map(({ status, at }) => ({
    original_visit_id: status.originalVisitId,
    ...prescriptionColumns(status),
    nhi_status_json: JSON.stringify(status),
    nhi_checked_at: at.toISOString(),
    created_at: at.toISOString(),
    updated_at: at.toISOString(),
  }));
  await db
    .insertInto("prescriptions")
    .values(prescriptions)
    .onConflict((oc) =>
      oc.column("original_visit_id").doUpdateSet((eb) => ({
        national_id: eb.ref("excluded.national_id"),
        prescriber_institution_code: eb.ref("excluded.prescriber_institution_code"),
        prescriber_name: eb.ref("excluded.prescriber_name"),
        original_sequence_number: eb.ref("excluded.original_sequence_number"),
        original_visit_date_time: eb.ref("excluded.original_visit_date_time"),
        chronic: eb.ref("excluded.chronic"),
        refill_count: eb.ref("excluded.refill_count"),
        days_per_refill: eb.ref("excluded.days_per_refill"),
        total_days: eb.ref("excluded.total_days"),
        orders_json: eb.ref("excluded.orders_json"),
        nhi_status_json: eb.ref("excluded.nhi_status_json"),
        nhi_checked_at: eb.ref("excluded.nhi_checked_at"),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .execute();

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
  if (refills.length > 0) {
    await db
      .insertInto("nhi_refills")
      .values(lastPerKey(refills, (r) => `${r.original_visit_id}:${r.refill_no}`))
      .onConflict((oc) =>
        oc.columns(["original_visit_id", "refill_no"]).doUpdateSet((eb) => ({
          state: eb.ref("excluded.state"),
          restored: eb.ref("excluded.restored"),
          dispensed_by: eb.ref("excluded.dispensed_by"),
          dispensed_at: eb.ref("excluded.dispensed_at"),
          dispensed_visit_id: eb.ref("excluded.dispensed_visit_id"),
          days: eb.ref("excluded.days"),
          updated_at: eb.ref("excluded.updated_at"),
        })),
      )
      .execute();
  }

  // Every answer's events (an earlier answer in the batch may tell of one a later one no longer shows).
  const events = syncs.flatMap(({ status }) => status.refills.flatMap((r) => nhiEvents(status, r, pharmacyCode)));
  await addRefillEvents(db, events);
}

/** Stores one answer of NHI's (run it inside a transaction). */
export function syncPrescriptionStatus(db: Db, status: PrescriptionStatus, at: Date, pharmacyCode: string) {
  return syncPrescriptionStatuses(db, [{ status, at }], pharmacyCode);
}
