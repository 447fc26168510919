/**
 * The PDF file itself: numbered objects, pages whose drawing is content-stream text, and the cross-reference, written
 * as PDF 1.7 with the small objects packed into one compressed object stream and a cross-reference stream (what
 * pdf-lib's `useObjectStreams` wrote). The reports draw everything themselves (./writer.ts) and embed their own
 * fonts (./font.ts); all they need here is this, and pdf-lib, which they used for it, took ~50 ms of a 3-page log
 * just to load.
 */
import { deflateSync, constants as zlib } from "node:zlib";

/** A colour as the reports name it (0–1 per channel). */
export interface RGB {
  red: number;
  green: number;
  blue: number;
}

export function rgb(red: number, green: number, blue: number): RGB {
  return { red, green, blue };
}

/** The content-stream operator that sets the fill colour (`rg`), or with `stroke` the stroke colour (`RG`). */
export function colorOp(color: RGB, stroke = false): string {
  return `${color.red} ${color.green} ${color.blue} ${stroke ? "RG" : "rg"}`;
}

/** A reference to an indirect object (`n 0 R`). */
export class PdfRef {
  constructor(readonly id: number) {}
  toString(): string {
    return `${this.id} 0 R`;
  }
}

/** A text string (`(…)` or UTF-16 hex), as opposed to a JavaScript string, which is written as a name. */
export class PdfText {
  constructor(readonly text: string) {}
}

/** What an object holds: names (strings), numbers, booleans, text, references, arrays and dictionaries. */
export type PdfValue = string | number | boolean | PdfText | PdfRef | PdfValue[] | PdfDict;
export interface PdfDict {
  [key: string]: PdfValue | undefined;
}

function name(value: string): string {
  let out = "/";
  for (const byte of Buffer.from(value, "utf8")) {
    const delimiter = byte < 0x21 || byte > 0x7e || "#()<>[]{}/%".includes(String.fromCharCode(byte));
    out += delimiter ? `#${byte.toString(16).padStart(2, "0")}` : String.fromCharCode(byte);
  }
  return out;
}

