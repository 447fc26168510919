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

export function encodeBig5(text: string): Uint8Array {
  return new Uint8Array(iconv.encode(text, BIG5_ENCODING));
}

export function decodeBig5(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), BIG5_ENCODING);
}

/** `U+1F600 "😀"` — how a character is named in messages. */
export function describeCharacter(ch: string): string {
  const code = ch.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return code >= 0x20 && code !== 0x7f && code !== 0xfffd ? `${hex} "${ch}"` : hex;
}
