/**
 * What Kysely holds between acquireConnection and releaseConnection. A transaction takes the write lock and runs on
 * the writer; outside a transaction, a SELECT runs on the reader without waiting for anyone (WAL readers see the
 * last commit and never block the writer), and any other statement takes the write lock for itself.
 */
import { type CompiledQuery, type DatabaseConnection, type QueryResult, SelectQueryNode } from "kysely";
import type { Sqlite3Connection } from "./connection.js";
import type { Mutex } from "./mutex.js";
import { assertNotInsideTransaction } from "./transaction-scope.js";

export class Sqlite3Session implements DatabaseConnection {
  #release: (() => void) | undefined;

  constructor(
    readonly writer: Sqlite3Connection,
    readonly reader: Sqlite3Connection | undefined,
    readonly mutex: Mutex,
  ) {}

  /** Takes the writer for a transaction (the driver has checked it is not nested in one of ours). */
  async lock(): Promise<void> {
    this.#release = await this.mutex.lock();
  }

  unlock(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  /** Runs `fn` on the writer: directly inside our transaction, else holding the write lock for its duration. */
  async #onWriter<T>(fn: (writer: Sqlite3Connection) => Promise<T>): Promise<T> {
    if (this.#release) return fn(this.writer);
    if (this.mutex.held) assertNotInsideTransaction(this.mutex, "A query");
    const release = await this.mutex.lock();
    try {
      return await fn(this.writer);
    } finally {
      release();
    }
  }

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.#release && this.reader && SelectQueryNode.is(query.query)) return this.reader.executeQuery<R>(query);
    return this.#onWriter((writer) => writer.executeQuery<R>(query));
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    if (!this.#release && this.reader && SelectQueryNode.is(query.query)) {
      yield* this.reader.streamQuery<R>(query, chunkSize);
      return;
    }
    // On the writer the stream keeps the write lock until it ends (or is abandoned and finalized).
    if (this.#release) {
      yield* this.writer.streamQuery<R>(query, chunkSize);
      return;
    }
    if (this.mutex.held) assertNotInsideTransaction(this.mutex, "A streamed query");
    const release = await this.mutex.lock();
    try {
      yield* this.writer.streamQuery<R>(query, chunkSize);
    } finally {
      release();
    }
  }
}
