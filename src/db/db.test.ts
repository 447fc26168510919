import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createThrowawayDatabase, type ThrowawayDatabase } from "../../test/support/postgres.js";
import { MIGRATIONS } from "./migrations.js";
import { type DatabaseConfig, isUniqueViolation, openDatabase, type RxdeskDb } from "./open.js";

const now = "2024-03-21T01:00:00.000Z";

async function seedPrescription(h: RxdeskDb): Promise<void> {
  await h.db
    .insertInto("patients")
    .values({ national_id: "A123456789", name: null, birth_date: null, sex: null, created_at: now, updated_at: now })
    .execute();
  await h.db
    .insertInto("prescriptions")
    .values({
      original_visit_id: "1BYFWZQ21QQXY3B54X0L",
      national_id: "A123456789",
      prescriber_institution_code: "1101110026",
      prescriber_name: null,
      original_sequence_number: "0012",
      original_visit_date_time: "1130320133912",
      chronic: 1,
      refill_count: 3,
      days_per_refill: 28,
      total_days: 84,
      orders_json: "[]",
      nhi_status_json: null,
      nhi_checked_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

function dispensing(id: string, visitId: string, refillNo: number, status = "active") {
  return {
    id,
    visit_id: visitId,
    original_visit_id: "1BYFWZQ21QQXY3B54X0L",
    refill_no: refillNo,
    visit_date_time: "1130321090000",
    pharmacist_id: "B123456789",
    national_id: "A123456789",
    days: 28,
    status,
    data_format: "A",
    abnormal_code: null,
    j000: 0,
    override_reason: null,
    card_source: "ic-card",
    terminal_id: null,
    record_json: "{}",
    revision: 0,
    created_at: now,
    updated_at: now,
    deleted_at: null,
    delete_reason: null,
  };
}

function engineSuite(name: string, config: () => DatabaseConfig) {
  describe(name, () => {
    let h: RxdeskDb;
    beforeAll(async () => {
      h = await openDatabase(config());
      await seedPrescription(h);
    });
    afterAll(async () => {
      await h?.close();
    });

    it("applies every migration once and re-opening applies none", async () => {
      expect(h.migrations.current).toBe(MIGRATIONS.at(-1)!.version);
      const again = await openDatabase(config());
      try {
        expect(again.migrations.applied).toEqual([]);
        expect(again.migrations.current).toBe(h.migrations.current);
      } finally {
        await again.close();
      }
    });

    it("allows one live dispensing per (M16, refill number), again after a delete", async () => {
      await h.db
        .insertInto("dispensings")
        .values(dispensing("d1", "V1", 1))
        .execute();
      const dup = await h.db
        .insertInto("dispensings")
        .values(dispensing("d2", "V2", 1))
        .execute()
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(isUniqueViolation(dup)).toBe(true);
      await h.db.updateTable("dispensings").set({ status: "deleted" }).where("id", "=", "d1").execute();
      await h.db
        .insertInto("dispensings")
        .values(dispensing("d3", "V3", 1))
        .execute();
      const live = await h.db
        .selectFrom("dispensings")
        .select("id")
        .where("status", "=", "active")
        .where("refill_no", "=", 1)
        .execute();
      expect(live.map((r) => r.id)).toEqual(["d3"]);
    });

    it("enforces foreign keys", async () => {
      const bad = { ...dispensing("d9", "V9", 2), original_visit_id: "NOPE" };
      await expect(h.db.insertInto("dispensings").values(bad).execute()).rejects.toThrow();
    });

    it("keeps the audit log append-only", async () => {
      await h.db
        .insertInto("audit_log")
        .values({ at: now, actor: "t", action: "x", entity: "e", entity_id: "1", detail_json: "{}" })
        .execute();
      await expect(h.db.updateTable("audit_log").set({ actor: "evil" }).execute()).rejects.toThrow(/append-only/);
      await expect(h.db.deleteFrom("audit_log").execute()).rejects.toThrow(/append-only/);
      const rows = await h.db.selectFrom("audit_log").selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.actor).toBe("t");
    });

    it("rolls back a failed transaction completely", async () => {
      await expect(
        h.db.transaction().execute(async (trx) => {
          await trx
            .insertInto("dispensings")
            .values(dispensing("d4", "V4", 2))
            .execute();
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await h.db.selectFrom("dispensings").select("id").where("id", "=", "d4").execute()).toEqual([]);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "rxdesk-db-"));
const file = join(dir, "nested", "rxdesk.sqlite3");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
engineSuite("SQLite", () => ({ engine: "sqlite", file }));

describe("SQLite settings", () => {
  it("runs in WAL mode with foreign keys on", async () => {
    const h = await openDatabase({ engine: "sqlite", file });
    try {
      const mode = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(h.db);
      expect(mode.rows[0]!.journal_mode).toBe("wal");
      const fk = await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(h.db);
      expect(fk.rows[0]!.foreign_keys).toBe(1);
    } finally {
      await h.close();
    }
  });
});

describe("SQLite connections: a WAL reader beside the writer, prepared statements reused", () => {
  const patientCount = async (db: RxdeskDb["db"]) =>
    Number((await db.selectFrom("patients").select(db.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  const patient = (nationalId: string) => ({
    national_id: nationalId,
    name: null,
    birth_date: null,
    sex: null,
    created_at: now,
    updated_at: now,
  });

  it("a read outside a transaction neither waits for an open write transaction nor sees its uncommitted rows", async () => {
    const h = await openDatabase({ engine: "sqlite", file: join(dir, "reader.sqlite3") });
    try {
      const before = await patientCount(h.db);
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      let inserted!: () => void;
      const didInsert = new Promise<void>((r) => {
        inserted = r;
      });
      const writing = h.db.transaction().execute(async (trx) => {
        await trx.insertInto("patients").values(patient("F123456789")).execute();
        inserted();
        await held;
      });
      await didInsert;
      // The writer holds its transaction open: the read answers at once, from the last commit.
      expect(await patientCount(h.db)).toBe(before);
      release();
      await writing;
      // Committed: the next read sees it.
      expect(await patientCount(h.db)).toBe(before + 1);
    } finally {
      await h.close();
    }
  });

  it("serves more distinct statements than it keeps prepared, and closes with statements still cached", async () => {
    const h = await openDatabase({ engine: "sqlite", file: join(dir, "statements.sqlite3") });
    for (let i = 0; i < 300; i++) {
      const row = await sql<{ v: number }>`SELECT ${sql.lit(i)} AS v`.execute(h.db);
      expect(row.rows[0]!.v).toBe(i);
    }
    await h.db.insertInto("patients").values(patient("G123456789")).execute();
    expect(await patientCount(h.db)).toBe(1);
    await h.close();
    // Closed cleanly (every statement finalized): the file opens again with the row in it.
    const again = await openDatabase({ engine: "sqlite", file: join(dir, "statements.sqlite3") });
    try {
      expect(await patientCount(again.db)).toBe(1);
    } finally {
      await again.close();
    }
  });
});

let pgDb: ThrowawayDatabase;
beforeAll(async () => {
  pgDb = await createThrowawayDatabase();
});
afterAll(async () => {
  await pgDb?.drop();
});
engineSuite("PostgreSQL", () => ({ engine: "postgres", connection: pgDb.connection }));

describe("concurrent start-up", () => {
  it("applies each migration exactly once when several processes start at the same time (SQLite, PostgreSQL)", async () => {
    const fresh = await createThrowawayDatabase();
    const configs: DatabaseConfig[] = [
      { engine: "sqlite", file: join(dir, "race.sqlite3") },
      { engine: "postgres", connection: fresh.connection },
    ];
    try {
      for (const config of configs) {
        const handles = await Promise.all([1, 2, 3, 4].map(() => openDatabase(config)));
        try {
          const applied = handles.flatMap((h) => h.migrations.applied);
          expect(applied.sort()).toEqual(MIGRATIONS.map((m) => m.version).sort());
          const { rows } = await sql`SELECT name FROM kysely_migration`.execute(handles[0]!.db);
          expect(rows).toHaveLength(MIGRATIONS.length);
        } finally {
          for (const h of handles) await h.close();
        }
      }
    } finally {
      await fresh.drop();
    }
  });
});

describe("PostgreSQL sessions ended by the server", () => {
  it("raises nothing uncaught when the database is dropped WITH (FORCE) right after the pool closes", async () => {
    // The test harness does exactly this; idle clients that the server terminates before they have said goodbye
    // report 57P01 to the pool, which must have an 'error' listener (an uncaught error fails this run).
    for (let i = 0; i < 3; i++) {
      const fresh = await createThrowawayDatabase();
      const h = await openDatabase({ engine: "postgres", connection: fresh.connection });
      await Promise.all([1, 2, 3, 4].map(() => sql`SELECT pg_sleep(0.01)`.execute(h.db)));
      await h.close();
      await fresh.drop();
    }
    // And an idle pool whose sessions are terminated under it keeps working.
    const fresh = await createThrowawayDatabase();
    const h = await openDatabase({ engine: "postgres", connection: fresh.connection });
    try {
      await Promise.all([1, 2, 3].map(() => sql`SELECT 1`.execute(h.db)));
      const ended = await sql<{
        pid: number;
      }>`SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${fresh.name} AND pid <> pg_backend_pid()`.execute(
        h.db,
      );
      expect(ended.rows.length).toBeGreaterThan(0);
      // The server has ended them (seen from another database) before the pool is asked again.
      await fresh.sessionsGone(ended.rows.map((r) => r.pid));
      expect((await sql<{ v: number }>`SELECT 1 AS v`.execute(h.db)).rows).toEqual([{ v: 1 }]);
    } finally {
      await h.close();
      await fresh.drop();
    }
  });
});
