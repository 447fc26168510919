/**
 * Builds the OpenAPI 3.1 document from the route list and the zod schemas in schemas/api/. The committed
 * `schemas/openapi.json` is this output (regenerate: `npx tsx schemas/api/generate-openapi.ts`); a test keeps the
 * two, and the router, in agreement.
 */
import { z } from "zod/v4";
import { problemSchema } from "../../schemas/api/responses.js";
import { statusTitle } from "./problem.js";
import type { AnyRoute } from "./route.js";

type Json = Record<string, unknown>;

const GENERIC_AUTH_ERRORS = [401, 403, 429];

class SchemaCollector {
  readonly components: Record<string, Json> = {};

  toSchema(schema: z.ZodType): Json {
    const raw = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Json;
    const defs = (raw.$defs ?? {}) as Record<string, Json>;
    delete raw.$defs;
    delete raw.$schema;
    for (const [name, def] of Object.entries(defs)) this.components[name] = this.clean(def);
    const id = raw.id;
    const cleaned = this.clean(raw);
    if (typeof id === "string") {
      this.components[id] = cleaned;
      return { $ref: `#/components/schemas/${id}` };
    }
    return cleaned;
  }

  private clean(value: Json): Json {
    const walk = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === "object") {
        const out: Json = {};
        for (const [k, inner] of Object.entries(v)) {
          if (k === "id" && typeof inner === "string") continue;
          if (k === "$ref" && typeof inner === "string") {
            out[k] = inner.replace(/^#\/\$defs\//, "#/components/schemas/");
            continue;
          }
          if ((k === "minimum" || k === "maximum") && Math.abs(inner as number) === Number.MAX_SAFE_INTEGER) continue;
          out[k] = walk(inner);
        }
        return out;
      }
      return v;
    };
    return walk(value) as Json;
  }
}

function problemResponse(status: number): Json {
  return { $ref: `#/components/responses/Problem${status}` };
}

export function buildOpenApiDocument(routes: readonly AnyRoute[], version = "0.1.0"): Json {
  const collector = new SchemaCollector();
  collector.toSchema(problemSchema);
  const paths: Record<string, Record<string, Json>> = {};
  const usedStatuses = new Set<number>([404, 405, 500]);

  for (const route of routes) {
    const parameters: Json[] = [];
    for (const [name, schema] of Object.entries(route.params ?? {})) {
      parameters.push({ name, in: "path", required: true, schema: collector.toSchema(schema) });
    }
    for (const [name, header] of Object.entries(route.headers ?? {})) {
      parameters.push({
        name,
        in: "header",
        required: false,
        description: header.description,
        schema: collector.toSchema(header.schema),
      });
    }
    if (route.query) {
      const q = collector.toSchema(route.query);
      const props = (q.properties ?? {}) as Record<string, Json>;
      const required = new Set((q.required ?? []) as string[]);
      for (const [name, schema] of Object.entries(props)) {
        const { description, ...rest } = schema;
        parameters.push({
          name,
          in: "query",
          required: required.has(name),
          ...(typeof description === "string" ? { description } : {}),
          schema: rest,
        });
      }
    }

    const responses: Record<string, Json> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      const content: Json = {};
      if (spec.schema) content["application/json"] = { schema: collector.toSchema(spec.schema) };
      for (const type of spec.mediaTypes ?? []) {
        content[type] = { schema: { type: "string", ...(type === "application/pdf" ? { format: "binary" } : {}) } };
      }
      responses[status] = { description: spec.description, ...(Object.keys(content).length ? { content } : {}) };
    }
    const errors = new Set<number>(route.errors ?? []);
    if (route.params || route.query || route.body) errors.add(400);
    if (route.roles !== "public") for (const s of GENERIC_AUTH_ERRORS) errors.add(s);
    if (route.body) {
      errors.add(413);
      errors.add(415);
    }
    errors.add(500);
    errors.add(503); // the database (or NHI) unreachable for a moment
    for (const status of [...errors].sort((a, b) => a - b)) {
      if (responses[status]) continue;
      responses[status] = problemResponse(status);
      usedStatuses.add(status);
    }

    const operation: Json = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(route.roles === "public"
        ? { security: [] }
        : { "x-roles": [...route.roles], description: describeRoles(route, route.description) }),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody:
              route.body.kind === "json"
                ? {
                    required: !route.body.optional,
                    content: { "application/json": { schema: collector.toSchema(route.body.schema) } },
                  }
                : {
                    required: true,
                    description: route.body.description,
                    content: Object.fromEntries(
                      route.body.mediaTypes.map((t) => [t, { schema: { type: "string", format: "binary" } }]),
                    ),
                  },
          }
        : {}),
      responses,
    };
    paths[route.path] ??= {};
    paths[route.path]![route.method] = operation;
  }

  const problemResponses: Record<string, Json> = {};
  for (const status of [...usedStatuses].sort((a, b) => a - b)) {
    problemResponses[`Problem${status}`] = {
      description: `${statusTitle(status)} (problem shape)`,
      content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
    };
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "rxdesk API",
      version,
      description:
        "Dispensing terminal API for Taiwanese community pharmacies (NHI upload format 2.0, chronic refills). " +
        "Every route except /health, /health/ready and /openapi.json needs an API key (`Authorization: Bearer rxk_…`). " +
        "Roles: pharmacist and owner; owner-only routes are marked `x-roles: [owner]`. The pharmacist (M06) is " +
        "taken from the key. Errors, including 404/405/413/415/429, use the Problem shape. National IDs are masked " +
        "for the pharmacist role except where the caller supplied them.",
    },
    servers: [{ url: "http://127.0.0.1:8717" }],
    security: [{ apiKey: [] }],
    tags: ["system", "dispensing", "patients", "devices", "outbox", "owner"].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "Per-terminal API key `rxk_<id>_<secret>`" },
      },
      schemas: Object.fromEntries(Object.entries(collector.components).sort(([a], [b]) => a.localeCompare(b))),
      responses: problemResponses,
    },
  };
}

function describeRoles(route: AnyRoute, description: string | undefined): string {
  const roles = route.roles === "public" ? "public" : route.roles.join(", ");
  return `${description ? `${description}\n\n` : ""}Roles: ${roles}.`;
}
