/** The refill log tells what happened when it happened: NHI's times, true order, withdrawn records. */
import { afterEach, describe, expect, it } from "vitest";
import { expectBreakdownsAddUp } from "../../test/support/report-breakdowns.js";
import { createHarness, type Harness, PHARMACIST, PHARMACY } from "../../test/support/service-harness.js";
import { maskNationalId } from "../domain/national-id.js";
import { addDays, rocDateFromDate, rocDateTimeFromDate } from "../domain/roc-date.js";
import { buildRefillLogData } from "./refill-log-data.js";
import { reportSourceFor } from "./service-source.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const HOUR = 3_600_000;

describe("refill log accuracy over the real service", () => {
  it("dates other institutions' events by NHI's time, in true order, and labels them as theirs", async () => {
    h = await createHarness("sqlite");
    const c = h.scenarios.cases.chronicFresh;
    const card = h.card(c);
    const start = h.now();
    expect((await h.dispenseHere(c, 1)).ok).toBe(true);
    await h.service.runOutbox();
    h.advance(HOUR);
    const cancelledAt = rocDateTimeFromDate(h.now());
    await h.prescriberCancel(c, 2, "C");
    h.advance(HOUR);
    const restoredAt = rocDateTimeFromDate(h.now());
    await h.prescriberCancel(c, 2, "E");
    // We learn of both days later, at the next scan.
    h.toLocalDay(5);
    await h.service.check({ visitIdInput: c.originalVisitId, card });
    const data = await buildRefillLogData(reportSourceFor({ service: h.service, dispensing: h.service }), {
      from: rocDateFromDate(start),
      to: rocDateFromDate(h.now()),
      pharmacy: PHARMACY,
      now: h.now(),
    });
    const rx = data.prescriptions.find((p) => p.originalVisitId === c.originalVisitId)!;
    const kinds = rx.entries.filter((e) => e.kind === "cancelled" || e.kind === "restored");
    expect(kinds.map((e) => [e.kind, e.at])).toEqual([
      ["cancelled", cancelledAt],
      ["restored", restoredAt],
    ]);
    expect(kinds.every((e) => e.elsewhere && e.institutionCode === c.prescriberInstitutionCode)).toBe(true);
    expect(rx.prescriberName).toBeTruthy();
    expect(kinds.map((e) => e.institutionName)).toEqual([rx.prescriberName, rx.prescriberName]);
  });

  it("names every event's institution as a field, and counts per patient and pharmacist over the real data", async () => {
    h = await createHarness("sqlite");
    const { dispensedElsewhere: elsewhere, chronicFresh: fresh } = h.scenarios.cases;
    const start = h.now();
    // NHI tells us of pharmacy X's dispensings at the scan; the refill offered is not due, so it is refused.
    await h.service.check({ visitIdInput: elsewhere.originalVisitId, card: h.card(elsewhere) });
    expect((await h.dispenseHere(fresh, 1)).ok).toBe(true);
    const data = await buildRefillLogData(reportSourceFor({ service: h.service, dispensing: h.service }), {
      from: addDays(rocDateFromDate(start), -60),
      to: rocDateFromDate(h.now()),
      pharmacy: PHARMACY,
      now: h.now(),
    });
    const entries = data.prescriptions.flatMap((p) => p.entries).filter((e) => e.kind !== "due" && e.kind !== "missed");
    expect(entries.filter((e) => !e.institutionCode || !e.institutionName)).toEqual([]);
    const theirs = entries.filter((e) => e.kind === "dispensed" && e.elsewhere);
    expect(theirs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(theirs.map((e) => e.institutionName))).toEqual(new Set(["X藥局（他院）"]));
    const ours = entries.find((e) => e.kind === "dispensed" && !e.elsewhere)!;
    expect([ours.institutionCode, ours.institutionName]).toEqual([PHARMACY.pharmacyCode, PHARMACY.name]);
    const rx = data.prescriptions.find((p) => p.originalVisitId === elsewhere.originalVisitId)!;
    expect(rx.refills.filter((r) => r.elsewhere).map((r) => r.institutionName)).toEqual([
      "X藥局（他院）",
      "X藥局（他院）",
    ]);

    const t = data.totals;
    expect(t.byPharmacist.find((p) => p.pharmacistId === maskNationalId(PHARMACIST))?.dispensings).toBe(1);
    const lin = t.byPatient.find((p) => p.patient.nationalId === maskNationalId(elsewhere.nationalId))!;
    expect(lin).toMatchObject({ dispensings: 0, dispensedElsewhere: theirs.length });
    expectBreakdownsAddUp(t);
  });

  it("shows a dispensing deleted before its upload as withdrawn, not pending", async () => {
    h = await createHarness("sqlite");
    const c = h.scenarios.cases.chronicFresh;
    const made = await h.dispenseHere(c, 1);
    expect(made.ok).toBe(true);
    if (!made.ok) return;
    const deleted = await h.service.deleteDispensing({
      dispensingId: made.dispensing.id,
      pharmacistId: PHARMACIST,
      reason: "病人未取藥",
    });
    expect(deleted.ok).toBe(true);
    expect((await h.service.getDispensing(made.dispensing.id))?.upload.state).toBe("withdrawn");
    const today = rocDateFromDate(h.now());
    const data = await buildRefillLogData(reportSourceFor({ service: h.service, dispensing: h.service }), {
      from: today,
      to: today,
      pharmacy: PHARMACY,
      now: h.now(),
    });
    const rx = data.prescriptions.find((p) => p.originalVisitId === c.originalVisitId)!;
    expect(rx.entries.find((e) => e.kind === "dispensed")?.upload?.state).toBe("withdrawn");
    expect(data.totals.uploads.pendingInTime).toBe(0);
  });
});
