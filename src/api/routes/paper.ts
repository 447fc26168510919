import {
  acknowledgeBodySchema,
  incidentSchema,
  incidentsQuerySchema,
  paperCheckResultSchema,
  paperDispenseBodySchema,
} from "../../../schemas/api/paper.js";
import { emptyQuerySchema, idParamSchema } from "../../../schemas/api/requests.js";
import { dispenseResultSchema } from "../../../schemas/api/responses.js";
import { addDays, dateFromRocDate } from "../../domain/roc-date.js";
import { auditActor } from "../audit.js";
import type { RouteDeps } from "../deps.js";
import { ROLES } from "../keys.js";
import { outcomeStatus } from "../outcome-status.js";
import { present } from "../present.js";
import { type AnyRoute, defineRoute } from "../route.js";
import {
  answerDispensing,
  IDEMPOTENCY_HEADER,
  idempotencyKey,
  identityOf,
  refusal,
  requirePharmacist,
} from "./dispensing.js";

export function paperRoutes(deps: RouteDeps): AnyRoute[] {
  const { service } = deps;
  return [
    defineRoute({
      method: "post",
      path: "/api/paper-checks",
      operationId: "checkPaper",
      summary: "Check a prescription entered from the paper: field errors, why the paper, the decision on it",
      description:
        "Writes nothing. `ok: false` lists the refusals; a field's error names it in `field` (M16, M17, M19, M20, " +
        "M26, M33, D06[1] …). `paper-not-needed` when NHI knows the prescription (scan it instead).",
      tag: "dispensing",
      roles: ROLES,
      body: { kind: "json", schema: paperDispenseBodySchema },
      query: emptyQuerySchema,
      responses: { 200: { description: "The paper check", schema: paperCheckResultSchema } },
      async handler(ctx, { body, principal }) {
        const card = identityOf(deps, principal, body.card)!;
        const result = await service.checkPaper({ ...body, card });
        ctx.body = present(principal, result, [card.nationalId]);
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/paper-dispensings",
      operationId: "dispensePaper",
      summary: "Dispense a prescription entered from the paper (unverified until NHI's re-check)",
      description:
        "For a prescription the scan cannot decide (decision.paperEntry: NHI unreachable and never seen here, D024, " +
        "SM00). 422 for a bad field (details.reasons[].field) or a missing override reason; 409 when NHI knows the " +
        "prescription or the refill was taken meanwhile. D024 on a chronic refill 2+ needs notUploadedOverride.",
      tag: "dispensing",
      roles: ROLES,
      body: { kind: "json", schema: paperDispenseBodySchema },
      query: emptyQuerySchema,
      headers: IDEMPOTENCY_HEADER,
      errors: [409, 422, 503],
      responses: { 201: { description: "Dispensed from the paper", schema: dispenseResultSchema } },
      async handler(ctx, { body, principal, audit }) {
        const pharmacistId = requirePharmacist(principal);
        const card = identityOf(deps, principal, body.card)!;
        const confirmKey = idempotencyKey(ctx, principal);
        const result = await service.dispensePaper({
          ...body,
          card,
          pharmacistId,
          terminalId: principal.terminalId,
          ...(confirmKey ? { confirmKey } : {}),
        });
        await answerDispensing(ctx, deps, {
          principal,
          audit,
          pharmacistId,
          route: "POST /api/paper-dispensings",
          card,
          result,
          asked: { paper: body.paper.originalVisitId, refillNo: body.paper.refillNo },
          ...(body.override ? { overrideReason: body.override.reason } : {}),
          ...(body.notUploadedOverride ? { overrideReason: body.notUploadedOverride.reason } : {}),
        });
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/incidents",
      operationId: "incidents",
      summary: "Incidents re-checks found (D025, D023, details that differ …), oldest first; default: open ones",
      tag: "dispensing",
      roles: ROLES,
      query: incidentsQuerySchema,
      responses: { 200: { description: "Incidents", schema: incidentSchema.array() } },
      async handler(ctx, { query, principal }) {
        const incidents = await service.incidents({
          state: query.state,
          ...(query.from ? { from: dateFromRocDate(query.from).toISOString() } : {}),
          ...(query.to ? { to: dateFromRocDate(addDays(query.to, 1)).toISOString() } : {}),
        });
        ctx.body = present(principal, incidents);
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/incidents/{id}/acknowledgement",
      operationId: "acknowledgeIncident",
      summary: "The pharmacist in charge acknowledges an incident with a note (once; audited)",
      tag: "dispensing",
      roles: ROLES,
      params: { id: idParamSchema },
      body: { kind: "json", schema: acknowledgeBodySchema },
      query: emptyQuerySchema,
      errors: [404, 409, 422],
      responses: { 200: { description: "The acknowledged incident", schema: incidentSchema } },
      async handler(ctx, { params, body, principal, audit }) {
        const pharmacistId = requirePharmacist(principal);
        const result = await service.acknowledgeIncident({ incidentId: params.id, pharmacistId, note: body.note });
        if (!result.ok) throw refusal(outcomeStatus(result.kind), result.reasons, {});
        await audit.append({
          type: "incident-acknowledged",
          ...auditActor(principal),
          pharmacistId,
          requestId: ctx.state.requestId,
          route: "POST /api/incidents/{id}/acknowledgement",
          data: { incidentId: params.id, kind: result.incident.kind },
        });
        ctx.body = present(principal, result.incident);
      },
    }),
  ];
}
