/**
 * Data access for the dispensing service: NHI status sync into our tables, the local facts the decision needs,
 * events and audit entries, and row → view mapping. Works on a Kysely instance or inside a transaction.
 */
import { randomUUID } from "node:crypto";
import { type CompiledQuery, type Kysely, sql, type Transaction } from "kysely";
import type { Engine } from "../db/migrations.js";
import type { Database, DispensingRow, OutboxRow, PrescriptionRow, RefillEventRow } from "../db/schema.js";
import type { LocalDispensingFact } from "../domain/decision.js";
import type { Message } from "../domain/message.js";
import { formatRocDateTime, type RocDateTime } from "../domain/roc-date.js";
import type { PrescriptionStatus } from "../nhi/client.js";
import { describeNhiCode } from "../nhi/error-codes.js";
import type { DispensingView, OutboxEntryView, RefillEventType, RefillEventView, UploadState } from "./types.js";

export type Db = Kysely<Database> | Transaction<Database>;

/** A refill event as the service records it: the view's fields, with the instant and an optional dedup key. */
export interface RefillEventInput extends Omit<RefillEventView, "id" | "at"> {
  sourceKey?: string;
  at: Date;
}

function refillEventRow(e: RefillEventInput) {
  return {
    id: randomUUID(),
    at: e.at.toISOString(),
    type: e.type,
    original_visit_id: e.originalVisitId,
    refill_no: e.refillNo ?? null,
    national_id: e.nationalId ?? null,
    prescriber_institution_code: e.prescriberInstitutionCode ?? null,
    institution_code: e.institutionCode ?? null,
    pharmacist_id: e.pharmacistId ?? null,
    reason: e.reason ?? null,
    nhi_codes: e.nhiCodes && e.nhiCodes.length > 0 ? JSON.stringify(e.nhiCodes) : null,
    message_zh: e.message.zh,
    message_en: e.message.en,
    source_key: e.sourceKey ?? null,
  };
}

export function addRefillEvent(db: Db, e: RefillEventInput): Promise<void> {
  return addRefillEvents(db, [e]);
}

/** Several events in one statement; an event whose source key is already recorded is skipped, as is its repeat. */
export async function addRefillEvents(db: Db, events: readonly RefillEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map(refillEventRow);
  if (rows.some((row) => row.source_key !== null)) {
    await db
      .insertInto("refill_events")
      .values(rows)
      .onConflict((oc) => oc.column("source_key").doNothing())
      .execute();
  } else {
    await db.insertInto("refill_events").values(rows).execute();
  }
}

export async function audit(
  db: Db,
  at: Date,
  actor: string,
  action: string,
  entity: string,
  entityId: string,
  detail: unknown,
): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      at: at.toISOString(),
      actor,
      action,
      entity,
      entity_id: entityId,
      detail_json: JSON.stringify(detail ?? {}),
    })
    .execute();
}

export async function upsertPatient(
  db: Db,
  at: Date,
  p: { nationalId: string; name?: string; birthDate?: string; sex?: string },
): Promise<void> {
  const iso = at.toISOString();
  await db
    .insertInto("patients")
    .values({
      national_id: p.nationalId,
      name: p.name ?? null,
      birth_date: p.birthDate ?? null,
      sex: p.sex ?? null,
      created_at: iso,
      updated_at: iso,
    })
    .onConflict((oc) =>
      oc.column("national_id").doUpdateSet((eb) => ({
        name: p.name !== undefined ? p.name : eb.ref("patients.name"),
        birth_date: p.birthDate !== undefined ? p.birthDate : eb.ref("patients.birth_date"),
        sex: p.sex !== undefined ? p.sex : eb.ref("patients.sex"),
        updated_at: iso,
      })),
    )
    .execute();
}

const EVENT_TEXT = {
  C: (n: number, by: string, at: string): Message => ({
    zh: `原處方院所 ${by} 於 ${at} 註銷第${n}次（C）`,
    en: `The prescriber ${by} cancelled refill ${n} on ${at} (C)`,
  }),
  E: (n: number, by: string, at: string): Message => ({
    zh: `原處方院所 ${by} 於 ${at} 取消註銷第${n}次（E）`,
    en: `The prescriber ${by} restored refill ${n} on ${at} (E)`,
  }),
  A: (n: number, by: string, at: string): Message => ({
    zh: `第${n}次由 ${by} 於 ${at} 調劑`,
    en: `Refill ${n} dispensed by ${by} on ${at}`,
  }),
  D: (n: number, by: string, at: string): Message => ({
    zh: `${by} 於 ${at} 刪除第${n}次調劑紀錄（D）`,
    en: `${by} deleted its record of refill ${n} on ${at} (D)`,
  }),
};

/**
 * Stores what NHI said about a prescription: patient, prescription, per-refill state, and the prescriber's C/E
 * and other institutions' dispensings as refill-log events (once each).
 */
