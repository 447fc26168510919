import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createThrowawayDatabase } from "../../test/support/postgres.js";
import { type DatabaseConfig, openDatabase } from "../db/open.js";
import { AuditLog, verifyAudit } from "./audit.js";

const dir = mkdtempSync(join(tmpdir(), "rxdesk-audit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(["sqlite", "postgres"] as const)("audit trail on %s", (engine) => {
  async function config(): Promise<{ config: DatabaseConfig; drop(): Promise<void> }> {
    if (engine === "sqlite") {
      return {
        config: { engine, file: join(dir, `${Math.random().toString(36).slice(2)}.sqlite3`) },
        drop: async () => {},
      };
    }
    const database = await createThrowawayDatabase();
    return { config: { engine, connection: database.connection }, drop: () => database.drop() };
  }

  it("keeps one hash chain when two connections (as two processes would) append at once", async () => {
    const { config: c, drop } = await config();
    const [a, b] = [await openDatabase(c), await openDatabase(c)];
    try {
      const logs = [new AuditLog(a.db, engine), new AuditLog(b.db, engine)];
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => logs[i % 2]!.append({ type: "dispensing", data: { n: i } })),
      );
      expect(await verifyAudit(a.db)).toEqual({ ok: true, entries: 40 });
      const entries = await logs[1]!.read();
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(new Set(entries.map((e) => e.data?.n)).size).toBe(40);
      await logs[0]!.append({ type: "export", data: { n: 40 } });
      expect((await logs[1]!.read({ type: "export" })).map((e) => e.seq)).toEqual([41]);
      expect((await logs[1]!.read({ limit: 2 })).map((e) => e.seq)).toEqual([40, 41]);
    } finally {
      await a.close();
      await b.close();
      await drop();
    }
  });

  it("refuses UPDATE and DELETE, and verify finds an entry edited or removed behind the triggers' back", async () => {
    const { config: c, drop } = await config();
    const h = await openDatabase(c);
    try {
      const log = new AuditLog(h.db, engine);
      for (let i = 0; i < 4; i++) await log.append({ type: "dispensing", data: { reason: `r${i}` } });
      await expect(h.db.updateTable("api_audit").set({ type: "x" }).where("seq", "=", 2).execute()).rejects.toThrow(
        /append-only/,
      );
      await expect(h.db.deleteFrom("api_audit").where("seq", "=", 2).execute()).rejects.toThrow(/append-only/);
      await sql
        .raw(
          engine === "sqlite" ? "DROP TRIGGER api_audit_no_update" : "DROP TRIGGER api_audit_append_only ON api_audit",
        )
        .execute(h.db);
      await sql`UPDATE api_audit SET entry_json = replace(entry_json, '"r1"', '"r9"') WHERE seq = 2`.execute(h.db);
      expect(await verifyAudit(h.db)).toEqual({ ok: false, seq: 2 });
      await sql`UPDATE api_audit SET entry_json = replace(entry_json, '"r9"', '"r1"') WHERE seq = 2`.execute(h.db);
      expect(await verifyAudit(h.db)).toEqual({ ok: true, entries: 4 });
      if (engine === "sqlite") await sql`DROP TRIGGER api_audit_no_delete`.execute(h.db);
      await sql`DELETE FROM api_audit WHERE seq = 3`.execute(h.db);
      expect(await verifyAudit(h.db)).toEqual({ ok: false, seq: 4 });
    } finally {
      await h.close();
      await drop();
    }
  });
});
