/** One sqlite3 connection with its prepared statements; Kysely reaches it through a Sqlite3Session. */
import type { CompiledQuery, QueryResult } from "kysely";
import type sqlite3 from "sqlite3";
import { whileBusy } from "./busy.js";
import { allRows, runResult } from "./native.js";
import { finalize, prepare, StatementCache } from "./statement-cache.js";
import { statementKind } from "./statement-kind.js";

const STATEMENT_CACHE_SIZE = 256;

/** sqlite3 errors carry no stack or statement: add the statement (never the parameters: they hold PII). */
function annotated(error: unknown, query: CompiledQuery): unknown {
  if (error instanceof Error) {
    error.message = `${error.message} [${query.sql.slice(0, 120)}]`;
    Error.captureStackTrace?.(error);
  }
  return error;
}

export class Sqlite3Connection {
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
    // Statements outside a transaction (including BEGIN IMMEDIATE itself) are retried while busy; inside one, a busy
    // answer means another process holds a lock we cannot wait out without giving ours up, so it is the caller's.
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
    if (statementKind(query) === "rows") {
      const rows = (await allRows((done) => statement.all(params, done))) as R[];
      return { rows };
    }
    const { changes, lastID } = await runResult((done) => statement.run(params, done));
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastID) };
  }

  /**
   * Rows `chunkSize` at a time from a statement of its own, stepped with `get` (one row per step), so a large
   * result is never held whole. Stopping early finalizes the statement.
   */
  async *streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    let statement: sqlite3.Statement;
    try {
      statement = await prepare(this.db, query.sql);
    } catch (error) {
      throw annotated(error, query);
    }
    try {
      const step = (first: boolean) =>
        new Promise<R | undefined>((resolve, reject) => {
          const done = (error: Error | null, row: unknown) => (error ? reject(error) : resolve(row as R | undefined));
          if (first) statement.get(query.parameters as unknown[], done);
          else statement.get(done);
        });
      let chunk: R[] = [];
      for (let row = await step(true); row !== undefined; row = await step(false)) {
        chunk.push(row);
        if (chunk.length >= chunkSize) {
          yield { rows: chunk };
          chunk = [];
        }
      }
      if (chunk.length > 0) yield { rows: chunk };
    } catch (error) {
      throw annotated(error, query);
    } finally {
      await finalize(statement);
    }
  }
}
