/** A paper prescription as a pharmacist would type it off a sandbox scenario's paper (tests only). */
import type { PaperPrescription } from "../../src/domain/paper-prescription.js";
import type { ScenarioCase } from "../../src/nhi/sandbox/index.js";

export function paperOf(c: ScenarioCase, extra: Partial<PaperPrescription> = {}): PaperPrescription {
  return {
    originalVisitId: c.originalVisitId,
    prescriberInstitutionCode: c.prescriberInstitutionCode,
    ...(c.originalSequenceNumber ? { originalSequenceNumber: c.originalSequenceNumber } : {}),
    originalVisitDateTime: c.originalVisitDateTime,
    chronic: c.chronic,
    refillNo: c.nextRefillNo,
    refillCount: c.refillCount,
    daysPerRefill: c.daysPerRefill,
    orders: [{ drugCode: "AC12345100", totalQuantity: String(c.daysPerRefill * 2), frequency: "BID" }],
    birthDate: c.birthDate,
    ...extra,
  };
}

/**
 * A one-off paper from before the prescriber's switch to format 2.0: no visit ID yet (SM00), refill 1 of 1, three
 * days. The prescriber is 3502060427 unless `extra` says otherwise.
 */
export function sm00Paper(extra: Partial<PaperPrescription> = {}): PaperPrescription {
  return {
    originalVisitId: "SM00 0000 0000 0000 0000",
    prescriberInstitutionCode: "3502060427",
    originalVisitDateTime: "1130815093000",
    chronic: false,
    refillNo: 1,
    refillCount: 1,
    daysPerRefill: 3,
    orders: [{ drugCode: "AC12345100", totalQuantity: "6" }],
    birthDate: "0700101",
    ...extra,
  };
}
