/**
 * Incidents for the pharmacist in charge: the list the counter shows, and acknowledging one with a note (once,
 * audited, and written to the refill log so the owner sees who dealt with it).
 */

import type { IncidentView } from "../domain/incident.js";
import { msg } from "../domain/message.js";
import { checkNationalId } from "../domain/national-id.js";
import type { ServiceContext } from "./context.js";
import { block } from "./reasons.js";
import { addRefillEvent, audit } from "./store/events.js";
import { incidentRow, incidentRows, incidentView, markAcknowledged } from "./store/incidents.js";
import type { AcknowledgeIncidentRequest, IncidentQuery, IncidentResult } from "./types.js";

export async function listIncidents(ctx: ServiceContext, query?: IncidentQuery): Promise<IncidentView[]> {
  return (await incidentRows(ctx.db, query)).map(incidentView);
}

export async function acknowledgeIncident(
  ctx: ServiceContext,
  request: AcknowledgeIncidentRequest,
): Promise<IncidentResult> {
  const pharmacist = checkNationalId(request.pharmacistId ?? "");
  if (!pharmacist.valid) {
    return { ok: false, kind: "invalid", reasons: [block("invalid-pharmacist-id", { detail: pharmacist.reason })] };
  }
  const note = request.note?.trim() ?? "";
  if (!note) return { ok: false, kind: "invalid", reasons: [block("reason-required")] };
  const now = ctx.now();
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const row = await incidentRow(trx, request.incidentId);
    if (!row) return { ok: false as const, code: "missing" as const };
    if (row.acknowledged_at) return { ok: false as const, code: "done" as const, row };
    if (!(await markAcknowledged(trx, { id: row.id, pharmacistId: pharmacist.nationalId, note, at: now }))) {
      return { ok: false as const, code: "done" as const, row: (await incidentRow(trx, row.id))! };
    }
    await addRefillEvent(trx, {
      type: "incident",
      at: now,
      originalVisitId: row.original_visit_id,
      refillNo: row.refill_no,
      nationalId: row.national_id,
      institutionCode: ctx.pharmacy.pharmacyCode,
      pharmacistId: pharmacist.nationalId,
      reason: note,
      nhiCodes: JSON.parse(row.nhi_codes) as string[],
      message: msg(
        `異常事件已由藥師 ${pharmacist.nationalId} 確認處理：${note}`,
        `Incident acknowledged by pharmacist ${pharmacist.nationalId}: ${note}`,
      ),
      sourceKey: `incident-ack:${row.id}`,
    });
    await audit(trx, now, pharmacist.nationalId, "acknowledge", "incident", row.id, { note, kind: row.kind });
    return { ok: true as const };
  });
  if (!outcome.ok && outcome.code === "missing") {
    return { ok: false, kind: "not-found", reasons: [block("no-such-incident", { id: request.incidentId })] };
  }
  const row = await incidentRow(ctx.db, request.incidentId);
  if (!outcome.ok) {
    const by = { pharmacistId: row?.acknowledged_by ?? "?", at: row?.acknowledged_at ?? "?" };
    return { ok: false, kind: "conflict", reasons: [block("incident-acknowledged", by)] };
  }
  return { ok: true, incident: incidentView(row!) };
}
