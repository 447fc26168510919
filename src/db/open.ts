/**
 * Opens the rxdesk database (SQLite file by default, PostgreSQL when configured) and brings its schema up to
 * date before anyone uses it.
 */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Kysely, PostgresDialect } from "kysely";
import type { PoolConfig, default as pgModule } from "pg";
import { dataDirOf, rxdeskConfig } from "../config.js";
import { type MigrationReport, migrate } from "./migrate.js";
import type { Engine } from "./migrations.js";
import { withPreparedStatements } from "./prepared.js";
import type { Database } from "./schema.js";
import { createSqliteKysely, type SqliteSettings } from "./sqlite/index.js";

export type DatabaseConfig =
  | ({ engine: "sqlite" } & SqliteSettings)
  | { engine: "postgres"; connection: PoolConfig | string; poolSize?: number };

export interface RxdeskDb {
  db: Kysely<Database>;
  engine: Engine;
  migrations: MigrationReport;
  /** Where the data lives, for status lines (file path or database name). */
  location: string;
  close(): Promise<void>;
}

export { dataDirOf };

const require = createRequire(import.meta.url);
/**
 * The PostgreSQL driver, loaded only when a PostgreSQL database is opened: loading it (with the fetch machinery it
 * probes for) cost ~60 ms of every SQLite start, a tenth of a small report.
 *
 * That probe: pg's stream module asks whether it runs in a Cloudflare Worker, and where there is no `navigator`
 * (Node 20) it constructs a `Response`, whose first use loads Node's whole fetch implementation (undici, ~30 ms of
 * every PostgreSQL start). While pg loads, the not-yet-loaded global is hidden; the probe's answer is the same
 * (not a Worker), and the global is put back untouched.
 */
function loadPg(): typeof pgModule {
  const response = Object.getOwnPropertyDescriptor(globalThis, "Response");
  if (!response?.get) return require("pg") as typeof pgModule; // already loaded, or not Node's lazy global
  Object.defineProperty(globalThis, "Response", { value: undefined, configurable: true, writable: true });
  try {
    return require("pg") as typeof pgModule;
  } finally {
    Object.defineProperty(globalThis, "Response", response);
  }
}

/** The default database file: `<dataDir>/rxdesk.sqlite3`. */
export function defaultDbFile(dataDir?: string): string {
  return join(dataDirOf(dataDir), "rxdesk.sqlite3");
}

/**
 * The database for a data folder: `database` when given; otherwise PostgreSQL when RXDESK_DATABASE_URL is a
 * `postgres://` URL and no SQLite file was named; otherwise the SQLite file (`dbFile` or `<dataDir>/rxdesk.sqlite3`).
 */
export function databaseConfigFor(options: {
  dataDir: string;
  dbFile?: string;
  database?: DatabaseConfig;
}): DatabaseConfig {
  if (options.database) return options.database;
  const pgUrl = rxdeskConfig().databaseUrl;
  if (!options.dbFile && pgUrl) return { engine: "postgres", connection: pgUrl };
  return { engine: "sqlite", file: options.dbFile ?? defaultDbFile(options.dataDir) };
}

export function createKysely(config: DatabaseConfig): Kysely<Database> {
  if (config.engine === "sqlite") {
    if (config.file !== ":memory:") mkdirSync(dirname(resolve(config.file)), { recursive: true });
    return createSqliteKysely<Database>(config);
  }
  // Peer authentication over the unix socket: default to the OS user when the configuration names none.
  const osUser = rxdeskConfig().pgUser ?? userInfo().username;
  let poolConfig: PoolConfig;
  if (typeof config.connection === "string") {
    const url = config.connection;
    const named = /^[a-z]+:\/\/[^/@]+@/i.test(url) || /[?&]user=/.test(url);
    poolConfig = {
      connectionString: named ? url : `${url}${url.includes("?") ? "&" : "?"}user=${encodeURIComponent(osUser)}`,
    };
  } else {
    poolConfig = { user: osUser, ...config.connection };
  }
  poolConfig.max = config.poolSize ?? poolConfig.max ?? 10;
  const pool = new (loadPg().Pool)(poolConfig);
  // An idle client whose server session ends (restart, failover, pg_terminate_backend, idle_session_timeout)
  // emits 'error' on the pool; without a listener that is an uncaught exception. pg-pool has already dropped
  // the client, and the next query opens a fresh one, so there is nothing more to do than not crash.
  pool.on("error", () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: withPreparedStatements(pool) }) });
}

export async function openDatabase(config: DatabaseConfig): Promise<RxdeskDb> {
  const db = createKysely(config);
  try {
    const migrations = await migrate(db, config.engine);
    const location =
      config.engine === "sqlite"
        ? config.file
        : typeof config.connection === "string"
          ? config.connection.replace(/:[^:@/]*@/, ":***@")
          : String(config.connection.database ?? "postgres");
    return { db, engine: config.engine, migrations, location, close: () => db.destroy() };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/** Whether an error is the database refusing a duplicate key (the one-live-dispensing-per-refill guard). */
export function isUniqueViolation(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const e = error as { code?: unknown; message?: unknown };
  if (e.code === "23505") return true; // PostgreSQL unique_violation
  return e.code === "SQLITE_CONSTRAINT" && typeof e.message === "string" && /UNIQUE/i.test(e.message);
}
