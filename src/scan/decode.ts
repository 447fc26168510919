/**
 * `decodeImage`: a photo or scan of a prescription (PNG/JPEG bytes) → the visit IDs and virtual-card tokens on it,
 * grouped per prescription, with conflicts and corrections reported. zxing-wasm decodes the image file itself (no
 * other image library at run time) from the `.wasm` shipped in node_modules; nothing touches the network.
 */
import { msg } from "../domain/message.js";
import { ScanError } from "./errors.js";
import { type ImageInfo, imageInfo } from "./image-info.js";
import { type Interpretation, interpretCodes, type RawCode } from "./interpret.js";
import { type ReaderOptions, readCodes } from "./zxing.js";

/** Upload limit: a 12-megapixel phone JPEG is 3–6 MB; a 600 dpi A4 PNG scan stays under 15 MB. */
export const DEFAULT_MAX_BYTES = 15 * 1024 * 1024;
/** Pixel limit checked from the header before decoding (memory: 4 bytes a pixel inside the decoder). */
export const DEFAULT_MAX_PIXELS = 50_000_000;

export const SCAN_FORMATS = ["Code128", "Code39", "Code93", "QRCode", "MicroQRCode"] as const;

export interface DecodeOptions {
  /** The visit ID as typed or wedge-scanned, compared with the codes in the image. */
  typedText?: string;
  maxBytes?: number;
  maxPixels?: number;
}

export interface ScanResult extends Interpretation {
  image: ImageInfo & { bytes: number };
}

export const READER_OPTIONS: ReaderOptions = {
  formats: [...SCAN_FORMATS],
  tryHarder: true,
  tryRotate: true,
  tryInvert: false,
  tryDownscale: true,
  maxNumberOfSymbols: 32,
};

function megabytes(n: number): string {
  return (n / 1024 / 1024).toFixed(n < 1024 * 1024 ? 2 : 1);
}

/** The refusal for a file over the byte limit (also used by callers that check the size before reading). */
export function fileTooLarge(size: number, maxBytes: number): ScanError {
  return new ScanError(
    "too-large",
    msg(
      `影像檔太大（${megabytes(size)} MB，上限 ${megabytes(maxBytes)} MB）；請降低解析度或只拍處方箋`,
      `The image file is too large (${megabytes(size)} MB, limit ${megabytes(maxBytes)} MB); lower the resolution or photograph only the prescription`,
    ),
  );
}

function checkLimits(bytes: Uint8Array, options: DecodeOptions): ImageInfo {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length > maxBytes) throw fileTooLarge(bytes.length, maxBytes);
  const info = imageInfo(bytes);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (info.width * info.height > maxPixels) {
    throw new ScanError(
      "too-large",
      msg(
        `影像尺寸太大（${info.width}×${info.height} 像素，上限 ${(maxPixels / 1e6).toFixed(0)} 百萬像素）；請降低解析度`,
        `The image is too large (${info.width}×${info.height} pixels, limit ${(maxPixels / 1e6).toFixed(0)} megapixels); lower the resolution`,
      ),
    );
  }
  return info;
}

/** The same symbol reported twice (e.g. found again in a rotated pass) counts once. */
function dedupe(codes: RawCode[]): RawCode[] {
  const out: RawCode[] = [];
  for (const code of codes) {
    const c = code.corners?.topLeft;
    const twin = out.find((o) => {
      if (o.format !== code.format || o.text !== code.text) return false;
      const p = o.corners?.topLeft;
      return !c || !p || Math.hypot(c.x - p.x, c.y - p.y) < 20;
    });
    if (!twin) out.push(code);
  }
  return out;
}

export async function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): Promise<ScanResult> {
  const info = checkLimits(bytes, options);
  const results = await readCodes(bytes, READER_OPTIONS);
  if (results.some((r) => !r.isValid && /load image/i.test(r.error))) {
    throw new ScanError(
      "unreadable-image",
      msg(
        "影像檔已損毀或不完整，無法讀取；請重新拍攝或重新掃描",
        "The image file is damaged or incomplete and cannot be read; take the photo or scan again",
      ),
    );
  }
  const raw: RawCode[] = dedupe(
    results
      .filter((r) => r.isValid && r.text.length > 0)
      .map((r) => ({ format: r.format, text: r.text, corners: r.position })),
  );
  const interpretation = interpretCodes(raw, {
    image: { width: info.width, height: info.height },
    ...(options.typedText !== undefined ? { typedText: options.typedText } : {}),
  });
  return { image: { ...info, bytes: bytes.length }, ...interpretation };
}
