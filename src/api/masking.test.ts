/** National IDs masked in lists for the pharmacist role, in the request log, in problem bodies and in the audit trail. */
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, expectProblem, startApi } from "../../test/support/api-harness.js";
import { PATIENT as FAKE_PATIENT, RX_OK as FAKE_VISIT_ID } from "../../test/support/counter-data.js";
import { FakeService } from "../../test/support/fake-service.js";

describe("masking national IDs", () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({
      service: new FakeService(),
      limits: { ratePerSecond: 1000, burst: 1000, loginFailuresPerMinute: 1000 },
    });
    const made = await request(h.url)
      .post("/api/dispensings")
      .set("Authorization", `Bearer ${h.pharmacistKey}`)
      .send({ visitId: FAKE_VISIT_ID, refillNo: 1 });
    expect(made.status).toBe(201);
  });
  afterAll(async () => h.close());

  it("masks national IDs for the pharmacist role in lists, not for the owner", async () => {
    const asPharmacist = await request(h.url)
      .get("/api/dispensings")
      .set("Authorization", `Bearer ${h.pharmacist2Key}`);
    expect(asPharmacist.status).toBe(200);
    expect(asPharmacist.body[0].nationalId).toBe("A12****789");
    expect(asPharmacist.body[0].pharmacistId).toBe("E12****783");
    const asOwner = await request(h.url).get("/api/dispensings").set("Authorization", `Bearer ${h.ownerKey}`);
    expect(asOwner.body[0].nationalId).toBe(FAKE_PATIENT);
    const supplied = await request(h.url)
      .get(`/api/patients/${FAKE_PATIENT}/prescriptions`)
      .set("Authorization", `Bearer ${h.pharmacist2Key}`);
    expect(supplied.body[0].nationalId).toBe(FAKE_PATIENT);
  });

  it("logs one structured line per request with national IDs masked", async () => {
    await request(h.url)
      .get(`/api/patients/${FAKE_PATIENT}/prescriptions`)
      .set("Authorization", `Bearer ${h.pharmacistKey}`)
      .set("X-Request-Id", "trace-123");
    const line = h.logLines.map((l) => JSON.parse(l)).find((l) => l.reqId === "trace-123");
    expect(line).toMatchObject({ status: 200, route: "/api/patients/{nationalId}/prescriptions", role: "pharmacist" });
    expect(line.url).toBe("/api/patients/A12****789/prescriptions");
    expect(h.logLines.join("\n")).not.toContain(FAKE_PATIENT);
    expect(h.logLines.join("\n")).not.toContain(h.pharmacistKey);
  });

  it("logs request targets decoded and normalised, so encoded national IDs are masked too", async () => {
    const auth = { Authorization: `Bearer ${h.ownerKey}` };
    const targets = [
      "/api/patients/%20A123456789/prescriptions",
      "/api/patients/A12345678%39/prescriptions",
      "/api/patients/a123456789/prescriptions",
      "/api/patients/%EF%BC%A1123456789/prescriptions",
      "/api/patients/A12345678%2539/prescriptions",
      "/api/reports/refill-log?from=1130301&to=1130331&nationalId=%41123456789",
      "/api/reports/refill-log?from=1130301&to=1130331&nationalId=+A123456789",
    ];
    const statuses: number[] = [];
    for (const [i, target] of targets.entries()) {
      statuses.push((await request(h.url).get(target).set(auth).set("X-Request-Id", `encoded-${i}`)).status);
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    const lines = h.logLines.map((l) => JSON.parse(l)).filter((l) => String(l.reqId).startsWith("encoded-"));
    expect(lines.length).toBe(targets.length);
    expect(lines[0].url).toBe("/api/patients/ A12****789/prescriptions");
    expect(lines[1].url).toBe("/api/patients/A12****789/prescriptions");
    for (const line of lines) expect(JSON.stringify(line)).not.toMatch(/345678|%3|%25/);
  });

  it("masks national IDs in problem bodies echoing the path and in the audit trail's free text", async () => {
    const unknown = await request(h.url).get("/api/patientz/A12345678%39").set("Authorization", `Bearer ${h.ownerKey}`);
    expectProblem(unknown, 404, "route-not-found");
    expect(JSON.stringify(unknown.body)).not.toContain("345678");
    expect(unknown.body.message.en).toContain("A12****789");
    const auth = { Authorization: `Bearer ${h.pharmacistKey}` };
    const made = await request(h.url).post("/api/dispensings").set(auth).send({ visitId: FAKE_VISIT_ID, refillNo: 2 });
    expect(made.status).toBe(201);
    const reason = "病人 A123456789 要求取消";
    const deleted = await request(h.url)
      .delete(`/api/dispensings/${made.body.dispensing.id}`)
      .set(auth)
      .send({ reason });
    expect(deleted.status).toBe(200);
    const entry = (await h.audit.read({ type: "delete" })).at(-1);
    expect(entry?.data?.reason).toBe("病人 A12****789 要求取消");
    const stored = await h.db.selectFrom("api_audit").select("entry_json").execute();
    expect(JSON.stringify(stored)).not.toContain(FAKE_PATIENT);
  });
});
