/**
 * The dispensing service contract: what the terminal UI, the Koa API and the CLI call. Implemented by
 * `DispensingService` (src/service/dispensing-service.ts). Values shown to people carry zh-TW + English messages.
 */
import type { Decision } from "../domain/decision-result.js";
import type { CardIdentity } from "../domain/identity.js";
import type { IncidentView, VerificationState } from "../domain/incident.js";
import type { Message } from "../domain/message.js";
import type { PaperEntryCause, PaperPrescription } from "../domain/paper-prescription.js";
import type { PrescriptionView } from "../domain/prescription-view.js";
import type { DecisionReason, ReasonKind } from "../domain/reasons.js";
import type { RefillEventType } from "../domain/refill-log.js";
import type { RefillWindow } from "../domain/refill-rules.js";
import type { RocDate, RocDateTime } from "../domain/roc-date.js";
import type { UploadState } from "../domain/upload-state.js";

// The domain's vocabulary, re-exported for the contract's users.
export type { Decision } from "../domain/decision-result.js";
export type { CardIdentity } from "../domain/identity.js";
export type { IncidentKind, IncidentView, VerificationState } from "../domain/incident.js";
export type { PaperEntryCause, PaperOrderLine, PaperPrescription } from "../domain/paper-prescription.js";
export type { PrescriptionView, RefillView } from "../domain/prescription-view.js";
export type { DecisionReason, ReasonCode, ReasonSeverity } from "../domain/reasons.js";
export { REFILL_EVENT_TYPES, type RefillEventType } from "../domain/refill-log.js";
export type { RefillWindow } from "../domain/refill-rules.js";
export { UPLOAD_STATES, type UploadState } from "../domain/upload-state.js";

export interface DispenseRequest {
  visitIdInput: string;
  /** Must match the decision's refill; guards against a stale screen. */
  refillNo: number;
  /** The token of the decision being confirmed: refused (a conflict, with the fresh decision) when the decision changed. */
  decisionToken?: string;
  /**
   * Names this confirmation (the API's Idempotency-Key, the counter's decision on screen): a repeat of a confirmation
   * that succeeded returns that success again, never a refusal.
   */
  confirmKey?: string;
  pharmacistId: string; // M06, from the authenticated session
  card?: CardIdentity;
  /**
   * Required when the decision was "override" (NHI unreachable): the pharmacist's reason and the cause's abnormal
   * code (M13 on the H01=B record; default A020, see src/domain/abnormal-dispensing.ts).
   */
  override?: { reason: string; abnormalCode?: string };
  /**
   * J000 (M18 unknown on refill 2+): the pharmacist confirms the two checks seed 004 §三(四)6 requires, the NHI
   * cloud medication record (健保雲端藥歷) and the prescribing clinic, both without the sequence number.
   */
  j000Confirmation?: { cloudRecordChecked: boolean; prescriberAsked: boolean };
  /** Days supplied this time; defaults to the prescription's M20. */
  days?: number;
  terminalId?: string;
  /**
   * 補卡 (card supplement): the patient was dispensed earlier without a card and shows it now (within 10 working
   * days). The record gets M49 = the actual visit and M12 = 2 with M52 = the kept visit ID, or M12 = 4 with
   * M52 = MISS… when none was kept (then a report form is needed).
   */
  supplement?: { actualVisitDateTime: RocDateTime; actualVisitId?: string };
}

/**
 * A prescription entered from the paper and dispensed (see `DispensingServiceApi.dispensePaper`). The patient comes
 * from the card (IC or virtual, by the server's evidence) or is typed from the paper with a reason.
 */
export interface PaperDispenseRequest {
  paper: PaperPrescription;
  pharmacistId: string; // M06
  card: CardIdentity;
  /**
   * NHI unreachable (cause nhi-unreachable, or NHI lost during the card pass): the pharmacist's reason and the
   * cause's abnormal code (M13 on the H01=B record; default A020).
   */
  override?: { reason: string; abnormalCode?: string };
  /** D024 on a chronic refill 2+: a block unless the pharmacist overrides it with this reason (audited). */
  notUploadedOverride?: { reason: string };
  j000Confirmation?: { cloudRecordChecked: boolean; prescriberAsked: boolean };
  /** Days supplied this time; defaults to the paper's M20. */
  days?: number;
  confirmKey?: string;
  terminalId?: string;
}

/** What checking a paper entry says before anything is written (the form's inline errors and the decision). */
export type PaperCheckResult =
  | {
      ok: true;
      cause: PaperEntryCause;
      /** dispense: confirm with the card pass; override: NHI is unreachable, a reason and cause are needed. */
      outcome: "dispense" | "override";
      refillNo: number;
      prescription: PrescriptionView;
      /** Warnings and information (paper-entered, not-uploaded, j000-fallback, card-not-shown, g000 …). */
      reasons: DecisionReason[];
    }
  /** Field problems carry `field` (M16, M17, M19, D06[1] …); nothing was written. */
  | { ok: false; kind: ReasonKind; cause?: PaperEntryCause; reasons: DecisionReason[] };

export interface IncidentQuery {
  /** open (the default): not yet acknowledged; acknowledged; all. */
  state?: "open" | "acknowledged" | "all";
  /** Found on or after / before this instant (ISO). */
  from?: string;
  to?: string;
}

export interface AcknowledgeIncidentRequest {
  incidentId: string;
  pharmacistId: string;
  note: string;
}

export type IncidentResult =
  | { ok: true; incident: IncidentView }
  | { ok: false; kind: ReasonKind; reasons: DecisionReason[] };

export type DispensingStatus = "active" | "deleted";

