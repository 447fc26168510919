/**
 * The last two steps of every route: validate path parameters, query and body against the route's zod schemas
 * (400 problems; bodies read with their size limit first), then call the handler with the parsed input.
 */
import type { Middleware } from "koa";
import type { z } from "zod/v4";
import zhTW from "zod/v4/locales/zh-TW.js";
import type { AuditSink } from "../audit.js";
import type { ApiLimits } from "../deps.js";
import type { Principal } from "../keys.js";
import { problems } from "../problem.js";
import type { AnyRoute, ApiState } from "../route.js";
import { invalidInput } from "../validation.js";
import { readBinary, readJson } from "./body.js";

function parse(schema: z.ZodType, value: unknown, where: "path" | "query" | "body", name?: string): unknown {
  const result = schema.safeParse(value);
  if (!result.success) {
    // Once more with zod's own messages in zh-TW (ours are bilingual already), for the problem's zh-TW text.
    const zh = schema.safeParse(value, { error: ZH_TW.localeError });
    throw invalidInput(result.error, where, name, zh.success ? undefined : zh.error);
  }
  return result.data;
}

const ZH_TW = zhTW();

export function validateAndHandle(route: AnyRoute, limits: ApiLimits, audit: AuditSink): Middleware<ApiState> {
  return async (ctx) => {
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
    } else if (Number(ctx.req.headers["content-length"] ?? 0) > 0) {
      // Routes without a body still refuse one that is too large, and never parse it.
      if (Number(ctx.req.headers["content-length"]) > limits.jsonBodyBytes)
        throw problems.tooLarge(limits.jsonBodyBytes);
      ctx.req.resume();
    }
    await route.handler(ctx, { body, query, params, principal: ctx.state.principal as Principal, audit });
  };
}
