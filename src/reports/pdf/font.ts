/**
 * The report font: Noto Sans TC (TrueType, shipped through npm by `@expo-google-fonts/noto-sans-tc`), cut down with
 * HarfBuzz (./hb-subset.ts) to exactly the characters a document uses, then embedded by us as a CID font whose codes
 * are the subset's glyph IDs (metrics from ./truetype.ts). pdf-lib's own path went through fontkit, which cost
 * ~150 ms to load and ~40 ms per font on every report, and whose `subset: true` renders most CJK glyphs missing.
 *
 * Why no layout closure and no layout features: with HarfBuzz's default GSUB closure the subset carries extra
 * glyphs. Without layout tables the glyph for a character is its cmap glyph: what we measure is what we draw.
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { type PdfDocument, type PdfRef, PdfText } from "./document.js";
import { subsetTrueType } from "./hb-subset.js";
import { readTrueType, type TrueTypeMetrics } from "./truetype.js";

export type FontWeight = "regular" | "bold";

const FONT_FILES: Record<FontWeight, string> = {
  regular: "@expo-google-fonts/noto-sans-tc/400Regular/NotoSansTC_400Regular.ttf",
  bold: "@expo-google-fonts/noto-sans-tc/700Bold/NotoSansTC_700Bold.ttf",
};

const require = createRequire(import.meta.url);

/** What is drawn in place of a character the font lacks (a visible mark, never an invisible .notdef). */
export const REPLACEMENT_CHARACTER = "?";

/** A font embedded into one document, with the widths of exactly the characters it can draw. */
export interface ReportFont {
  weight: FontWeight;
  /** The PostScript name (BaseFont) with its subset tag, e.g. `KQWZBT+NotoSansTC-Regular`. */
  name: string;
  /** The embedded Type 0 font. */
  ref: PdfRef;
  /** Width of `text` at `size` points; characters must have gone through `clean`. */
  width(text: string, size: number): number;
  /** Replaces characters the subset cannot draw (and drops control characters) so nothing renders as a box. */
  clean(text: string): string;
  /** Bytes of the subset font file embedded in the PDF. */
  subsetBytes: number;
  /** Number of characters the subset covers. */
  characters: number;
  /** True when every drawable character of `text` is in the subset. */
  covers(text: string): boolean;
  /** `text` (already cleaned) as the font's glyph codes in hex (four digits each), remembered per text. */
  encode(text: string): string;
}

function isDrawable(cp: number): boolean {
  return cp >= 0x20 && !(cp >= 0x7f && cp < 0xa0) && cp !== 0xfeff && !(cp >= 0xd800 && cp <= 0xdfff);
}

const ALL: ReadonlySet<number> = { has: () => true } as unknown as ReadonlySet<number>;

/** Normalizes text for drawing: tabs and line breaks become spaces, uncovered characters become `?`. */
export function cleanWith(coverage: ReadonlySet<number>, text: string): string {
  let out = "";
  for (const ch of text.replace(/[\t\r\n\u2028\u2029]+/g, " ")) {
    const cp = ch.codePointAt(0)!;
    if (!isDrawable(cp)) continue;
    out += coverage.has(cp) || cp === 0x20 ? ch : REPLACEMENT_CHARACTER;
  }
  return out;
}

/**
 * Subsets the font to the characters of `texts` and embeds it into `doc`; the regular weight also gets the digits
 * (page numbers) and `?`, drawn for characters the font does not have. Not all of ASCII: ~60 unused glyphs were
 * 3.5 KB of a three-page log.
 */
export function embedReportFont(doc: PdfDocument, texts: Iterable<string>, weight: FontWeight): ReportFont {
  const all = new Set<number>();
  if (weight === "regular") for (const ch of `0123456789${REPLACEMENT_CHARACTER}`) all.add(ch.codePointAt(0)!);
  for (const text of texts) for (const ch of text) all.add(ch.codePointAt(0)!);
  const drawn = [...all].filter(isDrawable);
  const subset = subsetTrueType(require.resolve(FONT_FILES[weight]), drawn, { dropTables: DROP_TABLES });
  const metrics = readTrueType(subset);
  const scale = 1 / metrics.unitsPerEm;
  const widths = new Map<number, number>();
  for (const [cp, glyph] of metrics.glyphs) widths.set(cp, (metrics.advances[glyph] ?? 0) * scale);
  const coverage = new Set(widths.keys());
  const fallback = widths.get(REPLACEMENT_CHARACTER.codePointAt(0)!) ?? 0.5;
  const name = `${subsetTag(subset)}+${POSTSCRIPT_NAMES[weight]}`;
  const ref = embedCidFont(doc, name, subset, metrics);
  const encoded = new Map<string, string>();
  // A long log draws the same cells (本藥局, a pharmacist, a state) thousands of times.
  const cleaned = new Map<string, string>();
  const clean = (text: string) => {
    let out = cleaned.get(text);
    if (out === undefined) {
      out = cleanWith(coverage, text);
      cleaned.set(text, out);
    }
    return out;
  };
  return {
    encode(text) {
      let hex = encoded.get(text);
      if (hex === undefined) {
        hex = "";
        for (const ch of text) hex += hex4(metrics.glyphs.get(ch.codePointAt(0)!) ?? 0);
        encoded.set(text, hex);
      }
      return hex;
    },
    weight,
    name,
    ref,
    subsetBytes: subset.length,
    characters: coverage.size,
    clean,
    covers: (text) => clean(text) === cleanWith(ALL, text),
    width(text, size) {
      let units = 0;
      for (const ch of text) units += widths.get(ch.codePointAt(0)!) ?? fallback;
      return units * size;
    },
  };
}

