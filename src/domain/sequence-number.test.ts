import { describe, expect, it } from "vitest";
import { ABNORMAL_CODES, checkSequenceNumber, isAbnormalCode } from "./sequence-number.js";

describe("sequence number (就醫序號)", () => {
  it("card sequence numbers are four digits, 0000 excluded", () => {
    expect(checkSequenceNumber("0003")).toEqual({ valid: true, value: "0003", kind: "card" });
    expect(checkSequenceNumber("1500")).toMatchObject({ valid: true, kind: "card" });
    expect(checkSequenceNumber("0000").valid).toBe(false);
    expect(checkSequenceNumber("003").valid).toBe(false);
    expect(checkSequenceNumber("00003").valid).toBe(false);
  });

  it("virtual-card numbers start with V", () => {
    expect(checkSequenceNumber("V001")).toMatchObject({ valid: true, kind: "virtual-card" });
    expect(checkSequenceNumber("v123")).toMatchObject({ valid: true, value: "V123" });
    expect(checkSequenceNumber("V12A").valid).toBe(false);
  });

  it("abnormal codes from the seed table, with their pair and meaning", () => {
    const a000 = checkSequenceNumber("A000");
    expect(a000).toMatchObject({ valid: true, kind: "abnormal" });
    if (a000.valid) expect(a000.abnormal).toMatchObject({ pairedWithObtained: "A001", obtained: false });
    expect(ABNORMAL_CODES.get("A001")).toMatchObject({ obtained: true });
    for (const code of ["A010", "A011", "A020", "A021", "A030", "A031", "B000", "B001", "C000", "C001", "D000", "D001"])
      expect(isAbnormalCode(code)).toBe(true);
    for (const code of ["D010", "D011", "E000", "E001", "F000", "F00B", "G000", "Z000", "Z001", "J000"])
      expect(isAbnormalCode(code)).toBe(true);
    for (const code of ["IC98", "IC09", "CV19", "FORE", "TM01", "HVIT", "MSPT", "ICND", "ICC4"])
      expect(isAbnormalCode(code)).toBe(true);
    expect(ABNORMAL_CODES.get("C000")!.meaning.zh).toBe("停電");
    expect(ABNORMAL_CODES.get("G000")!.meaning.en).toContain("newly contracted");
    expect(ABNORMAL_CODES.get("Z000")!.meaning.en).toContain("PIN");
    expect(checkSequenceNumber(" e000 ")).toMatchObject({ valid: true, value: "E000", kind: "abnormal" });
  });

  it("every abnormal code has zh-TW and English meanings", () => {
    for (const code of ABNORMAL_CODES.values()) {
      expect(code.meaning.zh.length).toBeGreaterThan(0);
      expect(code.meaning.en.length).toBeGreaterThan(0);
      expect(code.code).toMatch(/^[A-Z0-9]{4}$/);
    }
  });

  it("rejects anything else with a reason in both languages", () => {
    for (const input of ["X123", "A002", "", "AAAA", "12a4"]) {
      const r = checkSequenceNumber(input);
      expect(r.valid).toBe(false);
      if (!r.valid) {
        expect(r.reason.en).toContain("4 digits");
        expect(r.reason.zh).toContain("4碼");
      }
    }
  });
});
