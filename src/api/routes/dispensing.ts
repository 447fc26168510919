/** Checking a visit ID, dispensing, and deleting or correcting a dispensing. */

import { z } from "zod/v4";
import type { CardEvidenceInput } from "../../../schemas/api/requests.js";
import {
  checkBodySchema,
  correctBodySchema,
  deleteBodySchema,
  dispenseBodySchema,
  dispensingsQuerySchema,
  emptyQuerySchema,
  idParamSchema,
} from "../../../schemas/api/requests.js";
import { decisionSchema, dispenseResultSchema, dispensingSchema } from "../../../schemas/api/responses.js";
import { maskNationalId } from "../../domain/national-id.js";
import type { CardIdentity, DecisionReason, DispenseResult, MutationResult } from "../../service/types.js";
import { type AuditSink, auditActor } from "../audit.js";
import type { RouteDeps } from "../deps.js";
import { type Principal, ROLES } from "../keys.js";
import { outcomeStatus } from "../outcome-status.js";
import { present } from "../present.js";
import { ApiProblem, problems } from "../problem.js";
import { type AnyRoute, type ApiContext, defineRoute } from "../route.js";

export function nhiCodes(reasons: DecisionReason[]): string[] {
  return [...new Set(reasons.flatMap((r) => (r.nhiCode ? [r.nhiCode] : [])))];
}

/** The reason that decided a refusal: the first blocking one, else the first one that needs an override. */
function decisive(reasons: DecisionReason[]): DecisionReason | undefined {
  return reasons.find((r) => r.severity === "block") ?? reasons.find((r) => r.severity === "override") ?? reasons[0];
}

export function refusal(status: number, reasons: DecisionReason[], details: Record<string, unknown>): ApiProblem {
  const main = decisive(reasons);
  return new ApiProblem(
    status,
    main?.code ?? "refused",
    main?.message ?? { zh: "無法完成調劑", en: "The dispensing was refused" },
    { nhiCodes: nhiCodes(reasons), details: { reasons, ...details } },
  );
}

export function requirePharmacist(principal: Principal): string {
  if (!principal.pharmacistId) {
    throw new ApiProblem(403, "no-pharmacist-on-key", {
      zh: "此金鑰未綁定藥師身分（M06），不能調劑或修改調劑紀錄",
      en: "This key is not bound to a pharmacist (M06); it cannot dispense or change dispensings",
    });
  }
  return principal.pharmacistId;
}

function mutationOutcome(ctx: ApiContext, principal: Principal, result: MutationResult): void {
  if (result.ok) {
    ctx.body = present(principal, result.dispensing);
    return;
  }
  if (result.kind === "not-found") throw problems.notFound({ zh: "找不到這筆調劑紀錄", en: "No such dispensing" });
  throw refusal(outcomeStatus(result.kind), result.reasons, {});
}

const idParams = { id: idParamSchema };

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * The patient named by evidence this server produced (a card read at the key's terminal, a verified virtual card)
 * or typed from the paper with a reason. An identity the client merely asserts is refused.
 */
export function identityOf(
  deps: RouteDeps,
  principal: Principal,
  card: CardEvidenceInput | undefined,
): CardIdentity | undefined {
  if (!card) return undefined;
  if ("evidenceId" in card) {
    const identity = deps.evidence.resolve(card.evidenceId, principal.terminalId);
    if (identity) return identity;
    throw new ApiProblem(422, "unknown-card-evidence", {
      zh: "找不到此讀卡紀錄（已逾15分鐘或屬於其他終端），請重新讀卡或掃描虛擬健保卡",
      en: "No such card evidence (older than 15 minutes or from another terminal): read the card or scan the virtual card again",
    });
  }
  if (card.source === "typed") return { source: "typed", nationalId: card.nationalId, typedReason: card.reason };
  throw new ApiProblem(422, "untrusted-card-identity", {
    zh: "不接受用戶端自行聲稱的健保卡身分：請以本終端讀卡機讀卡（card-read）或驗證虛擬健保卡後帶入 evidenceId，或依紙本輸入身分證號並填寫理由（source: typed）",
    en: "A card identity asserted by the client is not accepted: read the card at this terminal (card-read) or verify the virtual card and send its evidenceId, or type the ID from the paper with a reason (source: typed)",
  });
}

export function idempotencyKey(ctx: ApiContext, principal: Principal): string | undefined {
  const key = ctx.get("idempotency-key");
  if (!key) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ApiProblem(400, "invalid-idempotency-key", {
      zh: "Idempotency-Key 須為1–128個可見ASCII字元",
      en: "Idempotency-Key must be 1–128 visible ASCII characters",
    });
  }
  return `api:${principal.keyId}:${key}`;
}

