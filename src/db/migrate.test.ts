/**
 * Kysely's Migrator over our migrations: a database made by the old hand-written runner (a file it wrote, kept in
 * fixtures/db/) moves forward without running anything twice or losing a row, and a new migration appended to the
 * list is applied on the next start, once.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createThrowawayDatabase } from "../../test/support/postgres.js";
import { MAX_DAYS_PER_DISPENSING } from "../domain/limits.js";
import { fieldRules } from "../nhi/format/field-rules.js";
import { migrate, migrationName } from "./migrate.js";
import { MIGRATIONS, type Migration } from "./migrations.js";
import { createKysely, type DatabaseConfig, openDatabase } from "./open.js";
import { openSqlite3, sqliteClose, sqliteExec } from "./sqlite/index.js";

const LEGACY_FILE = new URL("../../fixtures/db/legacy-runner-v2.sqlite3", import.meta.url).pathname;
/** The old runner had applied versions 1 and 2 to that file; anything appended since must apply on top. */
const LEGACY_LAST_VERSION = 2;

const dir = mkdtempSync(join(tmpdir(), "rxdesk-migrate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const extra: Migration = {
  version: 99,
  name: "a test index",
  async up(db) {
    await db.schema.createIndex("patients_name_test").on("patients").column("name").execute();
  },
};

async function tableNames(config: DatabaseConfig): Promise<string[]> {
  const db = createKysely(config);
  try {
    return (await db.introspection.getTables({ withInternalKyselyTables: true })).map((t) => t.name).sort();
  } finally {
    await db.destroy();
  }
}

describe("migrations through Kysely's Migrator", () => {
  it("moves a SQLite file made by the old runner forward: nothing re-run, every row kept", async () => {
    const file = join(dir, "legacy.sqlite3");
    copyFileSync(LEGACY_FILE, file);
    expect(await tableNames({ engine: "sqlite", file })).toContain("schema_migrations");
    const h = await openDatabase({ engine: "sqlite", file });
    try {
      const newer = MIGRATIONS.filter((m) => m.version > LEGACY_LAST_VERSION).map((m) => m.version);
      expect(h.migrations).toEqual({ applied: newer, current: MIGRATIONS.at(-1)!.version });
      expect(await h.db.selectFrom("patients").select(["national_id", "name"]).execute()).toEqual([
        { national_id: "A123456789", name: "王小明" },
      ]);
      expect(await h.db.selectFrom("settings").selectAll().execute()).toEqual([{ key: "legacy", value: "kept" }]);
      expect(await h.db.selectFrom("audit_log").select("entity_id").execute()).toEqual([{ entity_id: "d1" }]);
      const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(h.db);
      expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map(migrationName));
      // A migration added later applies once, on top of the adopted ones.
      expect(await migrate(h.db, "sqlite", [...MIGRATIONS, extra])).toEqual({ applied: [99], current: 99 });
      expect(await migrate(h.db, "sqlite", [...MIGRATIONS, extra])).toEqual({ applied: [], current: 99 });
    } finally {
      await h.close();
    }
    const tables = await tableNames({ engine: "sqlite", file });
    expect(tables).not.toContain("schema_migrations");
    expect(tables).toEqual(expect.arrayContaining(["kysely_migration", "kysely_migration_lock", "audit_log"]));
  });

  it("adopts the old runner's versions on PostgreSQL, once, with several processes starting together", async () => {
    const database = await createThrowawayDatabase();
    const config: DatabaseConfig = { engine: "postgres", connection: database.connection };
    try {
      // The old runner's end state: the schema in place, its versions in schema_migrations, no Kysely tables.
      const first = await openDatabase(config);
      await first.db.insertInto("settings").values({ key: "legacy", value: "kept" }).execute();
      await sql`DROP TABLE kysely_migration, kysely_migration_lock`.execute(first.db);
      await sql`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`.execute(
        first.db,
      );
      for (const m of MIGRATIONS) {
        await sql`INSERT INTO schema_migrations VALUES (${m.version}, ${m.name}, ${"2024-03-21T00:00:00Z"})`.execute(
          first.db,
        );
      }
      await first.close();
      const handles = await Promise.all([1, 2, 3].map(() => openDatabase(config)));
      try {
        expect(handles.flatMap((h) => h.migrations.applied)).toEqual([]);
        expect(await handles[0]!.db.selectFrom("settings").selectAll().execute()).toEqual([
          { key: "legacy", value: "kept" },
        ]);
      } finally {
        for (const h of handles) await h.close();
      }
      expect(await tableNames(config)).not.toContain("schema_migrations");
    } finally {
      await database.drop();
    }
  });

  it("answers an up-to-date start without the Migrator's lock, and leaves any other state to the Migrator", async () => {
    const file = join(dir, "current.sqlite3");
    await (await openDatabase({ engine: "sqlite", file })).close();
    // Another process holds the write lock (a long dispensing transaction, say).
    const other = await openSqlite3(file);
    await sqliteExec(other, "BEGIN IMMEDIATE");
    const h = await openDatabase({ engine: "sqlite", file, busyTimeoutMs: 200 });
    try {
      // Nothing to migrate: no BEGIN IMMEDIATE, so no wait for that lock (the Migrator's path gives up with BUSY).
      expect(h.migrations).toEqual({ applied: [], current: MIGRATIONS.at(-1)!.version });
      await sqliteExec(other, "ROLLBACK");
      // A name this program does not know is still the Migrator's to refuse.
      await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-a-newer-rxdesk', '2026-01-01')`.execute(
        h.db,
      );
      await expect(migrate(h.db, "sqlite")).rejects.toThrow(/9999-from-a-newer-rxdesk/);
    } finally {
      await h.close();
      await sqliteClose(other);
    }
  });

  it("checks dispensings against the limits the domain and the field rules state", async () => {
    // The migration spells its CHECK out (applied migrations are history); this notices when a limit moves on.
    const h = await openDatabase({ engine: "sqlite", file: join(dir, "limits.sqlite3") });
    try {
      const { rows } = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE name = 'dispensings'`.execute(
        h.db,
      );
      const maxRefillNo = fieldRules().recordRules.refillCount.max;
      expect(rows[0]?.sql).toContain(`refill_no BETWEEN 1 AND ${maxRefillNo}`);
      expect(rows[0]?.sql).toContain(`days BETWEEN 1 AND ${MAX_DAYS_PER_DISPENSING}`);
    } finally {
      await h.close();
    }
  });
});
