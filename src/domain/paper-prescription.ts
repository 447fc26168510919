/**
 * A prescription entered from the paper (依紙本輸入處方): what the pharmacist types when NHI cannot tell us about
 * the prescription — NHI unreachable and the prescription never seen here, the clinic has not uploaded yet (D024),
 * or a pre-2.0 paper with M16 = SM00… (seed 002 說明三). The field formats are the upload format's (checked by the
 * service against schemas/upload-format-2.0.json); the rules here are the dispensing rules between the fields.
 */
import { MAX_DAYS_PER_CHRONIC_DISPENSING, MAX_TOTAL_DAYS } from "./limits.js";
import type { PrescriptionOrder, PrescriptionStatus } from "./prescription.js";
import type { RocDate, RocDateTime } from "./roc-date.js";
import { SM00_VISIT_ID } from "./visit-id.js";

/** One order line (MB2) as printed on the paper. */
export interface PaperOrderLine {
  drugCode: string; // D06
  totalQuantity: string; // D10
  frequency?: string; // D08
  /** D09; defaults to the prescription's days per refill. */
  days?: number;
  route?: string; // D14
}

/** The prescription as the pharmacist reads it off the paper. */
export interface PaperPrescription {
  /** M16 as printed: a visit ID, or SM00… for a pre-2.0 paper. */
  originalVisitId: string;
  prescriberInstitutionCode: string; // M17
  prescriberName?: string;
  /** M18 when the paper prints it (a J000 confirmation is needed on refill 2+ without it). */
  originalSequenceNumber?: string;
  originalVisitDateTime: string; // M19, yyyMMddHHmmss
  chronic: boolean;
  /** M33: which refill this is (1 when not chronic). */
  refillNo: number;
  /** M26: refills in all (2–4 when chronic, 1 otherwise). */
  refillCount: number;
  /** M20: days per dispensing as prescribed. */
  daysPerRefill: number;
  orders: PaperOrderLine[];
  /** M04 the patient's birth date (yyyMMdd) as printed, needed when the card does not give it (typed, virtual). */
  birthDate?: string;
}

/**
 * Why the prescription is entered from the paper:
 * - nhi-unreachable: NHI cannot be reached and this counter never saw the prescription;
 * - not-uploaded: NHI answers D024, the clinic has not uploaded yet (it has 24 hours);
 * - sm00: a pre-2.0 paper without a visit ID (M16 = SM00…).
 */
export const PAPER_ENTRY_CAUSES = ["nhi-unreachable", "not-uploaded", "sm00"] as const;
export type PaperEntryCause = (typeof PAPER_ENTRY_CAUSES)[number];

/** A rule between the paper's fields that does not hold: which field, and the facts for the message. */
export type PaperRuleProblem =
  | { field: "M33"; rule: "refill-beyond-count"; refillNo: number; refillCount: number }
  | { field: "M26"; rule: "chronic-count"; refillCount: number }
  | { field: "M26"; rule: "one-off-count"; refillCount: number }
  | { field: "M20"; rule: "chronic-days"; days: number; max: number }
  | { field: "M21"; rule: "total-days"; totalDays: number; max: number }
  | { field: "M19"; rule: "in-future" }
  | { field: "M19"; rule: "sm00-after-switch"; mandatoryFrom: RocDate }
  | { field: "MB2"; rule: "no-orders" }
  | { field: "D09"; rule: "order-days"; line: number; days: number; max: number };

export function isSm00Paper(paper: Pick<PaperPrescription, "originalVisitId">): boolean {
  return paper.originalVisitId === SM00_VISIT_ID;
}

/**
 * The dispensing rules between the paper's fields. `now` is the counter's time (M19 may not be after it);
 * `sm00MandatoryFrom` is the day format 2.0 became mandatory for everyone (from the field rules): an SM00 paper
 * written on or after it cannot be pre-2.0 (D068).
 */
