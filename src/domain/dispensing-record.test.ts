import { describe, expect, it } from "vitest";
import { validateRecord } from "../nhi/format/validate.js";
import { buildDeleteRecord, buildDispensingRecord, type DispensingRecordInput, withDays } from "./dispensing-record.js";
import type { RocDateTime } from "./roc-date.js";

const base: DispensingRecordInput = {
  dataFormat: "A",
  pharmacyCode: "5901012345",
  pharmacistId: "B123456780",
  nationalId: "A123456789",
  birthDate: "0450312",
  visitDateTime: "1130321093000" as RocDateTime,
  visitId: "OUSE4FA11RP4J370WR4K".replace(/O/g, "0"),
  samId: "000000123456",
  cardNumber: "000012345678",
  signature: "SIG",
  prescription: {
    originalVisitId: "1BYFWZQ21QQXY3B54X0L",
    prescriberInstitutionCode: "1101110026",
    originalSequenceNumber: "0012",
    originalVisitDateTime: "1130320133912" as RocDateTime,
    chronic: true,
    refillCount: 3,
    daysPerRefill: 28,
    orders: [
      { drugCode: "AC36230100", frequency: "QD", days: 28, totalQuantity: "28", route: "PO" },
      { drugCode: "AB45781100", frequency: "BID", days: 28, totalQuantity: "56", route: "PO" },
    ],
  },
  refillNo: 2,
  days: 28,
  j000: false,
};

describe("pharmacy dispensing record", () => {
  it("builds a valid H01=A AF record with M16–M19 from the prescription and MB2 lines", () => {
    const r = buildDispensingRecord(base);
    expect(validateRecord(r, 1, { pharmacy: true })).toEqual([]);
    expect(r.mb1).toMatchObject({
      M07: "AF",
      M15: base.visitId,
      M16: "1BYFWZQ21QQXY3B54X0L",
      M17: "1101110026",
      M18: "0012",
    });
    expect(r.mb1).toMatchObject({ M19: "1130320133912", M20: "28", M21: "84", M26: "3", M33: "2" });
    expect(r.mb1.M13).toBeUndefined();
    expect(r.mb2.map((l) => [l.D04, l.D05, l.D06, l.D09])).toEqual([
      ["C", "A", "AC36230100", "28"],
      ["C", "A", "AB45781100", "28"],
    ]);
  });

  it("builds a valid H01=B record with the abnormal code and no card-pass fields", () => {
    const r = buildDispensingRecord({ ...base, dataFormat: "B", abnormalCode: "E000" });
    expect(validateRecord(r, 1, { pharmacy: true })).toEqual([]);
    expect(r.mb1.M13).toBe("E000");
    expect(r.mb1.M01).toBeUndefined();
    expect(r.mb1.M14).toBeUndefined();
  });

  it("fills J000 into M18 when asked", () => {
    const r = buildDispensingRecord({ ...base, j000: true });
    expect(r.mb1.M18).toBe("J000");
    expect(validateRecord(r, 1, { pharmacy: true })).toEqual([]);
  });

  it("builds a valid one-off record (kind A counts in M24)", () => {
    const p = {
      ...base.prescription,
      chronic: false,
      refillCount: 1,
      daysPerRefill: 3,
      orders: [{ drugCode: "AC36230100", days: 3, totalQuantity: "3" }],
    };
    const r = buildDispensingRecord({ ...base, prescription: p, refillNo: 1, days: 3 });
    expect(validateRecord(r, 1, { pharmacy: true })).toEqual([]);
    expect(r.mb1.M24).toBe("1");
    expect(r.mb1.M33).toBeUndefined();
  });

  it("corrects days keeping M15 and H01, and deletes with H01=D by key", () => {
    const r = buildDispensingRecord(base);
    const fixed = withDays(r, 21);
    expect(fixed.mb1.M15).toBe(r.mb1.M15);
    expect(fixed.mb1.M20).toBe("21");
    expect(fixed.mb2.length).toBeGreaterThan(0);
    expect(fixed.mb2.every((l) => l.D09 === "21")).toBe(true);
    expect(validateRecord(fixed, 1, { pharmacy: true })).toEqual([]);
    const del = buildDeleteRecord(r);
    expect(del.h01).toBe("D");
    expect(del.mb1.M15).toBe(r.mb1.M15);
    expect(del.mb2).toEqual([]);
    expect(validateRecord(del, 1, { pharmacy: true })).toEqual([]);
  });
});
