import { isUniqueViolation } from "../db/open.js";
import { checkCounterAbnormalCode } from "../domain/abnormal-dispensing.js";
import { daysSuppliedAllowed, maxDaysSupplied } from "../domain/days-supplied.js";
import { alreadyDispensed } from "../domain/decision.js";
import { checkNationalId } from "../domain/national-id.js";
import { reason } from "../domain/reason-text.js";
import { refillWindow } from "../domain/refill-rules.js";
import type { RocDate } from "../domain/roc-date.js";
import type { PrescriptionStatus } from "../nhi/client.js";
import { evaluate, logBlocked } from "./check.js";
import type { ServiceContext } from "./context.js";
import { claimedMeanwhile, dispensed, j000Unconfirmed, prepareDispensing } from "./dispense-steps.js";
import { ownVisit } from "./own-visit.js";
import { getDispensing } from "./queries.js";
import { block, isConflict } from "./reasons.js";
import { commitDispensing } from "./record.js";
import { dispensingByConfirmKey } from "./store/dispensings.js";
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
    // Unless it was this very confirmation, committed by a retry that ran alongside since we first looked.
    const committedMeanwhile = await repeatedConfirm(ctx, request.confirmKey);
    if (committedMeanwhile) return committedMeanwhile;
    const duplicate = alreadyDispensed(asked, ctx.options.institutionName);
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
  const j000 = refillNo >= 2 && !status.originalSequenceNumber;
  const unconfirmed = j000Unconfirmed(j000, request.j000Confirmation);
  if (unconfirmed) return { ok: false, kind: "override", decision, reasons: [unconfirmed] };
  const supplement = supplementProblem(request.supplement, status.originalVisitDateTime, own.visit.visitDateTime);
  if (supplement) return { ok: false, kind: "invalid", decision, reasons: [supplement] };
  const facts = { visit: own.visit, pharmacistId: pharmacist.nationalId, status, refillNo, days, j000, now };
  const { commit, incomplete } = prepareDispensing(ctx, request, { ...facts, abnormalCode: cause.code });
  if (incomplete.length > 0) return { ok: false, kind: "invalid", decision, reasons: incomplete };
  const { id, visitDateTime } = commit;
  try {
    await commitDispensing(ctx.db, commit, ctx.options.hooks?.afterClaim);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // The same confirmation, retried while the first was committing: the first success.
    const again = await repeatedConfirm(ctx, request.confirmKey);
    if (again) return again;
    return lostRace(ctx, request, status, refillNo, pharmacist.nationalId);
  }
  return dispensed(ctx, id, { status, refillNo, visitDateTime, days });
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
  const reason = await claimedMeanwhile(ctx, status.originalVisitId, refillNo);
  await logBlocked(ctx, { ...again.decision, outcome: "block", reasons: [reason] }, pharmacistId);
  return { ok: false, kind: "conflict", decision: again.decision, reasons: [reason] };
}

/** The first success of a confirmation already made, with the next refill's window as it was then. */
export async function repeatedConfirm(
  ctx: ServiceContext,
  confirmKey: string | undefined,
): Promise<DispenseResult | undefined> {
  if (!confirmKey) return undefined;
  const row = await dispensingByConfirmKey(ctx.db, confirmKey);
  if (!row) return undefined;
  const dispensing = (await getDispensing(ctx, row.id))!;
  const result: DispenseResult = { ok: true, dispensing, repeated: true };
  const { status } = await ctx.localState(row.original_visit_id);
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

/** Days supplied outside 1 … the prescription's limit (shared with corrections). */
export function daysSuppliedProblem(days: number, p: { chronic: boolean; daysPerRefill: number }): DecisionReason {
  return block("days-supplied-out-of-range", { max: maxDaysSupplied(p), days });
}
