/**
 * The line reader behind `readCheckReport`: turns report text (or Big5 bytes read as Latin-1, piece by piece) into
 * entries, summary counts and problems. Every line is accounted for: a record header, a field, an error list or its
 * continuation, a separator, a blank line, a summary count or a title line before the first record; anything else is
 * a problem with its line number, never silently dropped.
 */
import { type Message, msg } from "../../domain/message.js";
import { isKnownNhiCode, isRejectionCode } from "../error-codes.js";
import { decodeBig5 } from "../format/big5.js";
import { buildFields } from "./field-shapes.js";
import { NULL_VALUE } from "./layout.js";
import { addSummaryPair, type CheckReportSummary, summaryPairs } from "./summary.js";

export interface CheckReportError {
  /** M15, D05[1]; empty when the report names no field. */
  field: string;
  code: string;
  known: boolean;
  /** false for codes NHI accepts the record with (warnings, notices). */
  rejects: boolean;
}

export interface CheckReportEntry {
  /** 第[n]筆: the record's 1-based position in the upload. */
  recordNo: number;
  /** Every field shown with a value; NULL fields are absent, masked blanks (`M03=[ ]`) are "". */
  fields: Record<string, string>;
  errors: CheckReportError[];
  /** Whether NHI rejected the record: some error is a rejection (warnings and notices alone are accepted). */
  rejected: boolean;
}

export interface ReportProblem {
  /** 1-based line in the input, when the problem is one line. */
  lineNo?: number;
  message: Message;
}

const RECORD_RE = /^\s*第\s*[[［]\s*(\d+)\s*[\]］]\s*筆\s*$/;
const FIELD_RE = /^\s*([A-Z]\d{2}(?:\[\d+\])?)\s*=\s*\[(.*)\]\s*$/;
const ERROR_RE = /^\s*錯誤原因\s*[:：](.*)$/;
const ITEM = String.raw`\s*(?:[A-Z][0-9A-Z]{1,2}(?:\[\d+\])?\s*[:：]\s*)?[0-9A-Za-z]{2,5}\s*`;
/** An error list: `M16:D051;M33:D024;`, `D05[1]:AF; D09[2]:AA04`, `Y015;` (full-width `：；` too). */
const ERROR_LIST_RE = new RegExp(`^(?:${ITEM}[;；])*(?:${ITEM})?[;；]?\\s*$`);
const SEPARATOR_RE = /^\s*[=\-─━_*]{3,}\s*$/;
/** Title and header lines before the first record (report title, institution, dates, page). */
const HEADER_RE =
  /^\s*(?:[^\s:：]*檢核結果[^:：]*|(?:醫事機構代號|醫療院所代號|醫事機構名稱|上傳日期|上傳時間|接收日期|接收時間|檢核日期|列印日期|上傳檔名|檔案名稱|頁次)\s*[:：].*)$/;
const CONTROL_RE = /[\u0000-\u0008\u000b\u000e-\u001f\u007f\ufffd]/;
const BARE_CR = /\r(?!\n)/;
const BARE_CR_ALL = /\r(?!\n)/g;

/** Short values repeat from block to block (institution, dates, codes); one string each is kept per report. */
const SHARED_VALUE_MAX_LENGTH = 16;
const SHARED_VALUES_MAX = 50_000;
/** Lookups after which sharing stops unless at least a quarter of them found a value already seen. */
const SHARING_TRIAL = 8192;
/**
 * V8 makes a slice this long a view that keeps the whole piece alive; such values are copied out of the bytes
 * instead, so each piece is garbage as soon as it is read.
 */
const SLICE_MIN_LENGTH = 13;

/** A piece of Big5 input: the whole input and where the piece starts in it. */
export interface Big5Piece {
  bytes: Buffer;
  offset: number;
}

/** Error lists repeat from block to block; each distinct list is parsed once (its error objects are frozen). */
const errorLists = new Map<string, readonly CheckReportError[]>();
const ERROR_LISTS_MAX = 4096;

export function parseErrorList(text: string): CheckReportError[] {
  const cached = errorLists.get(text);
  if (cached !== undefined) return cached.slice();
  const errors = parseErrors(text);
  if (errorLists.size < ERROR_LISTS_MAX) {
    for (const e of errors) Object.freeze(e);
    errorLists.set(text, errors.slice());
  }
  return errors;
}

function parseErrors(text: string): CheckReportError[] {
  const errors: CheckReportError[] = [];
  for (const part of text.split(/[;；]/)) {
    const item = part.trim();
    if (item === "") continue;
    const colon = item.search(/[:：](?=[^:：]*$)/);
    const field = colon === -1 ? "" : item.slice(0, colon).trim();
    const code = (colon === -1 ? item : item.slice(colon + 1)).trim().toUpperCase();
    if (code === "") continue;
    errors.push({ field, code, known: isKnownNhiCode(code), rejects: isRejectionCode(code) });
  }
  return errors;
}

function shortened(line: string): string {
  const t = line.trim();
  return t.length > 60 ? `${t.slice(0, 60)}…` : t;
}

