/** NHI down, abnormal causes, a late D025 and the card supplement (補卡), on both database engines. */
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, DAY, ENGINES, type Harness, PHARMACIST } from "../../test/support/service-harness.js";

describe.each(ENGINES)("dispensing when the normal path fails on %s", (engine) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  /** chronicFresh with refill 1 dispensed here and uploaded, the clock on a day inside refill 2's window. */
  async function refill2Due() {
    h = await createHarness(engine);
    const c = h.scenarios.cases.chronicFresh;
    expect((await h.dispenseHere(c, 1)).ok).toBe(true);
    await h.service.runOutbox();
    h.toLocalDay(20);
    return { c, card: h.card(c) };
  }

  it("NHI down: decides locally, needs an override reason, records the confirmed cause (E000)/H01=B and catches up later", async () => {
    const { c, card } = await refill2Due();
    h.sandbox.faults.set({
      serverError: true,
      only: ["prescriptionStatus", "passCard", "upload", "fetchCheckReport", "ping"],
    });
    const d = await h.service.check({ visitIdInput: c.originalVisitId, card });
    expect(d.outcome).toBe("override");
    expect(d.nhiReachable).toBe(false);
    expect(d.refillNo).toBe(2);
    expect(d.reasons.find((r) => r.code === "nhi-unreachable")?.message.en).toMatch(/local data only/);
    const noReason = await h.dispenseHere(c, 2);
    expect(noReason.ok).toBe(false);
    if (!noReason.ok) expect(noReason.kind).toBe("override");
    const r = await h.service.dispense({
      visitIdInput: c.originalVisitId,
      refillNo: 2,
      pharmacistId: PHARMACIST,
      card,
      override: { reason: "NHI VPN down, patient out of medicine", abnormalCode: "E000" },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dispensing.abnormalCode).toBe("E000");
    expect(r.dispensing.override?.reason).toMatch(/VPN/);
    const down = await h.service.runOutbox();
    expect(down).toMatchObject({ uploaded: 0, failed: 1 });
    const waiting = (await h.service.outboxEntries({ state: "pending" }))[0]!;
    expect(waiting.lastError).toMatch(/unreachable/i);
    expect(waiting.attempts).toBe(1);
    expect((await h.service.health()).nhiReachable).toBe(false);
    h.sandbox.faults.clear();
    // Backoff: nothing is retried before the delay.
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 0, failed: 0 });
    h.advance(61_000);
    const up = await h.service.runOutbox();
    expect(up).toMatchObject({ uploaded: 1, accepted: 1, rejected: 0 });
    const rechecks = await h.db.db.selectFrom("rechecks").selectAll().execute();
    expect(rechecks.map((x) => x.result)).toEqual(["ok"]);
    const log = await h.service.refillLog({ from: "1000101" as never, to: "1991231" as never, types: ["override"] });
    expect(log[0]?.reason).toMatch(/VPN/);
    expect(log[0]?.nhiCodes).toEqual(["E000"]);
    const row = await h.db.db
      .selectFrom("dispensings")
      .select("record_json")
      .where("id", "=", r.dispensing.id)
      .executeTakeFirstOrThrow();
    const record = JSON.parse(row.record_json);
    expect(record.h01).toBe("B");
    expect(record.mb1.M13).toBe("E000");
    expect(record.mb1.M14).toBeUndefined();
    const status = await h.service.outboxStatus();
    expect(status.uploadedWithin24hShare).toBe(1);
  });

  it("abnormal dispensing by cause: A020 unless the pharmacist confirms another; a non-counter code is refused", async () => {
    h = await createHarness(engine);
    const c = h.scenarios.cases.chronicFresh;
    const card = h.card(c);
    h.sandbox.faults.set({ serverError: true, only: ["passCard"] });
    const request = { visitIdInput: c.originalVisitId, refillNo: 1, pharmacistId: PHARMACIST, card };
    const refused = await h.service.dispense({
      ...request,
      override: { reason: "reader broken", abnormalCode: "G000" },
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.reasons[0]).toMatchObject({ code: "abnormal-code-invalid", severity: "block" });
      expect(refused.reasons[0]!.message.zh).toContain("A020");
    }
    expect(await h.service.outboxEntries({})).toEqual([]);
    const r = await h.service.dispense({ ...request, override: { reason: "網路中斷，病人急需用藥" } });
    expect(r.ok && r.dispensing.abnormalCode).toBe("A020");
    const log = await h.service.refillLog({ from: "1000101" as never, to: "1991231" as never, types: ["override"] });
    expect(log[0]?.nhiCodes).toEqual(["A020"]);
    expect(log[0]?.message.zh).toContain(PHARMACIST);
    expect(log[0]?.message.zh).toContain("網路故障");
  });

  it("handles a late D025: override while another pharmacy dispensed the same refill", async () => {
    const { c, card } = await refill2Due();
    await h.dispenseAtOther(c, 2);
    h.sandbox.faults.set({ drop: true, only: ["prescriptionStatus", "passCard"] });
    const r = await h.service.dispense({
      visitIdInput: c.originalVisitId,
      refillNo: 2,
      pharmacistId: PHARMACIST,
      card,
      override: { reason: "network down" },
    });
    expect(r.ok).toBe(true);
    h.sandbox.faults.clear();
    const run = await h.service.runOutbox();
    expect(run).toMatchObject({ uploaded: 1, rejected: 1 });
    const rejected = await h.service.outboxEntries({ state: "rejected" });
    expect(rejected[0]!.rejections.map((x) => x.code)).toContain("D025");
    expect(rejected[0]!.rejections[0]!.advice.zh.length).toBeGreaterThan(0);
    const log = await h.service.refillLog({ from: "1000101" as never, to: "1991231" as never, types: ["incident"] });
    expect(log.filter((e) => e.nhiCodes?.includes("D025")).length).toBeGreaterThanOrEqual(1);
    const rechecks = await h.db.db.selectFrom("rechecks").selectAll().execute();
    expect(rechecks.map((x) => x.result)).toEqual(["dispensed-elsewhere"]);
    const incidents = await h.service.incidents();
    expect(incidents.map((i) => [i.kind, i.otherInstitution?.code])).toEqual([
      ["dispensed-elsewhere", h.scenarios.otherPharmacyCode],
    ]);
    expect((await h.service.getDispensing(r.ok ? r.dispensing.id : ""))?.verification).toBe("conflict");
  });

  it("uploads a card supplement (補卡) with M12=4, M49 and M52=MISS, within 10 working days only", async () => {
    h = await createHarness(engine);
    const c = h.scenarios.cases.supplementMiss;
    const card = h.card(c);
    const base = { visitIdInput: c.originalVisitId, refillNo: 1, pharmacistId: PHARMACIST, card };
    const bad = await h.service.dispense({ ...base, supplement: { actualVisitDateTime: "113/03/21" as never } });
    expect(bad.ok).toBe(false);
    const r = await h.service.dispense({ ...base, supplement: { actualVisitDateTime: c.actualVisitDateTime! } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const row = await h.db.db
      .selectFrom("dispensings")
      .select("record_json")
      .where("id", "=", r.dispensing.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.record_json).mb1).toMatchObject({
      M12: "4",
      M49: c.actualVisitDateTime,
      M52: "MISS0000000000000000",
    });
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 1, accepted: 1, rejected: 0 });
    const log = await h.service.refillLog({ from: "1000101" as never, to: "1991231" as never, types: ["dispensed"] });
    expect(log.find((e) => e.originalVisitId === c.originalVisitId)?.message.zh).toContain("報備單");
    const o = h.scenarios.cases.oneOff;
    h.advance(20 * DAY);
    const late = await h.service.dispense({
      visitIdInput: o.originalVisitId,
      refillNo: 1,
      pharmacistId: PHARMACIST,
      card: h.card(o),
      supplement: { actualVisitDateTime: o.originalVisitDateTime },
    });
    expect(late.ok).toBe(false);
    if (!late.ok) expect(late.reasons[0]!.code).toBe("supplement-too-late");
  });
});
