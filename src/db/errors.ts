/** Database errors that mean "the database cannot be reached right now", as opposed to a bad query or data. */

/** PostgreSQL SQLSTATE classes/codes for a lost or refused server (connection exceptions, shutdown, too many). */
const PG_UNAVAILABLE = /^(08|57P0[1-4]|53300)/;
/** Socket-level failures while connecting or talking to the server. */
const NODE_UNAVAILABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ENOENT", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"]);

/** Whether `error` says the database is unreachable (worth a 503 and a retry later, not a 500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string" && (PG_UNAVAILABLE.test(code) || NODE_UNAVAILABLE.has(code))) return true;
  if (code === "SQLITE_BUSY" || code === "SQLITE_CANTOPEN") return true;
  // node-postgres reports a socket closed under it without a code.
  return typeof message === "string" && /^Connection terminated|timeout exceeded when trying to connect/.test(message);
}
