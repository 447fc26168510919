import { describe, expect, it } from "vitest";
import {
  correctionAllowed,
  correctionDeadline,
  exceedsTotalDays,
  laterDispensed,
  nextRefill,
  type RefillFact,
  refillWindow,
  windowFor,
  windowPosition,
} from "./refill-rules.js";
import type { RocDate, RocDateTime } from "./roc-date.js";

const d = (s: string) => s as RocDate;
const dt = (s: string) => s as RocDateTime;

describe("refill window", () => {
  it("is the 10 days before a 28-day supply runs out, inclusive", () => {
    // Dispensed 113/03/01 for 28 days: supply lasts 03/01–03/28, window 03/19–03/28.
    expect(refillWindow(d("1130301"), 28)).toEqual({ from: "1130319", to: "1130328" });
    expect(windowPosition({ from: d("1130319"), to: d("1130328") }, d("1130318"))).toBe("before");
    expect(windowPosition({ from: d("1130319"), to: d("1130328") }, d("1130319"))).toBe("inside");
    expect(windowPosition({ from: d("1130319"), to: d("1130328") }, d("1130328"))).toBe("inside");
    expect(windowPosition({ from: d("1130319"), to: d("1130328") }, d("1130329"))).toBe("after");
  });

  it("crosses month and year ends and leap days", () => {
    expect(refillWindow(d("1121215"), 30)).toEqual({ from: "1130104", to: "1130113" });
    expect(refillWindow(d("1130201"), 30)).toEqual({ from: "1130221", to: "1130301" });
  });

  it("starts on the dispensing day for short supplies", () => {
    expect(refillWindow(d("1130301"), 7)).toEqual({ from: "1130301", to: "1130307" });
  });

  it("comes from the previous refill, wherever it was dispensed", () => {
    const facts: RefillFact[] = [
      { refillNo: 1, state: "dispensed", dispensedAt: dt("1130301103000"), days: 28, dispensedBy: "5901019999" },
      { refillNo: 2, state: "undispensed" },
    ];
    expect(windowFor(facts, 2)).toEqual({ from: "1130319", to: "1130328" });
    expect(windowFor(facts, 1)).toBeUndefined();
    expect(windowFor(facts, 3)).toBeUndefined();
  });
});

describe("next refill", () => {
  it("is the first refill not dispensed; undefined when all are", () => {
    const facts: RefillFact[] = [
      { refillNo: 1, state: "dispensed" },
      { refillNo: 2, state: "cancelled" },
    ];
    expect(nextRefill(facts, 3)?.refillNo).toBe(2);
    expect(nextRefill([{ refillNo: 1, state: "dispensed" }], 1)).toBeUndefined();
    expect(nextRefill([], 2)?.refillNo).toBe(1);
  });

  it("finds later refills already dispensed (out of order)", () => {
    const facts: RefillFact[] = [
      { refillNo: 1, state: "dispensed" },
      { refillNo: 2, state: "undispensed" },
      { refillNo: 3, state: "dispensed" },
    ];
    expect(laterDispensed(facts, 2).map((f) => f.refillNo)).toEqual([3]);
  });

  it("limits chronic prescriptions to 90 days in total", () => {
    expect(exceedsTotalDays({ chronic: true, refillCount: 3, daysPerRefill: 30 })).toBe(false);
    expect(exceedsTotalDays({ chronic: true, refillCount: 4, daysPerRefill: 30 })).toBe(true);
    expect(exceedsTotalDays({ chronic: true, refillCount: 3, daysPerRefill: 28, totalDays: 91 })).toBe(true);
    expect(exceedsTotalDays({ chronic: false, refillCount: 1, daysPerRefill: 120 })).toBe(false);
  });
});

describe("correction deadline", () => {
  it("is the end of the month after the visit", () => {
    expect(correctionDeadline(dt("1130321093000"))).toBe("1130430");
    expect(correctionDeadline(dt("1131215093000"))).toBe("1140131");
    expect(correctionDeadline(dt("1130115093000"))).toBe("1130229");
    expect(correctionAllowed(dt("1130321093000"), d("1130430"))).toBe(true);
    expect(correctionAllowed(dt("1130321093000"), d("1130501"))).toBe(false);
  });
});
