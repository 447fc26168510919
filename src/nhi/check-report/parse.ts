/**
 * Parses NHI's check-result report text into structured entries. Accepts Big5 or UTF-8 bytes (or a string), CRLF or
 * LF, several records and several errors per record; `NULL` values are left out, MB2 fields keep their index
 * (`D05[1]`), and codes this dictionary does not know are kept with `known: false`, never dropped.
 */
import { isUtf8 } from "node:buffer";
import { isKnownNhiCode } from "../error-codes.js";
import { decodeBig5 } from "../format/big5.js";
import { buildFields } from "./field-shapes.js";
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
  return withoutBom(typeof input === "string" ? input : (utf8Text(asBuffer(input)) ?? decodeBig5(input)));
}

function withoutBom(text: string): string {
  return text.replace(/^\uFEFF/, "");
}

/** The text of UTF-8 bytes, or undefined when the bytes are not valid UTF-8. */
function utf8Text(bytes: Buffer): string | undefined {
  return isUtf8(bytes) ? bytes.toString("utf8") : undefined;
}

const RECORD_RE = /^\s*第\s*[[［]\s*(\d+)\s*[\]］]\s*筆/;
const FIELD_RE = /^\s*([A-Z]\d{2}(?:\[\d+\])?)\s*=\s*\[(.*)\]\s*$/;
const ERROR_RE = /^\s*錯誤原因\s*[:：](.*)$/;
const BARE_CR = /\r(?!\n)/;
const BARE_CR_ALL = /\r(?!\n)/g;

/** Whether text[start, end) holds a non-ASCII character (a plain loop: values are short and there are many). */
function hasNonAscii(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) > 0x7f) return true;
  return false;
}
/** Big5 input is read in pieces of about this many bytes, cut after a line feed (never part of a Big5 character). */
const CHUNK_BYTES = 64 * 1024;
/** Short values repeat from block to block (institution, dates, codes); one string each is kept per report. */
const SHARED_VALUE_MAX_LENGTH = 16;
const SHARED_VALUES_MAX = 50_000;
/** Lookups after which sharing stops unless at least a quarter of them found a value already seen. */
const SHARING_TRIAL = 8192;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

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
  const reader = new ReportReader();
  const text = typeof input === "string" ? input : utf8Text(asBuffer(input));
  if (text !== undefined) {
    reader.read(withoutBom(text));
    return reader.finish();
  }
  // Big5 bytes are read as Latin-1 (one character per byte, cheap) and only the lines or values that hold
  // non-ASCII bytes are decoded. Line ends, spaces, `=`, `[` and `]` of the layout are ASCII and never a Big5 lead
  // byte; a Big5 trail byte may look like `[` or `]`, which is why a value ends at the line's last `]`. The bytes go
  // in pieces so that no copy of the whole report is ever made.
  const bytes = asBuffer(input as Uint8Array);
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + CHUNK_BYTES, bytes.length);
    if (end < bytes.length) {
      const lastLf = bytes.lastIndexOf(10, end - 1);
      if (lastLf >= start) end = lastLf + 1;
      else {
        const nextLf = bytes.indexOf(10, end);
        end = nextLf === -1 ? bytes.length : nextLf + 1;
      }
    }
    reader.read(bytes.toString("latin1", start, end), { bytes, offset: start });
    start = end;
  }
  return reader.finish();
}

/** A piece of Big5 input: the whole input and where the piece starts in it. */
interface Big5Piece {
  bytes: Buffer;
  offset: number;
}

/**
 * V8 makes a slice this long a view that keeps the whole piece alive; such values are copied out of the bytes
 * instead, so each piece is garbage as soon as it is read.
 */
const SLICE_MIN_LENGTH = 13;

/** Parser state across pieces of input: the entry being read and its fields so far. */
class ReportReader {
  private readonly entries: CheckReportEntry[] = [];
  private current: CheckReportEntry | undefined;
  private readonly names: string[] = [];
  private readonly values: string[] = [];
  private readonly shared = new Map<string, string>();
  private sharing = true;
  private sharedLookups = 0;
  private sharedHits = 0;

