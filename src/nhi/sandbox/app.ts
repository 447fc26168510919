/**
 * The sandbox over HTTP (Koa 3). The caller's institution code travels in `X-Nhi-Institution` (standing in for
 * the security module binding). Routes:
 *   POST /v1/uploads                     Big5 XML body → UploadReceipt (JSON)
 *   GET  /v1/uploads/:id/report          check-result report, Big5 text (204 while not ready)
 *   GET  /v1/uploads/:id                 the per-record outcome as JSON
 *   GET  /v1/prescriptions/:visitId      PrescriptionStatusResult
 *   POST /v1/control-software/installations  { institutionCode } → { key, institutionCode, index }: installs the
 *                                        card control software on a pharmacy machine (local-control-software.ts)
 *   POST /v1/virtual-cards/verify        { token } → VirtualCardResult
 *   POST /v1/virtual-cards               IssueVirtualCardInput → IssuedVirtualCard (the app side, 健保快易通)
 *   POST /v1/virtual-cards/revoke        { token } | { nationalId } → { revoked }
 *   POST /v1/institutions                InstitutionInput → Institution
 *   POST /v1/visit-ids                   IssueVisitIdInput → { visitId }
 *   POST /v1/scenarios                   { pharmacyCode } → SeededScenarios
 *   PUT  /v1/faults | DELETE /v1/faults  fault switches
 *   GET  /v1/ping
 */
import type { Socket } from "node:net";
import Router from "@koa/router";
import Koa from "koa";
import { msg } from "../../domain/message.js";
import { isRocDateTime } from "../../domain/roc-date.js";
import { registerInstrumentRoutes } from "./app-instrument.js";
import type { SandboxClock } from "./clock.js";
import type { SandboxCore } from "./core.js";
import { delay, type FaultSwitch, garble } from "./faults.js";
import { callerOf, date, errorBody, readBody, readJson, str } from "./http-input.js";
import { SandboxRequestError } from "./request-error.js";
import type { FaultSettings, SandboxOperation, SeededScenarios } from "./types.js";

export interface AppDeps {
  core: SandboxCore;
  faults: FaultSwitch;
  clock: SandboxClock;
  seed(input: { pharmacyCode: string; now?: Date }): Promise<SeededScenarios>;
}

