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

type RunResult = { changes: number; lastID: number };

/** The rows of an `all` call, on a database (with its SQL) or on a prepared statement. */
function allRows(call: (done: (error: Error | null, rows: unknown[]) => void) => void): Promise<unknown[]> {
  return new Promise((resolve, reject) => call((error, rows) => (error ? reject(error) : resolve(rows))));
}

/** What a `run` call changed, on a database (with its SQL) or on a prepared statement. */
function runResult(call: (done: (this: sqlite3.RunResult, error: Error | null) => void) => void): Promise<RunResult> {
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

/** sqlite3 errors carry no stack or statement: add the statement (never the parameters: they hold PII). */
function annotated(error: unknown, query: CompiledQuery): unknown {
  if (error instanceof Error) {
    error.message = `${error.message} [${query.sql.slice(0, 120)}]`;
    Error.captureStackTrace?.(error);
  }
  return error;
}

/**
 * Prepared statements by SQL text. Kysely compiles a query of the same shape to the same text, so the counter's few
 * dozen statements are prepared once and then only re-bound: a fresh `db.all(sql)` prepares, steps and finalizes on
 * every call, which is about half of a short query's cost. Past the cap the oldest statement is finalized (first in,
 * first out: refreshing recency on every hit costs more than an occasional re-prepare).
 */
class StatementCache {
  /** A statement still being prepared is its promise; once prepared, the statement itself (no promise turn). */
  readonly #statements = new Map<string, sqlite3.Statement | Promise<sqlite3.Statement>>();

  constructor(
    readonly db: sqlite3.Database,
    readonly capacity: number,
  ) {}

  get(sql: string): sqlite3.Statement | Promise<sqlite3.Statement> {
    const cached = this.#statements.get(sql);
    if (cached) return cached;
    const prepared = new Promise<sqlite3.Statement>((resolve, reject) => {
      const statement = this.db.prepare(sql, (error) => {
        if (error) {
          if (this.#statements.get(sql) === prepared) this.#statements.delete(sql);
          return reject(error);
        }
        if (this.#statements.get(sql) === prepared) this.#statements.set(sql, statement);
        resolve(statement);
      });
    });
    this.#statements.set(sql, prepared);
    if (this.#statements.size > this.capacity) {
      const [oldest, statement] = this.#statements.entries().next().value as [
        string,
        sqlite3.Statement | Promise<sqlite3.Statement>,
      ];
      this.#statements.delete(oldest);
      void finalizeLater(statement);
    }
    return prepared;
  }

  /** Finalizes every statement (SQLite will not close a connection with statements still open). */
  async clear(): Promise<void> {
    const all = [...this.#statements.values()];
    this.#statements.clear();
    await Promise.all(all.map(finalizeLater));
  }
}

/** Finalizes a statement once it is prepared; one that failed to prepare has nothing to finalize. */
function finalizeLater(statement: sqlite3.Statement | Promise<sqlite3.Statement>): Promise<void> {
  return Promise.resolve(statement).then(finalize, () => undefined);
}

function finalize(statement: sqlite3.Statement): Promise<void> {
  return new Promise((resolve) => statement.finalize(() => resolve()));
}

const STATEMENT_CACHE_SIZE = 256;

/** One sqlite3 connection with its prepared statements; Kysely reaches it through a Sqlite3Session. */
class Sqlite3Connection {
  /** Inside BEGIN IMMEDIATE … COMMIT/ROLLBACK we hold the write lock; outside, a busy statement had no effect. */
  inTransaction = false;
  readonly statements: StatementCache;

  constructor(
    readonly db: sqlite3.Database,
    readonly busyWaitMs: number,
  ) {
    this.statements = new StatementCache(db, STATEMENT_CACHE_SIZE);
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // SQLite's own busy handler sleeps on a libuv worker thread; with several connections in one process that
    // starves the pool (the lock holder cannot get a thread to COMMIT). So the handler is kept short and
    // statements outside a transaction (including BEGIN IMMEDIATE itself) are retried here without blocking.
    try {
      return await whileBusy(
        () => this.#execute<R>(query),
        this.busyWaitMs,
        () => !this.inTransaction,
      );
    } catch (error) {
      throw annotated(error, query);
    }
  }

  async #execute<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const cached = this.statements.get(query.sql);
    const statement = cached instanceof Promise ? await cached : cached;
    const params = query.parameters as unknown[];
    if (returnsRows(query)) {
      const rows = (await allRows((done) => statement.all(params, done))) as R[];
      return { rows };
    }
    const { changes, lastID } = await runResult((done) => statement.run(params, done));
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastID) };
  }
}

