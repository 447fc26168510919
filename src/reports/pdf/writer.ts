/**
 * A small flow-layout writer over ./document.ts: a cursor that moves down the page, text with wrapping, table rows that
 * never split across pages, and page furniture (header/footer) drawn once the page count is known. Coordinates in
 * this API are measured from the top-left corner, in points.
 */
import { colorOp, PdfDocument, type PdfPage, type RGB, rgb } from "./document.js";
import { embedReportFont, type ReportFont } from "./font.js";
import { wrapText } from "./text.js";

export const MM = 72 / 25.4;
export const A4: [number, number] = [595.28, 841.89];

export const INK = rgb(0.1, 0.1, 0.12);
export const GREY = rgb(0.42, 0.42, 0.45);
export const RULE = rgb(0.78, 0.78, 0.8);
export const SHADE = rgb(0.93, 0.94, 0.96);
export const RED = rgb(0.72, 0.1, 0.1);
export const GREEN = rgb(0.05, 0.45, 0.2);

export interface TextStyle {
  size: number;
  bold?: boolean;
  color?: RGB;
  /** Line height as a multiple of the size (default 1.3). */
  leading?: number;
}

export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface WriterOptions {
  /** Page size in points; `height: "auto"` is not supported — receipts size the page themselves. */
  pageSize: [number, number];
  margins: Margins;
  /** Every text the document will draw in the regular weight, so the embedded font subset covers it. */
  texts: Iterable<string>;
  /**
   * Texts drawn in bold. A second font is embedded only for these (CJK glyphs cost ~300 bytes each, so bold is
   * kept to titles and labels); bold text with characters outside this set is drawn in the regular weight.
   */
  boldTexts?: Iterable<string>;
  title: string;
  subject?: string;
  creationDate: Date;
}

export class PdfWriter {
  readonly pages: PdfPage[] = [];
  page!: PdfPage;
  /** Cursor: distance from the top edge of the current page. */
  y = 0;
  private readonly textStates = new Map<PdfPage, TextState>();
  /** Wrapped lines by font, size and width, then by text. */
  private readonly wrapped = new Map<string, Map<string, string[]>>();
  /** Called after each new page is added (repeat headers here). */
  onNewPage?: (writer: PdfWriter) => void;

  private constructor(
    readonly doc: PdfDocument,
    readonly regular: ReportFont,
    readonly boldFont: ReportFont,
    public pageSize: [number, number],
    readonly margins: Margins,
  ) {}

  static async create(options: WriterOptions): Promise<PdfWriter> {
    const texts = [...options.texts];
    const boldTexts = options.boldTexts ? [...options.boldTexts] : [];
    const doc = new PdfDocument({
      title: options.title,
      ...(options.subject ? { subject: options.subject } : {}),
      creationDate: options.creationDate,
    });
    // Each subset holds only what is drawn in its weight: a glyph in both is paid for twice.
    const regular = embedReportFont(doc, texts, "regular");
    const bold = boldTexts.length > 0 ? embedReportFont(doc, boldTexts, "bold") : regular;
    return new PdfWriter(doc, regular, bold, options.pageSize, options.margins);
  }

  get contentWidth(): number {
    return this.pageSize[0] - this.margins.left - this.margins.right;
  }

  get bottom(): number {
    return this.pageSize[1] - this.margins.bottom;
  }

  get remaining(): number {
    return this.bottom - this.y;
  }

  font(style: TextStyle, text?: string): ReportFont {
    if (!style.bold) return this.regular;
    return text === undefined || this.boldFont.covers(text) ? this.boldFont : this.regular;
  }

  lineHeight(style: TextStyle): number {
    return style.size * (style.leading ?? 1.3);
  }

  newPage(): PdfPage {
    this.page = this.doc.addPage(this.pageSize);
    this.pages.push(this.page);
    this.y = this.margins.top;
    this.onNewPage?.(this);
    return this.page;
  }

