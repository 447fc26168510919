/**
 * One test per central rule and error code, each triggered through the upload endpoint (in-process adapter) with
 * real Big5 XML built by buildUploadXml; the outcome is read from the check-result report with parseCheckReport.
 */
import { describe, expect, it } from "vitest";
import { CLINIC, OTHER_CLINIC, OTHER_PATIENT, PHARMACY, PHARMACY_X, roc } from "../../../test/support/sandbox-world.js";
import { worldPerTest } from "../../../test/support/sandbox-world-per-test.js";
import { SM00_VISIT_ID } from "../../domain/visit-id.js";
import { buildUploadXml, type UploadRecord } from "./format-bridge.js";
import { cancelRecord, deletionRecord } from "./records.js";

const t = worldPerTest();
const { ago, uploaded } = t;

/** The M15 NHI shows as refill n's dispensing of a prescription. */
async function dispensedVisitId(rx: UploadRecord, refillNo: number): Promise<string | undefined> {
  const status = await t.w.client.prescriptionStatus({ institutionCode: PHARMACY }, rx.mb1.M15!);
  return status.found ? status.status.refills[refillNo - 1]?.dispensedVisitId : undefined;
}

/** A chronic prescription with refill 1 dispensed at X `daysAgo` days ago. */
async function withRefill1(daysAgo: number): Promise<UploadRecord> {
  const rx = await t.w.prescribe({ at: ago(daysAgo + 1) });
  await uploaded([rx]);
  await uploaded([await t.w.dispensing(rx, 1, { pharmacy: PHARMACY_X, at: ago(daysAgo) })], PHARMACY_X);
  return rx;
}

describe("accepted uploads", () => {
  it("accepts a prescription and its first dispensing, and reports nothing", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    const out = await t.w.upload(PHARMACY, [await t.w.dispensing(rx, 1)]);
    expect(out.errors.size).toBe(0);
  });

  it("accepts refill 2 inside its window (10 days before refill 1 runs out)", async () => {
    const rx = await withRefill1(20);
    const out = await t.w.upload(PHARMACY, [await t.w.dispensing(rx, 2)]);
    expect(out.codes).toEqual([]);
  });

  it("accepts any number of records in one document and reports only the rejected ones by position", async () => {
    const a = await t.w.prescribe();
    const b = await t.w.prescribe({ patient: OTHER_PATIENT });
    const bad: UploadRecord = { ...b, mb1: { ...b.mb1, M03: undefined } };
    const out = await t.w.upload(CLINIC, [a, bad, { ...b, mb1: { ...b.mb1 } }]);
    expect([...out.errors.keys()]).toEqual([2]);
    expect(out.errors.get(2)).toContain("M03:AA");
  });
});

describe("abnormal uploads (H01=B) with API 1.54 offline visit IDs", () => {
  it("accepts a pharmacy's B record whose M15 came from the offline API, M13 = abnormal code", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    const off = await t.w.client.offlineVisitId({ institutionCode: PHARMACY }, rx.mb1.M03!);
    const d = await t.w.dispensing(rx, 1, {
      override: { abnormalCode: "A010", visitId: off.visitId, visitDateTime: off.visitDateTime },
    });
    expect(d.h01).toBe("B");
    expect(d.mb1.M14).toBeUndefined();
    expect((await t.w.upload(PHARMACY, [d])).codes).toEqual([]);
    const status = await t.w.client.prescriptionStatus({ institutionCode: PHARMACY }, rx.mb1.M15!);
    expect(status.found && status.status.refills[0]!.events.map((e) => e.type)).toEqual(["B"]);
  });

  it("refill 1 self-dispensed at the prescriber (D02=1, D05=0) shows as dispensed there", async () => {
    const rx = await t.w.prescribe();
    const self = { ...rx, mb2: rx.mb2.map((l) => ({ ...l, D05: "0" })) };
    await uploaded([self]);
    const status = await t.w.client.prescriptionStatus({ institutionCode: PHARMACY }, rx.mb1.M15!);
    expect(status.found && status.status.refills[0]).toMatchObject({ state: "dispensed", dispensedBy: CLINIC });
    expect((await t.w.upload(PHARMACY, [await t.w.dispensing(rx, 1)])).codes).toEqual(["M33:D025"]);
  });
});

