import { describe, expect, it } from "vitest";
import { checkInstitutionCode, isInstitutionCode } from "./institution-code.js";

describe("institution code", () => {
  it("accepts the seed codes (3502060427, NHI's demo clinic 3501200000, the sample report's 1101110026)", () => {
    for (const code of ["3502060427", "3501200000", "1101110026"]) expect(isInstitutionCode(code)).toBe(true);
  });

  it("allows letters in positions 7–9 only (D058)", () => {
    expect(isInstitutionCode("350206AB27")).toBe(true);
    expect(isInstitutionCode("35020A0427")).toBe(false);
    expect(isInstitutionCode("350206042A")).toBe(false);
  });

  it("normalizes case and whitespace, and rejects wrong lengths with a reason", () => {
    expect(checkInstitutionCode(" 350206ab27\n")).toEqual({ valid: true, code: "350206AB27" });
    for (const input of ["350206042", "35020604270", "", "3502-60427"]) {
      const r = checkInstitutionCode(input);
      expect(r.valid).toBe(false);
      if (!r.valid) expect(r.reason.en).toContain("10 characters");
    }
  });
});
