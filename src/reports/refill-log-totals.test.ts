/** Per-patient, per-pharmacist and per-week totals: what they count, and that each adds up to the period's. */
import { describe, expect, it } from "vitest";
import { expectBreakdownsAddUp } from "../../test/support/report-breakdowns.js";
import { FROM, NOW, PHARMACY, smallMonthService, TO } from "../../test/support/small-month.js";
import type { RocDate } from "../domain/roc-date.js";
import { buildRefillLogData } from "./refill-log-data.js";
import { periodWeeks } from "./refill-log-totals.js";

const build = (mask: "full" | "masked" = "masked") =>
  buildRefillLogData(smallMonthService(true), { from: FROM, to: TO, pharmacy: PHARMACY, mask, now: NOW });

describe("refill log breakdowns", () => {
  it("counts each patient's month, masked, in name order", async () => {
    const { totals } = await build();
    expect(totals.byPatient.map((r) => r.patient)).toEqual([
      { name: "王○明", nationalId: "A12****789" },
      { name: "林○明", nationalId: "C11****670" },
      { name: "張○豪", nationalId: "D13****891" },
      { name: "陳○玲", nationalId: "B22****780" },
    ]);
    const [wang, lin, chang, chen] = totals.byPatient;
    // 王: refill 2 dispensed, refill 1 refused again (D025), refill 3 missed.
    expect(wang).toMatchObject({ prescriptions: 1, dispensings: 1, refusals: 1, refillsMissed: 1, refillsDue: 0 });
    expect(lin).toMatchObject({ dispensings: 1, j000: 1, refusals: 1 });
    expect(chang).toMatchObject({ dispensings: 1, deletions: 1 });
    expect(chen).toMatchObject({ dispensings: 1, overrides: 1, refillsDue: 1 });
    expectBreakdownsAddUp(totals);
  });

  it("counts per pharmacist under the masked ID, in full only when asked", async () => {
    const masked = await build();
    expect(masked.totals.byPharmacist).toEqual([
      { pharmacistId: "F22****781", dispensings: 4, overrides: 1, j000: 1, deletions: 1, corrections: 0, refusals: 2 },
    ]);
    const full = await build("full");
    expect(full.totals.byPharmacist[0]!.pharmacistId).toMatch(/^F22\d{6}1$/);
  });

  it("puts refills due and missed in the week their window opened or closed", async () => {
    const { totals } = await build();
    expect(totals.byWeek).toEqual([
      { from: "1130301", to: "1130303", dispensings: 1, refillsDue: 0, refillsMissed: 0 },
      { from: "1130304", to: "1130310", dispensings: 1, refillsDue: 0, refillsMissed: 0 },
      { from: "1130311", to: "1130317", dispensings: 1, refillsDue: 0, refillsMissed: 0 },
      { from: "1130318", to: "1130324", dispensings: 0, refillsDue: 0, refillsMissed: 0 },
      // RX1 refill 3's window 03/20–03/29 closed on Friday 03/29.
      { from: "1130325", to: "1130331", dispensings: 1, refillsDue: 1, refillsMissed: 1 },
    ]);
  });

  it("cuts the period into Monday-to-Sunday weeks", () => {
    const d = (s: string) => s as RocDate;
    // 2024-03-01 was a Friday; 2024-03-04 a Monday.
    expect(periodWeeks(d("1130304"), d("1130310"))).toEqual([{ from: "1130304", to: "1130310" }]);
    expect(periodWeeks(d("1130310"), d("1130311"))).toEqual([
      { from: "1130310", to: "1130310" },
      { from: "1130311", to: "1130311" },
    ]);
    expect(periodWeeks(d("1121225"), d("1140101")).length).toBe(54);
  });
});