describe("format checks pass through the sandbox (foundation validator and parser)", () => {
  it("AA: a required field is missing", async () => {
    const rx = await t.w.prescribe();
    const out = await t.w.upload(CLINIC, [{ ...rx, mb1: { ...rx.mb1, M05: CLINIC, M11: undefined } }]);
    expect(out.codes).toContain("M11:AA");
  });

  it("Y015: two RECS in one file reject the file", async () => {
    const rx = await t.w.prescribe();
    const xml = Buffer.from(buildUploadXml([rx])).toString("latin1");
    const doubled = xml.replace("</RECS>", "</RECS><RECS></RECS>");
    const receipt = await t.w.client.upload(
      { institutionCode: CLINIC },
      new Uint8Array(Buffer.from(doubled, "latin1")),
    );
    const report = await t.w.client.fetchCheckReport({ institutionCode: CLINIC }, receipt.uploadId);
    expect(Buffer.from(report!).toString("latin1")).toContain("Y015");
    const status = await t.w.client.prescriptionStatus({ institutionCode: PHARMACY }, rx.mb1.M15!);
    expect(status.found).toBe(false);
  });

  it("D014: a chronic refill count outside 2–4", async () => {
    const rx = await t.w.prescribe();
    const out = await t.w.upload(CLINIC, [{ ...rx, mb1: { ...rx.mb1, M26: "5", M21: "140" } }]);
    expect(out.codes).toContain("M26:D014");
  });

  it("D054: M12=4 needs M52=MISS", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    const d = await t.w.dispensing(rx, 1, {
      override: { supplement: { actualVisitDateTime: roc(ago(1)), actualVisitId: rx.mb1.M15! } },
    });
    const out = await t.w.upload(PHARMACY, [{ ...d, mb1: { ...d.mb1, M12: "4" } }]);
    expect(out.codes).toContain("M52:D054");
  });

  it("D053: a dispensing record may not cancel (C)", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    const d = await t.w.dispensing(rx, 1);
    const out = await t.w.upload(PHARMACY, [{ ...d, h01: "C" }]);
    expect(out.codes).toContain("H01:D053");
  });
});

describe("visit-ID verification by decoding", () => {
  it("D002: M15 that was never issued", async () => {
    const rx = await t.w.prescribe();
    const out = await t.w.upload(CLINIC, [{ ...rx, mb1: { ...rx.mb1, M15: "ABCDEFGHJKLMNPQRSTUV" } }]);
    expect(out.codes).toEqual(["M15:D002"]);
  });

  it("D002: M52 of a card supplement (M12=2) that does not verify", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    const d = await t.w.dispensing(rx, 1, {
      override: { supplement: { actualVisitDateTime: roc(ago(1)), actualVisitId: "ZZZZZZZZZZZZZZZZZZZZ" } },
    });
    const out = await t.w.upload(PHARMACY, [d]);
    expect(out.codes).toEqual(["M52:D002"]);
  });

  it("accepts a card supplement with M12=4 and M52=MISS", async () => {
    const rx = await t.w.prescribe({ refillCount: 1, days: 3 });
    await uploaded([rx]);
    const d = await t.w.dispensing(rx, 1, { override: { supplement: { actualVisitDateTime: roc(ago(1)) } } });
    expect((await t.w.upload(PHARMACY, [d])).codes).toEqual([]);
  });

  it("D003: M15 issued for another person", async () => {
    const rx = await t.w.prescribe();
    const other = await t.w.prescribe({ patient: OTHER_PATIENT });
    const out = await t.w.upload(CLINIC, [{ ...rx, mb1: { ...rx.mb1, M15: other.mb1.M15 } }]);
    expect(out.codes).toEqual(["M15:D003"]);
  });

  it("D004: M15 issued for another institution", async () => {
    const rx = await t.w.prescribe();
    const other = await t.w.prescribe({ clinic: OTHER_CLINIC });
    const out = await t.w.upload(CLINIC, [{ ...rx, mb1: { ...rx.mb1, M15: other.mb1.M15 } }]);
    expect(out.codes).toEqual(["M15:D004"]);
  });

  it("D005: M15 issued for another visit date-time", async () => {
    const rx = await t.w.prescribe();
    const out = await t.w.upload(CLINIC, [{ ...rx, mb1: { ...rx.mb1, M11: roc(ago(0.5)) } }]);
    expect(out.codes).toContain("M15:D005");
  });

  it("D003/D005 on M16: the original visit ID belongs to another person or time", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    const d = await t.w.dispensing(rx, 1);
    const out = await t.w.upload(PHARMACY, [{ ...d, mb1: { ...d.mb1, M19: roc(ago(3)) } }]);
    expect(out.codes).toContain("M16:D005");
  });

  it("D074: M16 that does not verify cannot be checked", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    const d = await t.w.dispensing(rx, 1);
    const out = await t.w.upload(PHARMACY, [{ ...d, mb1: { ...d.mb1, M16: "ZZZZZZZZZZZZZZZZZZZZ" } }]);
    expect(out.codes).toEqual(["M16:D074"]);
  });

  it("D049: M17 names another institution than the prescriber of M16", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    const d = await t.w.dispensing(rx, 1);
    const out = await t.w.upload(PHARMACY, [{ ...d, mb1: { ...d.mb1, M17: OTHER_CLINIC } }]);
    expect(out.codes).toEqual(["M16:D049"]);
    // A warning, not a rejection (如無合併其他錯誤，本筆仍會收載): NHI keeps the record.
    expect(await dispensedVisitId(rx, 1)).toBe(d.mb1.M15);
  });

  it("D051: M17 names the uploading pharmacy itself", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    const d = await t.w.dispensing(rx, 1);
    const out = await t.w.upload(PHARMACY, [{ ...d, mb1: { ...d.mb1, M17: PHARMACY } }]);
    expect(out.codes).toEqual(["M16:D051"]);
  });
});

