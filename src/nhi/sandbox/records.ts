/**
 * Builders for realistic upload records: a prescriber's (clinic's) record, a pharmacy's dispensing record (M07=AF)
 * and the C/E/D records. Used by the scenarios, the tests and the benchmark; values are upload-format strings.
 */
import type { RocDate, RocDateTime } from "../../domain/roc-date.js";
import type { CardPass } from "../client.js";
import type { Mb1, Mb2, UploadRecord } from "./format-bridge.js";

export interface DrugLine {
  drugCode: string;
  frequency: string;
  /** Quantity per day; the total is days × this. */
  perDay: number;
  route?: string;
}

export const DEFAULT_DRUGS: readonly DrugLine[] = [
  { drugCode: "AC36230100", frequency: "QD", perDay: 1, route: "PO" },
  { drugCode: "AB45781100", frequency: "BID", perDay: 2, route: "PO" },
];

export interface PrescriptionInput {
  institutionCode: string;
  samId: string;
  cardNumber: string;
  nationalId: string;
  birthDate: RocDate;
  doctorId: string;
  visitDateTime: RocDateTime;
  sequenceNumber: string;
  signature: string;
  visitId: string;
  /** 2–4 for a chronic refill prescription, 1 for a one-off. */
  refillCount: number;
  daysPerRefill: number;
  drugs?: readonly DrugLine[];
  /** Diagnosis (M35). */
  diagnosis?: string;
  h01?: "A" | "B";
}

function lines(
  drugs: readonly DrugLine[],
  at: RocDateTime,
  days: number,
  chronic: boolean,
  method: string,
  signature?: string,
): Mb2[] {
  return drugs.map((d, i) => {
    const line: Mb2 = {
      D01: at,
      D02: "1",
      D03: String(i + 1),
      D04: chronic ? "C" : "A",
      D05: method,
      D06: d.drugCode,
      D08: d.frequency,
      D09: String(days),
      D10: String(d.perDay * days),
    };
    if (d.route) line.D14 = d.route;
    if (signature) line.D11 = signature;
    return line;
  });
}

/** The prescriber's record for a released prescription (交付調劑): orders released to a pharmacy (D05=1). */
export function prescriptionRecord(p: PrescriptionInput): UploadRecord {
  const chronic = p.refillCount >= 2;
  const mb1: Mb1 = {
    M01: p.samId,
    M02: p.cardNumber,
    M03: p.nationalId,
    M04: p.birthDate,
    M05: p.institutionCode,
    M06: p.doctorId,
    M07: "01",
    M11: p.visitDateTime,
    M12: "1",
    M13: p.sequenceNumber,
    M14: p.signature,
    M15: p.visitId,
    M20: String(p.daysPerRefill),
    M23: "1",
    M35: p.diagnosis ?? (chronic ? "I10" : "J069"),
    M44: "0000350",
    M45: "0000050",
  };
  if (chronic) {
    mb1.M21 = String(p.daysPerRefill * p.refillCount);
    mb1.M26 = String(p.refillCount);
    mb1.M33 = "1";
  } else {
    mb1.M24 = "1";
  }
  if (p.h01 === "B") {
    delete mb1.M01;
    delete mb1.M02;
    delete mb1.M14;
  }
  return {
    h00: "1",
    h01: p.h01 ?? "A",
    mb1,
    mb2: lines(p.drugs ?? DEFAULT_DRUGS, p.visitDateTime, p.daysPerRefill, chronic, "1"),
  };
}

export interface DispensingInput {
  pharmacyCode: string;
  samId: string;
  cardNumber: string;
  nationalId: string;
  birthDate: RocDate;
  pharmacistId: string;
  /** Our card pass: M11, M14, M15. */
  visitDateTime: RocDateTime;
  signature: string;
  visitId: string;
  originalVisitId: string;
  prescriberInstitutionCode: string;
  /** M18: the prescriber's sequence number, or J000 when it cannot be found. */
  originalSequenceNumber: string;
  originalVisitDateTime: RocDateTime;
  refillNo: number;
  refillCount: number;
  days: number;
  drugs?: readonly DrugLine[];
  /** H01=B with this abnormal code in M13. */
  abnormalCode?: string;
  /** 補卡: M12=2 with the kept visit ID, or M12=4 (MISS). */
  supplement?: { actualVisitDateTime: RocDateTime; actualVisitId?: string };
}

