/**
 * A route is data: method, path (OpenAPI form, `{id}`), who may call it, how its input is validated and what it
 * answers. The app registers the handlers from this list and the OpenAPI generator documents the same list.
 */
import type Koa from "koa";
import type { z } from "zod/v4";
import type { AuditSink } from "./audit.js";
import type { Principal, Role } from "./keys.js";

export type HttpMethod = "get" | "post" | "patch" | "delete";

export interface ApiState {
  requestId: string;
  principal?: Principal;
  /** The matched route (OpenAPI path), for logs and audit. */
  route?: string;
}

export type ApiContext = Koa.ParameterizedContext<ApiState>;

export interface JsonBodySpec<B extends z.ZodType> {
  kind: "json";
  schema: B;
  /** The body may be omitted entirely (treated as `{}`). */
  optional?: boolean;
}

export interface BinaryBodySpec {
  kind: "binary";
  mediaTypes: string[];
  /** Overrides the app's image limit. */
  limitBytes?: number;
  description: string;
}

export interface ResponseSpec {
  description: string;
  /** zod schema of a JSON body; omitted for non-JSON bodies. */
  schema?: z.ZodType;
  /** Non-JSON media types (text/csv, application/pdf). */
  mediaTypes?: string[];
}

export interface RouteInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  principal: Principal;
  audit: AuditSink;
}

export interface RouteSpec<B = unknown, Q = unknown, P = Record<string, string>> {
  method: HttpMethod;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** "public": no key needed (health only). */
  roles: readonly Role[] | "public";
  body?: JsonBodySpec<z.ZodType<B>> | BinaryBodySpec;
  query?: z.ZodType<Q>;
  params?: Record<string, z.ZodType>;
  /** Request headers the route reads (documented; the handler reads them with ctx.get). */
  headers?: Record<string, { description: string; schema: z.ZodType }>;
  /** Success responses; error responses (Problem) are added by the document generator. */
  responses: Record<number, ResponseSpec>;
  /** Statuses besides the generic ones (400/401/403/413/415/429/500) this route can answer. */
  errors?: number[];
  handler(ctx: ApiContext, input: RouteInput<B, Q, P>): Promise<void> | void;
}

// biome-ignore lint/suspicious/noExplicitAny: heterogeneous route list
export type AnyRoute = RouteSpec<any, any, any>;

export function defineRoute<B = undefined, Q = Record<string, never>, P = Record<string, string>>(
  spec: RouteSpec<B, Q, P>,
): RouteSpec<B, Q, P> {
  return spec;
}

/** `/api/dispensings/{id}` → `/api/dispensings/:id` */
export function koaPath(openApiPath: string): string {
  return openApiPath.replace(/\{([A-Za-z0-9_]+)\}/g, ":$1");
}
