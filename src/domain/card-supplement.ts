/**
 * 補卡 (card supplement): a patient who could not show the card at the visit shows it later. The actual visit must
 * lie between the prescription and now, and the card must be shown within 10 working days of it.
 */
import { SUPPLEMENT_WORKING_DAYS, workingDaysBetween } from "./refill-rules.js";
import { isRocDateTime, type RocDate, type RocDateTime } from "./roc-date.js";

export type SupplementTiming =
  | { ok: true }
  /** Not a yyyMMddHHmmss ROC date-time. */
  | { ok: false; problem: "malformed" }
  /** Before the prescription was written or after the visit being recorded now. */
  | { ok: false; problem: "outside-prescription" }
  /** More than SUPPLEMENT_WORKING_DAYS working days ago. */
  | { ok: false; problem: "too-late"; workingDays: number };

export function supplementTiming(
  actualVisitDateTime: string,
  prescribedAt: RocDateTime,
  visitDateTime: RocDateTime,
): SupplementTiming {
  if (!isRocDateTime(actualVisitDateTime)) return { ok: false, problem: "malformed" };
  if (actualVisitDateTime < prescribedAt || actualVisitDateTime > visitDateTime) {
    return { ok: false, problem: "outside-prescription" };
  }
  const workingDays = workingDaysBetween(
    actualVisitDateTime.slice(0, 7) as RocDate,
    visitDateTime.slice(0, 7) as RocDate,
  );
  return workingDays > SUPPLEMENT_WORKING_DAYS ? { ok: false, problem: "too-late", workingDays } : { ok: true };
}
