/**
 * Test support: a small world around a sandbox (a clinic, two pharmacies, patients, a settable clock) that
 * prescribes, passes cards and uploads real Big5 XML, then reads the check-result report back with the parser.
 * Used by the sandbox tests and available to other tests that need central state.
 */
import { nationalIdCheckDigit } from "../../src/domain/national-id.js";
import { type RocDate, type RocDateTime, rocDateTimeFromDate } from "../../src/domain/roc-date.js";
import type { NhiCaller, NhiClient } from "../../src/nhi/client.js";
import { buildUploadXml, parseCheckReport, type UploadRecord } from "../../src/nhi/sandbox/format-bridge.js";
import { createSandbox } from "../../src/nhi/sandbox/index.js";
import {
  type DispensingInput,
  dispensingInputFor,
  dispensingRecord,
  prescriptionRecord,
} from "../../src/nhi/sandbox/records.js";
import type { Sandbox } from "../../src/nhi/sandbox/types.js";

export const CLINIC = "3501200000";
export const OTHER_CLINIC = "3502060427";
export const PHARMACY = "5901010001";
export const PHARMACY_X = "5901019999";
export const DAY_MS = 86_400_000;

export function testNationalId(first9: string): string {
  return `${first9}${nationalIdCheckDigit(first9)}`;
}

export const PATIENT = { nationalId: testNationalId("A12345678"), birthDate: "0700101" as RocDate };
export const OTHER_PATIENT = { nationalId: testNationalId("B22345678"), birthDate: "0750505" as RocDate };
export const DOCTOR = testNationalId("F12661734");
export const PHARMACIST = testNationalId("E22019876");

export interface UploadOutcome {
  uploadId: string;
  /** `FIELD:CODE` for each error of each rejected record, by record number. */
  errors: Map<number, string[]>;
  /** All `FIELD:CODE` pairs in one flat list. */
  codes: string[];
}

export interface World {
  sandbox: Sandbox;
  client: NhiClient;
  clock: { now: Date; advanceDays(days: number): void; set(date: Date): void };
  prescribe(options?: {
    clinic?: string;
    patient?: { nationalId: string; birthDate: RocDate };
    refillCount?: number;
    days?: number;
    at?: Date;
  }): Promise<UploadRecord>;
  /** A dispensing record for `prescription` (card passed at `at`, default now). */
  dispensing(
    prescription: UploadRecord,
    refillNo: number,
    options?: { pharmacy?: string; at?: Date; override?: Partial<DispensingInput> },
  ): Promise<UploadRecord>;
  upload(institutionCode: string, records: UploadRecord[], client?: NhiClient): Promise<UploadOutcome>;
  close(): Promise<void>;
}

export async function createWorld(options: { client?: (sandbox: Sandbox) => NhiClient } = {}): Promise<World> {
  const clock = {
    now: new Date("2025-03-03T02:00:00Z"),
    advanceDays(days: number) {
      this.now = new Date(this.now.getTime() + days * DAY_MS);
    },
    set(date: Date) {
      this.now = date;
    },
  };
  const sandbox = await createSandbox({ key: "rxdesk-sandbox-test-key", now: () => clock.now });
  await sandbox.registerInstitution({ code: CLINIC, kind: "prescriber", name: "健保示範診所" });
  await sandbox.registerInstitution({ code: OTHER_CLINIC, kind: "prescriber", name: "安康診所" });
  await sandbox.registerInstitution({ code: PHARMACY, kind: "pharmacy", name: "本藥局" });
  await sandbox.registerInstitution({ code: PHARMACY_X, kind: "pharmacy", name: "X藥局" });
  const client = options.client ? options.client(sandbox) : sandbox.client;

  const world: World = {
    sandbox,
    client,
    clock,
    async prescribe(o = {}) {
      const clinic = o.clinic ?? CLINIC;
      const patient = o.patient ?? PATIENT;
      const pass = await sandbox.client.passCard(
        { institutionCode: clinic },
        { nationalId: patient.nationalId, visitCategory: "01", at: o.at ?? new Date(clock.now.getTime() - 3_600_000) },
      );
      return prescriptionRecord({
        institutionCode: clinic,
        samId: pass.samId,
        cardNumber: "000012345678",
        nationalId: patient.nationalId,
        birthDate: patient.birthDate,
        doctorId: DOCTOR,
        visitDateTime: pass.visitDateTime,
        sequenceNumber: pass.sequenceNumber ?? "0001",
        signature: pass.signature,
        visitId: pass.visitId,
        refillCount: o.refillCount ?? 3,
        daysPerRefill: o.days ?? 28,
      });
    },
    async dispensing(prescription, refillNo, o = {}) {
      const pharmacy = o.pharmacy ?? PHARMACY;
      const m = prescription.mb1;
      const pass = await sandbox.client.passCard(
        { institutionCode: pharmacy },
        { nationalId: m.M03!, visitCategory: "AF", at: o.at ?? clock.now },
      );
      return dispensingRecord({
        ...dispensingInputFor(prescription, pass, {
          pharmacyCode: pharmacy,
          pharmacistId: PHARMACIST,
          cardNumber: "000012345678",
          refillNo,
        }),
        ...o.override,
      });
    },
    async upload(institutionCode, records, via = client) {
      const caller: NhiCaller = { institutionCode };
      const receipt = await via.upload(caller, buildUploadXml(records));
      const report = await via.fetchCheckReport(caller, receipt.uploadId);
      if (report === null) throw new Error("check report not ready");
      const errors = new Map<number, string[]>();
      for (const entry of parseCheckReport(report)) {
        errors.set(
          entry.recordNo,
          entry.errors.map((e) => `${e.field}:${e.code}`),
        );
      }
      return { uploadId: receipt.uploadId, errors, codes: [...errors.values()].flat() };
    },
    close: () => sandbox.close(),
  };
  return world;
}

/** The ROC date-time of an instant (Taiwan time). */
export function roc(at: Date): RocDateTime {
  return rocDateTimeFromDate(at);
}