describe("SM00 (D068)", () => {
  it("accepts SM00 in M16 for a prescription visit before the prescriber switched to 2.0", async () => {
    await t.w.sandbox.registerInstitution({ code: OTHER_CLINIC, kind: "prescriber", format2Since: "1121001" as never });
    const rx = await t.w.prescribe({ clinic: OTHER_CLINIC });
    const d = await t.w.dispensing(rx, 1, {
      override: { originalVisitId: SM00_VISIT_ID, originalVisitDateTime: "1120915093000" as never },
    });
    expect((await t.w.upload(PHARMACY, [d])).codes).toEqual([]);
  });

  it("D068: SM00 in M16 for a visit after the prescriber's own switch (before the nationwide date)", async () => {
    const rx = await t.w.prescribe();
    await t.w.sandbox.registerInstitution({ code: CLINIC, kind: "prescriber", format2Since: "1120901" as never });
    const d = await t.w.dispensing(rx, 1, {
      override: { originalVisitId: SM00_VISIT_ID, originalVisitDateTime: "1120915093000" as never },
    });
    expect((await t.w.upload(PHARMACY, [d])).codes).toEqual(["M16:D068"]);
  });

  it("D068: SM00 in M16 for a visit after the nationwide switch", async () => {
    const rx = await t.w.prescribe();
    const d = await t.w.dispensing(rx, 1, {
      override: { originalVisitId: SM00_VISIT_ID, originalVisitDateTime: roc(ago(2)) },
    });
    expect((await t.w.upload(PHARMACY, [d])).codes).toContain("M16:D068");
  });

  it("D068: SM00 as our own M15", async () => {
    const rx = await t.w.prescribe();
    const out = await t.w.upload(CLINIC, [{ ...rx, mb1: { ...rx.mb1, M15: SM00_VISIT_ID } }]);
    expect(out.codes).toContain("M15:D068");
  });
});

describe("chronic refill checks against M16/M17", () => {
  it("D024: the prescriber never uploaded the prescription", async () => {
    const rx = await t.w.prescribe();
    const d = await t.w.dispensing(rx, 1);
    const out = await t.w.upload(PHARMACY, [d]);
    expect(out.codes).toEqual(["M16:D024"]);
    // A warning: the record is kept, and shows once the prescriber uploads.
    await uploaded([rx]);
    expect(await dispensedVisitId(rx, 1)).toBe(d.mb1.M15);
  });

  it("D019: the refill number exceeds the prescription's refill count", async () => {
    const rx = await t.w.prescribe({ refillCount: 2 });
    await uploaded([rx]);
    const d = await t.w.dispensing(rx, 3, { override: { refillCount: 3 } });
    expect((await t.w.upload(PHARMACY, [d])).codes).toEqual(["M33:D019"]);
  });

  it("D022: refill 2 before refill 1 was dispensed", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    expect((await t.w.upload(PHARMACY, [await t.w.dispensing(rx, 2)])).codes).toEqual(["M33:D022"]);
  });

  it("D022: refill 2 before its window opens", async () => {
    const rx = await withRefill1(5);
    expect((await t.w.upload(PHARMACY, [await t.w.dispensing(rx, 2)])).codes).toEqual(["M11:D022"]);
  });

  it("D022: refill 2 after its window closed", async () => {
    const rx = await withRefill1(29);
    expect((await t.w.upload(PHARMACY, [await t.w.dispensing(rx, 2)])).codes).toEqual(["M11:D022"]);
  });

  it("D025: the refill was already dispensed by another pharmacy", async () => {
    const rx = await withRefill1(1);
    expect((await t.w.upload(PHARMACY, [await t.w.dispensing(rx, 1)])).codes).toEqual(["M33:D025"]);
  });

  it("C001: the same refill again from the same pharmacy under another visit ID", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    await uploaded([await t.w.dispensing(rx, 1)], PHARMACY);
    const again = await t.w.dispensing(rx, 1, { at: new Date(t.w.clock.now.getTime() + 60_000) });
    expect((await t.w.upload(PHARMACY, [again])).codes).toEqual(["M15:C001"]);
  });

  it("C001: the same M15 twice in one document", async () => {
    const rx = await t.w.prescribe();
    const out = await t.w.upload(CLINIC, [rx, rx]);
    expect(out.errors.get(1)).toBeUndefined();
    expect(out.errors.get(2)).toEqual(["M15:C001"]);
  });

  it("D023: dispensing a cancelled refill; D073: a refill after a cancelled one", async () => {
    const rx = await t.w.prescribe({ refillCount: 4, days: 22 });
    await uploaded([rx]);
    await uploaded([cancelRecord(rx, 3)]);
    await uploaded([await t.w.dispensing(rx, 1, { at: ago(0) })], PHARMACY);
    t.w.clock.advanceDays(20);
    await uploaded([await t.w.dispensing(rx, 2)], PHARMACY);
    t.w.clock.advanceDays(20);
    expect((await t.w.upload(PHARMACY, [await t.w.dispensing(rx, 3)])).codes).toEqual(["M33:D023"]);
    expect((await t.w.upload(PHARMACY, [await t.w.dispensing(rx, 4)])).codes).toEqual(["M33:D073"]);
  });
});

