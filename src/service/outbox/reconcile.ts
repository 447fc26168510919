/**
 * Exactly once at NHI: an entry that was handed to `NhiCentral.upload` without a stored receipt (the process died
 * after the claim, or the answer was lost) is not simply sent again. Before it goes back into a batch the outbox
 * asks NHI's prescription status (by M16) whether the record arrived, and re-sends only when it did not or when
 * the status cannot tell. See ./README.md for the whole design and its limits.
 */
import type { DispensingRow, OutboxRow } from "../../db/schema.js";
import type { PrescriptionStatusResult } from "../../domain/prescription.js";
import { isUnavailable, withTimeout } from "../nhi-calls.js";
import type { Db } from "../store/db.js";
import { findDispensing } from "../store/dispensings.js";
import { audit } from "../store/events.js";
import { backoffMs, type OutboxContext } from "./settings.js";

/** arrived: NHI holds this very record; missing: it does not; unknown: the status cannot tell (re-send). */
export type Arrival = "arrived" | "missing" | "unknown";

const DISPENSED = ["A", "B"];

/** Claims left behind by a crashed run go back to the queue once their lease runs out (their send marks kept). */
export async function recoverClaims(ctx: OutboxContext, now: Date): Promise<void> {
  await ctx.db
    .updateTable("outbox")
    .set({ state: "pending" })
    .where("state", "=", "uploading")
    .where("next_attempt_at", "<=", now.toISOString())
    .execute();
}

/** Whether another entry of the same M15 may have put a record at NHI (so our M15 there proves nothing). */
async function otherMayHold(db: Db, row: OutboxRow, formats: string[], states: string[]): Promise<boolean> {
  const other = await db
    .selectFrom("outbox")
    .select("id")
    .where("visit_id", "=", row.visit_id)
    .where("id", "!=", row.id)
    .where("data_format", "in", formats)
    .where((eb) => eb.or([eb("state", "in", states), eb("sent_batch", "is not", null)]))
    .executeTakeFirst();
  return other !== undefined;
}

/** What NHI's status says about one unconfirmed entry. */
export async function arrivalOf(
  db: Db,
  row: OutboxRow,
  dispensing: DispensingRow,
  result: PrescriptionStatusResult,
  institutionCode: string,
): Promise<Arrival> {
  if (!result.found) return "unknown";
  const refill = result.status.refills.find((r) => r.refillNo === dispensing.refill_no);
  const held = refill?.dispensedBy === institutionCode && refill.dispensedVisitId === row.visit_id;
  if (DISPENSED.includes(row.data_format)) {
    if (!held) return "missing";
    // A correction (後蓋前) of a record NHI already holds: the status shows the M15 either way.
    return (await otherMayHold(db, row, DISPENSED, ["accepted", "uploaded"])) ? "unknown" : "arrived";
  }
  if (held) return "missing";
  // A deletion took only if NHI held the record before it, and no other deletion may have removed it.
  const wasHeld = await otherMayHold(db, row, DISPENSED, ["accepted"]);
  const otherDeletion = await otherMayHold(db, row, ["D"], ["accepted", "uploaded"]);
  return wasHeld && !otherDeletion ? "arrived" : "unknown";
}

async function settle(ctx: OutboxContext, row: OutboxRow, arrival: Arrival, now: Date): Promise<boolean> {
  // Conditional on the mark read: a concurrent run that already settled or re-sent the entry wins.
  const unchanged = (trx: Db) =>
    trx
      .updateTable("outbox")
      .where("id", "=", row.id)
      .where("state", "=", "pending")
      .where("sent_batch", "=", row.sent_batch);
  if (arrival !== "arrived") {
    await unchanged(ctx.db).set({ sent_batch: null, sent_at: null }).execute();
    return false;
  }
  return ctx.db.transaction().execute(async (trx) => {
    const done = await unchanged(trx)
      .set({
        state: "accepted",
        uploaded_at: row.uploaded_at ?? row.sent_at,
        checked_at: now.toISOString(),
        last_error: null,
        sent_batch: null,
        sent_at: null,
      })
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) return false;
    await audit(trx, now, "outbox", "confirmed-at-nhi", "outbox", row.id, {
      visitId: row.visit_id,
      h01: row.data_format,
      revision: row.revision,
      batch: row.sent_batch,
      evidence: "prescription status",
    });
    return true;
  });
}

/**
 * Settles every due entry whose last upload has no receipt: accepted when NHI holds it, otherwise freed to be
 * sent again. While NHI's status cannot be asked the entries wait (backoff), never re-sent blind.
 */
export async function reconcileUnconfirmed(ctx: OutboxContext, now: Date): Promise<number> {
  const rows = await ctx.db
    .selectFrom("outbox")
    .selectAll()
    .where("state", "=", "pending")
    .where("sent_batch", "is not", null)
    .where("next_attempt_at", "<=", now.toISOString())
    .orderBy("created_at")
    .execute();
  const byOriginal = new Map<string, { row: OutboxRow; dispensing: DispensingRow }[]>();
  for (const row of rows) {
    const dispensing = await findDispensing(ctx.db, row.dispensing_id);
    if (!dispensing) continue;
    const list = byOriginal.get(dispensing.original_visit_id) ?? [];
    list.push({ row, dispensing });
    byOriginal.set(dispensing.original_visit_id, list);
  }
  let confirmed = 0;
  for (const [originalVisitId, items] of byOriginal) {
    let result: PrescriptionStatusResult;
    try {
      result = await withTimeout("prescriptionStatus", ctx.settings.timeoutMs, () =>
        ctx.nhi.prescriptionStatus(ctx.caller, originalVisitId),
      );
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      await postpone(ctx, rows, now, error.message);
      return confirmed;
    }
    for (const { row, dispensing } of items) {
      const arrival = await arrivalOf(ctx.db, row, dispensing, result, ctx.caller.institutionCode);
      if (await settle(ctx, row, arrival, now)) confirmed++;
    }
  }
  return confirmed;
}

async function postpone(ctx: OutboxContext, rows: readonly OutboxRow[], now: Date, message: string): Promise<void> {
  for (const row of rows) {
    await ctx.db
      .updateTable("outbox")
      .set({
        last_error: `NHI unreachable; an earlier upload is not confirmed yet: ${message}`,
        next_attempt_at: new Date(now.getTime() + backoffMs(row.attempts, ctx.settings)).toISOString(),
      })
      .where("id", "=", row.id)
      .where("state", "=", "pending")
      .where("sent_batch", "=", row.sent_batch)
      .execute();
  }
}
