/**
 * A Kysely dialect over the `sqlite3` package (Kysely's own SQLite dialect needs better-sqlite3's synchronous API),
 * split as Kysely splits its dialects: this file, ./driver.ts, ./session.ts (the DatabaseConnection) and
 * ./connection.ts, with the statement cache, busy retry and statement kinds in their own files.
 */
import {
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from "kysely";
import { Sqlite3Driver } from "./driver.js";
import { Mutex } from "./mutex.js";
import type { SqliteSettings } from "./native.js";

/**
 * Kysely's SQLite adapter says SQLite has no transactional DDL, so its Migrator would run migrations outside any
 * transaction and without a lock. SQLite does roll back DDL, and our transactions start with BEGIN IMMEDIATE (the
 * file's write lock): saying so makes the Migrator run every migration, and its check of what is applied, inside
 * one write transaction, which is the lock between processes starting together.
 */
export class Sqlite3Adapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

export class Sqlite3Dialect implements Dialect {
  readonly #settings: SqliteSettings;
  /** The writer's lock, shared with the driver; ./kysely.ts marks controlled transactions with it. */
  readonly writerLock = new Mutex();
  constructor(settings: SqliteSettings) {
    this.#settings = settings;
  }
  createDriver(): Driver {
    return new Sqlite3Driver(this.#settings, this.writerLock);
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
