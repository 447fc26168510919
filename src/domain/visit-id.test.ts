import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  describeCorrections,
  formatVisitIdGrouped,
  isPlaceholderVisitId,
  isVisitId,
  MISS_VISIT_ID,
  PLACEHOLDER_VISIT_ID,
  parseVisitId,
  SM00_VISIT_ID,
  VISIT_ID_ALPHABET,
  type VisitId,
  visitIdKind,
} from "./visit-id.js";

const SEED_M16 = "1BYFWZQ21QQXY3B54X0L"; // seed 000, sample check report
const SEED_EXAMPLE = "OUSE4FA11RP4J370WR4K"; // seed 000, A123456789 + 1090114233615 + 3502060427

function ok(input: string) {
  const r = parseVisitId(input);
  if (!r.valid) throw new Error(`expected valid: ${JSON.stringify(input)} → ${r.reason.en}`);
  return r;
}
function bad(input: string) {
  const r = parseVisitId(input);
  if (r.valid) throw new Error(`expected invalid: ${JSON.stringify(input)}`);
  return r;
}

describe("parseVisitId — the seed IDs", () => {
  it("accepts the sample report's M16 as is", () => {
    expect(ok(SEED_M16)).toMatchObject({ visitId: SEED_M16, kind: "standard", corrections: [] });
  });

  it("reads the seed example's leading letter O as the digit 0 and says so", () => {
    const r = ok(SEED_EXAMPLE);
    expect(r.visitId).toBe("0USE4FA11RP4J370WR4K");
    expect(r.corrections).toEqual([{ position: 1, from: "O", to: "0" }]);
    expect(describeCorrections(r.corrections)).toEqual({
      zh: "已自動更正（就醫識別碼不使用I與O）：第1碼 O→0",
      en: "Corrected (visit IDs never contain I or O): position 1 O→0",
    });
  });
});

describe("parseVisitId — what real input looks like", () => {
  it.each([
    [`${SEED_M16}\r\n`, "wedge scan ending in CR LF"],
    [`${SEED_M16}\r`, "wedge scan ending in CR"],
    [`${SEED_M16}\t`, "wedge scan ending in Tab"],
    ["1BYF WZQ2 1QQX Y3B5 4X0L", "groups of four with spaces"],
    ["1BYF-WZQ2-1QQX-Y3B5-4X0L", "groups of four with dashes"],
    ["  1byf wzq2 1qqx y3b5 4x0l  ", "lowercase with spaces around"],
    ["１ＢＹＦ　ＷＺＱ２　１ＱＱＸ　Ｙ３Ｂ５　４Ｘ０Ｌ", "full-width IME input with ideographic spaces"],
    ["１ＢＹＦ－ＷＺＱ２－１ＱＱＸ－Ｙ３Ｂ５－４Ｘ０Ｌ", "full-width dashes"],
    ["\u00021BYFWZQ21QQXY3B54X0L\u0003", "STX/ETX framing from a scanner"],
    ["\uFEFF1BYFWZQ2\u200B1QQXY3B54X0L", "BOM and zero-width space"],
    ["1BYF\u2013WZQ2\u00a01QQX_Y3B5\u22124X0L", "en dash, no-break space, underscore, minus sign"],
  ])("%j (%s)", (input) => {
    expect(ok(input)).toMatchObject({ visitId: SEED_M16, kind: "standard", corrections: [] });
  });

  it("corrects every I and O with its position, lowercase and full-width included", () => {
    const r = ok("oUSE 4FAi 1RP4 J37o WR4K");
    expect(r.visitId).toBe("0USE4FA11RP4J370WR4K");
    expect(r.corrections).toEqual([
      { position: 1, from: "O", to: "0" },
      { position: 8, from: "I", to: "1" },
      { position: 16, from: "O", to: "0" },
    ]);
    expect(ok("ＯＵＳＥ４ＦＡ１１ＲＰ４Ｊ３７０ＷＲ４Ｋ").corrections).toEqual([{ position: 1, from: "O", to: "0" }]);
  });
});

describe("parseVisitId — special values", () => {
  it("recognizes SM00 (visit before the institution switched to 2.0), grouped or not", () => {
    for (const input of ["SM000000000000000000", "SM00 0000 0000 0000 0000", "sm00-0000-0000-0000-0000"]) {
      const r = ok(input);
      expect(r).toMatchObject({ visitId: SM00_VISIT_ID, kind: "sm00", corrections: [] });
      expect(r.meaning.en).toContain("before the institution switched to format 2.0");
      expect(r.meaning.zh).toContain("D068");
    }
  });

  it("recognizes MISS (card supplement without the actual visit ID) without 'correcting' its I", () => {
    for (const input of ["MISS0000000000000000", "MISS 0000 0000 0000 0000", "miss0000000000000000\r\n"]) {
      const r = ok(input);
      expect(r).toMatchObject({ visitId: MISS_VISIT_ID, kind: "miss", corrections: [] });
      expect(r.meaning.en).toContain("M52");
    }
  });

  it("SM00 typed with letter O is corrected and still recognized, the correction shown", () => {
    const r = ok("SMOO 0000 0000 0000 0000");
    expect(r).toMatchObject({ visitId: SM00_VISIT_ID, kind: "sm00" });
    expect(r.corrections).toEqual([
      { position: 3, from: "O", to: "0" },
      { position: 4, from: "O", to: "0" },
    ]);
  });

  it("MISS typed with letter O in the zeros is recognized, the correction shown", () => {
    const r = ok("MISS 0000 0000 0000 OOOO");
    expect(r).toMatchObject({ visitId: MISS_VISIT_ID, kind: "miss" });
    expect(r.corrections.map((c) => c.position)).toEqual([17, 18, 19, 20]);
  });

  it("visitIdKind classifies normalized IDs", () => {
    expect(visitIdKind(SM00_VISIT_ID)).toBe("sm00");
    expect(visitIdKind(MISS_VISIT_ID)).toBe("miss");
    expect(visitIdKind(SEED_M16 as VisitId)).toBe("standard");
  });
});

