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

/** Buckets kept at most; past it the least recently used go (a fresh bucket starts full anyway). */
export const MAX_BUCKETS = 50_000;
/** Buckets idle this long are full again and can be forgotten. */
const IDLE_MS = 60_000;

export class RateLimiter {
  /** Least recently used first: each take moves its bucket to the end. */
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
      this.buckets.delete(key);
      this.buckets.set(key, bucket);
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

  /** How many buckets are held. */
  get size(): number {
    return this.buckets.size;
  }

  /**
   * Forgets buckets from the least recently used end while they are idle or too many, and stops at the first that
   * stays: a flood of new keys (every guess a different key) neither grows the map without bound nor makes each new
   * key walk the whole of it.
   */
  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.last <= IDLE_MS && this.buckets.size <= MAX_BUCKETS) break;
      this.buckets.delete(key);
    }
  }
}
