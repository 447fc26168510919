/**
 * The dispensing service contract: what the terminal UI, the Koa API and the CLI call. Implemented by
 * `DispensingService` (src/service/dispensing-service.ts). Values shown to people carry zh-TW + English messages.
 */
import type { Message } from "../domain/message.js";
import type { RocDate, RocDateTime } from "../domain/roc-date.js";
import type { VisitIdCorrection } from "../domain/visit-id.js";
import type { PrescriptionOrder, RefillState } from "../nhi/client.js";

/** The patient as identified at the counter. */
export interface CardIdentity {
  source: "ic-card" | "virtual-card";
  nationalId: string;
  name?: string;
  birthDate?: RocDate;
  sex?: "M" | "F";
  cardNumber?: string;
  /** Virtual cards: issued to a proxy (family member) rather than the patient. */
  proxy?: boolean;
}

export type ReasonSeverity = "block" | "override" | "warning" | "info";

export type ReasonCode =
  | "invalid-visit-id"
  | "visit-id-corrected"
  | "sm00"
  | "miss"
  | "not-uploaded"
  | "dispensed-here"
  | "dispensed-elsewhere"
  | "cancelled"
  | "restored"
  | "out-of-order"
  | "before-window"
  | "after-window"
  | "refills-exhausted"
  | "total-days-over-90"
  | "person-mismatch"
  | "no-card-chronic"
  | "nhi-unreachable"
  | "j000-fallback";

export interface DecisionReason {
  code: ReasonCode;
  severity: ReasonSeverity;
  /** The NHI error code the central side would answer with, when one applies (D025, D023, D022 …). */
  nhiCode?: string;
  message: Message;
}

export interface RefillWindow {
  /** First day refill n may be dispensed (10 days before the previous supply runs out). */
  from: RocDate;
  /** Last day of the window (the day the previous supply runs out). */
  to: RocDate;
}

export interface RefillView {
  refillNo: number;
  state: RefillState;
  restored?: boolean;
  /** Where and when it was dispensed (ours or another institution's). */
  dispensedBy?: string;
  dispensedAt?: RocDateTime;
  dispensedHere?: boolean;
  pharmacistId?: string;
  days?: number;
  window?: RefillWindow;
}

export interface PrescriptionView {
  originalVisitId: string; // M16
  prescriberInstitutionCode: string; // M17
  prescriberName?: string;
  originalSequenceNumber?: string; // M18
  originalVisitDateTime: RocDateTime; // M19
  nationalId: string;
  patientName?: string;
  chronic: boolean;
  refillCount: number; // M26
  daysPerRefill: number; // M20
  totalDays?: number; // M21
  orders: PrescriptionOrder[];
  refills: RefillView[];
}

export interface Decision {
  /** The visit ID as scanned, and what it normalized to. */
  input: string;
  originalVisitId?: string;
  corrections: VisitIdCorrection[];
  /** dispense: go ahead; override: only with a pharmacist's reason (NHI unreachable); block: refuse. */
  outcome: "dispense" | "override" | "block";
  /** The refill this dispensing would be (1-based). */
  refillNo?: number;
  prescription?: PrescriptionView;
  window?: RefillWindow;
  reasons: DecisionReason[];
  /** 可調劑 / 不可調劑 … in big words. */
  headline: Message;
  nhiReachable: boolean;
  checkedAt: string;
}

export interface DispenseRequest {
  visitIdInput: string;
  /** Must match the decision's refill; guards against a stale screen. */
  refillNo: number;
  pharmacistId: string; // M06, from the authenticated session
  card?: CardIdentity;
  /** Required when the decision was "override" (NHI unreachable). */
  override?: { reason: string };
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

export type DispensingStatus = "active" | "deleted";
export const UPLOAD_STATES = ["pending", "uploading", "uploaded", "accepted", "rejected"] as const;
export type UploadState = (typeof UPLOAD_STATES)[number];

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
  override?: { reason: string };
  upload: { state: UploadState; codes: { field: string; code: string; message: Message }[] };
}

export type DispenseResult =
  | { ok: true; dispensing: DispensingView; nextRefill?: { refillNo: number; window: RefillWindow } }
  | { ok: false; status: 409 | 422 | 403; decision?: Decision; reasons: DecisionReason[] };

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
  | { ok: false; status: 404 | 409 | 422; reasons: DecisionReason[] };

export interface RefillDue {
  originalVisitId: string;
  nationalId: string;
  patientName?: string;
  refillNo: number;
  window: RefillWindow;
  /** due: window open now or within the range; missed: window closed with the refill undispensed. */
  state: "upcoming" | "due" | "missed";
}

export const REFILL_EVENT_TYPES = [
  "dispensed",
  "blocked",
  "cancelled",
  "restored",
  "deleted",
  "corrected",
  "j000",
  "override",
] as const;
export type RefillEventType = (typeof REFILL_EVENT_TYPES)[number];

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
  rejections: { field: string; code: string; message: Message; advice: Message }[];
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
