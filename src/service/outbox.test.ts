import { afterEach, describe, expect, it } from "vitest";
import { createHarness, DAY, type Harness, PHARMACIST } from "../../test/support/service-harness.js";
import type { UploadRecord } from "../nhi/format/record.js";
import { enqueue } from "./outbox/entries.js";

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function dispenseOneOff(harness: Harness) {
  const c = harness.scenarios.cases.oneOff;
  const r = await harness.service.dispense({
    visitIdInput: c.originalVisitId,
    refillNo: 1,
    pharmacistId: PHARMACIST,
    card: harness.card(c),
  });
  if (!r.ok) throw new Error(JSON.stringify(r.reasons));
  return r.dispensing;
}

async function recordOf(harness: Harness, dispensingId: string): Promise<UploadRecord> {
  const row = await harness.db.db
    .selectFrom("dispensings")
    .select("record_json")
    .where("id", "=", dispensingId)
    .executeTakeFirstOrThrow();
  return JSON.parse(row.record_json) as UploadRecord;
}

describe("upload outbox", () => {
  it("uploads waiting records in batches and marks each accepted", async () => {
    h = await createHarness("sqlite", { service: { outbox: { batchSize: 2 } } });
    const cases = h.scenarios.cases;
    for (const c of [cases.chronicFresh, cases.oneOff, cases.j000ClinicClosed]) {
      const d = await h.service.check({ visitIdInput: c.originalVisitId, card: h.card(c) });
      const r = await h.dispenseHere(c, d.refillNo!);
      expect(r.ok).toBe(true);
    }
    const run = await h.service.runOutbox();
    expect(run).toEqual({ uploaded: 3, accepted: 3, rejected: 0, failed: 0 });
    const rows = await h.db.db.selectFrom("outbox").select(["upload_id", "record_no"]).execute();
    expect(new Set(rows.map((r) => r.upload_id)).size).toBe(2);
    expect(rows.map((r) => r.record_no).sort()).toEqual([1, 1, 2]);
    // Nothing left: a second run sends nothing again.
    expect(await h.service.runOutbox()).toEqual({ uploaded: 0, accepted: 0, rejected: 0, failed: 0 });
  });

  it("rejects a record with a non-Big5 character (Y014) locally and still sends the rest", async () => {
    h = await createHarness("sqlite");
    const d = await dispenseOneOff(h);
    const record = await recordOf(h, d.id);
    const bad: UploadRecord = {
      ...record,
      mb1: { ...record.mb1, M15: "ZZZZ0000000000000001" },
      mb2: record.mb2.map((l) => ({ ...l, D15: "𠮷" })),
    };
    await enqueue(h.db.db, {
      dispensingId: d.id,
      visitId: "ZZZZ0000000000000001",
      record: bad,
      revision: 0,
      cardWrittenAt: h.now(),
      now: h.now(),
    });
    const run = await h.service.runOutbox();
    expect(run).toMatchObject({ uploaded: 1, accepted: 1, rejected: 1 });
    const rejected = await h.service.outboxEntries({ state: "rejected" });
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.rejections[0]).toMatchObject({ field: "D15[1]", code: "Y014" });
    expect(rejected[0]!.rejections[0]!.advice.en.length).toBeGreaterThan(0);
  });

  it("never trusts a garbled check report and reads it again later", async () => {
    h = await createHarness("sqlite");
    const d = await dispenseOneOff(h);
    const record = await recordOf(h, d.id);
    // A second record NHI will reject (M17 names a clinic that did not issue M16).
    const wrong: UploadRecord = { ...record, mb1: { ...record.mb1, M15: "ZZZZ0000000000000002", M17: "5901019999" } };
    await enqueue(h.db.db, {
      dispensingId: d.id,
      visitId: "ZZZZ0000000000000002",
      record: wrong,
      revision: 0,
      cardWrittenAt: h.now(),
      now: h.now(),
    });
    h.sandbox.faults.set({ garbledReport: true });
    const first = await h.service.runOutbox();
    expect(first).toMatchObject({ uploaded: 2, accepted: 0, rejected: 0 });
    const waiting = await h.service.outboxEntries({ state: "uploaded" });
    expect(waiting).toHaveLength(2);
    expect(waiting[0]!.lastError).toMatch(/unreadable/);
    h.sandbox.faults.clear();
    const second = await h.service.runOutbox();
    expect(second).toMatchObject({ uploaded: 0, accepted: 1, rejected: 1 });
    const rejected = await h.service.outboxEntries({ state: "rejected" });
    expect(rejected[0]!.visitId).toBe("ZZZZ0000000000000002");
    expect(rejected[0]!.rejections.length).toBeGreaterThan(0);
    // The rejection is in the refill log with NHI's advice.
    const log = await h.service.refillLog({ from: "1000101" as never, to: "1991231" as never, types: ["blocked"] });
    expect(log.some((e) => e.nhiCodes && e.nhiCodes.length > 0)).toBe(true);
    // A retry sends the record again as a new revision of the same M15.
    expect(await h.service.retryOutboxEntry(rejected[0]!.id)).toBe(true);
    const pending = await h.service.outboxEntries({ state: "pending" });
    expect(pending.map((e) => e.visitId)).toEqual(["ZZZZ0000000000000002"]);
    expect(await h.service.retryOutboxEntry("nope")).toBe(false);
  });

  it("accepts a record whose report carries only a warning (D049), keeping the warning visible", async () => {
    h = await createHarness("sqlite");
    const d = await dispenseOneOff(h);
    const record = await recordOf(h, d.id);
    // M17 names another clinic than the one that issued M16: NHI keeps the record with warning D049.
    const warned: UploadRecord = { ...record, mb1: { ...record.mb1, M17: "5901019999" } };
    await h.db.db
      .updateTable("outbox")
      .set({ record_json: JSON.stringify(warned) })
      .execute();
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 1, accepted: 1, rejected: 0 });
    const [entry] = await h.service.outboxEntries();
    expect(entry).toMatchObject({ state: "accepted", rejections: [] });
    expect(entry!.warnings).toEqual([
      expect.objectContaining({
        field: "M16",
        code: "D049",
        message: expect.objectContaining({ zh: expect.any(String) }),
      }),
    ]);
    expect((await h.service.getDispensing(d.id))?.upload).toMatchObject({
      state: "accepted",
      codes: [{ code: "D049" }],
    });
    const logged = await h.db.db
      .selectFrom("audit_log")
      .select("detail_json")
      .where("action", "=", "accepted-with-warnings")
      .execute();
    expect(logged.map((l) => JSON.parse(l.detail_json).codes)).toEqual([["M16:D049"]]);
    // Nothing was flagged as an NHI rejection, and NHI holds the record.
    const log = await h.service.refillLog({ from: "1000101" as never, to: "1991231" as never, types: ["blocked"] });
    expect(log).toEqual([]);
    expect(await h.service.outboxStatus()).toMatchObject({ accepted: 1, rejected: 0, waiting: 0 });
  });

  it("uploads each record once when two workers run the outbox at the same time", async () => {
    h = await createHarness("sqlite");
    const cases = h.scenarios.cases;
    for (const c of [cases.chronicFresh, cases.oneOff, cases.cancelledRestored, cases.j000ClinicClosed]) {
      const d = await h.service.check({ visitIdInput: c.originalVisitId, card: h.card(c) });
      const r = await h.dispenseHere(c, d.refillNo!);
      expect(r.ok).toBe(true);
    }
    const other = await h.counter();
    const [a, b, c] = await Promise.all([h.service.runOutbox(), other.runOutbox(), h.service.runOutbox()]);
    expect(a.uploaded + b.uploaded).toBe(4);
    expect(c).toBe(a); // the same service shares its run in progress
    const rows = await h.db.db.selectFrom("outbox").select(["state", "attempts"]).execute();
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    // NHI saw every record exactly once: a duplicate upload of one M15 would show as a second dispensing event.
    const accepted =
      rows.filter((r) => r.state === "accepted").length + rows.filter((r) => r.state === "uploaded").length;
    expect(accepted).toBe(4);
  });

  it("takes over a claim left behind by a crashed run once its lease has run out", async () => {
    h = await createHarness("sqlite");
    await dispenseOneOff(h);
    // A worker claimed the entry and died before uploading.
    await h.db.db
      .updateTable("outbox")
      .set({ state: "uploading", attempts: 1, next_attempt_at: new Date(h.now().getTime() + 5 * 60_000).toISOString() })
      .execute();
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 0 });
    expect((await h.service.outboxEntries())[0]!.state).toBe("uploading");
    h.advance(5 * 60_000 + 1000);
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 1, accepted: 1 });
  });

  it("tracks the 24-hour deadline and the share uploaded within 24 h", async () => {
    h = await createHarness("sqlite");
    h.sandbox.faults.set({ serverError: true, only: ["upload"] });
    const late = await dispenseOneOff(h);
    expect((await h.service.runOutbox()).failed).toBe(1);
    h.advance(DAY + 3_600_000);
    const status = await h.service.outboxStatus();
    expect(status.waiting).toBe(1);
    expect(status.oldestWaitingAgeMs).toBeGreaterThan(DAY);
    expect(status.uploadedWithin24hShare).toBe(0);
    const entry = (await h.service.outboxEntries())[0]!;
    expect(new Date(entry.deadline).getTime() - new Date(entry.createdAt).getTime()).toBeLessThanOrEqual(DAY);
    h.sandbox.faults.clear();
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 1, accepted: 1 });
    const c = h.scenarios.cases.chronicFresh;
    const r = await h.dispenseHere(c, 1);
    expect(r.ok).toBe(true);
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 1, accepted: 1 });
    const after = await h.service.outboxStatus();
    expect(after.uploadedWithin24hShare).toBe(0.5);
    expect(after.accepted).toBe(2);
    expect(after.oldestWaitingAgeMs).toBeUndefined();
    expect(late.id).toBeTruthy();
  });
});

