/**
 * The upload outbox (上傳佇列): uploads waiting records in batches through `NhiClient.upload`, retries with
 * backoff while NHI is unreachable, fetches and parses the check-result report and marks every record accepted
 * or rejected with NHI's codes. Idempotent by (M15, H01, revision): each stored record is sent once; a crash
 * between sending and recording the receipt re-sends it, which NHI treats as the same record (後蓋前).
 */
import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { Database, OutboxRow } from "../db/schema.js";
import { msg } from "../domain/message.js";
import { parseCheckReport } from "../nhi/check-report/parse.js";
import type { NhiCaller, NhiClient } from "../nhi/client.js";
import { describeNhiCode } from "../nhi/error-codes.js";
import { decodeBig5 } from "../nhi/format/big5.js";
import type { UploadRecord } from "../nhi/format/record.js";
import { Big5EncodingError, buildUploadXml } from "../nhi/format/xml.js";
import { isUnavailable, withTimeout } from "./nhi-calls.js";
import { addRefillEvent, audit, type Db, syncPrescriptionStatus } from "./store.js";
import type { OutboxStatus } from "./types.js";

export const DEADLINE_MS = 24 * 60 * 60 * 1000;

export interface OutboxSettings {
  batchSize: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** How long an "uploading" claim is held before another run may take it over (crash recovery). */
  leaseMs: number;
  timeoutMs: number;
}

export const DEFAULT_OUTBOX_SETTINGS: OutboxSettings = {
  batchSize: 100,
  baseBackoffMs: 30_000,
  maxBackoffMs: 60 * 60_000,
  leaseMs: 5 * 60_000,
  timeoutMs: 15_000,
};

export function backoffMs(attempts: number, settings: OutboxSettings): number {
  return Math.min(settings.maxBackoffMs, settings.baseBackoffMs * 2 ** Math.max(0, attempts - 1));
}

export interface NewOutboxEntry {
  dispensingId: string;
  visitId: string;
  record: UploadRecord;
  revision: number;
  /** When the card was written (M11), the 24-hour deadline's start. */
  cardWrittenAt: Date;
  now: Date;
}

export async function enqueue(db: Db, e: NewOutboxEntry): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto("outbox")
    .values({
      id,
      dispensing_id: e.dispensingId,
      visit_id: e.visitId,
      data_format: e.record.h01,
      revision: e.revision,
      record_json: JSON.stringify(e.record),
      state: "pending",
      attempts: 0,
      next_attempt_at: e.now.toISOString(),
      created_at: e.now.toISOString(),
      deadline: new Date(e.cardWrittenAt.getTime() + DEADLINE_MS).toISOString(),
      uploaded_at: null,
      upload_id: null,
      record_no: null,
      last_error: null,
      rejections_json: null,
      checked_at: null,
    })
    .execute();
  return id;
}

export interface RunResult {
  uploaded: number;
  accepted: number;
  rejected: number;
  failed: number;
}

export interface OutboxContext {
  db: Kysely<Database>;
  nhi: NhiClient;
  caller: NhiCaller;
  now: () => Date;
  settings: OutboxSettings;
}

