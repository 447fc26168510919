/**
 * The sandbox's test-instrument routes (documented in README.md):
 *   GET  /v1/clock | PUT /v1/clock { now? | advanceDays? | advanceMs? } | DELETE /v1/clock (back to real time)
 *   POST /v1/prescriptions                            SeedPrescriptionInput → SeededPrescription
 *   POST /v1/prescriptions/:visitId/dispensings       { institutionCode, institutionName?, refillNo, at? }
 *   POST /v1/prescriptions/:visitId/cancellations     { refillNo }   (C by the prescriber)
 *   POST /v1/prescriptions/:visitId/restorations      { refillNo }   (E by the prescriber)
 *   GET  /v1/state                                    what the sandbox holds
 */
import type Router from "@koa/router";
import { z } from "zod/v4";
import { msg } from "../../domain/message.js";
import { dateFromRocDateTime, isRocDateTime } from "../../domain/roc-date.js";
import type { AppDeps } from "./app.js";
import { readJson } from "./http-input.js";
import { cancelOrRestore, listHoldings, recordDispensing, seedPrescription } from "./instrument.js";
import { SandboxRequestError } from "./request-error.js";

const DAY_MS = 86_400_000;
const rocDateTime = z.string().refine(isRocDateTime, "yyyMMddHHmmss (ROC)");
const refillNo = z.number().int().min(1).max(4);

const clockBody = z
  .object({
    now: z.string().optional(),
    advanceDays: z.number().finite().optional(),
    advanceMs: z.number().finite().optional(),
  })
  .strict();
const prescriptionBody = z
  .object({
    prescriberCode: z.string(),
    prescriberName: z.string().max(60).optional(),
    nationalId: z.string(),
    birthDate: z.string().optional(),
    visitDateTime: rocDateTime.optional(),
    refillCount: z.number().int().optional(),
    days: z.number().int().optional(),
    sequenceNumber: z
      .string()
      .regex(/^[0-9A-Z]{4}$/)
      .nullable()
      .optional(),
    newContract: z.boolean().optional(),
    upload: z.boolean().optional(),
  })
  .strict();
const dispensingBody = z
  .object({
    institutionCode: z.string(),
    institutionName: z.string().max(60).optional(),
    refillNo,
    at: rocDateTime.optional(),
  })
  .strict();
const refillBody = z.object({ refillNo }).strict();

async function body<S extends z.ZodType>(ctx: Parameters<Router.Middleware>[0], schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse(await readJson(ctx));
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
  throw new SandboxRequestError(400, msg(`請求內容錯誤：${detail}`, `Bad request body: ${detail}`));
}

function instant(value: string): Date {
  const at = isRocDateTime(value) ? dateFromRocDateTime(value) : new Date(value);
  if (Number.isNaN(at.getTime())) {
    throw new SandboxRequestError(
      400,
      msg("now 應為ISO時間或民國日期時間", "now must be an ISO date-time or yyyMMddHHmmss (ROC)"),
    );
  }
  return at;
}

export function registerInstrumentRoutes(router: Router, deps: AppDeps): void {
  const { core, clock } = deps;
  const clockView = () => ({ now: clock.now().toISOString(), offsetMs: clock.offset });

  router.get("/clock", (ctx) => {
    ctx.body = clockView();
  });
  router.put("/clock", async (ctx) => {
    const b = await body(ctx, clockBody);
    if (b.now !== undefined) clock.set(instant(b.now));
    if (b.advanceDays !== undefined) clock.advance(b.advanceDays * DAY_MS);
    if (b.advanceMs !== undefined) clock.advance(b.advanceMs);
    ctx.body = clockView();
  });
  router.delete("/clock", (ctx) => {
    clock.reset();
    ctx.body = clockView();
  });
  router.post("/prescriptions", async (ctx) => {
    const b = await body(ctx, prescriptionBody);
    ctx.status = 201;
    ctx.body = await seedPrescription(core, b as Parameters<typeof seedPrescription>[1]);
  });
  router.post("/prescriptions/:visitId/dispensings", async (ctx) => {
    const b = await body(ctx, dispensingBody);
    ctx.status = 201;
    ctx.body = await recordDispensing(core, { ...b, originalVisitId: ctx.params.visitId! } as Parameters<
      typeof recordDispensing
    >[1]);
  });
  router.post("/prescriptions/:visitId/cancellations", async (ctx) => {
    const b = await body(ctx, refillBody);
    ctx.status = 201;
    ctx.body = await cancelOrRestore(core, { originalVisitId: ctx.params.visitId!, refillNo: b.refillNo, h01: "C" });
  });
  router.post("/prescriptions/:visitId/restorations", async (ctx) => {
    const b = await body(ctx, refillBody);
    ctx.status = 201;
    ctx.body = await cancelOrRestore(core, { originalVisitId: ctx.params.visitId!, refillNo: b.refillNo, h01: "E" });
  });
  router.get("/state", (ctx) => {
    ctx.body = listHoldings(core);
  });
}
