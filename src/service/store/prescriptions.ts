/**
 * Prescriptions as NHI last described them (prescriptions, nhi_refills): their columns, the stored copy rebuilt
 * when NHI is unreachable, and the lists the refill queries start from (storing NHI's answers: ./status-sync.ts).
 */
import type { PrescriptionRow } from "../../db/schema.js";
import type { RocDateTime } from "../../domain/roc-date.js";
import type { PrescriptionStatus } from "../../nhi/client.js";
import type { Db } from "./db.js";

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
