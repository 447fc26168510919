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

/** Decodes report bytes: UTF-8 when they are valid UTF-8, otherwise Big5 (CP950). A BOM is dropped. */
export function decodeReportText(input: Uint8Array | string): string {
  if (typeof input === "string") return input.replace(/^\uFEFF/, "");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(input).replace(/^\uFEFF/, "");
  } catch {
    return iconv.decode(Buffer.from(input.buffer, input.byteOffset, input.byteLength), "cp950");
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
  for (const line of text.split(/\r\n|\n|\r/)) {
    const record = RECORD_RE.exec(line);
    if (record) {
      current = { recordNo: Number(record[1]), fields: {}, errors: [] };
      entries.push(current);
      continue;
    }
    if (!current) continue;
    const field = FIELD_RE.exec(line);
    if (field) {
      const value = unpad(field[2]!);
      if (value.trim() !== NULL_VALUE) current.fields[field[1]!] = value;
      continue;
    }
    const errors = ERROR_RE.exec(line);
    if (errors) current.errors.push(...parseErrorList(errors[1]!));
  }
  return entries;
}
