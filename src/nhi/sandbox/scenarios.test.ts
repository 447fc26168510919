/** Seeded scenarios behave as described when our pharmacy acts on them (through real uploads). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHARMACIST } from "../../../test/support/sandbox-world.js";
import { type RocDateTime, rocDateTimeFromDate as rocNow } from "../../domain/roc-date.js";
import type { PrescriptionStatus } from "../client.js";
import { buildUploadXml, parseCheckReport } from "./format-bridge.js";
import { createSandbox } from "./index.js";
import { dispensingRecord } from "./records.js";
import type { Sandbox, ScenarioCase, SeededScenarios } from "./types.js";

const PHARMACY = "5901010001";
const caller = { institutionCode: PHARMACY };
let sandbox: Sandbox;
let seeded: SeededScenarios;

beforeAll(async () => {
  sandbox = await createSandbox({ key: "scenario-test-key-0123", now: () => new Date("2025-06-10T03:00:00Z") });
  seeded = await sandbox.seedScenarios({ pharmacyCode: PHARMACY });
});
afterAll(async () => {
  await sandbox.close();
});

async function status(c: ScenarioCase): Promise<PrescriptionStatus> {
  const r = await sandbox.client.prescriptionStatus(caller, c.originalVisitId);
  if (!r.found) throw new Error(r.code);
  return r.status;
}

/** Our pharmacy dispenses the case's next refill now and uploads it; returns the report's codes. */
async function dispense(c: ScenarioCase, extra: { m18?: string; supplement?: boolean } = {}): Promise<string[]> {
  const pass = await sandbox.client.passCard(caller, { nationalId: c.nationalId, visitCategory: "AF" });
  const record = dispensingRecord({
    pharmacyCode: PHARMACY,
    samId: pass.samId,
    cardNumber: "000012345678",
    nationalId: c.nationalId,
    birthDate: c.birthDate,
    pharmacistId: PHARMACIST,
    visitDateTime: pass.visitDateTime,
    signature: pass.signature,
    visitId: pass.visitId,
    originalVisitId: c.originalVisitId,
    prescriberInstitutionCode: c.prescriberInstitutionCode,
    originalSequenceNumber: extra.m18 ?? c.originalSequenceNumber ?? "J000",
    originalVisitDateTime: c.originalVisitDateTime,
    refillNo: c.nextRefillNo,
    refillCount: c.refillCount,
    days: c.daysPerRefill,
    ...(extra.supplement ? { supplement: { actualVisitDateTime: c.actualVisitDateTime as RocDateTime } } : {}),
  });
  const receipt = await sandbox.client.upload(caller, buildUploadXml([record]));
  const report = await sandbox.client.fetchCheckReport(caller, receipt.uploadId);
  return parseCheckReport(report!).flatMap((e) => e.errors.map((x) => `${x.field}:${x.code}`));
}