describe("H01 semantics", () => {
  it("A with the same M15 corrects the record (last write wins)", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    await uploaded([{ ...rx, mb1: { ...rx.mb1, M20: "30", M21: "90" } }]);
    const status = await t.w.client.prescriptionStatus({ institutionCode: PHARMACY }, rx.mb1.M15!);
    expect(status.found && status.status.daysPerRefill).toBe(30);
  });

  it("C001: a correction after the end of the month following the visit", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    t.w.clock.advanceDays(70);
    const out = await t.w.upload(CLINIC, [{ ...rx, mb1: { ...rx.mb1, M20: "30", M21: "90" } }]);
    expect(out.codes).toEqual(["M15:C001"]);
  });

  it("C cancels an undispensed refill; E restores it; D038 for E without C", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    expect((await t.w.upload(CLINIC, [cancelRecord(rx, 2, "E")])).codes).toEqual(["M33:D038"]);
    await uploaded([cancelRecord(rx, 2, "C")]);
    await uploaded([cancelRecord(rx, 2, "E")]);
  });

  it("D001: cancelling a refill that was already dispensed, or twice", async () => {
    const rx = await withRefill1(20);
    await uploaded([await t.w.dispensing(rx, 2, { pharmacy: PHARMACY_X })], PHARMACY_X);
    expect((await t.w.upload(CLINIC, [cancelRecord(rx, 2)])).codes).toEqual(["M33:D001"]);
    await uploaded([cancelRecord(rx, 3)]);
    expect((await t.w.upload(CLINIC, [cancelRecord(rx, 3)])).codes).toEqual(["M33:D001"]);
  });

  it("D001: C by an institution that is not the prescriber", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    const foreign = cancelRecord(rx, 2);
    const out = await t.w.upload(OTHER_CLINIC, [{ ...foreign, mb1: { ...foreign.mb1, M05: OTHER_CLINIC } }]);
    expect(out.codes).toEqual(["M15:D001"]);
  });

  it("D053: a pharmacy sends C even with a non-AF category", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    const c = cancelRecord(rx, 2);
    const out = await t.w.upload(PHARMACY, [{ ...c, mb1: { ...c.mb1, M05: PHARMACY } }]);
    expect(out.codes).toEqual(["H01:D053"]);
  });

  it("D deletes one's own dispensing; D001 when there is nothing (or nothing of ours) to delete", async () => {
    const rx = await t.w.prescribe();
    await uploaded([rx]);
    const d = await t.w.dispensing(rx, 1);
    await uploaded([d], PHARMACY);
    const foreign = deletionRecord(d);
    const out = await t.w.upload(PHARMACY_X, [{ ...foreign, mb1: { ...foreign.mb1, M05: PHARMACY_X } }]);
    expect(out.codes).toEqual(["M15:D001"]);
    await uploaded([deletionRecord(d)], PHARMACY);
    expect((await t.w.upload(PHARMACY, [deletionRecord(d)])).codes).toEqual(["M15:D001"]);
  });

  it("D035: no deletion once a later refill was executed elsewhere", async () => {
    const rx = await t.w.prescribe({ at: ago(21) });
    await uploaded([rx]);
    const mine = await t.w.dispensing(rx, 1, { at: ago(20) });
    await uploaded([mine], PHARMACY);
    await uploaded([await t.w.dispensing(rx, 2, { pharmacy: PHARMACY_X })], PHARMACY_X);
    expect((await t.w.upload(PHARMACY, [deletionRecord(mine)])).codes).toEqual(["M15:D035"]);
  });

  it("D004 on M05: a record uploaded by an institution other than its own", async () => {
    const rx = await t.w.prescribe();
    expect((await t.w.upload(OTHER_CLINIC, [rx])).codes).toEqual(["M05:D004"]);
  });
});