/** Numbers with at most four decimals, never in exponent form. */
export function pdfNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a PDF number: ${n}`);
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(4).replace(/0+$/, "").replace(/\.$/, "");
}

function text(value: string): string {
  // Plain ASCII as a literal string; anything else as UTF-16BE with its byte order mark, in hex.
  if (/^[\x20-\x7e]*$/.test(value)) return `(${value.replace(/[\\()]/g, (c) => `\\${c}`)})`;
  let hex = "FEFF";
  for (let i = 0; i < value.length; i++) hex += value.charCodeAt(i).toString(16).padStart(4, "0").toUpperCase();
  return `<${hex}>`;
}

export function serialize(value: PdfValue): string {
  if (typeof value === "string") return name(value);
  if (typeof value === "number") return pdfNumber(value);
  if (typeof value === "boolean") return String(value);
  if (value instanceof PdfRef) return value.toString();
  if (value instanceof PdfText) return text(value.text);
  if (Array.isArray(value)) return `[${value.map(serialize).join(" ")}]`;
  let out = "<<";
  for (const [key, entry] of Object.entries(value)) if (entry !== undefined) out += `${name(key)} ${serialize(entry)}`;
  return `${out}>>`;
}

/** `D:YYYYMMDDHHmmSSZ`, in UTC. */
function pdfDate(date: Date): PdfText {
  const iso = date.toISOString();
  return new PdfText(
    `D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`,
  );
}

function deflate(data: Uint8Array | string): Buffer {
  return deflateSync(typeof data === "string" ? Buffer.from(data, "latin1") : data, {
    level: zlib.Z_BEST_COMPRESSION,
  });
}

/** A stream object: its dictionary and its (already compressed) bytes. */
class PdfStream {
  constructor(
    readonly dict: PdfDict,
    readonly data: Uint8Array,
  ) {}
}

/** One page: its size, the fonts it uses and its drawing (content-stream operators, in order). */
export class PdfPage {
  private readonly fonts = new Map<PdfRef, string>();
  readonly content: string[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  /** The page's resource name for a font (`/F1`, …), added on first use. */
  fontKey(font: PdfRef): string {
    let key = this.fonts.get(font);
    if (!key) {
      key = `/F${this.fonts.size + 1}`;
      this.fonts.set(font, key);
    }
    return key;
  }

  /** Appends drawing operators (already formatted). */
  draw(operators: string): void {
    this.content.push(operators);
  }

  resources(): PdfDict {
    const fonts: PdfDict = {};
    for (const [ref, key] of this.fonts) fonts[key.slice(1)] = ref;
    return { Font: fonts };
  }
}

export interface DocumentInfo {
  title: string;
  subject?: string;
  creationDate: Date;
}

export class PdfDocument {
  /** Objects by number (1-based); a stream or a value. */
  private readonly objects: (PdfValue | PdfStream | undefined)[] = [undefined];
  readonly pages: PdfPage[] = [];

  constructor(private readonly info: DocumentInfo) {}

  /** Adds an object (a dictionary, array, …) and returns its reference. */
  register(value: PdfValue): PdfRef {
    this.objects.push(value);
    return new PdfRef(this.objects.length - 1);
  }

  /** Adds a stream, compressed (FlateDecode), with `dict`'s entries besides /Length and /Filter. */
  stream(data: Uint8Array | string, dict: PdfDict = {}): PdfRef {
    this.objects.push(new PdfStream({ ...dict, Filter: "FlateDecode" }, deflate(data)));
    return new PdfRef(this.objects.length - 1);
  }

  addPage(size: [number, number]): PdfPage {
    const page = new PdfPage(size[0], size[1]);
    this.pages.push(page);
    return page;
  }

  /** The file: the streams as objects of their own, every other object in one object stream. */
  save(): Uint8Array {
    const kids: PdfRef[] = [];
    const pages = this.register({ Type: "Pages", Kids: kids, Count: this.pages.length });
    for (const page of this.pages) {
      const contents = this.stream(page.content.join("\n"));
      kids.push(
        this.register({
          Type: "Page",
          Parent: pages,
          MediaBox: [0, 0, page.width, page.height],
          Resources: page.resources(),
          Contents: contents,
        }),
      );
    }
    const catalog = this.register({ Type: "Catalog", Pages: pages });
    const info = this.register({
      Title: new PdfText(this.info.title),
      ...(this.info.subject ? { Subject: new PdfText(this.info.subject) } : {}),
      Producer: new PdfText("rxdesk"),
      Creator: new PdfText("rxdesk"),
      CreationDate: pdfDate(this.info.creationDate),
      ModDate: pdfDate(this.info.creationDate),
    });

    const chunks: Buffer[] = [];
    let offset = 0;
    const write = (data: string | Uint8Array) => {
      const buffer = typeof data === "string" ? Buffer.from(data, "latin1") : Buffer.from(data);
      chunks.push(buffer);
      offset += buffer.length;
    };
    const writeStream = (id: number, stream: PdfStream) => {
      write(`${id} 0 obj\n${serialize({ ...stream.dict, Length: stream.data.length })}\nstream\n`);
      write(stream.data);
      write("\nendstream\nendobj\n");
    };
    write("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");

    // Cross-reference entries: [type, field 2, field 3] (1 = at an offset, 2 = in the object stream at an index).
    const objStmId = this.objects.length;
    const xrefId = objStmId + 1;
    const entries: [number, number, number][] = [[0, 0, 0xffff]];
    const packed: string[] = [];
    const header: string[] = [];
    let packedLength = 0;
    for (let id = 1; id < this.objects.length; id++) {
      const object = this.objects[id]!;
      if (object instanceof PdfStream) {
        entries.push([1, offset, 0]);
        writeStream(id, object);
      } else {
        const body = serialize(object);
        header.push(`${id} ${packedLength}`);
        entries.push([2, objStmId, packed.length]);
        packed.push(body);
        packedLength += Buffer.byteLength(body, "latin1") + 1;
      }
    }
    const first = `${header.join(" ")}\n`;
    entries.push([1, offset, 0]);
    const objStm = `${first}${packed.join("\n")}\n`;
    const objStmDict = { Type: "ObjStm", N: packed.length, First: Buffer.byteLength(first, "latin1") };
    writeStream(objStmId, new PdfStream({ ...objStmDict, Filter: "FlateDecode" }, deflate(objStm)));

    // The cross-reference stream: 1 byte of type, 4 of offset or object number, 2 of generation or index.
    entries.push([1, offset, 0]);
    const table = Buffer.alloc(entries.length * 7);
    entries.forEach(([type, a, b], i) => {
      table.writeUInt8(type, i * 7);
      table.writeUInt32BE(a, i * 7 + 1);
      table.writeUInt16BE(b, i * 7 + 5);
    });
    const xrefOffset = offset;
    const xrefDict = { Type: "XRef", Size: entries.length, W: [1, 4, 2], Root: catalog, Info: info };
    writeStream(xrefId, new PdfStream({ ...xrefDict, Filter: "FlateDecode" }, deflate(table)));
    write(`startxref\n${xrefOffset}\n%%EOF\n`);
    return new Uint8Array(Buffer.concat(chunks));
  }
}
