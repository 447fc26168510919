/**
 * The sandbox's central records: accepted uploads keyed by visit ID (M15), refill events (C/E/D and dispensings)
 * by original visit ID (M16), and the per-refill status derived from them.
 */
import { type RocDate, type RocDateTime, rocDateFromDate } from "../../domain/roc-date.js";
import { SM00_VISIT_ID } from "../../domain/visit-id.js";
import type { PrescriptionOrder, PrescriptionStatus, RefillEvent, RefillStatus } from "../client.js";
import { filled, isChronicRecord, type UploadRecord } from "./format-bridge.js";
import type { Institution } from "./types.js";

export interface StoredRecord {
  /** M15, or `SM00:<M05>:<M03>:<M11>` for pre-2.0 records without a visit ID. */
  key: string;
  institutionCode: string;
  record: UploadRecord;
  uploadId: string;
  receivedAt: string;
  /** The prescriber's sequence number is not known centrally (J000 case: seeded legacy data). */
  sequenceNumberWithheld?: boolean;
}

export interface RefillEventDoc {
  id: string;
  originalVisitId: string;
  refillNo: number;
  event: RefillEvent;
}

const DISPENSING_CATEGORIES = new Set(["AF", "AE"]);

export function recordKey(record: UploadRecord): string {
  const m = record.mb1;
  if (m.M15 === SM00_VISIT_ID) return `SM00:${m.M05 ?? ""}:${m.M03 ?? ""}:${m.M11 ?? ""}`;
  return m.M15 ?? "";
}

export function isDispensingRecord(record: UploadRecord): boolean {
  return DISPENSING_CATEGORIES.has(record.mb1.M07 ?? "") && filled(record.mb1.M16);
}

/** M33 as a refill number (1 when empty: a one-off prescription). */
export function refillNoOf(record: UploadRecord): number {
  const v = record.mb1.M33;
  return filled(v) && /^\d+$/.test(v) ? Number(v) : 1;
}

export function daysOf(record: UploadRecord): number | undefined {
  const v = record.mb1.M20;
  if (filled(v) && /^\d+$/.test(v)) return Number(v);
  const lineDays = record.mb2.map((l) => Number(l.D09)).filter((n) => Number.isFinite(n) && n > 0);
  return lineDays.length > 0 ? Math.max(...lineDays) : undefined;
}

export function isChronicPrescription(record: UploadRecord): boolean {
  return isChronicRecord(record) && Number(record.mb1.M26 ?? "0") >= 2;
}

export function refillCountOf(record: UploadRecord): number {
  return isChronicPrescription(record) ? Number(record.mb1.M26) : 1;
}

/** Refill 1 is dispensed at the prescriber when an order line was dispensed there (D02=1, D05=0). */
function dispensedByPrescriber(record: UploadRecord): boolean {
  return record.mb2.some((l) => l.D02 === "1" && l.D05 === "0");
}

function orderOf(line: UploadRecord["mb2"][number]): PrescriptionOrder {
  const o: PrescriptionOrder = {};
  if (filled(line.D02)) o.orderType = line.D02;
  if (filled(line.D03)) o.orderNo = line.D03;
  if (filled(line.D04)) o.kind = line.D04;
  if (filled(line.D05)) o.dispensingMethod = line.D05;
  if (filled(line.D06)) o.drugCode = line.D06;
  if (filled(line.D07)) o.site = line.D07;
  if (filled(line.D08)) o.frequency = line.D08;
  if (filled(line.D09) && /^\d+$/.test(line.D09)) o.days = Number(line.D09);
  if (filled(line.D10)) o.totalQuantity = line.D10;
  if (filled(line.D14)) o.route = line.D14;
  if (filled(line.D15)) o.remark = line.D15;
  return o;
}

export class SandboxState {
  readonly institutions = new Map<string, Institution>();
  readonly institutionsByIndex = new Map<number, Institution>();
  readonly records = new Map<string, StoredRecord>();
  /** M16 → keys of the dispensing records that reference it. */
  readonly dispensingsByOriginal = new Map<string, Set<string>>();
  readonly refillEvents = new Map<string, RefillEventDoc[]>();

  putInstitution(inst: Institution): void {
    this.institutions.set(inst.code, inst);
    this.institutionsByIndex.set(inst.index, inst);
  }

  putRecord(stored: StoredRecord): void {
    const previous = this.records.get(stored.key);
    if (previous) this.unindex(previous);
    this.records.set(stored.key, stored);
    if (isDispensingRecord(stored.record)) {
      const m16 = stored.record.mb1.M16!;
      let set = this.dispensingsByOriginal.get(m16);
      if (!set) {
        set = new Set();
        this.dispensingsByOriginal.set(m16, set);
      }
      set.add(stored.key);
    }
  }