  /** Starts a new page unless `height` still fits; returns true when it broke the page. */
  ensure(height: number): boolean {
    if (this.pages.length === 0) {
      this.newPage();
      return true;
    }
    if (height <= this.remaining) return false;
    this.newPage();
    return true;
  }

  width(text: string, style: TextStyle): number {
    const font = this.font(style, text);
    return font.width(font.clean(text), style.size);
  }

  /**
   * The lines `text` wraps to within `maxWidth` (explicit line breaks kept). Remembered per text, width and font: a table measures each row before drawing it,
   * and a long log repeats the same cells (本藥局, a pharmacist, a state) thousands of times.
   */
  wrap(text: string, maxWidth: number, style: TextStyle): string[] {
    const font = this.font(style, text);
    const key = `${font.weight} ${style.size} ${maxWidth}`;
    let byText = this.wrapped.get(key);
    if (!byText) {
      byText = new Map();
      this.wrapped.set(key, byText);
    }
    let lines = byText.get(text);
    if (!lines) {
      const measure = (s: string) => font.width(s, style.size);
      lines = text.split(/\r\n?|\n/).flatMap((p) => wrapText(font.clean(p), maxWidth, measure));
      byText.set(text, lines);
    }
    return lines;
  }

  /** Draws one line with its top at `top` (page coordinates from the top). */
  textAt(text: string, x: number, top: number, style: TextStyle, page: PdfPage = this.page): void {
    const font = this.font(style, text);
    const clean = font.clean(text);
    if (!clean.trim()) return;
    const baseline = top + (this.lineHeight(style) - style.size) / 2 + style.size * 0.88;
    // Text goes out as operators inside one BT…ET run, with Tf / rg only when they change (pdf-lib's drawText
    // wrapped every call in q/BT/Tf/TL/ET/Q, which tripled the size of a long log).
    const st = this.stateOf(page);
    const key = page.fontKey(font.ref);
    const ops = st.ops;
    if (!st.inText) {
      ops.push("BT");
      st.inText = true;
      st.font = undefined;
      st.size = undefined;
      st.color = undefined;
    }
    if (st.font !== font || st.size !== style.size) {
      ops.push(`${key} ${style.size} Tf`);
      st.font = font;
      st.size = style.size;
    }
    const color = style.color ?? INK;
    const rg = colorOp(color);
    if (st.color !== rg) {
      ops.push(rg);
      st.color = rg;
    }
    ops.push(`1 0 0 1 ${round(x)} ${round(this.pageSize[1] - baseline)} Tm <${font.encode(clean)}> Tj`);
  }

  /**
   * The page's drawing state. Text, rules and shades are written as content-stream text, not as operator objects:
   * on a 3,000-dispensing month pdf-lib's operator objects (and formatting their numbers) were a third of the CPU
   * time and most of the garbage collection.
   */
  private stateOf(page: PdfPage): TextState {
    let st = this.textStates.get(page);
    if (!st) {
      st = { inText: false, ops: [] };
      this.textStates.set(page, st);
    }
    return st;
  }

  /** Ends the page's open text run (shapes are drawn outside BT…ET). */
  private endText(st: TextState): void {
    if (st.inText) {
      st.ops.push("ET");
      st.inText = false;
    }
  }

  /**
   * Closes the page's open text run and hands what was written so far to the page as one chunk; call before drawing
   * on `page` directly, so that drawing lands after ours.
   */
  flushText(page: PdfPage = this.page): void {
    const st = this.textStates.get(page);
    if (!st) return;
    this.endText(st);
    if (st.ops.length === 0) return;
    page.draw(st.ops.join("\n"));
    st.ops = [];
  }

  /** Draws one line right-aligned to `right`. */
  textRight(text: string, right: number, top: number, style: TextStyle, page: PdfPage = this.page): void {
    this.textAt(text, right - this.width(text, style), top, style, page);
  }

