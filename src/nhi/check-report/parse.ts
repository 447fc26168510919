/**
 * Parses NHI's check-result report text into structured entries. Accepts Big5 or UTF-8 bytes (or a string), CRLF or
 * LF, several records and several errors per record; `NULL` values are left out, MB2 fields keep their index
 * (`D05[1]`), and codes this dictionary does not know are kept with `known: false`, never dropped.
 */
import iconv from "iconv-lite";
import { isKnownNhiCode } from "../error-codes.js";
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

/** WHATWG Big5 via ICU when Node has it (fast); iconv-lite CP950 otherwise. */
const big5Decoder: { decode(bytes: Uint8Array): string } = (() => {
  try {
    return new TextDecoder("big5");
  } catch {
    return {
      decode: (bytes: Uint8Array) =>
        iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), "cp950"),
    };
  }
})();

/** Decodes report bytes: UTF-8 when they are valid UTF-8, otherwise Big5. A BOM is dropped. */
export function decodeReportText(input: Uint8Array | string): string {
  if (typeof input === "string") return input.replace(/^\uFEFF/, "");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(input).replace(/^\uFEFF/, "");
  } catch {
    return big5Decoder.decode(input);
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
  const text = decodeReportText(input);
  const entries: CheckReportEntry[] = [];
  let current: CheckReportEntry | undefined;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.indexOf("\r") !== -1) {
      // Old Mac line ends inside this line: handle each part.
      for (const part of line.split("\r")) current = parseLine(part, entries, current);
      continue;
    }
    current = parseLine(line, entries, current);
  }
  return entries;
}

function parseLine(
  line: string,
  entries: CheckReportEntry[],
  current: CheckReportEntry | undefined,
): CheckReportEntry | undefined {
  // Fast path for the common `M15=[ value ]` line.
  const c0 = line.charCodeAt(0);
  if (current && c0 >= 65 && c0 <= 90) {
    const eq = line.indexOf("=");
    if (eq === 3 || (eq > 3 && line.charCodeAt(3) === 91)) {
      const field = FIELD_RE.exec(line);
      if (field) {
        const value = unpad(field[2]!);
        if (value.trim() !== NULL_VALUE) current.fields[field[1]!] = value;
        return current;
      }
    }
  }
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
