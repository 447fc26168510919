/**
 * Our own visit for a dispensing: the card pass (H01=A: M15, M11, SAM, signature) or, with NHI down, API 1.54's
 * offline visit ID from the local control software (H01=B, the abnormal code of the cause the pharmacist
 * confirms). A failure here is the caller's refusal, never a half-made record.
 */
import { msg } from "../domain/message.js";
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
          reason: {
            code: "nhi-unreachable",
            severity: "override",
            message: msg(
              "過卡時健保署連線中斷：須由藥師確認異常原因（預設A020網路故障）並填寫理由後以異常上傳調劑",
              "NHI went away during the card pass: dispense as abnormal with the cause's code (default A020, network failure) and a pharmacist's reason",
            ),
          },
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
      reason: block(
        "nhi-unreachable",
        msg(
          "讀卡機控制軟體無法產生異常就醫識別碼（API 1.54），無法建立紀錄；請檢查讀卡機控制軟體",
          "The card reader control software could not issue an offline visit ID (API 1.54), so no record can be made; check the control software",
        ),
      ),
    };
  }
}
