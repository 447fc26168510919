/** The OpenAPI document text exactly as committed in schemas/openapi.json (routes built without live services). */
import { DEFAULT_LIMITS, type RouteDeps } from "./deps.js";
import { buildOpenApiDocument } from "./openapi.js";
import { buildRoutes } from "./routes/index.js";

export function openApiText(): string {
  const placeholder = {
    limits: DEFAULT_LIMITS,
    info: { version: "0.1.0", nhi: { mode: "sandbox" } },
    now: () => new Date(),
  } as unknown as RouteDeps;
  return `${JSON.stringify(buildOpenApiDocument(buildRoutes(placeholder)), null, 2)}\n`;
}
