/** The SQLite dialect and the sqlite3 helpers the benchmarks' raw baseline shares with it. */
export { Sqlite3Dialect } from "./dialect.js";
export { createSqliteKysely } from "./kysely.js";
export {
  applySqlitePragmas,
  openSqlite3,
  type SqliteSettings,
  sqliteAll,
  sqliteClose,
  sqliteExec,
  sqliteRun,
} from "./native.js";
export { SqliteTransactionMisuseError } from "./transaction-scope.js";
