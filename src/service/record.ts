/**
 * Record (記錄): the dispensing transaction. Claims the refill (the partial unique index refuses a second live
 * dispensing of the same M16 + refill), writes the dispensing with its 2.0 record, the outbox entry, the refill
 * events and the audit entry — all or nothing.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { abnormalCodeMeaning, type CounterAbnormalCode } from "../domain/abnormal-dispensing.js";
import { J000 } from "../domain/dispensing-record.js";
import type { VerificationState } from "../domain/incident.js";
import { type Message, msg } from "../domain/message.js";
import type { PaperEntryCause } from "../domain/paper-prescription.js";
import { paperCauseText } from "../domain/paper-text.js";
import { dateFromRocDateTime, formatRocDateTime, type RocDateTime } from "../domain/roc-date.js";
import type { PrescriptionStatus } from "../nhi/client.js";
import type { UploadRecord } from "../nhi/format/record.js";
import { enqueue } from "./outbox/entries.js";
import { insertDispensing, insertRecheck } from "./store/dispensings.js";
import { addRefillEvent, audit } from "./store/events.js";
import { storePaperPrescription } from "./store/paper.js";
import { upsertPatient } from "./store/patients.js";
import type { CardIdentity, DispenseRequest } from "./types.js";

export interface CommitDispensingInput {
  id: string;
  now: Date;
  pharmacyCode: string;
  pharmacistId: string;
  prescription: Pick<PrescriptionStatus, "originalVisitId" | "nationalId" | "prescriberInstitutionCode" | "birthDate">;
  refillNo: number;
  days: number;
  visitId: string;
  visitDateTime: RocDateTime;
  record: UploadRecord;
  /** The cause the pharmacist confirmed (M13 on the H01=B record). */
  abnormalCode?: CounterAbnormalCode;
  overrideReason?: string;
  j000: boolean;
  card?: CardIdentity;
  terminalId?: string;
  supplement?: DispenseRequest["supplement"];
  confirmKey?: string;
  /** Entered from the paper: why, and the prescription as typed (keyed by our key; stored with the dispensing). */
  paper?: { cause: PaperEntryCause; typed: PrescriptionStatus };
  /** Made without NHI's word: unverified (re-check queued) or uncheckable (SM00: NHI keeps no status). */
  verification?: VerificationState;
  /** Hold the upload until then (D024: until the clinic has uploaded, found by the re-check, or this time). */
  holdUploadUntil?: Date;
}

