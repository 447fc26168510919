/**
 * Prescription image decoding for the API through src/scan (`decodeImage`). Loaded at run time so the API works
 * (answering 503 on /api/scans) where the scan module is not installed; whatever codes it returns, the visit ID
 * and a virtual-card QR are picked out here with the domain rules.
 */
import { isVirtualCardToken } from "../domain/virtual-card-token.js";
import { parseVisitId } from "../domain/visit-id.js";
import type { Scanner, ScanResult } from "./deps.js";

type DecodeImage = (image: Uint8Array, options?: unknown) => Promise<unknown>;

function codesOf(decoded: unknown): { format: string; text: string }[] {
  const list = Array.isArray(decoded)
    ? decoded
    : ((decoded as { codes?: unknown[]; results?: unknown[] })?.codes ??
      (decoded as { results?: unknown[] })?.results ??
      []);
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

/** Adds `visitId` / `virtualCardToken` from the decoded codes. */
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

export function scannerFrom(decodeImage: DecodeImage): Scanner {
  return {
    async decode(image) {
      return interpretCodes(codesOf(await decodeImage(image)));
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
