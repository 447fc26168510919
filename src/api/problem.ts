/**
 * The one error shape every API response uses (RFC 9457 style, with zh-TW + English messages):
 * `{ type, title, status, code, message: {zh,en}, nhiCodes?, details? }`.
 */
import type { ProblemCode } from "../../schemas/api/problem-codes.js";
import { type Message, msg } from "../domain/message.js";

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  message: Message;
  nhiCodes?: string[];
  details?: unknown;
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8";

export function problemType(code: string): string {
  return `urn:rxdesk:problem:${code}`;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? "Error";
}

/** Thrown anywhere in a handler; the error middleware turns it into a problem response. */
export class ApiProblem extends Error {
  override readonly name = "ApiProblem";
  readonly status: number;
  readonly code: ProblemCode;
  readonly text: Message;
  readonly nhiCodes?: string[];
  readonly details?: unknown;
  readonly headers?: Record<string, string>;

  constructor(
    status: number,
    code: ProblemCode,
    text: Message,
    extra: { nhiCodes?: string[]; details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(text.en);
    this.status = status;
    this.code = code;
    this.text = text;
    if (extra.nhiCodes && extra.nhiCodes.length > 0) this.nhiCodes = extra.nhiCodes;
    if (extra.details !== undefined) this.details = extra.details;
    if (extra.headers) this.headers = extra.headers;
  }

  toBody(): ProblemBody {
    const body: ProblemBody = {
      type: problemType(this.code),
      title: statusTitle(this.status),
      status: this.status,
      code: this.code,
      message: this.text,
    };
    if (this.nhiCodes) body.nhiCodes = this.nhiCodes;
    if (this.details !== undefined) body.details = this.details;
    return body;
  }
}

export const problems = {
  notFound: (what?: Message) => new ApiProblem(404, "not-found", what ?? msg("找不到這個資源", "No such resource")),
  routeNotFound: (path: string) =>
    new ApiProblem(404, "route-not-found", msg(`沒有這個網址：${path}`, `No such route: ${path}`)),
  methodNotAllowed: (method: string, allowed: string[]) =>
    new ApiProblem(
      405,
      "method-not-allowed",
      msg(
        `這個網址不接受 ${method}，可用：${allowed.join(", ")}`,
        `${method} is not allowed here; use ${allowed.join(", ")}`,
      ),
      { headers: { Allow: allowed.join(", ") }, details: { allowed } },
    ),
  methodNotImplemented: (method: string) =>
    new ApiProblem(
      501,
      "method-not-implemented",
      msg(`本服務不支援 ${method} 方法`, `The ${method} method is not implemented by this service`),
    ),
  unauthenticated: () =>
    new ApiProblem(
      401,
      "unauthenticated",
      msg("需要有效的 API 金鑰（Authorization: Bearer …）", "A valid API key is required (Authorization: Bearer …)"),
      { headers: { "WWW-Authenticate": 'Bearer realm="rxdesk"' } },
    ),
  forbidden: (needed: string[]) =>
    new ApiProblem(
      403,
      "forbidden",
      msg(`此操作需要以下角色：${needed.map(roleZh).join("、")}`, `This requires the role: ${needed.join(" or ")}`),
      { details: { requiredRoles: needed } },
    ),
  tooLarge: (limit: number) =>
    new ApiProblem(
      413,
      "body-too-large",
      msg(
        `傳送的資料太大（上限 ${formatBytes(limit)}）`,
        `The request body is too large (limit ${formatBytes(limit)})`,
      ),
      { details: { limitBytes: limit } },
    ),
  unsupportedMediaType: (got: string | undefined, expected: string[]) =>
    new ApiProblem(
      415,
      "unsupported-media-type",
      msg(
        `不支援的資料格式「${got ?? "無"}」，請用 ${expected.join(", ")}`,
        `Unsupported content type "${got ?? "none"}"; send ${expected.join(", ")}`,
      ),
      { details: { expected } },
    ),
  badJson: (reason: string) =>
    new ApiProblem(400, "malformed-json", msg("傳送的 JSON 格式錯誤", "The request body is not valid JSON"), {
      details: { reason },
    }),
  rateLimited: (retryAfterSeconds: number) =>
    new ApiProblem(
      429,
      "rate-limited",
      msg(`請求太頻繁，請 ${retryAfterSeconds} 秒後再試`, `Too many requests; try again in ${retryAfterSeconds} s`),
      { headers: { "Retry-After": String(retryAfterSeconds) }, details: { retryAfterSeconds } },
    ),
  databaseUnavailable: () =>
    new ApiProblem(
      503,
      "database-unavailable",
      msg(
        "資料庫暫時無法使用，資料未變更；請稍後再試",
        "The database is unavailable right now; nothing was changed. Please retry.",
      ),
      { headers: { "Retry-After": "5" } },
    ),
  internal: () =>
    new ApiProblem(
      500,
      "internal-error",
      msg(
        "系統發生未預期的錯誤，資料未變更；請稍後再試",
        "Unexpected server error; nothing was changed. Please retry.",
      ),
    ),
};

function roleZh(role: string): string {
  return role === "owner" ? "負責人" : role === "pharmacist" ? "藥師" : role;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}
