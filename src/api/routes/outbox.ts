/** The upload outbox: status, entries (rejected ones with NHI codes and advice), run now, retry one. */
import { emptyQuerySchema, idParamSchema, outboxQuerySchema } from "../../../schemas/api/requests.js";
import { outboxEntrySchema, outboxResponseSchema, outboxRunSchema } from "../../../schemas/api/responses.js";
import { auditActor } from "../audit.js";
import type { RouteDeps } from "../deps.js";
import { ROLES } from "../keys.js";
import { present } from "../present.js";
import { problems } from "../problem.js";
import { type AnyRoute, defineRoute } from "../route.js";

export function outboxRoutes(deps: RouteDeps): AnyRoute[] {
  const { service } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/api/outbox",
      operationId: "outbox",
      summary: "Upload status (waiting, rejected, 24-hour share) and the entries; `?state=rejected` for the fixes",
      tag: "outbox",
      roles: ROLES,
      query: outboxQuerySchema,
      responses: { 200: { description: "Status and entries", schema: outboxResponseSchema } },
      async handler(ctx, { query, principal }) {
        const [status, entries] = await Promise.all([
          service.outboxStatus(),
          service.outboxEntries(query.state ? { state: query.state } : undefined),
        ]);
        ctx.body = present(principal, { status, entries });
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/outbox/run",
      operationId: "runOutbox",
      summary: "Upload what is waiting now and fetch the check reports",
      tag: "outbox",
      roles: ROLES,
      body: { kind: "json", schema: emptyQuerySchema, optional: true },
      query: emptyQuerySchema,
      errors: [503],
      responses: { 200: { description: "What was processed", schema: outboxRunSchema } },
      async handler(ctx, { principal, audit }) {
        const result = await service.runOutbox();
        await audit.append({
          type: "outbox-run",
          ...auditActor(principal),
          requestId: ctx.state.requestId,
          data: result,
        });
        ctx.body = result;
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/outbox/{id}/retry",
      operationId: "retryOutboxEntry",
      summary: "Queue one entry for upload again (after fixing a rejected record or a failed attempt)",
      tag: "outbox",
      roles: ROLES,
      params: { id: idParamSchema },
      body: { kind: "json", schema: emptyQuerySchema, optional: true },
      query: emptyQuerySchema,
      errors: [404],
      responses: { 202: { description: "Queued; the entry as it stands", schema: outboxEntrySchema } },
      async handler(ctx, { params, principal, audit }) {
        const id = params.id as string;
        const ok = await service.retryOutboxEntry(id);
        if (!ok) throw problems.notFound({ zh: "找不到這筆待上傳資料", en: "No such outbox entry" });
        await audit.append({
          type: "outbox-retry",
          ...auditActor(principal),
          requestId: ctx.state.requestId,
          data: { outboxId: id },
        });
        const entry = (await service.outboxEntries()).find((e) => e.id === id);
        ctx.status = 202;
        ctx.body = present(principal, entry ?? { id });
      },
    }),
  ];
}