  /** Wrapped paragraph at the cursor, across pages if needed; moves the cursor below it. */
  paragraph(text: string, style: TextStyle, x = this.margins.left, maxWidth = this.contentWidth): void {
    const lh = this.lineHeight(style);
    for (const line of this.wrap(text, maxWidth - (x - this.margins.left), style)) {
      this.ensure(lh);
      this.textAt(line, x, this.y, style);
      this.y += lh;
    }
  }

  rect(x: number, top: number, w: number, h: number, color: RGB, page: PdfPage = this.page): void {
    const st = this.stateOf(page);
    this.endText(st);
    const y = this.pageSize[1] - top - h;
    st.ops.push(`${colorOp(color)} ${round(x)} ${round(y)} ${round(w)} ${round(h)} re f`);
  }

  hline(x1: number, x2: number, top: number, color: RGB = RULE, thickness = 0.5): void {
    const st = this.stateOf(this.page);
    this.endText(st);
    const y = round(this.pageSize[1] - top);
    st.ops.push(`${colorOp(color, true)} ${thickness} w ${round(x1)} ${y} m ${round(x2)} ${y} l S`);
  }

  async save(): Promise<Uint8Array> {
    for (const page of this.pages) this.flushText(page);
    return this.doc.save();
  }
}

interface TextState {
  inText: boolean;
  font?: ReportFont;
  size?: number;
  color?: string;
  /** Content written since the last flush. */
  ops: string[];
}

/** Two decimals are a hundredth of a point: plenty, and shorter content streams. */
function round(n: number): number {
  return Math.round(n * 100) / 100;
}

export interface Column {
  key: string;
  /** Width in points; one column may use `"rest"`. */
  width: number | "rest";
  align?: "left" | "right";
}

export interface Cell {
  text: string;
  style?: Partial<TextStyle>;
}

/** Lays out table rows whose cells wrap; a row never splits across pages. */
export class Table {
  readonly widths: number[];
  readonly padX = 3;
  readonly padY = 2.5;

  constructor(
    private readonly writer: PdfWriter,
    readonly columns: Column[],
    readonly style: TextStyle,
  ) {
    const fixed = columns.reduce((sum, c) => sum + (c.width === "rest" ? 0 : c.width), 0);
    this.widths = columns.map((c) => (c.width === "rest" ? writer.contentWidth - fixed : c.width));
  }

  /** A cell's style; the table's own object when the cell changes nothing (no copy per cell per row). */
  private cellStyle(cell: Cell): TextStyle {
    return cell.style ? { ...this.style, ...cell.style } : this.style;
  }

  private layout(cells: Cell[]): { lines: string[][]; styles: TextStyle[]; height: number } {
    const styles = cells.map((cell) => this.cellStyle(cell));
    const lines = cells.map((cell, i) => this.writer.wrap(cell.text, this.widths[i]! - 2 * this.padX, styles[i]!));
    let tallest = 0;
    lines.forEach((l, i) => {
      tallest = Math.max(tallest, l.length * this.writer.lineHeight(styles[i]!));
    });
    return { lines, styles, height: tallest + 2 * this.padY };
  }

  rowHeight(cells: Cell[]): number {
    return this.layout(cells).height;
  }

  /** Draws a row at the cursor (breaking the page first when it does not fit). */
  row(cells: Cell[], options: { shade?: RGB; rule?: boolean } = {}): void {
    const { lines, styles, height } = this.layout(cells);
    this.writer.ensure(height);
    const w = this.writer;
    if (options.shade) w.rect(w.margins.left, w.y, w.contentWidth, height, options.shade);
    let x = w.margins.left;
    cells.forEach((_cell, i) => {
      const style = styles[i]!;
      const lh = w.lineHeight(style);
      const colWidth = this.widths[i]!;
      lines[i]!.forEach((line, n) => {
        const top = w.y + this.padY + n * lh;
        if (this.columns[i]!.align === "right") w.textRight(line, x + colWidth - this.padX, top, style);
        else w.textAt(line, x + this.padX, top, style);
      });
      x += colWidth;
    });
    w.y += height;
    if (options.rule !== false) w.hline(w.margins.left, w.margins.left + w.contentWidth, w.y);
  }
}
