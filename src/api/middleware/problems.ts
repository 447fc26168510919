/**
 * Every error becomes the one problem shape; nothing else leaks (stack traces go to the log only, IDs masked).
 * 405/501 come from the router's `allowedMethods()` (status + Allow header) and are dressed here; a 404 without a
 * body is an unknown route.
 */
import type { Middleware } from "koa";
import type { Logger } from "pino";
import { isDatabaseUnavailable } from "../../db/errors.js";
import { NHI_UNAVAILABLE_OR_GARBLED, NhiUnavailableError } from "../../nhi/client.js";
import { maskNationalIdsForLog } from "../mask.js";
import { ApiProblem, PROBLEM_CONTENT_TYPE, problems } from "../problem.js";
import type { ApiState } from "../route.js";

export function problemResponses(logger: Logger): Middleware<ApiState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body === undefined || ctx.body === null) {
        if (ctx.status === 501) throw problems.methodNotImplemented(ctx.method);
        if (ctx.status === 405) {
          const allowed = ctx.response
            .get("Allow")
            .split(",")
            .map((m) => m.trim())
            .filter(Boolean)
            .sort();
          throw problems.methodNotAllowed(ctx.method, allowed);
        }
        if (ctx.status === 404) throw problems.routeNotFound(maskNationalIdsForLog(ctx.path));
      }
    } catch (error) {
      const problem = toProblem(error);
      if (problem.status >= 500 && problem.status !== 501) {
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        logger.error({ reqId: ctx.state.requestId, err: maskNationalIdsForLog(text) }, "handler error");
      }
      ctx.status = problem.status;
      for (const [name, value] of Object.entries(problem.headers ?? {})) ctx.set(name, value);
      ctx.type = PROBLEM_CONTENT_TYPE;
      ctx.body = JSON.stringify(problem.toBody());
    }
  };
}

function toProblem(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  if (error instanceof NhiUnavailableError) {
    return new ApiProblem(503, "nhi-unavailable", {
      zh: `${NHI_UNAVAILABLE_OR_GARBLED.zh}，請稍後再試`,
      en: `${NHI_UNAVAILABLE_OR_GARBLED.en}; try again later`,
    });
  }
  if (isDatabaseUnavailable(error)) return problems.databaseUnavailable();
  const status = (error as { status?: unknown })?.status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    // koa's own HTTP errors (e.g. malformed URL encoding)
    return new ApiProblem(status, "bad-request", { zh: "請求格式錯誤", en: "Malformed request" });
  }
  return problems.internal();
}
