/**
 * The database schema as Kysely sees it, written once. The migrations in ./migrations.ts create exactly these
 * tables; `src/db/schema.test.ts` checks the two agree on both SQLite and PostgreSQL.
 *
 * Conventions: instants are ISO-8601 UTC strings (`…Z`), NHI date-times are ROC strings (`yyyMMddHHmmss`),
 * booleans are integers 0/1 (the same on both engines), JSON is stored as text.
 */
import type { Generated, Insertable, Selectable, Updateable } from "kysely";

export interface PatientsTable {
  national_id: string;
  name: string | null;
  birth_date: string | null;
  sex: string | null;
  created_at: string;
  updated_at: string;
}

/** One row per original visit ID (M16): what the prescriber uploaded, as last seen. */
export interface PrescriptionsTable {
  original_visit_id: string; // M16
  national_id: string;
  prescriber_institution_code: string; // M17
  prescriber_name: string | null;
  original_sequence_number: string | null; // M18
  original_visit_date_time: string; // M19
  chronic: number;
  refill_count: number; // M26
  days_per_refill: number; // M20
  total_days: number | null; // M21
  /** PrescriptionOrder[] as JSON. */
  orders_json: string;
  /** The last NHI status answer (PrescriptionStatus JSON), null when never reached. */
  nhi_status_json: string | null;
  nhi_checked_at: string | null;
  /** Entered from the paper: the PrescriptionStatus as typed (JSON), kept to compare with NHI's later answer. */
  paper_json: string | null;
  created_at: string;
  updated_at: string;
}

/** Per-refill state as NHI reported it (other institutions' dispensings, the prescriber's C/E). */
export interface NhiRefillsTable {
  original_visit_id: string;
  refill_no: number;
  state: string; // undispensed | dispensed | cancelled
  restored: number;
  dispensed_by: string | null;
  dispensed_at: string | null;
  dispensed_visit_id: string | null;
  days: number | null;
  updated_at: string;
}

export interface DispensingsTable {
  id: string;
  visit_id: string; // M15
  original_visit_id: string; // M16
  refill_no: number; // M33
  visit_date_time: string; // M11
  pharmacist_id: string; // M06
  national_id: string;
  days: number; // M20
  status: string; // active | deleted
  data_format: string; // H01 of the dispensing record: A | B
  abnormal_code: string | null; // M13 on H01=B
  j000: number;
  override_reason: string | null;
  card_source: string | null;
  terminal_id: string | null;
  /** The confirmation this dispensing answered (Idempotency-Key, counter decision); unique when set. */
  confirm_key: string | null;
  /** The current upload-format 2.0 record (UploadRecord JSON); corrections replace it. */
  record_json: string;
  revision: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  delete_reason: string | null;
  /** Why the prescription was entered from the paper (PaperEntryCause), null when it was not. */
  paper_cause: string | null;
  /** VerificationState for dispensings made without NHI's word; null = NHI's status was current. */
  verification: string | null;
  /** J000: the pharmacist who confirmed the two checks, and when (ISO instant). */
  j000_confirmed_by: string | null;
  j000_confirmed_at: string | null;
}

/** What a re-check found wrong with a dispensing made without NHI's word (IncidentKind), and its acknowledgement. */
export interface IncidentsTable {
  id: string;
  kind: string;
  at: string;
  dispensing_id: string;
  original_visit_id: string;
  refill_no: number;
  national_id: string;
  pharmacist_id: string;
  nhi_codes: string; // JSON string[]
  /** { differences?, otherInstitution? } as JSON. */
  detail_json: string;
  message_zh: string;
  message_en: string;
  /** One incident per finding (re-check and kind). */
  source_key: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  acknowledged_note: string | null;
}

export interface OutboxTable {
  id: string;
  dispensing_id: string;
  visit_id: string; // M15
  data_format: string; // H01
  /** 0 for the first upload of (M15, H01); corrections count up. */
  revision: number;
  record_json: string;
  /** pending | uploading | uploaded | accepted | rejected | superseded */
  state: string;
  attempts: number;
  next_attempt_at: string;
  created_at: string;
  /** 24 h after writing the card (M11). */
  deadline: string;
  uploaded_at: string | null;
  upload_id: string | null;
  record_no: number | null;
  last_error: string | null;
  /** [{ field, code }] from the check report. */
  rejections_json: string | null;
  checked_at: string | null;
  /** The batch this entry was last handed to NHI's upload in, while no receipt for it is stored. */
  sent_batch: string | null;
  /** When that upload was attempted. */
  sent_at: string | null;
}

/** Status re-checks queued while NHI was unreachable. */
export interface RechecksTable {
  id: string;
  original_visit_id: string;
  dispensing_id: string | null;
  created_at: string;
  done_at: string | null;
  result: string | null;
}

export interface RefillEventsTable {
  id: string;
  at: string;
  type: string; // RefillEventType
  original_visit_id: string;
  refill_no: number | null;
  national_id: string | null;
  prescriber_institution_code: string | null;
  institution_code: string | null;
  pharmacist_id: string | null;
  reason: string | null;
  nhi_codes: string | null; // JSON string[]
  message_zh: string;
  message_en: string;
  /** Deduplicates events learned from NHI (C/E/other dispensers) across repeated status queries. */
  source_key: string | null;
}

/** Append-only: triggers refuse UPDATE and DELETE. */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  detail_json: string;
}

/** API keys: only the SHA-256 of the secret is stored. */
export interface ApiKeysTable {
  id: string;
  label: string;
  role: string; // pharmacist | owner
  terminal_id: string;
  pharmacist_id: string | null; // M06
  secret_hash: string;
  created_at: string;
  revoked_at: string | null;
}

/** The API's hash-chained audit trail (append-only: triggers refuse UPDATE and DELETE). */
export interface ApiAuditTable {
  seq: number;
  at: string;
  type: string;
  /** The whole entry (seq, at, who, what, prev) as hashed; `hash` is its SHA-256. */
  entry_json: string;
  hash: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface Database {
  patients: PatientsTable;
  prescriptions: PrescriptionsTable;
  nhi_refills: NhiRefillsTable;
  dispensings: DispensingsTable;
  outbox: OutboxTable;
  rechecks: RechecksTable;
  refill_events: RefillEventsTable;
  incidents: IncidentsTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  api_keys: ApiKeysTable;
  api_audit: ApiAuditTable;
}

export type DispensingRow = Selectable<DispensingsTable>;
export type NewDispensing = Insertable<DispensingsTable>;
export type PrescriptionRow = Selectable<PrescriptionsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type OutboxUpdate = Updateable<OutboxTable>;
export type RefillEventRow = Selectable<RefillEventsTable>;
export type NhiRefillRow = Selectable<NhiRefillsTable>;
export type IncidentRow = Selectable<IncidentsTable>;
