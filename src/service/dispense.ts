/**
 * Dispense (調劑): check again with the card required, make sure the screen is current and the pharmacist's
 * inputs hold, get our own visit (card pass or offline visit ID), build and validate the 2.0 record, then record
 * it in one transaction. A counter that loses the race to another gets the winner's details, never a duplicate.
 */
import { randomUUID } from "node:crypto";
import { isUniqueViolation } from "../db/open.js";
import { checkCounterAbnormalCode } from "../domain/abnormal-dispensing.js";
import { daysSuppliedAllowed, maxDaysSupplied } from "../domain/days-supplied.js";
import { alreadyDispensed } from "../domain/decision.js";
import { buildDispensingRecord } from "../domain/dispensing-record.js";
import { checkNationalId } from "../domain/national-id.js";
import { reason } from "../domain/reason-text.js";
import { refillWindow } from "../domain/refill-rules.js";
import type { RocDate, RocDateTime } from "../domain/roc-date.js";
import type { PrescriptionStatus } from "../nhi/client.js";
import { validateRecord } from "../nhi/format/validate.js";
import { evaluate, logBlocked } from "./check.js";
import type { ServiceContext } from "./context.js";
import { ownVisit } from "./own-visit.js";
import { getDispensing } from "./queries.js";
import { block, isConflict } from "./reasons.js";
import { commitDispensing } from "./record.js";
import { dispensingByConfirmKey, liveDispensingOfRefill } from "./store/dispensings.js";
import { supplementProblem } from "./supplement.js";
import type { Decision, DecisionReason, DispenseRequest, DispenseResult } from "./types.js";

export async function dispense(ctx: ServiceContext, request: DispenseRequest): Promise<DispenseResult> {
  const pharmacist = checkNationalId(request.pharmacistId ?? "");
  if (!pharmacist.valid) {
    const reasons = [block("invalid-pharmacist-id", { detail: pharmacist.reason })];
    return { ok: false, kind: "invalid", reasons };
  }
  // A confirmation that already succeeded (a second F9, a retried POST) gets its first success again.
  const repeated = await repeatedConfirm(ctx, request.confirmKey);
  if (repeated) return repeated;
  const { decision, nhi } = await evaluate(ctx, { visitIdInput: request.visitIdInput, card: request.card });
  // The refill asked for was dispensed already (here or elsewhere): a duplicate stopped, whatever else holds now.
  const asked = decision.prescription?.refills.find((r) => r.refillNo === request.refillNo);
  if (asked?.state === "dispensed") {
    const duplicate = alreadyDispensed({ ...asked, here: asked.dispensedHere }, ctx.options.institutionName);
    const refused: Decision = { ...decision, outcome: "block", reasons: [duplicate] };
    await logBlocked(ctx, refused, pharmacist.nationalId);
    return { ok: false, kind: "conflict", decision, reasons: [duplicate] };
  }
  // The decision being confirmed is not the one that holds now: no dispensing, and no refusal logged — the
  // pharmacist sees the fresh decision and decides again.
  if (request.decisionToken && request.decisionToken !== decision.token) {
    return { ok: false, kind: "conflict", decision, reasons: [decisionChanged()] };
  }
  if (decision.outcome === "card-needed") {
    const reasons = decision.reasons
      .filter((r) => r.code === "no-card-chronic")
      .map((r) => ({ ...r, severity: "block" as const }));
    return { ok: false, kind: "invalid", decision, reasons };
  }
  if (decision.outcome === "block") {
    await logBlocked(ctx, decision, pharmacist.nationalId);
    const reasons = decision.reasons.filter((r) => r.severity === "block");
    const conflict = reasons.some((r) => isConflict(r));
    return { ok: false, kind: conflict ? "conflict" : "invalid", decision, reasons };
  }
  const status = nhi.reachable ? (nhi.result.found ? nhi.result.status : undefined) : nhi.cached;
  if (!status || !decision.originalVisitId || decision.refillNo === undefined) {
    return { ok: false, kind: "invalid", decision, reasons: decision.reasons };
  }
  const refillNo = decision.refillNo;
  if (request.refillNo !== refillNo) {
    return {
      ok: false,
      kind: "conflict",
      decision,
      reasons: [block("stale-decision", { requested: request.refillNo, due: refillNo })],
    };
  }
  const overrideReason = request.override?.reason?.trim();
  if (decision.outcome === "override" && !overrideReason) {
    return {
      ok: false,
      kind: "override",
      decision,
      reasons: [reason("nhi-unreachable", "override", { during: "confirm" })],
    };
  }
  const cause = checkCounterAbnormalCode(request.override?.abnormalCode);
  if (!cause.valid)
    return {
      ok: false,
      kind: "invalid",
      decision,
      reasons: [block("abnormal-code-invalid", { detail: cause.reason })],
    };
  const days = request.days ?? status.daysPerRefill;
  if (!daysSuppliedAllowed(days, status)) {
    return { ok: false, kind: "invalid", decision, reasons: [daysSuppliedProblem(days, status)] };
  }

  const now = ctx.now();
  const own = await ownVisit(ctx, {
    status,
    card: request.card,
    abnormal: decision.outcome === "override",
    overrideReason,
    now,
  });
  if (!own.ok && own.needsOverride) {
    const asOverride: Decision = { ...decision, outcome: "override", nhiReachable: false };
    return { ok: false, kind: "override", decision: asOverride, reasons: [own.reason] };
  }
  if (!own.ok) return { ok: false, kind: "invalid", decision, reasons: [own.reason] };
  const { visitId, visitDateTime, abnormal, pass } = own.visit;
  const j000 = refillNo >= 2 && !status.originalSequenceNumber;
  const confirmed = request.j000Confirmation;
  if (j000 && !(confirmed?.cloudRecordChecked && confirmed.prescriberAsked)) {
    return { ok: false, kind: "override", decision, reasons: [j000ConfirmationRequired()] };
  }
  const supplement = supplementProblem(request.supplement, status.originalVisitDateTime, visitDateTime);
  if (supplement) return { ok: false, kind: "invalid", decision, reasons: [supplement] };
  const record = buildDispensingRecord({
    dataFormat: abnormal ? "B" : "A",
    pharmacyCode: ctx.pharmacy.pharmacyCode,
    pharmacistId: pharmacist.nationalId,
    nationalId: status.nationalId,
    birthDate: request.card?.birthDate ?? status.birthDate,
    visitDateTime,
    visitId,
    samId: pass?.samId,
    cardNumber: pass?.cardNumber ?? request.card?.cardNumber,
    signature: pass?.signature,
    abnormalCode: abnormal ? cause.code : undefined,
    prescription: status,
    refillNo,
    days,
    j000,
    ...(request.supplement ? { supplement: request.supplement } : {}),
  });
  const incomplete = validateRecord(record, 1, { pharmacy: true }).map((f) =>
    block("record-incomplete", { field: f.field, code: f.code, detail: f.message }, f.code),
  );
  if (incomplete.length > 0) return { ok: false, kind: "invalid", decision, reasons: incomplete };

  const id = randomUUID();
  try {
    await commitDispensing(
      ctx.db,
      {
        id,
        now,
        pharmacyCode: ctx.pharmacy.pharmacyCode,
        pharmacistId: pharmacist.nationalId,
        prescription: status,
        refillNo,
        days,
        visitId,
        visitDateTime,
        record,
        abnormalCode: abnormal ? cause.code : undefined,
        overrideReason: abnormal ? overrideReason : undefined,
        j000,
        card: request.card,
        terminalId: request.terminalId,
        supplement: request.supplement,
        confirmKey: request.confirmKey,
      },
      ctx.options.hooks?.afterClaim,
    );
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // The same confirmation, retried while the first was committing: the first success.
    const again = await repeatedConfirm(ctx, request.confirmKey);
    if (again) return again;
    return lostRace(ctx, request, status, refillNo, pharmacist.nationalId);
  }
  const result: DispenseResult = { ok: true, dispensing: (await getDispensing(ctx, id))! };
  if (status.chronic && refillNo < status.refillCount) {
    result.nextRefill = { refillNo: refillNo + 1, window: refillWindow(visitDateTime.slice(0, 7) as RocDate, days) };
  }
  return result;
}

