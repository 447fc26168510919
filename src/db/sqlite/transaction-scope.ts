/**
 * Which of our transactions, if any, the running code is inside. The writer is one connection, so a query made
 * through `db` (not `trx`) inside `db.transaction().execute(…)` would wait for the transaction that is waiting for
 * it: forever. The driver marks the transaction's async context when it begins one, and a query that would wait for
 * the writer from inside that context fails at once with an explanation instead. (A controlled transaction,
 * `db.startTransaction()`, runs its caller outside Kysely's context, so it is not covered.)
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface TransactionMark {
  /** The writer's lock this transaction holds (one per database). */
  readonly owner: object;
  /** True from BEGIN until COMMIT/ROLLBACK. */
  open: boolean;
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
  const mark: TransactionMark = { owner, open: false, parent: scope.getStore() };
  scope.enterWith(mark);
  return mark;
}
