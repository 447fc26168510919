/**
 * Big5 (code page 950) for names on NHI cards. Standard characters go through iconv-lite's cp950 table; bytes in the
 * user-defined areas (造字 / EUDC) map to the Private Use Area exactly as Windows code page 950 does, so a name
 * with a site-specific rare character survives a read and a later Big5 upload byte for byte.
 */
import iconv from "iconv-lite";

interface EudcArea {
  firstLead: number;
  lastLead: number;
  base: number;
}

/** Windows cp950 EUDC rows (157 cells each: trail 40–7E then A1–FE). */
const EUDC_AREAS: readonly EudcArea[] = [
  { firstLead: 0xfa, lastLead: 0xfe, base: 0xe000 },
  { firstLead: 0x8e, lastLead: 0xa0, base: 0xe311 },
  { firstLead: 0x81, lastLead: 0x8d, base: 0xeeb8 },
];
const CELLS_PER_ROW = 157;

function trailIndex(trail: number): number {
  if (trail >= 0x40 && trail <= 0x7e) return trail - 0x40;
  if (trail >= 0xa1 && trail <= 0xfe) return trail - 0xa1 + 63;
  return -1;
}

function eudcArea(lead: number): EudcArea | undefined {
  return EUDC_AREAS.find((a) => lead >= a.firstLead && lead <= a.lastLead);
}

export type Big5DecodeResult =
  | { ok: true; text: string; userDefined: number }
  | { ok: false; offset: number; bytes: string };

/** Decodes Big5 bytes strictly: any byte sequence that is not a character (or a control character) fails. */
export function decodeBig5Strict(bytes: Uint8Array): Big5DecodeResult {
  let text = "";
  let userDefined = 0;
  const fail = (offset: number, length: number): Big5DecodeResult => ({
    ok: false,
    offset,
    bytes: Buffer.from(bytes.subarray(offset, offset + length))
      .toString("hex")
      .toUpperCase(),
  });
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      if (lead < 0x20 || lead === 0x7f) return fail(i, 1);
      text += String.fromCharCode(lead);
      i += 1;
      continue;
    }
    const trail = bytes[i + 1];
    if (lead < 0x81 || lead > 0xfe || trail === undefined || trailIndex(trail) < 0) return fail(i, 2);
    const area = eudcArea(lead);
    if (area) {
      text += String.fromCharCode(area.base + (lead - area.firstLead) * CELLS_PER_ROW + trailIndex(trail));
      userDefined++;
    } else {
      const ch = iconv.decode(Buffer.from([lead, trail]), "cp950");
      if (ch.length !== 1 || ch === "\ufffd") return fail(i, 2);
      text += ch;
    }
    i += 2;
  }
  return { ok: true, text, userDefined };
}

function encodeEudc(codePoint: number): [number, number] | undefined {
  for (const area of EUDC_AREAS) {
    const rows = area.lastLead - area.firstLead + 1;
    const index = codePoint - area.base;
    if (index >= 0 && index < rows * CELLS_PER_ROW) {
      const cell = index % CELLS_PER_ROW;
      return [area.firstLead + Math.floor(index / CELLS_PER_ROW), cell < 63 ? 0x40 + cell : 0xa1 + cell - 63];
    }
  }
  return undefined;
}

/** Encodes text as Big5 (cp950 + EUDC); throws on a character Big5 cannot hold. */
export function encodeBig5Strict(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      if (cp < 0x20 || cp === 0x7f) throw new RangeError(`control character U+${cp.toString(16)} in ${text}`);
      out.push(cp);
      continue;
    }
    const eudc = encodeEudc(cp);
    if (eudc) {
      out.push(...eudc);
      continue;
    }
    const bytes = iconv.encode(ch, "cp950");
    if (bytes.length !== 2 || iconv.decode(bytes, "cp950") !== ch) {
      throw new RangeError(`"${ch}" (U+${cp.toString(16).toUpperCase()}) is not a Big5 character`);
    }
    out.push(bytes[0]!, bytes[1]!);
  }
  return Uint8Array.from(out);
}
