/**
 * What can be known about an upload document without parsing it as XML: RECS/REC boundaries from a tag scan, the
 * validator's verdict, line numbers, and whether it is a format 1.0 document (A-fields).
 */
import { XMLValidator } from "fast-xml-parser";

export interface RecChunk {
  start: number;
  end: number;
  closed: boolean;
}

export interface Structure {
  recsOpen: number;
  recsClose: number;
  chunks: RecChunk[];
}

/** Finds RECS/REC boundaries with a tag scan (cheap, tolerant of anything else in the text). */
export function scanStructure(text: string): Structure {
  const re = /<(\/?)(RECS|REC)(?=[\s>/])[^>]*>/g;
  const chunks: RecChunk[] = [];
  let recsOpen = 0;
  let recsClose = 0;
  let current: RecChunk | undefined;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const closing = m[1] === "/";
    const selfClosing = m[0].endsWith("/>");
    if (m[2] === "RECS") {
      if (closing) {
        recsClose++;
        if (current) {
          current.end = m.index;
          chunks.push(current);
          current = undefined;
        }
      } else if (!selfClosing) recsOpen++;
      continue;
    }
    if (closing) {
      if (current) {
        current.end = m.index + m[0].length;
        current.closed = true;
        chunks.push(current);
        current = undefined;
      }
      continue;
    }
    if (current) {
      current.end = m.index;
      chunks.push(current);
    }
    current = { start: m.index, end: text.length, closed: selfClosing };
    if (selfClosing) {
      current.end = m.index + m[0].length;
      chunks.push(current);
      current = undefined;
    }
  }
  if (current) chunks.push(current);
  return { recsOpen, recsClose, chunks };
}

/** fast-xml-parser's validator, never throwing: true or the problem with its line. */
export function validateXml(text: string): true | { line: number; msg: string } {
  try {
    const result = XMLValidator.validate(text);
    return result === true ? true : { line: result.err.line, msg: result.err.msg };
  } catch (error) {
    return { line: 1, msg: error instanceof Error ? error.message : String(error) };
  }
}

export function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/** Format 1.0 used A-fields (`<A01>`, `<A12>` …) where 2.0 has H00/H01, M01… and D01…. */
const FORMAT_1_FIELD_RE = /<A\d{2}[\s>/]/;

const FORMAT_2_FIELD_RE = /<(?:H0[01]|M\d{2}|D\d{2})[\s>/]/;

/** Whether the document is written in upload format 1.0: A-fields and none of 2.0's H/M/D fields. */
export function isFormat1(text: string): boolean {
  return FORMAT_1_FIELD_RE.test(text) && !FORMAT_2_FIELD_RE.test(text);
}
