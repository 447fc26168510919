/** Reading the sandbox's HTTP requests: bounded bodies, JSON objects, typed fields, the caller's institution. */
import type Koa from "koa";
import { type Message, msg } from "../../domain/message.js";
import type { NhiCaller } from "../client.js";
import { SandboxRequestError } from "./request-error.js";

export const INSTITUTION_HEADER = "x-nhi-institution";
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function readBody(ctx: Koa.Context): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new SandboxRequestError(400, msg("上傳檔案過大", `Body larger than ${MAX_BODY_BYTES} bytes`));
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readJson(ctx: Koa.Context): Promise<Record<string, unknown>> {
  const body = await readBody(ctx);
  if (body.length === 0) return {};
  try {
    const value = JSON.parse(body.toString("utf8")) as unknown;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new SandboxRequestError(400, msg("請求內容不是JSON物件", "The request body is not a JSON object"));
}

export function callerOf(ctx: Koa.Context): NhiCaller {
  const code = ctx.get(INSTITUTION_HEADER);
  if (!code) {
    throw new SandboxRequestError(
      403,
      msg("缺少院所代碼（X-Nhi-Institution）", "Missing the institution code (X-Nhi-Institution header)"),
    );
  }
  return { institutionCode: code };
}

export function str(body: Record<string, unknown>, name: string, required = true): string | undefined {
  const v = body[name];
  if (v === undefined && !required) return undefined;
  if (typeof v !== "string") {
    throw new SandboxRequestError(400, msg(`欄位 ${name} 應為字串`, `Field ${name} must be a string`));
  }
  return v;
}

export function date(body: Record<string, unknown>, name: string): Date | undefined {
  const v = str(body, name, false);
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) {
    throw new SandboxRequestError(400, msg(`欄位 ${name} 應為ISO時間`, `Field ${name} must be an ISO date-time`));
  }
  return d;
}

export function errorBody(message: Message) {
  return { error: message };
}
