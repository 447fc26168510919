/**
 * A Kysely dialect over the `sqlite3` package: one connection, queries and transactions serialized through a
 * mutex, write transactions started with BEGIN IMMEDIATE so several processes on one file queue on the busy
 * timeout instead of failing half-way.
 */
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  DeleteQueryNode,
  type Dialect,
  type DialectAdapter,
  type Driver,
  InsertQueryNode,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  UpdateQueryNode,
} from "kysely";
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

export function openSqlite3(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE, (error) => {
      if (error) reject(error);
      else resolve(db);
    });
  });
}

export function sqliteAll(db: sqlite3.Database, sql: string, params: readonly unknown[] = []): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    db.all(sql, params as unknown[], (error, rows) => (error ? reject(error) : resolve(rows)));
  });
}

export function sqliteRun(
  db: sqlite3.Database,
  sql: string,
  params: readonly unknown[] = [],
): Promise<{ changes: number; lastID: number }> {
  return new Promise((resolve, reject) => {
    db.run(sql, params as unknown[], function (this: sqlite3.RunResult, error: Error | null) {
      if (error) reject(error);
      else resolve({ changes: this.changes, lastID: this.lastID });
    });
  });
}

export function sqliteExec(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
}

export function sqliteClose(db: sqlite3.Database): Promise<void> {
  return new Promise((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
}

/** The pragmas every rxdesk connection runs; the raw-insert benchmark baseline uses the same. */
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

/** SQLite's own (thread-blocking) busy handler; longer waits are retried asynchronously by the connection. */
const SQLITE_HANDLER_BUSY_MS = 100;

class Mutex {
  #tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => next);
    return previous.then(() => release);
  }
}

function returnsRows(query: CompiledQuery): boolean {
  const node = query.query;
  if (SelectQueryNode.is(node)) return true;
  if (InsertQueryNode.is(node) || UpdateQueryNode.is(node) || DeleteQueryNode.is(node)) {
    return node.returning !== undefined;
  }
  // Raw SQL: PRAGMA and SELECT produce rows; other statements are run for their effect.
  return /^\s*(select|pragma|with|explain)\b/i.test(query.sql) || /\breturning\b/i.test(query.sql);
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` again after a short jittered pause while SQLite answers busy and `retry()` allows, until `waitMs`. */
async function whileBusy<T>(fn: () => Promise<T>, waitMs: number, retry: () => boolean = () => true): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!retry() || !isBusy(error) || Date.now() >= deadline) throw error;
      await sleep(Math.min(50, 2 + attempt * 3) * (0.5 + Math.random()));
    }
  }
}

class Sqlite3Connection implements DatabaseConnection {
  /** Inside BEGIN IMMEDIATE … COMMIT/ROLLBACK we hold the write lock; outside, a busy statement had no effect. */
  inTransaction = false;

  constructor(
    readonly db: sqlite3.Database,
    readonly busyWaitMs: number,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // SQLite's own busy handler sleeps on a libuv worker thread; with several connections in one process that
    // starves the pool (the lock holder cannot get a thread to COMMIT). So the handler is kept short and
    // statements outside a transaction (including BEGIN IMMEDIATE itself) are retried here without blocking.
    return whileBusy(
      () => this.#annotated<R>(query),
      this.busyWaitMs,
      () => !this.inTransaction,
    );
  }

  async #annotated<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.#execute<R>(query);
    } catch (error) {
      // sqlite3 errors carry no stack or statement; add the statement (never the parameters: they hold PII).
      if (error instanceof Error) {
        error.message = `${error.message} [${query.sql.slice(0, 120)}]`;
        Error.captureStackTrace?.(error);
      }
      throw error;
    }
  }

  async #execute<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (returnsRows(query)) {
      const rows = (await sqliteAll(this.db, query.sql, query.parameters)) as R[];
      return { rows };
    }
    const { changes, lastID } = await sqliteRun(this.db, query.sql, query.parameters);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastID) };
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const rows = (await sqliteAll(this.db, query.sql, query.parameters)) as R[];
    for (const row of rows) yield { rows: [row] };
  }
}

class Sqlite3Driver implements Driver {
  readonly #settings: SqliteSettings;
  readonly #mutex = new Mutex();
  #release: (() => void) | undefined;
  #connection: Sqlite3Connection | undefined;

  constructor(settings: SqliteSettings) {
    this.#settings = settings;
  }

  async init(): Promise<void> {
    const db = await openSqlite3(this.#settings.file);
    // Switching a new file to WAL takes a lock; processes starting together wait here without blocking a thread.
    try {
      await whileBusy(
        () => applySqlitePragmas(db, { ...this.#settings, busyTimeoutMs: SQLITE_HANDLER_BUSY_MS }),
        this.#settings.busyTimeoutMs ?? 5000,
      );
    } catch (error) {
      await sqliteClose(db).catch(() => undefined);
      throw error;
    }
    this.#connection = new Sqlite3Connection(db, this.#settings.busyTimeoutMs ?? 5000);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.#mutex.lock();
    this.#release = release;
    if (!this.#connection) {
      release();
      throw new Error("SQLite database is closed");
    }
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as Sqlite3Connection;
    await c.executeQuery(CompiledQuery.raw("BEGIN IMMEDIATE"));
    c.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as Sqlite3Connection;
    await c.executeQuery(CompiledQuery.raw("COMMIT"));
    c.inTransaction = false;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as Sqlite3Connection;
    try {
      await c.executeQuery(CompiledQuery.raw("ROLLBACK"));
    } finally {
      c.inTransaction = false;
    }
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    const release = await this.#mutex.lock();
    try {
      if (this.#connection) await sqliteClose(this.#connection.db);
      this.#connection = undefined;
    } finally {
      release();
    }
  }
}

export class Sqlite3Dialect implements Dialect {
  readonly #settings: SqliteSettings;
  constructor(settings: SqliteSettings) {
    this.#settings = settings;
  }
  createDriver(): Driver {
    return new Sqlite3Driver(this.#settings);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's introspector accepts any database type
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
