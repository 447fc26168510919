/**
 * The dispensing service (調劑服務): scanned visit ID → decision → one-transaction dispensing with its upload
 * record and outbox entry; delete (H01=D) and correction (same M15) of our own records; refill tracking and
 * the upload outbox. Implements the contract in ./types.ts for the terminal UI, the API and the CLI.
 */
import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { Batcher } from "../db/batcher.js";
import type { Engine } from "../db/migrations.js";
import { isUniqueViolation } from "../db/open.js";
import type { Database, DispensingRow } from "../db/schema.js";
import { decide, type NhiFacts, prescriptionView, refillFacts } from "../domain/decision.js";
import { buildDeleteRecord, buildDispensingRecord, J000, withDays } from "../domain/dispensing-record.js";
import { type Message, msg } from "../domain/message.js";
import { checkNationalId } from "../domain/national-id.js";
import {
  correctionAllowed,
  correctionDeadline,
  MAX_DAYS_PER_CHRONIC_DISPENSING,
  nextRefill,
  refillWindow,
  SUPPLEMENT_WORKING_DAYS,
  windowFor,
  windowPosition,
  workingDaysBetween,
} from "../domain/refill-rules.js";
import {
  addDays,
  dateFromRocDate,
  dateFromRocDateTime,
  formatRocDate,
  formatRocDateTime,
  isRocDateTime,
  type RocDate,
  type RocDateTime,
  rocDateFromDate,
  rocDateTimeFromDate,
} from "../domain/roc-date.js";
import { parseVisitId } from "../domain/visit-id.js";
import type {
  CardPass,
  NhiCaller,
  NhiClient,
  OfflineVisitId,
  PrescriptionStatus,
  PrescriptionStatusResult,
} from "../nhi/client.js";
import type { UploadRecord } from "../nhi/format/record.js";
import { validateRecord } from "../nhi/format/validate.js";
import { isUnavailable, withTimeout } from "./nhi-calls.js";
import {
  outboxStatus as computeOutboxStatus,
  DEFAULT_OUTBOX_SETTINGS,
  enqueue,
  type OutboxSettings,
  runOutbox as runOutboxOnce,
} from "./outbox.js";
import {
  addRefillEvent,
  addRefillEvents,
  audit,
  dispensingView,
  eventView,
  type LocalState,
  type LocalStateRow,
  latestOutbox,
  loadLocalState,
  localFacts,
  lookUpPrescriptions,
  MAX_LOOKUP_BATCH,
  outboxView,
  type RefillEventInput,
  syncPrescriptionStatus,
  upsertPatient,
} from "./store.js";
import type {
  CardIdentity,
  CorrectRequest,
  Decision,
  DecisionReason,
  DeleteRequest,
  DispenseRequest,
  DispenseResult,
  DispensingServiceApi,
  DispensingView,
  MutationResult,
  OutboxEntryView,
  OutboxStatus,
  PrescriptionView,
  ReasonCode,
  RefillDue,
  RefillEventView,
  RefillLogQuery,
  ServiceHealth,
  UploadState,
} from "./types.js";

export interface PharmacyIdentity {
  /** Our institution code (M05). */
  institutionCode: string;
  name?: string;
}

export interface DispensingServiceOptions {
  db: Kysely<Database>;
  engine: Engine;
  nhi: NhiClient;
  pharmacy: PharmacyIdentity;
  now?: () => Date;
  /** NHI calls slower than this count as unreachable (ms). */
  nhiTimeoutMs?: number;
  outbox?: Partial<OutboxSettings>;
  /** Closes what the service was given (database, sandbox) on `close()`. */
  onClose?: () => Promise<void>;
  /** Institution names for messages (e.g. from the sandbox registry). */
  institutionName?: (code: string) => string | undefined;
  /** Test seam: runs inside the dispensing transaction right after the refill is claimed. */
  hooks?: { afterClaim?: (dispensingId: string) => Promise<void> };
}

/** Abnormal code used when NHI is unreachable at the counter (健保署資訊系統當機). */
export const NHI_DOWN_ABNORMAL_CODE = "E000";

const CONFLICT_CODES: ReadonlySet<ReasonCode> = new Set([
  "dispensed-here",
  "dispensed-elsewhere",
  "cancelled",
  "out-of-order",
  "before-window",
  "after-window",
  "refills-exhausted",
]);

function block(code: ReasonCode, message: Message, nhiCode?: string): DecisionReason {
  return nhiCode ? { code, severity: "block", nhiCode, message } : { code, severity: "block", message };
}

class Rejection extends Error {
  constructor(
    readonly status: 404 | 409 | 422,
    readonly reasons: DecisionReason[],
  ) {
    super(reasons.map((r) => r.message.en).join("; "));
  }
}

interface Evaluation {
  decision: Decision;
  nhi: NhiFacts;
  local: LocalState;
}

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
  abnormalCode?: string;
  overrideReason?: string;
  j000: boolean;
  card?: CardIdentity;
  terminalId?: string;
  supplement?: DispenseRequest["supplement"];
}

/**
 * The dispensing transaction: claims the refill (the partial unique index refuses a second live dispensing of
 * the same M16 + refill), writes the dispensing with its 2.0 record, the outbox entry, the refill events and the
 * audit entry — all or nothing. Throws the database's unique violation when another counter won the race.
 */
