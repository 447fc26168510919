import { describe, expect, it } from "vitest";
import { abnormalCodeMeaning, checkCounterAbnormalCode, SUGGESTED_ABNORMAL_CODE } from "./abnormal-dispensing.js";

describe("abnormal codes at the counter", () => {
  it("suggests A020 (pharmacy network failure), never E000, when nothing was chosen", () => {
    expect(SUGGESTED_ABNORMAL_CODE).toBe("A020");
    expect(checkCounterAbnormalCode(undefined)).toEqual({ valid: true, code: "A020" });
  });

  it("takes every cause seed 000 sends through API 1.54, in any case", () => {
    for (const code of ["A000", "a011", "A021", "A031", "B000", "C001", "E000"]) {
      expect(checkCounterAbnormalCode(code)).toMatchObject({ valid: true, code: code.toUpperCase() });
    }
    expect(abnormalCodeMeaning("E000").zh).toContain("健保署");
    expect(abnormalCodeMeaning("A020").en).toContain("network");
  });

  it("refuses codes that are not a counter's cause (G000, J000, C000, D000, nonsense) with both languages", () => {
    for (const code of ["G000", "J000", "C000", "D000", "B001", "XXXX"]) {
      const r = checkCounterAbnormalCode(code);
      expect(r.valid).toBe(false);
      if (!r.valid) {
        expect(r.reason.zh).toContain(code);
        expect(r.reason.en).toContain("choose by cause");
      }
    }
  });
});
