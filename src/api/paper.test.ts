/**
 * Issue 15's API paths over the real service: a paper entry checked (each bad field named) and dispensed, the D024
 * override, and an incident found by the re-check, listed and acknowledged once.
 */
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evidenceOf, type RealApi, startRealApi } from "../../test/support/api-real.js";
import { paperOf } from "../../test/support/service-paper.js";

describe("paper entry and incidents over HTTP (real service)", () => {
  let h: RealApi;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  beforeAll(async () => {
    h = await startRealApi({ limits: { ratePerSecond: 1000, burst: 1000 } });
  });
  afterAll(async () => h?.close());

  it("checks a paper entry: a bad field is named, in zh-TW and English, and nothing is written", async () => {
    const c = h.cases.notYetUploaded;
    const res = await request(h.url)
      .post("/api/paper-checks")
      .set(as(h.pharmacistKey))
      .send({ paper: paperOf(c, { prescriberInstitutionCode: "12" }), card: await evidenceOf(h, c) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, kind: "invalid" });
    expect(res.body.reasons[0]).toMatchObject({ code: "paper-field-invalid", field: "M17" });
    expect(res.body.reasons[0].message.en).toMatch(/M17/);
    const refused = await request(h.url)
      .post("/api/paper-dispensings")
      .set(as(h.pharmacistKey))
      .send({ paper: paperOf(c, { prescriberInstitutionCode: "12" }), card: await evidenceOf(h, c) });
    expect(refused.status).toBe(422);
    expect(refused.body.details.reasons[0].field).toBe("M17");
    const recent = await request(h.url).get("/api/dispensings").set(as(h.pharmacistKey));
    expect(recent.body).toEqual([]);
  });

  it("dispenses a D024 paper on refill 1 with a warning; the patient typed from the paper with a reason", async () => {
    const c = h.cases.notYetUploaded;
    const card = { source: "typed", nationalId: c.nationalId, reason: "病人未帶健保卡" };
    const check = await request(h.url)
      .post("/api/paper-checks")
      .set(as(h.pharmacistKey))
      .send({ paper: paperOf(c), card });
    expect(check.body).toMatchObject({ ok: true, cause: "not-uploaded", outcome: "dispense", refillNo: 1 });
    expect(check.body.reasons.map((r: { nhiCode?: string }) => r.nhiCode)).toContain("D024");
    const res = await request(h.url)
      .post("/api/paper-dispensings")
      .set(as(h.pharmacistKey))
      .send({ paper: paperOf(c), card });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.dispensing).toMatchObject({ paperEntry: "not-uploaded", verification: "unverified" });
  });

  it("turns typed details that differ from NHI's into an incident, acknowledged once", async () => {
    const c = h.cases.oneOff;
    const card = await evidenceOf(h, c);
    h.rx.sandbox!.faults.set({ serverError: true, only: ["prescriptionStatus", "passCard", "upload"] });
    const res = await request(h.url)
      .post("/api/paper-dispensings")
      .set(as(h.pharmacistKey))
      .send({
        paper: paperOf(c, { daysPerRefill: c.daysPerRefill + 2 }),
        card,
        override: { reason: "網路中斷，病人急需用藥", abnormalCode: "A020" },
      });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.dispensing).toMatchObject({ abnormalCode: "A020", paperEntry: "nhi-unreachable" });
    h.rx.sandbox!.faults.clear();
    await request(h.url).post("/api/outbox/run").set(as(h.pharmacistKey));
    const open = await request(h.url).get("/api/incidents").set(as(h.pharmacistKey));
    expect(open.status).toBe(200);
    expect(open.body).toHaveLength(1);
    expect(open.body[0]).toMatchObject({ kind: "details-differ", dispensingId: res.body.dispensing.id });
    const id = open.body[0].id as string;
    const ack = await request(h.url)
      .post(`/api/incidents/${id}/acknowledgement`)
      .set(as(h.pharmacistKey))
      .send({ note: "已洽診所，刪除重開" });
    expect(ack.status).toBe(200);
    expect(ack.body.acknowledged.note).toBe("已洽診所，刪除重開");
    const again = await request(h.url)
      .post(`/api/incidents/${id}/acknowledgement`)
      .set(as(h.pharmacistKey))
      .send({ note: "再一次確認" });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("incident-acknowledged");
    const missing = await request(h.url)
      .post("/api/incidents/nope/acknowledgement")
      .set(as(h.pharmacistKey))
      .send({ note: "不存在的事件" });
    expect(missing.status).toBe(404);
    const all = await request(h.url).get("/api/incidents?state=all").set(as(h.ownerKey));
    expect(all.body).toHaveLength(1);
  });
});
