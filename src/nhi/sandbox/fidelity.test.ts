/**
 * Sandbox fidelity (issue 15): corrections are not judged again by refill order, a visit in the future is
 * rejected, re-seeding is idempotent, other pharmacies carry their names, and SM00 in M15 is judged like the local
 * checker judges it (seed 002 說明三(三)1).
 */
import { describe, expect, it } from "vitest";
import { CLINIC, DAY_MS, PHARMACY, PHARMACY_X, roc, testNationalId } from "../../../test/support/sandbox-world.js";
import { worldPerTest } from "../../../test/support/sandbox-world-per-test.js";
import { SM00_VISIT_ID } from "../../domain/visit-id.js";
import { validateRecord } from "../format/validate.js";
import type { UploadRecord } from "./format-bridge.js";

const t = worldPerTest();
const { ago, uploaded } = t;
const caller = { institutionCode: PHARMACY };

describe("corrections (same M15)", () => {
  it("are accepted after another pharmacy dispensed a later refill: last write wins, no D022", async () => {
    const rx = await t.w.prescribe({ at: ago(21) });
    await uploaded([rx]);
    const ours = await t.w.dispensing(rx, 1, { at: ago(20) });
    await uploaded([ours], PHARMACY);
    // Refill 2's window is open now (20 days into the 28 days of refill 1).
    await uploaded([await t.w.dispensing(rx, 2, { pharmacy: PHARMACY_X })], PHARMACY_X);

    // The pharmacist (M06) was wrong; corrected twice.
    await uploaded([{ ...ours, mb1: { ...ours.mb1, M06: testNationalId("B12345678") } }], PHARMACY);
    await uploaded([{ ...ours, mb1: { ...ours.mb1, M06: testNationalId("C12345678") } }], PHARMACY);
    const status = await t.w.client.prescriptionStatus(caller, rx.mb1.M15!);
    expect(status.found && status.status.refills.map((r) => [r.state, r.dispensedBy])).toEqual([
      ["dispensed", PHARMACY],
      ["dispensed", PHARMACY_X],
      ["undispensed", undefined],
    ]);
  });
});

describe("visit date-time (M11) in the future", () => {
  it("is rejected with BD beyond a ten-minute clock skew, accepted within it", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    const future = await t.w.dispensing(rx, 1, { at: new Date(t.w.clock.now.getTime() + 20 * DAY_MS) });
    expect((await t.w.upload(PHARMACY, [future])).codes).toEqual(["M11:BD"]);
    const skewed = await t.w.dispensing(rx, 1, { at: new Date(t.w.clock.now.getTime() + 5 * 60_000) });
    expect((await t.w.upload(PHARMACY, [skewed])).codes).toEqual([]);
  });
});

describe("re-seeding", () => {
  it("answers the scenarios seeded before, changing nothing", async () => {
    const first = await t.w.sandbox.seedScenarios({ pharmacyCode: PHARMACY });
    const before = await t.w.client.prescriptionStatus(caller, first.cases.dispensedElsewhere.originalVisitId);
    const again = await t.w.sandbox.seedScenarios({ pharmacyCode: PHARMACY });
    expect(again).toEqual(first);
    expect(await t.w.client.prescriptionStatus(caller, first.cases.dispensedElsewhere.originalVisitId)).toEqual(before);
  });
});

describe("status answers", () => {
  it("name the pharmacy that dispensed a refill, with its code", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    await uploaded([await t.w.dispensing(rx, 1, { pharmacy: PHARMACY_X })], PHARMACY_X);
    const status = await t.w.client.prescriptionStatus(caller, rx.mb1.M15!);
    expect(status.found && status.status.refills[0]).toMatchObject({
      dispensedBy: PHARMACY_X,
      dispensedByName: "X藥局",
    });
  });
});

describe("SM00 as our own visit ID (M15)", () => {
  it("the sandbox and the local checker agree: before our switch accepted, after it D068", async () => {
    await t.w.sandbox.registerInstitution({ code: CLINIC, kind: "prescriber", format2Since: "1131001" as never });
    const rx = await t.w.prescribe();
    const before = { ...rx, mb1: { ...rx.mb1, M15: SM00_VISIT_ID, M11: "1130915093000" } };
    const after = { ...rx, mb1: { ...rx.mb1, M15: SM00_VISIT_ID } };
    const local = (r: UploadRecord) =>
      validateRecord(r, 1, { format2Since: "1131001" }).map((f) => `${f.field}:${f.code}`);
    expect(local(before)).toEqual([]);
    expect((await t.w.upload(CLINIC, [before])).codes).toEqual([]);
    expect(local(after)).toEqual(["M15:D068"]);
    expect((await t.w.upload(CLINIC, [after])).codes).toEqual(["M15:D068"]);
    expect(roc(t.w.clock.now) > "1131001000000").toBe(true);
  });
});