  deleteRecord(key: string): StoredRecord | undefined {
    const stored = this.records.get(key);
    if (!stored) return undefined;
    this.unindex(stored);
    this.records.delete(key);
    return stored;
  }

  private unindex(stored: StoredRecord): void {
    if (!isDispensingRecord(stored.record)) return;
    this.dispensingsByOriginal.get(stored.record.mb1.M16!)?.delete(stored.key);
  }

  addRefillEvent(doc: RefillEventDoc): void {
    let list = this.refillEvents.get(doc.originalVisitId);
    if (!list) {
      list = [];
      this.refillEvents.set(doc.originalVisitId, list);
    }
    list.push(doc);
  }

  /** The prescriber's record for an original visit ID, when uploaded. */
  prescription(originalVisitId: string): StoredRecord | undefined {
    const stored = this.records.get(originalVisitId);
    if (!stored || isDispensingRecord(stored.record)) return undefined;
    return stored;
  }

  /** Active dispensing records of a prescription's refill. */
  dispensingsOf(originalVisitId: string, refillNo: number): StoredRecord[] {
    const keys = this.dispensingsByOriginal.get(originalVisitId);
    if (!keys) return [];
    const out: StoredRecord[] = [];
    for (const key of keys) {
      const stored = this.records.get(key);
      if (stored && refillNoOf(stored.record) === refillNo) out.push(stored);
    }
    return out;
  }

  /** Per-refill status, 1 … refill count. */
  refills(prescription: StoredRecord): RefillStatus[] {
    const p = prescription.record;
    const original = prescription.key;
    const count = refillCountOf(p);
    const events = this.refillEvents.get(original) ?? [];
    const out: RefillStatus[] = [];
    for (let n = 1; n <= count; n++) {
      const own = events.filter((e) => e.refillNo === n).map((e) => e.event);
      const status: RefillStatus = { refillNo: n, state: "undispensed", events: own };
      let cancelled = false;
      let restored = false;
      for (const e of own) {
        if (e.type === "C") cancelled = true;
        if (e.type === "E" && cancelled) {
          cancelled = false;
          restored = true;
        }
      }
      if (restored) status.restored = true;
      const dispensing = this.dispensingsOf(original, n)[0];
      if (dispensing) {
        status.state = "dispensed";
        status.dispensedBy = dispensing.institutionCode;
        const name = this.institutions.get(dispensing.institutionCode)?.name;
        if (name) status.dispensedByName = name;
        status.dispensedAt = dispensing.record.mb1.M11 as RocDateTime;
        status.dispensedVisitId = dispensing.record.mb1.M15;
        const days = daysOf(dispensing.record);
        if (days !== undefined) status.days = days;
      } else if (n === 1 && dispensedByPrescriber(p)) {
        status.state = "dispensed";
        status.dispensedBy = prescription.institutionCode;
        const name = this.institutions.get(prescription.institutionCode)?.name;
        if (name) status.dispensedByName = name;
        status.dispensedAt = p.mb1.M11 as RocDateTime;
        status.dispensedVisitId = p.mb1.M15;
        const days = daysOf(p);
        if (days !== undefined) status.days = days;
      } else if (cancelled) {
        status.state = "cancelled";
      }
      out.push(status);
    }
    return out;
  }

  status(prescription: StoredRecord): PrescriptionStatus {
    const m = prescription.record.mb1;
    const chronic = isChronicPrescription(prescription.record);
    const status: PrescriptionStatus = {
      originalVisitId: prescription.key,
      prescriberInstitutionCode: prescription.institutionCode,
      originalVisitDateTime: m.M11 as RocDateTime,
      nationalId: m.M03 ?? "",
      chronic,
      refillCount: refillCountOf(prescription.record),
      daysPerRefill: daysOf(prescription.record) ?? 0,
      orders: prescription.record.mb2.map(orderOf),
      refills: this.refills(prescription),
    };
    const name = this.institutions.get(prescription.institutionCode)?.name;
    if (name) status.prescriberName = name;
    if (filled(m.M13) && !prescription.sequenceNumberWithheld) status.originalSequenceNumber = m.M13;
    if (filled(m.M04)) status.birthDate = m.M04;
    if (chronic && filled(m.M21) && /^\d+$/.test(m.M21)) status.totalDays = Number(m.M21);
    return status;
  }
}

export function today(now: Date): RocDate {
  return rocDateFromDate(now);
}
