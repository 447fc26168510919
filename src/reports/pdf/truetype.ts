/**
 * What a PDF needs to know of a TrueType font, read straight from its tables: units per em, bounding box, ascent,
 * descent, cap height, each glyph's advance width and the character → glyph map. Enough to embed a subset made by
 * HarfBuzz as a CID font (./font.ts) without a general font library (fontkit took ~150 ms just to load).
 */

export interface TrueTypeMetrics {
  unitsPerEm: number;
  bbox: [number, number, number, number];
  ascent: number;
  descent: number;
  capHeight: number;
  italicAngle: number;
  /** Advance width of each glyph, in font units, by glyph ID. */
  advances: number[];
  /** Unicode code point → glyph ID. */
  glyphs: Map<number, number>;
}

export class TrueTypeError extends Error {}

function tables(font: DataView): Map<string, { offset: number; length: number }> {
  const count = font.getUint16(4);
  const found = new Map<string, { offset: number; length: number }>();
  for (let i = 0; i < count; i++) {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(
      font.getUint8(at),
      font.getUint8(at + 1),
      font.getUint8(at + 2),
      font.getUint8(at + 3),
    );
    found.set(tag, { offset: font.getUint32(at + 8), length: font.getUint32(at + 12) });
  }
  return found;
}

/** Format 12 (all planes) or format 4 (the BMP) of the Windows Unicode cmap. */
function readCmap(font: DataView, start: number): Map<number, number> {
  const glyphs = new Map<number, number>();
  const count = font.getUint16(start + 2);
  let format4: number | undefined;
  let format12: number | undefined;
  for (let i = 0; i < count; i++) {
    const at = start + 4 + 8 * i;
    const platform = font.getUint16(at);
    const encoding = font.getUint16(at + 2);
    const offset = start + font.getUint32(at + 4);
    const format = font.getUint16(offset);
    if (format === 12 && (platform === 3 || platform === 0)) format12 = offset;
    if (format === 4 && ((platform === 3 && encoding === 1) || platform === 0)) format4 = offset;
  }
  if (format12 !== undefined) {
    const groups = font.getUint32(format12 + 12);
    for (let g = 0; g < groups; g++) {
      const at = format12 + 16 + 12 * g;
      const first = font.getUint32(at);
      const last = font.getUint32(at + 4);
      const glyph = font.getUint32(at + 8);
      for (let cp = first; cp <= last; cp++) glyphs.set(cp, glyph + cp - first);
    }
    return glyphs;
  }
  if (format4 === undefined) throw new TrueTypeError("font has no Unicode cmap");
  const segments = font.getUint16(format4 + 6) / 2;
  const ends = format4 + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  for (let s = 0; s < segments; s++) {
    const end = font.getUint16(ends + 2 * s);
    const first = font.getUint16(starts + 2 * s);
    const delta = font.getInt16(deltas + 2 * s);
    const rangeAt = rangeOffsets + 2 * s;
    const range = font.getUint16(rangeAt);
    for (let cp = first; cp <= end && cp !== 0xffff; cp++) {
      let glyph: number;
      if (range === 0) glyph = (cp + delta) & 0xffff;
      else {
        const raw = font.getUint16(rangeAt + range + 2 * (cp - first));
        glyph = raw === 0 ? 0 : (raw + delta) & 0xffff;
      }
      if (glyph !== 0) glyphs.set(cp, glyph);
    }
  }
  return glyphs;
}

export function readTrueType(bytes: Uint8Array): TrueTypeMetrics {
  const font = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const t = tables(font);
  const need = (tag: string) => {
    const table = t.get(tag);
    if (!table) throw new TrueTypeError(`font has no ${tag} table`);
    return table.offset;
  };
  const head = need("head");
  const hhea = need("hhea");
  const hmtx = need("hmtx");
  const numGlyphs = font.getUint16(need("maxp") + 4);
  const longMetrics = font.getUint16(hhea + 34);
  const advances: number[] = [];
  for (let g = 0; g < numGlyphs; g++) advances.push(font.getUint16(hmtx + 4 * Math.min(g, longMetrics - 1)));
  const ascent = font.getInt16(hhea + 4);
  const os2 = t.get("OS/2");
  const capHeight = os2 && font.getUint16(os2.offset) >= 2 ? font.getInt16(os2.offset + 88) : ascent;
  const post = t.get("post");
  return {
    unitsPerEm: font.getUint16(head + 18),
    bbox: [font.getInt16(head + 36), font.getInt16(head + 38), font.getInt16(head + 40), font.getInt16(head + 42)],
    ascent,
    descent: font.getInt16(hhea + 6),
    capHeight,
    italicAngle: post ? font.getInt32(post.offset + 4) / 65536 : 0,
    advances,
    glyphs: readCmap(font, need("cmap")),
  };
}
