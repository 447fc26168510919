/**
 * The `sqlite3` package's callback API as promises, and the settings and pragmas every rxdesk connection uses (the
 * raw-insert benchmark baseline uses the same).
 */
import sqlite3 from "sqlite3";

export interface SqliteSettings {
  /** Path of the database file (":memory:" for tests that need no file). */
  file: string;
  /** Milliseconds a statement waits for another process's lock. */
  busyTimeoutMs?: number;
  /** "wal" unless told otherwise. */
  journalMode?: "wal" | "delete";
  /** "normal" (WAL default) or "full". */
  synchronous?: "normal" | "full";
}

/** Opens a database file (read-write, created if missing, unless `mode` says otherwise). */
export function openSqlite3(
  file: string,
  mode: number = sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE,
): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, mode, (error) => {
      if (error) reject(error);
      else resolve(db);
    });
  });
}

export type RunResult = { changes: number; lastID: number };

/** The rows of an `all` call, on a database (with its SQL) or on a prepared statement. */
export function allRows(call: (done: (error: Error | null, rows: unknown[]) => void) => void): Promise<unknown[]> {
  return new Promise((resolve, reject) => call((error, rows) => (error ? reject(error) : resolve(rows))));
}

/** What a `run` call changed, on a database (with its SQL) or on a prepared statement. */
export function runResult(
  call: (done: (this: sqlite3.RunResult, error: Error | null) => void) => void,
): Promise<RunResult> {
  return new Promise((resolve, reject) =>
    call(function (this: sqlite3.RunResult, error: Error | null) {
      if (error) reject(error);
      else resolve({ changes: this.changes, lastID: this.lastID });
    }),
  );
}

export function sqliteAll(db: sqlite3.Database, sql: string, params: readonly unknown[] = []): Promise<unknown[]> {
  return allRows((done) => db.all(sql, params as unknown[], done));
}

export function sqliteRun(db: sqlite3.Database, sql: string, params: readonly unknown[] = []): Promise<RunResult> {
  return runResult((done) => db.run(sql, params as unknown[], done));
}

export function sqliteExec(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
}

export function sqliteClose(db: sqlite3.Database): Promise<void> {
  return new Promise((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
}

export async function applySqlitePragmas(db: sqlite3.Database, settings: SqliteSettings): Promise<void> {
  db.configure("busyTimeout", settings.busyTimeoutMs ?? 5000);
  if (settings.file !== ":memory:") {
    await sqliteAll(db, `PRAGMA journal_mode = ${settings.journalMode ?? "wal"}`);
  }
  await sqliteExec(
    db,
    `PRAGMA foreign_keys = ON; PRAGMA synchronous = ${settings.synchronous ?? "normal"}; PRAGMA busy_timeout = ${
      settings.busyTimeoutMs ?? 5000
    };`,
  );
}
