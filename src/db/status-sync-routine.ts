/**
 * Migration 8's routine: storing a batch of NHI's answers in ONE statement. A check's first scan stores NHI's answer
 * (patients, prescriptions, per-refill state, refill-log events); as a transaction of one statement per table that
 * was five hops to the database for every batch, each waiting for the server's busy main thread in between. The
 * four tables' rows go in as four JSON arrays, unpacked by the database, and the statement answers the names we
 * know of the answers' patients (NHI names nobody; a check shows the name a card or the paper gave):
 *  - SQLite: `INSERT INTO nhi_status_inbox (…) VALUES (?, ?, ?, ?) RETURNING (…) AS names`: the inbox row's AFTER
 *    INSERT trigger runs the four upserts and deletes the row again (the table stays empty); RETURNING's subquery
 *    gives the names as one JSON object (national ID → name);
 *  - PostgreSQL: `SELECT * FROM rxdesk_store_nhi_status($1, $2, $3, $4)`, a PL/pgSQL function doing the same and
 *    answering (national_id, name) rows.
 * One statement is atomic on both engines, inside a transaction or not. The rows' fields are named in
 * src/service/store/status-sync.ts, which since the scan's lookup answers the names calls the routine without
 * RETURNING on SQLite and only counts the function's rows on PostgreSQL.
 *
 * This is history: a migration that has shipped is never edited. A changed upsert is a new migration that replaces
 * the trigger and the function.
 */
import { sql, type Transaction } from "kysely";
import type { Engine } from "./migrations.js";
import type { Database } from "./schema.js";

/** The four upserts, each reading its rows from `source(n)` (the n-th JSON array, 1 to 4) as `value`. */
function upserts(source: (n: number) => string): string[] {
  const int = (field: string) => `CAST(value ->> '${field}' AS integer)`;
  return [
    // NHI names no patient or sex: what a card or the paper said stays.
    `INSERT INTO patients (national_id, birth_date, created_at, updated_at)
      SELECT value ->> 'national_id', value ->> 'birth_date', value ->> 'at', value ->> 'at' FROM ${source(1)}
      WHERE true
      ON CONFLICT (national_id) DO UPDATE SET
        birth_date = coalesce(excluded.birth_date, patients.birth_date), updated_at = excluded.updated_at`,
    `INSERT INTO prescriptions (original_visit_id, national_id, prescriber_institution_code, prescriber_name,
        original_sequence_number, original_visit_date_time, chronic, refill_count, days_per_refill, total_days,
        orders_json, nhi_status_json, nhi_checked_at, created_at, updated_at)
      SELECT value ->> 'original_visit_id', value ->> 'national_id', value ->> 'prescriber_institution_code',
        value ->> 'prescriber_name', value ->> 'original_sequence_number', value ->> 'original_visit_date_time',
        ${int("chronic")}, ${int("refill_count")}, ${int("days_per_refill")}, ${int("total_days")},
        value ->> 'orders_json', value ->> 'nhi_status_json', value ->> 'at', value ->> 'at', value ->> 'at'
      FROM ${source(2)}
      WHERE true
      ON CONFLICT (original_visit_id) DO UPDATE SET
        national_id = excluded.national_id, prescriber_institution_code = excluded.prescriber_institution_code,
        prescriber_name = excluded.prescriber_name, original_sequence_number = excluded.original_sequence_number,
        original_visit_date_time = excluded.original_visit_date_time, chronic = excluded.chronic,
        refill_count = excluded.refill_count, days_per_refill = excluded.days_per_refill,
        total_days = excluded.total_days, orders_json = excluded.orders_json,
        nhi_status_json = excluded.nhi_status_json, nhi_checked_at = excluded.nhi_checked_at,
        updated_at = excluded.updated_at`,
    `INSERT INTO nhi_refills (original_visit_id, refill_no, state, restored, dispensed_by, dispensed_at,
        dispensed_visit_id, days, updated_at)
      SELECT value ->> 'original_visit_id', ${int("refill_no")}, value ->> 'state', ${int("restored")},
        value ->> 'dispensed_by', value ->> 'dispensed_at', value ->> 'dispensed_visit_id', ${int("days")},
        value ->> 'at'
      FROM ${source(3)}
      WHERE true
      ON CONFLICT (original_visit_id, refill_no) DO UPDATE SET
        state = excluded.state, restored = excluded.restored, dispensed_by = excluded.dispensed_by,
        dispensed_at = excluded.dispensed_at, dispensed_visit_id = excluded.dispensed_visit_id,
        days = excluded.days, updated_at = excluded.updated_at`,
    // An event already recorded (the same source key) is skipped.
    `INSERT INTO refill_events (id, at, type, original_visit_id, refill_no, national_id,
        prescriber_institution_code, institution_code, pharmacist_id, reason, nhi_codes, message_zh, message_en,
        source_key)
      SELECT value ->> 'id', value ->> 'at', value ->> 'type', value ->> 'original_visit_id', ${int("refill_no")},
        value ->> 'national_id', value ->> 'prescriber_institution_code', value ->> 'institution_code',
        value ->> 'pharmacist_id', value ->> 'reason', value ->> 'nhi_codes', value ->> 'message_zh',
        value ->> 'message_en', value ->> 'source_key'
      FROM ${source(4)}
      WHERE true
      ON CONFLICT (source_key) DO NOTHING`,
  ];
}

const ARRAYS = ["patient_rows", "prescription_rows", "refill_rows", "event_rows"];

export async function createStatusSyncRoutine(db: Transaction<Database>, engine: Engine): Promise<void> {
  if (engine === "sqlite") {
    await sql.raw(`CREATE TABLE nhi_status_inbox (${ARRAYS.map((a) => `${a} text`).join(", ")})`).execute(db);
    // `WHERE true` above: without it SQLite reads ON CONFLICT as the join constraint of the SELECT.
    const body = upserts((n) => `json_each(NEW.${ARRAYS[n - 1]})`).join(";\n");
    await sql
      .raw(
        `CREATE TRIGGER nhi_status_inbox_store AFTER INSERT ON nhi_status_inbox BEGIN\n${body};\n` +
          "DELETE FROM nhi_status_inbox WHERE rowid = NEW.rowid;\nEND",
      )
      .execute(db);
    return;
  }
  // PL/pgSQL keeps each statement's plan for the connection (an SQL function plans them on every call);
  // `use_column`: the result's column names are also its variables, and here they mean the tables' columns.
  const body = upserts((n) => `json_array_elements($${n}) AS j${n}(value)`).join(";\n");
  const names =
    "RETURN QUERY SELECT p.national_id, p.name FROM patients p " +
    "WHERE p.national_id IN (SELECT value ->> 'national_id' FROM json_array_elements($1))";
  await sql
    .raw(
      "CREATE FUNCTION rxdesk_store_nhi_status(json, json, json, json) RETURNS TABLE (national_id text, name text) " +
        `LANGUAGE plpgsql AS $$\n#variable_conflict use_column\nBEGIN\n${body};\n${names};\nEND\n$$`,
    )
    .execute(db);
}
