/** Deleting (H01=D) and correcting our own dispensings, on both database engines. */
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, ENGINES, type Harness, PHARMACIST } from "../../test/support/service-harness.js";
import type { Decision } from "./types.js";

const blocks = (d: Decision) => d.reasons.filter((r) => r.severity === "block").map((r) => r.code);

describe.each(ENGINES)("deleting and correcting a dispensing on %s", (engine) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it("deletes our record with H01=D, making the refill dispensable again; unsent records are withdrawn", async () => {
    h = await createHarness(engine);
    const c = h.scenarios.cases.oneOff;
    const card = h.card(c);
    const first = await h.dispenseHere(c, 1);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    // Not yet uploaded: the delete withdraws it, nothing goes to NHI.
    const del1 = await h.service.deleteDispensing({
      dispensingId: first.dispensing.id,
      pharmacistId: PHARMACIST,
      reason: "wrong patient",
    });
    expect(del1.ok).toBe(true);
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 0 });
    h.advance(60_000);
    const second = await h.dispenseHere(c, 1);
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 1, accepted: 1 });
    expect(blocks(await h.service.check({ visitIdInput: c.originalVisitId, card }))).toEqual(["dispensed-here"]);
    // Uploaded: the delete queues H01=D, which NHI accepts, and the prescription is dispensable again.
    const del2 = await h.service.deleteDispensing({
      dispensingId: second.dispensing.id,
      pharmacistId: PHARMACIST,
      reason: "medicine returned",
    });
    expect(del2.ok).toBe(true);
    if (del2.ok) expect(del2.dispensing.status).toBe("deleted");
    const again = await h.service.deleteDispensing({
      dispensingId: second.dispensing.id,
      pharmacistId: PHARMACIST,
      reason: "x",
    });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.reasons.map((x) => x.code)).toEqual(["record-deleted"]);
    const run = await h.service.runOutbox();
    expect(run).toMatchObject({ uploaded: 1, accepted: 1, rejected: 0 });
    const entries = await h.service.outboxEntries();
    expect(entries.find((e) => e.dataFormat === "D")?.state).toBe("accepted");
    const status = await h.sandbox.client.prescriptionStatus(
      { institutionCode: h.scenarios.pharmacyCode },
      c.originalVisitId,
    );
    expect(status.found && status.status.refills[0]!.state).toBe("undispensed");
    const d = await h.service.check({ visitIdInput: c.originalVisitId, card });
    expect(d.outcome).toBe("dispense");
    h.advance(60_000);
    const third = await h.dispenseHere(c, 1);
    expect(third.ok).toBe(true);
    expect(await h.service.runOutbox()).toMatchObject({ accepted: 1, rejected: 0 });
    const log = await h.service.refillLog({ from: "1000101" as never, to: "1991231" as never, types: ["deleted"] });
    expect(log.map((e) => e.reason)).toEqual(["wrong patient", "medicine returned"]);
  });

  it("refuses to delete when a later refill was dispensed elsewhere (D035)", async () => {
    h = await createHarness(engine);
    const c = h.scenarios.cases.chronicFresh;
    const r1 = await h.dispenseHere(c, 1);
    expect(r1.ok).toBe(true);
    if (!r1.ok) return;
    await h.service.runOutbox();
    h.toLocalDay(20);
    await h.dispenseAtOther(c, 2);
    const del = await h.service.deleteDispensing({
      dispensingId: r1.dispensing.id,
      pharmacistId: PHARMACIST,
      reason: "x",
    });
    expect(del.ok).toBe(false);
    if (!del.ok) {
      expect(del.kind).toBe("conflict");
      expect(del.reasons[0]!.nhiCode).toBe("D035");
      expect(del.reasons[0]!.code).toBe("later-refill-elsewhere");
    }
    expect((await h.service.getDispensing(r1.dispensing.id))?.status).toBe("active");
  });

  it("corrects with the same M15 until the end of the following month, then refuses clearly", async () => {
    h = await createHarness(engine, { start: new Date("2026-03-10T02:00:00.000Z") });
    const c = h.scenarios.cases.chronicFresh;
    const r = await h.dispenseHere(c, 1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    await h.service.runOutbox();
    h.clock.t = new Date("2026-04-30T10:00:00.000Z"); // 115/04/30 18:00 Taiwan: still allowed
    const fixed = await h.service.correctDispensing({
      dispensingId: r.dispensing.id,
      pharmacistId: PHARMACIST,
      reason: "typed 28 instead of 21",
      days: 21,
    });
    expect(fixed.ok).toBe(true);
    if (fixed.ok) expect(fixed.dispensing.days).toBe(21);
    const run = await h.service.runOutbox();
    expect(run).toMatchObject({ uploaded: 1, accepted: 1, rejected: 0 });
    const entries = (await h.service.outboxEntries()).filter((e) => e.dispensingId === r.dispensing.id);
    expect(entries.map((e) => e.visitId)).toEqual([r.dispensing.visitId, r.dispensing.visitId]);
    h.clock.t = new Date("2026-04-30T16:00:01.000Z"); // 115/05/01 00:00:01 Taiwan
    const late = await h.service.correctDispensing({
      dispensingId: r.dispensing.id,
      pharmacistId: PHARMACIST,
      reason: "x",
      days: 14,
    });
    expect(late.ok).toBe(false);
    if (!late.ok) {
      expect(late.kind).toBe("invalid");
      expect(late.reasons[0]!.message.zh).toContain("115/04/30");
      expect(late.reasons[0]!.code).toBe("correction-deadline-passed");
    }
    expect((await h.service.getDispensing(r.dispensing.id))?.days).toBe(21);
  });
});
