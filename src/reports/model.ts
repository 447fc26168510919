/**
 * The report input model: plain typed data, assembled from the dispensing service by `refill-log-data.ts` and
 * `slip-data.ts`, rendered by the PDF and CSV writers. Patient identities are already masked here, so no renderer
 * ever sees more than the owner chose to print.
 */
import type { Message } from "../domain/message.js";
import type { RocDate, RocDateTime } from "../domain/roc-date.js";
import type { RefillEventType, UploadState } from "../service/types.js";

/** How patients appear in a report: full name and ID, masked ID (A12****789, 王○明), or initials only (王○○). */
export type PatientMask = "full" | "masked" | "initials";

export interface PharmacyInfo {
  name: string;
  /** M05, the pharmacy's institution code. */
  pharmacyCode: string;
  phone?: string;
  address?: string;
}

/** A patient as printed, after masking. */
export interface PatientLabel {
  /** Name as printed (may be empty when unknown). */
  name: string;
  /** National ID as printed (empty with `initials`). */
  nationalId: string;
}

export type UploadSummaryState = UploadState | "none";

export interface UploadInfo {
  state: UploadSummaryState;
  /** Our visit ID (M15) of the dispensing. */
  visitId?: string;
  /** NHI check-result codes (field:code), e.g. `M33:D025`. */
  codes: string[];
  /** Uploaded within 24 hours of the card write; undefined while still pending inside the deadline. */
  within24h?: boolean;
}

/** An event line: one thing that happened to a refill. Also the CSV row. */
/**
 * `acknowledged`: a pharmacist acknowledged an incident (the service's `incident` event with the note as reason).
 * `finding`: a problem NHI reported after the fact (a late D025 duplicate, a rejection, a re-check after an
 * outage) — logged by the service as `blocked`, but nothing was refused at the counter.
 */
export type LogEntryKind = RefillEventType | "finding" | "due" | "missed" | "acknowledged";

export interface LogEntry {
  /** Taiwan-local time of the event (for due/missed: the window's first day at 00:00). */
  at: RocDateTime;
  kind: LogEntryKind;
  refillNo?: number;
  /** Where it happened (institution code, on every event; none on due/missed); ours unless `elsewhere`. */
  institutionCode?: string;
  /** That institution's name where known: ours, the prescriber's, another pharmacy's as NHI named it. */
  institutionName?: string;
  elsewhere?: boolean;
  pharmacistId?: string;
  days?: number;
  /**
   * Why: the rule codes of a refusal at the counter (`dispensed-here`, `before-window` …), or the one reason a
   * pharmacist typed (override, J000, delete, correction). Empty when none.
   */
  reasons: string[];
  nhiCodes: string[];
  /** What the service said about the event, in both languages. */
  message: Message;
  upload?: UploadInfo;
  window?: { from: RocDate; to: RocDate };
  /** On a J000 entry: who confirmed the NHI cloud record and the clinic could not supply M18, and when. */
  confirmation?: { pharmacistId: string; at: RocDateTime };
}

export type RefillSummaryState = "undispensed" | "dispensed" | "cancelled" | "due" | "missed";

export interface RefillSummary {
  refillNo: number;
  state: RefillSummaryState;
  restored?: boolean;
  dispensedAt?: RocDateTime;
  institutionCode?: string;
  institutionName?: string;
  elsewhere?: boolean;
  pharmacistId?: string;
  days?: number;
  window?: { from: RocDate; to: RocDate };
}

export interface LogPrescription {
  originalVisitId: string; // M16
  prescriberInstitutionCode: string; // M17
  prescriberName?: string;
  originalSequenceNumber?: string; // M18
  originalVisitDateTime?: RocDateTime; // M19
  patient: PatientLabel;
  chronic: boolean;
  refillCount: number;
  daysPerRefill?: number;
  refills: RefillSummary[];
  /** Chronological. */
  entries: LogEntry[];
}