/**
 * A dispensing's answer (scanned or from the paper): a refusal audited and thrown as a problem with its reasons
 * (and the fresh decision), or the success audited (with the override's reason) as 201 with its Location.
 */
export async function answerDispensing(
  ctx: ApiContext,
  deps: RouteDeps,
  a: {
    principal: Principal;
    audit: AuditSink;
    pharmacistId: string;
    route: string;
    card?: CardIdentity;
    result: DispenseResult;
    /** What the refusal's audit names as asked for. */
    asked: Record<string, unknown>;
    overrideReason?: string;
  },
): Promise<void> {
  const { principal, audit, result, card } = a;
  const who = {
    ...auditActor(principal),
    pharmacistId: a.pharmacistId,
    requestId: ctx.state.requestId,
    route: a.route,
  };
  if (!result.ok) {
    await audit.append({
      type: "dispense-refused",
      ...who,
      data: {
        ...a.asked,
        status: outcomeStatus(result.kind),
        reasons: result.reasons.map((r) => r.code),
        nhiCodes: nhiCodes(result.reasons),
      },
    });
    throw refusal(outcomeStatus(result.kind), result.reasons, {
      ...(result.decision ? { decision: present(principal, result.decision, [card?.nationalId]) } : {}),
    });
  }
  const d = result.dispensing;
  const facts = {
    dispensingId: d.id,
    visitId: d.visitId,
    originalVisitId: d.originalVisitId,
    refillNo: d.refillNo,
    patient: maskNationalId(d.nationalId),
    days: d.days,
    abnormalCode: d.abnormalCode,
    j000: d.j000,
    ...(d.paperEntry ? { paperEntry: d.paperEntry } : {}),
  };
  // The dispensing is committed: a failing audit write must not turn it into an error the counter retries.
  try {
    await audit.append({ type: "dispensing", ...who, data: facts });
    if (a.overrideReason)
      await audit.append({ type: "override", ...who, data: { ...facts, reason: a.overrideReason } });
  } catch (error) {
    deps.logger.error(
      { reqId: ctx.state.requestId, dispensingId: d.id, err: String(error) },
      "audit write failed after a committed dispensing",
    );
  }
  ctx.status = 201;
  ctx.set("Location", `/api/dispensings/${encodeURIComponent(d.id)}`);
  ctx.body = present(principal, result, [card?.nationalId]);
}

/** The header that names a dispensing's confirmation (scanned or from the paper). */
export const IDEMPOTENCY_HEADER = {
  "Idempotency-Key": {
    description: "Names this confirmation: a retry with the same key returns the first success, never a refusal",
    schema: z.string().max(128),
  },
};