/** Another counter claimed this refill between our check and our commit: say who, and log the refusal. */
async function lostRace(
  ctx: ServiceContext,
  request: DispenseRequest,
  status: PrescriptionStatus,
  refillNo: number,
  pharmacistId: string,
): Promise<DispenseResult> {
  const again = await evaluate(ctx, { visitIdInput: request.visitIdInput, card: request.card });
  const winner = await liveDispensingOfRefill(ctx.db, status.originalVisitId, refillNo);
  const reason = block("dispensed-here", {
    refillNo,
    justNow: true,
    ...(winner ? { at: winner.visit_date_time as RocDateTime, pharmacistId: winner.pharmacist_id } : {}),
  });
  await logBlocked(ctx, { ...again.decision, outcome: "block", reasons: [reason] }, pharmacistId);
  return { ok: false, kind: "conflict", decision: again.decision, reasons: [reason] };
}

/** The first success of a confirmation already made, with the next refill's window as it was then. */
async function repeatedConfirm(
  ctx: ServiceContext,
  confirmKey: string | undefined,
): Promise<DispenseResult | undefined> {
  if (!confirmKey) return undefined;
  const row = await dispensingByConfirmKey(ctx.db, confirmKey);
  if (!row) return undefined;
  const dispensing = (await getDispensing(ctx, row.id))!;
  const result: DispenseResult = { ok: true, dispensing, repeated: true };
  const { status } = await ctx.localState(row.original_visit_id, true);
  if (status?.chronic && row.refill_no < status.refillCount) {
    result.nextRefill = {
      refillNo: row.refill_no + 1,
      window: refillWindow(row.visit_date_time.slice(0, 7) as RocDate, row.days),
    };
  }
  return result;
}

function decisionChanged(): DecisionReason {
  return block("decision-changed");
}

function j000ConfirmationRequired(): DecisionReason {
  return reason("j000-unconfirmed", "override", undefined, "J000");
}

/** Days supplied outside 1 … the prescription's limit (shared with corrections). */
export function daysSuppliedProblem(days: number, p: { chronic: boolean; daysPerRefill: number }): DecisionReason {
  return block("days-supplied-out-of-range", { max: maxDaysSupplied(p), days });
}
