/**
 * Prescriptions entered from the paper (issue 15): every field checked with the upload format's rules (a bad one is
 * named, in zh-TW and English, and nothing is written), dispensed by cause (NHI down: H01=B with the confirmed code;
 * D024: a card pass, the upload held for the clinic's), unverified until a re-check, and incidents acknowledged once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, PHARMACIST } from "../../test/support/service-harness.js";
import { paperOf } from "../../test/support/service-paper.js";
import type { PaperPrescription } from "../domain/paper-prescription.js";

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const counts = async (h: Harness) => ({
  dispensings: (await h.db.db.selectFrom("dispensings").selectAll().execute()).length,
  prescriptions: (await h.db.db.selectFrom("prescriptions").selectAll().execute()).length,
});

describe("prescriptions entered from the paper", () => {
  it("names every bad field in zh-TW and English and writes nothing", async () => {
    h = await createHarness();
    const c = h.scenarios.cases.notYetUploaded;
    const before = await counts(h);
    const bad: PaperPrescription = {
      ...paperOf(c),
      prescriberInstitutionCode: "12AB",
      originalVisitDateTime: "1139999",
      orders: [{ drugCode: "藥品", totalQuantity: "x" }],
    };
    const request = { paper: bad, pharmacistId: PHARMACIST, card: h.card(c) };
    const checked = await h.service.checkPaper(request);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.kind).toBe("invalid");
    expect(checked.reasons.map((r) => r.field)).toEqual(["M17", "M19", "D06[1]", "D10[1]"]);
    for (const r of checked.reasons) {
      expect(r.code).toBe("paper-field-invalid");
      expect(r.message.zh).toMatch(/紙本處方欄位/);
      expect(r.message.en).toMatch(/Paper prescription field/);
    }
    const refused = await h.service.dispensePaper(request);
    expect(refused.ok).toBe(false);
    const rules = await h.service.checkPaper({
      ...request,
      paper: { ...paperOf(c), chronic: true, refillCount: 5, refillNo: 2, daysPerRefill: 31 },
    });
    expect(!rules.ok && rules.reasons.map((r) => r.field)).toEqual(["M26", "M20", "M21"]);
    const beyond = await h.service.checkPaper({ ...request, paper: { ...paperOf(c), refillNo: 2 } });
    expect(!beyond.ok && beyond.reasons.map((r) => r.message.en)).toEqual([
      "Refill 2 (M33) is beyond the refill count of 1 (D019)",
    ]);
    expect(await counts(h)).toEqual(before);
  });

  it("asks for M18 on a refill 1 at the check, not first at the dispense (J000 is for refill 2+ only)", async () => {
    h = await createHarness();
    const c = h.scenarios.cases.notYetUploaded;
    const before = await counts(h);
    const paper: PaperPrescription = { ...paperOf(c), chronic: true, refillNo: 1, refillCount: 3 };
    delete paper.originalSequenceNumber;
    const request = { paper, pharmacistId: PHARMACIST, card: h.card(c) };
    const checked = await h.service.checkPaper(request);
    expect(!checked.ok && checked.reasons.map((r) => [r.field, r.code])).toEqual([["M18", "paper-field-invalid"]]);
    expect(!checked.ok && checked.reasons[0]?.message.en).toMatch(/M18.*only a chronic refill 2\+/);
    expect((await h.service.dispensePaper(request)).ok).toBe(false);
    expect(await counts(h)).toEqual(before);
    // With the number typed from the paper, check and dispense agree.
    const typed = { ...request, paper: { ...paper, originalSequenceNumber: "0001" } };
    expect((await h.service.checkPaper(typed)).ok).toBe(true);
    expect((await h.service.dispensePaper(typed)).ok).toBe(true);
  });

  it("refuses the paper for a prescription NHI knows: scan it instead", async () => {
    h = await createHarness();
    const c = h.scenarios.cases.oneOff;
    const r = await h.service.checkPaper({ paper: paperOf(c), card: h.card(c) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reasons.map((x) => x.code)).toEqual(["paper-not-needed"]);
  });

  it("NHI down, never seen: dispensed as H01=B with the confirmed cause, verified once NHI answers", async () => {
    h = await createHarness();
    const c = h.scenarios.cases.oneOff;
    h.sandbox.faults.set({ serverError: true, only: ["prescriptionStatus", "passCard", "upload", "fetchCheckReport"] });
    const scan = await h.service.check({ visitIdInput: c.originalVisitId, card: h.card(c) });
    expect(scan.outcome).toBe("block");
    expect(scan.paperEntry).toBe("nhi-unreachable");
    const request = { paper: paperOf(c), pharmacistId: PHARMACIST, card: h.card(c) };
    const checked = await h.service.checkPaper(request);
    expect(checked.ok && checked.outcome).toBe("override");
    const noReason = await h.service.dispensePaper(request);
    expect(!noReason.ok && noReason.kind).toBe("override");
    const r = await h.service.dispensePaper({ ...request, override: { reason: "網路中斷", abnormalCode: "A021" } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dispensing).toMatchObject({
      abnormalCode: "A021",
      paperEntry: "nhi-unreachable",
      verification: "unverified",
    });
    h.sandbox.faults.clear();
    h.advance(61_000);
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 1, accepted: 1 });
    expect((await h.service.getDispensing(r.dispensing.id))?.verification).toBe("verified");
    expect(await h.service.incidents()).toEqual([]);
  });

  it("typed details that differ from NHI's become an incident, acknowledged once with a note", async () => {
    h = await createHarness();
    const c = h.scenarios.cases.oneOff;
    h.sandbox.faults.set({ serverError: true, only: ["prescriptionStatus", "passCard", "upload", "fetchCheckReport"] });
    const wrongDays = { ...paperOf(c), daysPerRefill: c.daysPerRefill + 1 };
    const r = await h.service.dispensePaper({
      paper: wrongDays,
      pharmacistId: PHARMACIST,
      card: h.card(c),
      override: { reason: "network down" },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    h.sandbox.faults.clear();
    h.advance(61_000);
    await h.service.runOutbox();
    const open = await h.service.incidents();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      kind: "details-differ",
      dispensingId: r.dispensing.id,
      differences: [{ field: "M20", typed: String(c.daysPerRefill + 1), nhi: String(c.daysPerRefill) }],
    });
    expect((await h.service.getDispensing(r.dispensing.id))?.verification).toBe("conflict");
    await h.service.runOutbox();
    expect(await h.service.incidents()).toHaveLength(1);
    h.advance(60_000);
    const noNote = await h.service.acknowledgeIncident({
      incidentId: open[0]!.id,
      pharmacistId: PHARMACIST,
      note: " ",
    });
    expect(!noNote.ok && noNote.reasons[0]!.code).toBe("reason-required");
    const ack = await h.service.acknowledgeIncident({
      incidentId: open[0]!.id,
      pharmacistId: PHARMACIST,
      note: "已電話確認診所，更正給藥日份",
    });
    expect(ack.ok && ack.incident.acknowledged).toMatchObject({ pharmacistId: PHARMACIST });
    const again = await h.service.acknowledgeIncident({ incidentId: open[0]!.id, pharmacistId: PHARMACIST, note: "x" });
    expect(!again.ok && again.kind).toBe("conflict");
    expect(await h.service.incidents()).toEqual([]);
    expect(await h.service.incidents({ state: "acknowledged" })).toHaveLength(1);
    const log = await h.service.refillLog({ from: "1000101" as never, to: "1991231" as never, types: ["incident"] });
    expect(log.map((e) => e.reason)).toEqual(["details-differ", "已電話確認診所，更正給藥日份"]);
  });

  it("D024 on refill 1: a warning; dispensed with a card pass, its upload held for the clinic's", async () => {
    h = await createHarness();
    const c = h.scenarios.cases.notYetUploaded;
    const scan = await h.service.check({ visitIdInput: c.originalVisitId, card: h.card(c) });
    expect(scan.paperEntry).toBe("not-uploaded");
    const request = { paper: paperOf(c), pharmacistId: PHARMACIST, card: h.card(c) };
    const checked = await h.service.checkPaper(request);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.outcome).toBe("dispense");
    expect(checked.reasons.find((r) => r.nhiCode === "D024")?.severity).toBe("warning");
    const r = await h.service.dispensePaper(request);
    expect(r.ok && r.dispensing).toMatchObject({ paperEntry: "not-uploaded", verification: "unverified" });
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 0 });
  });

  it("D024 on a chronic refill 2+: a block unless overridden with a reason, which is audited", async () => {
    h = await createHarness();
    const c = h.scenarios.cases.notYetUploaded;
    const paper = { ...paperOf(c), chronic: true, refillCount: 3, refillNo: 2, daysPerRefill: 28 };
    const request = {
      paper,
      pharmacistId: PHARMACIST,
      card: h.card(c),
      j000Confirmation: { cloudRecordChecked: true, prescriberAsked: true },
    };
    const blocked = await h.service.dispensePaper(request);
    expect(!blocked.ok && blocked.kind).toBe("override");
    if (!blocked.ok) expect(blocked.reasons[0]).toMatchObject({ code: "not-uploaded-later-refill", nhiCode: "D024" });
    const r = await h.service.dispensePaper({
      ...request,
      notUploadedOverride: { reason: "診所系統故障，已電話確認" },
    });
    expect(r.ok).toBe(true);
    const log = await h.service.refillLog({ from: "1000101" as never, to: "1991231" as never, types: ["override"] });
    expect(log[0]).toMatchObject({ nhiCodes: ["D024"], reason: "診所系統故障，已電話確認" });
    const audit = await h.db.db.selectFrom("audit_log").selectAll().where("action", "=", "dispense").execute();
    expect(JSON.parse(audit[0]!.detail_json)).toMatchObject({
      override: "診所系統故障，已電話確認",
      paperEntry: "not-uploaded",
    });
  });

  it("SM00 paper: dispensed before the switch (uncheckable), D068 when the visit is after 2.0", async () => {
    h = await createHarness();
    const c = h.scenarios.cases.sm00PreFormat2;
    const scan = await h.service.check({ visitIdInput: "SM00 0000 0000 0000 0000", card: h.card(c) });
    expect(scan.paperEntry).toBe("sm00");
    const late = await h.service.checkPaper({
      paper: { ...paperOf(c), originalVisitDateTime: "1131001100000" },
      card: h.card(c),
    });
    expect(!late.ok && late.reasons.map((r) => r.message.en).join()).toMatch(/D068/);
    const r = await h.service.dispensePaper({ paper: paperOf(c), pharmacistId: PHARMACIST, card: h.card(c) });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dispensing).toMatchObject({ paperEntry: "sm00", verification: "uncheckable", refillNo: 2 });
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 1, accepted: 1, rejected: 0 });
  });
});
