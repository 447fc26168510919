/** One upload round: claim a batch of waiting entries, build the Big5 XML, send it, record the receipt. */
import { randomUUID } from "node:crypto";
import type { OutboxRow } from "../../db/schema.js";
import type { UploadRecord } from "../../nhi/format/record.js";
import { Big5EncodingError, buildUploadXml } from "../../nhi/format/xml.js";
import { isUnavailable, withTimeout } from "../nhi-calls.js";
import { audit } from "../store/events.js";
import { backoffMs, type OutboxContext } from "./settings.js";

export async function claimBatch(ctx: OutboxContext, now: Date): Promise<OutboxRow[]> {
  return ctx.db.transaction().execute(async (trx) => {
    const iso = now.toISOString();
    // Entries with a send mark wait for ./reconcile.ts to learn whether NHI already has them.
    const rows = await trx
      .selectFrom("outbox")
      .selectAll()
      .where("state", "=", "pending")
      .where("sent_batch", "is", null)
      .where("next_attempt_at", "<=", iso)
      .orderBy("created_at")
      .orderBy("revision")
      .limit(ctx.settings.batchSize)
      .execute();
    if (rows.length === 0) return [];
    // Committed before the upload: whatever happens next, the entries say which batch they may have gone in.
    const batch = randomUUID();
    await trx
      .updateTable("outbox")
      .set((eb) => ({
        state: "uploading",
        attempts: eb("attempts", "+", 1),
        next_attempt_at: new Date(now.getTime() + ctx.settings.leaseMs).toISOString(),
        sent_batch: batch,
        sent_at: iso,
      }))
      .where(
        "id",
        "in",
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((r) => ({ ...r, attempts: r.attempts + 1, sent_batch: batch, sent_at: iso }));
  });
}

async function reject(ctx: OutboxContext, row: OutboxRow, errors: { field: string; code: string }[], now: Date) {
  await ctx.db
    .updateTable("outbox")
    .set({
      state: "rejected",
      rejections_json: JSON.stringify(errors),
      checked_at: now.toISOString(),
      sent_batch: null,
      sent_at: null,
    })
    .where("id", "=", row.id)
    .execute();
}

/** Uploads one claimed batch; returns how many went out and how many failed. */
export async function uploadBatch(
  ctx: OutboxContext,
  rows: OutboxRow[],
  now: Date,
): Promise<{ uploaded: number; failed: number; rejected: number }> {
  let batch = [...rows];
  let rejected = 0;
  let bytes: Uint8Array | undefined;
  while (batch.length > 0 && !bytes) {
    try {
      bytes = buildUploadXml(batch.map((r) => JSON.parse(r.record_json) as UploadRecord));
    } catch (error) {
      if (!(error instanceof Big5EncodingError)) throw error;
      const bad = batch[error.recordNo - 1]!;
      await reject(ctx, bad, [{ field: error.field, code: "Y014" }], now);
      rejected++;
      batch = batch.filter((r) => r !== bad);
    }
  }
  if (!bytes || batch.length === 0) return { uploaded: 0, failed: 0, rejected };
  try {
    const receipt = await withTimeout("upload", ctx.settings.timeoutMs, () => ctx.nhi.upload(ctx.caller, bytes));
    const uploadedAt = ctx.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      for (const [i, row] of batch.entries()) {
        await trx
          .updateTable("outbox")
          .set({
            state: "uploaded",
            upload_id: receipt.uploadId,
            record_no: i + 1,
            uploaded_at: uploadedAt,
            last_error: null,
            sent_batch: null,
            sent_at: null,
          })
          .where("id", "=", row.id)
          .execute();
      }
      await audit(trx, now, "outbox", "upload", "upload", receipt.uploadId, {
        records: batch.map((r) => ({ visitId: r.visit_id, h01: r.data_format, revision: r.revision })),
      });
    });
    return { uploaded: batch.length, failed: 0, rejected };
  } catch (error) {
    // NHI may have taken the document before the failure: the send marks stay, so the entries are reconciled
    // with NHI before they go out again.
    const message = error instanceof Error ? error.message : String(error);
    for (const row of batch) {
      await ctx.db
        .updateTable("outbox")
        .set({
          state: "pending",
          last_error: isUnavailable(error) ? `NHI unreachable: ${message}` : message,
          next_attempt_at: new Date(now.getTime() + backoffMs(row.attempts, ctx.settings)).toISOString(),
        })
        .where("id", "=", row.id)
        .execute();
    }
    return { uploaded: 0, failed: batch.length, rejected };
  }
}
