/**
 * Amend (刪除／更正) our own records: delete (H01=D; the refill may be dispensed again) and correct (same M15,
 * re-uploaded as the next revision before the deadline). Both need a valid pharmacist and a reason, and change
 * nothing when refused.
 */
import type { DispensingRow } from "../db/schema.js";
import { daysSuppliedAllowed } from "../domain/days-supplied.js";
import { buildDeleteRecord, withDays } from "../domain/dispensing-record.js";
import { msg } from "../domain/message.js";
import { checkNationalId } from "../domain/national-id.js";
import { correctionAllowed, correctionDeadline } from "../domain/refill-rules.js";
import { dateFromRocDateTime, type RocDateTime, rocDateFromDate } from "../domain/roc-date.js";
import type { UploadRecord } from "../nhi/format/record.js";
import { fetchStatus, syncStatus } from "./check.js";
import type { ServiceContext } from "./context.js";
import { daysSuppliedProblem } from "./dispense.js";
import { enqueue, liveEntriesOf, withdraw, withdrawUnsent } from "./outbox/entries.js";
import { getDispensing } from "./queries.js";
import { block, Rejection } from "./reasons.js";
import { findDispensing, laterLiveRefillsHere, markDeleted, storeCorrection } from "./store/dispensings.js";
import { aboutDispensing, addRefillEvent, audit } from "./store/events.js";
import { laterRefillsDispensedElsewhere, prescriptionRow } from "./store/prescriptions.js";
import type { CorrectRequest, DeleteRequest, MutationResult } from "./types.js";

export function deleteDispensing(ctx: ServiceContext, request: DeleteRequest): Promise<MutationResult> {
  return refusalsAsResult(async () => {
    const pharmacistId = requireReasonAndPharmacist(request.pharmacistId, request.reason);
    const row = await liveDispensing(ctx, request.dispensingId);
    const laterHere = await laterLiveRefillsHere(ctx.db, row.original_visit_id, row.refill_no);
    if (laterHere.length > 0) throw new Rejection("conflict", [block("later-refill-here", { later: laterHere })]);
    // D035: a later refill executed elsewhere (NHI's view, or our last copy of it when NHI is down).
    const fetched = await fetchStatus(ctx, row.original_visit_id);
    if (fetched.reachable && fetched.result.found) await syncStatus(ctx, fetched.result.status, ctx.now());
    const elsewhere = await laterRefillsDispensedElsewhere(
      ctx.db,
      row.original_visit_id,
      row.refill_no,
      ctx.pharmacy.pharmacyCode,
    );
    const e = elsewhere[0];
    if (e) {
      throw new Rejection("conflict", [
        block("later-refill-elsewhere", { refillNo: e.refill_no, by: e.dispensed_by ?? "?" }, "D035"),
      ]);
    }
    const now = ctx.now();
    const reason = request.reason.trim();
    await ctx.db.transaction().execute(async (trx) => {
      if (!(await markDeleted(trx, row.id, now, reason))) {
        throw new Rejection("conflict", [block("record-deleted", {})]);
      }
      // Never sent: withdraw it. Sent (or maybe sent): queue H01=D.
      const entries = await liveEntriesOf(trx, row.id);
      const unsent = entries.filter((entry) => entry.state === "pending" && entry.attempts === 0);
      await withdraw(
        trx,
        unsent.map((entry) => entry.id),
      );
      if (entries.length > unsent.length) {
        await enqueue(trx, {
          dispensingId: row.id,
          visitId: row.visit_id,
          record: buildDeleteRecord(JSON.parse(row.record_json) as UploadRecord),
          revision: 0,
          cardWrittenAt: now,
          now,
        });
      }
      await addRefillEvent(trx, {
        ...amendment(ctx, row, now, pharmacistId, reason),
        type: "deleted",
        nhiCodes: ["D"],
        message: msg(
          `刪除本藥局第${row.refill_no}次調劑紀錄（H01=D），該次可重新調劑：${reason}`,
          `Deleted our record of refill ${row.refill_no} (H01=D); the refill can be dispensed again: ${reason}`,
        ),
      });
      await audit(trx, now, pharmacistId, "delete", "dispensing", row.id, {
        visitId: row.visit_id,
        reason,
        withdrawnBeforeUpload: entries.length === unsent.length,
      });
    });
    return { ok: true, dispensing: (await getDispensing(ctx, row.id))! };
  });
}

