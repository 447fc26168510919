/**
 * The reliability suite runs in two sizes: a fast subset inside `npm test`, and the full run
 * (`npm run test:reliability`, RXDESK_RELIABILITY=full) with every crash step, ≥ 10,000 property cases and the soak.
 */
export const FULL_RUN = process.env.RXDESK_RELIABILITY === "full";

/** `full` in the full run, `fast` inside `npm test`. */
export function sized<T>(full: T, fast: T): T {
  return FULL_RUN ? full : fast;
}
