/** The rate limiter's memory: idle buckets are forgotten, and a flood of new keys stays bounded. */
import { describe, expect, it } from "vitest";
import { MAX_BUCKETS, RateLimiter } from "./rate-limit.js";

function limiter() {
  let now = 0;
  const rl = new RateLimiter({ ratePerSecond: 1, burst: 2 }, () => now);
  return { rl, advance: (ms: number) => (now += ms) };
}

describe("rate limiter memory", () => {
  it("keeps at most MAX_BUCKETS under a flood of different keys within one minute", () => {
    const { rl, advance } = limiter();
    for (let i = 0; i < MAX_BUCKETS + 20_000; i++) {
      rl.take(`guess-${i}`);
      if (i % 1000 === 0) advance(1);
    }
    expect(rl.size).toBeLessThanOrEqual(MAX_BUCKETS);
  });

  it("forgets the idle buckets once it holds many", () => {
    const { rl, advance } = limiter();
    for (let i = 0; i < 9_999; i++) rl.take(`old-${i}`);
    advance(61_000);
    rl.take("new-1");
    expect(rl.size).toBe(10_000); // no sweep up to 10,000 buckets
    rl.take("new-2");
    expect(rl.size).toBe(2);
  });

  it("never forgets a key in use: a limited counter stays limited through a flood of other keys", () => {
    const { rl, advance } = limiter();
    rl.take("busy");
    rl.take("busy");
    for (let i = 0; i < MAX_BUCKETS + 20_000; i++) {
      rl.take(`guess-${i}`);
      if (i % 1000 === 0) {
        advance(1);
        expect(rl.take("busy"), `busy at ${i}`).toBeGreaterThan(0);
      }
    }
    expect(rl.size).toBeLessThanOrEqual(MAX_BUCKETS);
  });
});
