/**
 * An upsert of any number of rows whose statement text never changes: the rows go in as one JSON array parameter
 * and the database unpacks it (SQLite `json_each`, PostgreSQL `json_array_elements`). The statement is built and
 * compiled once per engine, so storing a batch costs one JSON.stringify and one bound parameter on our side instead
 * of building a query of rows × columns values; SQLite keeps the prepared statement (one text for every batch size).
 */
import { type CompiledQuery, sql } from "kysely";
import type { Engine } from "../../db/migrations.js";
import type { Db } from "./db.js";

export interface JsonColumn {
  name: string;
  type: "text" | "integer";
}

export interface JsonUpsertSpec {
  table: string;
  columns: readonly JsonColumn[];
  /** The conflict target (a primary key or unique index). */
  conflict: readonly string[];
  /** On conflict, each listed column takes the new value; `keep` ones only when the new one is not null. */
  update: readonly { column: string; keep?: boolean }[];
  returning?: readonly string[];
}

/** One row as the statement reads it: each column's value by name (undefined is stored as null). */
export type JsonRow = Record<string, string | number | null | undefined>;

const compiled = new WeakMap<JsonUpsertSpec, Map<Engine, CompiledQuery>>();

function compiledFor(db: Db, engine: Engine, spec: JsonUpsertSpec): CompiledQuery {
  let byEngine = compiled.get(spec);
  if (!byEngine) {
    byEngine = new Map();
    compiled.set(spec, byEngine);
  }
  let query = byEngine.get(engine);
  if (!query) {
    query = build(db, engine, spec);
    byEngine.set(engine, query);
  }
  return query;
}

function build(db: Db, engine: Engine, spec: JsonUpsertSpec): CompiledQuery {
  const value = (c: JsonColumn) => {
    const text = sql`value ->> ${sql.lit(c.name)}`;
    return c.type === "integer" ? sql`CAST(${text} AS integer)` : text;
  };
  const rows = sql`${"[]"}`;
  const source = engine === "postgres" ? sql`json_array_elements(${rows}::json) AS j(value)` : sql`json_each(${rows})`;
  const set = spec.update.map(({ column, keep }) => {
    const excluded = sql.ref(`excluded.${column}`);
    const next = keep ? sql`coalesce(${excluded}, ${sql.ref(`${spec.table}.${column}`)})` : excluded;
    return sql`${sql.ref(column)} = ${next}`;
  });
  const returning = spec.returning ? sql` RETURNING ${sql.join(spec.returning.map((c) => sql.ref(c)))}` : sql``;
  // `WHERE true`: without it SQLite would read ON CONFLICT as the join constraint of the SELECT.
  return sql`INSERT INTO ${sql.table(spec.table)} (${sql.join(spec.columns.map((c) => sql.ref(c.name)))}) SELECT ${sql.join(
    spec.columns.map(value),
  )} FROM ${source} WHERE true ON CONFLICT (${sql.join(spec.conflict.map((c) => sql.ref(c)))}) DO UPDATE SET ${sql.join(
    set,
  )}${returning}`.compile(db);
}

/** Upserts `rows` in one statement; answers the RETURNING columns' rows (none without `returning`). */
export async function jsonUpsert<R = Record<string, unknown>>(
  db: Db,
  engine: Engine,
  spec: JsonUpsertSpec,
  rows: readonly JsonRow[],
): Promise<R[]> {
  if (rows.length === 0) return [];
  const query = compiledFor(db, engine, spec);
  const result = await db.executeQuery<R>({ ...query, parameters: [JSON.stringify(rows)] });
  return result.rows;
}
