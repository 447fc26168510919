import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FontSubsetError, subsetTrueType } from "./hb-subset.js";
import { readTrueType } from "./truetype.js";

const require = createRequire(import.meta.url);
const regular = require.resolve("@expo-google-fonts/noto-sans-tc/400Regular/NotoSansTC_400Regular.ttf");
const codes = (text: string) => [...text].map((ch) => ch.codePointAt(0)!);
const sorted = (values: Iterable<number>) => [...values].sort((a, b) => a - b);

describe("HarfBuzz subsetting, called directly", () => {
  it("keeps exactly the characters asked for, and the same request gives the same bytes", () => {
    const first = subsetTrueType(regular, codes("調劑紀錄 A1"), { dropTables: ["GSUB", "GPOS"] });
    expect(sorted(readTrueType(first).glyphs.keys())).toEqual(sorted(codes("調劑紀錄 A1")));
    const again = subsetTrueType(regular, codes("調劑紀錄 A1"), { dropTables: ["GSUB", "GPOS"] });
    expect(again).toEqual(first);
    // Each glyph costs bytes: a subset of four more characters is larger.
    const more = subsetTrueType(regular, codes("調劑紀錄 A1藥局病人"), { dropTables: ["GSUB", "GPOS"] });
    expect(more.length).toBeGreaterThan(first.length);
  });

  it("leaves the dropped tables out", () => {
    const tags = (font: Uint8Array) => {
      const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
      return Array.from({ length: view.getUint16(4) }, (_, i) =>
        String.fromCharCode(...font.subarray(12 + 16 * i, 16 + 16 * i)),
      );
    };
    expect(tags(subsetTrueType(regular, codes("藥"), { dropTables: [] }))).toContain("name");
    expect(tags(subsetTrueType(regular, codes("藥"), { dropTables: ["name"] }))).not.toContain("name");
  });

  it("refuses a file that is not a font, and a table tag that is not four characters", () => {
    const junk = join(tmpdir(), `rxdesk-not-a-font-${process.pid}.ttf`);
    writeFileSync(junk, "not a font at all");
    expect(() => subsetTrueType(junk, codes("藥"), { dropTables: [] })).toThrow(FontSubsetError);
    expect(() => subsetTrueType(regular, codes("藥"), { dropTables: ["GSUBX"] })).toThrow(FontSubsetError);
  });
});