export function paperRuleProblems(
  paper: PaperPrescription,
  facts: { now: RocDateTime; sm00MandatoryFrom: RocDate },
): PaperRuleProblem[] {
  const problems: PaperRuleProblem[] = [];
  if (paper.chronic && (paper.refillCount < 2 || paper.refillCount > 4)) {
    problems.push({ field: "M26", rule: "chronic-count", refillCount: paper.refillCount });
  }
  if (!paper.chronic && paper.refillCount !== 1) {
    problems.push({ field: "M26", rule: "one-off-count", refillCount: paper.refillCount });
  }
  if (paper.refillNo > paper.refillCount) {
    problems.push({
      field: "M33",
      rule: "refill-beyond-count",
      refillNo: paper.refillNo,
      refillCount: paper.refillCount,
    });
  }
  if (paper.chronic && paper.daysPerRefill > MAX_DAYS_PER_CHRONIC_DISPENSING) {
    problems.push({
      field: "M20",
      rule: "chronic-days",
      days: paper.daysPerRefill,
      max: MAX_DAYS_PER_CHRONIC_DISPENSING,
    });
  }
  const total = paper.daysPerRefill * paper.refillCount;
  if (paper.chronic && total > MAX_TOTAL_DAYS) {
    problems.push({ field: "M21", rule: "total-days", totalDays: total, max: MAX_TOTAL_DAYS });
  }
  if (paper.originalVisitDateTime > facts.now) problems.push({ field: "M19", rule: "in-future" });
  if (isSm00Paper(paper) && paper.originalVisitDateTime.slice(0, 7) >= facts.sm00MandatoryFrom) {
    problems.push({ field: "M19", rule: "sm00-after-switch", mandatoryFrom: facts.sm00MandatoryFrom });
  }
  if (paper.orders.length === 0) problems.push({ field: "MB2", rule: "no-orders" });
  paper.orders.forEach((o, i) => {
    if (o.days !== undefined && o.days > paper.daysPerRefill) {
      problems.push({ field: "D09", rule: "order-days", line: i + 1, days: o.days, max: paper.daysPerRefill });
    }
  });
  return problems;
}

/**
 * How D024 weighs at the counter: on refill 1 (or a one-off prescription) the clinic simply has not uploaded yet
 * and has 24 hours to do so — a warning; on a chronic refill 2+ the prescription should have been uploaded long
 * ago — a block unless the pharmacist overrides it with a reason.
 */
export function notUploadedSeverity(paper: Pick<PaperPrescription, "chronic" | "refillNo">): "warning" | "block" {
  return paper.chronic && paper.refillNo >= 2 ? "block" : "warning";
}

/** The paper as the prescription status the dispensing path works from (no refill dispensed that we know of). */
export function paperStatus(
  paper: PaperPrescription,
  patient: { nationalId: string; birthDate?: string },
): PrescriptionStatus {
  const orders: PrescriptionOrder[] = paper.orders.map((o, i) => ({
    orderType: "1",
    orderNo: String(i + 1),
    kind: paper.chronic ? "C" : "A",
    dispensingMethod: "1",
    drugCode: o.drugCode.trim().toUpperCase(),
    totalQuantity: o.totalQuantity.trim(),
    days: o.days ?? paper.daysPerRefill,
    ...(o.frequency?.trim() ? { frequency: o.frequency.trim() } : {}),
    ...(o.route?.trim() ? { route: o.route.trim() } : {}),
  }));
  const status: PrescriptionStatus = {
    originalVisitId: paper.originalVisitId,
    prescriberInstitutionCode: paper.prescriberInstitutionCode.trim().toUpperCase(),
    originalVisitDateTime: paper.originalVisitDateTime as RocDateTime,
    nationalId: patient.nationalId,
    chronic: paper.chronic,
    refillCount: paper.refillCount,
    daysPerRefill: paper.daysPerRefill,
    orders,
    refills: [],
  };
  if (paper.chronic) status.totalDays = paper.daysPerRefill * paper.refillCount;
  if (paper.prescriberName?.trim()) status.prescriberName = paper.prescriberName.trim();
  if (paper.originalSequenceNumber?.trim()) status.originalSequenceNumber = paper.originalSequenceNumber.trim();
  if (patient.birthDate) status.birthDate = patient.birthDate;
  return status;
}

/**
 * What a central re-check found different from what was typed: the fields NHI's status answers for, compared with
 * the paper (M17, M19, the patient, chronic or not, M26, M20).
 */
export function paperDifferences(
  typed: PrescriptionStatus,
  nhi: PrescriptionStatus,
): { field: string; typed: string; nhi: string }[] {
  const pairs: [string, unknown, unknown][] = [
    ["M17", typed.prescriberInstitutionCode, nhi.prescriberInstitutionCode],
    ["M19", typed.originalVisitDateTime, nhi.originalVisitDateTime],
    ["M03", typed.nationalId, nhi.nationalId],
    ["chronic", typed.chronic, nhi.chronic],
    ["M26", typed.refillCount, nhi.refillCount],
    ["M20", typed.daysPerRefill, nhi.daysPerRefill],
  ];
  return pairs.filter(([, a, b]) => a !== b).map(([field, a, b]) => ({ field, typed: String(a), nhi: String(b) }));
}

/**
 * Our key for a paper prescription: its M16, except for SM00 papers, which all print the same M16 — those are told
 * apart by prescriber, patient and visit date-time (`SM00:<M17>:<M03>:<M19>`, as NHI keys SM00 records).
 */
export function paperPrescriptionKey(
  paper: Pick<PaperPrescription, "originalVisitId" | "prescriberInstitutionCode" | "originalVisitDateTime">,
  nationalId: string,
): string {
  if (!isSm00Paper(paper)) return paper.originalVisitId;
  return `SM00:${paper.prescriberInstitutionCode.trim().toUpperCase()}:${nationalId}:${paper.originalVisitDateTime}`;
}
