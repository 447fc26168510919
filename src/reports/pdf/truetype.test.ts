import { createRequire } from "node:module";
import fontkit from "@pdf-lib/fontkit";
import { describe, expect, it } from "vitest";
import { subsetTrueType } from "./hb-subset.js";
import { readTrueType, TrueTypeError } from "./truetype.js";

const require = createRequire(import.meta.url);
const file = require.resolve("@expo-google-fonts/noto-sans-tc/400Regular/NotoSansTC_400Regular.ttf");
const TEXT = "慢性病連續處方箋調劑紀錄 QR00 B123****780 114/12/07 100.0 % ?𠀋";

describe("TrueType metrics read from the tables", () => {
  it("agree with fontkit on a HarfBuzz subset: glyph of each character, its advance, em and box", () => {
    const subset = subsetTrueType(
      file,
      [...TEXT].map((ch) => ch.codePointAt(0)!),
      { dropTables: [] },
    );
    const ours = readTrueType(subset);
    const theirs = fontkit.create(Buffer.from(subset));
    expect(ours.unitsPerEm).toBe(theirs.unitsPerEm);
    expect(ours.ascent).toBe(theirs.ascent);
    expect(ours.descent).toBe(theirs.descent);
    expect(ours.bbox).toEqual([theirs.bbox.minX, theirs.bbox.minY, theirs.bbox.maxX, theirs.bbox.maxY]);
    // fontkit also lists U+FFFF, the end marker of a format 4 cmap, which maps to no glyph.
    const characters = theirs.characterSet.filter((cp) => cp !== 0xffff).sort((a, b) => a - b);
    expect(characters.length).toBeGreaterThan(20);
    expect([...ours.glyphs.keys()].sort((a, b) => a - b)).toEqual(characters);
    for (const cp of characters) {
      const glyph = theirs.glyphForCodePoint(cp);
      expect(ours.glyphs.get(cp), String.fromCodePoint(cp)).toBe(glyph.id);
      expect(ours.advances[glyph.id], String.fromCodePoint(cp)).toBe(glyph.advanceWidth);
    }
  });

  it("refuses bytes without the tables it needs", () => {
    const empty = new Uint8Array(12);
    expect(() => readTrueType(empty)).toThrow(TrueTypeError);
  });
});
