/**
 * When NHI last answered about each prescription (M16), kept in memory for the answers that said nothing new and so
 * were not written to our tables. Shown as the "local copy from" time when NHI is unreachable later.
 *
 * Bounded, because a counter server runs for weeks and every prescription ever scanned would otherwise stay: past
 * `capacity` the prescription NHI answered about longest ago is forgotten. A forgotten prescription falls back to
 * the stored time of NHI's last answer that changed something (`nhi_checked_at`), which is never newer, so the
 * pharmacist may see an older "as of" time, never a newer one than NHI really said.
 */
export const LAST_SEEN_CAPACITY = 10_000;

export class LastSeen {
  /** In the order NHI answered: the first entry is the one answered longest ago. */
  readonly #times = new Map<string, Date>();

  constructor(readonly capacity: number = LAST_SEEN_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be ≥ 1, got ${capacity}`);
  }

  /** NHI answered about `originalVisitId` at `at`. */
  set(originalVisitId: string, at: Date): void {
    this.#times.delete(originalVisitId);
    this.#times.set(originalVisitId, at);
    if (this.#times.size > this.capacity) {
      const oldest = this.#times.keys().next().value as string;
      this.#times.delete(oldest);
    }
  }

  get(originalVisitId: string): Date | undefined {
    return this.#times.get(originalVisitId);
  }

  get size(): number {
    return this.#times.size;
  }
}
