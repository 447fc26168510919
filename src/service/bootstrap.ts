/**
 * Composition root: opens the database (SQLite file under the data folder by default, PostgreSQL when given),
 * connects NHI (the in-process sandbox by default, or `nhiUrl` for a standalone sandbox / real endpoint) and
 * builds the dispensing service. With `demo: true` the first run registers our pharmacy in the sandbox and seeds
 * the sandbox scenarios so every decision can be shown.
 *
 *   const rx = await createRxdesk({ demo: true });
 *   const decision = await rx.service.check({ visitIdInput: rx.demo!.cases.chronicFresh.originalVisitId });
 *   await rx.close();
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { dataDirOf, rxdeskConfig } from "../config.js";
import type { DatabaseConfig } from "../db/open.js";
import { databaseConfigFor, openDatabase, type RxdeskDb } from "../db/open.js";
import { type Message, msg } from "../domain/message.js";
import type { NhiClient } from "../nhi/client.js";
import { createHttpNhiClient, createSandbox, type Sandbox, type SeededScenarios } from "../nhi/sandbox/index.js";
import { DispensingService, type PharmacyIdentity } from "./dispensing-service.js";
import type { OutboxSettings } from "./outbox/settings.js";
import { readSetting, writeSetting } from "./store/settings.js";
import type { DispensingServiceApi } from "./types.js";

export interface RxdeskOptions {
  /** Data folder (default RXDESK_DATA_DIR or ./data): the SQLite file and the sandbox file live here. */
  dataDir?: string;
  /** SQLite file path (default `<dataDir>/rxdesk.sqlite3`). */
  dbFile?: string;
  /** Use PostgreSQL (or any explicit database config) instead of the SQLite file; RXDESK_DATABASE_URL
   * (postgres://…) does the same from the environment. */
  database?: DatabaseConfig;
  /** A standalone sandbox or real NHI endpoint; omitted = in-process sandbox. */
  nhiUrl?: string;
  /** A ready NHI client (tests); wins over nhiUrl and the sandbox. */
  nhiClient?: NhiClient;
  /** In-process sandbox state file (default `<dataDir>/nhi-sandbox.sqlite3`; ":memory:" keeps it in memory). */
  sandboxFile?: string;
  pharmacy?: Partial<PharmacyIdentity>;
  /** Seed the sandbox scenarios on the first run (and remember them). */
  demo?: boolean;
  now?: () => Date;
  nhiTimeoutMs?: number;
  outbox?: Partial<OutboxSettings>;
  /** An answer of NHI's a check queued for storing could not be stored (see DispensingServiceOptions). */
  onStoreError?: (error: unknown, originalVisitId: string) => void;
}

export interface Rxdesk {
  service: DispensingServiceApi;
  /** The concrete service (extra methods for the CLI and tests). */
  dispensing: DispensingService;
  sandbox?: Sandbox;
  /** The seeded demo cases, when `demo` was asked for. */
  demo?: SeededScenarios;
  /** Why the demo asked for could not be seeded (a standalone sandbox unreachable at start). */
  demoUnavailable?: Message;
  /** The open database, shared with the API's key store and audit trail. */
  database: Pick<RxdeskDb, "db" | "engine" | "location">;
  pharmacy: PharmacyIdentity;
  close(): Promise<void>;
}

const DEMO_KEY = "demo_scenarios";

