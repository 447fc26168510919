/**
 * Prescriptions as NHI last described them (prescriptions, nhi_refills): the status sync, the stored copy rebuilt
 * when NHI is unreachable, and the lists the refill queries start from.
 */
import type { PrescriptionRow } from "../../db/schema.js";
import type { Message } from "../../domain/message.js";
import { dateFromRocDateTime, formatRocDateTime, type RocDateTime } from "../../domain/roc-date.js";
import type { PrescriptionStatus } from "../../nhi/client.js";
import type { RefillEventType } from "../types.js";
import type { Db } from "./db.js";
import { addRefillEvent } from "./events.js";
import { upsertPatient } from "./patients.js";

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

/** The prescription's own columns (what the prescriber wrote), from NHI's answer or as typed from the paper. */
export function prescriptionColumns(status: PrescriptionStatus) {
  return {
    national_id: status.nationalId,
    prescriber_institution_code: status.prescriberInstitutionCode,
    prescriber_name: status.prescriberName ?? null,
    original_sequence_number: status.originalSequenceNumber ?? null,
    original_visit_date_time: status.originalVisitDateTime,
    chronic: status.chronic ? 1 : 0,
    refill_count: status.refillCount,
    days_per_refill: status.daysPerRefill,
    total_days: status.totalDays ?? null,
    orders_json: JSON.stringify(status.orders),
  };
}

/**
 * Stores what NHI said about a prescription: patient, prescription, per-refill state, and the prescriber's C/E
 * and other institutions' dispensings as refill-log events (once each).
 */
export async function syncPrescriptionStatus(
  db: Db,
  status: PrescriptionStatus,
  at: Date,
  pharmacyCode: string,
): Promise<void> {
  const iso = at.toISOString();
  await upsertPatient(db, at, { nationalId: status.nationalId, birthDate: status.birthDate });
  const values = {
    ...prescriptionColumns(status),
    nhi_status_json: JSON.stringify(status),
    nhi_checked_at: iso,
    updated_at: iso,
  };
  await db
    .insertInto("prescriptions")
    .values({ original_visit_id: status.originalVisitId, created_at: iso, ...values })
    .onConflict((oc) => oc.column("original_visit_id").doUpdateSet(values))
    .execute();
  for (const refill of status.refills) {
    const r = {
      state: refill.state,
      restored: refill.restored ? 1 : 0,
      dispensed_by: refill.dispensedBy ?? null,
      dispensed_at: refill.dispensedAt ?? null,
      dispensed_visit_id: refill.dispensedVisitId ?? null,
      days: refill.days ?? null,
      updated_at: iso,
    };
    await db
      .insertInto("nhi_refills")
      .values({ original_visit_id: status.originalVisitId, refill_no: refill.refillNo, ...r })
      .onConflict((oc) => oc.columns(["original_visit_id", "refill_no"]).doUpdateSet(r))
      .execute();
    for (const event of refill.events) {
      if (event.institutionCode === pharmacyCode && event.type !== "C" && event.type !== "E") continue;
      const type: RefillEventType =
        event.type === "C"
          ? "cancelled"
          : event.type === "E"
            ? "restored"
            : event.type === "D"
              ? "deleted"
              : "dispensed";
      const when = formatRocDateTime(event.at);
      // The institution by name and code where NHI names it: the prescriber (C/E) or the refill's dispenser.
      const name =
        event.type === "C" || event.type === "E"
          ? status.prescriberName
          : refill.dispensedBy === event.institutionCode
            ? refill.dispensedByName
            : undefined;
      const text = (event.type === "B" ? EVENT_TEXT.A : EVENT_TEXT[event.type])(
        refill.refillNo,
        name ? `${name}（${event.institutionCode}）` : event.institutionCode,
        when,
      );
      await addRefillEvent(db, {
        type,
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
  }
}

/** The prescription as last stored: NHI's status JSON when we have it, else rebuilt from our columns. */
export function cachedStatus(
  row: PrescriptionRow,
  refills: {
    refill_no: number;
    state: string;
    restored: number;
    dispensed_by: string | null;
    dispensed_at: string | null;
    dispensed_visit_id: string | null;
    days: number | null;
  }[],
): PrescriptionStatus {
  const status: PrescriptionStatus = {
    originalVisitId: row.original_visit_id,
    prescriberInstitutionCode: row.prescriber_institution_code,
    originalVisitDateTime: row.original_visit_date_time as RocDateTime,
    nationalId: row.national_id,
    chronic: row.chronic === 1,
    refillCount: row.refill_count,
    daysPerRefill: row.days_per_refill,
    orders: JSON.parse(row.orders_json),
    refills: refills.map((r) => ({
      refillNo: r.refill_no,
      state: r.state as "undispensed" | "dispensed" | "cancelled",
      ...(r.restored ? { restored: true } : {}),
      ...(r.dispensed_by ? { dispensedBy: r.dispensed_by } : {}),
      ...(r.dispensed_at ? { dispensedAt: r.dispensed_at as RocDateTime } : {}),
      ...(r.dispensed_visit_id ? { dispensedVisitId: r.dispensed_visit_id } : {}),
      ...(r.days !== null ? { days: r.days } : {}),
      events: [],
    })),
  };
  if (row.prescriber_name) status.prescriberName = row.prescriber_name;
  if (row.original_sequence_number) status.originalSequenceNumber = row.original_sequence_number;
  if (row.total_days !== null) status.totalDays = row.total_days;
  if (row.nhi_status_json) {
    const nhi = JSON.parse(row.nhi_status_json) as PrescriptionStatus;
    if (nhi.birthDate) status.birthDate = nhi.birthDate;
    // Names are not columns: NHI's last answer gives other institutions' names.
    for (const r of status.refills) {
      const named = nhi.refills?.find((n) => n.refillNo === r.refillNo && n.dispensedBy === r.dispensedBy);
      if (named?.dispensedByName) r.dispensedByName = named.dispensedByName;
    }
  }
  return status;
}

/** NHI's status as we last stored it (JSON), to tell whether a fresh answer says anything new. */
export async function storedStatusJson(db: Db, originalVisitId: string): Promise<string | null | undefined> {
  const row = await db
    .selectFrom("prescriptions")
    .select("nhi_status_json")
    .where("original_visit_id", "=", originalVisitId)
    .executeTakeFirst();
  return row?.nhi_status_json;
}

export function prescriptionRow(db: Db, originalVisitId: string): Promise<PrescriptionRow> {
  return db
    .selectFrom("prescriptions")
    .selectAll()
    .where("original_visit_id", "=", originalVisitId)
    .executeTakeFirstOrThrow();
}

/** A patient's prescriptions (M16), newest first. */
export async function prescriptionIdsOfPatient(db: Db, nationalId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("prescriptions")
    .select("original_visit_id")
    .where("national_id", "=", nationalId)
    .orderBy("original_visit_date_time", "desc")
    .execute();
  return rows.map((r) => r.original_visit_id);
}

/** Later refills NHI lists as dispensed by another institution (D035 when deleting an earlier one). */
export function laterRefillsDispensedElsewhere(
  db: Db,
  originalVisitId: string,
  refillNo: number,
  pharmacyCode: string,
) {
  return db
    .selectFrom("nhi_refills")
    .selectAll()
    .where("original_visit_id", "=", originalVisitId)
    .where("refill_no", ">", refillNo)
    .where("state", "=", "dispensed")
    .where("dispensed_by", "!=", pharmacyCode)
    .execute();
}
