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
  verify(presented: string): Promise<Principal | undefined>;
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

/**
 * Whom failed logins are counted against: the key ID a presented key names (`rxk_<id>_…`), or the first
 * characters of anything else. Never the client address: every terminal of a pharmacy shares one NAT address, and
 * one misconfigured device there must not lock the others out. Guessing the secret of one key is still limited
 * (its ID's bucket empties); so is repeating one bad token.
 */
export function failureIdentity(presented: string): string {
  const keyId = KEY_ID_RE.exec(presented)?.[1];
  return keyId ? `key:${keyId}` : `other:${presented.slice(0, 12)}`;
}

export function authenticate(auth: Authenticator, audit: AuditSink, failures: RateLimiter): Middleware<ApiState> {
  return async (ctx, next) => {
    const key = presentedKey(ctx);
    if (!key) throw problems.unauthenticated();
    const identity = failureIdentity(key);
    const wait = failures.blocked(identity);
    if (wait > 0) throw problems.rateLimited(wait);
    const principal = await auth.verify(key);
    if (!principal) {
      failures.take(identity);
      const keyId = KEY_ID_RE.exec(key)?.[1];
      await audit.append({
        type: "login-failure",
        ip: ctx.ip || "unknown",
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
