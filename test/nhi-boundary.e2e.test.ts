/**
 * Issue 15 end to end with the standalone sandbox over HTTP: rxdesk talks to it by URL (central Web-API + the card
 * control software installed from it), and the test plays the other parties through the sandbox's instrument
 * endpoints (clinics prescribing or uploading late, another pharmacy, faults). NHI down with a prescription seen
 * before and one never seen (entered from the paper), each dispensed with a cause's code and uploaded as H01=B when
 * NHI is back; a conflicting one turned into an incident; D024 refill 1 dispensed with a warning and re-checked
 * after the clinic uploads; an SM00 paper dispensed (through the CLI); J000 after confirmation; a correction after
 * another pharmacy dispensed a later refill accepted; a future M11 rejected.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PaperPrescription } from "../src/domain/paper-prescription.js";
import { rocDateTimeFromDate } from "../src/domain/roc-date.js";
import { parseCheckReport } from "../src/nhi/check-report/parse.js";
import { buildUploadXml } from "../src/nhi/format/xml.js";
import { createHttpNhiClient, createSandbox, type ListeningSandbox, type Sandbox } from "../src/nhi/sandbox/index.js";
import { createRxdesk, type Rxdesk } from "../src/service/bootstrap.js";
import type { CardIdentity } from "../src/service/types.js";
import { runRxdesk } from "./support/process.js";
import { sm00Paper } from "./support/service-paper.js";

const PHARMACIST = "B123456780";
const CLINIC = "3501200000";
const OTHER = "5902019999";
const BIRTH = "0700101";
const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), "rxdesk-nhi-boundary-"));
let sandbox: Sandbox;
let server: ListeningSandbox;
let rx: Rxdesk;

async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

interface Seeded {
  originalVisitId: string;
  nationalId: string;
  originalVisitDateTime: string;
  refillCount: number;
  daysPerRefill: number;
  originalSequenceNumber?: string;
}

/** The clinic prescribes (and uploads, unless `upload: false`). */
const prescribe = (fields: Record<string, unknown>) =>
  call("POST", "/v1/prescriptions", {
    prescriberCode: CLINIC,
    birthDate: BIRTH,
    ...fields,
  }) as Promise<unknown> as Promise<Seeded>;

const card = (nationalId: string): CardIdentity => ({ source: "ic-card", nationalId, birthDate: BIRTH as never });

function paperOf(s: Seeded, extra: Partial<PaperPrescription> = {}): PaperPrescription {
  return {
    originalVisitId: s.originalVisitId,
    prescriberInstitutionCode: CLINIC,
    ...(s.originalSequenceNumber ? { originalSequenceNumber: s.originalSequenceNumber } : {}),
    originalVisitDateTime: s.originalVisitDateTime,
    chronic: s.refillCount > 1,
    refillNo: 1,
    refillCount: s.refillCount,
    daysPerRefill: s.daysPerRefill,
    orders: [{ drugCode: "AC12345100", totalQuantity: String(s.daysPerRefill * 2), frequency: "BID" }],
    ...extra,
  };
}

const nhiDown = () =>
  call("PUT", "/v1/faults", {
    serverError: true,
    only: ["prescriptionStatus", "passCard", "upload", "fetchCheckReport", "ping"],
  });
const nhiBack = () => call("DELETE", "/v1/faults");

async function storedRecord(id: string) {
  const row = await rx.database.db
    .selectFrom("dispensings")
    .select("record_json")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return JSON.parse(row.record_json) as { h01: string; mb1: Record<string, string> };
}

/** Runs the outbox until nothing is waiting (reports come back at once from this sandbox). */
async function catchUp() {
  return rx.service.runOutbox();
}

