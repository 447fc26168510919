/**
 * Issue 14 over HTTP against the real service: the check says what confirming will do and which evidence is
 * missing; a dispense confirms the decision it names, once; identity evidence is what this server read or verified
 * (or typed from the paper with a reason), never what the client asserts.
 */
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evidenceOf, type RealApi, startRealApi } from "../../test/support/api-real.js";

describe("counter truth over HTTP", () => {
  let h: RealApi;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const post = (path: string, key = h.pharmacistKey) => request(h.url).post(path).set(as(key));
  beforeAll(async () => {
    h = await startRealApi({ limits: { ratePerSecond: 1000, burst: 1000 } });
  });
  afterAll(async () => h?.close());

  async function blockedEvents(visitId: string): Promise<number> {
    const log = await h.rx.service.refillLog({ from: "1000101" as never, to: "1991231" as never, types: ["blocked"] });
    return log.filter((e) => e.originalVisitId === visitId).length;
  }

  it("1. a chronic refill before the card: card-needed naming the evidence; dispense refused 422 no-card-chronic", async () => {
    const c = h.cases.chronicFresh;
    const check = await post("/api/checks").send({ visitId: c.originalVisitId });
    expect(check.body).toMatchObject({ outcome: "card-needed", missingEvidence: "patient-card" });
    expect(check.body.headline.zh).toContain("需健保卡");
    const res = await post("/api/dispensings").send({ visitId: c.originalVisitId, refillNo: 1 });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("no-card-chronic");
    expect(res.body.nhiCodes).toEqual(["D059"]);
    expect(await blockedEvents(c.originalVisitId)).toBe(0);
  });

  it("2. another person's card: person-mismatch, and the prescription's patient is not named after the card", async () => {
    const c = h.cases.oneOff;
    const card = await evidenceOf(h, h.cases.chronicFresh);
    const check = await post("/api/checks").send({ visitId: c.originalVisitId, card });
    expect(check.body.outcome).toBe("block");
    expect(check.body.reasons.map((r: { code: string }) => r.code)).toContain("person-mismatch");
    expect(check.body.evidence).toMatchObject({ source: "virtual-card" });
    expect(check.body.prescription.patientName).toBeUndefined();
  });

  it("3. a retried POST with the same Idempotency-Key returns the first success and logs no refusal", async () => {
    const c = h.cases.cancelledRestored;
    const card = await evidenceOf(h, c);
    const check = await post("/api/checks").send({ visitId: c.originalVisitId, card });
    expect(check.body.outcome).toBe("dispense");
    const body = { visitId: c.originalVisitId, refillNo: check.body.refillNo, card, decisionToken: check.body.token };
    const first = await post("/api/dispensings").set("Idempotency-Key", "rx-3-confirm-1").send(body);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await post("/api/dispensings").set("Idempotency-Key", "rx-3-confirm-1").send(body);
    expect(again.status).toBe(201);
    expect(again.body.repeated).toBe(true);
    expect(again.body.dispensing.id).toBe(first.body.dispensing.id);
    const refused = await h.audit.read({ type: "dispense-refused" });
    expect(refused.filter((e) => e.data?.visitIdInput === c.originalVisitId)).toEqual([]);
    expect(await blockedEvents(c.originalVisitId)).toBe(0);
    const bad = await post("/api/dispensings").set("Idempotency-Key", "has space").send(body);
    expect(bad.status).toBe(400);
  });

  it("4. a dispense naming a decision that no longer holds: 409 decision-changed with the fresh decision", async () => {
    const c = h.cases.j000ClinicClosed;
    const bare = await post("/api/checks").send({ visitId: c.originalVisitId });
    expect(bare.body.outcome).toBe("card-needed");
    const card = await evidenceOf(h, c);
    const res = await post("/api/dispensings").send({
      visitId: c.originalVisitId,
      refillNo: bare.body.refillNo,
      card,
      decisionToken: bare.body.token,
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("decision-changed");
    expect(res.body.details.decision).toMatchObject({ outcome: "dispense", evidence: { source: "virtual-card" } });
    expect(await blockedEvents(c.originalVisitId)).toBe(0);
    const ok = await post("/api/dispensings").send({
      visitId: c.originalVisitId,
      refillNo: bare.body.refillNo,
      card,
      decisionToken: res.body.details.decision.token,
      // This case needs J000: the pharmacist checked the cloud medication record and asked the clinic.
      j000Confirmation: { cloudRecordChecked: true, prescriberAsked: true },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

  it("5. earlier normal dispensings are history, not reasons", async () => {
    const c = h.cases.dispensedElsewhere;
    const check = await post("/api/checks").send({ visitId: c.originalVisitId, card: await evidenceOf(h, c) });
    expect(check.body.reasons.map((r: { code: string }) => r.code)).toEqual(["before-window"]);
    expect(check.body.prescription.refills.filter((r: { state: string }) => r.state === "dispensed")).toHaveLength(2);
  });

  it("6. a client-asserted card identity is refused; evidence from another terminal too; typed needs a reason", async () => {
    const c = h.cases.supplementMiss;
    const asserted = await post("/api/dispensings").send({
      visitId: c.originalVisitId,
      refillNo: 1,
      card: { source: "ic-card", nationalId: c.nationalId },
    });
    expect(asserted.status).toBe(422);
    expect(asserted.body.code).toBe("untrusted-card-identity");
    expect(asserted.body.message.zh).toContain("不接受");
    const checkAsserted = await post("/api/checks").send({
      visitId: c.originalVisitId,
      card: { source: "virtual-card", nationalId: c.nationalId },
    });
    expect(checkAsserted.body.code).toBe("untrusted-card-identity");
    const elsewhere = await evidenceOf(h, c, h.pharmacist2Key);
    const foreign = await post("/api/checks").send({ visitId: c.originalVisitId, card: elsewhere });
    expect(foreign.status).toBe(422);
    expect(foreign.body.code).toBe("unknown-card-evidence");
    const noReason = await post("/api/checks").send({
      visitId: c.originalVisitId,
      card: { source: "typed", nationalId: c.nationalId },
    });
    expect(noReason.status).toBe(400);
    const typed = { source: "typed", nationalId: c.nationalId, reason: "病人未帶健保卡，十日內補卡" };
    const check = await post("/api/checks").send({ visitId: c.originalVisitId, card: typed });
    expect(check.body).toMatchObject({ outcome: "dispense", evidence: { source: "typed" } });
    expect(check.body.reasons.map((r: { code: string }) => r.code)).toContain("card-not-shown");
    const ok = await post("/api/dispensings").send({ visitId: c.originalVisitId, refillNo: 1, card: typed });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(await blockedEvents(c.originalVisitId)).toBe(0);
  });
});
