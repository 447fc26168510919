/**
 * The rxdesk HTTP API as a Koa app: request id + structured log, problem-shaped errors, then one small pipeline per
 * route (authenticate → rate limit → role → params/query/body validation → handler), and 404/405 for the rest.
 */
import { randomUUID } from "node:crypto";
import Router from "@koa/router";
import Koa from "koa";
import type { z } from "zod/v4";
import { isDatabaseUnavailable } from "../db/errors.js";
import { NhiUnavailableError } from "../nhi/client.js";
import { type AuditSink, auditActor } from "./audit.js";
import { type AppOptions, DEFAULT_LIMITS, type RouteDeps } from "./deps.js";
import type { Principal } from "./keys.js";
import { maskNationalIdsInText } from "./mask.js";
import { readBinary, readJson } from "./middleware/body.js";
import { RateLimiter } from "./middleware/rate-limit.js";
import { ApiProblem, PROBLEM_CONTENT_TYPE, problems } from "./problem.js";
import { type AnyRoute, type ApiContext, type ApiState, koaPath, pathMatcher } from "./route.js";
import { buildRoutes } from "./routes/index.js";
import { invalidInput } from "./validation.js";

export type ApiApp = Koa<ApiState> & { router: Router<ApiState>; routes: AnyRoute[] };

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

function presentedKey(ctx: ApiContext): string | undefined {
  const header = ctx.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match ? match[1] : header;
  }
  return ctx.get("x-api-key") || undefined;
}

export function createApp(options: AppOptions): ApiApp {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const deps: RouteDeps = {
    ...options,
    limits,
    info: { version: options.info?.version ?? "0.1.0", nhi: options.info?.nhi ?? { mode: "sandbox" } },
    now: options.now ?? (() => new Date()),
  };
  const { logger, audit } = options;
  const keyLimiter = new RateLimiter({ ratePerSecond: limits.ratePerSecond, burst: limits.burst });
  const failureLimiter = new RateLimiter({
    ratePerSecond: limits.loginFailuresPerMinute / 60,
    burst: limits.loginFailuresPerMinute,
  });

  const app = new Koa<ApiState>({ proxy: false }) as ApiApp;
  app.silent = true;

  // 1. request id, timing and one structured log line per request (national IDs masked).
  app.use(async (ctx, next) => {
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
        url: maskNationalIdsInText(ctx.originalUrl),
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
  });

  // 2. every error becomes the problem shape; nothing else leaks (stack traces go to the log only).
  app.use(async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        const allowed = allowedMethods(app.routes, ctx.path);
        throw allowed.length > 0 ? problems.methodNotAllowed(ctx.method, allowed) : problems.routeNotFound(ctx.path);
      }
    } catch (error) {
      const problem = toProblem(error);
      if (problem.status >= 500) {
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        logger.error({ reqId: ctx.state.requestId, err: maskNationalIdsInText(text) }, "handler error");
      }
      ctx.status = problem.status;
      for (const [name, value] of Object.entries(problem.headers ?? {})) ctx.set(name, value);
      ctx.type = PROBLEM_CONTENT_TYPE;
      ctx.body = JSON.stringify(problem.toBody());
    }
  });

  // 3. headers every answer carries (nothing here should be cached by a shared PC's browser).
  app.use(async (ctx, next) => {
    ctx.set("Cache-Control", "no-store");
    ctx.set("X-Content-Type-Options", "nosniff");
    await next();
  });

  const authenticate = async (ctx: ApiContext): Promise<Principal> => {
    const ip = ctx.ip || "unknown";
    const wait = failureLimiter.blocked(ip);
    if (wait > 0) throw problems.rateLimited(wait);
    const key = presentedKey(ctx);
    if (!key) throw problems.unauthenticated();
    const principal = options.auth.verify(key);
    if (!principal) {
      failureLimiter.take(ip);
      const keyIdHint = /^rxk_([0-9a-f]{16})_/.exec(key)?.[1];
      await audit.append({
        type: "login-failure",
        ip,
        route: `${ctx.method} ${ctx.state.route}`,
        requestId: ctx.state.requestId,
        data: { keyId: keyIdHint ?? null, reason: keyIdHint ? "unknown, revoked or wrong key" : "malformed key" },
      });
      throw problems.unauthenticated();
    }
    return principal;
  };

  const router = new Router<ApiState>();
  app.routes = buildRoutes(deps);
  app.router = router;
  for (const route of app.routes) {
    router[route.method](koaPath(route.path), async (ctx: ApiContext) => {
      ctx.state.route = route.path;
      let principal: Principal | undefined;
      if (route.roles !== "public") {
        principal = await authenticate(ctx);
        ctx.state.principal = principal;
        const wait = keyLimiter.take(principal.keyId);
        if (wait > 0) throw problems.rateLimited(wait);
        if (!route.roles.includes(principal.role)) {
          await audit.append({
            type: "forbidden",
            ...auditActor(principal),
            requestId: ctx.state.requestId,
            route: `${ctx.method} ${route.path}`,
          });
          throw problems.forbidden([...route.roles]);
        }
      }
      const params: Record<string, unknown> = {};
      for (const [name, schema] of Object.entries(route.params ?? {})) {
        params[name] = parse(schema, ctx.params[name], "path", name);
      }
      const query = route.query ? parse(route.query, { ...ctx.query }, "query") : {};
      let body: unknown;
      if (route.body?.kind === "json") {
        body = parse(route.body.schema, await readJson(ctx.req, limits.jsonBodyBytes, !!route.body.optional), "body");
      } else if (route.body?.kind === "binary") {
        body = await readBinary(ctx.req, route.body.limitBytes ?? limits.imageBodyBytes, route.body.mediaTypes);
      } else if (ctx.req.headers["content-length"] && Number(ctx.req.headers["content-length"]) > 0) {
        // Routes without a body still refuse one that is too large, and never parse it.
        if (Number(ctx.req.headers["content-length"]) > limits.jsonBodyBytes)
          throw problems.tooLarge(limits.jsonBodyBytes);
        ctx.req.resume();
      }
      await route.handler(ctx, {
        body,
        query,
        params,
        principal: principal as Principal,
        audit: audit as AuditSink,
      });
    });
  }
  app.use(router.routes());
  return app;
}

function parse(schema: z.ZodType, value: unknown, where: "path" | "query" | "body", name?: string): unknown {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(result.error, where, name);
  return result.data;
}

export function allowedMethods(routes: readonly AnyRoute[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (pathMatcher(route.path).test(path)) methods.add(route.method.toUpperCase());
  }
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}

function toProblem(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  if (error instanceof NhiUnavailableError) {
    return new ApiProblem(503, "nhi-unavailable", {
      zh: "健保署系統目前無法連線，請稍後再試",
      en: "The NHI system cannot be reached right now; try again later",
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
