/** Check-result reports: fetched per upload, trusted only when intact, each record marked accepted or rejected. */
import type { OutboxRow } from "../../db/schema.js";
import { msg } from "../../domain/message.js";
import { parseCheckReport } from "../../nhi/check-report/parse.js";
import { describeNhiCode } from "../../nhi/error-codes.js";
import { decodeBig5 } from "../../nhi/format/big5.js";
import { isUnavailable, withTimeout } from "../nhi-calls.js";
import { findDispensing } from "../store/dispensings.js";
import { aboutDispensing, addRefillEvent, audit } from "../store/events.js";
import type { OutboxContext } from "./settings.js";

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
export async function checkReports(ctx: OutboxContext, now: Date): Promise<{ accepted: number; rejected: number }> {
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
        // By NHI's code table: warnings and notices (D024, D049, D051, AD34 …) leave the record accepted.
        const rejecting = entry?.errors.filter((e) => e.rejects) ?? [];
        // Deleting a record NHI never received (its upload was lost) has nothing to delete: D001 is success.
        const nothingToDelete = row.data_format === "D" && rejecting.every((e) => e.code === "D001");
        if (rejecting.length === 0 || nothingToDelete) {
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
          if (errors.length > 0) {
            await audit(trx, now, "outbox", "accepted-with-warnings", "outbox", row.id, {
              visitId: row.visit_id,
              h01: row.data_format,
              codes: errors.map((e) => `${e.field}:${e.code}`),
            });
          }
          continue;
        }
        await trx
          .updateTable("outbox")
          .set({ state: "rejected", checked_at: now.toISOString(), rejections_json: JSON.stringify(errors) })
          .where("id", "=", row.id)
          .execute();
        rejected++;
        const dispensing = await findDispensing(trx, row.dispensing_id);
        if (dispensing) {
          const codes = errors.map((e) => `${e.field}:${e.code}`).join(";");
          const late25 = errors.some((e) => e.code === "D025");
          const first = describeNhiCode(rejecting[0]!.code);
          await addRefillEvent(trx, {
            type: "blocked",
            ...aboutDispensing(dispensing, now),
            institutionCode: ctx.caller.institutionCode,
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
