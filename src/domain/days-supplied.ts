/**
 * Days supplied (給藥日份) for one dispensing: 1 up to the prescription's days per refill (M20); a chronic refill
 * supplies at most 30 days at a time. One rule for dispensing and for correcting a record.
 */
import { MAX_DAYS_PER_CHRONIC_DISPENSING } from "./limits.js";

export interface DaysPerRefill {
  chronic: boolean;
  daysPerRefill: number;
}

/** The most days one dispensing of this prescription may supply (never below 1). */
export function maxDaysSupplied(p: DaysPerRefill): number {
  const max = p.chronic ? Math.min(p.daysPerRefill, MAX_DAYS_PER_CHRONIC_DISPENSING) : p.daysPerRefill;
  return Math.max(max, 1);
}

export function daysSuppliedAllowed(days: number, p: DaysPerRefill): boolean {
  return Number.isInteger(days) && days >= 1 && days <= maxDaysSupplied(p);
}
