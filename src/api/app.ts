/**
 * The rxdesk HTTP API as a Koa app: request id + structured log, problem-shaped errors and common headers, then the
 * router, where each route is composed of its guards (authenticate → rate limit → role) and validation + handler.
 * The router's `allowedMethods()` answers 405 (with Allow) and 501; unknown routes are 404.
 */
import Router from "@koa/router";
import Koa from "koa";
import type { AuditSink } from "./audit.js";
import { type AppOptions, DEFAULT_LIMITS, type RouteDeps } from "./deps.js";
import { EvidenceStore } from "./evidence.js";
import { maskIdsInStrings } from "./mask.js";
import { authenticate, limitPerKey, requireRole } from "./middleware/guards.js";
import { problemResponses } from "./middleware/problems.js";
import { RateLimiter } from "./middleware/rate-limit.js";
import { requestLog } from "./middleware/request-log.js";
import { validateAndHandle } from "./middleware/validate.js";
import { type AnyRoute, type ApiState, koaPath } from "./route.js";
import { buildRoutes } from "./routes/index.js";

export type ApiApp = Koa<ApiState> & { router: Router<ApiState>; routes: AnyRoute[] };

/** The audit sink as routes see it: national IDs inside the free-form facts are masked before they are stored. */
function maskingAudit(sink: AuditSink): AuditSink {
  return {
    append: (input) => sink.append(input.data ? { ...input, data: maskIdsInStrings(input.data) } : input),
    read: (filter) => sink.read(filter),
  };
}

export function createApp(options: AppOptions): ApiApp {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const audit = maskingAudit(options.audit);
  const deps: RouteDeps = {
    ...options,
    audit,
    limits,
    info: { version: options.info?.version ?? "0.1.0", nhi: options.info?.nhi ?? { mode: "sandbox" } },
    now: options.now ?? (() => new Date()),
    evidence: options.evidence ?? new EvidenceStore(options.now),
  };
  const keyLimiter = new RateLimiter({ ratePerSecond: limits.ratePerSecond, burst: limits.burst });
  const failureLimiter = new RateLimiter({
    ratePerSecond: limits.loginFailuresPerMinute / 60,
    burst: limits.loginFailuresPerMinute,
  });
  const authenticated = authenticate(options.auth, audit, failureLimiter);
  const perKey = limitPerKey(keyLimiter);

  const app = new Koa<ApiState>({ proxy: false }) as ApiApp;
  app.silent = true;
  app.use(requestLog(options.logger));
  app.use(problemResponses(options.logger));
  // Headers every answer carries (nothing here should be cached by a shared PC's browser).
  app.use(async (ctx, next) => {
    ctx.set("Cache-Control", "no-store");
    ctx.set("X-Content-Type-Options", "nosniff");
    await next();
  });

  const router = new Router<ApiState>();
  app.routes = buildRoutes(deps);
  app.router = router;
  for (const route of app.routes) {
    const guards = route.roles === "public" ? [] : [authenticated, perKey, requireRole(route.roles, audit)];
    router[route.method](
      koaPath(route.path),
      async (ctx, next) => {
        ctx.state.route = route.path;
        await next();
      },
      ...guards,
      validateAndHandle(route, limits, audit),
    );
  }
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
