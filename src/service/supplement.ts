/** Why a card supplement (補卡) request cannot be recorded, in words; the timing rule itself is the domain's. */
import { supplementTiming } from "../domain/card-supplement.js";
import { msg } from "../domain/message.js";
import { SUPPLEMENT_WORKING_DAYS } from "../domain/refill-rules.js";
import { formatRocDateTime, type RocDateTime } from "../domain/roc-date.js";
import { parseVisitId } from "../domain/visit-id.js";
import { block } from "./reasons.js";
import type { DecisionReason, DispenseRequest } from "./types.js";

export function supplementProblem(
  supplement: DispenseRequest["supplement"],
  prescribedAt: RocDateTime,
  visitDateTime: RocDateTime,
): DecisionReason | undefined {
  if (!supplement) return undefined;
  const timing = supplementTiming(supplement.actualVisitDateTime, prescribedAt, visitDateTime);
  if (!timing.ok && timing.problem === "malformed") {
    return block(
      "invalid-visit-id",
      msg(
        `補卡之實際就醫時間格式錯誤（應為yyyMMddHHmmss）：${supplement.actualVisitDateTime}`,
        `The actual visit date-time of a card supplement must be yyyMMddHHmmss: ${supplement.actualVisitDateTime}`,
      ),
    );
  }
  if (!timing.ok && timing.problem === "outside-prescription") {
    return block(
      "before-window",
      msg(
        `補卡之實際就醫時間須介於處方開立（${formatRocDateTime(prescribedAt)}）與現在之間`,
        `The actual visit must lie between the prescription (${formatRocDateTime(prescribedAt)}) and now`,
      ),
    );
  }
  if (!timing.ok && timing.problem === "too-late") {
    return block(
      "after-window",
      msg(
        `已逾補卡期限（就醫後${SUPPLEMENT_WORKING_DAYS}日內，不含例假日；已過${timing.workingDays}個工作日），不可補卡上傳`,
        `Too late for a card supplement (within ${SUPPLEMENT_WORKING_DAYS} working days of the visit; ${timing.workingDays} have passed)`,
      ),
    );
  }
  if (supplement.actualVisitId !== undefined) {
    const parsed = parseVisitId(supplement.actualVisitId);
    if (!parsed.valid || parsed.kind !== "standard" || parsed.corrections.length > 0) {
      return block(
        "invalid-visit-id",
        msg(
          `補卡保留之就醫識別碼無效：${supplement.actualVisitId}（未保留時請留空，將以MISS上傳）`,
          `The kept visit ID of the card supplement is not valid: ${supplement.actualVisitId} (leave it out to upload MISS)`,
        ),
      );
    }
  }
  return undefined;
}
