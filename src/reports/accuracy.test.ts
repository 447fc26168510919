/** The refill log tells what happened when it happened: NHI's times, true order, withdrawn records. */
import { afterEach, describe, expect, it } from "vitest";
import { rocDateFromDate, rocDateTimeFromDate } from "../domain/roc-date.js";
import { createHarness, type Harness, PHARMACIST, PHARMACY } from "../service/testing/harness.js";
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
