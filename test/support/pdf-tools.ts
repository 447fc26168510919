/**
 * Reading a PDF the way a person does, for tests: poppler's `pdftotext` for the text layer, `pdftoppm` for the
 * rendered page, Tesseract (chi_tra) for what the rendered page actually shows, zxing for QR codes on it.
 * The text layer alone is not enough: a PDF with missing glyphs still extracts perfectly.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

async function withTempPdf<T>(bytes: Uint8Array, fn: (pdf: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "rxdesk-pdf-"));
  try {
    const pdf = join(dir, "doc.pdf");
    await writeFile(pdf, bytes);
    return await fn(pdf, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The text layer (`pdftotext -layout`), all pages or one; pages are separated by form feeds. */
export function pdfText(bytes: Uint8Array, options: { page?: number; layout?: boolean } = {}): Promise<string> {
  return withTempPdf(bytes, async (pdf) => {
    const args = [...(options.layout === false ? [] : ["-layout"]), "-enc", "UTF-8"];
    if (options.page) args.push("-f", String(options.page), "-l", String(options.page));
    const { stdout } = await run("pdftotext", [...args, pdf, "-"], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  });
}

export async function pdfInfo(bytes: Uint8Array): Promise<{ pages: number; pageSize: [number, number] }> {
  return withTempPdf(bytes, async (pdf) => {
    const { stdout } = await run("pdfinfo", [pdf]);
    const pages = Number(/Pages:\s+(\d+)/.exec(stdout)?.[1]);
    const size = /Page size:\s+([\d.]+) x ([\d.]+)/.exec(stdout);
    return { pages, pageSize: [Number(size?.[1]), Number(size?.[2])] };
  });
}

/** The fonts `pdffonts` lists: name, type, embedded, subset flag. */
export async function pdfFonts(
  bytes: Uint8Array,
): Promise<{ name: string; type: string; embedded: boolean; subset: boolean }[]> {
  return withTempPdf(bytes, async (pdf) => {
    const { stdout } = await run("pdffonts", [pdf]);
    return stdout
      .split("\n")
      .slice(2)
      .filter((l) => l.trim())
      .map((l) => {
        const m = /^(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)/.exec(l);
        return { name: m?.[1] ?? l, type: m?.[2] ?? "", embedded: m?.[4] === "yes", subset: m?.[5] === "yes" };
      });
  });
}

/** Words with their boxes (`pdftotext -bbox`), in points from the top-left. */
export async function pdfWords(
  bytes: Uint8Array,
  page = 1,
): Promise<{ text: string; xMin: number; xMax: number; yMin: number; yMax: number }[]> {
  const html = await withTempPdf(bytes, async (pdf) => {
    const { stdout } = await run("pdftotext", ["-bbox", "-f", String(page), "-l", String(page), pdf, "-"], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  });
  const words = [];
  for (const m of html.matchAll(
    /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
  )) {
    words.push({ text: m[5]!, xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]) });
  }
  return words;
}

/** Pages that pdftoppm/poppler complained about (font errors and the like) on stderr. */
export async function renderPng(
  bytes: Uint8Array,
  options: { page?: number; dpi?: number; crop?: { x: number; y: number; w: number; h: number }; gray?: boolean } = {},
): Promise<{ png: Buffer; warnings: string }> {
  return withTempPdf(bytes, async (pdf, dir) => {
    const page = String(options.page ?? 1);
    const args = ["-r", String(options.dpi ?? 150), "-f", page, "-l", page, "-png", "-singlefile"];
    if (options.gray !== false) args.push("-gray");
    if (options.crop) {
      const c = options.crop;
      args.push("-x", String(c.x), "-y", String(c.y), "-W", String(c.w), "-H", String(c.h));
    }
    const { stderr } = await run("pdftoppm", [...args, pdf, join(dir, "page")]);
    return { png: await readFile(join(dir, "page.png")), warnings: stderr };
  });
}

/** What Tesseract reads on a PNG (Traditional Chinese + English), whitespace removed for robust matching. */
export async function ocr(png: Buffer, lang = "chi_tra+eng"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "rxdesk-ocr-"));
  try {
    const file = join(dir, "page.png");
    await writeFile(file, png);
    const { stdout } = await run("tesseract", [file, "-", "-l", lang, "--psm", "6"], {
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, OMP_THREAD_LIMIT: "1" },
    });
    return stdout.replace(/\s+/g, "");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Share of the CJK characters of `expected` that OCR found, in order-insensitive multiset terms. */
export function cjkRecall(expected: string, seen: string): number {
  const want = [...expected].filter((c) => /\p{Script=Han}/u.test(c));
  if (want.length === 0) return 1;
  const pool = new Map<string, number>();
  for (const c of seen) pool.set(c, (pool.get(c) ?? 0) + 1);
  let hit = 0;
  for (const c of want) {
    const n = pool.get(c) ?? 0;
    if (n > 0) {
      hit++;
      pool.set(c, n - 1);
    }
  }
  return hit / want.length;
}

const require = createRequire(import.meta.url);
let zxingReady: Promise<typeof import("zxing-wasm/reader")> | undefined;

/** Decodes QR codes on a PNG with zxing (wasm loaded from node_modules, never fetched). */
export async function readQrCodes(png: Buffer): Promise<string[]> {
  zxingReady ??= (async () => {
    const zxing = await import("zxing-wasm/reader");
    const wasmBinary = await readFile(require.resolve("zxing-wasm/reader/zxing_reader.wasm"));
    await zxing.prepareZXingModule({
      overrides: {
        wasmBinary: wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength),
      },
      fireImmediately: true,
    });
    return zxing;
  })();
  const zxing = await zxingReady;
  const results = await zxing.readBarcodes(new Uint8Array(png), { formats: ["QRCode"], tryHarder: true });
  return results.filter((r) => r.isValid).map((r) => r.text);
}
