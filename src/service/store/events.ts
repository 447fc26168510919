/** The refill log (refill_events) and the audit trail (audit_log): append-only records of what happened. */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { DispensingRow } from "../../db/schema.js";
import { addDays, dateFromRocDate } from "../../domain/roc-date.js";
import type { RefillEventView, RefillLogQuery } from "../types.js";
import type { Db } from "./db.js";

/** A refill event as the service records it: the view's fields, with the instant and an optional dedup key. */
export interface RefillEventInput extends Omit<RefillEventView, "id" | "at"> {
  sourceKey?: string;
  at: Date;
}

/** A refill event as its row (a new id; the source key, when given, keeps a repeat out). */
export function refillEventRow(e: RefillEventInput) {
  return {
    id: randomUUID(),
    at: e.at.toISOString(),
    type: e.type,
    original_visit_id: e.originalVisitId,
    refill_no: e.refillNo ?? null,
    national_id: e.nationalId ?? null,
    prescriber_institution_code: e.prescriberInstitutionCode ?? null,
    institution_code: e.institutionCode ?? null,
    pharmacist_id: e.pharmacistId ?? null,
    reason: e.reason ?? null,
    nhi_codes: e.nhiCodes && e.nhiCodes.length > 0 ? JSON.stringify(e.nhiCodes) : null,
    message_zh: e.message.zh,
    message_en: e.message.en,
    source_key: e.sourceKey ?? null,
  };
}

/** What every event about one of our dispensings says: which refill, whose, dispensed by whom (the pharmacist). */
export function aboutDispensing(
  row: Pick<DispensingRow, "original_visit_id" | "refill_no" | "national_id" | "pharmacist_id">,
  at: Date,
) {
  return {
    at,
    originalVisitId: row.original_visit_id,
    refillNo: row.refill_no,
    nationalId: row.national_id,
    pharmacistId: row.pharmacist_id,
  };
}

export function addRefillEvent(db: Db, e: RefillEventInput): Promise<void> {
  return addRefillEvents(db, [e]);
}

/** Several events in one statement; an event whose source key is already recorded is skipped, as is its repeat. */
export async function addRefillEvents(db: Db, events: readonly RefillEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map(refillEventRow);
  if (rows.some((row) => row.source_key !== null)) {
    await db
      .insertInto("refill_events")
      .values(rows)
      .onConflict((oc) => oc.column("source_key").doNothing())
      .execute();
  } else {
    await db.insertInto("refill_events").values(rows).execute();
  }
}

export async function audit(
  db: Db,
  at: Date,
  actor: string,
  action: string,
  entity: string,
  entityId: string,
  detail: unknown,
): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      at: at.toISOString(),
      actor,
      action,
      entity,
      entity_id: entityId,
      detail_json: JSON.stringify(detail ?? {}),
    })
    .execute();
}

/** The refill log between two Taiwan dates (both inclusive), oldest first. */
export async function refillLogRows(db: Db, query: RefillLogQuery) {
  const from = dateFromRocDate(query.from).toISOString();
  const to = dateFromRocDate(addDays(query.to, 1)).toISOString();
  let q = db.selectFrom("refill_events").selectAll().where("at", ">=", from).where("at", "<", to);
  if (query.nationalId) q = q.where("national_id", "=", query.nationalId.trim().toUpperCase());
  const name = query.patientName?.trim();
  if (name) {
    // Checked per event of the period through the patients' primary key: the cost follows the period, not the
    // number of patients. ASCII case is ignored on both engines; LIKE's wildcards in a name are matched literally.
    const pattern = `%${name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("patients")
          .select("patients.national_id")
          .whereRef("patients.national_id", "=", "refill_events.national_id")
          .where(sql<boolean>`lower(patients.name) LIKE lower(${pattern}) ESCAPE '\\'`),
      ),
    );
  }
  if (query.prescriberInstitutionCode) q = q.where("prescriber_institution_code", "=", query.prescriberInstitutionCode);
  if (query.types && query.types.length > 0) q = q.where("type", "in", query.types);
  return q.orderBy("at").orderBy("id").execute();
}
