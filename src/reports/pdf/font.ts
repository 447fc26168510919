/**
 * The report font: Noto Sans TC (TrueType, shipped through npm by `@expo-google-fonts/noto-sans-tc`), cut down with
 * HarfBuzz (`subset-font`) to exactly the characters a document uses, then embedded whole (`subset: false`).
 *
 * Why not pdf-lib's own `subset: true`: with this font it produces PDFs whose text extracts fine but renders with
 * most CJK glyphs missing. Why `noLayoutClosure` and no layout features: with HarfBuzz's default GSUB closure the
 * subset carries extra glyphs, and pdf-lib then writes wrong widths and ToUnicode entries for digits and some Latin
 * letters (`1BYF…` came out as `1  BYF…` on the page and vanished from extracted text). Without layout tables the
 * glyph for a character is its cmap glyph, so the widths we measure are the widths pdf-lib writes.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import fontkit from "@pdf-lib/fontkit";
import type { PDFDocument, PDFFont, PDFHexString } from "pdf-lib";
import subsetFont from "subset-font";

export type FontWeight = "regular" | "bold";

const FONT_FILES: Record<FontWeight, string> = {
  regular: "@expo-google-fonts/noto-sans-tc/400Regular/NotoSansTC_400Regular.ttf",
  bold: "@expo-google-fonts/noto-sans-tc/700Bold/NotoSansTC_700Bold.ttf",
};

const require = createRequire(import.meta.url);
/** The source font files (7 MB each), read once per process. */
const sourceCache = new Map<FontWeight, Buffer>();

/**
 * A Buffer: subset-font sniffs the format with Buffer methods and rejects a plain Uint8Array. Read synchronously:
 * the asynchronous read goes in 512 KB chunks, each a round trip through the thread pool, and on a busy 2-core
 * machine those 14 round trips kept a report idle for ~270 ms; in one go it takes ~6 ms.
 */
function loadSource(weight: FontWeight): Buffer {
  let source = sourceCache.get(weight);
  if (!source) {
    source = readFileSync(require.resolve(FONT_FILES[weight]));
    sourceCache.set(weight, source);
  }
  return source;
}

/** What is drawn in place of a character the font lacks (a visible mark, never an invisible .notdef). */
export const REPLACEMENT_CHARACTER = "?";

/** A font embedded into one document, with the widths of exactly the characters it can draw. */
export interface ReportFont {
  weight: FontWeight;
  pdfFont: PDFFont;
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
  /** `text` (already cleaned) as the font's glyph codes, remembered per text: the encoding runs a layout. */
  encode(text: string): PDFHexString;
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
export async function embedReportFont(
  doc: PDFDocument,
  texts: Iterable<string>,
  weight: FontWeight,
): Promise<ReportFont> {
  const source = loadSource(weight);
  const chars = new Set<string>();
  if (weight === "regular") for (const ch of `0123456789${REPLACEMENT_CHARACTER}`) chars.add(ch);
  const all = new Set<number>();
  for (const text of texts) for (const ch of text) all.add(ch.codePointAt(0)!);
  for (const cp of all) if (isDrawable(cp)) chars.add(String.fromCodePoint(cp));
  const subset = await subsetFont(source, [...chars].join(""), {
    targetFormat: "truetype",
    noLayoutClosure: true,
    keepFeatures: [],
    noHinting: true,
    dropTables: DROP_TABLES,
  });
  doc.registerFontkit(fontkit);
  const pdfFont = await doc.embedFont(subset, { subset: false });
  const metrics = fontkit.create(subset);
  const scale = 1 / metrics.unitsPerEm;
  const widths = new Map<number, number>();
  for (const cp of metrics.characterSet) widths.set(cp, metrics.glyphForCodePoint(cp).advanceWidth * scale);
  const coverage = new Set(widths.keys());
  const fallback = widths.get(REPLACEMENT_CHARACTER.codePointAt(0)!) ?? 0.5;
  const encoded = new Map<string, PDFHexString>();
  return {
    encode(text) {
      let hex = encoded.get(text);
      if (!hex) {
        hex = pdfFont.encodeText(text);
        encoded.set(text, hex);
      }
      return hex;
    },
    weight,
    pdfFont,
    subsetBytes: subset.length,
    characters: coverage.size,
    clean: (text) => cleanWith(coverage, text),
    covers: (text) => cleanWith(coverage, text) === cleanWith(ALL, text),
    width(text, size) {
      let units = 0;
      for (const ch of text) units += widths.get(ch.codePointAt(0)!) ?? fallback;
      return units * size;
    },
  };
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
