/** Health, readiness, the OpenAPI document, and "who am I". */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod/v4";
import { emptyQuerySchema } from "../../../schemas/api/requests.js";
import { healthSchema, principalSchema, readinessSchema } from "../../../schemas/api/responses.js";
import type { RouteDeps } from "../deps.js";
import { ROLES } from "../keys.js";
import { type AnyRoute, defineRoute } from "../route.js";

export const OPENAPI_FILE = fileURLToPath(new URL("../../../schemas/openapi.json", import.meta.url));

export function systemRoutes(deps: RouteDeps): AnyRoute[] {
  let openapiText: string | undefined;
  let served: { url: string; text: string } | undefined;
  return [
    defineRoute({
      method: "get",
      path: "/health",
      operationId: "health",
      summary: "Liveness: the process answers",
      tag: "system",
      roles: "public",
      query: emptyQuerySchema,
      responses: { 200: { description: "Alive", schema: healthSchema } },
      handler(ctx) {
        ctx.body = { status: "ok" };
      },
    }),
    defineRoute({
      method: "get",
      path: "/health/ready",
      operationId: "readiness",
      summary: "Readiness: database open; NHI reachability and the upload backlog for status bars",
      description: "503 when the database cannot be used. An unreachable NHI is reported, not fatal (offline rules).",
      tag: "system",
      roles: "public",
      query: emptyQuerySchema,
      responses: {
        200: { description: "Ready", schema: readinessSchema },
        503: { description: "Not ready (database unavailable)", schema: readinessSchema },
      },
      async handler(ctx) {
        let health: Awaited<ReturnType<typeof deps.service.health>>;
        try {
          health = await deps.service.health();
        } catch {
          ctx.status = 503;
          ctx.body = {
            ready: false,
            database: false,
            nhiReachable: false,
            outbox: { waiting: 0, rejected: 0, accepted: 0 },
          };
          return;
        }
        ctx.status = health.database ? 200 : 503;
        ctx.body = { ready: health.database, ...health };
      },
    }),
    defineRoute({
      method: "get",
      path: "/openapi.json",
      operationId: "openapi",
      summary: "This API's OpenAPI 3.1 document (contains no data, so it needs no key)",
      tag: "system",
      roles: "public",
      query: emptyQuerySchema,
      responses: { 200: { description: "The OpenAPI document", schema: z.record(z.string(), z.unknown()) } },
      handler(ctx) {
        if (deps.openapi !== undefined) {
          ctx.body = deps.openapi;
          return;
        }
        openapiText ??= readFileSync(OPENAPI_FILE, "utf8");
        ctx.type = "application/json";
        // The committed document names the default address; a server on another host or port names its own.
        const url = deps.serverUrl?.();
        if (url && url !== served?.url)
          served = { url, text: JSON.stringify({ ...JSON.parse(openapiText), servers: [{ url }] }) };
        ctx.body = url ? served!.text : openapiText;
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/me",
      operationId: "whoAmI",
      summary: "The key's role, terminal and pharmacist",
      tag: "system",
      roles: ROLES,
      query: emptyQuerySchema,
      responses: { 200: { description: "The authenticated principal", schema: principalSchema } },
      handler(ctx, { principal }) {
        ctx.body = principal;
      },
    }),
  ];
}
