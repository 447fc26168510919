/**
 * Parses NHI's check-result report text into structured entries. Accepts Big5 or UTF-8 bytes (or a string), CRLF or
 * LF, several records and several errors per record; `NULL` values are left out, MB2 fields keep their index
 * (`D05[1]`), and codes this dictionary does not know are kept with `known: false`, never dropped.
 */
import { isKnownNhiCode } from "../error-codes.js";
import { decodeBig5 } from "../format/big5.js";
import { NULL_VALUE } from "./layout.js";

export interface CheckReportError {
  /** M15, D05[1]; empty when the report names no field. */
  field: string;
  code: string;
  known: boolean;
}

export interface CheckReportEntry {
  /** 第[n]筆: the record's 1-based position in the upload. */
  recordNo: number;
  /** Every field shown with a value; NULL fields are absent, masked blanks (`M03=[ ]`) are "". */
  fields: Record<string, string>;
  errors: CheckReportError[];
}

/** Decodes report bytes: UTF-8 when they are valid UTF-8, otherwise Big5 (CP950). A BOM is dropped. */
export function decodeReportText(input: Uint8Array | string): string {
  if (typeof input === "string") return input.replace(/^\uFEFF/, "");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(input).replace(/^\uFEFF/, "");
  } catch {
    return decodeBig5(input);
  }
}

const RECORD_RE = /^\s*第\s*[[［]\s*(\d+)\s*[\]］]\s*筆/;
const FIELD_RE = /^\s*([A-Z]\d{2}(?:\[\d+\])?)\s*=\s*\[(.*)\]\s*$/;
const ERROR_RE = /^\s*錯誤原因\s*[:：](.*)$/;

function unpad(inner: string): string {
  let s = inner;
  if (s.startsWith(" ")) s = s.slice(1);
  if (s.endsWith(" ")) s = s.slice(0, -1);
  return s;
}

export function parseErrorList(text: string): CheckReportError[] {
  const errors: CheckReportError[] = [];
  for (const part of text.split(/[;；]/)) {
    const item = part.trim();
    if (item === "") continue;
    const colon = item.search(/[:：](?=[^:：]*$)/);
    const field = colon === -1 ? "" : item.slice(0, colon).trim();
    const code = (colon === -1 ? item : item.slice(colon + 1)).trim().toUpperCase();
    if (code === "") continue;
    errors.push({ field, code, known: isKnownNhiCode(code) });
  }
  return errors;
}

export function parseCheckReport(input: Uint8Array | string): CheckReportEntry[] {
  // Big5 bytes are read as Latin-1 (one character per byte, cheap) and only the lines or values that hold
  // non-ASCII bytes are decoded. Line ends, spaces, `=`, `[` and `]` of the layout are ASCII and never a Big5 lead
  // byte; a Big5 trail byte may look like `[` or `]`, which is why a value ends at the line's last `]`.
  let big5Latin1 = false;
  let text: string;
  if (typeof input !== "string" && !isUtf8(input)) {
    text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString("latin1");
    big5Latin1 = true;
  } else text = decodeReportText(input);
  // Bare CR line ends (old Mac editors): normalize once so every line ends in LF or CRLF.
  if (/\r(?!\n)/.test(text)) text = text.replace(/\r\n?/g, "\n");
  const entries: CheckReportEntry[] = [];
  let current: CheckReportEntry | undefined;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const lineStart = start;
    let lineEnd = end;
    start = end + 1;
    if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    if (current && fieldLineAt(text, lineStart, lineEnd, current.fields, big5Latin1)) continue;
    let line = text.slice(lineStart, lineEnd);
    if (big5Latin1 && NON_ASCII.test(line)) line = fromLatin1Big5(line);
    current = parseLine(line, entries, current);
  }
  return entries;
}

const NON_ASCII = /[^\u0000-\u007f]/;

function fromLatin1Big5(latin1: string): string {
  return decodeBig5(Buffer.from(latin1, "latin1"));
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Field names without an index (M15, H00…) are shared strings instead of a new slice per line. */
const plainNames = new Map<number, string>();
function plainName(text: string, s: number): string {
  const key = (text.charCodeAt(s) << 16) | (text.charCodeAt(s + 1) << 8) | text.charCodeAt(s + 2);
  let name = plainNames.get(key);
  if (name === undefined) {
    name = text.slice(s, s + 3);
    plainNames.set(key, name);
  }
  return name;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Fast path for the common `M15=[ value ]` / `D05[1]=[ value ]` line, read in place without a regular expression.
 * Returns false when the line does not have exactly that shape (the general parser then handles it).
 */
function fieldLineAt(text: string, s: number, e: number, fields: Record<string, string>, big5Latin1: boolean): boolean {
  if (
    e - s < 6 ||
    !isUpper(text.charCodeAt(s)) ||
    !isDigit(text.charCodeAt(s + 1)) ||
    !isDigit(text.charCodeAt(s + 2))
  ) {
    return false;
  }
  let p = s + 3;
  if (text.charCodeAt(p) === 91) {
    let q = p + 1;
    while (q < e && isDigit(text.charCodeAt(q))) q++;
    if (q === p + 1 || text.charCodeAt(q) !== 93) return false;
    p = q + 1;
  }
  if (text.charCodeAt(p) !== 61 || text.charCodeAt(p + 1) !== 91) return false;
  let end = e;
  while (end > p + 2 && text.charCodeAt(end - 1) === 32) end--;
  if (end <= p + 2 || text.charCodeAt(end - 1) !== 93) return false;
  let a = p + 2;
  let b = end - 1;
  if (a < b && text.charCodeAt(a) === 32) a++;
  if (b > a && text.charCodeAt(b - 1) === 32) b--;
  if (b - a === 4 && text.startsWith(NULL_VALUE, a)) return true;
  let value = text.slice(a, b);
  if (value.length > 4 && value.trim() === NULL_VALUE) return true;
  if (big5Latin1 && NON_ASCII.test(value)) value = fromLatin1Big5(value);
  fields[p === s + 3 ? plainName(text, s) : text.slice(s, p)] = value;
  return true;
}

function parseLine(
  line: string,
  entries: CheckReportEntry[],
  current: CheckReportEntry | undefined,
): CheckReportEntry | undefined {
  if (line.indexOf("筆") !== -1) {
    const record = RECORD_RE.exec(line);
    if (record) {
      const entry: CheckReportEntry = { recordNo: Number(record[1]), fields: {}, errors: [] };
      entries.push(entry);
      return entry;
    }
  }
  if (!current) return current;
  if (line.indexOf("錯誤原因") !== -1) {
    const errors = ERROR_RE.exec(line);
    if (errors) {
      current.errors.push(...parseErrorList(errors[1]!));
      return current;
    }
  }
  const field = FIELD_RE.exec(line);
  if (field) {
    const value = unpad(field[2]!);
    if (value.trim() !== NULL_VALUE) current.fields[field[1]!] = value;
  }
  return current;
}
