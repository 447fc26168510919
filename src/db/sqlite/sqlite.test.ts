/**
 * The SQLite dialect's own behaviour: savepoints, row streaming, affected-row counts decided by statement kind, and
 * a clear error (not a hang) for `db` used inside an open transaction.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { WRITER_AUTOCHECKPOINT_PAGES } from "./checkpointer.js";
import { createSqliteKysely, SqliteTransactionMisuseError } from "./index.js";
import { rawStatementKind } from "./statement-kind.js";

interface TestDb {
  items: { id: number; name: string };
}

const dir = mkdtempSync(join(tmpdir(), "rxdesk-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
let db: Kysely<TestDb>;
beforeEach(async () => {
  db = createSqliteKysely<TestDb>({ file: join(dir, `t${++n}.sqlite3`) });
  await db.schema
    .createTable("items")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .execute();
  await db
    .insertInto("items")
    .values(Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: `n${i + 1}` })))
    .execute();
});
afterEach(async () => {
  await db.destroy();
});

const names = async (from: Kysely<TestDb> = db) =>
  (await from.selectFrom("items").select("name").where("id", ">", 50).orderBy("id").execute()).map((r) => r.name);

describe("savepoints", () => {
  it("rolls back to and releases savepoints inside a transaction", async () => {
    const trx = await db.startTransaction().execute();
    await trx.insertInto("items").values({ id: 51, name: "kept" }).execute();
    const a = await trx.savepoint("a").execute();
    await a.insertInto("items").values({ id: 52, name: "undone" }).execute();
    const back = await a.rollbackToSavepoint("a").execute();
    const b = await back.savepoint('b "quoted"').execute();
    await b.insertInto("items").values({ id: 53, name: "released" }).execute();
    const released = await b.releaseSavepoint('b "quoted"').execute();
    await released.commit().execute();
    expect(await names()).toEqual(["kept", "released"]);
  });
});

describe("streaming", () => {
  it("yields rows in chunks, the same rows a plain select returns", async () => {
    const all = await db.selectFrom("items").selectAll().orderBy("id").execute();
    const streamed: unknown[] = [];
    for await (const row of db.selectFrom("items").selectAll().orderBy("id").stream(7)) streamed.push(row);
    expect(streamed).toEqual(all);
  });

  it("steps rows one by one: an endless result can be read from and abandoned", async () => {
    // Loading every row first would never finish: the recursive CTE has no end.
    const endless = (db as unknown as Kysely<{ n: { x: number } }>)
      .withRecursive("n(x)", (qb) =>
        qb.selectNoFrom(sql<number>`1`.as("x")).unionAll((u) => u.selectFrom("n").select(sql<number>`x + 1`.as("x"))),
      )
      .selectFrom("n")
      .select("x");
    const seen: number[] = [];
    for await (const row of endless.stream(3)) {
      seen.push(row.x);
      if (seen.length === 10) break;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The abandoned statement was finalized: writes and a clean close still work.
    await db.insertInto("items").values({ id: 51, name: "after" }).execute();
    expect(await names()).toEqual(["after"]);
  });

  it("streams inside a transaction from the transaction's own connection", async () => {
    const seen = await db.transaction().execute(async (trx) => {
      await trx.insertInto("items").values({ id: 51, name: "uncommitted" }).execute();
      const rows: string[] = [];
      for await (const row of trx.selectFrom("items").select("name").where("id", ">", 50).stream()) rows.push(row.name);
      return rows;
    });
    expect(seen).toEqual(["uncommitted"]);
  });
});

describe("affected rows by statement kind", () => {
  it("counts changes of raw writes whatever their comments and literals say", async () => {
    const update = await sql`UPDATE items SET name = 'returning' /* returning */ WHERE id <= 3 -- returning`.execute(
      db,
    );
    expect(update.numAffectedRows).toBe(3n);
    expect(update.rows).toEqual([]);
    const del = await sql`-- select
      DELETE FROM items WHERE name = 'select'`.execute(db);
    expect(del.numAffectedRows).toBe(0n);
    const returned = await sql<{ id: number }>`DELETE FROM items WHERE id = 4 RETURNING id`.execute(db);
    expect(returned.rows).toEqual([{ id: 4 }]);
    const built = await db.updateTable("items").set({ name: "x" }).where("id", "<=", 10).executeTakeFirst();
    expect(built.numUpdatedRows).toBe(9n); // ids 1–10 but 4, deleted above
  });

  it("reads a statement's kind from its top-level keywords only", () => {
    expect(rawStatementKind("select 1")).toBe("rows");
    expect(rawStatementKind("  /* update */ PRAGMA journal_mode")).toBe("rows");
    expect(rawStatementKind("WITH x AS (DELETE FROM t RETURNING 1) SELECT * FROM x")).toBe("rows");
    expect(rawStatementKind("WITH x AS (SELECT 1) DELETE FROM t WHERE a IN x")).toBe("changes");
    expect(rawStatementKind("INSERT INTO t SELECT * FROM u")).toBe("changes");
    expect(rawStatementKind("INSERT INTO t VALUES ('a'' returning') RETURNING id")).toBe("rows");
    expect(rawStatementKind('UPDATE "returning" SET a = (SELECT b FROM c RETURNING)')).toBe("changes");
    expect(rawStatementKind("CREATE TABLE t (a text) -- select")).toBe("changes");
    expect(rawStatementKind("BEGIN IMMEDIATE")).toBe("changes");
  });
});

describe("db used inside an open transaction", () => {
  it("fails at once with an explanation instead of waiting for itself", async () => {
    const attempt = db.transaction().execute(async (trx) => {
      await trx.insertInto("items").values({ id: 51, name: "in trx" }).execute();
      await db.insertInto("items").values({ id: 52, name: "through db" }).execute();
    });
    await expect(attempt).rejects.toThrow(SqliteTransactionMisuseError);
    await expect(attempt).rejects.toThrow(/use the transaction's `trx`/);
    // Rolled back as a whole; the database is usable afterwards.
    expect(await names()).toEqual([]);
    await expect(db.transaction().execute(() => db.transaction().execute(async () => {}))).rejects.toThrow(
      /nested transaction/i,
    );
  });

  it("fails at once for db inside a controlled transaction (startTransaction), then works after it", async () => {
    const trx = await db.startTransaction().execute();
    await trx.insertInto("items").values({ id: 51, name: "in trx" }).execute();
    const write = db.insertInto("items").values({ id: 52, name: "through db" }).execute();
    await expect(write).rejects.toThrow(SqliteTransactionMisuseError);
    await expect(db.transaction().execute(async () => {})).rejects.toThrow(/nested transaction/i);
    await expect(db.startTransaction().execute()).rejects.toThrow(/nested transaction/i);
    await trx.commit().execute();
    // Ended: the same code goes on using db, and may start another controlled transaction.
    await db.insertInto("items").values({ id: 53, name: "after" }).execute();
    const again = await db.startTransaction().execute();
    await again.insertInto("items").values({ id: 54, name: "again" }).execute();
    await again.rollback().execute();
    expect(await names()).toEqual(["in trx", "after"]);
  });

  it("fails at once for db inside a transaction on connection()'s connection", async () => {
    await db.connection().execute(async (conn) => {
      const trx = await conn.startTransaction().execute();
      await expect(db.deleteFrom("items").execute()).rejects.toThrow(SqliteTransactionMisuseError);
      await trx.rollback().execute();
      const inTransaction = conn.transaction().execute(async (t) => {
        await t.insertInto("items").values({ id: 55, name: "conn trx" }).execute();
        await db.insertInto("items").values({ id: 56, name: "through db" }).execute();
      });
      await expect(inTransaction).rejects.toThrow(/use the transaction's `trx`/);
      // Outside a transaction the connection and db both work.
      await conn.insertInto("items").values({ id: 57, name: "conn" }).execute();
      await db.insertInto("items").values({ id: 58, name: "db" }).execute();
    });
    expect(await names()).toEqual(["conn", "db"]);
  });

  it("lets callers outside a controlled transaction wait for it", async () => {
    // Another caller, in its own async context (begun before the transaction), writes once told to.
    let go!: () => void;
    const told = new Promise<void>((resolve) => {
      go = resolve;
    });
    let settled = false;
    const other = (async () => {
      await told;
      await db.insertInto("items").values({ id: 52, name: "second" }).execute();
      settled = true;
    })();
    const trx = await db.startTransaction().execute();
    await trx.insertInto("items").values({ id: 51, name: "first" }).execute();
    go();
    // Full round trips through the transaction: time for the other writer to finish, were it not waiting.
    await trx.selectFrom("items").select("id").execute();
    await trx.updateTable("items").set({ name: "first" }).where("id", "=", 51).execute();
    await trx.selectFrom("items").select("id").execute();
    expect(settled).toBe(false); // still waiting for the writer
    expect(await names()).toEqual([]);
    await trx.commit().execute();
    await other;
    expect(await names()).toEqual(["first", "second"]);
  });

  it("still lets reads through db see the last commit, and other callers wait their turn", async () => {
    const inside = await db.transaction().execute(async (trx) => {
      await trx.insertInto("items").values({ id: 51, name: "pending" }).execute();
      return names(); // the WAL reader: the last commit, without the pending row
    });
    expect(inside).toEqual([]);
    // Concurrent transactions from separate callers queue on the writer and all commit.
    await Promise.all(
      [52, 53, 54].map((id) =>
        db.transaction().execute((trx) =>
          trx
            .insertInto("items")
            .values({ id, name: `c${id}` })
            .execute(),
        ),
      ),
    );
    expect(await names()).toEqual(["pending", "c52", "c53", "c54"]);
  });
});

describe("WAL checkpoints", () => {
  it("copies committed pages into the database file beside the writer, without waiting for a commit", async () => {
    const file = join(dir, `t${n}.sqlite3`);
    const auto = await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(db);
    expect(auto.rows[0]!.wal_autocheckpoint).toBe(WRITER_AUTOCHECKPOINT_PAGES);
    // About 2 MB: past nothing the writer would checkpoint by itself (neither 1,000 pages nor the backstop).
    const text = "x".repeat(2000);
    await db
      .insertInto("items")
      .values(Array.from({ length: 1000 }, (_, i) => ({ id: 1000 + i, name: `${text}${i}` })))
      .execute();
    const before = statSync(file).size;
    let after = before;
    for (let i = 0; i < 40 && after < before + 1_500_000; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = statSync(file).size;
    }
    expect(after - before, "bytes copied into the database file within 4 s").toBeGreaterThan(1_500_000);
    expect(await db.selectFrom("items").select("id").where("id", "=", 1999).executeTakeFirst()).toEqual({ id: 1999 });
  });
});
