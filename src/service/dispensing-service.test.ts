import { afterEach, describe, expect, it } from "vitest";
import { formatRocDate } from "../domain/roc-date.js";
import { createHarness, DAY, type EngineName, type Harness, PHARMACIST } from "./testing/harness.js";
import type { Decision } from "./types.js";

const codes = (d: Decision) => d.reasons.map((r) => r.code);
const blocks = (d: Decision) => d.reasons.filter((r) => r.severity === "block").map((r) => r.code);

const ENGINES: EngineName[] = ["sqlite", "postgres"];

describe.each(ENGINES)("dispensing service on %s", (engine) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it("dispenses refill 1 of a fresh chronic prescription, then blocks the same paper as dispensed here", async () => {
    h = await createHarness(engine);
    const c = h.scenarios.cases.chronicFresh;
    const card = h.card(c);
    const d = await h.service.check({ visitIdInput: c.originalVisitId, card });
    expect(d.outcome).toBe("dispense");
    expect(d.refillNo).toBe(1);
    expect(d.prescription?.refillCount).toBe(3);
    const r = await h.dispenseHere(c, 1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dispensing.upload.state).toBe("pending");
    expect(r.nextRefill?.refillNo).toBe(2);
    const again = await h.service.check({ visitIdInput: c.originalVisitId, card });
    expect(again.outcome).toBe("block");
    // Refill 1 dispensed here a moment ago is history, not a reason: the reason is refill 2's window.
    expect(blocks(again)).toEqual(["before-window"]);
    expect(again.prescription!.refills[0]).toMatchObject({ state: "dispensed", dispensedHere: true });
    expect(again.prescription!.refills[0]!.pharmacistId).toBe(PHARMACIST);
    // The window is shown in ROC dates.
    const window = again.reasons.find((r) => r.code === "before-window")!;
    expect(window.message.zh).toContain(formatRocDate(r.nextRefill!.window.from));
    expect(window.message.zh).toMatch(/\d{3}\/\d{2}\/\d{2}～\d{3}\/\d{2}\/\d{2}/);
    const run = await h.service.runOutbox();
    expect(run).toEqual({ uploaded: 1, accepted: 1, rejected: 0, failed: 0 });
    expect((await h.service.getDispensing(r.dispensing.id))?.upload.state).toBe("accepted");
  });

  it("concurrent scans share reads, yet each gets its own prescription and sees dispensings made before it", async () => {
    h = await createHarness(engine);
    const cases = Object.values(h.scenarios.cases);
    const one = async (visitIdInput: string) => {
      const d = await h.service.check({ visitIdInput });
      return { outcome: d.outcome, reasons: codes(d), id: d.originalVisitId };
    };
    const alone = [];
    for (const c of cases) alone.push(await one(c.originalVisitId));
    const together = await Promise.all(cases.flatMap((c) => [one(c.originalVisitId), one(c.originalVisitId)]));
    expect(together).toEqual(alone.flatMap((d) => [d, d]));
    const c = h.scenarios.cases.chronicFresh;
    const card = h.card(c);
    expect((await h.dispenseHere(c, 1)).ok).toBe(true);
    const after = await Promise.all(
      Array.from({ length: 8 }, () => h.service.check({ visitIdInput: c.originalVisitId, card })),
    );
    for (const d of after) {
      expect(blocks(d)).toEqual(["before-window"]);
      expect(d.prescription!.refills[0]!.dispensedHere).toBe(true);
    }
  });

  it("walks refills 2 and 3 through their windows, then reports the refills exhausted", async () => {
    h = await createHarness(engine);
    const c = h.scenarios.cases.chronicFresh;
    const card = h.card(c);
    const r1 = await h.dispenseHere(c, 1);
    expect(r1.ok).toBe(true);
    await h.service.runOutbox();
    h.toLocalDay(17); // day 17 after refill 1 of 28 days: window opens on day 18
    expect(blocks(await h.service.check({ visitIdInput: c.originalVisitId, card }))).toContain("before-window");
    h.toLocalDay(1);
    const d2 = await h.service.check({ visitIdInput: c.originalVisitId, card });
    expect(d2.outcome).toBe("dispense");
    expect(d2.refillNo).toBe(2);
    expect(d2.window).toBeDefined();
    const r2 = await h.dispenseHere(c, 2);
    expect(r2.ok).toBe(true);
    await h.service.runOutbox();
    // Past refill 3's window (28 days after refill 2 the supply has run out).
    h.toLocalDay(29);
    const late = await h.service.check({ visitIdInput: c.originalVisitId, card });
    expect(blocks(late)).toEqual(["after-window"]);
    expect(late.reasons[0]!.nhiCode).toBe("D022");
    h.toLocalDay(-5);
    const r3 = await h.dispenseHere(c, 3);
    expect(r3.ok).toBe(true);
    const done = await h.service.check({ visitIdInput: c.originalVisitId, card });
    expect(blocks(done)).toEqual(["refills-exhausted"]);
    expect(done.reasons.find((r) => r.code === "refills-exhausted")!.nhiCode).toBe("D019");
    const run = await h.service.runOutbox();
    expect(run).toMatchObject({ uploaded: 1, accepted: 1, rejected: 0 });
  });

  it("refills dispensed at another pharmacy are history; the next refill waits for its window", async () => {
    h = await createHarness(engine);
    const c = h.scenarios.cases.dispensedElsewhere;
    const d = await h.service.check({ visitIdInput: c.originalVisitId, card: h.card(c) });
    expect(d.outcome).toBe("block");
    expect(d.refillNo).toBe(3);
    expect(blocks(d)).toEqual(["before-window"]);
    expect(d.prescription!.refills.slice(0, 2)).toMatchObject([
      { state: "dispensed", dispensedBy: h.scenarios.otherPharmacyCode, dispensedHere: false },
      { state: "dispensed", dispensedBy: h.scenarios.otherPharmacyCode, dispensedHere: false },
    ]);
    const log = await h.service.refillLog({
      from: "1000101" as never,
      to: "1991231" as never,
      types: ["blocked"],
    });
    expect(log.some((e) => e.reason === "before-window")).toBe(true);
    const attempt = await h.service.dispense({
      visitIdInput: c.originalVisitId,
      refillNo: d.refillNo ?? 2,
      pharmacistId: PHARMACIST,
      card: h.card(c),
    });
    expect(attempt.ok).toBe(false);
    if (!attempt.ok) expect(attempt.kind).toBe("conflict");
  });

  it("reflects the prescriber's C and E: restored refill 3 dispensable, events in the refill log", async () => {
    h = await createHarness(engine);
    const c = h.scenarios.cases.cancelledRestored;
    const d = await h.service.check({ visitIdInput: c.originalVisitId, card: h.card(c) });
    expect(d.outcome).toBe("dispense");
    expect(d.refillNo).toBe(3);
    expect(codes(d)).toContain("restored");
    const log = await h.service.refillLog({ from: "1000101" as never, to: "1991231" as never });
    const types = log.filter((e) => e.originalVisitId === c.originalVisitId).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["cancelled", "restored", "dispensed"]));
  });

  it("blocks a refill the prescriber cancelled (C, D023) until it is restored (E)", async () => {
    h = await createHarness(engine);
    const c = h.scenarios.cases.chronicFresh;
    const card = h.card(c);
    expect((await h.dispenseHere(c, 1)).ok).toBe(true);
    await h.service.runOutbox();
    await h.prescriberCancel(c, 2, "C");
    h.toLocalDay(20);
    const d = await h.service.check({ visitIdInput: c.originalVisitId, card });
    expect(blocks(d)).toEqual(["cancelled"]);
    expect(d.reasons[0]!.nhiCode).toBe("D023");
    await h.prescriberCancel(c, 2, "E");
    const after = await h.service.check({ visitIdInput: c.originalVisitId, card });
    expect(after.outcome).toBe("dispense");
    expect(codes(after)).toContain("restored");
  });

  it("uses J000 for M18 only after the pharmacist confirms both checks, and logs who and when", async () => {
    h = await createHarness(engine);
    const c = h.scenarios.cases.j000ClinicClosed;
    const card = h.card(c);
    const d = await h.service.check({ visitIdInput: c.originalVisitId, card });
    expect(d.outcome).toBe("dispense");
    expect(codes(d)).toContain("j000-fallback");
    const request = { visitIdInput: c.originalVisitId, refillNo: 2, pharmacistId: PHARMACIST, card };
    for (const j000Confirmation of [undefined, { cloudRecordChecked: true, prescriberAsked: false }]) {
      const unconfirmed = await h.service.dispense({ ...request, ...(j000Confirmation ? { j000Confirmation } : {}) });
      expect(unconfirmed.ok).toBe(false);
      if (!unconfirmed.ok) expect(unconfirmed.reasons.map((x) => x.code)).toEqual(["j000-unconfirmed"]);
    }
    expect(await h.service.outboxEntries({})).toEqual([]);
    const r = await h.dispenseHere(c, 2);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dispensing.j000).toBe(true);
    const row = await h.db.db
      .selectFrom("dispensings")
      .select("record_json")
      .where("id", "=", r.dispensing.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.record_json).mb1.M18).toBe("J000");
    const log = await h.service.refillLog({ from: "1000101" as never, to: "1991231" as never, types: ["j000"] });
    expect(log).toHaveLength(1);
    expect(log[0]!.reason).toMatch(/unknown/);
    expect(log[0]!.pharmacistId).toBe(PHARMACIST);
    expect(log[0]!.message.zh).toMatch(
      new RegExp(`藥師 ${PHARMACIST} 於 \\d{3}/\\d{2}/\\d{2} .*確認已查健保雲端藥歷並洽原處方院所`),
    );
    const run = await h.service.runOutbox();
    expect(run).toMatchObject({ uploaded: 1, accepted: 1, rejected: 0 });
  });

  it("refuses SM00, MISS, malformed, never-uploaded (D024) and wrong-person scans with reasons", async () => {
    h = await createHarness(engine);
    const sm00 = await h.service.check({ visitIdInput: "SM00 0000 0000 0000 0000" });
    expect(blocks(sm00)).toEqual(["sm00"]);
    const miss = await h.service.check({ visitIdInput: "MISS0000000000000000" });
    expect(blocks(miss)).toEqual(["miss"]);
    const bad = await h.service.check({ visitIdInput: "1BYFWZQ21QQ#Y3B54X0L" });
    expect(blocks(bad)).toEqual(["invalid-visit-id"]);
    expect(bad.reasons[0]!.message.zh).toContain("第12碼");
    const c = h.scenarios.cases.oneOff;
    const unseen = await h.sandbox.issueVisitId({
      nationalId: c.nationalId,
      institutionCode: h.scenarios.clinicCode,
      visitDateTime: h.now(),
    });
    const d024 = await h.service.check({ visitIdInput: unseen });
    expect(blocks(d024)).toEqual(["not-uploaded"]);
    expect(d024.reasons[0]!.nhiCode).toBe("D024");
    const other = h.scenarios.cases.chronicFresh;
    const wrong = await h.service.check({ visitIdInput: c.originalVisitId, card: h.card(other) });
    expect(blocks(wrong)).toEqual(["person-mismatch"]);
    const r = await h.service.dispense({
      visitIdInput: c.originalVisitId,
      refillNo: 1,
      pharmacistId: PHARMACIST,
      card: h.card(other),
    });
    expect(r.ok).toBe(false);
    // Corrected I/O is reported, never silent.
    const typed = c.originalVisitId.replace(/0/, "O");
    if (typed !== c.originalVisitId) {
      const corrected = await h.service.check({ visitIdInput: typed, card: h.card(c) });
      expect(codes(corrected)).toContain("visit-id-corrected");
      expect(corrected.outcome).toBe("dispense");
    }
    expect(await h.db.db.selectFrom("dispensings").select("id").execute()).toEqual([]);
  });

  it("demands the card for a chronic refill at dispense time (D059) and a valid pharmacist ID", async () => {
    h = await createHarness(engine);
    const c = h.scenarios.cases.chronicFresh;
    const d = await h.service.check({ visitIdInput: c.originalVisitId });
    expect(d.reasons.find((r) => r.code === "no-card-chronic")?.severity).toBe("warning");
    const r = await h.service.dispense({ visitIdInput: c.originalVisitId, refillNo: 1, pharmacistId: PHARMACIST });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reasons.map((x) => x.code)).toContain("no-card-chronic");
    const p = await h.service.dispense({
      visitIdInput: c.originalVisitId,
      refillNo: 1,
      pharmacistId: "X999",
      card: h.card(c),
    });
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.kind).toBe("invalid");
    if (!p.ok) expect(p.reasons.map((x) => x.code)).toEqual(["invalid-pharmacist-id"]);
    const stale = await h.service.dispense({
      visitIdInput: c.originalVisitId,
      refillNo: 2,
      pharmacistId: PHARMACIST,
      card: h.card(c),
    });
    expect(stale.ok).toBe(false);
    if (!stale.ok) expect(stale.kind).toBe("conflict");
    expect(await h.db.db.selectFrom("dispensings").select("id").execute()).toEqual([]);
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

  it("NHI down: decides locally, needs an override reason, records the confirmed cause (E000)/H01=B and catches up later", async () => {
    h = await createHarness(engine);
    const c = h.scenarios.cases.chronicFresh;
    const card = h.card(c);
    expect((await h.dispenseHere(c, 1)).ok).toBe(true);
    await h.service.runOutbox();
    h.toLocalDay(20);
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
    h = await createHarness(engine);
    const c = h.scenarios.cases.chronicFresh;
    const card = h.card(c);
    expect((await h.dispenseHere(c, 1)).ok).toBe(true);
    await h.service.runOutbox();
    h.toLocalDay(20);
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

  it.each([2, 8])("lets exactly one of %i concurrent counters dispense the same refill", async (n) => {
    h = await createHarness(engine);
    const c = h.scenarios.cases.chronicFresh;
    const card = h.card(c);
    const counters = [h.service];
    for (let i = 1; i < n; i++) counters.push(await h.counter());
    const results = await Promise.all(
      counters.map((s) =>
        s.dispense({ visitIdInput: c.originalVisitId, refillNo: 1, pharmacistId: PHARMACIST, card, terminalId: "t" }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok)) {
      if (!r.ok) expect(r.kind).toBe("conflict");
    }
    const rows = await h.db.db.selectFrom("dispensings").select("id").execute();
    expect(rows).toHaveLength(1);
    expect(await h.db.db.selectFrom("outbox").select("id").execute()).toHaveLength(1);
    // Same process, same connection: the serialized transactions give the same answer.
    const d = h.scenarios.cases.oneOff;
    const same = await Promise.all(
      Array.from({ length: n }, () =>
        h.service.dispense({ visitIdInput: d.originalVisitId, refillNo: 1, pharmacistId: PHARMACIST, card: h.card(d) }),
      ),
    );
    expect(same.filter((r) => r.ok)).toHaveLength(1);
  });
});
