import fc from "fast-check";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { big5Length, decodeBig5, encodeBig5, firstNonBig5, isBig5Char } from "./big5.js";

describe("Big5 (CP950) helpers", () => {
  it("accepts ASCII, common Chinese, CP950 extensions and full-width forms", () => {
    for (const ch of ["A", "藥", "臺", "台", "碁", "裏", "€", "ㄅ", "　", "～"]) expect(isBig5Char(ch)).toBe(true);
  });

  it("refuses HKSCS-only, user-defined (PUA), emoji, rare CJK extension B and the replacement character", () => {
    for (const ch of ["㗎", "峯", "\ue000", "\uf8ff", "😀", "𠀀", "\ufffd", "①"]) expect(isBig5Char(ch)).toBe(false);
    expect(firstNonBig5("飯後😀服用")).toEqual({ character: "😀", index: 2 });
    expect(firstNonBig5("飯後服用")).toBeUndefined();
  });

  it("counts lengths in Big5 bytes", () => {
    expect(big5Length("AB藥")).toBe(4);
    expect(big5Length("")).toBe(0);
  });

  it("encodes exactly like iconv-lite CP950 and decodes back", () => {
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
      fc.constantFrom(..."藥局調劑飯後服用臺灣碁裏€ㄅ　～😀㗎\ue000"),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
        const ours = Buffer.from(encodeBig5(text));
        expect(ours.equals(iconv.encode(text, "cp950"))).toBe(true);
        if (firstNonBig5(text) === undefined) expect(decodeBig5(ours)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe("decodeBig5", () => {
  it("decodes exactly like iconv-lite, invalid and truncated bytes included", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (bytes) => {
        expect(decodeBig5(bytes)).toBe(iconv.decode(Buffer.from(bytes), "cp950"));
      }),
      { numRuns: 500 },
    );
    const text = "第[2]筆 飯後服用 A000 碁裏€";
    const encoded = iconv.encode(text, "cp950");
    expect(decodeBig5(encoded)).toBe(text);
    expect(decodeBig5(encoded.subarray(0, encoded.length - 1))).toBe(
      iconv.decode(encoded.subarray(0, encoded.length - 1), "cp950"),
    );
  });
});