async function postJson(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

async function seedOverHttp(nhiUrl: string, pharmacy: PharmacyIdentity): Promise<SeededScenarios> {
  const base = nhiUrl.replace(/\/+$/, "");
  await postJson(`${base}/v1/institutions`, { code: pharmacy.pharmacyCode, kind: "pharmacy", name: pharmacy.name });
  return (await postJson(`${base}/v1/scenarios`, { pharmacyCode: pharmacy.pharmacyCode })) as SeededScenarios;
}

function describeError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

export async function createRxdesk(options: RxdeskOptions = {}): Promise<Rxdesk> {
  const dataDir = dataDirOf(options.dataDir);
  // The data folder holds more than the SQLite file (sandbox state, slips, exports): create it on every engine.
  mkdirSync(dataDir, { recursive: true });
  const now = options.now ?? (() => new Date());
  const configured = rxdeskConfig().pharmacy;
  const pharmacy: PharmacyIdentity = {
    pharmacyCode: configured.pharmacyCode,
    name: configured.name,
    ...options.pharmacy,
  };
  const opened = await openDatabase(
    databaseConfigFor({
      dataDir,
      ...(options.dbFile ? { dbFile: options.dbFile } : {}),
      ...(options.database ? { database: options.database } : {}),
    }),
  );
  let sandbox: Sandbox | undefined;
  try {
    let nhi: NhiClient;
    if (options.nhiClient) {
      nhi = options.nhiClient;
    } else if (options.nhiUrl) {
      // Central over the URL; the card control software is installed on this machine (its file in the data folder).
      nhi = createHttpNhiClient(options.nhiUrl, {
        timeoutMs: options.nhiTimeoutMs ?? 10_000,
        controlSoftwareFile: join(dataDir, "card-control-software.json"),
        institutionCode: pharmacy.pharmacyCode,
        now,
      });
    } else {
      const file = options.sandboxFile ?? join(dataDir, "nhi-sandbox.sqlite3");
      sandbox = await createSandbox({ ...(file === ":memory:" ? {} : { file }), now });
      if (!sandbox.institution(pharmacy.pharmacyCode)) {
        await sandbox.registerInstitution({ code: pharmacy.pharmacyCode, kind: "pharmacy", name: pharmacy.name });
      }
      nhi = sandbox.client;
    }

    let demo: SeededScenarios | undefined;
    let demoUnavailable: Message | undefined;
    if (options.demo) {
      const stored = await readSetting(opened.db, DEMO_KEY);
      if (stored !== undefined) {
        demo = JSON.parse(stored) as SeededScenarios;
      } else {
        if (sandbox) {
          demo = await sandbox.seedScenarios({ pharmacyCode: pharmacy.pharmacyCode, now: now() });
        } else if (options.nhiUrl) {
          // NHI may be down when the counter starts: the counter works without the demo (offline paths), and the
          // next start seeds it, since nothing is remembered until it succeeded.
          demo = await seedOverHttp(options.nhiUrl, pharmacy).catch((error: unknown) => {
            demoUnavailable = msg(
              `示範處方未能載入：健保署模擬環境無法連線（${describeError(error)}），下次啟動時再試`,
              `Demo prescriptions not loaded: the NHI sandbox is unreachable (${describeError(error)}); tried again at the next start`,
            );
            return undefined;
          });
        }
        if (demo) {
          await writeSetting(opened.db, DEMO_KEY, JSON.stringify(demo));
        }
      }
    }

    const sb = sandbox;
    const dispensing = new DispensingService({
      db: opened.db,
      engine: opened.engine,
      nhi,
      pharmacy,
      now,
      nhiTimeoutMs: options.nhiTimeoutMs,
      outbox: options.outbox,
      ...(options.onStoreError ? { onStoreError: options.onStoreError } : {}),
      institutionName: sb ? (code) => sb.institution(code)?.name : undefined,
      onClose: async () => {
        await opened.close();
        await sb?.close();
      },
    });
    const rx: Rxdesk = {
      service: dispensing,
      dispensing,
      database: { db: opened.db, engine: opened.engine, location: opened.location },
      pharmacy,
      close: () => dispensing.close(),
    };
    if (sandbox) rx.sandbox = sandbox;
    if (demo) rx.demo = demo;
    if (demoUnavailable) rx.demoUnavailable = demoUnavailable;
    return rx;
  } catch (error) {
    await opened.close();
    await sandbox?.close();
    throw error;
  }
}
