/**
 * Sandbox persistence: every piece of state is a JSON document (kind, id) kept in memory and, when a file is given,
 * written through to SQLite (one transaction per mutation batch). The file is loaded back in full on start.
 */
import sqlite3 from "sqlite3";

export type DocKind = "meta" | "institution" | "record" | "refillEvent" | "upload" | "token";

export interface DocWrite {
  kind: DocKind;
  id: string;
  /** undefined deletes the document. */
  value: unknown;
}

export interface Persistence {
  loadAll(): Promise<{ kind: DocKind; id: string; value: unknown }[]>;
  write(batch: readonly DocWrite[]): Promise<void>;
  close(): Promise<void>;
}

export function memoryPersistence(): Persistence {
  return {
    loadAll: async () => [],
    write: async () => {},
    close: async () => {},
  };
}

function run(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<void> {
  return new Promise((resolve, reject) => {
    db.run(sql, params, (err) => (err ? reject(err) : resolve()));
  });
}

function all<T>(db: sqlite3.Database, sql: string): Promise<T[]> {
  return new Promise((resolve, reject) => {
    db.all(sql, (err, rows) => (err ? reject(err) : resolve(rows as T[])));
  });
}

export async function sqlitePersistence(file: string): Promise<Persistence> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const handle = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(handle)));
  });
  await run(db, "PRAGMA journal_mode = WAL");
  await run(db, "PRAGMA synchronous = NORMAL");
  await run(db, "PRAGMA busy_timeout = 5000");
  await run(
    db,
    "CREATE TABLE IF NOT EXISTS sandbox_docs (kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (kind, id))",
  );
  let seq = 0;
  let chain: Promise<void> = Promise.resolve();
  return {
    async loadAll() {
      const rows = await all<{ kind: DocKind; id: string; json: string; seq: number }>(
        db,
        "SELECT kind, id, json, seq FROM sandbox_docs ORDER BY seq",
      );
      for (const row of rows) seq = Math.max(seq, row.seq);
      return rows.map((row) => ({ kind: row.kind, id: row.id, value: JSON.parse(row.json) as unknown }));
    },
    write(batch) {
      if (batch.length === 0) return chain;
      const next = chain.then(async () => {
        await run(db, "BEGIN IMMEDIATE");
        try {
          for (const doc of batch) {
            if (doc.value === undefined) {
              await run(db, "DELETE FROM sandbox_docs WHERE kind = ? AND id = ?", [doc.kind, doc.id]);
            } else {
              seq++;
              await run(
                db,
                "INSERT INTO sandbox_docs (kind, id, json, seq) VALUES (?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET json = excluded.json",
                [doc.kind, doc.id, JSON.stringify(doc.value), seq],
              );
            }
          }
          await run(db, "COMMIT");
        } catch (error) {
          await run(db, "ROLLBACK").catch(() => {});
          throw error;
        }
      });
      chain = next.catch(() => {});
      return next;
    },
    async close() {
      await chain;
      await new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
