/**
 * The schema's migrations, oldest first, for SQLite and PostgreSQL alike; ./migrate.ts runs them through Kysely's
 * Migrator. To change the schema, append an entry with the next version: never edit one that has shipped.
 */
import { sql, type Transaction } from "kysely";
import type { Database } from "./schema.js";
import { createStatusSyncRoutine } from "./status-sync-routine.js";

export type Engine = "sqlite" | "postgres";

export interface Migration {
  version: number;
  name: string;
  up(db: Transaction<Database>, engine: Engine): Promise<void>;
}

async function appendOnlyTriggers(db: Transaction<Database>, engine: Engine, table: string): Promise<void> {
  if (engine === "sqlite") {
    for (const op of ["UPDATE", "DELETE"]) {
      await sql
        .raw(
          `CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
        )
        .execute(db);
    }
    return;
  }
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION rxdesk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION rxdesk_append_only()`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION rxdesk_append_only()`,
    )
    .execute(db);
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "dispensing core",
    async up(db, engine) {
      const s = db.schema;
      await s
        .createTable("patients")
        .addColumn("national_id", "text", (c) => c.primaryKey())
        .addColumn("name", "text")
        .addColumn("birth_date", "text")
        .addColumn("sex", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();
      await s
        .createTable("prescriptions")
        .addColumn("original_visit_id", "text", (c) => c.primaryKey())
        .addColumn("national_id", "text", (c) => c.notNull().references("patients.national_id"))
        .addColumn("prescriber_institution_code", "text", (c) => c.notNull())
        .addColumn("prescriber_name", "text")
        .addColumn("original_sequence_number", "text")
        .addColumn("original_visit_date_time", "text", (c) => c.notNull())
        .addColumn("chronic", "integer", (c) => c.notNull())
        .addColumn("refill_count", "integer", (c) => c.notNull())
        .addColumn("days_per_refill", "integer", (c) => c.notNull())
        .addColumn("total_days", "integer")
        .addColumn("orders_json", "text", (c) => c.notNull())
        .addColumn("nhi_status_json", "text")
        .addColumn("nhi_checked_at", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addCheckConstraint(
          "prescriptions_check",
          sql`chronic IN (0, 1) AND refill_count BETWEEN 1 AND 4 AND days_per_refill > 0`,
        )
        .execute();
      await s.createIndex("prescriptions_national_id").on("prescriptions").column("national_id").execute();
      await s
        .createTable("nhi_refills")
        .addColumn("original_visit_id", "text", (c) =>
          c.notNull().references("prescriptions.original_visit_id").onDelete("cascade"),
        )
        .addColumn("refill_no", "integer", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("restored", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("dispensed_by", "text")
        .addColumn("dispensed_at", "text")
        .addColumn("dispensed_visit_id", "text")
        .addColumn("days", "integer")
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("nhi_refills_pk", ["original_visit_id", "refill_no"])
        .addCheckConstraint("nhi_refills_check", sql`state IN ('undispensed', 'dispensed', 'cancelled')`)
        .execute();
      await s
        .createTable("dispensings")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("visit_id", "text", (c) => c.notNull().unique())
        .addColumn("original_visit_id", "text", (c) => c.notNull().references("prescriptions.original_visit_id"))
        .addColumn("refill_no", "integer", (c) => c.notNull())
        .addColumn("visit_date_time", "text", (c) => c.notNull())
        .addColumn("pharmacist_id", "text", (c) => c.notNull())
        .addColumn("national_id", "text", (c) => c.notNull().references("patients.national_id"))
        .addColumn("days", "integer", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("data_format", "text", (c) => c.notNull())
        .addColumn("abnormal_code", "text")
        .addColumn("j000", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("override_reason", "text")
        .addColumn("card_source", "text")
        .addColumn("terminal_id", "text")
        .addColumn("record_json", "text", (c) => c.notNull())
        .addColumn("revision", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addColumn("deleted_at", "text")
        .addColumn("delete_reason", "text")
        // The limits are written out, not taken from src/domain/limits.ts or the field rules: an applied migration
        // is history, and a migration whose text followed a constant would give new databases a different CHECK
        // than the ones it already made. A changed limit is a new migration; migrate.test.ts fails until there is.
        .addCheckConstraint(
          "dispensings_check",
          sql`status IN ('active', 'deleted') AND data_format IN ('A', 'B') AND refill_no BETWEEN 1 AND 4 AND days BETWEEN 1 AND 90`,
        )
        .execute();
      // The duplicate-dispensing guard: at most one live dispensing per (M16, refill number).
      await s
        .createIndex("dispensings_one_live_per_refill")
        .on("dispensings")
        .columns(["original_visit_id", "refill_no"])
        .unique()
        .where(sql.ref("status"), "=", "active")
        .execute();
      await s.createIndex("dispensings_created_at").on("dispensings").column("created_at").execute();
      await s.createIndex("dispensings_national_id").on("dispensings").column("national_id").execute();
      await s
        .createTable("outbox")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("dispensing_id", "text", (c) => c.notNull().references("dispensings.id"))
        .addColumn("visit_id", "text", (c) => c.notNull())
        .addColumn("data_format", "text", (c) => c.notNull())
        .addColumn("revision", "integer", (c) => c.notNull())
        .addColumn("record_json", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("next_attempt_at", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("deadline", "text", (c) => c.notNull())
        .addColumn("uploaded_at", "text")
        .addColumn("upload_id", "text")
        .addColumn("record_no", "integer")
        .addColumn("last_error", "text")
        .addColumn("rejections_json", "text")
        .addColumn("checked_at", "text")
        .addCheckConstraint(
          "outbox_check",
          sql`data_format IN ('A', 'B', 'D') AND state IN ('pending', 'uploading', 'uploaded', 'accepted', 'rejected', 'superseded')`,
        )
        .execute();
      // Idempotency: one upload per (M15, H01, revision); a correction is a new revision.
      await s
        .createIndex("outbox_record_key")
        .on("outbox")
        .columns(["visit_id", "data_format", "revision"])
        .unique()
        .execute();
      await s.createIndex("outbox_state").on("outbox").columns(["state", "next_attempt_at"]).execute();
      await s.createIndex("outbox_upload_id").on("outbox").column("upload_id").execute();
      await s
        .createTable("rechecks")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("original_visit_id", "text", (c) => c.notNull())
        .addColumn("dispensing_id", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("done_at", "text")
        .addColumn("result", "text")
        .execute();
      await s
        .createTable("refill_events")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("original_visit_id", "text", (c) => c.notNull())
        .addColumn("refill_no", "integer")
        .addColumn("national_id", "text")
        .addColumn("prescriber_institution_code", "text")
        .addColumn("institution_code", "text")
        .addColumn("pharmacist_id", "text")
        .addColumn("reason", "text")
        .addColumn("nhi_codes", "text")
        .addColumn("message_zh", "text", (c) => c.notNull())
        .addColumn("message_en", "text", (c) => c.notNull())
        .addColumn("source_key", "text", (c) => c.unique())
        .execute();
      await s.createIndex("refill_events_at").on("refill_events").column("at").execute();
      await s.createIndex("refill_events_m16").on("refill_events").column("original_visit_id").execute();
      await s
        .createTable("audit_log")
        .addColumn("id", engine === "sqlite" ? "integer" : "serial", (c) =>
          engine === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("entity", "text", (c) => c.notNull())
        .addColumn("entity_id", "text", (c) => c.notNull())
        .addColumn("detail_json", "text", (c) => c.notNull())
        .execute();
      await appendOnlyTriggers(db, engine, "audit_log");
      await s
        .createTable("settings")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("value", "text", (c) => c.notNull())
        .execute();
    },
  },
  {
    version: 2,
    name: "lookup indexes for scan-to-decision",
    async up(db) {
      // The partial unique index only serves queries that also say status = 'active'; the decision loads
      // deleted dispensings too (NHI may still list them until the D upload lands).
      await db.schema
        .createIndex("dispensings_original_visit_id")
        .on("dispensings")
        .column("original_visit_id")
        .execute();
      await db.schema.createIndex("outbox_dispensing_id").on("outbox").column("dispensing_id").execute();
      await db.schema.createIndex("refill_events_national_id").on("refill_events").column("national_id").execute();
    },
  },
  {
    version: 3,
    name: "report indexes",
    async up(db) {
      // A report reads a period: our dispensings by card-write time (M11) and, for the refills due, the
      // dispensings NHI told us of by their time. Without these both were full scans of the whole history.
      await db.schema.createIndex("dispensings_visit_date_time").on("dispensings").column("visit_date_time").execute();
      await db.schema.createIndex("nhi_refills_dispensed_at").on("nhi_refills").column("dispensed_at").execute();
    },
  },
  {
    version: 4,
    name: "api keys and audit trail",
    async up(db, engine) {
      // Both used to be files in the data folder, read-modify-written without a lock (lost keys, lost revocations,
      // a broken hash chain with two processes). In the database every change is a transaction.
      await db.schema
        .createTable("api_keys")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("label", "text", (c) => c.notNull())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("terminal_id", "text", (c) => c.notNull())
        .addColumn("pharmacist_id", "text")
        .addColumn("secret_hash", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("revoked_at", "text")
        .addCheckConstraint("api_keys_role", sql`role IN ('pharmacist', 'owner')`)
        .execute();
      // One row per entry of the hash chain; `seq` is the primary key, so no two writers can both append entry n.
      await db.schema
        .createTable("api_audit")
        .addColumn("seq", "integer", (c) => c.primaryKey())
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("entry_json", "text", (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("api_audit_type").on("api_audit").columns(["type", "seq"]).execute();
      await appendOnlyTriggers(db, engine, "api_audit");
    },
  },
  {
    version: 5,
    name: "confirmation keys",
    async up(db) {
      // A confirmation (the API's Idempotency-Key, the counter's decision on screen) names at most one dispensing:
      // a repeated confirm finds the first success instead of being refused as a duplicate.
      await db.schema.alterTable("dispensings").addColumn("confirm_key", "text").execute();
      await db.schema.createIndex("dispensings_confirm_key").on("dispensings").column("confirm_key").unique().execute();
    },
  },
  {
    version: 6,
    name: "outbox send marks",
    async up(db) {
      // An entry handed to NHI's upload without a stored receipt keeps the batch it went in and when: before it is
      // sent again the outbox asks NHI whether the record arrived (exactly once at NHI, see src/service/outbox/).
      await db.schema.alterTable("outbox").addColumn("sent_batch", "text").execute();
      await db.schema.alterTable("outbox").addColumn("sent_at", "text").execute();
    },
  },
  {
    version: 7,
    name: "paper entries, verification and incidents",
    async up(db) {
      // Issue 15: a prescription entered from the paper (NHI unreachable, not uploaded yet, SM00) keeps what was
      // typed, so a later re-check can compare it with NHI's answer; a dispensing made without NHI's word is
      // unverified until that re-check; what the re-check finds wrong is an incident the pharmacist acknowledges.
      await db.schema.alterTable("prescriptions").addColumn("paper_json", "text").execute();
      await db.schema.alterTable("dispensings").addColumn("paper_cause", "text").execute();
      await db.schema.alterTable("dispensings").addColumn("verification", "text").execute();
      await db.schema.alterTable("dispensings").addColumn("j000_confirmed_by", "text").execute();
      await db.schema.alterTable("dispensings").addColumn("j000_confirmed_at", "text").execute();
      await db.schema
        .createTable("incidents")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("dispensing_id", "text", (c) => c.notNull().references("dispensings.id"))
        .addColumn("original_visit_id", "text", (c) => c.notNull())
        .addColumn("refill_no", "integer", (c) => c.notNull())
        .addColumn("national_id", "text", (c) => c.notNull())
        .addColumn("pharmacist_id", "text", (c) => c.notNull())
        .addColumn("nhi_codes", "text", (c) => c.notNull())
        .addColumn("detail_json", "text", (c) => c.notNull())
        .addColumn("message_zh", "text", (c) => c.notNull())
        .addColumn("message_en", "text", (c) => c.notNull())
        .addColumn("source_key", "text", (c) => c.notNull().unique())
        .addColumn("acknowledged_by", "text")
        .addColumn("acknowledged_at", "text")
        .addColumn("acknowledged_note", "text")
        .execute();
      await db.schema.createIndex("incidents_at").on("incidents").column("at").execute();
    },
  },
  {
    version: 8,
    name: "one statement stores NHI's answers",
    async up(db, engine) {
      await createStatusSyncRoutine(db, engine);
    },
  },
];
