/**
 * Reads upload format 2.0 XML back: fast-xml-parser keeps every value a string (leading zeros, spaces), and
 * structural problems become findings with NHI's codes (Y006 missing </REC>, Y007 missing </RECS>, Y015 more than
 * one RECS, Y014 non-Big5, Y000 a format 1.0 file); XML that cannot be read at all becomes a finding too, never an
 * exception.
 */
import { XMLParser } from "fast-xml-parser";
import { msg } from "../../domain/message.js";
import { decodeBig5 } from "./big5.js";
import { type Finding, finding } from "./finding.js";
import { type H01, isMb1Field, isMb2Field, type Mb1, type Mb2, type UploadRecord } from "./record.js";
import { isFormat1, lineOf, scanStructure, validateXml } from "./xml-structure.js";

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => name === "REC" || name === "MB2",
});

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function leaf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return undefined;
  return undefined;
}

/** Turns one parsed REC object into a record, reporting anything that does not fit the format. */
function toRecord(rec: unknown, recordNo: number, findings: Finding[]): UploadRecord {
  const record: UploadRecord = { h00: "", h01: "" as H01, mb1: {}, mb2: [] };
  const node = isNode(rec) ? rec : {};
  const unexpected = (path: string) =>
    findings.push(
      finding(recordNo, "XML", path, undefined, msg(`不屬於上傳格式2.0之元素 ${path}`, `unexpected element ${path}`)),
    );
  const malformed = (path: string) =>
    findings.push(
      finding(recordNo, "XML", path, undefined, msg(`${path} 應為單一文字值`, `${path} must hold one text value`)),
    );
  for (const [key, value] of Object.entries(node)) {
    if (key === "#text") continue;
    if (key === "MSH" && isNode(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (k === "#text") continue;
        const text = leaf(v);
        if (k !== "H00" && k !== "H01") unexpected(`MSH/${k}`);
        else if (text === undefined) malformed(k);
        else if (k === "H00") record.h00 = text;
        else record.h01 = text as H01;
      }
    } else if (key === "MB" && isNode(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (k === "#text") continue;
        if (k === "MB1" && isNode(v)) {
          const mb1: Mb1 = {};
          for (const [f, x] of Object.entries(v)) {
            if (f === "#text") continue;
            const text = leaf(x);
            if (!isMb1Field(f)) unexpected(`MB1/${f}`);
            else if (text === undefined) malformed(f);
            else mb1[f] = text;
          }
          record.mb1 = mb1;
        } else if (k === "MB2" && Array.isArray(v)) {
          v.forEach((lineNode: unknown, i) => {
            const line: Mb2 = {};
            if (isNode(lineNode)) {
              for (const [f, x] of Object.entries(lineNode)) {
                if (f === "#text") continue;
                const text = leaf(x);
                if (!isMb2Field(f)) unexpected(`MB2/${f}`);
                else if (text === undefined) malformed(`${f}[${i + 1}]`);
                else line[f] = text;
              }
            }
            record.mb2.push(line);
          });
        } else if (k === "MB1" && v === "") {
          record.mb1 = {};
        } else unexpected(`MB/${k}`);
      }
    } else unexpected(key);
  }
  return record;
}

/** Last resort for a REC that is not well-formed XML: pick out `<Xnn>value</Xnn>` leaves. */
function salvage(chunk: string): UploadRecord {
  const record: UploadRecord = { h00: "", h01: "" as H01, mb1: {}, mb2: [] };
  const re = /<(MB2)\b[^>]*>|<(H0[01]|M\d\d|D\d\d)>([^<]*)<\/\2>/g;
  let line: Mb2 | undefined;
  for (let m = re.exec(chunk); m !== null; m = re.exec(chunk)) {
    if (m[1]) {
      line = {};
      record.mb2.push(line);
      continue;
    }
    const field = m[2]!;
    const value = decodeEntities(m[3]!);
    if (field === "H00") record.h00 = value;
    else if (field === "H01") record.h01 = value as H01;
    else if (isMb1Field(field)) record.mb1[field] = value;
    else if (isMb2Field(field) && line) line[field] = value;
  }
  return record;
}

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) =>
    e === "lt" ? "<" : e === "gt" ? ">" : e === "amp" ? "&" : e === "quot" ? '"' : "'",
  );
}

function parseXml(text: string): Node | undefined {
  try {
    return parser.parse(text) as Node;
  } catch {
    return undefined;
  }
}

const DECLARED_ENCODING_RE = /^\uFEFF?<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i;