export interface DispensingView {
  id: string;
  visitId: string; // M15
  originalVisitId: string; // M16
  refillNo: number;
  visitDateTime: RocDateTime; // M11
  pharmacistId: string;
  nationalId: string;
  days: number;
  status: DispensingStatus;
  abnormalCode?: string; // M13 on H01=B
  j000: boolean;
  /** J000: who confirmed the two checks (cloud medication record, prescribing clinic) and when (ISO instant). */
  j000Confirmation?: { pharmacistId: string; at: string };
  override?: { reason: string };
  /** Entered from the paper, and why. */
  paperEntry?: PaperEntryCause;
  /** Made without NHI's word (paper entry, NHI down): where its central re-check stands. */
  verification?: VerificationState;
  upload: { state: UploadState; codes: { field: string; code: string; message: Message }[] };
}

export type DispenseResult =
  | {
      ok: true;
      dispensing: DispensingView;
      nextRefill?: { refillNo: number; window: RefillWindow };
      /** This confirmation had already succeeded: the first success, returned again. */
      repeated?: boolean;
    }
  | { ok: false; kind: ReasonKind; decision?: Decision; reasons: DecisionReason[] };

export interface DeleteRequest {
  dispensingId: string;
  pharmacistId: string;
  reason: string;
}

export interface CorrectRequest {
  dispensingId: string;
  pharmacistId: string;
  reason: string;
  days?: number;
}

export type MutationResult =
  | { ok: true; dispensing: DispensingView }
  | { ok: false; kind: ReasonKind; reasons: DecisionReason[] };

export interface RefillDue {
  originalVisitId: string;
  nationalId: string;
  patientName?: string;
  refillNo: number;
  window: RefillWindow;
  /** due: window open now or within the range; missed: window closed with the refill undispensed. */
  state: "upcoming" | "due" | "missed";
}

export interface RefillEventView {
  id: string;
  at: string; // ISO instant
  type: RefillEventType;
  originalVisitId: string;
  refillNo?: number;
  nationalId?: string;
  prescriberInstitutionCode?: string;
  institutionCode?: string;
  pharmacistId?: string;
  reason?: string;
  nhiCodes?: string[];
  message: Message;
}

export interface RefillLogQuery {
  from: RocDate;
  to: RocDate;
  nationalId?: string;
  /** Part of the patient's name as we hold it (patients.name), matched as written; blank means no filter. */
  patientName?: string;
  prescriberInstitutionCode?: string;
  types?: RefillEventType[];
}

export interface OutboxEntryView {
  id: string;
  dispensingId: string;
  visitId: string; // M15
  dataFormat: string; // H01
  state: UploadState;
  attempts: number;
  createdAt: string;
  /** 24 h after writing the card (M11). */
  deadline: string;
  uploadedAt?: string;
  lastError?: string;
  rejections: NhiCodeView[];
  /** Codes NHI reported on a record it accepted (warnings and notices by NHI's code table). */
  warnings: NhiCodeView[];
}

/** One code of a check report, described from NHI's code table. */
export interface NhiCodeView {
  field: string;
  code: string;
  message: Message;
  advice: Message;
}

export interface OutboxStatus {
  waiting: number;
  rejected: number;
  accepted: number;
  /** Age in ms of the oldest waiting entry, to compare against the 24-hour deadline. */
  oldestWaitingAgeMs?: number;
  /** Share of records uploaded within 24 h of the card write (NHI KPI: ≥ 0.9). */
  uploadedWithin24hShare?: number;
}

export interface ServiceHealth {
  database: boolean;
  nhiReachable: boolean;
  outbox: OutboxStatus;
}

export interface DispensingServiceApi {
  check(input: { visitIdInput: string; card?: CardIdentity }): Promise<Decision>;
  dispense(request: DispenseRequest): Promise<DispenseResult>;
  /** Checks a paper entry without writing anything: field errors, the cause, the decision on it. */
  checkPaper(
    request: Omit<PaperDispenseRequest, "pharmacistId"> & { pharmacistId?: string },
  ): Promise<PaperCheckResult>;
  /** Dispenses a prescription entered from the paper: unverified, re-checked centrally once NHI answers. */
  dispensePaper(request: PaperDispenseRequest): Promise<DispenseResult>;
  /** Incidents found by re-checks, oldest first (default: open ones, for the pharmacist in charge). */
  incidents(query?: IncidentQuery): Promise<IncidentView[]>;
  /** The pharmacist in charge acknowledges an incident with a note (audited; once). */
  acknowledgeIncident(request: AcknowledgeIncidentRequest): Promise<IncidentResult>;
  deleteDispensing(request: DeleteRequest): Promise<MutationResult>;
  correctDispensing(request: CorrectRequest): Promise<MutationResult>;
  getDispensing(id: string): Promise<DispensingView | undefined>;
  recentDispensings(limit: number): Promise<DispensingView[]>;
  patientPrescriptions(nationalId: string): Promise<PrescriptionView[]>;
  prescription(originalVisitId: string): Promise<PrescriptionView | undefined>;
  refillsDue(query: { from: RocDate; to: RocDate }): Promise<RefillDue[]>;
  refillLog(query: RefillLogQuery): Promise<RefillEventView[]>;
  outboxStatus(): Promise<OutboxStatus>;
  outboxEntries(filter?: { state?: UploadState }): Promise<OutboxEntryView[]>;
  /** Uploads what is waiting and fetches check reports; returns how many were processed. */
  runOutbox(): Promise<{ uploaded: number; accepted: number; rejected: number; failed: number }>;
  retryOutboxEntry(id: string): Promise<boolean>;
  health(): Promise<ServiceHealth>;
  close(): Promise<void>;
}
