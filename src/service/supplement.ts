/** Why a card supplement (補卡) request cannot be recorded; the timing rule itself is the domain's. */
import { supplementTiming } from "../domain/card-supplement.js";
import { SUPPLEMENT_WORKING_DAYS } from "../domain/refill-rules.js";
import type { RocDateTime } from "../domain/roc-date.js";
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
    return block("supplement-time-invalid", { value: supplement.actualVisitDateTime });
  }
  if (!timing.ok && timing.problem === "outside-prescription") {
    return block("supplement-outside-prescription", { prescribedAt });
  }
  if (!timing.ok && timing.problem === "too-late") {
    return block("supplement-too-late", { limit: SUPPLEMENT_WORKING_DAYS, workingDays: timing.workingDays });
  }
  if (supplement.actualVisitId !== undefined) {
    const parsed = parseVisitId(supplement.actualVisitId);
    if (!parsed.valid || parsed.kind !== "standard" || parsed.corrections.length > 0) {
      return block("supplement-visit-id-invalid", { value: supplement.actualVisitId });
    }
  }
  return undefined;
}
