/**
 * The API over the real service: `createRxdesk` with a SQLite file in a temp directory, the in-process NHI sandbox
 * seeded with its scenarios, and the src/reports exporter.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import type { AppOptions } from "../../src/api/deps.js";
import { createReportsExporter } from "../../src/api/reports-exporter.js";
import { virtualCardVerifier } from "../../src/api/server.js";
import type { ScenarioCase } from "../../src/nhi/sandbox/index.js";
import { createRxdesk, type Rxdesk } from "../../src/service/bootstrap.js";
import { type ApiHarness, startApi } from "./api-harness.js";

export interface RealApi extends ApiHarness {
  rx: Rxdesk;
  cases: NonNullable<Rxdesk["demo"]>["cases"];
}

export async function startRealApi(
  extra: Partial<Omit<AppOptions, "service" | "auth" | "audit" | "logger">> = {},
): Promise<RealApi> {
  const dir = mkdtempSync(join(tmpdir(), "rxdesk-api-real-"));
  const rx = await createRxdesk({ dataDir: dir, demo: true });
  const api = await startApi({
    service: rx.service,
    virtualCards: virtualCardVerifier(rx.sandbox!.client, rx.pharmacy.pharmacyCode),
    reports: createReportsExporter(rx.service, {
      name: rx.pharmacy.name ?? "",
      pharmacyCode: rx.pharmacy.pharmacyCode,
    }),
    ...extra,
    dir,
    database: rx.database,
  });
  return {
    ...api,
    rx,
    cases: rx.demo!.cases,
    async close() {
      await api.close();
      await rx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Identity evidence as a counter produces it for a scenario's patient: the patient's virtual-card QR, verified with
 * NHI through the API (POST /api/virtual-cards/verify) by the key's terminal. Returns what checks and dispensings name.
 */
export async function evidenceOf(h: RealApi, c: ScenarioCase, key = h.pharmacistKey): Promise<{ evidenceId: string }> {
  const issued = await h.rx.sandbox!.issueVirtualCard({ nationalId: c.nationalId, name: c.patientName });
  const res = await request(h.url)
    .post("/api/virtual-cards/verify")
    .set({ Authorization: `Bearer ${key}` })
    .send({ token: issued.token });
  if (res.status !== 200)
    throw new Error(`virtual card verification failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { evidenceId: res.body.evidenceId as string };
}
