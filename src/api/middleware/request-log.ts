/** Request id, timing and one structured log line per request, with the request target decoded and IDs masked. */
import { randomUUID } from "node:crypto";
import type { Middleware } from "koa";
import type { Logger } from "pino";
import { maskRequestTarget } from "../mask.js";
import type { ApiState } from "../route.js";

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

export function requestLog(logger: Logger): Middleware<ApiState> {
  return async (ctx, next) => {
    const started = performance.now();
    const incoming = ctx.get("x-request-id");
    ctx.state.requestId = REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    ctx.set("X-Request-Id", ctx.state.requestId);
    try {
      await next();
    } finally {
      const principal = ctx.state.principal;
      const line = {
        reqId: ctx.state.requestId,
        method: ctx.method,
        url: maskRequestTarget(ctx.originalUrl),
        route: ctx.state.route,
        status: ctx.status,
        ms: Math.round((performance.now() - started) * 100) / 100,
        ip: ctx.ip,
        keyId: principal?.keyId,
        role: principal?.role,
        terminalId: principal?.terminalId,
      };
      if (ctx.status >= 500) logger.error(line, "request failed");
      else logger.info(line, "request");
    }
  };
}
