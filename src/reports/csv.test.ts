import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvField, csvLine, neutralizeFormula, parseCsv, UTF8_BOM } from "./csv.js";

describe("RFC 4180 CSV", () => {
  it("quotes fields with commas, quotes and line breaks, doubling quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("line1\nline2")).toBe('"line1\nline2"');
    expect(csvLine(["a", "b,c"])).toBe('a,"b,c"\r\n');
  });
  it("round-trips any table through parseCsv", () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "調", ",", '"', "\n", "\r", " ", "1") });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const text = UTF8_BOM + rows.map(csvLine).join("");
        const back = parseCsv(text);
        // A row of one empty field is an empty line; compare modulo that.
        expect(back.map((r) => (r.length === 1 && r[0] === "" ? [""] : r))).toEqual(rows);
      }),
    );
  });
  it("keeps typed text from running as an Excel formula", () => {
    expect(neutralizeFormula("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(neutralizeFormula("病人急需")).toBe("病人急需");
  });
  it("rejects an unterminated quoted field", () => {
    expect(() => parseCsv('"abc')).toThrow(SyntaxError);
  });
});
