/**
 * Chronic refill prescription rules (慢性病連續處方箋): which refill comes next, the dispensing window, the
 * 90-day total and the correction deadline. Pure functions over ROC dates.
 *
 * Window: refill n ≥ 2 may be dispensed only within the 10 days before the previous supply runs out. A supply
 * of `days` days dispensed on day P lasts P … P+days−1, so the window is P+days−10 … P+days−1 (both inclusive).
 * NHI's exact day arithmetic is unverified (domain.md §10.5); this is the common pharmacy reading.
 */
import { MAX_TOTAL_DAYS, WINDOW_DAYS_BEFORE_RUN_OUT } from "./limits.js";
import type { RefillState } from "./prescription.js";
import { addDays, type RocDate, type RocDateTime } from "./roc-date.js";

export interface RefillWindow {
  /** First day refill n may be dispensed (10 days before the previous supply runs out). */
  from: RocDate;
  /** Last day of the window (the day the previous supply runs out). */
  to: RocDate;
}

/** What is known about one refill after merging our own dispensings with NHI's status. */
export interface RefillFact {
  refillNo: number;
  state: RefillState;
  /** Cancelled by C and restored by E. */
  restored?: boolean;
  /** Dispensed by us (an active dispensing in our database). The API shows it under the same name. */
  dispensedHere?: boolean;
  /** Institution that dispensed it (ours or another). */
  dispensedBy?: string;
  dispensedAt?: RocDateTime;
  pharmacistId?: string;
  days?: number;
}

/** The window for a refill given the previous refill's dispensing date and days supplied. */
export function refillWindow(previousDispensedOn: RocDate, previousDays: number): RefillWindow {
  const days = Math.max(1, previousDays);
  return {
    from: addDays(previousDispensedOn, Math.max(0, days - WINDOW_DAYS_BEFORE_RUN_OUT)),
    to: addDays(previousDispensedOn, days - 1),
  };
}

export type WindowPosition = "before" | "inside" | "after";

export function windowPosition(window: RefillWindow, today: RocDate): WindowPosition {
  if (today < window.from) return "before";
  if (today > window.to) return "after";
  return "inside";
}

/** The window of every refill n ≥ 2 whose previous refill has been dispensed. */
export function windowFor(facts: readonly RefillFact[], refillNo: number): RefillWindow | undefined {
  if (refillNo < 2) return undefined;
  const previous = facts.find((f) => f.refillNo === refillNo - 1);
  if (previous?.state !== "dispensed" || !previous.dispensedAt || !previous.days) return undefined;
  return refillWindow(previous.dispensedAt.slice(0, 7) as RocDate, previous.days);
}

/** The first refill not yet dispensed, or undefined when every refill is dispensed. */
export function nextRefill(facts: readonly RefillFact[], refillCount: number): RefillFact | undefined {
  for (let n = 1; n <= refillCount; n++) {
    const fact = facts.find((f) => f.refillNo === n) ?? { refillNo: n, state: "undispensed" as const };
    if (fact.state !== "dispensed") return fact;
  }
  return undefined;
}

/** Refills after `refillNo` that are already dispensed (dispensing `refillNo` now would be out of order). */
export function laterDispensed(facts: readonly RefillFact[], refillNo: number): RefillFact[] {
  return facts.filter((f) => f.refillNo > refillNo && f.state === "dispensed");
}

/** The total supply a prescription allows: M21 when given, else days per refill × refill count. */
export function totalDays(p: { chronic: boolean; refillCount: number; daysPerRefill: number; totalDays?: number }) {
  return p.totalDays ?? p.daysPerRefill * (p.chronic ? p.refillCount : 1);
}

export function exceedsTotalDays(p: {
  chronic: boolean;
  refillCount: number;
  daysPerRefill: number;
  totalDays?: number;
}): boolean {
  return p.chronic && totalDays(p) > MAX_TOTAL_DAYS;
}

/** Last day (Taiwan date) a record with visit date-time M11 may still be corrected: end of the following month. */
export function correctionDeadline(visitDateTime: RocDateTime): RocDate {
  const year = Number(visitDateTime.slice(0, 3));
  const month = Number(visitDateTime.slice(3, 5));
  // Last day of month+1: day 0 of month+2.
  const last = new Date(Date.UTC(year + 1911, month + 1, 0));
  const y = last.getUTCFullYear() - 1911;
  return `${String(y).padStart(3, "0")}${String(last.getUTCMonth() + 1).padStart(2, "0")}${String(
    last.getUTCDate(),
  ).padStart(2, "0")}` as RocDate;
}

export function correctionAllowed(visitDateTime: RocDateTime, today: RocDate): boolean {
  return today <= correctionDeadline(visitDateTime);
}

/** 補卡: the card must be shown within 10 days of the visit, holidays excluded (here: Saturdays and Sundays). */
export const SUPPLEMENT_WORKING_DAYS = 10;

/** Working days (Mon–Fri) after `from` up to and including `to`; 0 when `to` is not after `from`. */
export function workingDaysBetween(from: RocDate, to: RocDate): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) {
    const iso = `${Number(d.slice(0, 3)) + 1911}-${d.slice(3, 5)}-${d.slice(5, 7)}T00:00:00Z`;
    const weekday = new Date(iso).getUTCDay();
    if (weekday !== 0 && weekday !== 6) n++;
  }
  return n;
}
