import { isUniqueViolation } from "../../db/open.js";
import { checkCounterAbnormalCode } from "../../domain/abnormal-dispensing.js";
import { daysSuppliedAllowed } from "../../domain/days-supplied.js";
import { checkNationalId } from "../../domain/national-id.js";
import { reason } from "../../domain/reason-text.js";
import { dateFromRocDateTime } from "../../domain/roc-date.js";
import type { ServiceContext } from "../context.js";
import { daysSuppliedProblem, repeatedConfirm } from "../dispense.js";
import { claimedMeanwhile, dispensed, j000Unconfirmed, prepareDispensing } from "../dispense-steps.js";
import { DEADLINE_MS } from "../outbox/settings.js";
import { ownVisit } from "../own-visit.js";
import { block } from "../reasons.js";
import { commitDispensing } from "../record.js";
import type { DispenseResult, PaperDispenseRequest } from "../types.js";
import { evaluatePaper } from "./check-paper.js";

/** A D024 paper's upload waits for the clinic's, at most until this long before the 24-hour deadline. */
const HOLD_BEFORE_DEADLINE_MS = 2 * 3_600_000;

export async function dispensePaper(ctx: ServiceContext, request: PaperDispenseRequest): Promise<DispenseResult> {
  const pharmacist = checkNationalId(request.pharmacistId ?? "");
  if (!pharmacist.valid) {
    return { ok: false, kind: "invalid", reasons: [block("invalid-pharmacist-id", { detail: pharmacist.reason })] };
  }
  const repeated = await repeatedConfirm(ctx, request.confirmKey);
  if (repeated) return repeated;
  const { result, status, key } = await evaluatePaper(ctx, request);
  if (!result.ok) {
    // A conflict may be this very confirmation, committed by a retry that ran alongside since we first looked.
    const committedMeanwhile = result.kind === "conflict" ? await repeatedConfirm(ctx, request.confirmKey) : undefined;
    return committedMeanwhile ?? { ok: false, kind: result.kind, reasons: result.reasons };
  }
  if (!status || !key) return { ok: false, kind: "invalid", reasons: result.reasons };
  const overrideReason = request.override?.reason?.trim();
  if (result.outcome === "override" && !overrideReason) {
    return { ok: false, kind: "override", reasons: [reason("nhi-unreachable", "override", { during: "confirm" })] };
  }
  const cause = checkCounterAbnormalCode(request.override?.abnormalCode);
  if (!cause.valid) {
    return { ok: false, kind: "invalid", reasons: [block("abnormal-code-invalid", { detail: cause.reason })] };
  }
  const days = request.days ?? status.daysPerRefill;
  if (!daysSuppliedAllowed(days, status)) {
    return { ok: false, kind: "invalid", reasons: [daysSuppliedProblem(days, status)] };
  }
  const refillNo = result.refillNo;
  const j000 = refillNo >= 2 && !status.originalSequenceNumber;
  const unconfirmed = j000Unconfirmed(j000, request.j000Confirmation);
  if (unconfirmed) return { ok: false, kind: "override", reasons: [unconfirmed] };

  const now = ctx.now();
  const abnormal = result.outcome === "override";
  const own = await ownVisit(ctx, { status, card: request.card, abnormal, overrideReason, now });
  if (!own.ok) return { ok: false, kind: own.needsOverride ? "override" : "invalid", reasons: [own.reason] };
  const { commit, incomplete } = prepareDispensing(ctx, request, {
    visit: own.visit,
    pharmacistId: pharmacist.nationalId,
    abnormalCode: cause.code,
    status,
    refillNo,
    days,
    j000,
    now,
  });
  if (incomplete.length > 0) return { ok: false, kind: "invalid", reasons: incomplete };
  const { id, visitDateTime } = commit;
  const cardWrittenAt = dateFromRocDateTime(visitDateTime);
  const typed = { ...status, originalVisitId: key };
  const notUploadedReason = request.notUploadedOverride?.reason?.trim();
  try {
    await commitDispensing(ctx.db, {
      ...commit,
      prescription: typed,
      // D024 on a chronic refill 2+ went ahead on the pharmacist's reason: audited and logged like an override.
      overrideReason: commit.overrideReason ?? notUploadedReason,
      paper: { cause: result.cause, typed },
      verification: result.cause === "sm00" ? "uncheckable" : "unverified",
      ...(result.cause === "not-uploaded"
        ? { holdUploadUntil: new Date(cardWrittenAt.getTime() + DEADLINE_MS - HOLD_BEFORE_DEADLINE_MS) }
        : {}),
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const again = await repeatedConfirm(ctx, request.confirmKey);
    if (again) return again;
    return { ok: false, kind: "conflict", reasons: [await claimedMeanwhile(ctx, key, refillNo)] };
  }
  return dispensed(ctx, id, { status, refillNo, visitDateTime, days });
}
