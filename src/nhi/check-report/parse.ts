/**
 * Reads NHI's check-result report (檢核結果) completely or refuses it. Accepts Big5 or UTF-8 bytes (or a string), CRLF,
 * LF or CR, several records and several errors per record; `NULL` values are left out, MB2 fields keep their index
 * (`D05[1]`), a wrapped error list belongs to the record it follows, and codes the dictionary does not know are kept
 * with `known: false`. Summary counts are returned and checked against the blocks read. Anything the reader does not
 * understand, a cut-off report, an empty, binary or XML file: the report is refused with every problem and its line.
 */
import { isUtf8 } from "node:buffer";
import { type Message, msg } from "../../domain/message.js";
import { decodeBig5 } from "../format/big5.js";
import { type CheckReportEntry, type ReportProblem, ReportReader } from "./reader.js";
import { type CheckReportSummary, summaryMismatches } from "./summary.js";

export type { CheckReportEntry, CheckReportError, ReportProblem } from "./reader.js";
export { parseErrorList } from "./reader.js";
export type { CheckReportSummary } from "./summary.js";

export interface CheckReport {
  entries: CheckReportEntry[];
  /** The report's counts (接收筆數, 有效明細, 無效明細, 實際接收筆數, 醫令); {} when it shows none. */
  summary: CheckReportSummary;
}

/** A report that cannot be read completely; `problems` lists each reason, with its line where there is one. */
export class CheckReportRefusedError extends Error {
  readonly userMessage: Message;
  constructor(readonly problems: ReportProblem[]) {
    const lines = problems.map((p) => (p.lineNo ? `line ${p.lineNo}: ${p.message.en}` : p.message.en));
    super(`not a complete check-result report: ${lines.join("; ")}`);
    this.name = "CheckReportRefusedError";
    const zh = problems.map((p) => (p.lineNo ? `第${p.lineNo}行：${p.message.zh}` : p.message.zh));
    this.userMessage = msg(
      `檢核結果報表無法完整讀取：\n${zh.join("\n")}`,
      `the check-result report cannot be read completely:\n${lines.join("\n")}`,
    );
  }
}

/** Big5 input is read in pieces of about this many bytes, cut after a line feed (never part of a Big5 character). */
const CHUNK_BYTES = 64 * 1024;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function withoutBom(text: string): string {
  return text.replace(/^\uFEFF/, "");
}

/** Decodes report bytes: UTF-8 when they are valid UTF-8, otherwise Big5 (CP950). A BOM is dropped. */
export function decodeReportText(input: Uint8Array | string): string {
  if (typeof input === "string") return withoutBom(input);
  const bytes = asBuffer(input);
  return withoutBom(isUtf8(bytes) ? bytes.toString("utf8") : decodeBig5(bytes));
}

const EMPTY = msg("檔案是空的，不是檢核結果報表", "the file is empty: not a check-result report");
const XML = msg(
  "這是XML檔（上傳檔？），不是檢核結果報表；上傳檔請用 rxdesk xml validate 檢查",
  "this is an XML file (an upload?), not a check-result report; check uploads with rxdesk xml validate",
);
const BINARY = msg(
  "含NUL位元組，是二進位檔，不是檢核結果報表",
  "contains NUL bytes: a binary file, not a check-result report",
);
const NOT_A_REPORT = msg(
  "找不到「第[n]筆」紀錄區塊或筆數摘要，不是檢核結果報表",
  "no 第[n]筆 record blocks and no counts: not a check-result report",
);
const CUT_OFF = msg("最後一行未結束，檔案可能被截斷", "the last line does not end: the file looks cut off");

/** Refusals that need no reading: empty, XML, binary. */
function refuseEarly(text: string | undefined, bytes: Buffer | undefined): ReportProblem | undefined {
  const head = text !== undefined ? withoutBom(text.slice(0, 256)) : bytes!.toString("latin1", 0, 256);
  if ((text ?? bytes!).length === 0 || (head.trim() === "" && (text ?? bytes!.toString("latin1")).trim() === "")) {
    return { message: EMPTY };
  }
  if (/^\s*(?:\uFEFF|\u00ef\u00bb\u00bf)?\s*<[?!A-Za-z]/.test(head)) return { message: XML };
  if (text !== undefined ? text.indexOf("\u0000") !== -1 : bytes!.indexOf(0) !== -1) return { message: BINARY };
  return undefined;
}

function lastChar(text: string | undefined, bytes: Buffer | undefined): number {
  return text !== undefined ? text.charCodeAt(text.length - 1) : bytes![bytes!.length - 1]!;
}

/** Reads a check-result report completely; throws CheckReportRefusedError with every problem otherwise. */
export function readCheckReport(input: Uint8Array | string): CheckReport {
  const bytes = typeof input === "string" ? undefined : asBuffer(input);
  const text = typeof input === "string" ? input : isUtf8(bytes!) ? bytes!.toString("utf8") : undefined;
  const early = refuseEarly(text, text === undefined ? bytes : undefined);
  if (early) throw new CheckReportRefusedError([early]);
  const reader = new ReportReader();
  if (text !== undefined) reader.read(withoutBom(text));
  else readBig5(reader, bytes!);
  reader.finish();
  const problems = [...reader.problems];
  const last = lastChar(text, text === undefined ? bytes : undefined);
  if (last !== 10 && last !== 13) problems.push({ message: CUT_OFF });
  reader.entries.forEach((entry, i) => {
    if (!reader.withErrorLine.has(entry)) {
      problems.push({
        lineNo: reader.entryLines[i],
        message: msg(
          `第[${entry.recordNo}]筆缺少「錯誤原因」行，報表可能不完整`,
          `record ${entry.recordNo} has no 錯誤原因 line: the report may be cut off`,
        ),
      });
    }
  });
  if (reader.entries.length === 0 && Object.keys(reader.summary).length === 0 && problems.length === 0) {
    problems.push({ message: NOT_A_REPORT });
  }
  for (const message of summaryMismatches(reader.summary, reader.entries)) problems.push({ message });
  if (problems.length > 0) throw new CheckReportRefusedError(problems);
  return { entries: reader.entries, summary: reader.summary };
}

/**
 * The entries of a report fetched from NHI after an upload: an empty body means nothing was rejected; anything else
 * must read completely (CheckReportRefusedError otherwise).
 */
export function parseCheckReport(input: Uint8Array | string): CheckReportEntry[] {
  if (input.length === 0) return [];
  return readCheckReport(input).entries;
}

/**
 * Big5 bytes are read as Latin-1 (one character per byte, cheap) and only the lines or values that hold non-ASCII
 * bytes are decoded. Line ends, spaces, `=`, `[` and `]` of the layout are ASCII and never a Big5 lead byte; a Big5
 * trail byte may look like `[` or `]`, which is why a value ends at the line's last `]`. The bytes go in pieces so
 * that no copy of the whole report is ever made.
 */
function readBig5(reader: ReportReader, bytes: Buffer): void {
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
}
