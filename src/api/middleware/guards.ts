/**
 * The guards a route is composed of, each one Koa middleware: authenticate (with the failed-login limiter) → the
 * per-key rate limit → the role check. `routeGuards(route)` picks the ones a route needs; public routes get none.
 */
import type { Middleware } from "koa";
import { type AuditSink, auditActor } from "../audit.js";
import type { Principal, Role } from "../keys.js";
import { problems } from "../problem.js";
import type { ApiContext, ApiState } from "../route.js";
import type { RateLimiter } from "./rate-limit.js";

export interface Authenticator {
  verify(presented: string): Principal | undefined;
}

function presentedKey(ctx: ApiContext): string | undefined {
  const header = ctx.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match ? match[1] : header;
  }
  return ctx.get("x-api-key") || undefined;
}

const KEY_ID_RE = /^rxk_([0-9a-f]{16})_/;

export function authenticate(auth: Authenticator, audit: AuditSink, failures: RateLimiter): Middleware<ApiState> {
  return async (ctx, next) => {
    const ip = ctx.ip || "unknown";
    const wait = failures.blocked(ip);
    if (wait > 0) throw problems.rateLimited(wait);
    const key = presentedKey(ctx);
    if (!key) throw problems.unauthenticated();
    const principal = auth.verify(key);
    if (!principal) {
      failures.take(ip);
      const keyId = KEY_ID_RE.exec(key)?.[1];
      await audit.append({
        type: "login-failure",
        ip,
        route: `${ctx.method} ${ctx.state.route}`,
        requestId: ctx.state.requestId,
        data: { keyId: keyId ?? null, reason: keyId ? "unknown, revoked or wrong key" : "malformed key" },
      });
      throw problems.unauthenticated();
    }
    ctx.state.principal = principal;
    await next();
  };
}

export function limitPerKey(limiter: RateLimiter): Middleware<ApiState> {
  return async (ctx, next) => {
    const wait = limiter.take(ctx.state.principal!.keyId);
    if (wait > 0) throw problems.rateLimited(wait);
    await next();
  };
}

export function requireRole(roles: readonly Role[], audit: AuditSink): Middleware<ApiState> {
  return async (ctx, next) => {
    const principal = ctx.state.principal!;
    if (!roles.includes(principal.role)) {
      await audit.append({
        type: "forbidden",
        ...auditActor(principal),
        requestId: ctx.state.requestId,
        route: `${ctx.method} ${ctx.state.route}`,
      });
      throw problems.forbidden([...roles]);
    }
    await next();
  };
}
