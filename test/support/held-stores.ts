/**
 * Holds the statements that store NHI's answers (migration 8's routine, either engine) on one Kysely instance until
 * the test opens the gate: for showing what a check does not wait for, and what waits for the store.
 */
import type { Kysely } from "kysely";
import { vi } from "vitest";
import type { Database } from "../../src/db/schema.js";

const STORE = /nhi_status_inbox|rxdesk_store_nhi_status/;

export function holdStatusStores(db: Kysely<Database>): { open(): void; held(): number } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const executor = db.getExecutor();
  const execute = executor.executeQuery.bind(executor);
  const spy = vi.spyOn(executor, "executeQuery").mockImplementation(async (query, ...rest) => {
    if (STORE.test(query.sql)) await gate;
    return execute(query, ...rest);
  });
  return { open, held: () => spy.mock.calls.filter(([query]) => STORE.test(query.sql)).length };
}