export async function syncPrescriptionStatus(
  db: Db,
  status: PrescriptionStatus,
  at: Date,
  ourInstitutionCode: string,
): Promise<void> {
  const iso = at.toISOString();
  await upsertPatient(db, at, { nationalId: status.nationalId, birthDate: status.birthDate });
  const values = {
    national_id: status.nationalId,
    prescriber_institution_code: status.prescriberInstitutionCode,
    prescriber_name: status.prescriberName ?? null,
    original_sequence_number: status.originalSequenceNumber ?? null,
    original_visit_date_time: status.originalVisitDateTime,
    chronic: status.chronic ? 1 : 0,
    refill_count: status.refillCount,
    days_per_refill: status.daysPerRefill,
    total_days: status.totalDays ?? null,
    orders_json: JSON.stringify(status.orders),
    nhi_status_json: JSON.stringify(status),
    nhi_checked_at: iso,
    updated_at: iso,
  };
  await db
    .insertInto("prescriptions")
    .values({ original_visit_id: status.originalVisitId, created_at: iso, ...values })
    .onConflict((oc) => oc.column("original_visit_id").doUpdateSet(values))
    .execute();
  for (const refill of status.refills) {
    const r = {
      state: refill.state,
      restored: refill.restored ? 1 : 0,
      dispensed_by: refill.dispensedBy ?? null,
      dispensed_at: refill.dispensedAt ?? null,
      dispensed_visit_id: refill.dispensedVisitId ?? null,
      days: refill.days ?? null,
      updated_at: iso,
    };
    await db
      .insertInto("nhi_refills")
      .values({ original_visit_id: status.originalVisitId, refill_no: refill.refillNo, ...r })
      .onConflict((oc) => oc.columns(["original_visit_id", "refill_no"]).doUpdateSet(r))
      .execute();
    for (const event of refill.events) {
      if (event.institutionCode === ourInstitutionCode && event.type !== "C" && event.type !== "E") continue;
      const type: RefillEventType =
        event.type === "C"
          ? "cancelled"
          : event.type === "E"
            ? "restored"
            : event.type === "D"
              ? "deleted"
              : "dispensed";
      const when = formatRocDateTime(event.at);
      const text = (event.type === "B" ? EVENT_TEXT.A : EVENT_TEXT[event.type])(
        refill.refillNo,
        event.institutionCode,
        when,
      );
      await addRefillEvent(db, {
        type,
        at,
        originalVisitId: status.originalVisitId,
        refillNo: refill.refillNo,
        nationalId: status.nationalId,
        prescriberInstitutionCode: status.prescriberInstitutionCode,
        institutionCode: event.institutionCode,
        message: text,
        nhiCodes: [event.type],
        sourceKey: `nhi:${status.originalVisitId}:${refill.refillNo}:${event.type}:${event.at}:${event.institutionCode}:${
          event.visitId ?? ""
        }`,
      });
    }
  }
}

/** The prescription as last stored: NHI's status JSON when we have it, else rebuilt from our columns. */
export function cachedStatus(
  row: PrescriptionRow,
  refills: {
    refill_no: number;
    state: string;
    restored: number;
    dispensed_by: string | null;
    dispensed_at: string | null;
    dispensed_visit_id: string | null;
    days: number | null;
  }[],
): PrescriptionStatus {
  const status: PrescriptionStatus = {
    originalVisitId: row.original_visit_id,
    prescriberInstitutionCode: row.prescriber_institution_code,
    originalVisitDateTime: row.original_visit_date_time as RocDateTime,
    nationalId: row.national_id,
    chronic: row.chronic === 1,
    refillCount: row.refill_count,
    daysPerRefill: row.days_per_refill,
    orders: JSON.parse(row.orders_json),
    refills: refills.map((r) => ({
      refillNo: r.refill_no,
      state: r.state as "undispensed" | "dispensed" | "cancelled",
      ...(r.restored ? { restored: true } : {}),
      ...(r.dispensed_by ? { dispensedBy: r.dispensed_by } : {}),
      ...(r.dispensed_at ? { dispensedAt: r.dispensed_at as RocDateTime } : {}),
      ...(r.dispensed_visit_id ? { dispensedVisitId: r.dispensed_visit_id } : {}),
      ...(r.days !== null ? { days: r.days } : {}),
      events: [],
    })),
  };
  if (row.prescriber_name) status.prescriberName = row.prescriber_name;
  if (row.original_sequence_number) status.originalSequenceNumber = row.original_sequence_number;
  if (row.total_days !== null) status.totalDays = row.total_days;
  if (row.nhi_status_json) {
    const nhi = JSON.parse(row.nhi_status_json) as PrescriptionStatus;
    if (nhi.birthDate) status.birthDate = nhi.birthDate;
  }
  return status;
}

