/**
 * Test support for the dispensing service: a fresh database (SQLite file or a throwaway PostgreSQL database),
 * the in-process NHI sandbox with its seeded scenarios on a controllable clock, and helpers that act as the
 * other parties (the clinic, pharmacy X). Used by the service tests only.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DatabaseConfig, openDatabase, type RxdeskDb } from "../../src/db/open.js";
import type { RocDate, RocDateTime } from "../../src/domain/roc-date.js";
import { parseCheckReport } from "../../src/nhi/check-report/parse.js";
import type { NhiClient } from "../../src/nhi/client.js";
import { buildUploadXml } from "../../src/nhi/format/xml.js";
import {
  cancelRecord,
  createSandbox,
  dispensingRecord,
  type Sandbox,
  SCENARIO_PATIENTS,
  type ScenarioCase,
  type SeededScenarios,
} from "../../src/nhi/sandbox/index.js";
import { DispensingService, type DispensingServiceOptions } from "../../src/service/dispensing-service.js";
import type { CardIdentity, DispenseResult } from "../../src/service/types.js";
import { createThrowawayDatabase } from "./postgres.js";

export const PHARMACY = { pharmacyCode: "5901012345", name: "測試藥局" };
export const PHARMACIST = "B123456780";
export const DAY = 86_400_000;

export type EngineName = "sqlite" | "postgres";
/** Both database engines, for tests that must hold on each. */
export const ENGINES: EngineName[] = ["sqlite", "postgres"];

export interface Harness {
  clock: { t: Date };
  now: () => Date;
  advance(ms: number): void;
  /** Sets the clock to `hour`:00 Taiwan time, `days` days after the current Taiwan date. */
  toLocalDay(days: number, hour?: number): void;
  sandbox: Sandbox;
  scenarios: SeededScenarios;
  db: RxdeskDb;
  dbConfig: DatabaseConfig;
  service: DispensingService;
  /** Another service instance on the same database with its own connection (a second counter). */
  counter(): Promise<DispensingService>;
  card(c: ScenarioCase): CardIdentity;
  /** Our pharmacist dispenses refill n of a scenario prescription here, with the patient's card. */
  dispenseHere(c: ScenarioCase, refillNo: number): Promise<DispenseResult>;
  /** Pharmacy X dispenses refill n of a scenario prescription and uploads it. */
  dispenseAtOther(c: ScenarioCase, refillNo: number, days?: number): Promise<void>;
  /** The prescriber cancels (C) or restores (E) refill n. */
  prescriberCancel(c: ScenarioCase, refillNo: number, h01?: "C" | "E"): Promise<void>;
  close(): Promise<void>;
}

