/**
 * SQLITE_BUSY without blocking a thread: SQLite's own busy handler sleeps on a libuv worker thread, and with several
 * connections in one process that starves the pool (the lock holder cannot get a thread to COMMIT). So the handler
 * is kept short and statements are retried here after a short jittered pause.
 */

/** SQLite's own (thread-blocking) busy handler; longer waits are retried asynchronously. */
export const SQLITE_HANDLER_BUSY_MS = 100;

export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` again after a short jittered pause while SQLite answers busy and `retry()` allows, until `waitMs`. */
export async function whileBusy<T>(
  fn: () => Promise<T>,
  waitMs: number,
  retry: () => boolean = () => true,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!retry() || !isBusy(error) || Date.now() >= deadline) throw error;
      await sleep(Math.min(50, 2 + attempt * 3) * (0.5 + Math.random()));
    }
  }
}