  /** Reads whole lines; `big5` is given when the text is those Big5 bytes read as Latin-1. */
  read(input: string, big5?: Big5Piece): void {
    let text = input;
    // Bare CR line ends (old Mac editors) become LF, one character for one, so that positions in the text stay
    // positions in the Big5 bytes; CRLF stays and loses its CR below.
    if (text.indexOf("\r") !== -1 && BARE_CR.test(text)) text = text.replace(BARE_CR_ALL, "\n");
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf("\n", start);
      if (end === -1) end = text.length;
      const lineStart = start;
      let lineEnd = end;
      start = end + 1;
      if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
      if (this.current && this.fieldLineAt(text, lineStart, lineEnd, big5)) continue;
      this.line(big5 ? big5Line(text, lineStart, lineEnd, big5) : text.slice(lineStart, lineEnd));
    }
  }

  finish(): CheckReportEntry[] {
    this.close();
    return this.entries;
  }

  private close(): void {
    if (!this.current) return;
    this.current.fields = buildFields(this.names, this.values);
    this.names.length = 0;
    this.values.length = 0;
  }

  private field(name: string, value: string): void {
    let shown = value;
    if (this.sharing && shown.length <= SHARED_VALUE_MAX_LENGTH) {
      const same = this.shared.get(shown);
      if (same !== undefined) {
        shown = same;
        this.sharedHits++;
      } else if (this.shared.size < SHARED_VALUES_MAX) this.shared.set(shown, shown);
      // A report whose values hardly repeat pays for the lookups and gains nothing: stop sharing there.
      if (++this.sharedLookups === SHARING_TRIAL && this.sharedHits < SHARING_TRIAL / 4) this.sharing = false;
    }
    this.names.push(name);
    this.values.push(shown);
  }

  /**
   * Fast path for the common `M15=[ value ]` / `D05[1]=[ value ]` line, read in place without a regular expression.
   * Returns false when the line does not have exactly that shape (the general parser then handles it).
   */
  private fieldLineAt(text: string, s: number, e: number, big5: Big5Piece | undefined): boolean {
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
    if (big5 !== undefined) {
      if (hasNonAscii(text, a, b)) value = decodeBig5(big5.bytes.subarray(big5.offset + a, big5.offset + b));
      else if (value.length >= SLICE_MIN_LENGTH)
        value = big5.bytes.toString("latin1", big5.offset + a, big5.offset + b);
    }
    this.field(p === s + 3 ? plainName(text, s) : text.slice(s, p), value);
    return true;
  }

  /** Any other line: a record header, an error line, a field line with odd spacing, or something to ignore. */
  private line(line: string): void {
    if (line.indexOf("筆") !== -1) {
      const record = RECORD_RE.exec(line);
      if (record) {
        this.close();
        this.current = { recordNo: Number(record[1]), fields: {}, errors: [] };
        this.entries.push(this.current);
        return;
      }
    }
    if (!this.current) return;
    if (line.indexOf("錯誤原因") !== -1) {
      const errors = ERROR_RE.exec(line);
      if (errors) {
        this.current.errors.push(...parseErrorList(errors[1]!));
        return;
      }
    }
    const field = FIELD_RE.exec(line);
    if (field) {
      const value = unpad(field[2]!);
      if (value.trim() !== NULL_VALUE) this.field(field[1]!, value);
    }
  }
}

/** A line of a Big5 piece as its own string (decoded when it holds Big5 characters), not a view of the piece. */
function big5Line(text: string, start: number, end: number, big5: Big5Piece): string {
  const bytes = big5.bytes.subarray(big5.offset + start, big5.offset + end);
  return hasNonAscii(text, start, end) ? decodeBig5(bytes) : bytes.toString("latin1");
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