beforeAll(async () => {
  sandbox = await createSandbox();
  server = await sandbox.listen(0);
  rx = await createRxdesk({ dataDir: join(dir, "counter"), nhiUrl: server.url, nhiTimeoutMs: 2_000 });
  await call("POST", "/v1/institutions", { code: OTHER, kind: "pharmacy", name: "仁愛藥局" });
});
afterAll(async () => {
  await rx?.close();
  await server?.close();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the NHI boundary end to end (standalone sandbox over HTTP)", { timeout: 120_000 }, () => {
  it("NHI down: a seen prescription and one never seen are dispensed by cause and uploaded as H01=B on return", async () => {
    const seen = await prescribe({ nationalId: "A123456789", refillCount: 3, days: 28 });
    const unseen = await prescribe({ nationalId: "F131104093", refillCount: 1, days: 3 });
    const first = await rx.service.check({ visitIdInput: seen.originalVisitId, card: card(seen.nationalId) });
    expect(first.outcome).toBe("dispense");
    await nhiDown();
    const offline = await rx.service.check({ visitIdInput: seen.originalVisitId, card: card(seen.nationalId) });
    expect(offline.outcome).toBe("override");
    const a = await rx.service.dispense({
      visitIdInput: seen.originalVisitId,
      refillNo: 1,
      pharmacistId: PHARMACIST,
      card: card(seen.nationalId),
      override: { reason: "藥局網路中斷", abnormalCode: "A020" },
    });
    expect(a.ok && a.dispensing).toMatchObject({ abnormalCode: "A020", verification: "unverified" });
    const never = await rx.service.check({ visitIdInput: unseen.originalVisitId, card: card(unseen.nationalId) });
    expect(never).toMatchObject({ outcome: "block", paperEntry: "nhi-unreachable" });
    const b = await rx.service.dispensePaper({
      paper: paperOf(unseen),
      pharmacistId: PHARMACIST,
      card: card(unseen.nationalId),
      override: { reason: "安全模組故障", abnormalCode: "A031" },
    });
    expect(b.ok && b.dispensing).toMatchObject({ abnormalCode: "A031", paperEntry: "nhi-unreachable" });
    expect(await catchUp()).toMatchObject({ uploaded: 0 });
    await nhiBack();
    // The failed attempts wait out their backoff; the pharmacist sends them now (F6 / outbox retry).
    for (const e of await rx.service.outboxEntries({ state: "pending" })) await rx.service.retryOutboxEntry(e.id);
    expect(await catchUp()).toMatchObject({ uploaded: 2, accepted: 2, rejected: 0 });
    for (const [d, code] of [
      [a, "A020"],
      [b, "A031"],
    ] as const) {
      if (!d.ok) throw new Error("not dispensed");
      const record = await storedRecord(d.dispensing.id);
      expect(record.h01).toBe("B");
      expect(record.mb1.M13).toBe(code);
      expect((await rx.service.getDispensing(d.dispensing.id))?.verification).toBe("verified");
    }
    const state = await call("GET", "/v1/state");
    const held = (state.prescriptions as { originalVisitId: string; refills: { state: string }[] }[]).find(
      (p) => p.originalVisitId === unseen.originalVisitId,
    );
    expect(held?.refills[0]?.state).toBe("dispensed");
  });

  it("a paper entry another pharmacy also dispensed becomes an incident for the pharmacist in charge", async () => {
    const rxp = await prescribe({ nationalId: "E123456783", refillCount: 2, days: 14 });
    await nhiDown();
    const ours = await rx.service.dispensePaper({
      paper: paperOf(rxp),
      pharmacistId: PHARMACIST,
      card: card(rxp.nationalId),
      override: { reason: "網路中斷" },
    });
    expect(ours.ok).toBe(true);
    const elsewhere = await call("POST", `/v1/prescriptions/${rxp.originalVisitId}/dispensings`, {
      institutionCode: OTHER,
      refillNo: 1,
    });
    expect(elsewhere.accepted).toBe(true);
    await nhiBack();
    for (const e of await rx.service.outboxEntries({ state: "pending" })) await rx.service.retryOutboxEntry(e.id);
    await catchUp();
    const open = await rx.service.incidents();
    const incident = open.find((i) => i.originalVisitId === rxp.originalVisitId);
    expect(incident).toMatchObject({
      kind: "dispensed-elsewhere",
      nhiCodes: ["D025"],
      otherInstitution: { code: OTHER },
    });
    expect(incident?.message.zh).toContain("仁愛藥局");
    const ack = await rx.service.acknowledgeIncident({
      incidentId: incident!.id,
      pharmacistId: PHARMACIST,
      note: "已聯絡病人，刪除本筆並通知仁愛藥局",
    });
    expect(ack.ok).toBe(true);
  });

  it("D024 on refill 1: dispensed from the paper with a warning, re-checked and uploaded after the clinic uploads", async () => {
    const at = rocDateTimeFromDate(new Date(Date.now() - 3_600_000));
    const pending = await prescribe({
      nationalId: "H120983884",
      refillCount: 1,
      days: 5,
      visitDateTime: at,
      upload: false,
    });
    const scan = await rx.service.check({ visitIdInput: pending.originalVisitId, card: card(pending.nationalId) });
    expect(scan).toMatchObject({ outcome: "block", paperEntry: "not-uploaded" });
    const checked = await rx.service.checkPaper({ paper: paperOf(pending), card: card(pending.nationalId) });
    expect(checked.ok && checked.reasons.find((r) => r.nhiCode === "D024")?.severity).toBe("warning");
    const d = await rx.service.dispensePaper({
      paper: paperOf(pending),
      pharmacistId: PHARMACIST,
      card: card(pending.nationalId),
    });
    expect(d.ok && d.dispensing).toMatchObject({ paperEntry: "not-uploaded", verification: "unverified" });
    if (!d.ok) return;
    await catchUp();
    expect((await rx.service.getDispensing(d.dispensing.id))?.upload.state).toBe("pending");
    const uploaded = await prescribe({ nationalId: "H120983884", refillCount: 1, days: 5, visitDateTime: at });
    expect(uploaded.originalVisitId).toBe(pending.originalVisitId);
    await catchUp();
    const after = await rx.service.getDispensing(d.dispensing.id);
    expect(after).toMatchObject({ verification: "verified", upload: { state: "accepted" } });
  });

  it("an SM00 paper from before the clinic's switch to 2.0 is dispensed through the CLI", async () => {
    await call("POST", "/v1/institutions", { code: "3502060427", kind: "prescriber", format2Since: "1131001" });
    const paper = sm00Paper({ originalSequenceNumber: "0021", birthDate: BIRTH });
    const file = join(dir, "sm00.json");
    writeFileSync(file, JSON.stringify(paper));
    await rx.close();
    const cli = await runRxdesk(
      "paper",
      "dispense",
      file,
      "--national-id",
      "A123456789",
      "--pharmacist",
      PHARMACIST,
      "--nhi-url",
      server.url,
      "--data-dir",
      join(dir, "counter"),
      "--json",
    );
    expect(cli.code, cli.err).toBe(0);
    const out = JSON.parse(cli.out);
    expect(out.dispensing).toMatchObject({ paperEntry: "sm00", verification: "uncheckable" });
    const late = await runRxdesk(
      "paper",
      "check",
      file,
      "--national-id",
      "A123456789",
      "--nhi-url",
      server.url,
      "--data-dir",
      join(dir, "counter"),
      "--lang",
      "en",
    );
    expect(late.code).toBe(2);
    rx = await createRxdesk({ dataDir: join(dir, "counter"), nhiUrl: server.url, nhiTimeoutMs: 2_000 });
    expect(await catchUp()).toMatchObject({ rejected: 0 });
    expect((await rx.service.getDispensing(out.dispensing.id))?.upload.state).toBe("accepted");
  });

  it("J000 only after the pharmacist confirms both checks; who and when are kept and logged", async () => {
    const visit = rocDateTimeFromDate(new Date(Date.now() - 21 * DAY));
    const j = await prescribe({
      nationalId: "C120000009",
      refillCount: 2,
      days: 28,
      visitDateTime: visit,
      sequenceNumber: null,
    });
    await call("POST", `/v1/prescriptions/${j.originalVisitId}/dispensings`, {
      institutionCode: OTHER,
      refillNo: 1,
      at: rocDateTimeFromDate(new Date(Date.now() - 20 * DAY)),
    });
    const request = {
      visitIdInput: j.originalVisitId,
      refillNo: 2,
      pharmacistId: PHARMACIST,
      card: card(j.nationalId),
    };
    const unconfirmed = await rx.service.dispense(request);
    expect(!unconfirmed.ok && unconfirmed.reasons[0]?.code).toBe("j000-unconfirmed");
    const d = await rx.service.dispense({
      ...request,
      j000Confirmation: { cloudRecordChecked: true, prescriberAsked: true },
    });
    expect(d.ok && d.dispensing.j000Confirmation?.pharmacistId).toBe(PHARMACIST);
    if (!d.ok) return;
    expect((await storedRecord(d.dispensing.id)).mb1.M18).toBe("J000");
    expect(await catchUp()).toMatchObject({ rejected: 0 });
    const log = await rx.service.refillLog({ from: "1000101" as never, to: "1991231" as never, types: ["j000"] });
    expect(log.find((e) => e.originalVisitId === j.originalVisitId)?.pharmacistId).toBe(PHARMACIST);
  });

  it("a correction after another pharmacy dispensed a later refill is accepted (not re-judged by order)", async () => {
    const c = await prescribe({ nationalId: "D120000000", refillCount: 3, days: 10 });
    const first = await rx.service.dispense({
      visitIdInput: c.originalVisitId,
      refillNo: 1,
      pharmacistId: PHARMACIST,
      card: card(c.nationalId),
    });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    await catchUp();
    const later = await call("POST", `/v1/prescriptions/${c.originalVisitId}/dispensings`, {
      institutionCode: OTHER,
      refillNo: 2,
    });
    expect(later.accepted).toBe(true);
    const corrected = await rx.service.correctDispensing({
      dispensingId: first.dispensing.id,
      pharmacistId: PHARMACIST,
      reason: "給藥日份更正為5日",
      days: 5,
    });
    expect(corrected.ok).toBe(true);
    await catchUp();
    const upload = (await rx.service.getDispensing(first.dispensing.id))?.upload;
    expect(upload, JSON.stringify(upload)).toMatchObject({ state: "accepted", codes: [] });
  });

  it("an upload whose M11 is far in the future is rejected", async () => {
    const nhi = createHttpNhiClient(server.url);
    const f = await prescribe({ nationalId: "G120000003", refillCount: 1, days: 3 });
    const future = new Date(Date.now() + 20 * DAY);
    const pass = await nhi.passCard(
      { institutionCode: OTHER },
      { nationalId: f.nationalId, visitCategory: "AF", at: new Date() },
    );
    const { dispensingRecord } = await import("../src/nhi/sandbox/index.js");
    const record = dispensingRecord({
      pharmacyCode: OTHER,
      samId: pass.samId,
      cardNumber: "000000000001",
      nationalId: f.nationalId,
      birthDate: BIRTH as never,
      pharmacistId: PHARMACIST,
      visitDateTime: rocDateTimeFromDate(future),
      signature: pass.signature,
      visitId: pass.visitId,
      originalVisitId: f.originalVisitId,
      prescriberInstitutionCode: CLINIC,
      originalSequenceNumber: f.originalSequenceNumber ?? "0001",
      originalVisitDateTime: f.originalVisitDateTime as never,
      refillNo: 1,
      refillCount: 1,
      days: 3,
    });
    const receipt = await nhi.upload({ institutionCode: OTHER }, buildUploadXml([record]));
    const report = await nhi.fetchCheckReport({ institutionCode: OTHER }, receipt.uploadId);
    const rejected = report ? parseCheckReport(report) : [];
    expect(rejected[0]?.errors.map((e) => `${e.field}:${e.code}`)).toContain("M11:BD");
  });
});
