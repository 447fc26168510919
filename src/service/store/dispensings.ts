/**
 * Our dispensings (dispensings) and the re-checks queued for those made while NHI was down (rechecks). The partial
 * unique index on (M16, refill) over live rows is what refuses a second dispensing of the same refill.
 */
import { randomUUID } from "node:crypto";
import type { Insertable } from "kysely";
import type { DispensingRow, DispensingsTable } from "../../db/schema.js";
import type { Db } from "./db.js";

/** Claims the refill: throws the database's unique violation when another counter holds it already. */
export async function insertDispensing(db: Db, row: Insertable<DispensingsTable>): Promise<void> {
  await db.insertInto("dispensings").values(row).execute();
}

/** Queues a status re-check of a dispensing made on the pharmacist's override (NHI unreachable). */
export async function insertRecheck(
  db: Db,
  r: { originalVisitId: string; dispensingId: string; at: Date },
): Promise<void> {
  await db
    .insertInto("rechecks")
    .values({
      id: randomUUID(),
      original_visit_id: r.originalVisitId,
      dispensing_id: r.dispensingId,
      created_at: r.at.toISOString(),
      done_at: null,
      result: null,
    })
    .execute();
}

export function findDispensing(db: Db, id: string): Promise<DispensingRow | undefined> {
  return db.selectFrom("dispensings").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The live dispensing of one refill, if any (at most one: the partial unique index). */
export function liveDispensingOfRefill(
  db: Db,
  originalVisitId: string,
  refillNo: number,
): Promise<DispensingRow | undefined> {
  return db
    .selectFrom("dispensings")
    .selectAll()
    .where("original_visit_id", "=", originalVisitId)
    .where("refill_no", "=", refillNo)
    .where("status", "=", "active")
    .executeTakeFirst();
}

/** The dispensing a confirmation made, if it made one. */
export function dispensingByConfirmKey(db: Db, confirmKey: string): Promise<DispensingRow | undefined> {
  return db.selectFrom("dispensings").selectAll().where("confirm_key", "=", confirmKey).executeTakeFirst();
}

/** The most recent dispensings, newest first. */
export function recentDispensingRows(db: Db, limit: number): Promise<DispensingRow[]> {
  return db.selectFrom("dispensings").selectAll().orderBy("created_at", "desc").limit(limit).execute();
}

/** Refill numbers of live dispensings here after `refillNo` (they must be deleted first). */
export async function laterLiveRefillsHere(db: Db, originalVisitId: string, refillNo: number): Promise<number[]> {
  const rows = await db
    .selectFrom("dispensings")
    .select("refill_no")
    .where("original_visit_id", "=", originalVisitId)
    .where("status", "=", "active")
    .where("refill_no", ">", refillNo)
    .execute();
  return rows.map((r) => r.refill_no);
}

/** Marks a live dispensing deleted; false when it was not live any more (someone else was first). */
export async function markDeleted(db: Db, id: string, at: Date, reason: string): Promise<boolean> {
  const updated = await db
    .updateTable("dispensings")
    .set({ status: "deleted", deleted_at: at.toISOString(), delete_reason: reason, updated_at: at.toISOString() })
    .where("id", "=", id)
    .where("status", "=", "active")
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/**
 * Stores a corrected record as the next revision; false when the row changed since `revision` was read or is no
 * longer live (optimistic locking).
 */
export async function storeCorrection(
  db: Db,
  c: { id: string; revision: number; days: number; recordJson: string; at: Date },
): Promise<boolean> {
  const updated = await db
    .updateTable("dispensings")
    .set({ days: c.days, record_json: c.recordJson, revision: c.revision + 1, updated_at: c.at.toISOString() })
    .where("id", "=", c.id)
    .where("revision", "=", c.revision)
    .where("status", "=", "active")
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
