/** Rate limits per key and failed logins per presented key (429 + Retry-After). */
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, expectProblem, startApi } from "../../test/support/api-harness.js";
import { FakeService } from "../../test/support/fake-service.js";

describe("rate limiting", () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({
      service: new FakeService(),
      limits: { ratePerSecond: 0.5, burst: 3, loginFailuresPerMinute: 3 },
    });
  });
  afterAll(async () => h.close());

  it("limits each key separately with 429 + Retry-After", async () => {
    const me = (key: string) => request(h.url).get("/api/me").set("Authorization", `Bearer ${key}`);
    for (let i = 0; i < 3; i++) expect((await me(h.pharmacistKey)).status).toBe(200);
    const limited = await me(h.pharmacistKey);
    expectProblem(limited, 429, "rate-limited");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect((await me(h.ownerKey)).status).toBe(200);
  });

  it("counts failed logins per presented key, so one bad device behind a shared address locks out no other", async () => {
    const withKey = (key: string) => request(h.url).get("/api/me").set("X-Api-Key", key);
    for (let i = 0; i < 3; i++) expectProblem(await withKey("guess"), 401);
    expectProblem(await withKey("guess"), 429, "rate-limited");
    // Same client address, other keys: unaffected.
    expect((await withKey(h.officeKey)).status).toBe(200);
    // Guessing one key's secret locks that key (even the right secret) and nothing else.
    const wrongSecret = h.pharmacist2Key.replace(/.{4}$/, "AAAA");
    for (let i = 0; i < 3; i++) expectProblem(await withKey(wrongSecret), 401);
    expectProblem(await withKey(wrongSecret), 429, "rate-limited");
    expectProblem(await withKey(h.pharmacist2Key), 429, "rate-limited");
    expect((await withKey(h.ownerKey)).status).toBe(200);
    expect((await request(h.url).get("/health")).status).toBe(200);
  });
});
