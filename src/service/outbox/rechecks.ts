/**
 * Re-checks of dispensings made without NHI's word (NHI down, or entered from the paper): as soon as NHI answers,
 * refresh our copy of the prescription and compare. What is wrong becomes an incident for the pharmacist in charge
 * (and an `incident` event in the refill log); a dispensing the re-check agrees with is verified. A prescription the
 * clinic has not uploaded yet (D024) is asked about again on the next run, and is an incident 24 hours after we
 * dispensed it.
 */
import type { DispensingRow, RechecksTable } from "../../db/schema.js";
import type { IncidentKind } from "../../domain/incident.js";
import { type Message, msg } from "../../domain/message.js";
import { paperDifferences } from "../../domain/paper-prescription.js";
import type { PrescriptionStatus, PrescriptionStatusResult } from "../../nhi/client.js";
import { isUnavailable, withTimeout } from "../nhi-calls.js";
import type { Db } from "../store/db.js";
import { findDispensing } from "../store/dispensings.js";
import { aboutDispensing, addRefillEvent } from "../store/events.js";
import { addIncident, type NewIncident } from "../store/incidents.js";
import { typedPrescription } from "../store/paper.js";
import { syncPrescriptionStatus } from "../store/status-sync.js";
import { liveEntriesOf, sendNow } from "./entries.js";
import { DEADLINE_MS, type OutboxContext } from "./settings.js";

type Finding = Omit<NewIncident, "at" | "dispensing" | "sourceKey">;

export async function runRechecks(ctx: OutboxContext, now: Date): Promise<void> {
  const rows = await ctx.db
    .selectFrom("rechecks")
    .selectAll()
    .where("done_at", "is", null)
    .orderBy("created_at")
    .execute();
  for (const row of rows) {
    let result: PrescriptionStatusResult;
    try {
      result = await withTimeout("prescriptionStatus", ctx.settings.timeoutMs, () =>
        ctx.nhi.prescriptionStatus(ctx.caller, row.original_visit_id),
      );
    } catch (error) {
      if (isUnavailable(error)) return;
      throw error;
    }
    await ctx.db.transaction().execute((trx) => recheckOne(trx, ctx, row, result, now));
  }
}

async function recheckOne(
  trx: Db,
  ctx: OutboxContext,
  row: Pick<RechecksTable, "id" | "dispensing_id" | "original_visit_id">,
  result: PrescriptionStatusResult,
  now: Date,
): Promise<void> {
  const dispensing = row.dispensing_id ? await findDispensing(trx, row.dispensing_id) : undefined;
  let findings: Finding[] = [];
  let outcome: string;
  if (result.found) {
    const typed = await typedPrescription(trx, row.original_visit_id);
    await syncPrescriptionStatus(trx, ctx.engine, result.status, now, ctx.caller.institutionCode);
    findings = dispensing ? compare(dispensing, result.status, typed, ctx.caller.institutionCode) : [];
    outcome = findings.length > 0 ? findings.map((f) => f.kind).join(",") : "ok";
  } else if (result.code === "D024") {
    const age = dispensing ? now.getTime() - new Date(dispensing.created_at).getTime() : Number.POSITIVE_INFINITY;
    // The clinic has the same 24-hour upload deadline as we do: until it has passed, ask again on the next run;
    // after it, a prescription still missing at NHI (D024) is an incident.
    if (age < DEADLINE_MS) return;
    findings = [
      {
        kind: "not-uploaded",
        nhiCodes: ["D024"],
        message: msg(
          "調劑後24小時，原處方院所仍未上傳此處方（D024）：請聯絡原處方院所上傳",
          "24 hours after dispensing, the prescriber has still not uploaded this prescription (D024): ask the clinic to upload it",
        ),
      },
    ];
    outcome = "D024";
  } else {
    findings = [
      {
        kind: "invalid-visit-id",
        nhiCodes: [result.code],
        message: msg(
          `健保署無法查核此就醫識別碼（${result.code}）：請核對紙本處方之就醫識別碼`,
          `NHI cannot check this visit ID (${result.code}): compare it with the paper prescription`,
        ),
      },
    ];
    outcome = result.code;
  }
  if (dispensing) await record(trx, dispensing, findings, row.id, now);
  await trx
    .updateTable("rechecks")
    .set({ done_at: now.toISOString(), result: outcome })
    .where("id", "=", row.id)
    .execute();
}

