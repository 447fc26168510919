/**
 * API bodies as property tests: any JSON (or not-quite-JSON) sent to the routes that take a body is answered with
 * success or a 4xx problem in both languages, never a 500 and never a stack trace. ≥ 10,000 requests in the full
 * run, a few hundred inside `npm test`.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, startApi } from "../support/api-harness.js";
import { PATIENT as FAKE_PATIENT, RX_OK as FAKE_VISIT_ID } from "../support/counter-data.js";
import { FakeService } from "../support/fake-service.js";
import { sized } from "../support/reliability/mode.js";

const ROUTES = [
  { method: "POST", path: "/api/checks", key: "pharmacist" },
  { method: "POST", path: "/api/dispensings", key: "pharmacist" },
  { method: "PATCH", path: "/api/dispensings/d1", key: "pharmacist" },
  { method: "DELETE", path: "/api/dispensings/d1", key: "pharmacist" },
  { method: "POST", path: "/api/keys", key: "owner" },
] as const;

/** Bodies near the real ones (right field names, wrong or odd values), and anything at all. */
const nearValid = fc.record(
  {
    visitId: fc.oneof(fc.constant(FAKE_VISIT_ID), fc.string({ maxLength: 30 }), fc.integer()),
    refillNo: fc.oneof(fc.integer({ min: -2, max: 6 }), fc.string({ maxLength: 3 }), fc.constant(null)),
    card: fc.oneof(
      fc.record({
        source: fc.constantFrom("ic-card", "virtual", "x"),
        nationalId: fc.constantFrom(FAKE_PATIENT, "A1"),
      }),
      fc.jsonValue(),
    ),
    reason: fc.string({ maxLength: 300 }),
    days: fc.oneof(fc.integer({ min: -5, max: 120 }), fc.double()),
    role: fc.constantFrom("pharmacist", "owner", "admin"),
    terminalId: fc.string({ maxLength: 50 }),
    pharmacistId: fc.constantFrom(FAKE_PATIENT, "B12"),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  nearValid.map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 60 }),
);

describe("API bodies", () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({
      service: new FakeService(),
      limits: { ratePerSecond: 1e9, burst: 1e9, loginFailuresPerMinute: 1e9 },
    });
  });
  afterAll(async () => h.close());

  it("any body gets success or a 4xx problem with zh-TW and English text, never a 500", {
    timeout: sized(900_000, 60_000),
  }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), body, async (route, text) => {
        const key = route.key === "owner" ? h.ownerKey : h.pharmacistKey;
        const res = await fetch(`${h.url}${route.path}`, {
          method: route.method,
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: text,
        });
        const answer = (await res.json()) as { message?: { zh?: string; en?: string }; code?: string };
        expect(res.status, `${route.method} ${route.path} ${text} → ${JSON.stringify(answer)}`).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
          expect(answer.message?.zh?.length).toBeGreaterThan(0);
          expect(answer.message?.en?.length).toBeGreaterThan(0);
          expect(JSON.stringify(answer)).not.toMatch(/\n\s+at /);
        }
      }),
      { numRuns: sized(10_000, 200) },
    );
    expect(h.logLines.join("\n")).not.toMatch(/handler error/);
  });
});
