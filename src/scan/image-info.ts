/**
 * Recognizes PNG and JPEG by their signatures and reads the pixel size from the header (PNG IHDR, JPEG SOFn), so
 * oversized or foreign files are refused before any pixel is decoded. Pure byte parsing.
 */
import { msg } from "../domain/message.js";
import { ScanError } from "./errors.js";

export type ImageFormat = "png" | "jpeg";

export interface ImageInfo {
  format: ImageFormat;
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  return prefix.every((b, i) => bytes[offset + i] === b);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));
}

/** Known image formats we do not take, named so the message can say which one it was. */
function otherImageFormat(bytes: Uint8Array): string | undefined {
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return "WebP";
  if (ascii(bytes, 0, 3) === "GIF") return "GIF";
  if (ascii(bytes, 0, 2) === "BM") return "BMP";
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return "TIFF";
  if (ascii(bytes, 4, 8) === "ftyp") {
    const brand = ascii(bytes, 8, 12);
    if (/^(heic|heix|hevc|heim|heis|mif1|msf1)$/.test(brand)) return "HEIC";
    if (/^avi[fs]$/.test(brand)) return "AVIF";
  }
  if (ascii(bytes, 0, 5) === "%PDF-") return "PDF";
  return undefined;
}

const unreadable = () =>
  new ScanError(
    "unreadable-image",
    msg(
      "影像檔已損毀或不完整，無法讀取；請重新拍攝或重新掃描",
      "The image file is damaged or incomplete and cannot be read; take the photo or scan again",
    ),
  );

function pngInfo(bytes: Uint8Array): ImageInfo {
  // Signature, then the IHDR chunk: length(4) "IHDR"(4) width(4) height(4).
  if (bytes.length < 24 || ascii(bytes, 12, 16) !== "IHDR") throw unreadable();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0) throw unreadable();
  return { format: "png", width, height };
}

function jpegInfo(bytes: Uint8Array): ImageInfo {
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) throw unreadable();
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // end of image / start of scan before any frame header
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (length < 2) throw unreadable();
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (i + 9 > bytes.length) throw unreadable();
      const height = (bytes[i + 5]! << 8) | bytes[i + 6]!;
      const width = (bytes[i + 7]! << 8) | bytes[i + 8]!;
      if (width === 0 || height === 0) throw unreadable();
      return { format: "jpeg", width, height };
    }
    i += 2 + length;
  }
  throw unreadable();
}

/** PNG/JPEG signature and size; throws a ScanError with a clear message for anything else. */
export function imageInfo(bytes: Uint8Array): ImageInfo {
  if (bytes.length === 0) {
    throw new ScanError("empty", msg("影像檔是空的（0 位元組）", "The image file is empty (0 bytes)"));
  }
  if (startsWith(bytes, PNG_SIGNATURE)) return pngInfo(bytes);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return jpegInfo(bytes);
  const other = otherImageFormat(bytes);
  if (other) {
    throw new ScanError(
      "unsupported-format",
      msg(
        `不支援 ${other} 影像；請改用 PNG 或 JPEG（手機可改用「最相容」格式拍照或截圖）`,
        `${other} images are not supported; use PNG or JPEG (on a phone choose the "most compatible" format or take a screenshot)`,
      ),
    );
  }
  throw new ScanError(
    "not-an-image",
    msg(
      "這不是影像檔；請提供處方箋的照片或掃描檔（PNG 或 JPEG）",
      "This is not an image file; provide a photo or scan of the prescription (PNG or JPEG)",
    ),
  );
}