/**
 * The dispensing input for refill `refillNo` of a prescription as the prescriber uploaded it, after our card pass:
 * patient (M03/M04) and M16–M20/M26 from the prescription, M01/M11/M14/M15 from the pass.
 */
export function dispensingInputFor(
  prescription: UploadRecord,
  pass: Pick<CardPass, "samId" | "visitDateTime" | "signature" | "visitId">,
  at: { pharmacyCode: string; pharmacistId: string; cardNumber: string; refillNo: number },
): DispensingInput {
  const m = prescription.mb1;
  return {
    ...at,
    samId: pass.samId,
    nationalId: m.M03!,
    birthDate: m.M04 as RocDate,
    visitDateTime: pass.visitDateTime,
    signature: pass.signature,
    visitId: pass.visitId,
    originalVisitId: m.M15!,
    prescriberInstitutionCode: m.M05!,
    originalSequenceNumber: m.M13 ?? "J000",
    originalVisitDateTime: m.M11 as RocDateTime,
    refillCount: Number(m.M26 ?? "1"),
    days: Number(m.M20),
  };
}

/** A pharmacy's dispensing record (M07=AF). */
export function dispensingRecord(d: DispensingInput): UploadRecord {
  const chronic = d.refillCount >= 2;
  const abnormal = d.abnormalCode !== undefined;
  const mb1: Mb1 = {
    M03: d.nationalId,
    M04: d.birthDate,
    M05: d.pharmacyCode,
    M06: d.pharmacistId,
    M07: "AF",
    M11: d.visitDateTime,
    M12: "1",
    M15: d.visitId,
    M16: d.originalVisitId,
    M17: d.prescriberInstitutionCode,
    M18: d.originalSequenceNumber,
    M19: d.originalVisitDateTime,
    M20: String(d.days),
  };
  if (abnormal) mb1.M13 = d.abnormalCode;
  else {
    mb1.M01 = d.samId;
    mb1.M02 = d.cardNumber;
    mb1.M14 = d.signature;
  }
  if (chronic) {
    mb1.M21 = String(d.days * d.refillCount);
    mb1.M26 = String(d.refillCount);
    mb1.M33 = String(d.refillNo);
  } else {
    mb1.M24 = "1";
  }
  if (d.supplement) {
    mb1.M49 = d.supplement.actualVisitDateTime;
    if (d.supplement.actualVisitId) {
      mb1.M12 = "2";
      mb1.M52 = d.supplement.actualVisitId;
    } else {
      mb1.M12 = "4";
      mb1.M52 = "MISS0000000000000000";
    }
  }
  return {
    h00: "1",
    h01: abnormal ? "B" : "A",
    mb1,
    mb2: lines(d.drugs ?? DEFAULT_DRUGS, d.visitDateTime, d.days, chronic, "A", abnormal ? undefined : d.signature),
  };
}

/** The prescriber's C (cancel) or E (restore) for refill `refillNo` of its own prescription record. */
export function cancelRecord(prescription: UploadRecord, refillNo: number, h01: "C" | "E" = "C"): UploadRecord {
  const p = prescription.mb1;
  const mb1: Mb1 = { M03: p.M03, M05: p.M05, M07: p.M07, M11: p.M11, M15: p.M15, M33: String(refillNo) };
  return { h00: "1", h01, mb1, mb2: [] };
}

/** D: delete one's own record (by M15). */
export function deletionRecord(record: UploadRecord): UploadRecord {
  const r = record.mb1;
  const mb1: Mb1 = { M03: r.M03, M05: r.M05, M07: r.M07, M11: r.M11, M15: r.M15 };
  return { h00: "1", h01: "D", mb1, mb2: [] };
}
