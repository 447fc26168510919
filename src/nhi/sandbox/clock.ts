/**
 * The sandbox's clock: the given clock (real time by default) plus an offset a tester sets or advances over
 * HTTP (`PUT /v1/clock`) or `rxdesk sandbox clock`. Everything time-dependent in the sandbox reads it: upload
 * moments, refill windows, the correction deadline, report readiness, virtual-card expiry.
 */
export class SandboxClock {
  private offsetMs = 0;
  constructor(private readonly base: () => Date) {}

  now(): Date {
    return new Date(this.base().getTime() + this.offsetMs);
  }

  /** From now on the clock reads `at` (and runs on from there). */
  set(at: Date): void {
    if (Number.isNaN(at.getTime())) throw new RangeError("not a date");
    this.offsetMs = at.getTime() - this.base().getTime();
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError("not a number of milliseconds");
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }

  get offset(): number {
    return this.offsetMs;
  }
}
