/**
 * Checkpoints the WAL beside the writer. By SQLite's default, the commit that takes the WAL past 1,000 pages copies
 * them into the database file itself, inside the write that every first scan's group commit waits for (a stall of
 * the whole counter's queue, and the p99). Here a connection of its own runs a PASSIVE checkpoint every
 * CHECKPOINT_EVERY_MS on the thread pool: PASSIVE waits for no reader or writer, so it never holds the writer up.
 * The writer's own automatic checkpoint stays as a backstop, for a WAL this one cannot keep small (a reader holding
 * old pages for long): WRITER_AUTOCHECKPOINT_PAGES.
 */
import type sqlite3 from "sqlite3";
import { openSqlite3, sqliteAll, sqliteClose } from "./native.js";

export const CHECKPOINT_EVERY_MS = 500;
export const WRITER_AUTOCHECKPOINT_PAGES = 10_000;

export class WalCheckpointer {
  readonly #db: sqlite3.Database;
  readonly #timer: NodeJS.Timeout;
  #running: Promise<void> | undefined;

  private constructor(db: sqlite3.Database) {
    this.#db = db;
    this.#timer = setInterval(() => {
      void this.checkpoint();
    }, CHECKPOINT_EVERY_MS);
    this.#timer.unref();
  }

  static async open(file: string, busyTimeoutMs: number): Promise<WalCheckpointer> {
    const db = await openSqlite3(file);
    db.configure("busyTimeout", busyTimeoutMs);
    return new WalCheckpointer(db);
  }

  /** One PASSIVE checkpoint (none while one runs). A failure leaves the WAL to the next one or the backstop. */
  checkpoint(): Promise<void> {
    this.#running ??= sqliteAll(this.#db, "PRAGMA wal_checkpoint(PASSIVE)")
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
    await sqliteClose(this.#db);
  }
}
