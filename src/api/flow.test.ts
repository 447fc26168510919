/**
 * The dispensing flow over HTTP against the real service: SQLite file in a temp directory + in-process NHI
 * sandbox seeded with its scenarios (createRxdesk). Check → dispense → duplicate guard (sequential and parallel) →
 * NHI unreachable override → correct / delete → patient timeline → refills due → outbox → refill log exports.
 */
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHARMACIST_ID } from "../../test/support/api-harness.js";
import { evidenceOf, type RealApi, startRealApi } from "../../test/support/api-real.js";
import { dispenseAtOtherPharmacy } from "../../test/support/service-harness.js";
import { maskNationalId } from "../domain/national-id.js";
import { addDays, rocDateFromDate } from "../domain/roc-date.js";

describe("dispensing flow over HTTP (real service)", () => {
  let h: RealApi;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  beforeAll(async () => {
    h = await startRealApi({ limits: { ratePerSecond: 1000, burst: 1000 } });
  });
  afterAll(async () => h?.close());

  it("is ready: database open, NHI sandbox reachable", async () => {
    const res = await request(h.url).get("/health/ready");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ready: true, database: true, nhiReachable: true });
  });

  it("checks a visit ID and explains the decision; the patient's ID is masked unless the card was given", async () => {
    const fresh = h.cases.chronicFresh;
    const bare = await request(h.url)
      .post("/api/checks")
      .set(as(h.pharmacistKey))
      .send({ visitId: fresh.originalVisitId });
    expect(bare.status).toBe(200);
    // No identity evidence yet: a chronic refill says which evidence is missing instead of 可調劑.
    expect(bare.body).toMatchObject({
      outcome: "card-needed",
      missingEvidence: "patient-card",
      refillNo: fresh.nextRefillNo,
      originalVisitId: fresh.originalVisitId,
    });
    expect(bare.body.prescription.nationalId).toBe(maskNationalId(fresh.nationalId));
    expect(bare.body.headline.zh.length).toBeGreaterThan(0);
    const withCard = await request(h.url)
      .post("/api/checks")
      .set(as(h.pharmacistKey))
      .send({ visitId: fresh.originalVisitId, card: await evidenceOf(h, fresh) });
    expect(withCard.body.prescription.nationalId).toBe(fresh.nationalId);

    const elsewhere = await request(h.url)
      .post("/api/checks")
      .set(as(h.pharmacistKey))
      .send({
        visitId: h.cases.dispensedElsewhere.originalVisitId,
        card: await evidenceOf(h, h.cases.dispensedElsewhere),
      });
    expect(elsewhere.body.outcome).toBe("block");
    // Refills 1 and 2 at pharmacy X are history; refill 3's window is the reason.
    expect(elsewhere.body.reasons.map((r: { code: string }) => r.code)).toEqual(["before-window"]);
    expect(elsewhere.body.prescription.refills[1]).toMatchObject({ state: "dispensed", dispensedHere: false });

    // The scanner's typos are corrected and reported.
    const spaced = fresh.originalVisitId
      .replace(/(.{4})/g, "$1 ")
      .trim()
      .toLowerCase();
    const typed = await request(h.url).post("/api/checks").set(as(h.pharmacistKey)).send({ visitId: spaced });
    expect(typed.body.originalVisitId).toBe(fresh.originalVisitId);
  });

  it("verifies a virtual NHI card QR once (single use) and returns the patient's identity", async () => {
    const c = h.cases.cancelledRestored;
    const issued = await h.rx.sandbox!.issueVirtualCard({ nationalId: c.nationalId, name: c.patientName });
    const first = await request(h.url)
      .post("/api/virtual-cards/verify")
      .set(as(h.pharmacistKey))
      .send({ token: issued.token });
    expect(first.status).toBe(200);
    expect(first.body.identity).toMatchObject({ source: "virtual-card", nationalId: c.nationalId, proxy: false });
    const again = await request(h.url)
      .post("/api/virtual-cards/verify")
      .set(as(h.pharmacistKey))
      .send({ token: issued.token });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("virtual-card-used");
    const junk = await request(h.url)
      .post("/api/virtual-cards/verify")
      .set(as(h.pharmacistKey))
      .send({ token: "hello" });
    expect(junk.status).toBe(400);
  });

  it("refuses the refill after two dispensed elsewhere with 409 (not yet due, D022), the reasons and codes", async () => {
    const c = h.cases.dispensedElsewhere;
    const res = await request(h.url)
      .post("/api/dispensings")
      .set(as(h.pharmacistKey))
      .send({ visitId: c.originalVisitId, refillNo: 3, card: await evidenceOf(h, c) });
    expect(res.status).toBe(409);
    expect(res.headers["content-type"]).toMatch(/problem\+json/);
    expect(res.body.nhiCodes).toEqual(["D022"]);
    expect(res.body.code).toBe("before-window");
    expect(res.body.details.reasons.length).toBeGreaterThan(0);
    const refused = await h.audit.read({ type: "dispense-refused" });
    expect(refused.at(-1)?.data).toMatchObject({ status: 409, nhiCodes: ["D022"] });
  });

  it("lets exactly one of many parallel dispense calls on one refill win (201); the rest get 409 with the reason", async () => {
    const c = h.cases.chronicFresh;
    const keys = [h.pharmacistKey, h.pharmacist2Key, h.ownerKey];
    const cards = await Promise.all(keys.map((key) => evidenceOf(h, c, key)));
    const results = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        request(h.url)
          .post("/api/dispensings")
          .set(as(keys[i % keys.length]!))
          .send({ visitId: c.originalVisitId, refillNo: c.nextRefillNo, card: cards[i % keys.length] }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409]);
    for (const loser of results.filter((r) => r.status === 409)) {
      expect(loser.body.details.reasons.length).toBeGreaterThan(0);
      expect(loser.body.message.zh.length).toBeGreaterThan(0);
    }
    const winner = results.find((r) => r.status === 201)!;
    expect(winner.body.dispensing).toMatchObject({ refillNo: c.nextRefillNo, status: "active" });
    expect(winner.body.nextRefill.window.from).toMatch(/^\d{7}$/);
    const dispensings = await h.audit.read({ type: "dispensing" });
    expect(dispensings.filter((d) => d.data?.dispensingId === winner.body.dispensing.id)).toHaveLength(1);
  });

  it("dispenses while NHI is unreachable only with an override reason, and audits the override", async () => {
    const c = h.cases.j000ClinicClosed;
    // Checked once while NHI answers, so the service holds a local copy to decide on.
    const online = await request(h.url)
      .post("/api/checks")
      .set(as(h.pharmacistKey))
      .send({ visitId: c.originalVisitId });
    expect(online.body.outcome).toBe("card-needed");
    // The patient's virtual card is verified while the network still answers.
    const card = await evidenceOf(h, c);
    // The network is down; the control software's offline visit ID (API 1.54) is local and still answers.
    h.rx.sandbox!.faults.set({
      serverError: true,
      only: ["prescriptionStatus", "passCard", "upload", "fetchCheckReport", "verifyVirtualCard", "ping"],
    });
    try {
      const decision = await request(h.url)
        .post("/api/checks")
        .set(as(h.pharmacistKey))
        .send({ visitId: c.originalVisitId, card });
      expect(decision.body.outcome).toBe("override");
      expect(decision.body.nhiReachable).toBe(false);
      const without = await request(h.url)
        .post("/api/dispensings")
        .set(as(h.pharmacistKey))
        .send({ visitId: c.originalVisitId, refillNo: c.nextRefillNo, card });
      expect(without.status).toBe(422);
      expect(without.body.code).toBe("nhi-unreachable");
      expect(without.body.details.reasons.map((r: { code: string }) => r.code)).toContain("nhi-unreachable");
      const tooShort = await request(h.url)
        .post("/api/dispensings")
        .set(as(h.pharmacistKey))
        .send({ visitId: c.originalVisitId, refillNo: c.nextRefillNo, card, override: { reason: "x" } });
      expect(tooShort.status).toBe(400);
      const reason = "健保署VPN斷線，病人急需用藥";
      const unconfirmed = await request(h.url)
        .post("/api/dispensings")
        .set(as(h.pharmacistKey))
        .send({ visitId: c.originalVisitId, refillNo: c.nextRefillNo, card, override: { reason } });
      expect(unconfirmed.status).toBe(422);
      expect(unconfirmed.body.code).toBe("j000-unconfirmed");
      const j000Confirmation = { cloudRecordChecked: true, prescriberAsked: true };
      const ok = await request(h.url)
        .post("/api/dispensings")
        .set(as(h.pharmacistKey))
        .send({ visitId: c.originalVisitId, refillNo: c.nextRefillNo, card, override: { reason }, j000Confirmation });
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect(ok.body.dispensing.pharmacistId).toBe(PHARMACIST_ID);
      const overrides = await h.audit.read({ type: "override" });
      expect(overrides.at(-1)).toMatchObject({ pharmacistId: PHARMACIST_ID, terminalId: "counter-1" });
      expect(overrides.at(-1)?.data).toMatchObject({ reason, dispensingId: ok.body.dispensing.id });
    } finally {
      h.rx.sandbox!.faults.clear();
    }
  });

  it("corrects and deletes a dispensing (record kept, marked deleted), both audited", async () => {
    const recent = await request(h.url).get("/api/dispensings?limit=10").set(as(h.ownerKey));
    expect(recent.status).toBe(200);
    const target = recent.body.find(
      (d: { originalVisitId: string }) => d.originalVisitId === h.cases.chronicFresh.originalVisitId,
    );
    expect(target).toBeDefined();
    const corrected = await request(h.url)
      .patch(`/api/dispensings/${target.id}`)
      .set(as(h.pharmacistKey))
      .send({ reason: "給藥日數輸入錯誤", days: 27 });
    expect(corrected.status).toBe(200);
    expect(corrected.body.days).toBe(27);
    const noReason = await request(h.url).delete(`/api/dispensings/${target.id}`).set(as(h.pharmacistKey)).send({});
    expect(noReason.status).toBe(400);
    const deleted = await request(h.url)
      .delete(`/api/dispensings/${target.id}`)
      .set(as(h.pharmacistKey))
      .send({ reason: "病人未取藥，整筆刪除" });
    expect(deleted.status).toBe(200);
    expect(deleted.body.status).toBe("deleted");
    const again = await request(h.url).get(`/api/dispensings/${target.id}`).set(as(h.pharmacistKey));
    expect(again.body.status).toBe("deleted");
    // Deleted before it was ever uploaded: withdrawn, a state the served document must name.
    expect(again.body.upload.state).toBe("withdrawn");
    const doc = await request(h.url).get("/openapi.json");
    const dispensing = doc.body.components.schemas.Dispensing;
    expect(dispensing.properties.upload.properties.state.enum).toContain(again.body.upload.state);
    const missing = await request(h.url)
      .delete("/api/dispensings/00000000-0000-0000-0000-000000000000")
      .set(as(h.pharmacistKey))
      .send({ reason: "沒有這筆資料" });
    expect(missing.status).toBe(404);
    expect((await h.audit.read({ type: "delete" })).length).toBe(2);
    expect((await h.audit.read({ type: "correct" })).length).toBe(1);
  });

  it("shows a patient's prescriptions with the refill timeline, and one prescription by visit ID", async () => {
    const c = h.cases.cancelledRestored;
    await request(h.url).post("/api/checks").set(as(h.pharmacistKey)).send({ visitId: c.originalVisitId });
    const list = await request(h.url).get(`/api/patients/${c.nationalId}/prescriptions`).set(as(h.pharmacistKey));
    expect(list.status).toBe(200);
    const rx = list.body.find((p: { originalVisitId: string }) => p.originalVisitId === c.originalVisitId);
    expect(rx.refills.map((r: { refillNo: number }) => r.refillNo)).toEqual(
      Array.from({ length: c.refillCount }, (_, i) => i + 1),
    );
    expect(rx.refills.some((r: { restored?: boolean }) => r.restored)).toBe(true);
    const one = await request(h.url).get(`/api/prescriptions/${c.originalVisitId}`).set(as(h.pharmacistKey));
    expect(one.body.originalVisitId).toBe(c.originalVisitId);
    expect(one.body.nationalId).toBe(maskNationalId(c.nationalId));
    expect((await request(h.url).get("/api/prescriptions/NOT-AN-ID").set(as(h.pharmacistKey))).status).toBe(400);
    const badId = await request(h.url).get("/api/patients/A123456788/prescriptions").set(as(h.pharmacistKey));
    expect(badId.status).toBe(400);
  });

  it("lists refills due in the next 7 or 14 days (or a range) with their windows", async () => {
    for (const days of [7, 14]) {
      const res = await request(h.url).get(`/api/refills/due?days=${days}`).set(as(h.pharmacistKey));
      expect(res.status).toBe(200);
      expect(res.body.from).toMatch(/^\d{7}$/);
      expect(Number(res.body.to) > Number(res.body.from)).toBe(true);
    }
    // Refill 2 of the chronic prescription dispensed above opens 18 days after refill 1.
    const from = rocDateFromDate(new Date());
    const range = `/api/refills/due?from=${from}&to=${addDays(from, 30)}`;
    const res = await request(h.url).get(range).set(as(h.pharmacistKey));
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const item of res.body.items) {
      expect(item.window.from <= item.window.to).toBe(true);
      expect(item.nationalId).toMatch(/^[A-Z]\d{2}\*{4}\d{3}$/);
    }
    const owner = await request(h.url).get(range).set(as(h.ownerKey));
    expect(owner.body.items.length).toBe(res.body.items.length);
    for (const item of owner.body.items) expect(item.nationalId).toMatch(/^[A-Z]\d{9}$/);
  });

  it("shows the upload outbox, uploads on demand and retries an entry", async () => {
    // A record NHI rejects: another pharmacy dispenses the one-off while this counter cannot ask NHI.
    const c = h.cases.oneOff;
    expect(
      (await request(h.url).post("/api/checks").set(as(h.pharmacistKey)).send({ visitId: c.originalVisitId })).status,
    ).toBe(200);
    await dispenseAtOtherPharmacy(h.rx.sandbox!, h.rx.demo!.otherPharmacyCode, c, { refillNo: 1, at: new Date() });
    const card = await evidenceOf(h, c);
    h.rx.sandbox!.faults.set({ drop: true, only: ["prescriptionStatus", "passCard"] });
    try {
      const late = await request(h.url)
        .post("/api/dispensings")
        .set(as(h.pharmacistKey))
        .send({ visitId: c.originalVisitId, refillNo: 1, card, override: { reason: "健保署連線中斷" } });
      expect(late.status).toBe(201);
    } finally {
      h.rx.sandbox!.faults.clear();
    }
    const before = await request(h.url).get("/api/outbox").set(as(h.pharmacistKey));
    expect(before.status).toBe(200);
    expect(before.body.entries.length).toBeGreaterThan(0);
    expect(before.body.status).toMatchObject({ waiting: expect.any(Number), rejected: expect.any(Number) });
    const run = await request(h.url).post("/api/outbox/run").set(as(h.pharmacistKey));
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ uploaded: expect.any(Number), failed: expect.any(Number) });
    const after = await request(h.url).get("/api/outbox").set(as(h.pharmacistKey));
    const rejections = after.body.entries.flatMap((e: { rejections: unknown[] }) => e.rejections);
    expect(rejections.length, "rejections in the outbox").toBeGreaterThan(0);
    for (const rejection of rejections) {
      expect(rejection.code).toBeTruthy();
      expect(rejection.advice.zh.length).toBeGreaterThan(0);
    }
    const rejected = await request(h.url).get("/api/outbox?state=rejected").set(as(h.pharmacistKey));
    expect(rejected.status).toBe(200);
    expect(rejected.body.entries.length).toBeGreaterThan(0);
    for (const entry of rejected.body.entries) expect(entry.state).toBe("rejected");
    const entry = after.body.entries[0];
    const retry = await request(h.url).post(`/api/outbox/${entry.id}/retry`).set(as(h.pharmacistKey));
    expect([202, 404]).toContain(retry.status);
    expect((await request(h.url).post("/api/outbox/nope/retry").set(as(h.pharmacistKey))).status).toBe(404);
  });

  it("gives the owner the refill log as JSON, CSV and PDF, each export audited", async () => {
    const today = new Date(Date.now() + 8 * 3_600_000);
    const roc = (d: Date) =>
      `${String(d.getUTCFullYear() - 1911).padStart(3, "0")}${String(d.getUTCMonth() + 1).padStart(2, "0")}${String(d.getUTCDate()).padStart(2, "0")}`;
    const from = roc(new Date(today.getTime() - 60 * 86_400_000));
    const to = roc(new Date(today.getTime() + 86_400_000));
    const json = await request(h.url).get(`/api/reports/refill-log?from=${from}&to=${to}`).set(as(h.ownerKey));
    expect(json.status).toBe(200);
    expect(json.body.events.length).toBeGreaterThan(0);
    expect(json.body.events.map((e: { kind: string }) => e.kind)).toContain("dispensed");
    expect(json.body.totals.dispensings).toBeGreaterThan(0);
    for (const e of json.body.events) expect(Array.isArray(e.reason)).toBe(true);
    // Masked by default: no national ID in clear anywhere in the body.
    expect(JSON.stringify(json.body)).not.toMatch(/(?<![A-Z0-9])[A-Z][12]\d{8}(?![A-Z0-9])/);
    const csv = await request(h.url)
      .get(`/api/reports/refill-log?from=${from}&to=${to}`)
      .set({ ...as(h.ownerKey), Accept: "text/csv" });
    expect(csv.status).toBe(200);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    expect(csv.headers["content-disposition"]).toMatch(/attachment; filename="refill-log-/);
    expect(csv.text.split("\n").length).toBeGreaterThan(2);
    expect(csv.text).not.toContain(h.cases.chronicFresh.nationalId);
    const pdf = await request(h.url)
      .get(`/api/reports/refill-log?from=${from}&to=${to}&format=pdf`)
      .set(as(h.ownerKey))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => done(null, Buffer.concat(chunks)));
      });
    expect(pdf.status).toBe(200);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe("%PDF-");
    const filtered = await request(h.url)
      .get(`/api/reports/refill-log?from=${from}&to=${to}&format=csv&nationalId=${h.cases.chronicFresh.nationalId}`)
      .set(as(h.ownerKey));
    expect(filtered.status).toBe(200);
    expect(filtered.text.split("\n").length).toBeLessThan(csv.text.split("\n").length);
    const full = await request(h.url)
      .get(`/api/reports/refill-log?from=${from}&to=${to}&mask=full`)
      .set(as(h.ownerKey));
    expect(JSON.stringify(full.body)).toContain(h.cases.chronicFresh.nationalId);
    const exports = await h.audit.read({ type: "export" });
    expect(exports.map((e) => [e.data?.format, e.data?.mask])).toEqual([
      ["json", "masked"],
      ["csv", "masked"],
      ["pdf", "masked"],
      ["csv", "masked"],
      ["json", "full"],
    ]);
  });
});
