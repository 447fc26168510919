/**
 * Steps every dispensing shares, scanned or entered from the paper: the 2.0 record of our own visit (validated
 * before anything is written), the refusal when another counter claimed the refill first, and the success with the
 * next refill's window.
 */
import { randomUUID } from "node:crypto";
import type { CounterAbnormalCode } from "../domain/abnormal-dispensing.js";
import { buildDispensingRecord } from "../domain/dispensing-record.js";
import { reason } from "../domain/reason-text.js";
import { refillWindow } from "../domain/refill-rules.js";
import type { RocDate, RocDateTime } from "../domain/roc-date.js";
import type { PrescriptionStatus } from "../nhi/client.js";
import { validateRecord } from "../nhi/format/validate.js";
import type { ServiceContext } from "./context.js";
import type { OwnVisit } from "./own-visit.js";
import { getDispensing } from "./queries.js";
import { block } from "./reasons.js";
import type { CommitDispensingInput } from "./record.js";
import { liveDispensingOfRefill } from "./store/dispensings.js";
import type { DecisionReason, DispenseRequest, DispenseResult } from "./types.js";

/** What the confirmation carried (a scan's or a paper entry's request). */
export type ConfirmationInput = Pick<DispenseRequest, "card" | "supplement" | "override" | "terminalId" | "confirmKey">;

/** What the dispensing path established: our visit, the prescription, the refill and the cause. */
export interface DispensingFacts {
  visit: OwnVisit;
  pharmacistId: string;
  status: PrescriptionStatus;
  abnormalCode: CounterAbnormalCode;
  refillNo: number;
  days: number;
  j000: boolean;
  now: Date;
}

/** J000 (M18 unknown on refill 2+) needs the pharmacist's confirmation of both checks seed 004 §三(四)6 requires. */
export function j000Unconfirmed(
  j000: boolean,
  confirmed: DispenseRequest["j000Confirmation"],
): DecisionReason | undefined {
  if (!j000 || (confirmed?.cloudRecordChecked && confirmed.prescriberAsked)) return undefined;
  return reason("j000-unconfirmed", "override", undefined, "J000");
}

/**
 * Our dispensing's 2.0 record and what recording it takes, or the fields the local checks refuse (then nothing is
 * written).
 */
export function prepareDispensing(
  ctx: ServiceContext,
  request: ConfirmationInput,
  input: DispensingFacts,
): { commit: CommitDispensingInput; incomplete: DecisionReason[] } {
  const { visit, status } = input;
  const { card, supplement } = request;
  const record = buildDispensingRecord({
    dataFormat: visit.abnormal ? "B" : "A",
    pharmacyCode: ctx.pharmacy.pharmacyCode,
    pharmacistId: input.pharmacistId,
    nationalId: status.nationalId,
    birthDate: card?.birthDate ?? status.birthDate,
    visitDateTime: visit.visitDateTime,
    visitId: visit.visitId,
    samId: visit.pass?.samId,
    cardNumber: visit.pass?.cardNumber ?? card?.cardNumber,
    signature: visit.pass?.signature,
    abnormalCode: visit.abnormal ? input.abnormalCode : undefined,
    prescription: status,
    refillNo: input.refillNo,
    days: input.days,
    j000: input.j000,
    ...(supplement ? { supplement } : {}),
  });
  const incomplete = validateRecord(record, 1, { pharmacy: true }).map((f) =>
    block("record-incomplete", { field: f.field, code: f.code, detail: f.message }, f.code),
  );
  const abnormal = visit.abnormal;
  const commit: CommitDispensingInput = {
    id: randomUUID(),
    now: input.now,
    pharmacyCode: ctx.pharmacy.pharmacyCode,
    pharmacistId: input.pharmacistId,
    prescription: status,
    refillNo: input.refillNo,
    days: input.days,
    visitId: visit.visitId,
    visitDateTime: visit.visitDateTime,
    record,
    abnormalCode: abnormal ? input.abnormalCode : undefined,
    overrideReason: abnormal ? request.override?.reason?.trim() : undefined,
    j000: input.j000,
    card,
    terminalId: request.terminalId,
    supplement,
    confirmKey: request.confirmKey,
  };
  return { commit, incomplete };
}

/** Another counter claimed this refill between our check and our commit: who, and when. */
export async function claimedMeanwhile(ctx: ServiceContext, key: string, refillNo: number): Promise<DecisionReason> {
  const winner = await liveDispensingOfRefill(ctx.db, key, refillNo);
  return block("dispensed-here", {
    refillNo,
    justNow: true,
    ...(winner ? { at: winner.visit_date_time as RocDateTime, pharmacistId: winner.pharmacist_id } : {}),
  });
}

/** The dispensing just recorded, with the next refill's window when one follows. */
export async function dispensed(
  ctx: ServiceContext,
  id: string,
  p: {
    status: Pick<PrescriptionStatus, "chronic" | "refillCount">;
    refillNo: number;
    visitDateTime: RocDateTime;
    days: number;
  },
): Promise<DispenseResult> {
  const result: DispenseResult = { ok: true, dispensing: (await getDispensing(ctx, id))! };
  if (p.status.chronic && p.refillNo < p.status.refillCount) {
    result.nextRefill = {
      refillNo: p.refillNo + 1,
      window: refillWindow(p.visitDateTime.slice(0, 7) as RocDate, p.days),
    };
  }
  return result;
}
