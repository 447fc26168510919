/**
 * Our own visit for a dispensing: the card pass (H01=A: M15, M11, SAM, signature) or, with NHI down, API 1.54's
 * offline visit ID from the local control software (H01=B, the abnormal code of the cause the pharmacist
 * confirms). A failure here is the caller's refusal, never a half-made record.
 */
import { reason } from "../domain/reason-text.js";
import type { RocDateTime } from "../domain/roc-date.js";
import type { CardPass, PrescriptionStatus } from "../nhi/client.js";
import type { ServiceContext } from "./context.js";
import { isUnavailable, withTimeout } from "./nhi-calls.js";
import { block } from "./reasons.js";
import type { CardIdentity, DecisionReason } from "./types.js";

export interface OwnVisit {
  visitId: string;
  visitDateTime: RocDateTime;
  /** H01=B: made without NHI (offline visit ID). */
  abnormal: boolean;
  pass?: CardPass;
}

export type OwnVisitResult =
  | { ok: true; visit: OwnVisit }
  /** NHI went away during the card pass and no override reason was given: ask for one. */
  | { ok: false; needsOverride: true; reason: DecisionReason }
  | { ok: false; needsOverride: false; reason: DecisionReason };

export async function ownVisit(
  ctx: ServiceContext,
  input: { status: PrescriptionStatus; card?: CardIdentity; abnormal: boolean; overrideReason?: string; now: Date },
): Promise<OwnVisitResult> {
  const { status, now } = input;
  let abnormal = input.abnormal;
  if (!abnormal) {
    try {
      const pass = await withTimeout("passCard", ctx.timeoutMs, () =>
        ctx.nhi.passCard(ctx.caller, {
          nationalId: status.nationalId,
          cardNumber: input.card?.cardNumber,
          visitCategory: "AF",
          at: now,
        }),
      );
      return { ok: true, visit: { visitId: pass.visitId, visitDateTime: pass.visitDateTime, abnormal: false, pass } };
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      if (!input.overrideReason) {
        return {
          ok: false,
          needsOverride: true,
          reason: reason("nhi-unreachable", "override", { during: "card-pass" }),
        };
      }
      abnormal = true;
    }
  }
  try {
    const offline = await withTimeout("offlineVisitId", ctx.timeoutMs, () =>
      ctx.nhi.offlineVisitId(ctx.caller, status.nationalId, now),
    );
    return { ok: true, visit: { visitId: offline.visitId, visitDateTime: offline.visitDateTime, abnormal } };
  } catch (error) {
    if (!isUnavailable(error)) throw error;
    return {
      ok: false,
      needsOverride: false,
      reason: block("control-software-unavailable"),
    };
  }
}
