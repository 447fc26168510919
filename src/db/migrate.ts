/**
 * Runs ./migrations.ts through Kysely's Migrator with an in-code provider: Kysely orders the migrations by name,
 * records them in `kysely_migration` and takes the lock (an advisory lock on PostgreSQL; on SQLite the write
 * transaction, BEGIN IMMEDIATE, that our dialect starts), so processes starting together apply each one once.
 *
 * Databases made before the Migrator kept their versions in `schema_migrations`; the first start adopts them.
 */
import { type Kysely, type Migration as KyselyMigration, Migrator, sql } from "kysely";
import { type Engine, MIGRATIONS, type Migration } from "./migrations.js";
import type { Database } from "./schema.js";

export interface MigrationReport {
  /** Versions applied by this call. */
  applied: number[];
  /** The newest version in the database afterwards. */
  current: number;
}

/** Kysely's name for a migration: the zero-padded version first, so names sort in version order. */
export function migrationName(migration: Pick<Migration, "version" | "name">): string {
  return `${String(migration.version).padStart(4, "0")}-${migration.name.replace(/[^A-Za-z0-9]+/g, "-")}`;
}

function versionOf(name: string): number {
  return Number.parseInt(name.slice(0, 4), 10);
}

/** Applies the pending migrations; safe to call from several processes at once. */
export async function migrate(
  db: Kysely<Database>,
  engine: Engine,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationReport> {
  if (await upToDate(db, migrations)) {
    return { applied: [], current: Math.max(0, ...migrations.map((m) => m.version)) };
  }
  await adoptLegacyVersions(db, engine, migrations);
  const migrator = new Migrator({
    db,
    provider: {
      async getMigrations() {
        const byName: Record<string, KyselyMigration> = {};
        for (const m of migrations) {
          // Kysely hands each migration the transaction it runs in.
          byName[migrationName(m)] = { up: (trx) => m.up(trx as Parameters<Migration["up"]>[0], engine) };
        }
        return byName;
      },
    },
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) throw error;
  const executed = (await migrator.getMigrations()).filter((m) => m.executedAt !== undefined);
  return {
    applied: results.filter((r) => r.status === "Success").map((r) => versionOf(r.migrationName)),
    current: Math.max(0, ...executed.map((m) => versionOf(m.name))),
  };
}

/**
 * Whether the database has recorded exactly these migrations, in one query: then the Migrator has nothing to do, and
 * its schema introspection, lock and second listing (~12 ms of every start on SQLite, ~30 ms on PostgreSQL; a fifth
 * of a small report's database time) are skipped. Names are recorded in the transaction that applies a migration, so
 * a migration still running elsewhere is not counted; anything else (no table yet, an unknown name) takes the
 * Migrator's path.
 */
async function upToDate(db: Kysely<Database>, migrations: readonly Migration[]): Promise<boolean> {
  let recorded: string[];
  try {
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db);
    recorded = rows.map((r) => r.name);
  } catch {
    return false;
  }
  const known = new Set(migrations.map(migrationName));
  return recorded.length === known.size && recorded.every((name) => known.has(name));
}

/**
 * Moves the versions the old hand-written runner recorded in `schema_migrations` into Kysely's table, under the
 * same lock the old runner took, then drops the old table: the schema itself is already in place, so nothing runs
 * again and no data is touched.
 */
async function adoptLegacyVersions(
  db: Kysely<Database>,
  engine: Engine,
  migrations: readonly Migration[],
): Promise<void> {
  if (!(await hasTable(db, engine, "schema_migrations"))) return;
  await db.transaction().execute(async (trx) => {
    if (engine === "postgres") await sql`SELECT pg_advisory_xact_lock(7263001)`.execute(trx);
    if (!(await hasTable(trx, engine, "schema_migrations"))) return; // another process adopted them meanwhile
    await trx.schema
      .createTable("kysely_migration")
      .ifNotExists()
      .addColumn("name", "varchar(255)", (c) => c.notNull().primaryKey())
      .addColumn("timestamp", "varchar(255)", (c) => c.notNull())
      .execute();
    const { rows } = await sql<{ version: number; applied_at: string }>`
      SELECT version, applied_at FROM schema_migrations ORDER BY version`.execute(trx);
    for (const row of rows) {
      const migration = migrations.find((m) => m.version === Number(row.version));
      if (!migration)
        throw new Error(`schema_migrations lists version ${row.version}, which this program does not know`);
      await sql`INSERT INTO kysely_migration (name, timestamp) VALUES (${migrationName(migration)}, ${row.applied_at})
        ON CONFLICT (name) DO NOTHING`.execute(trx);
    }
    await sql`DROP TABLE schema_migrations`.execute(trx);
  });
}

async function hasTable(db: Kysely<Database>, engine: Engine, table: string): Promise<boolean> {
  const { rows } =
    engine === "sqlite"
      ? await sql`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ${table}`.execute(db)
      : await sql`SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = ${table}`.execute(db);
  return rows.length > 0;
}
