/**
 * Big5, the one module for the whole program (NHI card names and upload documents), with one policy:
 *
 * **Big5 is plain CP950 as NHI checks it.** Uploads must be Big5 and any other character rejects the record (check
 * code Y014 非BIG5碼; domain.md §3.2: plain Big5/CP950, not HKSCS). User-defined characters (造字, the EUDC rows
 * 0x81–0xA0 and 0xFA–0xFE) are each site's own glyphs: NHI cannot know them, so they are not Big5 here.
 *
 * - Reading an NHI card (`decodeBig5Strict`): a user-defined character is kept, never dropped or guessed: it becomes
 *   the Private Use Area code point Windows cp950 gives it and is counted (`userDefined`), so the pharmacist is told
 *   the name holds one; `displayUserDefined` shows it as □ (a visible stand-in) instead of an invisible PUA glyph.
 * - Uploading (`isBig5Char`, `firstNonBig5`, `encodeBig5`): a user-defined character is refused with Y014, naming
 *   the field and the character as 造字 (`describeCharacter`), so nothing is corrupted silently.
 *
 * A character counts as Big5 when CP950 encodes it and decodes it back unchanged.
 */
import iconv from "iconv-lite";

export const BIG5_ENCODING = "cp950";

const cache = new Map<string, boolean>();

export function isBig5Char(ch: string): boolean {
  const code = ch.codePointAt(0)!;
  if (code < 0x80) return true;
  if (isUserDefinedCodePoint(code)) return false; // user-defined characters (造字): not Big5 for NHI
  if (code === 0xfffd) return false; // stands for bytes that were not Big5
  let ok = cache.get(ch);
  if (ok === undefined) {
    const bytes = iconv.encode(ch, BIG5_ENCODING);
    ok = !(bytes.length === 1 && bytes[0] === 0x3f) && iconv.decode(bytes, BIG5_ENCODING) === ch;
    cache.set(ch, ok);
  }
  return ok;
}

/** The first character that plain Big5 cannot carry, or undefined. */
export function firstNonBig5(text: string): { character: string; index: number } | undefined {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x80) continue;
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    if (!isBig5Char(ch)) return { character: ch, index: i };
    if (ch.length === 2) i++;
  }
  return undefined;
}

/** Length in Big5 bytes (ASCII 1, everything else 2) — how NHI counts X(n). */
export function big5Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) n += text.charCodeAt(i) < 0x80 ? 1 : 2;
  return n;
}

const NON_ASCII = /[^\u0000-\u007f]/g;
const charBytes = new Map<string, Buffer>();

/**
 * Big5 (CP950) bytes of a text. Mostly-ASCII upload documents are written run by run; each non-ASCII character's
 * bytes are looked up once. A character CP950 cannot carry falls back to iconv-lite (which writes `?`): callers
 * check with `firstNonBig5` first.
 */
export function encodeBig5(text: string): Uint8Array {
  const out = Buffer.allocUnsafe(text.length * 2);
  let j = 0;
  let last = 0;
  NON_ASCII.lastIndex = 0;
  for (let m = NON_ASCII.exec(text); m !== null; m = NON_ASCII.exec(text)) {
    const i = m.index;
    if (i > last) j += out.write(text.slice(last, i), j, "latin1");
    const ch = m[0];
    let bytes = charBytes.get(ch);
    if (bytes === undefined) {
      bytes = iconv.encode(ch, BIG5_ENCODING);
      charBytes.set(ch, bytes);
    }
    if (bytes.length !== 2 || !isBig5Char(ch)) return iconv.encode(text, BIG5_ENCODING);
    out[j++] = bytes[0]!;
    out[j++] = bytes[1]!;
    last = i + 1;
  }
  if (last < text.length) j += out.write(text.slice(last), j, "latin1");
  return out.subarray(0, j);
}

const pairs = new Map<number, string>();
const LEAD_PAIR = /[\u0080-\u00ff][\u0000-\u00ff]?/g;

/**
 * Big5 (CP950) bytes to text, exactly as iconv-lite decodes them. ASCII is copied natively and each two-byte
 * character is looked up once; anything that is not a clean two-byte character (invalid or truncated bytes) falls back
 * to iconv-lite for the whole input, so results never differ.
 */
export function decodeBig5(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Latin-1 maps each byte to one character; only lead bytes (≥ 0x80) and their trail bytes need the table.
  const latin = buf.toString("latin1");
  let failed = false;
  const text = latin.replace(LEAD_PAIR, (pair) => {
    if (pair.length !== 2) {
      failed = true;
      return pair;
    }
    const key = (pair.charCodeAt(0) << 8) | pair.charCodeAt(1);
    let ch = pairs.get(key);
    if (ch === undefined) {
      ch = iconv.decode(Buffer.from([pair.charCodeAt(0), pair.charCodeAt(1)]), BIG5_ENCODING);
      pairs.set(key, ch);
    }
    if (ch.length !== 1 || ch === "\uFFFD") failed = true;
    return ch;
  });
  return failed ? iconv.decode(buf, BIG5_ENCODING) : text;
}

/** Whether a code point is in the Private Use Area, where user-defined characters (造字) are decoded to. */
export function isUserDefinedCodePoint(code: number): boolean {
  return code >= 0xe000 && code <= 0xf8ff;
}

/** `U+1F600 "😀"`, `U+E0A3 (造字 user-defined)` — how a character is named in messages. */
export function describeCharacter(ch: string): string {
  const code = ch.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  if (isUserDefinedCodePoint(code)) return `${hex} (造字 user-defined)`;
  return code >= 0x20 && code !== 0x7f && code !== 0xfffd ? `${hex} "${ch}"` : hex;
}

/** The stand-in shown for a user-defined character: □ (itself a Big5 character, A1BC). */
export const USER_DEFINED_STAND_IN = "□";

/** Text for a person to read: each user-defined character (invisible as a PUA glyph) shown as □. */
export function displayUserDefined(text: string): string {
  let out = "";
  for (const ch of text) out += isUserDefinedCodePoint(ch.codePointAt(0)!) ? USER_DEFINED_STAND_IN : ch;
  return out;
}

// --- NHI card names: strict decoding that keeps user-defined characters (see the policy above) ---

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

/**
 * Decodes Big5 bytes strictly (card names): any byte sequence that is not a character (or a control character)
 * fails; user-defined characters become Private Use Area code points and are counted.
 */
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
      const ch = iconv.decode(Buffer.from([lead, trail]), BIG5_ENCODING);
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

/**
 * Encodes a card name as the card stores it (virtual card and fixtures): cp950 plus user-defined characters back to
 * their EUDC bytes; throws on a character Big5 cannot hold. Never used for uploads (see `encodeBig5`).
 */
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
    const bytes = iconv.encode(ch, BIG5_ENCODING);
    if (bytes.length !== 2 || iconv.decode(bytes, BIG5_ENCODING) !== ch) {
      throw new RangeError(`"${ch}" (U+${cp.toString(16).toUpperCase()}) is not a Big5 character`);
    }
    out.push(bytes[0]!, bytes[1]!);
  }
  return Uint8Array.from(out);
}
