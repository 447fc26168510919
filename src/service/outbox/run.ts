/**
 * The upload outbox (上傳佇列): uploads waiting records in batches through `NhiClient.upload`, retries with
 * backoff while NHI is unreachable, fetches and parses the check-result report and marks every record accepted
 * or rejected with NHI's codes. Idempotent by (M15, H01, revision): each stored record is sent once; a crash
 * between sending and recording the receipt re-sends it, which NHI treats as the same record (後蓋前).
 */
import { checkReports } from "./check-reports.js";
import { runRechecks } from "./rechecks.js";
import type { OutboxContext, RunResult } from "./settings.js";
import { claimBatch, uploadBatch } from "./upload.js";

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
