/**
 * The API's cross-cutting rules over a real HTTP listener: auth and role denial on every route, the problem shape
 * for 400/401/403/404/405/413/415, devices, the audit trail, key management, and the OpenAPI document agreeing with
 * the router. Masking: masking.test.ts; rate limits: rate-limit.test.ts; the dispensing flow against the real
 * service: flow.test.ts.
 */
import { readFileSync } from "node:fs";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, expectProblem, PHARMACIST_ID, startApi, TEST_ACTOR } from "../../test/support/api-harness.js";
import { PATIENT as FAKE_PATIENT, RX_OK as FAKE_VISIT_ID } from "../../test/support/counter-data.js";
import { FakeService } from "../../test/support/fake-service.js";
import { verifyAudit } from "./audit.js";
import type { CardReader, Scanner } from "./deps.js";
import { openApiText } from "./openapi-text.js";
import type { AnyRoute } from "./route.js";
import { OPENAPI_FILE } from "./routes/system.js";

const SAMPLE_PARAMS: Record<string, string> = {
  id: "d1",
  nationalId: FAKE_PATIENT,
  terminalId: "counter-1",
  originalVisitId: FAKE_VISIT_ID,
};

function concretePath(route: AnyRoute): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    route.path.startsWith("/api/keys") ? "0123456789abcdef" : (SAMPLE_PARAMS[name] ?? "x"),
  );
}

function call(h: ApiHarness, route: AnyRoute, key?: string) {
  const agent = request(h.url);
  const path = concretePath(route);
  let req = route.method === "delete" ? agent.delete(path) : agent[route.method](path);
  if (key) req = req.set("Authorization", `Bearer ${key}`);
  return req;
}

const cardReader: CardReader = {
  async read(terminalId) {
    if (terminalId === "counter-2") {
      const error = Object.assign(new Error("no card"), {
        code: "no-card",
        reason: { zh: "讀卡機內沒有卡片", en: "No card in the reader" },
      });
      throw error;
    }
    return { reader: "Virtual PCD 00 00", identity: { source: "ic-card", nationalId: FAKE_PATIENT, name: "王小明" } };
  },
};

const scanner: Scanner = {
  async decode(image) {
    if (image[0] === 0x00) return { codes: [] };
    return { codes: [{ format: "QRCode", text: FAKE_VISIT_ID }], visitId: FAKE_VISIT_ID };
  },
};

