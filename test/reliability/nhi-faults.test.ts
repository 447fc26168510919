/**
 * NHI on a bad day, over real HTTP: down, answering 5xx, too slow, dropping connections, cutting answers off,
 * sending garbled or truncated check reports, rejecting part of a batch. The counter keeps deciding and dispensing
 * (with an override reason when NHI cannot be asked), the outbox catches up once NHI is back, and rejections
 * surface with NHI's codes and advice.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { FaultSettings, ScenarioCase } from "../../src/nhi/sandbox/index.js";
import { COUNTER_PHARMACY } from "../support/reliability/counter.js";
import { type HttpCounter, startHttpCounter } from "../support/reliability/http-counter.js";
import { sized } from "../support/reliability/mode.js";
import type { NhiCall, TapAction } from "../support/reliability/nhi-tap.js";
import { dispenseAtOtherPharmacy } from "../support/service-harness.js";

interface Fault {
  name: string;
  /** Sandbox faults (they cut every central call unless `only` says otherwise). */
  sandbox?: FaultSettings;
  /** Or spoil one kind of answer at the tap. */
  tap?: { call: NhiCall; action: TapAction };
}

function startFault(counter: HttpCounter, fault: Fault): void {
  if (fault.sandbox) counter.sandbox.faults.set(fault.sandbox);
  const spoil = fault.tap;
  if (spoil) counter.tap.on((call, moment) => (call === spoil.call && moment === "answered" ? spoil.action : "pass"));
}

function endFault(counter: HttpCounter): void {
  counter.sandbox.faults.clear();
  counter.tap.on(() => "pass");
}

async function dispensedAtNhiBy(counter: HttpCounter, c: ScenarioCase, refillNo: number): Promise<string | undefined> {
  const atNhi = await counter.sandbox.central.prescriptionStatus(
    { institutionCode: COUNTER_PHARMACY.pharmacyCode },
    c.originalVisitId,
  );
  return atNhi.found ? atNhi.status.refills[refillNo - 1]?.dispensedBy : undefined;
}

const ALL_UNREACHABLE: Fault[] = [
  { name: "NHI down (connections dropped)", sandbox: { drop: true } },
  { name: "NHI answering 503", sandbox: { serverError: true } },
  { name: "NHI answering 500", sandbox: { serverError: 500 } },
  { name: "NHI slower than the timeout", sandbox: { slowMs: 1_500 } },
  { name: "status answers cut off", tap: { call: "status", action: "cut" } },
];

const ALL_REPORT_FAULTS: Fault[] = [
  { name: "no fault" },
  { name: "garbled check report", sandbox: { garbledReport: true, only: ["fetchCheckReport"] } },
  { name: "check report cut off", tap: { call: "report", action: "cut" } },
  { name: "report connection dropped mid-answer", tap: { call: "report", action: "drop" } },
];

const NHI_UNREACHABLE = sized(ALL_UNREACHABLE, ALL_UNREACHABLE.slice(0, 2));
const REPORT_FAULTS = sized(ALL_REPORT_FAULTS, ALL_REPORT_FAULTS.slice(0, 2));

