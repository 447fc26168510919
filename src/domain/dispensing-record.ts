/**
 * The upload-format 2.0 record of a pharmacy dispensing (藥局調劑, M07=AF), and the H01=D record that deletes it.
 * Values are upload-format strings; the field rules in schemas/upload-format-2.0.json decide what is valid
 * (validated by src/nhi/format/validate.ts before anything is queued).
 */
import type { PrescriptionOrder, PrescriptionStatus } from "./prescription.js";
import type { RocDateTime } from "./roc-date.js";
import type { Mb1, Mb2, UploadRecord } from "./upload-record.js";
import { MISS_VISIT_ID } from "./visit-id.js";

export const PHARMACY_VISIT_CATEGORY = "AF";

const KIND_COUNT_FIELD: Record<string, "M24" | "M25" | "M26" | "M27" | "M28" | "M29"> = {
  A: "M24",
  B: "M25",
  C: "M26",
  D: "M27",
  E: "M28",
  F: "M29",
};
export const J000 = "J000";

export interface DispensingRecordInput {
  /** A normal (card passed) or B abnormal (NHI unreachable; M13 = abnormal code). */
  dataFormat: "A" | "B";
  pharmacyCode: string; // M05
  pharmacistId: string; // M06
  nationalId: string; // M03
  birthDate?: string; // M04
  /** From our card pass (A) or API 1.54 (B). */
  visitDateTime: RocDateTime; // M11
  visitId: string; // M15
  samId?: string; // M01 (A only)
  cardNumber?: string; // M02 (A only)
  signature?: string; // M14 (A only)
  abnormalCode?: string; // M13 (B only)
  prescription: Pick<
    PrescriptionStatus,
    | "originalVisitId"
    | "prescriberInstitutionCode"
    | "originalSequenceNumber"
    | "originalVisitDateTime"
    | "chronic"
    | "refillCount"
    | "daysPerRefill"
    | "totalDays"
    | "orders"
  >;
  refillNo: number;
  days: number;
  /** Use J000 in M18 because the original sequence number is unknown (refill 2+). */
  j000: boolean;
  /** 補卡: M49 = actual visit date-time; M12 = 2 with the kept visit ID in M52, else M12 = 4 and M52 = MISS. */
  supplement?: { actualVisitDateTime: RocDateTime; actualVisitId?: string };
}

function put<T extends Record<string, string | undefined>>(target: T, key: keyof T, value: string | undefined) {
  if (value !== undefined && value !== "") (target as Record<string, string>)[key as string] = value;
}

/** Days on an order line this time: the order's own days, never more than the dispensing's days. */
function lineDays(order: PrescriptionOrder, days: number): number {
  return Math.min(order.days ?? days, days);
}

export function buildDispensingRecord(input: DispensingRecordInput): UploadRecord {
  const p = input.prescription;
  const mb1: Mb1 = {};
  if (input.dataFormat === "A") {
    put(mb1, "M01", input.samId);
    put(mb1, "M02", input.cardNumber);
  }
  put(mb1, "M03", input.nationalId);
  put(mb1, "M04", input.birthDate);
  put(mb1, "M05", input.pharmacyCode);
  put(mb1, "M06", input.pharmacistId);
  mb1.M07 = PHARMACY_VISIT_CATEGORY;
  mb1.M11 = input.visitDateTime;
  mb1.M12 = "1";
  if (input.dataFormat === "B") put(mb1, "M13", input.abnormalCode);
  if (input.dataFormat === "A") put(mb1, "M14", input.signature);
  mb1.M15 = input.visitId;
  mb1.M16 = p.originalVisitId;
  mb1.M17 = p.prescriberInstitutionCode;
  put(mb1, "M18", input.j000 ? J000 : p.originalSequenceNumber);
  mb1.M19 = p.originalVisitDateTime;
  mb1.M20 = String(input.days);
  if (p.chronic) {
    put(mb1, "M21", String(p.totalDays ?? p.daysPerRefill * p.refillCount));
    mb1.M33 = String(input.refillNo);
  }
  const mb2: Mb2[] = p.orders.map((order, i) => {
    const line: Mb2 = {};
    line.D01 = input.visitDateTime;
    line.D02 = order.orderType ?? "1";
    line.D03 = order.orderNo ?? String(i + 1);
    line.D04 = order.kind ?? (p.chronic ? "C" : "A");
    line.D05 = "A";
    put(line, "D06", order.drugCode);
    put(line, "D07", order.site);
    put(line, "D08", order.frequency);
    line.D09 = String(lineDays(order, input.days));
    put(line, "D10", order.totalQuantity);
    put(line, "D14", order.route);
    put(line, "D15", order.remark);
    return line;
  });
  // Dispensable counts by prescription kind (M24–M29 for D04 = A–F): the chronic refill count for C, 1 otherwise.
  for (const line of mb2) {
    const field = KIND_COUNT_FIELD[line.D04 ?? ""];
    if (field) mb1[field] = line.D04 === "C" ? String(p.refillCount) : "1";
  }
  if (p.chronic) mb1.M26 = String(p.refillCount);
  if (input.supplement) {
    mb1.M49 = input.supplement.actualVisitDateTime;
    mb1.M12 = input.supplement.actualVisitId ? "2" : "4";
    mb1.M52 = input.supplement.actualVisitId ?? MISS_VISIT_ID;
  }
  return { h00: "1", h01: input.dataFormat, mb1, mb2 };
}

/** The same record with new days supplied (a correction re-upload keeps M15 and H01). */
export function withDays(record: UploadRecord, days: number): UploadRecord {
  const mb1: Mb1 = { ...record.mb1, M20: String(days) };
  const mb2 = record.mb2.map((line) => ({
    ...line,
    D09: String(Math.min(Number(line.D09 ?? days), days)),
  }));
  return { ...record, mb1, mb2 };
}

/** H01=D: deletes our own record, identified by its key fields. */
export function buildDeleteRecord(original: UploadRecord): UploadRecord {
  const mb1: Mb1 = {};
  for (const field of ["M03", "M05", "M06", "M07", "M11", "M15", "M16", "M17", "M19"] as const) {
    put(mb1, field, original.mb1[field]);
  }
  return { h00: original.h00, h01: "D", mb1, mb2: [] };
}
