/** Prescription status by M16 reflects every transition: upload, dispense, correct, delete, cancel, restore. */
import { describe, expect, it } from "vitest";
import { CLINIC, PHARMACY, PHARMACY_X } from "../../../test/support/sandbox-world.js";
import { worldPerTest } from "../../../test/support/sandbox-world-per-test.js";
import { SM00_VISIT_ID } from "../../domain/visit-id.js";
import type { PrescriptionStatus } from "../client.js";
import { cancelRecord, deletionRecord } from "./records.js";

const t = worldPerTest();

async function status(m16: string): Promise<PrescriptionStatus> {
  const result = await t.w.client.prescriptionStatus({ institutionCode: PHARMACY }, m16);
  if (!result.found) throw new Error(`not found: ${result.code}`);
  return result.status;
}

const states = (s: PrescriptionStatus) => s.refills.map((r) => r.state);

describe("prescription status", () => {
  it("D074 for an invalid or SM00 visit ID, D024 before the prescriber uploads", async () => {
    const client = t.w.client;
    for (const bad of ["ZZZZZZZZZZZZZZZZZZZZ", "hello", SM00_VISIT_ID]) {
      const r = await client.prescriptionStatus({ institutionCode: PHARMACY }, bad);
      expect(r.found).toBe(false);
      if (!r.found) {
        expect(r.code).toBe("D074");
        expect(r.message.zh.length).toBeGreaterThan(0);
        expect(r.message.en.length).toBeGreaterThan(0);
      }
    }
    const rx = await t.w.prescribe();
    const r = await client.prescriptionStatus({ institutionCode: PHARMACY }, rx.mb1.M15!);
    expect(r.found === false && r.code).toBe("D024");
  });

  it("shows the prescription as uploaded: institution, sequence number, date-time, chronic, counts, orders", async () => {
    const rx = await t.w.prescribe({ refillCount: 3, days: 28 });
    await t.w.upload(CLINIC, [rx]);
    const s = await status(rx.mb1.M15!);
    expect(s).toMatchObject({
      originalVisitId: rx.mb1.M15,
      prescriberInstitutionCode: CLINIC,
      prescriberName: "健保示範診所",
      originalSequenceNumber: rx.mb1.M13,
      originalVisitDateTime: rx.mb1.M11,
      nationalId: rx.mb1.M03,
      birthDate: rx.mb1.M04,
      chronic: true,
      refillCount: 3,
      daysPerRefill: 28,
      totalDays: 84,
    });
    expect(s.orders).toHaveLength(2);
    expect(s.orders[0]).toMatchObject({ kind: "C", drugCode: "AC36230100", days: 28, totalQuantity: "28" });
    expect(states(s)).toEqual(["undispensed", "undispensed", "undispensed"]);
  });

  it("follows dispense → correct → delete of a refill, with every event", async () => {
    const rx = await t.w.prescribe();
    await t.w.upload(CLINIC, [rx]);
    const d = await t.w.dispensing(rx, 1);
    await t.w.upload(PHARMACY, [d]);
    let s = await status(rx.mb1.M15!);
    expect(s.refills[0]).toMatchObject({
      state: "dispensed",
      dispensedBy: PHARMACY,
      dispensedAt: d.mb1.M11,
      dispensedVisitId: d.mb1.M15,
      days: 28,
    });
    await t.w.upload(PHARMACY, [{ ...d, mb1: { ...d.mb1, M20: "27", M21: "81" } }]);
    s = await status(rx.mb1.M15!);
    expect(s.refills[0]!.days).toBe(27);
    await t.w.upload(PHARMACY, [deletionRecord(d)]);
    s = await status(rx.mb1.M15!);
    expect(s.refills[0]!.state).toBe("undispensed");
    expect(s.refills[0]!.events.map((e) => e.type)).toEqual(["A", "A", "D"]);
  });

  it("follows cancel (C) → restore (E) of a refill", async () => {
    const rx = await t.w.prescribe();
    await t.w.upload(CLINIC, [rx]);
    await t.w.upload(CLINIC, [cancelRecord(rx, 3, "C")]);
    let s = await status(rx.mb1.M15!);
    expect(states(s)).toEqual(["undispensed", "undispensed", "cancelled"]);
    await t.w.upload(CLINIC, [cancelRecord(rx, 3, "E")]);
    s = await status(rx.mb1.M15!);
    expect(s.refills[2]).toMatchObject({ state: "undispensed", restored: true });
    expect(s.refills[2]!.events.map((e) => `${e.type}@${e.institutionCode}`)).toEqual([`C@${CLINIC}`, `E@${CLINIC}`]);
  });

  it("shows dispensings by another pharmacy, and a deleted prescription disappears (D024)", async () => {
    const rx = await t.w.prescribe({ refillCount: 1, days: 3 });
    await t.w.upload(CLINIC, [rx]);
    let s = await status(rx.mb1.M15!);
    expect(s).toMatchObject({ chronic: false, refillCount: 1, daysPerRefill: 3 });
    const x = await t.w.dispensing(rx, 1, { pharmacy: PHARMACY_X });
    await t.w.upload(PHARMACY_X, [x]);
    s = await status(rx.mb1.M15!);
    expect(s.refills[0]).toMatchObject({ state: "dispensed", dispensedBy: PHARMACY_X });
    // The prescriber may not delete once another institution executed it (D035) …
    expect((await t.w.upload(CLINIC, [deletionRecord(rx)])).codes).toEqual(["M15:D035"]);
    // … but may after the pharmacy deleted its record.
    await t.w.upload(PHARMACY_X, [deletionRecord(x)]);
    expect((await t.w.upload(CLINIC, [deletionRecord(rx)])).codes).toEqual([]);
    const r = await t.w.client.prescriptionStatus({ institutionCode: PHARMACY }, rx.mb1.M15!);
    expect(r.found === false && r.code).toBe("D024");
  });
});