/** What a decision needs of one of our dispensings (the stored record itself stays in the database). */
export type LocalDispensing = Pick<
  DispensingRow,
  "visit_id" | "refill_no" | "visit_date_time" | "pharmacist_id" | "days" | "status"
>;
const LOCAL_DISPENSING_COLUMNS = [
  "visit_id",
  "refill_no",
  "visit_date_time",
  "pharmacist_id",
  "days",
  "status",
] as const satisfies readonly (keyof LocalDispensing)[];

export interface LocalState {
  prescription?: PrescriptionRow;
  status?: PrescriptionStatus;
  active: LocalDispensing[];
  deletedVisitIds: string[];
  patientName?: string;
}

/** The prescription's dispensings as one JSON array column, so that a scan is a single indexed read. */
function dispensingsJson(engine: Engine) {
  const pairs = sql.join(LOCAL_DISPENSING_COLUMNS.map((c) => sql`${sql.lit(c)}, ${sql.ref(`d.${c}`)}`));
  const where = sql`d.original_visit_id = prescriptions.original_visit_id`;
  return engine === "postgres"
    ? sql<unknown>`(SELECT coalesce(json_agg(json_build_object(${pairs})), '[]'::json) FROM dispensings d WHERE ${where})`
    : sql<unknown>`(SELECT json_group_array(json_object(${pairs})) FROM dispensings d WHERE ${where})`;
}

function prescriptionsWithDispensings(db: Db, engine: Engine, originalVisitIds: readonly string[]) {
  return db
    .selectFrom("prescriptions")
    .leftJoin("patients", "patients.national_id", "prescriptions.national_id")
    .selectAll("prescriptions")
    .select("patients.name as patient_name")
    .select(dispensingsJson(engine).as("dispensings_json"))
    .where("prescriptions.original_visit_id", "in", originalVisitIds);
}
export type LocalStateRow = Awaited<
  ReturnType<ReturnType<typeof prescriptionsWithDispensings>["executeTakeFirstOrThrow"]>
>;

/**
 * The scan's query is built and compiled once per engine and list length, then only its parameters change: building
 * a Kysely query costs about as much main-thread time as SQLite takes to answer it. Lists are padded to a power of
 * two by repeating their last ID, so a handful of statements serve every batch.
 */
const LOOKUP_PLACEHOLDER = "\u0000original_visit_id\u0000";
export const MAX_LOOKUP_BATCH = 64;
const compiledLookups = new Map<string, { query: CompiledQuery<LocalStateRow>; slots: number[] }>();

function compiledLookup(db: Db, engine: Engine, size: number) {
  const key = `${engine}:${size}`;
  let compiled = compiledLookups.get(key);
  if (!compiled) {
    const placeholders = Array.from({ length: size }, (_, i) => `${LOOKUP_PLACEHOLDER}${i}`);
    const query = prescriptionsWithDispensings(db, engine, placeholders).compile();
    const slots = query.parameters.map((p) => (typeof p === "string" ? placeholders.indexOf(p) : -1));
    compiled = { query, slots };
    compiledLookups.set(key, compiled);
  }
  return compiled;
}

/** Our rows for up to MAX_LOOKUP_BATCH prescriptions, in the order asked (undefined where we hold none). */
export async function lookUpPrescriptions(
  db: Db,
  engine: Engine,
  originalVisitIds: readonly string[],
): Promise<(LocalStateRow | undefined)[]> {
  if (originalVisitIds.length === 0) return [];
  if (originalVisitIds.length > MAX_LOOKUP_BATCH) throw new RangeError(`at most ${MAX_LOOKUP_BATCH} IDs per lookup`);
  let size = 1;
  while (size < originalVisitIds.length) size *= 2;
  const { query, slots } = compiledLookup(db, engine, size);
  const last = originalVisitIds.length - 1;
  const parameters = query.parameters.map((p, i) => {
    const slot = slots[i]!;
    return slot === -1 ? p : originalVisitIds[Math.min(slot, last)];
  });
  const { rows } = await db.executeQuery<LocalStateRow>({ ...query, parameters });
  const byId = new Map(rows.map((row) => [row.original_visit_id, row]));
  return originalVisitIds.map((id) => byId.get(id));
}

/**
 * What we hold about one prescription: `find` gives its row (prescription, patient name, dispensings; the service's
 * shares one `lookUpPrescriptions` query among concurrent scans). `cached: false` skips rebuilding NHI's per-refill
 * state (not needed when NHI just answered).
 */
