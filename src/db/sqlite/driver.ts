/**
 * The driver: one writer connection (transactions serialized through a mutex, started with BEGIN IMMEDIATE so
 * several processes on one file queue on the busy timeout instead of failing half-way) and, on a WAL file, one
 * read-only reader and a WAL checkpointer (./checkpointer.ts) beside it. Savepoints work inside transactions
 * (`trx.savepoint()` of a controlled transaction).
 */
import { CompiledQuery, type DatabaseConnection, type Driver } from "kysely";
import sqlite3 from "sqlite3";
import { SQLITE_HANDLER_BUSY_MS, whileBusy } from "./busy.js";
import { WalCheckpointer, WRITER_AUTOCHECKPOINT_PAGES } from "./checkpointer.js";
import { Sqlite3Connection } from "./connection.js";
import { Mutex } from "./mutex.js";
import { applySqlitePragmas, openSqlite3, type SqliteSettings, sqliteAll, sqliteClose } from "./native.js";
import { Sqlite3Session } from "./session.js";
import { endTransaction, enterTransaction, type TransactionMark } from "./transaction-scope.js";

/** A savepoint name as an SQL identifier. */
function savepointName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export class Sqlite3Driver implements Driver {
  readonly #settings: SqliteSettings;
  readonly #mutex: Mutex;
  readonly #marks = new WeakMap<Sqlite3Session, TransactionMark>();
  #writer: Sqlite3Connection | undefined;
  #reader: Sqlite3Connection | undefined;
  #checkpointer: WalCheckpointer | undefined;

  /** `writerLock`: the writer's turn-taking, also the owner of this database's transaction marks. */
  constructor(settings: SqliteSettings, writerLock: Mutex = new Mutex()) {
    this.#settings = settings;
    this.#mutex = writerLock;
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
      // Checkpoints off the write path (./checkpointer.ts); the writer's own only as a backstop.
      this.#checkpointer = await WalCheckpointer.open(this.#settings.file, SQLITE_HANDLER_BUSY_MS);
      await sqliteAll(db, `PRAGMA wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (!this.#writer) throw new Error("SQLite database is closed");
    return new Sqlite3Session(this.#writer, this.#reader, this.#mutex);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const session = connection as Sqlite3Session;
    const mark = enterTransaction(this.#mutex); // before any await: see transaction-scope.ts
    await session.lock();
    try {
      await session.writer.executeQuery(CompiledQuery.raw("BEGIN IMMEDIATE"));
    } catch (error) {
      session.unlock();
      endTransaction(mark);
      throw error;
    }
    session.writer.inTransaction = true;
    mark.open = true;
    this.#marks.set(session, mark);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const session = connection as Sqlite3Session;
    await session.writer.executeQuery(CompiledQuery.raw("COMMIT"));
    this.#end(session);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const session = connection as Sqlite3Session;
    try {
      await session.writer.executeQuery(CompiledQuery.raw("ROLLBACK"));
    } finally {
      this.#end(session);
    }
  }

  #end(session: Sqlite3Session): void {
    session.writer.inTransaction = false;
    const mark = this.#marks.get(session);
    if (mark) endTransaction(mark);
    this.#marks.delete(session);
    session.unlock();
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`SAVEPOINT ${savepointName(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`ROLLBACK TO SAVEPOINT ${savepointName(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`RELEASE SAVEPOINT ${savepointName(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as Sqlite3Session).unlock();
  }

  async destroy(): Promise<void> {
    const release = await this.#mutex.lock();
    try {
      await this.#checkpointer?.close();
      this.#checkpointer = undefined;
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
