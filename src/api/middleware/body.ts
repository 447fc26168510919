/** Reading request bodies with a hard size limit, before anything parses them. */
import type { IncomingMessage } from "node:http";
import { ApiProblem, problems } from "../problem.js";

export function mediaType(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return header.split(";")[0]!.trim().toLowerCase() || undefined;
}

/** Reads the raw body; 413 as soon as Content-Length or the bytes read exceed `limit`. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    req.resume();
    throw problems.tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw problems.tooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  if (length !== undefined) return Number(length) > 0;
  return req.headers["transfer-encoding"] !== undefined;
}

/** Parses a JSON body: 415 for other media types, 413 above the limit, 400 for malformed JSON. */
export async function readJson(req: IncomingMessage, limit: number, optional: boolean): Promise<unknown> {
  if (!hasBody(req)) {
    if (optional) return {};
    throw new ApiProblem(400, "body-required", {
      zh: "缺少請求內容（JSON）",
      en: "A JSON request body is required",
    });
  }
  const type = mediaType(req.headers["content-type"]);
  if (type !== "application/json" && !(type?.startsWith("application/") && type.endsWith("+json"))) {
    req.resume();
    throw problems.unsupportedMediaType(type, ["application/json"]);
  }
  const raw = await readBody(req, limit);
  const text = raw.toString("utf8");
  if (text.trim() === "" && optional) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw problems.badJson(error instanceof Error ? error.message : String(error));
  }
}

/** Reads a binary upload (images): 415 unless its media type is listed. */
export async function readBinary(req: IncomingMessage, limit: number, mediaTypes: string[]): Promise<Buffer> {
  const type = mediaType(req.headers["content-type"]);
  if (!type || !mediaTypes.includes(type)) {
    req.resume();
    throw problems.unsupportedMediaType(type, mediaTypes);
  }
  const bytes = await readBody(req, limit);
  if (bytes.length === 0) {
    throw new ApiProblem(400, "body-required", { zh: "沒有收到影像檔", en: "No image was uploaded" });
  }
  return bytes;
}