export async function loadLocalState(
  db: Db,
  find: (originalVisitId: string) => Promise<LocalStateRow | undefined>,
  originalVisitId: string,
  options: { cached?: boolean } = {},
): Promise<LocalState> {
  const found = await find(originalVisitId);
  // Dispensings reference their prescription: without the prescription row there are none.
  if (!found) return { active: [], deletedVisitIds: [] };
  const { patient_name, dispensings_json, ...prescription } = found;
  const dispensings = (
    typeof dispensings_json === "string" ? JSON.parse(dispensings_json) : dispensings_json
  ) as LocalDispensing[];
  dispensings.sort((a, b) => a.refill_no - b.refill_no);
  const state: LocalState = {
    prescription,
    active: dispensings.filter((d) => d.status === "active"),
    deletedVisitIds: dispensings.filter((d) => d.status === "deleted").map((d) => d.visit_id),
  };
  if (patient_name) state.patientName = patient_name;
  if (options.cached !== false) {
    const refills = await db
      .selectFrom("nhi_refills")
      .selectAll()
      .where("original_visit_id", "=", originalVisitId)
      .orderBy("refill_no")
      .execute();
    state.status = cachedStatus(prescription, refills);
  }
  return state;
}

export function localFacts(active: readonly LocalDispensing[]): LocalDispensingFact[] {
  return active.map((d) => ({
    refillNo: d.refill_no,
    visitId: d.visit_id,
    visitDateTime: d.visit_date_time as RocDateTime,
    pharmacistId: d.pharmacist_id,
    days: d.days,
  }));
}

/** Internal outbox states map onto the contract's UploadState (superseded entries are never shown). */
export function uploadState(state: string): UploadState {
  return state === "superseded" ? "pending" : (state as UploadState);
}

interface StoredRejection {
  field: string;
  code: string;
}

export function rejectionsOf(row: Pick<OutboxRow, "rejections_json">): StoredRejection[] {
  return row.rejections_json ? (JSON.parse(row.rejections_json) as StoredRejection[]) : [];
}

export function outboxView(row: OutboxRow): OutboxEntryView {
  const view: OutboxEntryView = {
    id: row.id,
    dispensingId: row.dispensing_id,
    visitId: row.visit_id,
    dataFormat: row.data_format,
    state: uploadState(row.state),
    attempts: row.attempts,
    createdAt: row.created_at,
    deadline: row.deadline,
    rejections: rejectionsOf(row).map((r) => {
      const d = describeNhiCode(r.code);
      return { field: r.field, code: r.code, message: d.message, advice: d.advice };
    }),
  };
  if (row.uploaded_at) view.uploadedAt = row.uploaded_at;
  if (row.last_error) view.lastError = row.last_error;
  return view;
}

export function dispensingView(row: DispensingRow, latest: OutboxRow | undefined): DispensingView {
  const view: DispensingView = {
    id: row.id,
    visitId: row.visit_id,
    originalVisitId: row.original_visit_id,
    refillNo: row.refill_no,
    visitDateTime: row.visit_date_time as RocDateTime,
    pharmacistId: row.pharmacist_id,
    nationalId: row.national_id,
    days: row.days,
    status: row.status as "active" | "deleted",
    j000: row.j000 === 1,
    upload: {
      state: latest ? uploadState(latest.state) : "pending",
      codes: latest
        ? rejectionsOf(latest).map((r) => ({ field: r.field, code: r.code, message: describeNhiCode(r.code).message }))
        : [],
    },
  };
  if (row.abnormal_code) view.abnormalCode = row.abnormal_code;
  if (row.override_reason) view.override = { reason: row.override_reason };
  return view;
}

/** The latest live outbox entry of each dispensing. */
export async function latestOutbox(db: Db, dispensingIds: readonly string[]): Promise<Map<string, OutboxRow>> {
  const map = new Map<string, OutboxRow>();
  if (dispensingIds.length === 0) return map;
  const rows = await db
    .selectFrom("outbox")
    .selectAll()
    .where("dispensing_id", "in", [...dispensingIds])
    .where("state", "!=", "superseded")
    .orderBy("created_at")
    .orderBy("revision")
    .execute();
  for (const row of rows) map.set(row.dispensing_id, row);
  return map;
}

export function eventView(row: RefillEventRow): RefillEventView {
  const view: RefillEventView = {
    id: row.id,
    at: row.at,
    type: row.type as RefillEventType,
    originalVisitId: row.original_visit_id,
    message: { zh: row.message_zh, en: row.message_en },
  };
  if (row.refill_no !== null) view.refillNo = row.refill_no;
  if (row.national_id) view.nationalId = row.national_id;
  if (row.prescriber_institution_code) view.prescriberInstitutionCode = row.prescriber_institution_code;
  if (row.institution_code) view.institutionCode = row.institution_code;
  if (row.pharmacist_id) view.pharmacistId = row.pharmacist_id;
  if (row.reason) view.reason = row.reason;
  if (row.nhi_codes) view.nhiCodes = JSON.parse(row.nhi_codes) as string[];
  return view;
}