/** What one patient's events in the period add up to (ours, unless named otherwise). */
export interface PatientTotals {
  patient: PatientLabel;
  /** Prescriptions of the patient in the log. */
  prescriptions: number;
  dispensings: number;
  /** Dispensings at other pharmacies NHI told us of. */
  dispensedElsewhere: number;
  overrides: number;
  j000: number;
  deletions: number;
  /** Refused at our counter (duplicates and every other block). */
  refusals: number;
  refillsDue: number;
  refillsMissed: number;
  /** Incidents a re-check found on the patient's dispensings (paper entries, outages). */
  incidents: number;
}

/** What one pharmacist (M06, masked unless `full`; empty when the event named none) did in the period. */
export interface PharmacistTotals {
  pharmacistId: string;
  dispensings: number;
  overrides: number;
  j000: number;
  deletions: number;
  corrections: number;
  refusals: number;
}

/** One Monday-to-Sunday week of the period (the first and last cut to it). */
export interface WeekTotals {
  from: RocDate;
  to: RocDate;
  /** Our dispensings that week. */
  dispensings: number;
  /** Refills whose window opened that week and is open now. */
  refillsDue: number;
  /** Refills whose window closed that week without a dispensing. */
  refillsMissed: number;
}

export interface RefillLogTotals {
  /** Dispensing events in the range (ours). */
  dispensings: number;
  deletions: number;
  refillsDue: number;
  refillsMissed: number;
  /** Blocked attempts because the refill was already dispensed (here or elsewhere, D025). */
  duplicatesStopped: number;
  /** All other blocked attempts (cancelled, out of order, outside the window …). */
  otherBlocks: number;
  /** Duplicates NHI reported after our dispensing (late D025): money NHI may claw back. */
  duplicatesFoundLater: number;
  overrides: number;
  j000: number;
  cancellations: number;
  restorations: number;
  /** Incidents a re-check found after a dispensing (dispensed elsewhere, cancelled, details differ …). */
  incidents: number;
  /** Incidents a pharmacist acknowledged (with a note) in the period. */
  incidentsAcknowledged: number;
  uploads: {
    /** Dispensings whose 24-hour deadline has passed or which were uploaded: the KPI's denominator. */
    counted: number;
    within24h: number;
    /** Still inside the 24 hours and not yet uploaded; not counted either way. */
    pendingInTime: number;
    rejected: number;
    /** within24h / counted; undefined when nothing counted. */
    share?: number;
    /** NHI's target share (0.9). */
    target: number;
  };
  /** Each column adds up to the figure above; patients by name, pharmacists by ID. */
  byPatient: PatientTotals[];
  byPharmacist: PharmacistTotals[];
  byWeek: WeekTotals[];
}

export interface RefillLogData {
  pharmacy: PharmacyInfo;
  from: RocDate;
  to: RocDate;
  generatedAt: RocDateTime;
  mask: PatientMask;
  totals: RefillLogTotals;
  /** Ordered by original visit date-time, then M16. */
  prescriptions: LogPrescription[];
}

/** The refill reminder slip handed to a patient after a dispensing. */
export interface SlipData {
  pharmacy: PharmacyInfo;
  patient: PatientLabel;
  originalVisitId: string; // M16
  prescriberName?: string;
  prescriberInstitutionCode?: string;
  /** The dispensing just done. */
  dispensedRefillNo: number;
  dispensedAt: RocDateTime;
  days: number;
  refillCount: number;
  /** The next refill and its window. */
  nextRefillNo: number;
  window: { from: RocDate; to: RocDate };
  printedAt: RocDateTime;
}

export type SlipSize = "80mm" | "a4";

/** Progress of a long report, for stderr or a UI progress bar. */
export interface ReportProgress {
  phase: "events" | "prescriptions" | "dispensings" | "render";
  done: number;
  total: number;
}

export type ProgressListener = (progress: ReportProgress) => void;