describe("parseVisitId — the all-9s placeholder", () => {
  it("is refused as a placeholder, grouped or not, never called a valid visit ID", () => {
    for (const input of ["99999999999999999999", "9999 9999 9999 9999 9999"]) {
      const r = parseVisitId(input);
      expect(r.valid).toBe(false);
      if (!r.valid) {
        expect(r.reason.en).toContain("placeholder");
        expect(r.reason.zh).toContain("不可據以調劑");
      }
    }
    expect(isPlaceholderVisitId(PLACEHOLDER_VISIT_ID)).toBe(true);
    expect(isPlaceholderVisitId("99999999999999999998")).toBe(false);
    expect(parseVisitId("99999999999999999998").valid).toBe(true);
  });
});

describe("parseVisitId — precise rejections", () => {
  it("empty or only whitespace", () => {
    for (const input of ["", "   ", "\r\n", "\t"]) expect(bad(input).reason.en).toBe("No visit ID was entered");
  });

  it("too short or too long, with the count", () => {
    expect(bad("1BYFWZQ21QQXY3B54X0").reason).toEqual({
      zh: "就醫識別碼應為20碼，輸入為19碼",
      en: "A visit ID has 20 characters; this input has 19",
    });
    expect(bad(`${SEED_M16}A`).reason.en).toContain("has 21");
    expect(bad(`${SEED_M16}\r\n${SEED_M16}`).reason.en).toContain("has 40");
  });

  it("a character that has no place in a visit ID: position and character", () => {
    const r = bad("1BYF WZQ2 1Q*X Y3B5 4X0L");
    expect(r).toMatchObject({ position: 11, character: "*" });
    expect(r.reason.en).toContain('Character 11 U+002A "*"');
    expect(r.reason.zh).toContain("第11碼");
    expect(bad("1BYFWZQ21QQXY3B54X0藥")).toMatchObject({ position: 20, character: "藥" });
    expect(bad("1BYFWZQ21QQXY3B54X0é")).toMatchObject({ position: 20, character: "é" });
  });
});

describe("helpers", () => {
  it("formatVisitIdGrouped prints groups of four", () => {
    expect(formatVisitIdGrouped(SEED_M16)).toBe("1BYF WZQ2 1QQX Y3B5 4X0L");
    expect(formatVisitIdGrouped(SM00_VISIT_ID)).toBe("SM00 0000 0000 0000 0000");
  });

  it("isVisitId is strict: uppercase, no I/O, 20 characters", () => {
    expect(isVisitId(SEED_M16)).toBe(true);
    expect(isVisitId(SEED_EXAMPLE)).toBe(false);
    expect(isVisitId(SEED_M16.toLowerCase())).toBe(false);
    expect(isVisitId(`${SEED_M16} `)).toBe(false);
    expect(VISIT_ID_ALPHABET).toHaveLength(34);
  });
});

const visitIdArb = fc
  .array(fc.constantFrom(...VISIT_ID_ALPHABET), { minLength: 20, maxLength: 20 })
  .map((chars) => chars.join(""));

function toFullWidth(s: string): string {
  return [...s].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join("");
}

describe("properties", () => {
  it("every way of writing a valid ID normalizes back to it, with no corrections", () => {
    fc.assert(
      fc.property(
        visitIdArb,
        fc.constantFrom("", " ", "-", "　"),
        fc.constantFrom("", "\r", "\n", "\r\n", "\t"),
        fc.boolean(),
        fc.boolean(),
        (id, separator, ending, lower, fullWidth) => {
          let text = id.replace(/(.{4})(?=.)/g, `$1${separator}`);
          if (lower) text = text.toLowerCase();
          if (fullWidth) text = toFullWidth(text.replace(/　/g, "")).replace(/\uff00/g, "");
          const r = ok(text + ending);
          expect(r.visitId).toBe(id);
          expect(r.corrections).toEqual([]);
          expect(isVisitId(r.visitId)).toBe(true);
        },
      ),
    );
  });

  it("I and O are always corrected to 1 and 0, each reported at its position", () => {
    fc.assert(
      fc.property(visitIdArb, fc.uniqueArray(fc.nat(19), { maxLength: 5 }), (id, positions) => {
        const chars = [...id];
        for (const p of positions) chars[p] = chars[p] === "1" ? "I" : "O";
        const typed = chars.join("");
        fc.pre(typed !== "MISS0000000000000000");
        const r = ok(typed);
        expect(isVisitId(r.visitId)).toBe(true);
        expect(r.corrections.map((c) => c.position)).toEqual(
          chars.flatMap((c, i) => (c === "I" || c === "O" ? [i + 1] : [])),
        );
        for (const c of r.corrections) expect(r.visitId[c.position - 1]).toBe(c.to);
      }),
    );
  });

  it("never throws, and an invalid result always has a reason in both languages", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: "grapheme" }), (input) => {
        const r = parseVisitId(input);
        if (r.valid) expect(isVisitId(r.visitId) || r.kind === "miss").toBe(true);
        else expect(r.reason.zh.length * r.reason.en.length).toBeGreaterThan(0);
      }),
    );
  });
});
