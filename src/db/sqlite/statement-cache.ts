/**
 * Prepared statements by SQL text. Kysely compiles a query of the same shape to the same text, so the counter's few
 * dozen statements are prepared once and then only re-bound: a fresh `db.all(sql)` prepares, steps and finalizes on
 * every call, which is about half of a short query's cost. Past the cap the oldest statement is finalized (first in,
 * first out: refreshing recency on every hit costs more than an occasional re-prepare).
 */
import type sqlite3 from "sqlite3";

export class StatementCache {
  /** A statement still being prepared is its promise; once prepared, the statement itself (no promise turn). */
  readonly #statements = new Map<string, sqlite3.Statement | Promise<sqlite3.Statement>>();

  constructor(
    readonly db: sqlite3.Database,
    readonly capacity: number,
  ) {}

  get(sql: string): sqlite3.Statement | Promise<sqlite3.Statement> {
    const cached = this.#statements.get(sql);
    if (cached) return cached;
    const prepared = prepare(this.db, sql).then(
      (statement) => {
        if (this.#statements.get(sql) === prepared) this.#statements.set(sql, statement);
        return statement;
      },
      (error: unknown) => {
        if (this.#statements.get(sql) === prepared) this.#statements.delete(sql);
        throw error;
      },
    );
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

/** A statement of its own (streams step one outside the cache, so a cached one is never left mid-way). */
export function prepare(db: sqlite3.Database, sql: string): Promise<sqlite3.Statement> {
  return new Promise<sqlite3.Statement>((resolve, reject) => {
    const statement = db.prepare(sql, (error) => (error ? reject(error) : resolve(statement)));
  });
}

/** Finalizes a statement once it is prepared; one that failed to prepare has nothing to finalize. */
function finalizeLater(statement: sqlite3.Statement | Promise<sqlite3.Statement>): Promise<void> {
  return Promise.resolve(statement).then(finalize, () => undefined);
}

export function finalize(statement: sqlite3.Statement): Promise<void> {
  return new Promise((resolve) => statement.finalize(() => resolve()));
}
