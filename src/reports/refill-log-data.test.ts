import { describe, expect, it } from "vitest";
import {
  FROM,
  NOW,
  OVERRIDE_REASON,
  PHARMACIST,
  PHARMACY,
  RX1,
  RX2,
  RX3,
  RX4,
  smallMonthService,
  TO,
} from "../../test/support/small-month.js";
import type { RocDate } from "../domain/roc-date.js";
import { ReportError } from "./errors.js";
import { buildRefillLogData, isCounterBlock, isDuplicateBlock, isLateDuplicate } from "./refill-log-data.js";

const build = (withQuery = false, mask: "full" | "masked" | "initials" = "masked") =>
  buildRefillLogData(smallMonthService(withQuery), { from: FROM, to: TO, pharmacy: PHARMACY, mask, now: NOW });

describe("buildRefillLogData", () => {
  it("counts the month's totals the way an owner would", async () => {
    const data = await build();
    const { byPatient, byPharmacist, byWeek, ...period } = data.totals;
    expect(period).toEqual({
      dispensings: 3 + 1, // RX1 r2, RX2 r1, RX3 r2, RX4 r1 (later deleted)
      deletions: 1,
      refillsDue: 1, // RX2 r2
      refillsMissed: 1, // RX1 r3
      duplicatesStopped: 1, // RX1 r1 again (D025)
      otherBlocks: 1, // RX3 person mismatch
      duplicatesFoundLater: 1, // RX2 r1, found by the re-check after the outage
      overrides: 1,
      j000: 1,
      cancellations: 1,
      restorations: 1,
      incidents: 0,
      incidentsAcknowledged: 0,
      uploads: {
        // d1 in 5 min, d2 30 h late, d4 in 10 min (then rejected); d3 still inside its 24 h.
        counted: 3,
        within24h: 2,
        pendingInTime: 1,
        rejected: 1,
        share: 2 / 3,
        target: 0.9,
      },
    });
    expect(data.generatedAt).toBe("1130401120000");
    expect([byPatient.length, byPharmacist.length, byWeek.length]).toEqual([4, 1, 5]);
  });

  it("gives the same result whether dispensings come from the range query or through the outbox", async () => {
    expect(await build(true)).toEqual(await build(false));
  });

  it("lists each prescription with its refills and chronological history", async () => {
    const data = await build();
    expect(data.prescriptions.map((p) => p.originalVisitId)).toEqual([RX1, RX3, RX2, RX4]); // by original visit time
    const rx1 = data.prescriptions[0]!;
    expect(rx1.patient).toEqual({ name: "王○明", nationalId: "A12****789" });
    expect(rx1.prescriberInstitutionCode).toBe("1101110026");
    expect(rx1.refills.map((r) => [r.refillNo, r.state, r.elsewhere])).toEqual([
      [1, "dispensed", true],
      [2, "dispensed", false],
      [3, "missed", false],
    ]);
    expect(rx1.entries.map((e) => e.kind)).toEqual(["blocked", "dispensed", "missed"]);
    const dispensed = rx1.entries[1]!;
    expect(dispensed.days).toBe(28);
    expect(dispensed.upload).toMatchObject({ state: "accepted", within24h: true });
    expect(rx1.entries[2]!.window).toEqual({ from: "1130320", to: "1130329" });

    const rx2 = data.prescriptions.find((p) => p.originalVisitId === RX2)!;
    expect(rx2.entries.map((e) => e.kind)).toEqual([
      "override",
      "dispensed",
      "finding",
      "cancelled",
      "restored",
      "due",
    ]);
    expect(rx2.entries[2]).toMatchObject({ institutionCode: "5903010022", elsewhere: true, nhiCodes: ["D025"] });
    expect(rx2.entries[0]!.reasons).toEqual([OVERRIDE_REASON]);
    expect(rx2.entries[1]!.upload).toMatchObject({ within24h: false });
    expect(rx2.entries[3]!.elsewhere).toBe(true); // the prescriber's C
    expect(rx2.refills[1]).toMatchObject({ state: "due", restored: true });

    const rx3 = data.prescriptions.find((p) => p.originalVisitId === RX3)!;
    expect(rx3.entries.map((e) => e.kind)).toEqual(["blocked", "j000", "dispensed"]);
    expect(rx3.entries[2]!.upload).toMatchObject({ state: "pending", within24h: undefined });

    const rx4 = data.prescriptions.find((p) => p.originalVisitId === RX4)!;
    expect(rx4.entries[0]!.upload).toMatchObject({ state: "rejected", codes: ["M16:D024"] });
    expect(rx4.entries[1]).toMatchObject({ kind: "deleted", reasons: ["病人未取藥，整筆刪除"] });
  });

  it("masks patients as the owner chose", async () => {
    expect((await build(false, "full")).prescriptions[0]!.patient).toEqual({
      name: "王小明",
      nationalId: "A123456789",
    });
    expect((await build(false, "initials")).prescriptions[0]!.patient).toEqual({ name: "王○○", nationalId: "" });
  });

  it("keeps every national ID masked unless full, in message text and typed reasons too", async () => {
    const ids = /(?<![A-Z0-9])[A-Z][12]\d{8}(?![A-Z0-9])/g;
    for (const mask of ["masked", "initials"] as const) {
      const json = JSON.stringify(await build(false, mask));
      expect(json.match(ids)).toBeNull();
      expect(json).toContain(`藥師 ${PHARMACIST.slice(0, 3)}****${PHARMACIST.slice(-3)}`);
    }
    const full = JSON.stringify(await build(false, "full"));
    expect(full).toContain(`藥師 ${PHARMACIST}`);
    expect(full).toContain("A123456789");
  });

  it("narrows the log to a patient by name, and its totals with it", async () => {
    const all = await build();
    const data = await buildRefillLogData(smallMonthService(true), {
      from: FROM,
      to: TO,
      pharmacy: PHARMACY,
      now: NOW,
      filter: { patientName: "小明" },
    });
    expect(data.prescriptions.length).toBeGreaterThan(0);
    expect(data.prescriptions.length).toBeLessThan(all.prescriptions.length);
    for (const p of data.prescriptions) expect(p.patient.name).toMatch(/^王○明$/);
    expect(data.totals.dispensings).toBeLessThan(all.totals.dispensings);
  });

  it("reports a share of nothing as unknown, not as 0 % or 100 %", async () => {
    const data = await buildRefillLogData(smallMonthService(), {
      from: "1120101" as RocDate,
      to: "1120131" as RocDate,
      pharmacy: PHARMACY,
      now: NOW,
    });
    expect(data.prescriptions).toEqual([]);
    expect(data.totals.uploads.share).toBeUndefined();
    expect(data.totals.dispensings).toBe(0);
  });

  it("refuses a reversed or over-long range with a bilingual reason", async () => {
    const reversed = buildRefillLogData(smallMonthService(), { from: TO, to: FROM, pharmacy: PHARMACY });
    await expect(reversed).rejects.toBeInstanceOf(ReportError);
    await expect(reversed).rejects.toMatchObject({ code: "range-reversed", reason: { zh: "開始日期晚於結束日期" } });
    await expect(
      buildRefillLogData(smallMonthService(), { from: "1120101" as RocDate, to: TO, pharmacy: PHARMACY }),
    ).rejects.toMatchObject({ code: "range-too-long" });
  });

  it("tells a duplicate stopped at the counter from one NHI found after the upload", () => {
    const base = { id: "x", at: "", originalVisitId: RX1, message: { zh: "", en: "" } };
    const counter = {
      ...base,
      type: "blocked" as const,
      reason: "dispensed-elsewhere,before-window",
      nhiCodes: ["D025"],
    };
    expect(isDuplicateBlock(counter)).toBe(true);
    expect(isLateDuplicate(counter)).toBe(false);
    expect(isDuplicateBlock({ ...base, type: "blocked", reason: "dispensed-here" })).toBe(true);
    expect(isDuplicateBlock({ ...base, type: "blocked", reason: "before-window", nhiCodes: ["D022"] })).toBe(false);
    expect(isDuplicateBlock({ ...base, type: "dispensed", nhiCodes: ["D025"] })).toBe(false);
    // The outbox logs NHI's rejection with field:code pairs; the re-check with no reason at all.
    const rejected = { ...base, type: "blocked" as const, reason: "M33:D025", nhiCodes: ["D025"] };
    expect(isCounterBlock(rejected)).toBe(false);
    expect(isLateDuplicate(rejected)).toBe(true);
    expect(isLateDuplicate({ ...base, type: "blocked", nhiCodes: ["D025"] })).toBe(true);
    expect(isLateDuplicate({ ...base, type: "blocked", reason: "M16:D051", nhiCodes: ["D051"] })).toBe(false);
  });
});