export function dispensingRoutes(deps: RouteDeps): AnyRoute[] {
  const { service } = deps;
  return [
    defineRoute({
      method: "post",
      path: "/api/checks",
      operationId: "checkVisitId",
      summary: "Check a scanned visit ID (M16): may this refill be dispensed here, and why",
      tag: "dispensing",
      roles: ROLES,
      body: { kind: "json", schema: checkBodySchema },
      query: emptyQuerySchema,
      responses: { 200: { description: "The decision with its reasons", schema: decisionSchema } },
      async handler(ctx, { body, principal }) {
        const card = identityOf(deps, principal, body.card);
        const decision = await service.check({ visitIdInput: body.visitId, card });
        ctx.body = present(principal, decision, [card?.nationalId]);
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/dispensings",
      operationId: "dispense",
      summary: "Dispense the checked refill (signed with the key's pharmacist)",
      description:
        "409 when the refill was dispensed already (here or elsewhere, D025), cancelled (D023), out of order or " +
        "outside its window, or when another terminal is dispensing it right now, and `decision-changed` when the " +
        "decision named by `decisionToken` no longer holds (the fresh decision is in details.decision); 422 when an " +
        "override reason or the patient's card is missing (card-needed), or the card identity is not evidence this " +
        "server produced. A retry with the same Idempotency-Key returns the first success (201, repeated: true). " +
        "The problem carries the reasons and NHI codes.",
      tag: "dispensing",
      roles: ROLES,
      body: { kind: "json", schema: dispenseBodySchema },
      query: emptyQuerySchema,
      headers: IDEMPOTENCY_HEADER,
      errors: [409, 422, 503],
      responses: {
        201: { description: "Dispensed; the next refill's window when there is one", schema: dispenseResultSchema },
      },
      async handler(ctx, { body, principal, audit }) {
        const pharmacistId = requirePharmacist(principal);
        const card = identityOf(deps, principal, body.card);
        const confirmKey = idempotencyKey(ctx, principal);
        const result = await service.dispense({
          visitIdInput: body.visitId,
          refillNo: body.refillNo,
          pharmacistId,
          terminalId: principal.terminalId,
          ...(card ? { card } : {}),
          ...(body.decisionToken ? { decisionToken: body.decisionToken } : {}),
          ...(confirmKey ? { confirmKey } : {}),
          ...(body.override ? { override: body.override } : {}),
          ...(body.j000Confirmation ? { j000Confirmation: body.j000Confirmation } : {}),
          ...(body.days ? { days: body.days } : {}),
        });
        await answerDispensing(ctx, deps, {
          principal,
          audit,
          pharmacistId,
          route: "POST /api/dispensings",
          card,
          result,
          asked: { visitIdInput: body.visitId, refillNo: body.refillNo },
          ...(body.override ? { overrideReason: body.override.reason } : {}),
        });
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/dispensings",
      operationId: "recentDispensings",
      summary: "Recent dispensings, newest first",
      tag: "dispensing",
      roles: ROLES,
      query: dispensingsQuerySchema,
      responses: { 200: { description: "Dispensings", schema: dispensingSchema.array() } },
      async handler(ctx, { query, principal }) {
        ctx.body = present(principal, await service.recentDispensings(query.limit));
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/dispensings/{id}",
      operationId: "getDispensing",
      summary: "One dispensing with its upload state and NHI codes",
      tag: "dispensing",
      roles: ROLES,
      params: idParams,
      query: emptyQuerySchema,
      errors: [404],
      responses: { 200: { description: "The dispensing", schema: dispensingSchema } },
      async handler(ctx, { params, principal }) {
        const found = await service.getDispensing(params.id);
        if (!found) throw problems.notFound({ zh: "找不到這筆調劑紀錄", en: "No such dispensing" });
        ctx.body = present(principal, found);
      },
    }),
    defineRoute({
      method: "patch",
      path: "/api/dispensings/{id}",
      operationId: "correctDispensing",
      summary: "Correct a dispensing (re-uploaded with the same M15; the last upload wins)",
      tag: "dispensing",
      roles: ROLES,
      params: idParams,
      body: { kind: "json", schema: correctBodySchema },
      query: emptyQuerySchema,
      errors: [404, 409, 422],
      responses: { 200: { description: "The corrected dispensing", schema: dispensingSchema } },
      async handler(ctx, { params, body, principal, audit }) {
        const pharmacistId = requirePharmacist(principal);
        const result = await service.correctDispensing({
          dispensingId: params.id,
          pharmacistId,
          reason: body.reason,
          ...(body.days ? { days: body.days } : {}),
        });
        await audit.append({
          type: "correct",
          ...auditActor(principal),
          pharmacistId,
          requestId: ctx.state.requestId,
          route: "PATCH /api/dispensings/{id}",
          data: { dispensingId: params.id, reason: body.reason, days: body.days, ok: result.ok },
        });
        mutationOutcome(ctx, principal, result);
      },
    }),
    defineRoute({
      method: "delete",
      path: "/api/dispensings/{id}",
      operationId: "deleteDispensing",
      summary: "Delete a dispensing (uploads H01=D; the record stays, marked deleted)",
      description: "The JSON body carries the reason. 409 D035 when a later refill was executed elsewhere.",
      tag: "dispensing",
      roles: ROLES,
      params: idParams,
      body: { kind: "json", schema: deleteBodySchema },
      query: emptyQuerySchema,
      errors: [404, 409, 422],
      responses: { 200: { description: "The dispensing, now deleted", schema: dispensingSchema } },
      async handler(ctx, { params, body, principal, audit }) {
        const pharmacistId = requirePharmacist(principal);
        const result = await service.deleteDispensing({ dispensingId: params.id, pharmacistId, reason: body.reason });
        await audit.append({
          type: "delete",
          ...auditActor(principal),
          pharmacistId,
          requestId: ctx.state.requestId,
          route: "DELETE /api/dispensings/{id}",
          data: { dispensingId: params.id, reason: body.reason, ok: result.ok },
        });
        mutationOutcome(ctx, principal, result);
      },
    }),
  ];
}