describe("API cross-cutting rules", () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({
      service: new FakeService(),
      cardReader,
      scanner,
      limits: { imageBodyBytes: 64 * 1024, ratePerSecond: 1000, burst: 1000, loginFailuresPerMinute: 1000 },
    });
  });
  afterAll(async () => h.close());

  it("answers health and readiness without a key", async () => {
    expect((await request(h.url).get("/health")).body).toEqual({ status: "ok" });
    const ready = await request(h.url).get("/health/ready");
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ ready: true, database: true });
  });

  it("refuses every other route without a key or with a wrong, malformed or revoked key (401)", async () => {
    const revoked = await h.keys.create({ role: "owner", terminalId: "old-pc" }, TEST_ACTOR);
    await h.keys.revoke(revoked.record.id, TEST_ACTOR);
    const wrongSecret = h.ownerKey.replace(/.{4}$/, "AAAA");
    const guarded = h.app.routes.filter((r) => r.roles !== "public");
    expect(guarded.length).toBeGreaterThan(15);
    for (const route of guarded) {
      for (const key of [undefined, "nonsense", wrongSecret, revoked.key]) {
        const res = await call(h, route, key);
        expectProblem(res, 401, "unauthenticated");
        expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
      }
    }
    const failures = await h.audit.read({ type: "login-failure" });
    expect(failures.length).toBe(guarded.length * 3);
    expect(failures.some((f) => f.data?.keyId === revoked.record.id)).toBe(true);
  });

  it("denies the pharmacist role every owner-only route (403) and audits it", async () => {
    const ownerOnly = h.app.routes.filter((r) => r.roles !== "public" && !r.roles.includes("pharmacist"));
    expect(ownerOnly.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      [
        "delete /api/keys/{id}",
        "get /api/audit",
        "get /api/keys",
        "get /api/reports/refill-log",
        "get /api/settings",
        "post /api/keys",
      ].sort(),
    );
    const before = (await h.audit.read({ type: "forbidden" })).length;
    for (const route of ownerOnly) {
      const res = await call(h, route, h.pharmacistKey);
      expectProblem(res, 403, "forbidden");
      expect(res.body.details.requiredRoles).toEqual(["owner"]);
    }
    expect((await h.audit.read({ type: "forbidden" })).length - before).toBe(ownerOnly.length);
  });

  it("lets both roles past authentication on the shared routes", async () => {
    const shared = h.app.routes.filter((r) => r.roles !== "public" && r.roles.includes("pharmacist"));
    expect(shared.length).toBeGreaterThan(10);
    for (const route of shared) {
      for (const key of [h.pharmacistKey, h.ownerKey]) {
        const res = await call(h, route, key);
        expect([401, 403], `${route.method} ${route.path}`).not.toContain(res.status);
      }
    }
  });

  it("answers unknown routes with 404 and wrong methods with 405 + Allow, in the problem shape", async () => {
    expectProblem(await request(h.url).get("/api/nothing-here"), 404, "route-not-found");
    const res = await request(h.url).put("/api/dispensings/d1").set("Authorization", `Bearer ${h.ownerKey}`);
    expectProblem(res, 405, "method-not-allowed");
    expect(res.headers.allow).toBe("DELETE, GET, HEAD, PATCH");
    expectProblem(await request(h.url).delete("/health"), 405);
    expectProblem(await request(h.url).propfind("/api/dispensings/d1"), 501, "method-not-implemented");
    const options = await request(h.url).options("/api/dispensings/d1");
    expect(options.status).toBe(200);
    expect(String(options.headers.allow).split(", ").sort()).toEqual(["DELETE", "GET", "HEAD", "PATCH"]);
  });

  it("rejects bad bodies: malformed JSON, wrong media type, too large, missing, unknown or invalid fields", async () => {
    const auth = { Authorization: `Bearer ${h.pharmacistKey}` };
    const post = () => request(h.url).post("/api/checks").set(auth);
    expectProblem(await post().set("Content-Type", "application/json").send("{visitId:"), 400, "malformed-json");
    expectProblem(await post().set("Content-Type", "text/plain").send("visitId=1"), 415, "unsupported-media-type");
    expectProblem(await post(), 400, "body-required");
    const big = JSON.stringify({ visitId: "x".repeat(40_000) });
    const tooLarge = await post().set("Content-Type", "application/json").send(big);
    expectProblem(tooLarge, 413, "body-too-large");
    expect(tooLarge.body.details.limitBytes).toBe(32 * 1024);
    const invalid = await post().send({ visitId: "", card: { source: "ic-card", nationalId: "A123456788" } });
    expectProblem(invalid, 400, "invalid-input");
    expect(invalid.body.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(["card", "visitId"].sort());
    const extra = await post().send({ visitId: FAKE_VISIT_ID, foo: 1 });
    expectProblem(extra, 400, "invalid-input");
    // zod's own wording in each language's text: zh-TW for the pharmacist, English for the integrator.
    expect(extra.body.message.zh).toMatch(/^資料內容不正確（.*無法識別的鍵值.*foo/);
    expect(extra.body.message.en).toMatch(/^Invalid body \(.*Unrecognized key.*foo/);
    const badQuery = await request(h.url).get("/api/refills/due?days=30").set(auth);
    expectProblem(badQuery, 400, "invalid-input");
    expect(badQuery.body.details.where).toBe("query");
    expect(h.logLines.join("\n")).not.toMatch(/handler error/);
  });

  it("never takes the pharmacist from the body: pharmacistId is refused, M06 comes from the key", async () => {
    const res = await request(h.url)
      .post("/api/dispensings")
      .set("Authorization", `Bearer ${h.pharmacistKey}`)
      .send({ visitId: FAKE_VISIT_ID, refillNo: 1, pharmacistId: "B120863158" });
    expectProblem(res, 400, "pharmacist-from-key");
    const office = await request(h.url)
      .post("/api/dispensings")
      .set("Authorization", `Bearer ${h.officeKey}`)
      .send({ visitId: FAKE_VISIT_ID, refillNo: 1 });
    expectProblem(office, 403, "no-pharmacist-on-key");
    const ok = await request(h.url)
      .post("/api/dispensings")
      .set("Authorization", `Bearer ${h.pharmacistKey}`)
      .send({ visitId: FAKE_VISIT_ID, refillNo: 1 });
    expect(ok.status).toBe(201);
    expect(ok.body.dispensing.pharmacistId).toBe(PHARMACIST_ID);
    expect(ok.headers.location).toBe(`/api/dispensings/${ok.body.dispensing.id}`);
  });

  it("reads a card at the key's own terminal only, and maps card errors", async () => {
    const auth = { Authorization: `Bearer ${h.pharmacistKey}` };
    const own = await request(h.url).post("/api/terminals/counter-1/card-read").set(auth);
    expect(own.status).toBe(200);
    expect(own.body.identity.nationalId).toBe(FAKE_PATIENT);
    expectProblem(await request(h.url).post("/api/terminals/counter-2/card-read").set(auth), 403, "other-terminal");
    const noCard = await request(h.url)
      .post("/api/terminals/counter-2/card-read")
      .set("Authorization", `Bearer ${h.ownerKey}`)
      .send({ timeoutMs: 100 });
    expectProblem(noCard, 409, "card-no-card");
    expect(noCard.body.message.zh).toBe("讀卡機內沒有卡片");
  });

  it("decodes an uploaded image within the size limit and the image media types", async () => {
    const auth = { Authorization: `Bearer ${h.pharmacistKey}` };
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const ok = await request(h.url).post("/api/scans").set(auth).set("Content-Type", "image/png").send(png);
    expect(ok.status).toBe(200);
    expect(ok.body.visitId).toBe(FAKE_VISIT_ID);
    const blank = await request(h.url)
      .post("/api/scans")
      .set(auth)
      .set("Content-Type", "image/png")
      .send(Buffer.alloc(10));
    expectProblem(blank, 422, "no-code-found");
    const huge = await request(h.url)
      .post("/api/scans")
      .set(auth)
      .set("Content-Type", "image/jpeg")
      .send(Buffer.alloc(65 * 1024, 1));
    expectProblem(huge, 413, "body-too-large");
    const text = await request(h.url).post("/api/scans").set(auth).set("Content-Type", "text/plain").send("hello");
    expectProblem(text, 415);
  });

  it("lets the owner create, list and revoke keys; a revoked key stops working at once", async () => {
    const auth = { Authorization: `Bearer ${h.ownerKey}` };
    const created = await request(h.url)
      .post("/api/keys")
      .set(auth)
      .send({ role: "pharmacist", terminalId: "pickup-tablet", pharmacistId: "B120863158" });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^rxk_[0-9a-f]{16}_/);
    expect(created.body.record.secretHash).toBeUndefined();
    const me = await request(h.url).get("/api/me").set("Authorization", `Bearer ${created.body.key}`);
    expect(me.body).toMatchObject({ role: "pharmacist", terminalId: "pickup-tablet", pharmacistId: "B120863158" });
    const listed = await request(h.url).get("/api/keys").set(auth);
    expect(listed.body.some((k: { id: string }) => k.id === created.body.record.id)).toBe(true);
    expect(JSON.stringify(listed.body)).not.toContain("secretHash");
    expectProblem(
      await request(h.url).post("/api/keys").set(auth).send({ role: "pharmacist", terminalId: "x" }),
      400,
      "invalid-input",
    );
    const revoked = await request(h.url).delete(`/api/keys/${created.body.record.id}`).set(auth);
    expect(revoked.body.revokedAt).toBeTruthy();
    expectProblem(await request(h.url).get("/api/me").set("Authorization", `Bearer ${created.body.key}`), 401);
    const stored = await h.db.selectFrom("api_keys").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(created.body.key.slice("rxk_0123456789abcdef_".length));
    // Both changes are audited by the store, naming the owner key that made them.
    const changes = (await h.audit.read()).filter((e) => e.type === "key-created" || e.type === "key-revoked");
    expect(changes.slice(-2).map((e) => [e.type, e.terminalId])).toEqual([
      ["key-created", "office"],
      ["key-revoked", "office"],
    ]);
  });

  it("answers CSV/PDF exports with 406 when no exporter is configured, and audits every export", async () => {
    const auth = { Authorization: `Bearer ${h.ownerKey}` };
    const csv = await request(h.url).get("/api/reports/refill-log?from=1130301&to=1130331&format=csv").set(auth);
    expectProblem(csv, 406, "export-format-unavailable");
    const json = await request(h.url).get("/api/reports/refill-log?from=1130301&to=1130331").set(auth);
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ from: "1130301", to: "1130331", mask: "masked" });
    // The fake service's March: refill 1 of the canned prescription, its patient's ID masked.
    expect(json.body.events.map((e: { originalVisitId: string }) => e.originalVisitId)).toContain(FAKE_VISIT_ID);
    expect(JSON.stringify(json.body)).not.toContain(FAKE_PATIENT);
    expect(json.body.totals).toMatchObject({ uploads: { target: 0.9 } });
    // The CLI's date forms, and Accept for the format.
    for (const range of ["from=113/03/01&to=113/03/31", "from=2024-03-01&to=2024-03-31"]) {
      const same = await request(h.url).get(`/api/reports/refill-log?${range}`).set(auth);
      expect(same.body).toMatchObject({ from: "1130301", to: "1130331" });
    }
    expectProblem(await request(h.url).get("/api/reports/refill-log?from=113-3&to=1130331").set(auth), 400);
    const accepted = await request(h.url)
      .get("/api/reports/refill-log?from=1130301&to=1130331")
      .set({ ...auth, Accept: "application/pdf" });
    expectProblem(accepted, 406, "export-format-unavailable");
    const exports = await h.audit.read({ type: "export" });
    expect(exports.at(-1)?.data).toMatchObject({ format: "json", from: "1130301", to: "1130331" });
  });

  it("keeps a hash-chained append-only audit trail", async () => {
    const res = await request(h.url).get("/api/audit?limit=5").set("Authorization", `Bearer ${h.ownerKey}`);
    expect(res.body.length).toBe(5);
    expect(await verifyAudit(h.db)).toMatchObject({ ok: true });
  });

  it("serves the committed OpenAPI document, which documents exactly the router's routes", async () => {
    const committed = readFileSync(OPENAPI_FILE, "utf8");
    const doc = JSON.parse(committed);
    expect(doc, "regenerate with: npx tsx schemas/api/generate-openapi.ts").toEqual(JSON.parse(openApiText()));
    const served = await request(h.url).get("/openapi.json");
    expect(served.body).toEqual(doc);

    const toOpenApi = (p: string) => p.replace(/:(\w+)/g, "{$1}");
    const fromRouter = new Set<string>();
    for (const layer of h.app.router.stack) {
      for (const method of layer.methods) {
        if (method !== "HEAD") fromRouter.add(`${method.toLowerCase()} ${toOpenApi(String(layer.path))}`);
      }
    }
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) documented.add(`${method} ${path}`);
    }
    expect(fromRouter.size).toBeGreaterThan(15);
    expect([...fromRouter].sort()).toEqual([...documented].sort());
    // Every documented operation names its error responses in the problem shape.
    for (const ops of Object.values(doc.paths as Record<string, Record<string, { responses: object }>>)) {
      for (const op of Object.values(ops)) expect(Object.keys(op.responses)).toContain("500");
    }
  });
});
