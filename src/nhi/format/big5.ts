/**
 * Big5 as NHI reads it: plain Big5 / CP950 (no HKSCS, no user-defined characters in the private use area).
 * A character counts as Big5 when CP950 encodes it and decodes it back unchanged.
 */
import iconv from "iconv-lite";

export const BIG5_ENCODING = "cp950";

const cache = new Map<string, boolean>();

export function isBig5Char(ch: string): boolean {
  const code = ch.codePointAt(0)!;
  if (code < 0x80) return true;
  if (code >= 0xe000 && code <= 0xf8ff) return false; // user-defined characters (造字)
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

/** `U+1F600 "😀"` — how a character is named in messages. */
export function describeCharacter(ch: string): string {
  const code = ch.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return code >= 0x20 && code !== 0x7f && code !== 0xfffd ? `${hex} "${ch}"` : hex;
}
