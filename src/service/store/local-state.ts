/**
 * What we hold about one prescription for a decision: its row, the patient's name and our dispensings, read in one
 * query that concurrent scans share.
 */
import { type CompiledQuery, sql } from "kysely";
import type { Engine } from "../../db/migrations.js";
import { prepareOnPostgres } from "../../db/prepared.js";
import type { DispensingRow, PrescriptionRow } from "../../db/schema.js";
import type { LocalDispensingFact } from "../../domain/decision.js";
import type { RocDateTime } from "../../domain/roc-date.js";
import type { PrescriptionStatus } from "../../nhi/client.js";
import type { Db } from "./db.js";
import { cachedStatus } from "./prescriptions.js";

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
 * two by repeating their last ID, so a handful of statements serve every batch, prepared once per connection on
 * PostgreSQL (src/db/prepared.ts).
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
    if (engine === "postgres") prepareOnPostgres(query.sql);
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
