/**
 * A Kysely instance over the SQLite dialect whose controlled transactions are guarded like `transaction()`: the
 * code that holds a `trx` from `startTransaction()` (on the instance, or on the connection `connection()` hands
 * out) gets a clear error, not a hang, when it queries through `db` while that transaction is open. See
 * ./transaction-scope.ts.
 */
import { Kysely } from "kysely";
import { Sqlite3Dialect } from "./dialect.js";
import type { SqliteSettings } from "./native.js";
import { expectControlledTransaction } from "./transaction-scope.js";

export function createSqliteKysely<DB>(settings: SqliteSettings): Kysely<DB> {
  const dialect = new Sqlite3Dialect(settings);
  return guardControlledTransactions(new Kysely<DB>({ dialect }), dialect.writerLock);
}

function guardControlledTransactions<DB>(db: Kysely<DB>, owner: object): Kysely<DB> {
  const start = db.startTransaction.bind(db);
  // Runs in the caller's frame, so the mark reaches the code that goes on to hold `trx`.
  db.startTransaction = () => {
    expectControlledTransaction(owner);
    return start();
  };
  const connection = db.connection.bind(db);
  db.connection = () => {
    const builder = connection();
    const execute = builder.execute.bind(builder);
    builder.execute = (callback) => execute((conn) => callback(guardControlledTransactions(conn, owner)));
    return builder;
  };
  return db;
}