export async function commitDispensing(
  db: Kysely<Database>,
  input: CommitDispensingInput,
  afterClaim?: (dispensingId: string) => Promise<void>,
): Promise<void> {
  const { id, now, record, visitId, visitDateTime, days, refillNo, card } = input;
  const status = input.prescription;
  const abnormal = input.abnormalCode !== undefined;
  const overrideReason = input.overrideReason;
  const j000 = input.j000;
  const pharmacist = { nationalId: input.pharmacistId };
  const decision = { refillNo };
  const request = { card, terminalId: input.terminalId };
  const self = { pharmacy: { institutionCode: input.pharmacyCode } };
  await db.transaction().execute(async (trx) => {
    await upsertPatient(trx, now, {
      nationalId: status.nationalId,
      name: request.card?.name,
      birthDate: request.card?.birthDate ?? status.birthDate,
      sex: request.card?.sex,
    });
    const iso = now.toISOString();
    await trx
      .insertInto("dispensings")
      .values({
        id,
        visit_id: visitId,
        original_visit_id: status.originalVisitId,
        refill_no: decision.refillNo,
        visit_date_time: visitDateTime,
        pharmacist_id: pharmacist.nationalId,
        national_id: status.nationalId,
        days,
        status: "active",
        data_format: record.h01,
        abnormal_code: input.abnormalCode ?? null,
        j000: j000 ? 1 : 0,
        override_reason: abnormal ? (overrideReason ?? null) : null,
        card_source: request.card?.source ?? null,
        terminal_id: request.terminalId ?? null,
        record_json: JSON.stringify(record),
        revision: 0,
        created_at: iso,
        updated_at: iso,
        deleted_at: null,
        delete_reason: null,
      })
      .execute();
    await afterClaim?.(id);
    await enqueue(trx, {
      dispensingId: id,
      visitId,
      record,
      revision: 0,
      cardWrittenAt: dateFromRocDateTime(visitDateTime),
      now,
    });
    const common = {
      at: now,
      originalVisitId: status.originalVisitId,
      refillNo: decision.refillNo,
      nationalId: status.nationalId,
      prescriberInstitutionCode: status.prescriberInstitutionCode,
      institutionCode: self.pharmacy.institutionCode,
      pharmacistId: pharmacist.nationalId,
    };
    await addRefillEvent(trx, {
      ...common,
      type: "dispensed",
      nhiCodes: [record.h01],
      reason: supplementNote(input.supplement)?.en,
      message: withNote(
        msg(
          `第${decision.refillNo}次於本藥局調劑，${days}日份（就醫識別碼 ${visitId}）`,
          `Refill ${decision.refillNo} dispensed here, ${days} days (visit ID ${visitId})`,
        ),
        supplementNote(input.supplement),
      ),
    });
    if (j000) {
      await addRefillEvent(trx, {
        ...common,
        type: "j000",
        nhiCodes: [J000],
        reason:
          "original sequence number (M18) unknown: not on the prescription, not in NHI status, no earlier record here",
        message: msg(
          `第${decision.refillNo}次：查無原處方就醫序號（處方箋、健保署查詢、本藥局紀錄皆無），M18填J000`,
          `Refill ${decision.refillNo}: original sequence number unknown (not on the paper, in NHI's status or our records); M18 = J000`,
        ),
      });
    }
    if (abnormal) {
      await addRefillEvent(trx, {
        ...common,
        type: "override",
        nhiCodes: [input.abnormalCode ?? NHI_DOWN_ABNORMAL_CODE],
        reason: overrideReason,
        message: msg(
          `健保署無法連線，藥師確認後調劑第${decision.refillNo}次（異常上傳E000）：${overrideReason}`,
          `NHI unreachable; refill ${decision.refillNo} dispensed on the pharmacist's override (abnormal upload E000): ${overrideReason}`,
        ),
      });
      await trx
        .insertInto("rechecks")
        .values({
          id: randomUUID(),
          original_visit_id: status.originalVisitId,
          dispensing_id: id,
          created_at: iso,
          done_at: null,
          result: null,
        })
        .execute();
    }
    await audit(trx, now, pharmacist.nationalId, "dispense", "dispensing", id, {
      visitId,
      originalVisitId: status.originalVisitId,
      refillNo: decision.refillNo,
      days,
      h01: record.h01,
      override: overrideReason ?? null,
      terminalId: request.terminalId ?? null,
      card: request.card ? { source: request.card.source, proxy: request.card.proxy ?? false } : null,
    });
  });
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

export class DispensingService implements DispensingServiceApi {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  readonly nhi: NhiClient;
  readonly pharmacy: PharmacyIdentity;
  readonly now: () => Date;
  readonly #caller: NhiCaller;
  readonly #timeoutMs: number;
  readonly #outbox: OutboxSettings;
  readonly #options: DispensingServiceOptions;
  #outboxRun: Promise<{ uploaded: number; accepted: number; rejected: number; failed: number }> | undefined;
  #closed = false;
  readonly #lastSeen = new Map<string, Date>();
  /** Concurrent scans share one read of our tables (each still sees every commit made before it asked). */
  readonly #prescriptions = new Batcher<string, LocalStateRow | undefined>(
    (ids) => lookUpPrescriptions(this.db, this.engine, ids),
    { maxBatch: MAX_LOOKUP_BATCH },
  );
  readonly #findPrescription = (originalVisitId: string) => this.#prescriptions.add(originalVisitId);
  /** Blocked attempts from concurrent counters are written together (each caller still waits for its commit). */
  readonly #blockedEvents = new Batcher<RefillEventInput>(async (events) => {
    await addRefillEvents(this.db, events);
    return undefined;
  });

  constructor(options: DispensingServiceOptions) {
    this.#options = options;
    this.db = options.db;
    this.engine = options.engine;
    this.nhi = options.nhi;
    this.pharmacy = options.pharmacy;
    this.now = options.now ?? (() => new Date());
    this.#caller = { institutionCode: options.pharmacy.institutionCode };
    this.#timeoutMs = options.nhiTimeoutMs ?? 10_000;
    this.#outbox = { ...DEFAULT_OUTBOX_SETTINGS, timeoutMs: this.#timeoutMs, ...options.outbox };
  }

  // ---------------------------------------------------------------- decision

  /** Our state of one prescription (`cached`: also rebuild NHI's last answer from our tables; the default). */
  #localState(originalVisitId: string, cached = true): Promise<LocalState> {
    return loadLocalState(this.db, this.#findPrescription, originalVisitId, { cached });
  }

  async #fetchStatus(
    originalVisitId: string,
  ): Promise<{ reachable: true; result: PrescriptionStatusResult } | { reachable: false }> {
    try {
      const result = await withTimeout("prescriptionStatus", this.#timeoutMs, () =>
        this.nhi.prescriptionStatus(this.#caller, originalVisitId),
      );
      return { reachable: true, result };
    } catch (error) {
      if (isUnavailable(error)) return { reachable: false };
      throw error;
    }
  }

  /**
   * Stores NHI's answer. A scan usually finds nothing new: then the stored copy is left alone (the check stays
   * read-only and fast) and only the in-memory "last seen" time moves.
   */
  async #sync(status: PrescriptionStatus, now: Date): Promise<void> {
    const json = JSON.stringify(status);
    const stored = await this.db
      .selectFrom("prescriptions")
      .select("nhi_status_json")
      .where("original_visit_id", "=", status.originalVisitId)
      .executeTakeFirst();
    this.#lastSeen.set(status.originalVisitId, now);
    if (stored?.nhi_status_json === json) return;
    await this.db
      .transaction()
      .execute((trx) => syncPrescriptionStatus(trx, status, now, this.pharmacy.institutionCode));
  }

  async #evaluate(input: { visitIdInput: string; card?: CardIdentity; requireCard?: boolean }): Promise<Evaluation> {
    const now = this.now();
    const parsed = parseVisitId(input.visitIdInput);
    let nhi: NhiFacts = { reachable: true, result: { found: false, code: "D074", message: msg("", "") } };
    let local: Evaluation["local"] = { active: [], deletedVisitIds: [] };
    if (parsed.valid && parsed.kind === "standard") {
      const fetched = await this.#fetchStatus(parsed.visitId);
      local = await this.#localState(parsed.visitId, !fetched.reachable);
      if (fetched.reachable && fetched.result.found) {
        this.#lastSeen.set(parsed.visitId, now);
        const status = fetched.result.status;
        if (local.prescription?.nhi_status_json !== JSON.stringify(status)) {
          await this.db
            .transaction()
            .execute((trx) => syncPrescriptionStatus(trx, status, now, this.pharmacy.institutionCode));
          local = await this.#localState(parsed.visitId, false);
        }
      }
      if (fetched.reachable) nhi = fetched;
      else {
        nhi = { reachable: false };
        if (local.status) {
          nhi.cached = local.status;
          const seen = [local.prescription?.nhi_checked_at, this.#lastSeen.get(parsed.visitId)?.toISOString()]
            .filter((x): x is string => !!x)
            .sort()
            .at(-1);
          if (seen) nhi.cachedAt = formatRocDateTime(rocDateTimeFromDate(new Date(seen)));
        }
      }
    }
    const decision = decide({
      parsed,
      card: input.card,
      requireCard: input.requireCard,
      now,
      today: rocDateFromDate(now),
      ourInstitutionCode: this.pharmacy.institutionCode,
      nhi,
      local: localFacts(local.active),
      deletedVisitIds: local.deletedVisitIds,
      patientName: input.card?.name ?? local.patientName,
      institutionName: this.#options.institutionName,
    });
    return { decision, nhi, local };
  }

  async #logBlocked(decision: Decision, pharmacistId?: string): Promise<void> {
    if (decision.outcome !== "block" || !decision.originalVisitId || !decision.prescription) return;
    const blocks = decision.reasons.filter((r) => r.severity === "block");
    await this.#blockedEvents.add({
      type: "blocked",
      at: this.now(),
      originalVisitId: decision.originalVisitId,
      refillNo: decision.refillNo,
      nationalId: decision.prescription.nationalId,
      prescriberInstitutionCode: decision.prescription.prescriberInstitutionCode,
      institutionCode: this.pharmacy.institutionCode,
      pharmacistId,
      reason: blocks.map((r) => r.code).join(","),
      nhiCodes: blocks.flatMap((r) => (r.nhiCode ? [r.nhiCode] : [])),
      message: {
        zh: blocks.map((r) => r.message.zh).join("；"),
        en: blocks.map((r) => r.message.en).join("; "),
      },
    });
  }

  #supplementProblem(
    request: DispenseRequest,
    prescribedAt: RocDateTime,
    visitDateTime: RocDateTime,
  ): DecisionReason | undefined {
    const s = request.supplement;
    if (!s) return undefined;
    if (!isRocDateTime(s.actualVisitDateTime)) {
      return block(
        "invalid-visit-id",
        msg(
          `補卡之實際就醫時間格式錯誤（應為yyyMMddHHmmss）：${s.actualVisitDateTime}`,
          `The actual visit date-time of a card supplement must be yyyMMddHHmmss: ${s.actualVisitDateTime}`,
        ),
      );
    }
    if (s.actualVisitDateTime < prescribedAt || s.actualVisitDateTime > visitDateTime) {
      return block(
        "before-window",
        msg(
          `補卡之實際就醫時間須介於處方開立（${formatRocDateTime(prescribedAt)}）與現在之間`,
          `The actual visit must lie between the prescription (${formatRocDateTime(prescribedAt)}) and now`,
        ),
      );
    }
    const days = workingDaysBetween(s.actualVisitDateTime.slice(0, 7) as RocDate, visitDateTime.slice(0, 7) as RocDate);
    if (days > SUPPLEMENT_WORKING_DAYS) {
      return block(
        "after-window",
        msg(
          `已逾補卡期限（就醫後${SUPPLEMENT_WORKING_DAYS}日內，不含例假日；已過${days}個工作日），不可補卡上傳`,
          `Too late for a card supplement (within ${SUPPLEMENT_WORKING_DAYS} working days of the visit; ${days} have passed)`,
        ),
      );
    }
    if (s.actualVisitId !== undefined) {
      const parsed = parseVisitId(s.actualVisitId);
      if (!parsed.valid || parsed.kind !== "standard" || parsed.corrections.length > 0) {
        return block(
          "invalid-visit-id",
          msg(
            `補卡保留之就醫識別碼無效：${s.actualVisitId}（未保留時請留空，將以MISS上傳）`,
            `The kept visit ID of the card supplement is not valid: ${s.actualVisitId} (leave it out to upload MISS)`,
          ),
        );
      }
    }
    return undefined;
  }

  async check(input: { visitIdInput: string; card?: CardIdentity }): Promise<Decision> {
    const { decision } = await this.#evaluate(input);
    await this.#logBlocked(decision);
    return decision;
  }

  // ---------------------------------------------------------------- dispense

  async dispense(request: DispenseRequest): Promise<DispenseResult> {
    const pharmacist = checkNationalId(request.pharmacistId ?? "");
    if (!pharmacist.valid) {
      return {
        ok: false,
        status: 422,
        reasons: [
          block(
            "person-mismatch",
            msg(`藥師身分證號無效：${pharmacist.reason.zh}`, `Invalid pharmacist ID: ${pharmacist.reason.en}`),
          ),
        ],
      };
    }
    const { decision, nhi } = await this.#evaluate({
      visitIdInput: request.visitIdInput,
      card: request.card,
      requireCard: true,
    });
    if (decision.outcome === "block") {
      await this.#logBlocked(decision, pharmacist.nationalId);
      const conflict = decision.reasons.some((r) => r.severity === "block" && CONFLICT_CODES.has(r.code));
      return {
        ok: false,
        status: conflict ? 409 : 422,
        decision,
        reasons: decision.reasons.filter((r) => r.severity === "block"),
      };
    }
    const status = nhi.reachable ? (nhi.result.found ? nhi.result.status : undefined) : nhi.cached;
    if (!status || !decision.originalVisitId || decision.refillNo === undefined) {
      return { ok: false, status: 422, decision, reasons: decision.reasons };
    }
    if (request.refillNo !== decision.refillNo) {
      const stale = block(
        request.refillNo < decision.refillNo ? "dispensed-here" : "out-of-order",
        msg(
          `畫面資料已過時：目前應調劑第${decision.refillNo}次，而非第${request.refillNo}次；請重新查詢`,
          `The screen is out of date: the refill due now is ${decision.refillNo}, not ${request.refillNo}; check again`,
        ),
      );
      return { ok: false, status: 409, decision, reasons: [stale] };
    }
    const overrideReason = request.override?.reason?.trim();
    if (decision.outcome === "override" && !overrideReason) {
      return {
        ok: false,
        status: 403,
        decision,
        reasons: [
          {
            code: "nhi-unreachable",
            severity: "override",
            message: msg(
              "無法連線健保署：須由藥師填寫理由後才能調劑（異常上傳E000）",
              "NHI cannot be reached: a pharmacist must give a reason before dispensing (abnormal upload E000)",
            ),
          },
        ],
      };
    }
    const days = request.days ?? status.daysPerRefill;
    const maxDays = status.chronic
      ? Math.min(status.daysPerRefill, MAX_DAYS_PER_CHRONIC_DISPENSING)
      : status.daysPerRefill;
    if (!Number.isInteger(days) || days < 1 || days > Math.max(maxDays, 1)) {
      return {
        ok: false,
        status: 422,
        decision,
        reasons: [
          block(
            "total-days-over-90",
            msg(`給藥日份須為1～${maxDays}日（輸入${days}）`, `Days supplied must be 1 to ${maxDays} (got ${days})`),
          ),
        ],
      };
    }

    // Our own visit: the card pass (A) or, with NHI down, API 1.54's offline visit ID (B, E000).
    const now = this.now();
    let pass: CardPass | undefined;
    let offline: OfflineVisitId | undefined;
    let abnormal = decision.outcome === "override";
    if (!abnormal) {
      try {
        pass = await withTimeout("passCard", this.#timeoutMs, () =>
          this.nhi.passCard(this.#caller, {
            nationalId: status.nationalId,
            cardNumber: request.card?.cardNumber,
            visitCategory: "AF",
            at: now,
          }),
        );
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        if (!overrideReason) {
          return {
            ok: false,
            status: 403,
            decision: { ...decision, outcome: "override", nhiReachable: false },
            reasons: [
              {
                code: "nhi-unreachable",
                severity: "override",
                message: msg(
                  "過卡時健保署連線中斷：須由藥師填寫理由後以異常上傳（E000）調劑",
                  "NHI went away during the card pass: dispense as abnormal (E000) with a pharmacist's reason",
                ),
              },
            ],
          };
        }
        abnormal = true;
      }
    }
    if (abnormal) {
      try {
        offline = await withTimeout("offlineVisitId", this.#timeoutMs, () =>
          this.nhi.offlineVisitId(this.#caller, status.nationalId, now),
        );
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        return {
          ok: false,
          status: 422,
          decision,
          reasons: [
            block(
              "nhi-unreachable",
              msg(
                "讀卡機控制軟體無法產生異常就醫識別碼（API 1.54），無法建立紀錄；請檢查讀卡機控制軟體",
                "The card reader control software could not issue an offline visit ID (API 1.54), so no record can be made; check the control software",
              ),
            ),
          ],
        };
      }
    }
    const visitId = pass?.visitId ?? offline!.visitId;
    const visitDateTime = pass?.visitDateTime ?? offline!.visitDateTime;
    const j000 = decision.refillNo >= 2 && !status.originalSequenceNumber;
    const supplementProblem = this.#supplementProblem(request, status.originalVisitDateTime, visitDateTime);
    if (supplementProblem) return { ok: false, status: 422, decision, reasons: [supplementProblem] };
    const record = buildDispensingRecord({
      dataFormat: abnormal ? "B" : "A",
      pharmacyCode: this.pharmacy.institutionCode,
      pharmacistId: pharmacist.nationalId,
      nationalId: status.nationalId,
      birthDate: request.card?.birthDate ?? status.birthDate,
      visitDateTime,
      visitId,
      samId: pass?.samId,
      cardNumber: pass?.cardNumber ?? request.card?.cardNumber,
      signature: pass?.signature,
      abnormalCode: abnormal ? NHI_DOWN_ABNORMAL_CODE : undefined,
      prescription: status,
      refillNo: decision.refillNo,
      days,
      j000,
      ...(request.supplement ? { supplement: request.supplement } : {}),
    });
    const findings = validateRecord(record, 1, { pharmacy: true });
    if (findings.length > 0) {
      return {
        ok: false,
        status: 422,
        decision,
        reasons: findings.map((f) =>
          block(
            "not-uploaded",
            msg(
              `上傳資料不完整：${f.field ?? ""} ${f.code} ${f.message.zh}`,
              `Upload record incomplete: ${f.field ?? ""} ${f.code} ${f.message.en}`,
            ),
            f.code,
          ),
        ),
      };
    }

    const id = randomUUID();
    try {
      await commitDispensing(
        this.db,
        {
          id,
          now,
          pharmacyCode: this.pharmacy.institutionCode,
          pharmacistId: pharmacist.nationalId,
          prescription: status,
          refillNo: decision.refillNo,
          days,
          visitId,
          visitDateTime,
          record,
          abnormalCode: abnormal ? NHI_DOWN_ABNORMAL_CODE : undefined,
          overrideReason: abnormal ? overrideReason : undefined,
          j000,
          card: request.card,
          terminalId: request.terminalId,
          supplement: request.supplement,
        },
        this.#options.hooks?.afterClaim,
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another counter claimed this refill between our check and our commit.
      const again = await this.#evaluate({ visitIdInput: request.visitIdInput, card: request.card });
      const winner = await this.db
        .selectFrom("dispensings")
        .selectAll()
        .where("original_visit_id", "=", status.originalVisitId)
        .where("refill_no", "=", decision.refillNo)
        .where("status", "=", "active")
        .executeTakeFirst();
      const reason = block(
        "dispensed-here",
        winner
          ? msg(
              `第${decision.refillNo}次剛由本藥局另一櫃台調劑（${formatRocDateTime(winner.visit_date_time as RocDateTime)}，藥師 ${winner.pharmacist_id}）`,
              `Refill ${decision.refillNo} was just dispensed at another counter here (${formatRocDateTime(
                winner.visit_date_time as RocDateTime,
              )}, pharmacist ${winner.pharmacist_id})`,
            )
          : msg(
              `第${decision.refillNo}次剛被另一櫃台調劑`,
              `Refill ${decision.refillNo} was just dispensed at another counter`,
            ),
      );
      await this.#logBlocked({ ...again.decision, outcome: "block", reasons: [reason] }, pharmacist.nationalId);
      return { ok: false, status: 409, decision: again.decision, reasons: [reason] };
    }
    const row = await this.db.selectFrom("dispensings").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    const latest = await latestOutbox(this.db, [id]);
    const result: DispenseResult = { ok: true, dispensing: dispensingView(row, latest.get(id)) };
    if (status.chronic && decision.refillNo < status.refillCount) {
      result.nextRefill = {
        refillNo: decision.refillNo + 1,
        window: refillWindow(visitDateTime.slice(0, 7) as RocDate, days),
      };
    }
    return result;
  }

  // ---------------------------------------------------------------- delete / correct

  async #loadDispensing(id: string): Promise<DispensingRow> {
    const row = await this.db.selectFrom("dispensings").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) {
      throw new Rejection(404, [block("invalid-visit-id", msg(`查無調劑紀錄 ${id}`, `No dispensing record ${id}`))]);
    }
    if (row.status !== "active") {
      throw new Rejection(409, [
        block(
          "dispensed-here",
          msg(`此調劑紀錄已於 ${row.deleted_at} 刪除`, `This dispensing record was deleted at ${row.deleted_at}`),
        ),
      ]);
    }
    return row;
  }

  #requireReasonAndPharmacist(pharmacistId: string, reason: string): string {
    const pharmacist = checkNationalId(pharmacistId ?? "");
    if (!pharmacist.valid) {
      throw new Rejection(422, [
        block(
          "person-mismatch",
          msg(`藥師身分證號無效：${pharmacist.reason.zh}`, `Invalid pharmacist ID: ${pharmacist.reason.en}`),
        ),
      ]);
    }
    if (!reason || reason.trim().length === 0) {
      throw new Rejection(422, [block("invalid-visit-id", msg("請填寫原因", "A reason is required"))]);
    }
    return pharmacist.nationalId;
  }

  async #mutate(fn: () => Promise<MutationResult>): Promise<MutationResult> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof Rejection) return { ok: false, status: error.status, reasons: error.reasons };
      throw error;
    }
  }

  async deleteDispensing(request: DeleteRequest): Promise<MutationResult> {
    return this.#mutate(async () => {
      const pharmacistId = this.#requireReasonAndPharmacist(request.pharmacistId, request.reason);
      const row = await this.#loadDispensing(request.dispensingId);
      const laterHere = await this.db
        .selectFrom("dispensings")
        .select(["refill_no", "visit_date_time"])
        .where("original_visit_id", "=", row.original_visit_id)
        .where("status", "=", "active")
        .where("refill_no", ">", row.refill_no)
        .execute();
      if (laterHere.length > 0) {
        const n = laterHere.map((r) => r.refill_no).join(",");
        throw new Rejection(409, [
          block("out-of-order", msg(`請先刪除較後之第${n}次調劑紀錄`, `Delete the later refill ${n} first`)),
        ]);
      }
      // D035: a later refill executed elsewhere (NHI's view, or our last copy of it when NHI is down).
      const fetched = await this.#fetchStatus(row.original_visit_id);
      if (fetched.reachable && fetched.result.found) {
        await this.#sync(fetched.result.status, this.now());
      }
      const elsewhere = await this.db
        .selectFrom("nhi_refills")
        .selectAll()
        .where("original_visit_id", "=", row.original_visit_id)
        .where("refill_no", ">", row.refill_no)
        .where("state", "=", "dispensed")
        .where("dispensed_by", "!=", this.pharmacy.institutionCode)
        .execute();
      if (elsewhere.length > 0) {
        const e = elsewhere[0]!;
        throw new Rejection(409, [
          block(
            "dispensed-elsewhere",
            msg(
              `不可刪除：其後之第${e.refill_no}次已由 ${e.dispensed_by} 調劑（D035）`,
              `Cannot delete: the later refill ${e.refill_no} was dispensed by ${e.dispensed_by} (D035)`,
            ),
            "D035",
          ),
        ]);
      }
      const now = this.now();
      await this.db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable("dispensings")
          .set({
            status: "deleted",
            deleted_at: now.toISOString(),
            delete_reason: request.reason.trim(),
            updated_at: now.toISOString(),
          })
          .where("id", "=", row.id)
          .where("status", "=", "active")
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) {
          throw new Rejection(409, [block("dispensed-here", msg("此紀錄已被刪除", "This record was already deleted"))]);
        }
        // Never sent: withdraw it. Sent (or maybe sent): queue H01=D.
        const entries = await trx
          .selectFrom("outbox")
          .selectAll()
          .where("dispensing_id", "=", row.id)
          .where("state", "!=", "superseded")
          .execute();
        const unsent = entries.filter((e) => e.state === "pending" && e.attempts === 0);
        if (unsent.length > 0) {
          await trx
            .updateTable("outbox")
            .set({ state: "superseded" })
            .where(
              "id",
              "in",
              unsent.map((e) => e.id),
            )
            .execute();
        }
        if (entries.length > unsent.length) {
          await enqueue(trx, {
            dispensingId: row.id,
            visitId: row.visit_id,
            record: buildDeleteRecord(JSON.parse(row.record_json) as UploadRecord),
            revision: 0,
            cardWrittenAt: now,
            now,
          });
        }
        await addRefillEvent(trx, {
          type: "deleted",
          at: now,
          originalVisitId: row.original_visit_id,
          refillNo: row.refill_no,
          nationalId: row.national_id,
          institutionCode: this.pharmacy.institutionCode,
          pharmacistId,
          reason: request.reason.trim(),
          nhiCodes: ["D"],
          message: msg(
            `刪除本藥局第${row.refill_no}次調劑紀錄（H01=D），該次可重新調劑：${request.reason.trim()}`,
            `Deleted our record of refill ${row.refill_no} (H01=D); the refill can be dispensed again: ${request.reason.trim()}`,
          ),
        });
        await audit(trx, now, pharmacistId, "delete", "dispensing", row.id, {
          visitId: row.visit_id,
          reason: request.reason.trim(),
          withdrawnBeforeUpload: entries.length === unsent.length,
        });
      });
      return { ok: true, dispensing: (await this.getDispensing(row.id))! };
    });
  }

  async correctDispensing(request: CorrectRequest): Promise<MutationResult> {
    return this.#mutate(async () => {
      const pharmacistId = this.#requireReasonAndPharmacist(request.pharmacistId, request.reason);
      const row = await this.#loadDispensing(request.dispensingId);
      const now = this.now();
      const today = rocDateFromDate(now);
      const deadline = correctionDeadline(row.visit_date_time as RocDateTime);
      if (!correctionAllowed(row.visit_date_time as RocDateTime, today)) {
        throw new Rejection(422, [
          block(
            "after-window",
            msg(
              `已逾更正期限（就醫次月底 ${formatRocDate(deadline)}），不可再以同一就醫識別碼更正上傳；請於費用申報時處理或洽健保署分區業務組`,
              `Past the correction deadline (end of the month after the visit, ${formatRocDate(deadline)}): the record can no longer be re-uploaded with the same visit ID; handle it in the monthly claim or ask the NHI regional office`,
            ),
          ),
        ]);
      }
      const prescription = await this.db
        .selectFrom("prescriptions")
        .selectAll()
        .where("original_visit_id", "=", row.original_visit_id)
        .executeTakeFirstOrThrow();
      const days = request.days ?? row.days;
      const maxDays = prescription.chronic
        ? Math.min(prescription.days_per_refill, MAX_DAYS_PER_CHRONIC_DISPENSING)
        : prescription.days_per_refill;
      if (!Number.isInteger(days) || days < 1 || days > maxDays) {
        throw new Rejection(422, [
          block("total-days-over-90", msg(`給藥日份須為1～${maxDays}日`, `Days supplied must be 1 to ${maxDays}`)),
        ]);
      }
      const record = withDays(JSON.parse(row.record_json) as UploadRecord, days);
      await this.db.transaction().execute(async (trx) => {
        const revision = row.revision + 1;
        const updated = await trx
          .updateTable("dispensings")
          .set({ days, record_json: JSON.stringify(record), revision, updated_at: now.toISOString() })
          .where("id", "=", row.id)
          .where("revision", "=", row.revision)
          .where("status", "=", "active")
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) {
          throw new Rejection(409, [
            block("dispensed-here", msg("紀錄已被他人修改，請重新查詢", "The record changed meanwhile; reload it")),
          ]);
        }
        // A correction not yet sent simply replaces the waiting one (last write wins anyway).
        await trx
          .updateTable("outbox")
          .set({ state: "superseded" })
          .where("dispensing_id", "=", row.id)
          .where("data_format", "=", row.data_format)
          .where("state", "=", "pending")
          .where("attempts", "=", 0)
          .execute();
        await enqueue(trx, {
          dispensingId: row.id,
          visitId: row.visit_id,
          record,
          revision,
          cardWrittenAt: dateFromRocDateTime(row.visit_date_time as RocDateTime),
          now,
        });
        await addRefillEvent(trx, {
          type: "corrected",
          at: now,
          originalVisitId: row.original_visit_id,
          refillNo: row.refill_no,
          nationalId: row.national_id,
          institutionCode: this.pharmacy.institutionCode,
          pharmacistId,
          reason: request.reason.trim(),
          nhiCodes: [row.data_format],
          message: msg(
            `更正第${row.refill_no}次調劑紀錄（同一就醫識別碼重新上傳${row.data_format}，${row.days}→${days}日）：${request.reason.trim()}`,
            `Corrected refill ${row.refill_no} (re-upload ${row.data_format} with the same visit ID, ${row.days}→${days} days): ${request.reason.trim()}`,
          ),
        });
        await audit(trx, now, pharmacistId, "correct", "dispensing", row.id, {
          visitId: row.visit_id,
          revision,
          days: { from: row.days, to: days },
          reason: request.reason.trim(),
        });
      });
      return { ok: true, dispensing: (await this.getDispensing(row.id))! };
    });
  }

  // ---------------------------------------------------------------- queries

  async #views(rows: DispensingRow[]): Promise<DispensingView[]> {
    const latest = await latestOutbox(
      this.db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => dispensingView(r, latest.get(r.id)));
  }

  async getDispensing(id: string): Promise<DispensingView | undefined> {
    const row = await this.db.selectFrom("dispensings").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? (await this.#views([row]))[0] : undefined;
  }

  async recentDispensings(limit: number): Promise<DispensingView[]> {
    const n = Math.max(1, Math.min(500, Math.floor(limit) || 20));
    const rows = await this.db.selectFrom("dispensings").selectAll().orderBy("created_at", "desc").limit(n).execute();
    return this.#views(rows);
  }

  async #prescriptionView(originalVisitId: string): Promise<PrescriptionView | undefined> {
    const local = await this.#localState(originalVisitId);
    if (!local.status) return undefined;
    const facts = refillFacts(
      local.status,
      localFacts(local.active),
      this.pharmacy.institutionCode,
      local.deletedVisitIds,
    );
    return prescriptionView(local.status, facts, local.patientName);
  }

  async prescription(originalVisitId: string): Promise<PrescriptionView | undefined> {
    const parsed = parseVisitId(originalVisitId);
    return this.#prescriptionView(parsed.valid ? parsed.visitId : originalVisitId);
  }

  async patientPrescriptions(nationalId: string): Promise<PrescriptionView[]> {
    const id = nationalId.trim().toUpperCase();
    const rows = await this.db
      .selectFrom("prescriptions")
      .select("original_visit_id")
      .where("national_id", "=", id)
      .orderBy("original_visit_date_time", "desc")
      .execute();
    const views: PrescriptionView[] = [];
    for (const r of rows) {
      const v = await this.#prescriptionView(r.original_visit_id);
      if (v) views.push(v);
    }
    return views;
  }

  async refillsDue(query: { from: RocDate; to: RocDate }): Promise<RefillDue[]> {
    const today = rocDateFromDate(this.now());
    const rows = await this.db
      .selectFrom("prescriptions")
      .select("original_visit_id")
      .where("chronic", "=", 1)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("dispensings")
            .select(sql`1`.as("x"))
            .whereRef("dispensings.original_visit_id", "=", "prescriptions.original_visit_id")
            .where("dispensings.status", "=", "active"),
        ),
      )
      .execute();
    const due: RefillDue[] = [];
    for (const { original_visit_id } of rows) {
      const local = await this.#localState(original_visit_id);
      if (!local.status) continue;
      const facts = refillFacts(
        local.status,
        localFacts(local.active),
        this.pharmacy.institutionCode,
        local.deletedVisitIds,
      );
      const next = nextRefill(facts, local.status.refillCount);
      if (!next || next.state === "cancelled") continue;
      const window = windowFor(facts, next.refillNo);
      if (!window) continue;
      if (window.to < query.from || window.from > query.to) continue;
      const position = windowPosition(window, today);
      const item: RefillDue = {
        originalVisitId: original_visit_id,
        nationalId: local.status.nationalId,
        refillNo: next.refillNo,
        window,
        state: position === "after" ? "missed" : position === "inside" ? "due" : "upcoming",
      };
      if (local.patientName) item.patientName = local.patientName;
      due.push(item);
    }
    return due.sort((a, b) => (a.window.from < b.window.from ? -1 : a.window.from > b.window.from ? 1 : 0));
  }

  async refillLog(query: RefillLogQuery): Promise<RefillEventView[]> {
    const from = dateFromRocDate(query.from).toISOString();
    const to = dateFromRocDate(addDays(query.to, 1)).toISOString();
    let q = this.db.selectFrom("refill_events").selectAll().where("at", ">=", from).where("at", "<", to);
    if (query.nationalId) q = q.where("national_id", "=", query.nationalId.trim().toUpperCase());
    if (query.prescriberInstitutionCode)
      q = q.where("prescriber_institution_code", "=", query.prescriberInstitutionCode);
    if (query.types && query.types.length > 0) q = q.where("type", "in", query.types);
    const rows = await q.orderBy("at").orderBy("id").execute();
    return rows.map(eventView);
  }

  // ---------------------------------------------------------------- outbox

  async outboxStatus(): Promise<OutboxStatus> {
    return computeOutboxStatus(this.db, this.now());
  }

  async outboxEntries(filter?: { state?: UploadState }): Promise<OutboxEntryView[]> {
    let q = this.db.selectFrom("outbox").selectAll().where("state", "!=", "superseded");
    if (filter?.state) q = q.where("state", "=", filter.state);
    const rows = await q.orderBy("created_at", "desc").orderBy("revision", "desc").limit(1000).execute();
    return rows.map(outboxView);
  }

  /** Runs the outbox once; concurrent callers share the run in progress. */
  runOutbox(): Promise<{ uploaded: number; accepted: number; rejected: number; failed: number }> {
    this.#outboxRun ??= runOutboxOnce({
      db: this.db,
      nhi: this.nhi,
      caller: this.#caller,
      now: this.now,
      settings: this.#outbox,
    }).finally(() => {
      this.#outboxRun = undefined;
    });
    return this.#outboxRun;
  }

  async retryOutboxEntry(id: string): Promise<boolean> {
    const now = this.now().toISOString();
    const row = await this.db.selectFrom("outbox").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) return false;
    if (row.state === "pending") {
      await this.db.updateTable("outbox").set({ next_attempt_at: now }).where("id", "=", id).execute();
      return true;
    }
    if (row.state !== "rejected") return false;
    // A rejected record goes up again as-is (after the prescription or card data was fixed at NHI's side) as a
    // new revision, so the first attempt's outcome stays on file.
    const dispensing = await this.db
      .selectFrom("dispensings")
      .selectAll()
      .where("id", "=", row.dispensing_id)
      .executeTakeFirst();
    if (!dispensing) return false;
    if (
      row.data_format !== "D" &&
      !correctionAllowed(dispensing.visit_date_time as RocDateTime, rocDateFromDate(this.now()))
    ) {
      return false;
    }
    const record =
      row.data_format === "D"
        ? (JSON.parse(row.record_json) as UploadRecord)
        : (JSON.parse(dispensing.record_json) as UploadRecord);
    const top = await this.db
      .selectFrom("outbox")
      .select((eb) => eb.fn.max("revision").as("r"))
      .where("visit_id", "=", row.visit_id)
      .where("data_format", "=", row.data_format)
      .executeTakeFirst();
    await this.db.transaction().execute(async (trx) => {
      await enqueue(trx, {
        dispensingId: row.dispensing_id,
        visitId: row.visit_id,
        record,
        revision: Number(top?.r ?? 0) + 1,
        cardWrittenAt: new Date(new Date(row.deadline).getTime() - 24 * 3600_000),
        now: this.now(),
      });
      await audit(trx, this.now(), "outbox", "retry", "outbox", id, { visitId: row.visit_id, h01: row.data_format });
    });
    return true;
  }

  async health(): Promise<ServiceHealth> {
    let database = true;
    try {
      await sql`SELECT 1`.execute(this.db);
    } catch {
      database = false;
    }
    let nhiReachable = false;
    try {
      nhiReachable = await withTimeout("ping", Math.min(this.#timeoutMs, 3000), () => this.nhi.ping());
    } catch {
      nhiReachable = false;
    }
    const outbox = database ? await this.outboxStatus() : { waiting: 0, rejected: 0, accepted: 0 };
    return { database, nhiReachable, outbox };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#outboxRun?.catch(() => undefined);
    await this.#blockedEvents.flushed();
    await this.#options.onClose?.();
  }
}
