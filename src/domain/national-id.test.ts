import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkNationalId, isNationalId, maskNationalId, nationalIdCheckDigit } from "./national-id.js";

describe("checkNationalId", () => {
  it("A123456789 is a valid citizen ID (male)", () => {
    expect(checkNationalId("A123456789")).toEqual({ valid: true, nationalId: "A123456789", kind: "citizen", sex: "M" });
  });

  it("A223456789 (the virtual-card screenshot's demo ID) fails the checksum", () => {
    const r = checkNationalId("A223456789");
    expect(r.valid).toBe(false);
    if (!r.valid) expect(r.reason.en).toBe("National ID checksum does not match (A223456789)");
  });

  it("normalizes case and surrounding whitespace from typing or a wedge scan", () => {
    expect(checkNationalId(" a123456789\r\n")).toMatchObject({ valid: true, nationalId: "A123456789" });
    expect(isNationalId("a123456789")).toBe(false);
    expect(isNationalId("A123456789")).toBe(true);
  });

  it("female citizens, new-format residents (8/9) and old two-letter resident numbers", () => {
    const female = `B2${"1234567"}${nationalIdCheckDigit("B21234567")}`;
    expect(checkNationalId(female)).toMatchObject({ valid: true, kind: "citizen", sex: "F" });
    const resident = `A8${"0000001"}${nationalIdCheckDigit("A80000001")}`;
    expect(checkNationalId(resident)).toMatchObject({ valid: true, kind: "resident", sex: "M" });
    const residentF = `F9${"1234567"}${nationalIdCheckDigit("F91234567")}`;
    expect(checkNationalId(residentF)).toMatchObject({ valid: true, kind: "resident", sex: "F" });
    const old = `AB${"1234567"}${nationalIdCheckDigit("AB1234567")}`;
    expect(checkNationalId(old)).toMatchObject({ valid: true, kind: "resident-old", sex: "F" });
    const oldM = `TA${"1234567"}${nationalIdCheckDigit("TA1234567")}`;
    expect(checkNationalId(oldM)).toMatchObject({ valid: true, kind: "resident-old", sex: "M" });
  });

  it("uses the letter codes I=34, O=35, W=32, X=30, Y=31, Z=33", () => {
    for (const letter of ["I", "O", "W", "X", "Y", "Z"]) {
      const id = `${letter}12345678${nationalIdCheckDigit(`${letter}12345678`)}`;
      expect(checkNationalId(id).valid).toBe(true);
    }
    // I: 3,4 → 3 + 4×9 + 1×8 + 2×7 + 3×6 + 4×5 + 5×4 + 6×3 + 7×2 + 8×1 = 159 → check digit 1.
    expect(nationalIdCheckDigit("I12345678")).toBe(1);
  });

  it.each([
    ["", "Malformed"],
    ["A12345678", "Malformed"],
    ["A1234567890", "Malformed"],
    ["1123456789", "Malformed"],
    ["AE23456789", "Malformed"],
    ["A323456789", 'character 2 "3"'],
    ["A023456789", 'character 2 "0"'],
  ])("rejects %j with a precise reason", (input, reason) => {
    const r = checkNationalId(input);
    expect(r.valid).toBe(false);
    if (!r.valid) {
      expect(r.reason.en).toContain(reason);
      expect(r.reason.zh.length).toBeGreaterThan(0);
    }
  });

  it("masks for logs", () => {
    expect(maskNationalId("A123456789")).toBe("A12****789");
    expect(maskNationalId("A12")).toBe("***");
  });
});

describe("properties", () => {
  const first9 = fc
    .tuple(
      fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
      fc.constantFrom("1", "2", "8", "9", "A", "B", "C", "D"),
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 7, maxLength: 7 }),
    )
    .map(([l, s, d]) => `${l}${s}${d.join("")}`);

  it("the computed check digit always validates, and every other last digit fails", () => {
    fc.assert(
      fc.property(first9, fc.integer({ min: 1, max: 9 }), (nine, delta) => {
        const check = nationalIdCheckDigit(nine);
        expect(checkNationalId(`${nine}${check}`).valid).toBe(true);
        expect(checkNationalId(`${nine}${(check + delta) % 10}`).valid).toBe(false);
      }),
    );
  });

  it("a changed digit in positions 3–9 is caught exactly when weight × change is not a multiple of 10", () => {
    const weights = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1];
    fc.assert(
      fc.property(first9, fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 9 }), (nine, pos, delta) => {
        const id = `${nine}${nationalIdCheckDigit(nine)}`;
        const changed = id.slice(0, pos) + String((Number(id[pos]) + delta) % 10) + id.slice(pos + 1);
        // Character `pos` of the ID is digit `pos + 1` of the 11-digit sum (the letter expands to two digits).
        expect(checkNationalId(changed).valid).toBe((weights[pos + 1]! * delta) % 10 === 0);
      }),
    );
  });
});