describe("NHI faults over HTTP", () => {
  let counter: HttpCounter | undefined;
  afterEach(async () => {
    await counter?.close();
    counter = undefined;
  });

  it.each(NHI_UNREACHABLE)("$name: the counter decides locally and the outbox catches up", async (fault) => {
    counter = await startHttpCounter("unreachable");
    const { rx, seeded } = counter;
    const cases = [seeded.cases.chronicFresh, seeded.cases.oneOff];
    // Scanned earlier today while NHI answered: the counter knows these prescriptions.
    for (const c of cases)
      expect((await rx.service.check({ visitIdInput: c.originalVisitId })).nhiReachable).toBe(true);
    startFault(counter, fault);

    // A prescription never seen here cannot be decided without NHI, and the counter says why.
    const unknown = await rx.service.check({ visitIdInput: seeded.cases.cancelledRestored.originalVisitId });
    expect(unknown).toMatchObject({ nhiReachable: false, outcome: "block" });
    expect(unknown.reasons.map((r) => r.code)).toContain("unknown-offline");
    // Known ones are decided from local data and dispensed with an override reason.
    for (const c of cases) {
      const decision = await rx.service.check({ visitIdInput: c.originalVisitId, card: counter.card(c) });
      expect(decision).toMatchObject({ nhiReachable: false, outcome: "override" });
      const result = await counter.dispense(c);
      expect(result.ok, JSON.stringify(result)).toBe(true);
    }
    const during = await rx.service.runOutbox();
    if (fault.tap?.call === "status") {
      // Only the status answers are spoiled: uploads go through at once.
      expect(during).toMatchObject({ uploaded: 2, accepted: 2 });
    } else {
      expect(during).toMatchObject({ uploaded: 0, accepted: 0, rejected: 0 });
      const waiting = await rx.service.outboxEntries();
      expect(waiting.map((e) => e.state)).toEqual(["pending", "pending"]);
      expect(waiting.map((e) => e.lastError ?? "")).toEqual([expect.stringMatching(/./), expect.stringMatching(/./)]);
    }

    endFault(counter);
    await counter.drain();
    expect(await rx.service.outboxStatus()).toMatchObject({ waiting: 0, rejected: 0, accepted: 2 });
    for (const entry of await rx.service.outboxEntries()) expect(counter.tap.arrivals.get(entry.visitId)).toBe(1);
    for (const c of cases)
      expect(await dispensedAtNhiBy(counter, c, c.nextRefillNo)).toBe(COUNTER_PHARMACY.pharmacyCode);
  });

  it("upload answer dropped after NHI took it: NHI's status confirms it, nothing is sent twice", async () => {
    counter = await startHttpCounter("upload-dropped");
    const { rx, seeded } = counter;
    const cases = [seeded.cases.chronicFresh, seeded.cases.oneOff];
    for (const c of cases) expect((await counter.dispense(c)).ok).toBe(true);
    startFault(counter, { name: "upload answer dropped", tap: { call: "upload", action: "drop" } });
    expect(await rx.service.runOutbox()).toMatchObject({ uploaded: 0, failed: 2 });
    endFault(counter);
    await counter.drain();
    expect(await rx.service.outboxStatus()).toMatchObject({ waiting: 0, rejected: 0, accepted: 2 });
    for (const entry of await rx.service.outboxEntries()) expect(counter.tap.arrivals.get(entry.visitId)).toBe(1);
    for (const c of cases)
      expect(await dispensedAtNhiBy(counter, c, c.nextRefillNo)).toBe(COUNTER_PHARMACY.pharmacyCode);
  });

  it.each(REPORT_FAULTS)("a report rejecting part of a batch ($name): rejections surface with codes", async (fault) => {
    counter = await startHttpCounter("partial");
    const { rx, sandbox, seeded } = counter;
    const late = seeded.cases.chronicFresh;
    const oneOff = seeded.cases.oneOff;
    for (const c of [late, oneOff]) await rx.service.check({ visitIdInput: c.originalVisitId });
    // Another pharmacy dispenses refill 1 while this counter cannot ask NHI: it is dispensed here too (override),
    // and NHI refuses that record (D025) in the same upload as an accepted one.
    await dispenseAtOtherPharmacy(sandbox, seeded.otherPharmacyCode, late, { refillNo: 1, at: new Date() });
    sandbox.faults.set({ drop: true, only: ["prescriptionStatus", "passCard"] });
    for (const c of [late, oneOff]) expect((await counter.dispense(c)).ok).toBe(true);
    sandbox.faults.clear();

    startFault(counter, fault);
    const first = await rx.service.runOutbox();
    expect(first.uploaded).toBe(2);
    if (fault.sandbox || fault.tap) {
      // An unreadable report is never taken for "all accepted": both records wait for a readable one.
      expect(first).toMatchObject({ accepted: 0, rejected: 0 });
      expect((await rx.service.outboxStatus()).waiting).toBe(2);
      endFault(counter);
      await counter.drain();
    }
    expect(await rx.service.outboxStatus()).toMatchObject({ waiting: 0, accepted: 1, rejected: 1 });
    const [rejected] = await rx.service.outboxEntries({ state: "rejected" });
    expect(rejected?.rejections.map((r) => r.code)).toContain("D025");
    expect(rejected?.rejections[0]?.message.zh.length).toBeGreaterThan(0);
    expect(rejected?.rejections[0]?.advice.en.length).toBeGreaterThan(0);
    expect(await dispensedAtNhiBy(counter, oneOff, 1)).toBe(COUNTER_PHARMACY.pharmacyCode);
    expect(await dispensedAtNhiBy(counter, late, 1)).toBe(seeded.otherPharmacyCode);
    // The counter goes on: the next scan is decided with NHI again.
    const next = await rx.service.check({ visitIdInput: seeded.cases.cancelledRestored.originalVisitId });
    expect(next.nhiReachable).toBe(true);
  });
});