describe("seeded scenarios", () => {
  it("names the institutions and every case, all with bilingual descriptions", () => {
    expect(seeded.pharmacyCode).toBe(PHARMACY);
    expect(Object.keys(seeded.cases).sort()).toEqual([
      "cancelledRestored",
      "chronicFresh",
      "dispensedElsewhere",
      "j000ClinicClosed",
      "notYetUploaded",
      "oneOff",
      "sm00PreFormat2",
      "supplementMiss",
    ]);
    for (const c of Object.values(seeded.cases)) {
      expect(c.description.zh && c.description.en && c.expected.zh && c.expected.en).toBeTruthy();
    }
  });

  it("chronicFresh: refill 1 of 3 (28 days) is open and accepted", async () => {
    const c = seeded.cases.chronicFresh;
    const s = await status(c);
    expect(s).toMatchObject({ chronic: true, refillCount: 3, daysPerRefill: 28 });
    expect(s.refills.map((r) => r.state)).toEqual(["undispensed", "undispensed", "undispensed"]);
    expect(await dispense(c)).toEqual([]);
  });

  it("dispensedElsewhere: refill 2 was dispensed by pharmacy X → D025", async () => {
    const c = seeded.cases.dispensedElsewhere;
    const s = await status(c);
    expect(s.refills[1]).toMatchObject({ state: "dispensed", dispensedBy: seeded.otherPharmacyCode });
    expect(await dispense(c)).toEqual(["M33:D025"]);
  });

  it("cancelledRestored: refill 3 shows C then E, is restored and its window is open", async () => {
    const c = seeded.cases.cancelledRestored;
    const s = await status(c);
    expect(s.refills[2]).toMatchObject({ state: "undispensed", restored: true });
    expect(s.refills[2]!.events.map((e) => e.type)).toEqual(["C", "E"]);
    expect(await dispense(c)).toEqual([]);
  });

  it("j000ClinicClosed: the status has no original sequence number; refill 2 with M18=J000 is accepted", async () => {
    const c = seeded.cases.j000ClinicClosed;
    const s = await status(c);
    expect(s.originalSequenceNumber).toBeUndefined();
    expect(c.originalSequenceNumber).toBeUndefined();
    expect(s.refills[0]!.state).toBe("dispensed");
    expect(await dispense(c, { m18: "J000" })).toEqual([]);
  });

  it("sm00PreFormat2: no status (D074); an SM00 upload for the pre-2.0 visit is accepted", async () => {
    const c = seeded.cases.sm00PreFormat2;
    const r = await sandbox.client.prescriptionStatus(caller, c.originalVisitId);
    expect(r.found === false && r.code).toBe("D074");
    expect(c.originalVisitDateTime < "1130901000000").toBe(true);
    expect(await dispense(c)).toEqual([]);
  });

  it("supplementMiss: the 補卡 upload with M12=4 and M52=MISS is accepted", async () => {
    const c = seeded.cases.supplementMiss;
    expect(c.actualVisitDateTime).toBeDefined();
    expect(await dispense(c, { supplement: true })).toEqual([]);
  });

  it("oneOff: an ordinary prescription, one dispensing", async () => {
    const c = seeded.cases.oneOff;
    const s = await status(c);
    expect(s).toMatchObject({ chronic: false, refillCount: 1 });
    expect(await dispense(c)).toEqual([]);
    expect((await status(c)).refills[0]!.dispensedBy).toBe(PHARMACY);
  });

  it("notYetUploaded: a valid visit ID the clinic has not uploaded: status D024, a dispensing upload D024", async () => {
    const c = seeded.cases.notYetUploaded;
    const r = await sandbox.client.prescriptionStatus(caller, c.originalVisitId);
    expect(r.found === false && r.code).toBe("D024");
    expect(await dispense(c)).toEqual(["M16:D024"]);
  });
});

describe("seeding at any hour", () => {
  it("works early in the morning (Taiwan 06:30) and at midnight: every case as expected", async () => {
    for (const iso of ["2025-06-09T22:30:00Z", "2025-12-31T16:00:00Z"]) {
      const sb = await createSandbox({ key: "scenario-test-key-0123", now: () => new Date(iso) });
      try {
        const s = await sb.seedScenarios({ pharmacyCode: PHARMACY });
        const visitNow = new Date(iso);
        expect(Object.keys(s.cases).length).toBeGreaterThan(5);
        for (const c of Object.values(s.cases)) {
          expect(c.originalVisitDateTime < rocNow(visitNow)).toBe(true);
        }
        const r = await sb.client.prescriptionStatus(caller, s.cases.cancelledRestored.originalVisitId);
        expect(r.found && r.status.refills.map((x) => x.state)).toEqual(["dispensed", "dispensed", "undispensed"]);
      } finally {
        await sb.close();
      }
    }
  });
});

describe("check report delay", () => {
  it("answers null until the report is ready (reportDelayMs)", async () => {
    let t = new Date("2025-06-10T03:00:00Z");
    const sb = await createSandbox({ key: "scenario-test-key-0123", now: () => t, reportDelayMs: 2 * 3_600_000 });
    try {
      const clinic = { institutionCode: "3501200000" };
      const receipt = await sb.client.upload(clinic, buildUploadXml([]));
      expect(await sb.client.fetchCheckReport(clinic, receipt.uploadId)).toBeNull();
      t = new Date(t.getTime() + 2 * 3_600_000);
      expect(await sb.client.fetchCheckReport(clinic, receipt.uploadId)).toEqual(new Uint8Array());
      await expect(sb.client.fetchCheckReport(clinic, "nope")).rejects.toMatchObject({ status: 404 });
    } finally {
      await sb.close();
    }
  });
});
