/** Owner-only: the refill log and its exports, the audit trail, API keys, settings. */
import {
  auditQuerySchema,
  createKeyBodySchema,
  emptyQuerySchema,
  keyIdParamSchema,
  refillLogQuerySchema,
} from "../../../schemas/api/requests.js";
import {
  apiKeySchema,
  auditEntrySchema,
  createdKeySchema,
  refillLogResponseSchema,
  settingsSchema,
} from "../../../schemas/api/responses.js";
import { refillLogJson } from "../../reports/refill-log-json.js";
import { auditActor } from "../audit.js";
import type { RefillLogExporter, RouteDeps } from "../deps.js";
import { type KeyChangeActor, KeyStoreError, type Principal, publicKeyView } from "../keys.js";
import { ApiProblem, problems } from "../problem.js";
import { createReportsExporter } from "../reports-exporter.js";
import { type AnyRoute, type ApiContext, defineRoute } from "../route.js";

const OWNER = ["owner"] as const;

/** Who changes a key through the API: the owner's key, on this request. */
function keyChangeActor(ctx: ApiContext, principal: Principal): KeyChangeActor {
  return { ...auditActor(principal), requestId: ctx.state.requestId };
}

export function ownerRoutes(deps: RouteDeps): AnyRoute[] {
  const { service } = deps;
  // Without a configured exporter the JSON log is still built from the service (files need the PDF/CSV writers).
  let fallback: RefillLogExporter | undefined;
  const jsonOnly = () => {
    fallback ??= createReportsExporter(
      {
        refillLog: (q) => service.refillLog(q),
        refillsDue: (q) => service.refillsDue(q),
        prescription: (id) => service.prescription(id),
        outboxEntries: (f) => service.outboxEntries(f),
        getDispensing: (id) => service.getDispensing(id),
      },
      { name: "", pharmacyCode: "" },
      deps.now,
      [],
    );
    return fallback;
  };
  return [
    defineRoute({
      method: "get",
      path: "/api/reports/refill-log",
      operationId: "refillLog",
      summary: "The refill log for a date range: JSON, CSV or PDF (`format`); every call is audited as an export",
      tag: "owner",
      roles: OWNER,
      query: refillLogQuerySchema,
      errors: [406],
      responses: {
        200: {
          description: "The log",
          schema: refillLogResponseSchema,
          mediaTypes: ["text/csv", "application/pdf"],
        },
      },
      async handler(ctx, { query, principal, audit }) {
        const exporter = deps.reports ?? jsonOnly();
        // An explicit `format` wins; otherwise the Accept header (application/pdf, text/csv) decides.
        const accepted = ctx.accepts("application/json", "text/csv", "application/pdf");
        const format =
          query.format ?? (accepted === "text/csv" ? "csv" : accepted === "application/pdf" ? "pdf" : "json");
        if (format !== "json" && !exporter.formats.includes(format)) {
          throw new ApiProblem(
            406,
            "export-format-unavailable",
            {
              zh: `此伺服器無法匯出 ${format.toUpperCase()}，可用：JSON${exporter.formats.map((f) => `、${f.toUpperCase()}`).join("")}`,
              en: `${format.toUpperCase()} export is not available on this server`,
            },
            { details: { available: ["json", ...exporter.formats] } },
          );
        }
        const filter = {
          ...(query.nationalId ? { nationalId: query.nationalId } : {}),
          ...(query.prescriber ? { prescriberInstitutionCode: query.prescriber } : {}),
          ...(query.patient ? { patientName: query.patient } : {}),
          ...(query.types ? { types: query.types } : {}),
        };
        const data = await exporter.data({ from: query.from, to: query.to, mask: query.mask, filter });
        const exported = async (facts: Record<string, unknown>) =>
          audit.append({
            type: "export",
            ...auditActor(principal),
            requestId: ctx.state.requestId,
            route: "GET /api/reports/refill-log",
            // Who saw full identities, and of which range, stays on record.
            data: {
              format,
              from: query.from,
              to: query.to,
              mask: query.mask,
              filtered: Object.keys(filter).length > 0,
              ...facts,
            },
          });
        if (format === "json") {
          const body = refillLogJson(data);
          await exported({ events: body.events.length });
          ctx.body = body;
          return;
        }
        const file = await exporter.render(format, data, query.lang);
        const body = typeof file.body === "string" ? file.body : Buffer.from(file.body);
        await exported({ lang: query.lang, bytes: Buffer.byteLength(body) });
        ctx.type = file.contentType;
        ctx.attachment(file.filename);
        ctx.body = body;
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/audit",
      operationId: "auditTrail",
      summary: "The API's append-only audit trail (logins failed, dispensings, overrides, deletes, exports, keys)",
      tag: "owner",
      roles: OWNER,
      query: auditQuerySchema,
      responses: { 200: { description: "Entries, oldest first", schema: auditEntrySchema.array() } },
      async handler(ctx, { query }) {
        ctx.body = await deps.audit.read({ ...(query.type ? { type: query.type } : {}), limit: query.limit });
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/keys",
      operationId: "listKeys",
      summary: "API keys (never their secrets)",
      tag: "owner",
      roles: OWNER,
      query: emptyQuerySchema,
      responses: { 200: { description: "Keys", schema: apiKeySchema.array() } },
      async handler(ctx) {
        ctx.body = (await deps.auth.list()).map(publicKeyView);
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/keys",
      operationId: "createKey",
      summary: "Create a key for a terminal; the key text is returned once",
      tag: "owner",
      roles: OWNER,
      body: { kind: "json", schema: createKeyBodySchema },
      query: emptyQuerySchema,
      responses: { 201: { description: "The new key", schema: createdKeySchema } },
      async handler(ctx, { body, principal }) {
        let created: Awaited<ReturnType<typeof deps.auth.create>>;
        try {
          // The store audits the change in the same transaction.
          created = await deps.auth.create(body, keyChangeActor(ctx, principal), deps.now());
        } catch (error) {
          if (error instanceof KeyStoreError) {
            throw new ApiProblem(400, "invalid-input", { zh: `金鑰資料不正確：${error.message}`, en: error.message });
          }
          throw error;
        }
        ctx.status = 201;
        ctx.body = { key: created.key, record: publicKeyView(created.record) };
      },
    }),
    defineRoute({
      method: "delete",
      path: "/api/keys/{id}",
      operationId: "revokeKey",
      summary: "Revoke a key (it stays listed, marked revoked)",
      tag: "owner",
      roles: OWNER,
      params: { id: keyIdParamSchema },
      query: emptyQuerySchema,
      errors: [404],
      responses: { 200: { description: "The revoked key", schema: apiKeySchema } },
      async handler(ctx, { params, principal }) {
        const revoked = await deps.auth.revoke(params.id as string, keyChangeActor(ctx, principal), deps.now());
        if (!revoked) throw problems.notFound({ zh: "找不到這把金鑰", en: "No such key" });
        ctx.body = publicKeyView(revoked);
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/settings",
      operationId: "settings",
      summary: "How this server is set up (NHI endpoint, limits, devices, export formats)",
      tag: "owner",
      roles: OWNER,
      query: emptyQuerySchema,
      responses: { 200: { description: "Settings", schema: settingsSchema } },
      handler(ctx) {
        ctx.body = {
          version: deps.info.version,
          nhi: deps.info.nhi,
          limits: {
            jsonBodyBytes: deps.limits.jsonBodyBytes,
            imageBodyBytes: deps.limits.imageBodyBytes,
            ratePerSecond: deps.limits.ratePerSecond,
            burst: deps.limits.burst,
          },
          exports: ["json", ...(deps.reports?.formats ?? [])],
          cardReader: Boolean(deps.cardReader),
          scanner: Boolean(deps.scanner),
        };
      },
    }),
  ];
}
