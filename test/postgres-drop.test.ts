/**
 * dropDatabase: a throwaway database is dropped even while PostgreSQL 15 refuses WITH (FORCE) because an
 * autovacuum worker is in it (42501), and while our own sessions linger (55006); anything else is thrown at once.
 * Then once against the real server, with a session of ours still connected.
 */
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { createThrowawayDatabase, dropDatabase } from "./support/postgres.js";

/** A client whose DROPs fail with the given codes, in order, then succeed; it records the statements. */
function scripted(codes: string[]): { client: pg.Client; statements: string[] } {
  const statements: string[] = [];
  const client = {
    async query(text: string) {
      statements.push(text);
      const code = codes.shift();
      if (code) throw Object.assign(new Error(`refused (${code})`), { code });
      return { rows: [] };
    },
  } as unknown as pg.Client;
  return { client, statements };
}

describe("dropDatabase", () => {
  it("falls back to a plain DROP when FORCE is refused for an autovacuum worker, and back to FORCE for sessions", async () => {
    const { client, statements } = scripted(["42501", "55006", "42501"]);
    await dropDatabase(client, "rxdesk_test_x");
    expect(statements).toEqual([
      'DROP DATABASE IF EXISTS "rxdesk_test_x" WITH (FORCE)',
      'DROP DATABASE IF EXISTS "rxdesk_test_x"',
      'DROP DATABASE IF EXISTS "rxdesk_test_x" WITH (FORCE)',
      'DROP DATABASE IF EXISTS "rxdesk_test_x"',
    ]);
  });

  it("throws any other error at once, and gives up after its time", async () => {
    const other = scripted(["3D000"]);
    await expect(dropDatabase(other.client, "x")).rejects.toMatchObject({ code: "3D000" });
    expect(other.statements).toHaveLength(1);
    const stuck = scripted(Array.from({ length: 1000 }, () => "55006"));
    await expect(dropDatabase(stuck.client, "x", 250)).rejects.toMatchObject({ code: "55006" });
  });

  it("drops a real database with one of our sessions still open", async () => {
    const db = await createThrowawayDatabase();
    const { default: pgModule } = await import("pg");
    const lingering = new pgModule.Client(db.connection);
    lingering.on("error", () => {});
    await lingering.connect();
    await db.drop();
    const admin = new pgModule.Client({ ...db.connection, database: "postgres" });
    await admin.connect();
    try {
      const { rows } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [db.name]);
      expect(rows).toEqual([]);
    } finally {
      await admin.end();
      await lingering.end().catch(() => {});
    }
  });
});