export function createSandboxApp(deps: AppDeps): Koa {
  const { core, faults } = deps;
  const app = new Koa();
  const router = new Router({ prefix: "/v1" });
  const op = (operation: SandboxOperation): Koa.Middleware => {
    return async (ctx, next) => {
      const f = faults.for(operation);
      if (f.slowMs) await delay(f.slowMs);
      if (f.drop) {
        // No answer at all: the socket closes under the client.
        (ctx.req.socket as Socket).destroy();
        ctx.respond = false;
        return;
      }
      const status = faults.serverErrorStatus(operation);
      if (status !== undefined) {
        ctx.status = status;
        ctx.body = errorBody(msg("健保署系統暫時無法服務（模擬故障）", "NHI service unavailable (simulated fault)"));
        return;
      }
      await next();
    };
  };

  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof SandboxRequestError) {
        ctx.status = error.status;
        ctx.body = errorBody(error.detail);
        return;
      }
      ctx.status = 500;
      ctx.body = errorBody(msg("沙盒內部錯誤", `Sandbox internal error: ${(error as Error).message}`));
    }
  });

  router.get("/ping", op("ping"), (ctx) => {
    ctx.body = { ok: true };
  });
  router.post("/uploads", op("upload"), async (ctx) => {
    const caller = callerOf(ctx);
    const body = await readBody(ctx);
    ctx.status = 201;
    ctx.body = await core.upload(caller, new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  });
  router.get("/uploads/:id/report", op("fetchCheckReport"), (ctx) => {
    const report = core.fetchCheckReport(callerOf(ctx), ctx.params.id!);
    if (report === null) {
      ctx.status = 204;
      return;
    }
    ctx.type = "text/plain; charset=big5";
    ctx.body = Buffer.from(faults.for("fetchCheckReport").garbledReport ? garble(report) : report);
  });
  router.get("/uploads/:id", (ctx) => {
    const doc = core.uploadResult(callerOf(ctx), ctx.params.id!);
    if (!doc) throw new SandboxRequestError(404, msg("查無此上傳", "No such upload"));
    const { report: _report, ...rest } = doc;
    ctx.body = rest;
  });
  router.get("/prescriptions/:visitId", op("prescriptionStatus"), (ctx) => {
    ctx.body = core.prescriptionStatus(callerOf(ctx), ctx.params.visitId!);
  });
  router.post("/control-software/installations", async (ctx) => {
    const body = await readJson(ctx);
    ctx.status = 201;
    ctx.body = await core.installControlSoftware(str(body, "institutionCode")!);
  });
  router.post("/virtual-cards/verify", op("verifyVirtualCard"), async (ctx) => {
    const caller = callerOf(ctx);
    const body = await readJson(ctx);
    ctx.body = await core.verifyVirtualCard(caller, str(body, "token")!);
  });
  router.post("/virtual-cards", async (ctx) => {
    const body = await readJson(ctx);
    const proxy = body.proxy;
    ctx.status = 201;
    ctx.body = await core.issueVirtualCard({
      nationalId: str(body, "nationalId")!,
      ...(str(body, "name", false) !== undefined ? { name: str(body, "name")! } : {}),
      ...(str(body, "birthDate", false) !== undefined ? { birthDate: str(body, "birthDate") as never } : {}),
      ...(proxy !== undefined ? { proxy: proxy as boolean | { nationalId: string } } : {}),
    });
  });
  router.post("/virtual-cards/revoke", async (ctx) => {
    const body = await readJson(ctx);
    const token = str(body, "token", false);
    const target = token !== undefined ? { token } : { nationalId: str(body, "nationalId")! };
    ctx.body = { revoked: await core.revokeVirtualCard(target) };
  });
  router.post("/institutions", async (ctx) => {
    const body = await readJson(ctx);
    const kind = str(body, "kind");
    if (kind !== "prescriber" && kind !== "pharmacy") {
      throw new SandboxRequestError(
        400,
        msg("kind 應為 prescriber 或 pharmacy", "kind must be prescriber or pharmacy"),
      );
    }
    ctx.status = 201;
    ctx.body = await core.registerInstitution({
      code: str(body, "code")!,
      kind,
      ...(str(body, "name", false) !== undefined ? { name: str(body, "name")! } : {}),
      ...(str(body, "format2Since", false) !== undefined ? { format2Since: str(body, "format2Since") as never } : {}),
    });
  });
  router.post("/visit-ids", async (ctx) => {
    const body = await readJson(ctx);
    const at = str(body, "visitDateTime")!;
    if (!isRocDateTime(at)) {
      throw new SandboxRequestError(400, msg("visitDateTime 應為民國日期時間", "visitDateTime must be yyyMMddHHmmss"));
    }
    ctx.status = 201;
    ctx.body = {
      visitId: await core.issueVisitId({
        nationalId: str(body, "nationalId")!,
        institutionCode: str(body, "institutionCode")!,
        visitDateTime: at,
        offline: body.offline === true,
      }),
    };
  });
  router.post("/scenarios", async (ctx) => {
    const body = await readJson(ctx);
    const now = date(body, "now");
    ctx.status = 201;
    ctx.body = await deps.seed({ pharmacyCode: str(body, "pharmacyCode")!, ...(now ? { now } : {}) });
  });
  registerInstrumentRoutes(router, deps);
  router.put("/faults", async (ctx) => {
    const body = await readJson(ctx);
    try {
      faults.set(body as FaultSettings);
    } catch (error) {
      throw new SandboxRequestError(400, msg(`故障設定錯誤：${(error as Error).message}`, (error as Error).message));
    }
    ctx.body = faults.current;
  });
  router.delete("/faults", (ctx) => {
    faults.clear();
    ctx.status = 204;
  });

  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
