/** Re-checks of dispensings made while NHI was down: refresh NHI's status and flag conflicts found then. */
import { msg } from "../../domain/message.js";
import type { NhiClient } from "../../nhi/client.js";
import { isUnavailable, withTimeout } from "../nhi-calls.js";
import { findDispensing } from "../store/dispensings.js";
import { aboutDispensing, addRefillEvent } from "../store/events.js";
import { syncPrescriptionStatus } from "../store/prescriptions.js";
import type { OutboxContext } from "./settings.js";

/** Status re-checks queued while NHI was down: refresh our copy and flag refills someone else also dispensed. */
export async function runRechecks(ctx: OutboxContext, now: Date): Promise<void> {
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
        const dispensing = row.dispensing_id ? await findDispensing(trx, row.dispensing_id) : undefined;
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
            ...aboutDispensing(dispensing, now),
            institutionCode: refill.dispensedBy,
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
            ...aboutDispensing(dispensing, now),
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
