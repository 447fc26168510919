/**
 * Which of our transactions, if any, the running code is inside. The writer is one connection, so a query made
 * through `db` (not `trx`) inside `db.transaction().execute(…)` would wait for the transaction that is waiting for
 * it: forever. The driver marks the transaction's async context when it begins one, and a query that would wait for
 * the writer from inside that context fails at once with an explanation instead.
 *
 * A controlled transaction (`db.startTransaction()`, also on `db.connection()`'s connection) hands `trx` back to its
 * caller, whose code runs outside Kysely's context: ./kysely.ts marks the caller's context when it calls
 * `startTransaction()` (synchronously, in the caller's own frame), and the driver adopts that mark when it begins
 * the transaction. Either way the mark stays in the context that holds `trx` and ends at COMMIT/ROLLBACK.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface TransactionMark {
  /** The writer's lock this transaction holds (one per database). */
  readonly owner: object;
  /** True from BEGIN until COMMIT/ROLLBACK. */
  open: boolean;
  /** True after COMMIT/ROLLBACK: the mark is only history and is skipped as a parent. */
  ended: boolean;
  /** Made by `startTransaction()` in the caller's context, before the driver began the transaction. */
  readonly controlled: boolean;
  /** A transaction on another database this one was begun inside. */
  readonly parent: TransactionMark | undefined;
}

const scope = new AsyncLocalStorage<TransactionMark>();

export class SqliteTransactionMisuseError extends Error {
  override readonly name = "SqliteTransactionMisuseError";
}

function inside(owner: object): boolean {
  for (let mark = scope.getStore(); mark; mark = mark.parent) if (mark.owner === owner && mark.open) return true;
  return false;
}

/** Throws when the caller is inside an open transaction on `owner` and asks for the writer outside it. */
export function assertNotInsideTransaction(owner: object, what: string): void {
  if (!inside(owner)) return;
  throw new SqliteTransactionMisuseError(
    `${what} through \`db\` inside an open SQLite transaction would wait for that transaction forever ` +
      "(one writer connection): use the transaction's `trx` inside its callback, or run it after the transaction.",
  );
}

/**
 * Marks the current async context (and what it goes on to run: the transaction's callback) as inside a new
 * transaction on `owner`, open once the caller sets `open`. Must run before the driver's first `await`, so the mark
 * reaches Kysely's continuation.
 */
export function enterTransaction(owner: object): TransactionMark {
  assertNotInsideTransaction(owner, "A nested transaction");
  const current = scope.getStore();
  // The mark startTransaction() left in its caller's context: adopt it, so the caller holding `trx` is inside.
  if (current?.controlled && current.owner === owner && !current.open && !current.ended) return current;
  const mark: TransactionMark = { owner, open: false, ended: false, controlled: false, parent: live(current) };
  scope.enterWith(mark);
  return mark;
}

/**
 * Marks the caller's context for a controlled transaction it is about to start on `owner`; must be called
 * synchronously from the caller's frame (./kysely.ts wraps `startTransaction()`).
 */
export function expectControlledTransaction(owner: object): void {
  // No check here: a nested one is refused when the driver begins it, as a rejected promise, not a throw.
  scope.enterWith({ owner, open: false, ended: false, controlled: true, parent: live(scope.getStore()) });
}

/** Ends a mark at COMMIT/ROLLBACK. */
export function endTransaction(mark: TransactionMark): void {
  mark.open = false;
  mark.ended = true;
}

/** The nearest mark that has not ended (ended ones are dropped, so a long-lived context does not grow a chain). */
function live(mark: TransactionMark | undefined): TransactionMark | undefined {
  let m = mark;
  while (m?.ended) m = m.parent;
  return m;
}
