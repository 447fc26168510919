/** Assembles the refill reminder slip for a dispensing from the dispensing service. */
import { msg } from "../domain/message.js";
import { addDays, type RocDate, rocDateTimeFromDate } from "../domain/roc-date.js";
import type { DispensingServiceApi, RefillWindow } from "../service/types.js";
import { ReportError } from "./errors.js";
import { patientLabel } from "./mask.js";
import type { PatientMask, PharmacyInfo, SlipData } from "./model.js";

export type SlipSource = Pick<DispensingServiceApi, "getDispensing" | "prescription">;

export interface SlipOptions {
  dispensingId: string;
  pharmacy: PharmacyInfo;
  /** The slip goes home with the patient and may be lost: masked by default. */
  mask?: PatientMask;
  now?: Date;
}

/**
 * The window for refill n+1 when the service did not send one: it opens 10 days before the supply dispensed now
 * runs out and closes on the day it runs out (the service's `RefillWindow` convention).
 */
export function fallbackWindow(dispensedOn: RocDate, days: number): RefillWindow {
  const to = addDays(dispensedOn, days - 1);
  return { from: addDays(to, -9), to };
}

export async function buildSlipData(source: SlipSource, options: SlipOptions): Promise<SlipData> {
  const d = await source.getDispensing(options.dispensingId);
  if (!d) {
    throw new ReportError(
      msg(`找不到調劑紀錄 ${options.dispensingId}`, `No dispensing ${options.dispensingId}`),
      "dispensing-not-found",
    );
  }
  if (d.status === "deleted") {
    throw new ReportError(
      msg("此筆調劑已刪除，不能列印提醒單", "This dispensing was deleted; no slip"),
      "dispensing-deleted",
    );
  }
  const p = await source.prescription(d.originalVisitId);
  if (!p) {
    throw new ReportError(
      msg(`查無原處方 ${d.originalVisitId}`, `Prescription ${d.originalVisitId} not found`),
      "prescription-not-found",
    );
  }
  const nextRefillNo = d.refillNo + 1;
  if (!p.chronic || nextRefillNo > p.refillCount) {
    throw new ReportError(
      msg("這是最後一次領藥，沒有下次領藥", "This was the last refill; there is no next one"),
      "no-next-refill",
    );
  }
  const next = p.refills.find((r) => r.refillNo === nextRefillNo);
  if (next?.state === "cancelled") {
    throw new ReportError(
      msg(`第${nextRefillNo}次已被原處方院所註銷`, `Refill ${nextRefillNo} was cancelled by the prescriber`),
      "next-cancelled",
    );
  }
  if (next?.state === "dispensed") {
    throw new ReportError(
      msg(`第${nextRefillNo}次已調劑`, `Refill ${nextRefillNo} was already dispensed`),
      "next-dispensed",
    );
  }
  const window = next?.window ?? fallbackWindow(d.visitDateTime.slice(0, 7) as RocDate, d.days);
  return {
    pharmacy: options.pharmacy,
    patient: patientLabel(p.nationalId, p.patientName, options.mask ?? "masked"),
    originalVisitId: d.originalVisitId,
    prescriberName: p.prescriberName,
    prescriberInstitutionCode: p.prescriberInstitutionCode,
    dispensedRefillNo: d.refillNo,
    dispensedAt: d.visitDateTime,
    days: d.days,
    refillCount: p.refillCount,
    nextRefillNo,
    window: { from: window.from, to: window.to },
    printedAt: rocDateTimeFromDate(options.now ?? new Date()),
  };
}
