/**
 * Writes upload format 2.0 XML: `RECS/REC/MSH+MB/MB1/MB2…`, encoded Big5. Records are written exactly as given (only
 * fields that are present, in M01…M56 / D01…D15 order); an empty value is written as `<M13></M13>`, never as a
 * self-closing `<M13/>`, which real generators avoid for NHI's parser. Characters Big5 cannot carry are refused
 * (`Big5EncodingError`, NHI Y014).
 */
import { msg } from "../../domain/message.js";
import { describeCharacter, encodeBig5, firstNonBig5 } from "./big5.js";
import { MB1_FIELDS, MB2_FIELDS, type UploadRecord } from "./record.js";

export class Big5EncodingError extends Error {
  readonly code = "Y014";
  constructor(
    readonly recordNo: number,
    readonly field: string,
    readonly character: string,
  ) {
    super(`record ${recordNo} field ${field}: ${describeCharacter(character)} cannot be encoded in Big5 (NHI Y014)`);
    this.name = "Big5EncodingError";
  }

  get userMessage() {
    const name = describeCharacter(this.character);
    return msg(
      `第${this.recordNo}筆 ${this.field}：${name} 不是Big5字元，健保署會以Y014退件；請改用Big5可表示之字`,
      `record ${this.recordNo} ${this.field}: ${name} is not a Big5 character and NHI would reject it (Y014); use a character Big5 can encode`,
    );
  }
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="Big5"?>';
const NL = "\r\n";

function escapeXml(value: string): string {
  if (value.indexOf("&") === -1 && value.indexOf("<") === -1 && value.indexOf(">") === -1) return value;
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** True when every character is ASCII (the common case: no Big5 lookup needed). */
function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** One field element; checks Big5 only for values that are not plain ASCII. */
function element(recordNo: number, field: string, tag: string, value: string, state: { ascii: boolean }): string {
  if (!isAscii(value)) {
    const bad = firstNonBig5(value);
    if (bad) throw new Big5EncodingError(recordNo, field, bad.character);
    state.ascii = false;
  }
  return `<${tag}>${escapeXml(value)}</${tag}>`;
}

/** One `<REC>…</REC>` block and whether it is pure ASCII. */
function recordXml(record: UploadRecord, recordNo: number): { text: string; ascii: boolean } {
  const state = { ascii: true };
  let out = `<REC>${NL}<MSH>`;
  out += element(recordNo, "H00", "H00", record.h00, state);
  out += element(recordNo, "H01", "H01", record.h01, state);
  out += `</MSH>${NL}<MB>${NL}<MB1>`;
  const mb1 = record.mb1;
  for (const field of MB1_FIELDS) {
    const value = mb1[field];
    if (value !== undefined) out += element(recordNo, field, field, value, state);
  }
  out += `</MB1>${NL}`;
  for (let i = 0; i < record.mb2.length; i++) {
    const line = record.mb2[i]!;
    out += "<MB2>";
    for (const field of MB2_FIELDS) {
      const value = line[field];
      if (value !== undefined) out += element(recordNo, `${field}[${i + 1}]`, field, value, state);
    }
    out += `</MB2>${NL}`;
  }
  out += `</MB>${NL}</REC>${NL}`;
  return { text: out, ascii: state.ascii };
}

const HEAD = `${XML_DECLARATION}${NL}<RECS>${NL}`;
const TAIL = `</RECS>${NL}`;

/** The XML text (not yet encoded). Throws Big5EncodingError on a character Big5 cannot carry. */
export function buildUploadXmlText(records: readonly UploadRecord[]): string {
  const parts: string[] = [HEAD];
  for (let i = 0; i < records.length; i++) parts.push(recordXml(records[i]!, i + 1).text);
  parts.push(TAIL);
  return parts.join("");
}

/**
 * Big5 bytes of the upload document. Throws Big5EncodingError (NHI Y014) naming record, field and character.
 * Each record is encoded as soon as it is written, so no document-sized string is ever built.
 */
export function buildUploadXml(records: readonly UploadRecord[]): Uint8Array {
  let buf = Buffer.allocUnsafe(Math.max(4096, records.length * 1600));
  let pos = buf.write(HEAD, 0, "latin1");
  for (let i = 0; i <= records.length; i++) {
    const { text, ascii } = i < records.length ? recordXml(records[i]!, i + 1) : { text: TAIL, ascii: true };
    const bytes = ascii ? undefined : encodeBig5(text);
    const need = bytes ? bytes.length : text.length;
    if (pos + need > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + need));
      buf.copy(bigger, 0, 0, pos);
      buf = bigger;
    }
    if (bytes) {
      buf.set(bytes, pos);
      pos += bytes.length;
    } else pos += buf.write(text, pos, "latin1");
  }
  return buf.subarray(0, pos);
}