async function claimBatch(ctx: OutboxContext, now: Date): Promise<OutboxRow[]> {
  return ctx.db.transaction().execute(async (trx) => {
    const iso = now.toISOString();
    // Claims left behind by a crashed run go back to the queue once their lease runs out.
    await trx
      .updateTable("outbox")
      .set({ state: "pending" })
      .where("state", "=", "uploading")
      .where("next_attempt_at", "<=", iso)
      .execute();
    const rows = await trx
      .selectFrom("outbox")
      .selectAll()
      .where("state", "=", "pending")
      .where("next_attempt_at", "<=", iso)
      .orderBy("created_at")
      .orderBy("revision")
      .limit(ctx.settings.batchSize)
      .execute();
    if (rows.length === 0) return [];
    await trx
      .updateTable("outbox")
      .set((eb) => ({
        state: "uploading",
        attempts: eb("attempts", "+", 1),
        next_attempt_at: new Date(now.getTime() + ctx.settings.leaseMs).toISOString(),
      }))
      .where(
        "id",
        "in",
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((r) => ({ ...r, attempts: r.attempts + 1 }));
  });
}

async function reject(ctx: OutboxContext, row: OutboxRow, errors: { field: string; code: string }[], now: Date) {
  await ctx.db
    .updateTable("outbox")
    .set({ state: "rejected", rejections_json: JSON.stringify(errors), checked_at: now.toISOString() })
    .where("id", "=", row.id)
    .execute();
}

/** Uploads one claimed batch; returns how many went out and how many failed. */
async function uploadBatch(
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

/**
 * Why a check report cannot be trusted, or undefined: not clean Big5, cut off (every report ends with a line
 * break), a block without its 錯誤原因 line, or a block whose M15 is not the record we sent at that position.
 */
export function reportProblem(
  report: Uint8Array,
  entries: ReturnType<typeof parseCheckReport>,
  rows: readonly Pick<OutboxRow, "record_no" | "visit_id">[],
): string | undefined {
  if (report.length === 0) return undefined;
  const text = decodeBig5(report);
  if (text.includes("\uFFFD")) return "not valid Big5";
  if (!/\r?\n$/.test(text)) return "cut off (no final line break)";
  if (entries.length === 0 && text.trim().length > 0) return "no record blocks found";
  for (const entry of entries) {
    if (entry.errors.length === 0) return `block ${entry.recordNo} has no error line`;
    const row = rows.find((r) => r.record_no === entry.recordNo);
    const m15 = entry.fields.M15;
    if (row && m15 !== undefined && m15 !== row.visit_id) return `block ${entry.recordNo} names M15 ${m15}, not ours`;
  }
  return undefined;
}

/** Fetches check reports for uploads still waiting for one; returns accepted / rejected counts. */
async function checkReports(ctx: OutboxContext, now: Date): Promise<{ accepted: number; rejected: number }> {
  const waiting = await ctx.db
    .selectFrom("outbox")
    .select("upload_id")
    .distinct()
    .where("state", "=", "uploaded")
    .where("upload_id", "is not", null)
    .execute();
  let accepted = 0;
  let rejected = 0;
  for (const { upload_id } of waiting) {
    const uploadId = upload_id!;
    let report: Uint8Array | null;
    try {
      report = await withTimeout("fetchCheckReport", ctx.settings.timeoutMs, () =>
        ctx.nhi.fetchCheckReport(ctx.caller, uploadId),
      );
    } catch (error) {
      if (isUnavailable(error)) continue;
      throw error;
    }
    if (!report) continue;
    let entries: ReturnType<typeof parseCheckReport>;
    try {
      entries = parseCheckReport(report);
    } catch (error) {
      const message = `check report unreadable: ${error instanceof Error ? error.message : String(error)}`;
      await ctx.db
        .updateTable("outbox")
        .set({ last_error: message })
        .where("upload_id", "=", uploadId)
        .where("state", "=", "uploaded")
        .execute();
      continue;
    }
    const rows = await ctx.db
      .selectFrom("outbox")
      .selectAll()
      .where("upload_id", "=", uploadId)
      .where("state", "=", "uploaded")
      .execute();
    const problem = reportProblem(report, entries, rows);
    if (problem) {
      // Never guess from a damaged report: a lost block would turn a rejection into "accepted". Fetch again later.
      await ctx.db
        .updateTable("outbox")
        .set({ last_error: `check report unreadable: ${problem}` })
        .where("upload_id", "=", uploadId)
        .where("state", "=", "uploaded")
        .execute();
      continue;
    }
    const byRecordNo = new Map(entries.map((e) => [e.recordNo, e]));
    await ctx.db.transaction().execute(async (trx) => {
      for (const row of rows) {
        const entry = row.record_no !== null ? byRecordNo.get(row.record_no) : undefined;
        const errors = entry?.errors.map((e) => ({ field: e.field, code: e.code })) ?? [];
        // Deleting a record NHI never received (its upload was lost) has nothing to delete: D001 is success.
        const nothingToDelete = row.data_format === "D" && errors.length > 0 && errors.every((e) => e.code === "D001");
        if (errors.length === 0 || nothingToDelete) {
          await trx
            .updateTable("outbox")
            .set({
              state: "accepted",
              checked_at: now.toISOString(),
              rejections_json: errors.length ? JSON.stringify(errors) : null,
            })
            .where("id", "=", row.id)
            .execute();
          accepted++;
          continue;
        }
        await trx
          .updateTable("outbox")
          .set({ state: "rejected", checked_at: now.toISOString(), rejections_json: JSON.stringify(errors) })
          .where("id", "=", row.id)
          .execute();
        rejected++;
        const dispensing = await trx
          .selectFrom("dispensings")
          .selectAll()
          .where("id", "=", row.dispensing_id)
          .executeTakeFirst();
        if (dispensing) {
          const codes = errors.map((e) => `${e.field}:${e.code}`).join(";");
          const late25 = errors.some((e) => e.code === "D025");
          const first = describeNhiCode(errors[0]!.code);
          await addRefillEvent(trx, {
            type: "blocked",
            at: now,
            originalVisitId: dispensing.original_visit_id,
            refillNo: dispensing.refill_no,
            nationalId: dispensing.national_id,
            institutionCode: ctx.caller.institutionCode,
            pharmacistId: dispensing.pharmacist_id,
            nhiCodes: errors.map((e) => e.code),
            reason: codes,
            message: late25
              ? msg(
                  `健保署退件D025：第${dispensing.refill_no}次已由其他院所調劑（重複調劑）。請聯絡病人並依指示處理`,
                  `NHI rejected with D025: refill ${dispensing.refill_no} was also dispensed elsewhere (duplicate). Contact the patient and follow up`,
                )
              : msg(
                  `健保署退件（${codes}）：${first.message.zh}。${first.advice.zh}`,
                  `NHI rejected the upload (${codes}): ${first.message.en}. ${first.advice.en}`,
                ),
            sourceKey: `reject:${row.id}`,
          });
        }
      }
    });
  }
  return { accepted, rejected };
}

/** Status re-checks queued while NHI was down: refresh our copy and flag refills someone else also dispensed. */
async function runRechecks(ctx: OutboxContext, now: Date): Promise<void> {
  const rows = await ctx.db
    .selectFrom("rechecks")
    .selectAll()
    .where("done_at", "is", null)
    .orderBy("created_at")
    .execute();
  for (const row of rows) {
    let result: Awaited<ReturnType<NhiClient["prescriptionStatus"]>>;
    try {
      result = await withTimeout("prescriptionStatus", ctx.settings.timeoutMs, () =>
        ctx.nhi.prescriptionStatus(ctx.caller, row.original_visit_id),
      );
    } catch (error) {
      if (isUnavailable(error)) return;
      throw error;
    }
    await ctx.db.transaction().execute(async (trx) => {
      let outcome = "ok";
      if (result.found) {
        await syncPrescriptionStatus(trx, result.status, now, ctx.caller.institutionCode);
        const dispensing = row.dispensing_id
          ? await trx.selectFrom("dispensings").selectAll().where("id", "=", row.dispensing_id).executeTakeFirst()
          : undefined;
        const refill = dispensing && result.status.refills.find((r) => r.refillNo === dispensing.refill_no);
        if (
          dispensing &&
          refill &&
          refill.state === "dispensed" &&
          refill.dispensedBy &&
          refill.dispensedBy !== ctx.caller.institutionCode
        ) {
          outcome = "conflict";
          await addRefillEvent(trx, {
            type: "blocked",
            at: now,
            originalVisitId: dispensing.original_visit_id,
            refillNo: dispensing.refill_no,
            nationalId: dispensing.national_id,
            institutionCode: refill.dispensedBy,
            pharmacistId: dispensing.pharmacist_id,
            nhiCodes: ["D025"],
            message: msg(
              `連線恢復後查核：第${dispensing.refill_no}次亦已由 ${refill.dispensedBy} 調劑（重複調劑，D025）`,
              `Re-check after the outage: refill ${dispensing.refill_no} was also dispensed by ${refill.dispensedBy} (duplicate, D025)`,
            ),
            sourceKey: `recheck:${row.id}`,
          });
        } else if (dispensing && refill && refill.state === "cancelled") {
          outcome = "cancelled";
          await addRefillEvent(trx, {
            type: "blocked",
            at: now,
            originalVisitId: dispensing.original_visit_id,
            refillNo: dispensing.refill_no,
            nationalId: dispensing.national_id,
            pharmacistId: dispensing.pharmacist_id,
            nhiCodes: ["D023"],
            message: msg(
              `連線恢復後查核：第${dispensing.refill_no}次已被原處方院所註銷（D023）`,
              `Re-check after the outage: refill ${dispensing.refill_no} had been cancelled by the prescriber (D023)`,
            ),
            sourceKey: `recheck:${row.id}`,
          });
        }
      } else {
        outcome = result.code;
      }
      await trx
        .updateTable("rechecks")
        .set({ done_at: now.toISOString(), result: outcome })
        .where("id", "=", row.id)
        .execute();
    });
  }
}

export async function runOutbox(ctx: OutboxContext): Promise<RunResult> {
  const now = ctx.now();
  await runRechecks(ctx, now);
  const result: RunResult = { uploaded: 0, accepted: 0, rejected: 0, failed: 0 };
  for (;;) {
    const rows = await claimBatch(ctx, now);
    if (rows.length === 0) break;
    const r = await uploadBatch(ctx, rows, now);
    result.uploaded += r.uploaded;
    result.failed += r.failed;
    result.rejected += r.rejected;
    if (r.failed > 0) break;
  }
  const checked = await checkReports(ctx, now);
  result.accepted += checked.accepted;
  result.rejected += checked.rejected;
  return result;
}

export async function outboxStatus(db: Db, now: Date): Promise<OutboxStatus> {
  const counts = await db
    .selectFrom("outbox")
    .select(["state", (eb) => eb.fn.countAll<string>().as("n"), (eb) => eb.fn.min("created_at").as("oldest")])
    .where("state", "!=", "superseded")
    .groupBy("state")
    .execute();
  const n = (state: string) => Number(counts.find((c) => c.state === state)?.n ?? 0);
  const oldest = counts
    .filter((c) => c.state === "pending" || c.state === "uploading")
    .map((c) => c.oldest as string | null)
    .filter((x): x is string => !!x)
    .sort()[0];
  // KPI: per record (M15) of a dispensing, first upload within 24 h of the card write. Records still waiting
  // count only once their deadline has passed; records withdrawn before any upload (superseded only) do not count.
  const kpi = await db
    .selectFrom(
      db
        .selectFrom("outbox")
        .select([
          "visit_id",
          (eb) => eb.fn.min("uploaded_at").as("first_upload"),
          (eb) => eb.fn.min("deadline").as("deadline"),
          (eb) => eb.fn.sum<number>(sql<number>`CASE WHEN state <> 'superseded' THEN 1 ELSE 0 END`).as("live"),
        ])
        .where("data_format", "in", ["A", "B"])
        .groupBy("visit_id")
        .as("r"),
    )
    .select([
      sql<number>`SUM(CASE WHEN first_upload IS NOT NULL AND first_upload <= deadline THEN 1 ELSE 0 END)`.as("on_time"),
      sql<number>`SUM(CASE WHEN first_upload IS NOT NULL OR (deadline < ${now.toISOString()} AND live > 0) THEN 1 ELSE 0 END)`.as(
        "due",
      ),
    ])
    .executeTakeFirst();
  const status: OutboxStatus = {
    waiting: n("pending") + n("uploading") + n("uploaded"),
    rejected: n("rejected"),
    accepted: n("accepted"),
  };
  if (oldest) status.oldestWaitingAgeMs = Math.max(0, now.getTime() - new Date(oldest).getTime());
  const due = Number(kpi?.due ?? 0);
  if (due > 0) status.uploadedWithin24hShare = Number(kpi?.on_time ?? 0) / due;
  return status;
}