/** Writes one dispensing; throws the database's unique violation when another counter won the race. */
export async function commitDispensing(
  db: Kysely<Database>,
  input: CommitDispensingInput,
  afterClaim?: (dispensingId: string) => Promise<void>,
): Promise<void> {
  const { id, now, record, visitId, visitDateTime, days, refillNo, card } = input;
  const status = input.prescription;
  const abnormal = input.abnormalCode !== undefined;
  const overrideReason = input.overrideReason;
  await db.transaction().execute(async (trx) => {
    // A typed identity carries no name; a card's name is the patient's only when the card is the patient's.
    const cardIsPatient = card?.nationalId === status.nationalId;
    await upsertPatient(trx, now, {
      nationalId: status.nationalId,
      name: cardIsPatient ? card?.name : undefined,
      birthDate: card?.birthDate ?? status.birthDate,
      sex: card?.sex,
    });
    if (input.paper) await storePaperPrescription(trx, input.paper.typed, now);
    const iso = now.toISOString();
    await insertDispensing(trx, {
      id,
      visit_id: visitId,
      original_visit_id: status.originalVisitId,
      refill_no: refillNo,
      visit_date_time: visitDateTime,
      pharmacist_id: input.pharmacistId,
      national_id: status.nationalId,
      days,
      status: "active",
      data_format: record.h01,
      abnormal_code: input.abnormalCode ?? null,
      j000: input.j000 ? 1 : 0,
      override_reason: abnormal ? (overrideReason ?? null) : null,
      card_source: card?.source ?? null,
      terminal_id: input.terminalId ?? null,
      confirm_key: input.confirmKey ?? null,
      record_json: JSON.stringify(record),
      revision: 0,
      created_at: iso,
      updated_at: iso,
      deleted_at: null,
      delete_reason: null,
      paper_cause: input.paper?.cause ?? null,
      verification: input.verification ?? (abnormal ? "unverified" : null),
      j000_confirmed_by: input.j000 ? input.pharmacistId : null,
      j000_confirmed_at: input.j000 ? iso : null,
    });
    await afterClaim?.(id);
    await enqueue(trx, {
      dispensingId: id,
      visitId,
      record,
      revision: 0,
      cardWrittenAt: dateFromRocDateTime(visitDateTime),
      now,
      ...(input.holdUploadUntil ? { holdUntil: input.holdUploadUntil } : {}),
    });
    const common = {
      at: now,
      originalVisitId: status.originalVisitId,
      refillNo,
      nationalId: status.nationalId,
      prescriberInstitutionCode: status.prescriberInstitutionCode,
      institutionCode: input.pharmacyCode,
      pharmacistId: input.pharmacistId,
    };
    const note = paperNote(input.paper?.cause) ?? supplementNote(input.supplement);
    await addRefillEvent(trx, {
      ...common,
      type: "dispensed",
      nhiCodes: [record.h01],
      reason: note?.en,
      message: withNote(
        msg(
          `第${refillNo}次於本藥局調劑，${days}日份（就醫識別碼 ${visitId}）`,
          `Refill ${refillNo} dispensed here, ${days} days (visit ID ${visitId})`,
        ),
        note,
      ),
    });
    if (input.j000) {
      await addRefillEvent(trx, {
        ...common,
        type: "j000",
        nhiCodes: [J000],
        reason: `M18 unknown; pharmacist ${input.pharmacistId} confirmed at ${formatRocDateTime(visitDateTime)}: NHI cloud medication record checked, prescribing clinic asked`,
        message: msg(
          `第${refillNo}次：查無原處方就醫序號，M18填J000；藥師 ${input.pharmacistId} 於 ${formatRocDateTime(visitDateTime)} 確認已查健保雲端藥歷並洽原處方院所，皆無法取得`,
          `Refill ${refillNo}: original sequence number unknown, M18 = J000; pharmacist ${input.pharmacistId} confirmed at ${formatRocDateTime(visitDateTime)} that the NHI cloud medication record and the prescribing clinic could not supply it`,
        ),
      });
    }
    if (input.abnormalCode) {
      const code = input.abnormalCode;
      const cause = abnormalCodeMeaning(code);
      await addRefillEvent(trx, {
        ...common,
        type: "override",
        nhiCodes: [code],
        reason: overrideReason,
        message: msg(
          `異常過卡：藥師 ${input.pharmacistId} 確認原因「${cause.zh}」（${code}），調劑第${refillNo}次，以異常上傳（H01=B，M13=${code}）：${overrideReason}`,
          `Abnormal card pass: pharmacist ${input.pharmacistId} confirmed the cause "${cause.en}" (${code}); refill ${refillNo} dispensed, uploaded as abnormal (H01=B, M13=${code}): ${overrideReason}`,
        ),
      });
    }
    if (!input.abnormalCode && overrideReason) {
      await addRefillEvent(trx, {
        ...common,
        type: "override",
        nhiCodes: ["D024"],
        reason: overrideReason,
        message: msg(
          `原處方院所未上傳（D024）之慢箋第${refillNo}次：藥師 ${input.pharmacistId} 填寫理由後調劑：${overrideReason}`,
          `Chronic refill ${refillNo} the prescriber never uploaded (D024): pharmacist ${input.pharmacistId} dispensed it with a reason: ${overrideReason}`,
        ),
      });
    }
    if (input.verification === "unverified" || (abnormal && input.verification === undefined)) {
      await insertRecheck(trx, { originalVisitId: status.originalVisitId, dispensingId: id, at: now });
    }
    await audit(trx, now, input.pharmacistId, "dispense", "dispensing", id, {
      visitId,
      originalVisitId: status.originalVisitId,
      refillNo,
      days,
      h01: record.h01,
      override: overrideReason ?? null,
      abnormalCode: input.abnormalCode ?? null,
      paperEntry: input.paper?.cause ?? null,
      terminalId: input.terminalId ?? null,
      card: card
        ? {
            source: card.source,
            proxy: card.proxy ?? false,
            ...(card.typedReason ? { typedReason: card.typedReason } : {}),
          }
        : null,
    });
  });
}

function paperNote(cause: PaperEntryCause | undefined): Message | undefined {
  if (!cause) return undefined;
  const why = paperCauseText(cause);
  return msg(
    `依紙本輸入處方（${why.zh}），待健保署查核`,
    `entered from the paper (${why.en}), awaiting NHI's re-check`,
  );
}

function supplementNote(supplement: DispenseRequest["supplement"]): Message | undefined {
  if (!supplement) return undefined;
  const at = formatRocDateTime(supplement.actualVisitDateTime);
  return supplement.actualVisitId
    ? msg(
        `補卡上傳（M12=2，實際就醫 ${at}，M52=${supplement.actualVisitId}）`,
        `card supplement (M12=2, actual visit ${at}, M52=${supplement.actualVisitId})`,
      )
    : msg(
        `補卡上傳（M12=4，實際就醫 ${at}，M52=MISS；未保留就醫識別碼，須填報健保卡作業異常狀況報備單）`,
        `card supplement without a kept visit ID (M12=4, actual visit ${at}, M52=MISS; file the abnormal-situation report form)`,
      );
}

function withNote(base: Message, note: Message | undefined): Message {
  return note ? msg(`${base.zh}；${note.zh}`, `${base.en}; ${note.en}`) : base;
}