/** Parser state across pieces of input: the entry being read and its fields so far. */
export class ReportReader {
  readonly entries: CheckReportEntry[] = [];
  readonly problems: ReportProblem[] = [];
  readonly summary: CheckReportSummary = {};
  /** Line at which each entry starts, by index in `entries`. */
  readonly entryLines: number[] = [];
  /** Entries whose 錯誤原因 line was seen. */
  readonly withErrorLine = new Set<CheckReportEntry>();
  private current: CheckReportEntry | undefined;
  private lineNo = 0;
  /** The previous meaningful line was an error list: a following error-list line continues it. */
  private inErrors = false;
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
      this.lineNo++;
      if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
      if (this.current && this.fieldLineAt(text, lineStart, lineEnd, big5)) continue;
      const problem = this.line(big5 ? big5Line(text, lineStart, lineEnd, big5) : text.slice(lineStart, lineEnd));
      if (problem) this.problem(problem);
    }
  }

  finish(): void {
    this.close();
  }

  private problem(message: Message): void {
    this.problems.push({ lineNo: this.lineNo, message });
  }

  private close(): void {
    if (!this.current) return;
    this.current.fields = buildFields(this.names, this.values);
    this.current.rejected = this.current.errors.some((e) => e.rejects);
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
    this.inErrors = false;
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
    if (b - a === 4 && text.startsWith(NULL_VALUE, a)) {
      this.inErrors = false;
      return true;
    }
    let value = text.slice(a, b);
    if (value.length > 4 && value.trim() === NULL_VALUE) {
      this.inErrors = false;
      return true;
    }
    if (big5 !== undefined) {
      if (hasNonAscii(text, a, b)) {
        value = decodeBig5(big5.bytes.subarray(big5.offset + a, big5.offset + b));
        if (value.indexOf("\ufffd") !== -1) this.problem(undecodable());
      } else if (value.length >= SLICE_MIN_LENGTH)
        value = big5.bytes.toString("latin1", big5.offset + a, big5.offset + b);
    }
    this.field(p === s + 3 ? plainName(text, s) : text.slice(s, p), value);
    return true;
  }

  /**
   * Any other line: a record header, an error line, a field line with odd spacing, a count or a title; returns the
   * problem when the line is none of these.
   */
  private line(line: string): Message | undefined {
    if (CONTROL_RE.test(line)) return undecodable();
    if (line.trim() === "") return;
    if (SEPARATOR_RE.test(line)) {
      this.inErrors = false;
      return;
    }
    if (line.indexOf("筆") !== -1) {
      const record = RECORD_RE.exec(line);
      if (record) {
        this.close();
        this.current = { recordNo: Number(record[1]), fields: {}, errors: [], rejected: false };
        this.entries.push(this.current);
        this.entryLines.push(this.lineNo);
        this.inErrors = false;
        return;
      }
    }
    const errors = line.indexOf("錯誤原因") === -1 ? null : ERROR_RE.exec(line);
    if (errors) {
      if (!this.current) return outsideRecord(line);
      if (!ERROR_LIST_RE.test(errors[1]!)) return notUnderstood(line);
      this.current.errors.push(...parseErrorList(errors[1]!));
      this.withErrorLine.add(this.current);
      this.inErrors = true;
      return;
    }
    if (this.inErrors && this.current && ERROR_LIST_RE.test(line)) {
      // A wrapped error list: the continuation belongs to the record it follows.
      this.current.errors.push(...parseErrorList(line));
      return;
    }
    const field = FIELD_RE.exec(line);
    if (field) {
      if (!this.current) return outsideRecord(line);
      const value = unpad(field[2]!);
      if (value.trim() !== NULL_VALUE) this.field(field[1]!, value);
      else this.inErrors = false;
      return;
    }
    const pairs = summaryPairs(line);
    if (pairs) {
      for (const [key, n] of pairs) {
        const clash = addSummaryPair(this.summary, key, n);
        if (clash) this.problem(clash);
      }
      return;
    }
    if (this.entries.length === 0 && HEADER_RE.test(line)) return;
    return notUnderstood(line);
  }
}

function undecodable(): Message {
  return msg("含控制字元或無法解碼之位元組（二進位資料？）", "control characters or undecodable bytes (binary data?)");
}

function notUnderstood(line: string): Message {
  const text = shortened(line);
  return msg(`無法辨識之內容：「${text}」`, `not understood: "${text}"`);
}

function outsideRecord(line: string): Message {
  const text = shortened(line);
  return msg(
    `「第[n]筆」之前出現欄位或錯誤原因：「${text}」`,
    `a field or error line before any 第[n]筆 record: "${text}"`,
  );
}

function unpad(inner: string): string {
  let s = inner;
  if (s.startsWith(" ")) s = s.slice(1);
  if (s.endsWith(" ")) s = s.slice(0, -1);
  return s;
}

/** Whether text[start, end) holds a non-ASCII character (a plain loop: values are short and there are many). */
function hasNonAscii(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) > 0x7f) return true;
  return false;
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
