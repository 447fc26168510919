/** Token buckets: per API key for every request, and per presented key for failed logins. */
export interface RateLimitOptions {
  /** Sustained requests per second. */
  ratePerSecond: number;
  /** Bucket size (short bursts). */
  burst: number;
}

interface Bucket {
  tokens: number;
  last: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly options: RateLimitOptions,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Takes one token; returns 0 when allowed, else the seconds until one is available. */
  take(key: string): number {
    const now = this.clock();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.options.burst, last: now };
      this.buckets.set(key, bucket);
      if (this.buckets.size > 10_000) this.prune(now);
    } else {
      const refill = ((now - bucket.last) / 1000) * this.options.ratePerSecond;
      bucket.tokens = Math.min(this.options.burst, bucket.tokens + refill);
      bucket.last = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.options.ratePerSecond));
  }

  /** Whether `key` still has a token, without taking one. */
  blocked(key: string): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return 0;
    const refill = ((this.clock() - bucket.last) / 1000) * this.options.ratePerSecond;
    const tokens = Math.min(this.options.burst, bucket.tokens + refill);
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / this.options.ratePerSecond));
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.last > 60_000) this.buckets.delete(key);
    }
  }
}