const POSTSCRIPT_NAMES: Record<FontWeight, string> = {
  regular: "NotoSansTC-Regular",
  bold: "NotoSansTC-Bold",
};

/** A subset's tag (PDF 1.7 §9.6.4): six capital letters, here from the subset's own bytes, so each differs. */
function subsetTag(subset: Uint8Array): string {
  const digest = createHash("sha256").update(subset).digest();
  return Array.from(digest.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join("");
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, "0");
}

/**
 * Embeds `subset` as a Type 0 font over a CIDFontType2 (Identity-H: the codes drawn are glyph IDs), with the widths
 * of every glyph and a ToUnicode map so text can be copied and searched. Returns the Type 0 font's reference.
 */
function embedCidFont(doc: PdfDocument, name: string, subset: Uint8Array, m: TrueTypeMetrics): PdfRef {
  const em = (units: number) => Math.round((units * 1000) / m.unitsPerEm);
  const file = doc.stream(subset, { Length1: subset.length });
  const descriptor = doc.register({
    Type: "FontDescriptor",
    FontName: name,
    Flags: 4,
    FontBBox: m.bbox.map(em),
    ItalicAngle: m.italicAngle,
    Ascent: em(m.ascent),
    Descent: em(m.descent),
    CapHeight: em(m.capHeight),
    StemV: 80,
    FontFile2: file,
  });
  const cidFont = doc.register({
    Type: "Font",
    Subtype: "CIDFontType2",
    BaseFont: name,
    CIDSystemInfo: { Registry: new PdfText("Adobe"), Ordering: new PdfText("Identity"), Supplement: 0 },
    FontDescriptor: descriptor,
    W: [0, m.advances.map(em)],
    CIDToGIDMap: "Identity",
  });
  const toUnicode = doc.stream(toUnicodeCmap(m.glyphs));
  return doc.register({
    Type: "Font",
    Subtype: "Type0",
    BaseFont: name,
    Encoding: "Identity-H",
    DescendantFonts: [cidFont],
    ToUnicode: toUnicode,
  });
}

/** The glyph → Unicode map (a CMap program) that text extraction reads. */
function toUnicodeCmap(glyphs: ReadonlyMap<number, number>): string {
  const pairs: string[] = [];
  const seen = new Set<number>();
  for (const [cp, glyph] of glyphs) {
    if (seen.has(glyph)) continue;
    seen.add(glyph);
    const units = String.fromCodePoint(cp);
    let utf16 = "";
    for (let i = 0; i < units.length; i++) utf16 += hex4(units.charCodeAt(i));
    pairs.push(`<${hex4(glyph)}> <${utf16}>`);
  }
  const blocks: string[] = [];
  for (let i = 0; i < pairs.length; i += 100) {
    const block = pairs.slice(i, i + 100);
    blocks.push(`${block.length} beginbfchar\n${block.join("\n")}\nendbfchar`);
  }
  return [
    "/CIDInit /ProcSet findresource begin",
    "12 dict begin",
    "begincmap",
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
    "/CMapName /Adobe-Identity-UCS def",
    "/CMapType 2 def",
    "1 begincodespacerange",
    "<0000> <FFFF>",
    "endcodespacerange",
    ...blocks,
    "endcmap",
    "CMapName currentdict /CMap defineresource pop",
    "end",
    "end",
  ].join("\n");
}

/** Tables a PDF viewer never reads from an embedded CID TrueType font (layout, vertical metrics, names). */
const DROP_TABLES = [
  "GSUB",
  "GPOS",
  "GDEF",
  "BASE",
  "STAT",
  "vhea",
  "vmtx",
  "VORG",
  "DSIG",
  "gasp",
  "prep",
  "fpgm",
  "cvt ",
];
