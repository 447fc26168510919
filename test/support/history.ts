/**
 * A pharmacy's dispensing history written straight into the database in a handful of set-based statements (a
 * recursive CTE on SQLite, generate_series on PostgreSQL): patients, chronic prescriptions, NHI's per-refill state,
 * our dispensings, their accepted uploads and their refill-log events — the rows the counter leaves behind, at a
 * million rows in seconds rather than the hours the dispensing path would take.
 *
 * Prescription p (0-based) has `refillCount` refills of `days` days; its first `dispensed` refills were dispensed
 * here `days` apart, the first at an instant spread evenly over [start, end). Dispensing i is refill i mod
 * `dispensed` + 1 of prescription ⌊i / dispensed⌋.
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Engine } from "../../src/db/migrations.js";
import type { Database } from "../../src/db/schema.js";

export interface HistoryOptions {
  /** Distinguishes the IDs of several histories in one database (one capital letter other than I and O). */
  prefix: string;
  dispensings: number;
  start: Date;
  end: Date;
  pharmacyCode: string;
  pharmacistId: string;
  refillCount?: number;
  /** Refills of each prescription dispensed (≤ refillCount). */
  dispensed?: number;
  days?: number;
}

const SURNAMES = "王李張劉陳楊黃趙吳周";

/** SQL for the engine: the number series, ROC local date-time and ISO UTC of an epoch-seconds expression. */
function dialect(engine: Engine) {
  if (engine === "postgres") {
    return {
      series: (n: number) => sql`generate_series(0, ${sql.lit(n - 1)}) AS s(i)`,
      roc: (t: RawBuilder<number>) =>
        sql<string>`lpad((extract(year from to_timestamp(${t}) AT TIME ZONE 'Asia/Taipei')::int - 1911)::text, 3, '0') || to_char(to_timestamp(${t}) AT TIME ZONE 'Asia/Taipei', 'MMDDHH24MISS')`,
      iso: (t: RawBuilder<number>) =>
        sql<string>`to_char(to_timestamp(${t}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
      pad: (prefix: string, width: number, n: RawBuilder<number>) =>
        sql<string>`${sql.lit(prefix)} || lpad((${n})::text, ${sql.lit(width)}, '0')`,
      div: (a: RawBuilder<number>, b: number) => sql<number>`((${a}) / ${sql.lit(b)})`,
    };
  }
  return {
    series: (_n: number) => sql`s`,
    roc: (t: RawBuilder<number>) =>
      sql<string>`printf('%03d', CAST(strftime('%Y', ${t} + 28800, 'unixepoch') AS INTEGER) - 1911) || strftime('%m%d%H%M%S', ${t} + 28800, 'unixepoch')`,
    iso: (t: RawBuilder<number>) => sql<string>`strftime('%Y-%m-%dT%H:%M:%S.000Z', ${t}, 'unixepoch')`,
    pad: (prefix: string, width: number, n: RawBuilder<number>) =>
      sql<string>`printf(${sql.lit(`${prefix}%0${width}d`)}, ${n})`,
    div: (a: RawBuilder<number>, b: number) => sql<number>`((${a}) / ${sql.lit(b)})`,
  };
}

const TABLES = ["patients", "prescriptions", "nhi_refills", "dispensings", "outbox", "refill_events"];

/**
 * Runs `load` with the tables' secondary indexes dropped, then builds them again exactly as they were: one index
 * build after a bulk load is several times faster than maintaining every index row by row.
 */
async function withoutIndexes(db: Kysely<Database>, engine: Engine, load: () => Promise<void>): Promise<void> {
  const list = sql.join(TABLES.map((t) => sql.lit(t)));
  const { rows } =
    engine === "postgres"
      ? await sql<{ name: string; definition: string }>`SELECT i.indexname AS name, i.indexdef AS definition
          FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename IN (${list})
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`.execute(db)
      : await sql<{ name: string; definition: string }>`SELECT name, sql AS definition FROM sqlite_master
          WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${list})`.execute(db);
  for (const index of rows) await sql`DROP INDEX ${sql.ref(index.name)}`.execute(db);
  try {
    await load();
  } finally {
    for (const index of rows) await sql.raw(index.definition).execute(db);
  }
}

/** Inserts the history; returns how many prescriptions it made. */
export async function insertHistory(db: Kysely<Database>, engine: Engine, options: HistoryOptions): Promise<number> {
  let prescriptions = 0;
  await withoutIndexes(db, engine, async () => {
    prescriptions = await insertRows(db, engine, options);
  });
  return prescriptions;
}

async function insertRows(db: Kysely<Database>, engine: Engine, options: HistoryOptions): Promise<number> {
  const refillCount = options.refillCount ?? 3;
  const dispensed = options.dispensed ?? refillCount;
  const days = options.days ?? 28;
  const prescriptions = Math.ceil(options.dispensings / dispensed);
  const startS = Math.floor(options.start.getTime() / 1000);
  const stepS = Math.max(1, Math.floor((options.end.getTime() - options.start.getTime()) / 1000 / prescriptions));
  const d = dialect(engine);
  const p = sql<number>`i`;
  /** Runs `body` (a SELECT over column i) for i in [0, n) and inserts it into `into` (made by `create` first). */
  const fill = async (
    n: number,
    into: RawBuilder<unknown>,
    body: RawBuilder<unknown>,
    create?: RawBuilder<unknown>,
  ) => {
    if (create) await create.execute(db);
    await (engine === "postgres"
      ? sql`INSERT INTO ${into} ${body} FROM ${d.series(n)}`
      : sql`INSERT INTO ${into} WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${sql.lit(
          n - 1,
        )}) ${body} FROM s`
    ).execute(db);
  };

  const nationalId = (n: RawBuilder<number>) => d.pad(options.prefix, 9, n);
  const m16 = (n: RawBuilder<number>) => d.pad(`${options.prefix}R`, 18, n);
  const firstAt = (n: RawBuilder<number>) => sql<number>`(${sql.lit(startS)} + (${n}) * ${sql.lit(stepS)})`;
  const name = sql<string>`substr(${sql.lit(SURNAMES)}, (i % 10) + 1, 1) || '小明'`;
  const created = d.iso(sql<number>`${sql.lit(startS)}`);

  await fill(
    prescriptions,
    sql`patients (national_id, name, birth_date, sex, created_at, updated_at)`,
    sql`SELECT ${nationalId(p)}, ${name}, '0600101', 'F', ${created}, ${created}`,
  );
  await fill(
    prescriptions,
    sql`prescriptions (original_visit_id, national_id, prescriber_institution_code, original_visit_date_time, chronic, refill_count, days_per_refill, total_days, orders_json, created_at, updated_at)`,
    sql`SELECT ${m16(p)}, ${nationalId(p)}, '3501200000', ${d.roc(firstAt(p))}, 1, ${sql.lit(refillCount)}, ${sql.lit(
      days,
    )}, ${sql.lit(days * refillCount)}, '[]', ${created}, ${created}`,
  );

  // Dispensing i: prescription i / dispensed, refill i % dispensed + 1, `days` after the refill before it. Its
  // values are formatted once into a scratch table that the four inserts below read.
  const rx = d.div(sql<number>`i`, dispensed);
  const at = sql<number>`(${firstAt(rx)} + (i % ${sql.lit(dispensed)}) * ${sql.lit(days * 86400)})`;
  const rows = sql.table("history_scratch");
  await sql`DROP TABLE IF EXISTS ${rows}`.execute(db);
  await fill(
    options.dispensings,
    sql`${rows} (i, id, m16, national_id, refill_no, visit_id, roc, iso, uploaded, deadline, checked)`,
    sql`SELECT i, ${d.pad(`${options.prefix}-`, 9, sql<number>`i`)}, ${m16(rx)}, ${nationalId(rx)}, (i % ${sql.lit(
      dispensed,
    )} + 1), ${d.pad(`${options.prefix}V`, 18, sql<number>`i`)}, ${d.roc(at)}, ${d.iso(at)}, ${d.iso(
      sql<number>`(${at} + 600)`,
    )}, ${d.iso(sql<number>`(${at} + 86400)`)}, ${d.iso(sql<number>`(${at} + 7800)`)}`,
    sql`CREATE TABLE ${rows} (i integer, id text, m16 text, national_id text, refill_no integer, visit_id text, roc text, iso text, uploaded text, deadline text, checked text)`,
  );
  const lit = sql.lit;
  const copy = (into: RawBuilder<unknown>, body: RawBuilder<unknown>) =>
    sql`INSERT INTO ${into} ${body} FROM ${rows} ORDER BY i`.execute(db);
  await copy(
    sql`nhi_refills (original_visit_id, refill_no, state, restored, dispensed_by, dispensed_at, dispensed_visit_id, days, updated_at)`,
    sql`SELECT m16, refill_no, 'dispensed', 0, ${lit(options.pharmacyCode)}, roc, visit_id, ${lit(days)}, iso`,
  );
  await copy(
    sql`dispensings (id, visit_id, original_visit_id, refill_no, visit_date_time, pharmacist_id, national_id, days, status, data_format, j000, record_json, revision, created_at, updated_at)`,
    sql`SELECT 'd' || id, visit_id, m16, refill_no, roc, ${lit(options.pharmacistId)}, national_id, ${lit(
      days,
    )}, 'active', 'A', 0, '{}', 0, iso, iso`,
  );
  await copy(
    sql`outbox (id, dispensing_id, visit_id, data_format, revision, record_json, state, attempts, next_attempt_at, created_at, deadline, uploaded_at, upload_id, record_no, checked_at)`,
    sql`SELECT 'o' || id, 'd' || id, visit_id, 'A', 0, '{}', 'accepted', 1, uploaded, iso, deadline, uploaded, 'u' || (i / 100), (i % 100) + 1, checked`,
  );
  await copy(
    sql`refill_events (id, at, type, original_visit_id, refill_no, national_id, prescriber_institution_code, institution_code, pharmacist_id, message_zh, message_en)`,
    sql`SELECT 'e' || id, iso, 'dispensed', m16, refill_no, national_id, '3501200000', ${lit(
      options.pharmacyCode,
    )}, ${lit(options.pharmacistId)}, '第' || refill_no || '次調劑', 'Refill ' || refill_no || ' dispensed'`,
  );
  await sql`DROP TABLE ${rows}`.execute(db);
  return prescriptions;
}
