/**
 * Prescription image decoding for the API through src/scan (`decodeImage`), loaded at run time so the API still
 * runs (answering 503 on /api/scans) where the scan module is absent. Its interpretation (visit ID agreed across
 * text / barcode / QR, conflicts, virtual-card QR, problems for the pharmacist) is passed through unchanged; a
 * decoder that returns bare codes gets the visit ID and virtual-card token picked out with the domain rules.
 */
import { isVirtualCardToken } from "../domain/virtual-card-token.js";
import { parseVisitId } from "../domain/visit-id.js";
import type { Scanner, ScanResult } from "./deps.js";

type DecodeImage = (image: Uint8Array, options?: { typedText?: string; maxBytes?: number }) => Promise<unknown>;

function codesOf(decoded: unknown): { format: string; text: string }[] {
  const list = Array.isArray(decoded) ? decoded : ((decoded as { codes?: unknown[] })?.codes ?? []);
  const out: { format: string; text: string }[] = [];
  for (const item of list) {
    if (typeof item === "string") out.push({ format: "unknown", text: item });
    else if (item && typeof (item as { text?: unknown }).text === "string") {
      const { format, text } = item as { format?: unknown; text: string };
      out.push({ format: typeof format === "string" ? format : "unknown", text });
    }
  }
  return out;
}

/** Adds `visitId` / `virtualCardToken` from bare decoded codes. */
export function interpretCodes(codes: { format: string; text: string }[]): ScanResult {
  const result: ScanResult = { codes };
  for (const { text } of codes) {
    if (!result.virtualCardToken && isVirtualCardToken(text)) result.virtualCardToken = text.trim();
    if (!result.visitId) {
      const parsed = parseVisitId(text);
      if (parsed.valid) result.visitId = parsed.visitId;
    }
  }
  return result;
}

function isInterpretation(value: unknown): value is ScanResult {
  return (
    !!value &&
    typeof value === "object" &&
    Array.isArray((value as { codes?: unknown }).codes) &&
    typeof (value as { usable?: unknown }).usable === "boolean"
  );
}

export function scannerFrom(decodeImage: DecodeImage): Scanner {
  return {
    async decode(image, _mediaType, options) {
      const decoded = await decodeImage(image, {
        ...(options?.typedText ? { typedText: options.typedText } : {}),
        ...(options?.maxBytes ? { maxBytes: options.maxBytes } : {}),
      });
      return isInterpretation(decoded) ? decoded : interpretCodes(codesOf(decoded));
    },
  };
}

/** The src/scan decoder when present, else undefined. */
export async function loadScanner(): Promise<Scanner | undefined> {
  const specifier = "../scan/decode.js";
  try {
    const mod = (await import(specifier)) as { decodeImage?: DecodeImage };
    return mod.decodeImage ? scannerFrom(mod.decodeImage) : undefined;
  } catch {
    return undefined;
  }
}
