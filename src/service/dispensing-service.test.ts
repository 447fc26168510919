import { afterEach, describe, expect, it } from "vitest";
import { holdStatusStores } from "../../test/support/held-stores.js";
import { createHarness, ENGINES, type Harness, PHARMACIST } from "../../test/support/service-harness.js";
import { formatRocDate } from "../domain/roc-date.js";
import type { Decision } from "./types.js";

const codes = (d: Decision) => d.reasons.map((r) => r.code);
const blocks = (d: Decision) => d.reasons.filter((r) => r.severity === "block").map((r) => r.code);

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

  it("answers a check before NHI's answer is stored; what reads it afterwards waits for it", async () => {
    h = await createHarness(engine);
    const c = h.scenarios.cases.chronicFresh;
    await h.dispenseAtOther(c, 1);
    const stores = holdStatusStores(h.service.db);

    const d = await h.service.check({ visitIdInput: c.originalVisitId, card: h.card(c) });
    expect(d.prescription?.refills[0]).toMatchObject({ state: "dispensed", dispensedHere: false });
    const settled: string[] = [];
    const log = h.service.refillLog({ from: "1000101" as never, to: "1991231" as never }).then((events) => {
      settled.push("log");
      return events;
    });
    const view = h.service.prescription(c.originalVisitId).then((v) => {
      settled.push("prescription");
      return v;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toEqual([]);
    expect(stores.held()).toBe(1);
    stores.open();
    // The other pharmacy's dispensing NHI told of is in the log, and the prescription is ours to show.
    expect((await log).map((e) => [e.type, e.originalVisitId, e.refillNo])).toContainEqual([
      "dispensed",
      c.originalVisitId,
      1,
    ]);
    expect((await view)?.refills[0]).toMatchObject({ state: "dispensed", dispensedHere: false });
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