/** What NHI's status says against our dispensing and, for a paper entry, against what was typed. */
function compare(
  dispensing: DispensingRow,
  status: PrescriptionStatus,
  typed: PrescriptionStatus | undefined,
  ourCode: string,
): Finding[] {
  const findings: Finding[] = [];
  const n = dispensing.refill_no;
  const refill = status.refills.find((r) => r.refillNo === n);
  if (refill?.state === "dispensed" && refill.dispensedBy && refill.dispensedBy !== ourCode) {
    const other = refill.dispensedByName ? `${refill.dispensedByName}（${refill.dispensedBy}）` : refill.dispensedBy;
    findings.push({
      kind: "dispensed-elsewhere",
      nhiCodes: ["D025"],
      otherInstitution: {
        code: refill.dispensedBy,
        ...(refill.dispensedByName ? { name: refill.dispensedByName } : {}),
      },
      message: msg(
        `連線恢復後查核：第${n}次亦已由 ${other} 調劑（重複調劑，D025）`,
        `Re-check after the outage: refill ${n} was also dispensed by ${other} (duplicate, D025)`,
      ),
    });
  } else if (refill?.state === "cancelled") {
    findings.push({
      kind: "cancelled",
      nhiCodes: ["D023"],
      message: msg(
        `連線恢復後查核：第${n}次已被原處方院所註銷（D023）`,
        `Re-check after the outage: refill ${n} had been cancelled by the prescriber (D023)`,
      ),
    });
  }
  const differences = typed ? paperDifferences(typed, status) : [];
  if (differences.length > 0) {
    const list = differences.map((d) => `${d.field}: ${d.typed} → ${d.nhi}`).join("; ");
    findings.push({
      kind: "details-differ",
      nhiCodes: [],
      differences,
      message: msg(
        `依紙本輸入之處方與健保署資料不符（輸入 → 健保署）：${list}；請核對紙本並更正或刪除調劑紀錄`,
        `The prescription typed from the paper differs from NHI's (typed → NHI): ${list}; check the paper, then correct or delete the dispensing`,
      ),
    });
  }
  return findings;
}

/** Stores the findings as incidents (or marks the dispensing verified) and lets a held upload go. */
async function record(trx: Db, dispensing: DispensingRow, findings: Finding[], recheckId: string, now: Date) {
  for (const f of findings) {
    await addIncident(trx, { ...f, at: now, dispensing, sourceKey: `recheck:${recheckId}:${f.kind}` });
    await addRefillEvent(trx, {
      type: "incident",
      ...aboutDispensing(dispensing, now),
      ...(f.otherInstitution ? { institutionCode: f.otherInstitution.code } : {}),
      nhiCodes: f.nhiCodes,
      reason: f.kind satisfies IncidentKind,
      message: f.message satisfies Message,
      sourceKey: `recheck:${recheckId}:${f.kind}`,
    });
  }
  if (dispensing.verification !== null) {
    await trx
      .updateTable("dispensings")
      .set({ verification: findings.length > 0 ? "conflict" : "verified", updated_at: now.toISOString() })
      .where("id", "=", dispensing.id)
      .execute();
  }
  // A paper entry's upload waited for the clinic's (D024): the prescription is there now, send it.
  if (findings.length === 0 && dispensing.status === "active" && dispensing.paper_cause === "not-uploaded") {
    for (const entry of await liveEntriesOf(trx, dispensing.id)) {
      if (entry.state === "pending" && entry.next_attempt_at > now.toISOString()) await sendNow(trx, entry.id, now);
    }
  }
}