describe("queries", () => {
  it("lists refills due, a patient's prescriptions, recent dispensings and health", async () => {
    h = await createHarness("sqlite");
    const c = h.scenarios.cases.chronicFresh;
    const r = await h.dispenseHere(c, 1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const window = r.nextRefill!.window;
    const due = await h.service.refillsDue({ from: window.from, to: window.to });
    expect(due).toEqual([
      expect.objectContaining({ originalVisitId: c.originalVisitId, refillNo: 2, state: "upcoming", window }),
    ]);
    h.toLocalDay(20);
    expect((await h.service.refillsDue({ from: window.from, to: window.to }))[0]!.state).toBe("due");
    h.toLocalDay(20);
    expect((await h.service.refillsDue({ from: window.from, to: window.to }))[0]!.state).toBe("missed");
    const mine = await h.service.patientPrescriptions(c.nationalId);
    expect(mine.map((p) => p.originalVisitId)).toContain(c.originalVisitId);
    const p = await h.service.prescription(c.originalVisitId);
    expect(p?.refills[0]).toMatchObject({
      refillNo: 1,
      state: "dispensed",
      dispensedHere: true,
      pharmacistId: PHARMACIST,
    });
    expect(p?.refills[1]?.window).toEqual(window);
    expect(await h.service.prescription("1BYFWZQ21QQXY3B54X0L")).toBeUndefined();
    const recent = await h.service.recentDispensings(5);
    expect(recent.map((d) => d.id)).toEqual([r.dispensing.id]);
    expect(await h.service.getDispensing("nope")).toBeUndefined();
    const health = await h.service.health();
    expect(health).toMatchObject({ database: true, nhiReachable: true, outbox: { waiting: 1 } });
  });
});