export function correctDispensing(ctx: ServiceContext, request: CorrectRequest): Promise<MutationResult> {
  return refusalsAsResult(async () => {
    const pharmacistId = requireReasonAndPharmacist(request.pharmacistId, request.reason);
    const row = await liveDispensing(ctx, request.dispensingId);
    const now = ctx.now();
    const visitDateTime = row.visit_date_time as RocDateTime;
    if (!correctionAllowed(visitDateTime, rocDateFromDate(now))) {
      throw new Rejection("invalid", [
        block("correction-deadline-passed", { deadline: correctionDeadline(visitDateTime) }),
      ]);
    }
    const prescription = await prescriptionRow(ctx.db, row.original_visit_id);
    const days = request.days ?? row.days;
    const limits = { chronic: prescription.chronic === 1, daysPerRefill: prescription.days_per_refill };
    if (!daysSuppliedAllowed(days, limits)) throw new Rejection("invalid", [daysSuppliedProblem(days, limits)]);
    const record = withDays(JSON.parse(row.record_json) as UploadRecord, days);
    const reason = request.reason.trim();
    await ctx.db.transaction().execute(async (trx) => {
      const revision = row.revision + 1;
      const stored = await storeCorrection(trx, {
        id: row.id,
        revision: row.revision,
        days,
        recordJson: JSON.stringify(record),
        at: now,
      });
      if (!stored) {
        throw new Rejection("conflict", [block("record-changed")]);
      }
      // A correction not yet sent simply replaces the waiting one (last write wins anyway).
      await withdrawUnsent(trx, row.id, row.data_format);
      await enqueue(trx, {
        dispensingId: row.id,
        visitId: row.visit_id,
        record,
        revision,
        cardWrittenAt: dateFromRocDateTime(visitDateTime),
        now,
      });
      await addRefillEvent(trx, {
        ...amendment(ctx, row, now, pharmacistId, reason),
        type: "corrected",
        nhiCodes: [row.data_format],
        message: msg(
          `更正第${row.refill_no}次調劑紀錄（同一就醫識別碼重新上傳${row.data_format}，${row.days}→${days}日）：${reason}`,
          `Corrected refill ${row.refill_no} (re-upload ${row.data_format} with the same visit ID, ${row.days}→${days} days): ${reason}`,
        ),
      });
      await audit(trx, now, pharmacistId, "correct", "dispensing", row.id, {
        visitId: row.visit_id,
        revision,
        days: { from: row.days, to: days },
        reason,
      });
    });
    return { ok: true, dispensing: (await getDispensing(ctx, row.id))! };
  });
}

/** What the refill-log entry of an amendment says besides its type and text: who changed which record, and why. */
function amendment(ctx: ServiceContext, row: DispensingRow, at: Date, pharmacistId: string, reason: string) {
  return { ...aboutDispensing(row, at), institutionCode: ctx.pharmacy.pharmacyCode, pharmacistId, reason };
}

async function liveDispensing(ctx: ServiceContext, id: string): Promise<DispensingRow> {
  const row = await findDispensing(ctx.db, id);
  if (!row) {
    throw new Rejection("not-found", [block("no-such-dispensing", { id })]);
  }
  if (row.status !== "active") {
    throw new Rejection("conflict", [block("record-deleted", { deletedAt: row.deleted_at })]);
  }
  return row;
}

function requireReasonAndPharmacist(pharmacistId: string, reason: string): string {
  const pharmacist = checkNationalId(pharmacistId ?? "");
  if (!pharmacist.valid) {
    throw new Rejection("invalid", [block("invalid-pharmacist-id", { detail: pharmacist.reason })]);
  }
  if (!reason || reason.trim().length === 0) {
    throw new Rejection("invalid", [block("reason-required")]);
  }
  return pharmacist.nationalId;
}

async function refusalsAsResult(fn: () => Promise<MutationResult>): Promise<MutationResult> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof Rejection) return { ok: false, kind: error.kind, reasons: error.reasons };
    throw error;
  }
}
