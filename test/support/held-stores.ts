/**
 * Holds the statements that store NHI's answers (migration 8's routine, either engine) on one Kysely instance until
 * the test opens the gate: for showing what a check does not wait for, and what waits for the store. Plain code, no
 * test runner needed: the crash test's child process holds them too, and is killed before it opens the gate.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../src/db/schema.js";

/** The statement text of a status store, on either engine. */
export const STATUS_STORE_SQL = /nhi_status_inbox|rxdesk_store_nhi_status/;

export function holdStatusStores(db: Kysely<Database>): { open(): void; held(): number } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const executor = db.getExecutor();
  const execute = executor.executeQuery.bind(executor);
  let held = 0;
  const holding: typeof executor.executeQuery = async (query, ...rest) => {
    if (STATUS_STORE_SQL.test(query.sql)) {
      held++;
      await gate;
    }
    return execute(query, ...rest);
  };
  executor.executeQuery = holding;
  return { open, held: () => held };
}
