/**
 * The API over the real service: `createRxdesk` with a SQLite file in a temp directory, the in-process NHI sandbox
 * seeded with its scenarios, and the src/reports exporter.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ScenarioCase } from "../../nhi/sandbox/index.js";
import { createRxdesk, type Rxdesk } from "../../service/bootstrap.js";
import type { CardIdentity } from "../../service/types.js";
import type { AppOptions } from "../deps.js";
import { createReportsExporter } from "../reports-exporter.js";
import { virtualCardVerifier } from "../server.js";
import { type ApiHarness, startApi } from "./harness.js";

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
    virtualCards: virtualCardVerifier(rx.sandbox!.client, rx.pharmacy.institutionCode),
    reports: createReportsExporter(rx.service, {
      name: rx.pharmacy.name ?? "",
      institutionCode: rx.pharmacy.institutionCode,
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

let cardSerial = 1;

/** The card as the counter's reader would present it for a scenario's patient. */
export function cardOf(c: ScenarioCase): CardIdentity {
  return {
    source: "ic-card",
    nationalId: c.nationalId,
    name: c.patientName,
    birthDate: c.birthDate,
    sex: c.nationalId[1] === "2" ? "F" : "M",
    cardNumber: String(100000000000 + cardSerial++),
  };
}