export async function createHarness(
  engine: EngineName = "sqlite",
  options: {
    start?: Date;
    service?: Partial<DispensingServiceOptions>;
    /** Puts something between the service and the sandbox (e.g. a lost answer). */
    wrapNhi?: (client: NhiClient) => NhiClient;
  } = {},
): Promise<Harness> {
  const clock = { t: options.start ?? new Date("2026-03-10T02:00:00.000Z") };
  const now = () => new Date(clock.t.getTime());
  const cleanups: (() => Promise<void> | void)[] = [];
  let dbConfig: DatabaseConfig;
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "rxdesk-svc-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    dbConfig = { engine: "sqlite", file: join(dir, "rxdesk.sqlite3") };
  } else {
    const pg = await createThrowawayDatabase();
    cleanups.push(() => pg.drop());
    dbConfig = { engine: "postgres", connection: pg.connection };
  }
  const sandbox = await createSandbox({ now });
  cleanups.push(() => sandbox.close());
  await sandbox.registerInstitution({ code: PHARMACY.pharmacyCode, kind: "pharmacy", name: PHARMACY.name });
  const scenarios = await sandbox.seedScenarios({ pharmacyCode: PHARMACY.pharmacyCode, now: now() });
  const services: DispensingService[] = [];
  const makeService = async (): Promise<DispensingService> => {
    const db = await openDatabase(dbConfig);
    const s = new DispensingService({
      db: db.db,
      engine: db.engine,
      nhi: options.wrapNhi ? options.wrapNhi(sandbox.client) : sandbox.client,
      pharmacy: PHARMACY,
      now,
      nhiTimeoutMs: 5000,
      outbox: { baseBackoffMs: 60_000 },
      institutionName: (code) => sandbox.institution(code)?.name,
      onClose: () => db.close(),
      ...options.service,
    });
    services.push(s);
    return s;
  };
  const first = await makeService();
  const db = await openDatabase(dbConfig);
  cleanups.unshift(() => db.close());
  const other = scenarios.otherPharmacyCode;
  const card = (c: ScenarioCase): CardIdentity => {
    const p = SCENARIO_PATIENTS.find((x) => x.nationalId === c.nationalId);
    return {
      source: "ic-card",
      nationalId: c.nationalId,
      name: c.patientName,
      birthDate: c.birthDate,
      ...(p ? { cardNumber: p.cardNumber } : {}),
    };
  };
  return {
    clock,
    now,
    advance(ms) {
      clock.t = new Date(clock.t.getTime() + ms);
    },
    toLocalDay(days, hour = 10) {
      const local = new Date(clock.t.getTime() + 8 * 3_600_000);
      local.setUTCHours(hour, 0, 0, 0);
      clock.t = new Date(local.getTime() - 8 * 3_600_000 + days * DAY);
    },
    sandbox,
    scenarios,
    db,
    dbConfig,
    service: first,
    counter: makeService,
    card,
    // The pharmacist at this counter has done the J000 checks (cloud record, clinic) whenever they are needed.
    dispenseHere: (c, refillNo) =>
      first.dispense({
        visitIdInput: c.originalVisitId,
        refillNo,
        pharmacistId: PHARMACIST,
        card: card(c),
        j000Confirmation: { cloudRecordChecked: true, prescriberAsked: true },
      }),
    dispenseAtOther: (c, refillNo, days = c.daysPerRefill) =>
      dispenseAtOtherPharmacy(sandbox, other, c, { refillNo, days, at: now() }),
    async prescriberCancel(c, refillNo, h01 = "C") {
      const prescription = {
        h00: "1",
        h01: "A" as const,
        mb1: {
          M03: c.nationalId,
          M05: c.prescriberInstitutionCode,
          M07: "01",
          M11: c.originalVisitDateTime,
          M15: c.originalVisitId,
        },
        mb2: [],
      };
      const code = c.prescriberInstitutionCode;
      const receipt = await sandbox.client.upload(
        { institutionCode: code },
        buildUploadXml([cancelRecord(prescription, refillNo, h01)]),
      );
      const report = await sandbox.client.fetchCheckReport({ institutionCode: code }, receipt.uploadId);
      const rejected = report ? parseCheckReport(report) : [];
      if (rejected.length > 0) {
        throw new Error(`the prescriber's ${h01} was rejected: ${JSON.stringify(rejected[0]!.errors)}`);
      }
    },
    async close() {
      for (const s of services) await s.close();
      for (const c of cleanups) await c();
    },
  };
}

/** Pharmacy `other` passes the patient's card and uploads refill n of the case to the sandbox (accepted, or throws). */
export async function dispenseAtOtherPharmacy(
  sandbox: Sandbox,
  other: string,
  c: ScenarioCase,
  { refillNo, days = c.daysPerRefill, at }: { refillNo: number; days?: number; at: Date },
): Promise<void> {
  const pass = await sandbox.client.passCard(
    { institutionCode: other },
    { nationalId: c.nationalId, visitCategory: "AF", at },
  );
  const record = dispensingRecord({
    pharmacyCode: other,
    samId: pass.samId,
    cardNumber: SCENARIO_PATIENTS.find((x) => x.nationalId === c.nationalId)?.cardNumber ?? "000000000000",
    nationalId: c.nationalId,
    birthDate: c.birthDate as RocDate,
    pharmacistId: "B220145675",
    visitDateTime: pass.visitDateTime,
    signature: pass.signature,
    visitId: pass.visitId,
    originalVisitId: c.originalVisitId,
    prescriberInstitutionCode: c.prescriberInstitutionCode,
    originalSequenceNumber: c.originalSequenceNumber ?? "J000",
    originalVisitDateTime: c.originalVisitDateTime as RocDateTime,
    refillNo,
    refillCount: c.refillCount,
    days,
  });
  const receipt = await sandbox.client.upload({ institutionCode: other }, buildUploadXml([record]));
  const report = await sandbox.client.fetchCheckReport({ institutionCode: other }, receipt.uploadId);
  const rejected = report ? parseCheckReport(report) : [];
  if (rejected.length > 0) {
    throw new Error(`pharmacy X's upload was rejected: ${JSON.stringify(rejected[0]!.errors)}`);
  }
}
