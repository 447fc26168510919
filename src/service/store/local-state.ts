/**
 * What we hold about one prescription for a decision: its row, the patient's name and our dispensings, read in one
 * query that concurrent scans share.
 */
import { CompiledQuery } from "kysely";
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

/**
 * The scan's lookup: for each prescription asked, our row of it with its patient's name and its dispensings (one JSON
 * array column), in one indexed read whatever the number asked. A prescription we do not hold yet still answers the
 * name we know of the patient NHI says it is for (from a card or the paper of another prescription; NHI names
 * nobody). The list goes as one parameter, so each engine has one statement, built once: SQLite keeps it in its
 * statement cache, PostgreSQL prepares it once per connection (src/db/prepared.ts).
 */
function lookupSql(engine: Engine): string {
  const pairs = LOCAL_DISPENSING_COLUMNS.map((c) => `'${c}', d.${c}`).join(", ");
  const dispensings =
    engine === "postgres"
      ? `SELECT coalesce(json_agg(json_build_object(${pairs})), '[]'::json) FROM dispensings d`
      : `SELECT json_group_array(json_object(${pairs})) FROM dispensings d`;
  // SQLite: a JSON array of [original visit ID, national ID or null] pairs; PostgreSQL: two text arrays.
  const [asked, askedId, askedPatient] =
    engine === "postgres"
      ? ["unnest($1::text[], $2::text[]) AS ask(id, national_id)", "ask.id", "ask.national_id"]
      : ["json_each(?) AS ask", "ask.value ->> 0", "ask.value ->> 1"];
  return `SELECT p.*, pt.name AS patient_name, ${askedId} AS asked_id,
    (${dispensings} WHERE d.original_visit_id = p.original_visit_id) AS dispensings_json
    FROM ${asked}
    LEFT JOIN prescriptions p ON p.original_visit_id = ${askedId}
    LEFT JOIN patients pt ON pt.national_id = coalesce(p.national_id, ${askedPatient})`;
}
const LOOKUP_SQL = { sqlite: lookupSql("sqlite"), postgres: lookupSql("postgres") } as const;
prepareOnPostgres(LOOKUP_SQL.postgres);

/** Prescriptions per lookup query (concurrent scans share one). */
export const MAX_LOOKUP_BATCH = 64;

/** Our row of a prescription as the lookup reads it. */
export type LocalStateRow = PrescriptionRow & { patient_name: string | null; dispensings_json: unknown };

/** One prescription to look up, and the patient NHI says it is for (when NHI answered). */
export interface LookupAsk {
  originalVisitId: string;
  nationalId?: string;
}

/** Our row of the prescription, or for one we do not hold, the name we know of its patient. */
export interface LookupAnswer {
  row?: LocalStateRow;
  patientName?: string;
}

/** The scan's lookup for any number of prescriptions, answers in the order asked. */
export async function lookUpPrescriptions(db: Db, engine: Engine, asks: readonly LookupAsk[]): Promise<LookupAnswer[]> {
  if (asks.length === 0) return [];
  const ids = asks.map((a) => a.originalVisitId);
  const patients = asks.map((a) => a.nationalId ?? null);
  const parameters = engine === "postgres" ? [ids, patients] : [JSON.stringify(ids.map((id, i) => [id, patients[i]]))];
  const { rows } = await db.executeQuery<Partial<LocalStateRow> & { asked_id: string }>(
    CompiledQuery.raw(LOOKUP_SQL[engine], parameters),
  );
  const byId = new Map<string, LookupAnswer>();
  for (const { asked_id, ...row } of rows) {
    if (row.original_visit_id != null) byId.set(asked_id, { row: row as LocalStateRow });
    else if (row.patient_name) byId.set(asked_id, { patientName: row.patient_name });
  }
  return ids.map((id) => byId.get(id) ?? {});
}

/**
 * What we hold about one prescription: `find` gives our row of it (prescription, patient name, dispensings; the
 * service's shares one `lookUpPrescriptions` query among concurrent scans). `cached: false` skips rebuilding NHI's
 * per-refill state (not needed when NHI just answered).
 */
export async function loadLocalState(
  db: Db,
  find: (ask: LookupAsk) => Promise<LookupAnswer>,
  ask: LookupAsk,
  options: { cached?: boolean } = {},
): Promise<LocalState> {
  const found = await find(ask);
  // Dispensings reference their prescription: without the prescription row there are none.
  if (!found.row)
    return { active: [], deletedVisitIds: [], ...(found.patientName ? { patientName: found.patientName } : {}) };
  const { patient_name, dispensings_json, ...prescription } = found.row;
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
      .where("original_visit_id", "=", ask.originalVisitId)
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
