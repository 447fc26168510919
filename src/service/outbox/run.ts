/**
 * The upload outbox (上傳佇列): uploads waiting records in batches through `NhiClient.upload`, retries with
 * backoff while NHI is unreachable, fetches and parses the check-result report and marks every record accepted
 * or rejected with NHI's codes. Exactly once at NHI: an entry sent without a stored receipt (crash, lost answer)
 * is reconciled with NHI's prescription status before it may be sent again (./reconcile.ts, ./README.md).
 */
import { checkReports } from "./check-reports.js";
import { runRechecks } from "./rechecks.js";
import { reconcileUnconfirmed, recoverClaims } from "./reconcile.js";
import type { OutboxContext, RunResult } from "./settings.js";
import { claimBatch, uploadBatch } from "./upload.js";

export async function runOutbox(ctx: OutboxContext): Promise<RunResult> {
  const now = ctx.now();
  await runRechecks(ctx, now);
  await recoverClaims(ctx, now);
  const confirmed = await reconcileUnconfirmed(ctx, now);
  const result: RunResult = { uploaded: 0, accepted: confirmed, rejected: 0, failed: 0 };
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
