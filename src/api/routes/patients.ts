/** A patient's prescriptions with their refill timelines, one prescription, and the refills coming due. */
import {
  emptyQuerySchema,
  nationalIdSchema,
  originalVisitIdParamSchema,
  refillsDueQuerySchema,
} from "../../../schemas/api/requests.js";
import { prescriptionSchema, refillsDueResponseSchema } from "../../../schemas/api/responses.js";
import { addDays, type RocDate, rocDateFromDate } from "../../domain/roc-date.js";
import { parseVisitId } from "../../domain/visit-id.js";
import type { RouteDeps } from "../deps.js";
import { ROLES } from "../keys.js";
import { present } from "../present.js";
import { ApiProblem, problems } from "../problem.js";
import { type AnyRoute, defineRoute } from "../route.js";

export function patientRoutes(deps: RouteDeps): AnyRoute[] {
  const { service } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/api/patients/{nationalId}/prescriptions",
      operationId: "patientPrescriptions",
      summary: "A patient's prescriptions, each with its refill timeline (states, windows, where dispensed)",
      tag: "patients",
      roles: ROLES,
      params: { nationalId: nationalIdSchema },
      query: emptyQuerySchema,
      responses: { 200: { description: "Prescriptions", schema: prescriptionSchema.array() } },
      async handler(ctx, { params, principal }) {
        const nationalId = params.nationalId as string;
        ctx.body = present(principal, await service.patientPrescriptions(nationalId), [nationalId]);
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/prescriptions/{originalVisitId}",
      operationId: "prescription",
      summary: "One prescription by its visit ID (M16) with the refill timeline",
      tag: "patients",
      roles: ROLES,
      params: { originalVisitId: originalVisitIdParamSchema },
      query: emptyQuerySchema,
      errors: [404],
      responses: { 200: { description: "The prescription", schema: prescriptionSchema } },
      async handler(ctx, { params, principal }) {
        const parsed = parseVisitId(params.originalVisitId as string);
        if (!parsed.valid) {
          throw new ApiProblem(400, "invalid-visit-id", parsed.reason, { nhiCodes: ["D074"] });
        }
        const found = await service.prescription(parsed.visitId);
        if (!found)
          throw problems.notFound({ zh: "查無此處方（就醫識別碼）", en: "No prescription with this visit ID" });
        ctx.body = present(principal, found);
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/refills/due",
      operationId: "refillsDue",
      summary: "Refills whose window opens in the next 7 or 14 days (or a given range), and missed ones",
      tag: "patients",
      roles: ROLES,
      query: refillsDueQuerySchema,
      responses: { 200: { description: "Refills due with their windows", schema: refillsDueResponseSchema } },
      async handler(ctx, { query, principal }) {
        let from: RocDate;
        let to: RocDate;
        if (query.from && query.to) {
          from = query.from as RocDate;
          to = query.to as RocDate;
        } else {
          from = rocDateFromDate(deps.now());
          to = addDays(from, Number(query.days ?? "7"));
        }
        const items = await service.refillsDue({ from, to });
        ctx.body = present(principal, { from, to, items });
      },
    }),
  ];
}