/** Decodes upload bytes the way NHI reads them (Big5), reporting anything that is not Big5. */
export function decodeUploadBytes(input: Uint8Array | string): { text: string; findings: Finding[] } {
  if (typeof input === "string") return { text: input, findings: [] };
  const findings: Finding[] = [];
  const head = new TextDecoder("latin1").decode(input.subarray(0, 200));
  const declared = DECLARED_ENCODING_RE.exec(head)?.[1]?.toLowerCase();
  const nonAscii = input.some((b) => b >= 0x80);
  if (declared && !["big5", "cp950", "big-5", "x-big5", "ms950"].includes(declared) && nonAscii) {
    findings.push(
      finding(
        0,
        "Y014",
        undefined,
        declared,
        msg(`檔案宣告編碼為${declared}，應為Big5`, `the file declares ${declared}; uploads must be Big5`),
      ),
    );
  }
  return { text: nonAscii ? decodeBig5(input) : new TextDecoder("latin1").decode(input), findings };
}

/**
 * Parses an upload document (Big5 bytes, or text already decoded). `records[i]` is record number i + 1; findings
 * carry the structural problems (Y006, Y007, Y015, Y014 for bytes that are not Big5, XML for unreadable content).
 * Field rules are not checked here: see `validateDocument`.
 */
export function parseUploadXml(input: Uint8Array | string): { records: UploadRecord[]; findings: Finding[] } {
  const decoded = decodeUploadBytes(input);
  const text = decoded.text;
  const findings = decoded.findings;
  if (isFormat1(text)) {
    findings.push(
      finding(
        0,
        "Y000",
        undefined,
        undefined,
        msg(
          "這是1.0格式（A01…欄位）之上傳檔；2.0上線後健保署以Y000退件。請以2.0格式（MSH/MB1/MB2，H00、M01…）重新產檔後上傳",
          "this is an upload format 1.0 file (A01… fields); since 2.0 NHI answers it with Y000. Regenerate the file in format 2.0 (MSH/MB1/MB2 with H00, M01…) and upload that",
        ),
      ),
    );
    return { records: [], findings };
  }
  const structure = scanStructure(text);

  if (structure.recsOpen > 1) {
    findings.push(
      finding(0, "Y015", undefined, undefined, msg(`共${structure.recsOpen}個<RECS>`, `${structure.recsOpen} <RECS>`)),
    );
    return { records: [], findings };
  }
  if (structure.recsOpen === 0) {
    findings.push(
      finding(
        0,
        "XML",
        undefined,
        undefined,
        text.trim() === ""
          ? msg("檔案是空的", "the file is empty")
          : msg("找不到<RECS>根元素，不是上傳格式2.0文件", "no <RECS> root element: not an upload format 2.0 document"),
      ),
    );
    return { records: [], findings };
  }
  if (structure.recsClose === 0) findings.push(finding(0, "Y007"));

  const wellFormed = structure.recsClose === 1 && structure.chunks.every((c) => c.closed) && validateXml(text) === true;
  const records: UploadRecord[] = [];
  const doc = wellFormed ? parseXml(text) : undefined;
  if (doc) {
    const recs = isNode(doc.RECS) ? doc.RECS.REC : undefined;
    const list = Array.isArray(recs) ? recs : [];
    list.forEach((rec, i) => {
      records.push(toRecord(rec, i + 1, findings));
    });
  } else {
    structure.chunks.forEach((chunk, i) => {
      const recordNo = i + 1;
      let body = text.slice(chunk.start, chunk.end);
      if (!chunk.closed) {
        findings.push(
          finding(
            recordNo,
            "Y006",
            undefined,
            undefined,
            msg(
              `第${lineOf(text, chunk.start)}行開始之<REC>未結束`,
              `<REC> opened on line ${lineOf(text, chunk.start)} is never closed`,
            ),
          ),
        );
        body += "</REC>";
      }
      const check = validateXml(body);
      const chunkDoc = check === true ? parseXml(body) : undefined;
      if (chunkDoc) {
        const rec = Array.isArray(chunkDoc.REC) ? chunkDoc.REC[0] : undefined;
        records.push(toRecord(rec, recordNo, findings));
      } else {
        const problem = check === true ? { line: 1, msg: "unreadable" } : check;
        const line = lineOf(text, chunk.start) + problem.line - 1;
        findings.push(
          finding(
            recordNo,
            "XML",
            undefined,
            undefined,
            msg(`第${line}行XML格式錯誤：${problem.msg}`, `malformed XML on line ${line}: ${problem.msg}`),
          ),
        );
        records.push(salvage(body));
      }
    });
  }
  // Bytes that were not Big5 decode to U+FFFD: name the record and field.
  if (text.includes("\uFFFD")) {
    records.forEach((record, i) => {
      const fields: [string, string | undefined][] = [
        ["H00", record.h00],
        ["H01", record.h01],
        ...Object.entries(record.mb1),
        ...record.mb2.flatMap((line, j) =>
          Object.entries(line).map(([f, v]): [string, string | undefined] => [`${f}[${j + 1}]`, v]),
        ),
      ];
      for (const [field, value] of fields) {
        if (value?.includes("\uFFFD")) {
          findings.push(finding(i + 1, "Y014", field, value, msg("含非Big5位元組", "holds bytes that are not Big5")));
        }
      }
    });
  }
  return { records, findings };
}