/**
 * What Kysely holds between acquireConnection and releaseConnection. A transaction takes the write lock and runs on
 * the writer; outside a transaction, a SELECT runs on the reader without waiting for anyone (WAL readers see the
 * last commit and never block the writer), and any other statement takes the write lock for itself.
 */
class Sqlite3Session implements DatabaseConnection {
  #release: (() => void) | undefined;

  constructor(
    readonly writer: Sqlite3Connection,
    readonly reader: Sqlite3Connection | undefined,
    readonly mutex: Mutex,
  ) {}

  async lock(): Promise<void> {
    this.#release = await this.mutex.lock();
  }

  unlock(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#release) return this.writer.executeQuery<R>(query);
    if (this.reader && SelectQueryNode.is(query.query)) return this.reader.executeQuery<R>(query);
    const release = await this.mutex.lock();
    try {
      return await this.writer.executeQuery<R>(query);
    } finally {
      release();
    }
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(query);
    for (const row of rows) yield { rows: [row] };
  }
}

class Sqlite3Driver implements Driver {
  readonly #settings: SqliteSettings;
  readonly #mutex = new Mutex();
  #writer: Sqlite3Connection | undefined;
  #reader: Sqlite3Connection | undefined;

  constructor(settings: SqliteSettings) {
    this.#settings = settings;
  }

  async init(): Promise<void> {
    const busyWaitMs = this.#settings.busyTimeoutMs ?? 5000;
    const db = await openSqlite3(this.#settings.file);
    // Switching a new file to WAL takes a lock; processes starting together wait here without blocking a thread.
    try {
      await whileBusy(
        () => applySqlitePragmas(db, { ...this.#settings, busyTimeoutMs: SQLITE_HANDLER_BUSY_MS }),
        busyWaitMs,
      );
    } catch (error) {
      await sqliteClose(db).catch(() => undefined);
      throw error;
    }
    this.#writer = new Sqlite3Connection(db, busyWaitMs);
    // A second, read-only connection only where readers can run beside the writer: a WAL file. (Two ":memory:"
    // connections would be two databases; in rollback-journal mode a reader would block the writer.)
    if (this.#settings.file !== ":memory:" && (this.#settings.journalMode ?? "wal") === "wal") {
      const readDb = await openSqlite3(this.#settings.file, sqlite3.OPEN_READONLY);
      readDb.configure("busyTimeout", SQLITE_HANDLER_BUSY_MS);
      this.#reader = new Sqlite3Connection(readDb, busyWaitMs);
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (!this.#writer) throw new Error("SQLite database is closed");
    return new Sqlite3Session(this.#writer, this.#reader, this.#mutex);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const session = connection as Sqlite3Session;
    await session.lock();
    try {
      await session.writer.executeQuery(CompiledQuery.raw("BEGIN IMMEDIATE"));
    } catch (error) {
      session.unlock();
      throw error;
    }
    session.writer.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const session = connection as Sqlite3Session;
    await session.writer.executeQuery(CompiledQuery.raw("COMMIT"));
    session.writer.inTransaction = false;
    session.unlock();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const session = connection as Sqlite3Session;
    try {
      await session.writer.executeQuery(CompiledQuery.raw("ROLLBACK"));
    } finally {
      session.writer.inTransaction = false;
      session.unlock();
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as Sqlite3Session).unlock();
  }

  async destroy(): Promise<void> {
    const release = await this.#mutex.lock();
    try {
      for (const connection of [this.#reader, this.#writer]) {
        if (!connection) continue;
        await connection.statements.clear();
        await sqliteClose(connection.db);
      }
      this.#reader = undefined;
      this.#writer = undefined;
    } finally {
      release();
    }
  }
}

/**
 * Kysely's SQLite adapter says SQLite has no transactional DDL, so its Migrator would run migrations outside any
 * transaction and without a lock. SQLite does roll back DDL, and our transactions start with BEGIN IMMEDIATE (the
 * file's write lock): saying so makes the Migrator run every migration, and its check of what is applied, inside
 * one write transaction, which is the lock between processes starting together.
 */
class Sqlite3Adapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
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
    return new Sqlite3Adapter();
  }
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's introspector accepts any database type
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
