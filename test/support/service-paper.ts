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
