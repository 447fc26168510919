/** Test support: the log's breakdowns add up, column by column, to the period's totals. */
import { expect } from "vitest";
import type { PharmacistTotals, RefillLogTotals, WeekTotals } from "../../src/reports/model.js";

const sum = <T>(rows: readonly T[], pick: (row: T) => number) => rows.reduce((n, row) => n + pick(row), 0);

/** Each breakdown's columns add up to the period's figures. */
export function expectBreakdownsAddUp(totals: RefillLogTotals): void {
  const people: readonly Omit<PharmacistTotals, "pharmacistId" | "corrections">[][] = [
    totals.byPatient,
    totals.byPharmacist,
  ];
  for (const rows of people) {
    expect(sum(rows, (r) => r.dispensings)).toBe(totals.dispensings);
    expect(sum(rows, (r) => r.overrides)).toBe(totals.overrides);
    expect(sum(rows, (r) => r.j000)).toBe(totals.j000);
    expect(sum(rows, (r) => r.deletions)).toBe(totals.deletions);
    expect(sum(rows, (r) => r.refusals)).toBe(totals.duplicatesStopped + totals.otherBlocks);
  }
  const scheduled: readonly Pick<WeekTotals, "refillsDue" | "refillsMissed">[][] = [totals.byPatient, totals.byWeek];
  for (const rows of scheduled) {
    expect(sum(rows, (r) => r.refillsDue)).toBe(totals.refillsDue);
    expect(sum(rows, (r) => r.refillsMissed)).toBe(totals.refillsMissed);
  }
  expect(sum(totals.byWeek, (r) => r.dispensings)).toBe(totals.dispensings);
}
