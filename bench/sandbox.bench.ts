/**
 * NHI sandbox throughput over loopback HTTP, against a bare Koa hello-world measured in the same run:
 *  - uploads of 1,000 records per request (Big5 XML, full format and central checks, SQLite state): a clinic's
 *    1,000 chronic prescriptions, then a pharmacy's 1,000 dispensings of them (visit-ID decoding, refill checks),
 *    each vs the hello-world receiving the same bytes;
 *  - prescription status queries per second (16 concurrent clients), vs hello-world GETs per second.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import Koa from "koa";
import type { RocDate } from "../src/domain/roc-date.js";
import type { UploadRecord } from "../src/nhi/format/record.js";
import { report, shipped, time } from "./lib.js";

const { nationalIdCheckDigit } =
  await shipped<typeof import("../src/domain/national-id.js")>("src/domain/national-id.ts");
const { rocDateTimeFromDate } = await shipped<typeof import("../src/domain/roc-date.js")>("src/domain/roc-date.ts");
const { buildUploadXml } = await shipped<typeof import("../src/nhi/format/xml.js")>("src/nhi/format/xml.ts");
const { createHttpNhiClient, createSandbox, dispensingRecord, prescriptionRecord } =
  await shipped<typeof import("../src/nhi/sandbox/index.js")>("src/nhi/sandbox/index.ts");

const CLINIC = "3501200000";
const PHARMACY = "5901010001";
const DAY_MS = 86_400_000;
const RECORDS = 1000;
const RUNS = 5;
const QUERIES = 3000;
const CONCURRENCY = 16;

function withCheckDigit(first9: string): string {
  return `${first9}${nationalIdCheckDigit(first9)}`;
}

function nationalId(i: number): string {
  const first9 = `${"ABCDEFGHJK"[i % 10]}${1 + (i % 2)}${String(1_000_000 + i).slice(-7)}`;
  return `${first9}${nationalIdCheckDigit(first9)}`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "rxdesk-sandbox-bench-"));
  const now = new Date();
  const sandbox = await createSandbox({ file: join(dir, "nhi.sqlite"), now: () => now });
  await sandbox.registerInstitution({ code: CLINIC, kind: "prescriber" });
  await sandbox.registerInstitution({ code: PHARMACY, kind: "pharmacy" });

  // One document per run (plus warm-up), each with fresh patients so every run inserts 1,000 new records.
  const clinicDocs: Uint8Array[] = [];
  const pharmacyDocs: Uint8Array[] = [];
  const prescriptionIds: string[] = [];
  for (let doc = 0; doc < RUNS + 1; doc++) {
    const records: UploadRecord[] = [];
    const dispensings: UploadRecord[] = [];
    for (let i = 0; i < RECORDS; i++) {
      const n = doc * RECORDS + i;
      const id = nationalId(n);
      const birthDate = "0700101" as RocDate;
      const visitAt = new Date(now.getTime() - DAY_MS + n * 1000);
      const clinicVisitId = await sandbox.issueVisitId({
        nationalId: id,
        institutionCode: CLINIC,
        visitDateTime: visitAt,
      });
      const clinicPass = {
        samId: `SA${CLINIC}`,
        visitDateTime: rocDateTimeFromDate(visitAt),
        sequenceNumber: "0001",
        signature: "simulated-signature",
        visitId: clinicVisitId,
      };
      const rx = prescriptionRecord({
        institutionCode: CLINIC,
        samId: clinicPass.samId,
        cardNumber: "000012345678",
        nationalId: id,
        birthDate,
        doctorId: withCheckDigit("F12661734"),
        visitDateTime: clinicPass.visitDateTime,
        sequenceNumber: clinicPass.sequenceNumber ?? "0001",
        signature: clinicPass.signature,
        visitId: clinicPass.visitId,
        refillCount: 3,
        daysPerRefill: 28,
      });
      prescriptionIds.push(clinicPass.visitId);
      const pass = await sandbox.client.passCard(
        { institutionCode: PHARMACY },
        { nationalId: id, visitCategory: "AF", at: new Date(visitAt.getTime() + 3_600_000) },
      );
      records.push(rx);
      dispensings.push(
        dispensingRecord({
          pharmacyCode: PHARMACY,
          samId: pass.samId,
          cardNumber: "000012345678",
          nationalId: id,
          birthDate,
          pharmacistId: withCheckDigit("E22019876"),
          visitDateTime: pass.visitDateTime,
          signature: pass.signature,
          visitId: pass.visitId,
          originalVisitId: clinicPass.visitId,
          prescriberInstitutionCode: CLINIC,
          originalSequenceNumber: rx.mb1.M13!,
          originalVisitDateTime: clinicPass.visitDateTime,
          refillNo: 1,
          refillCount: 3,
          days: 28,
        }),
      );
    }
    clinicDocs.push(buildUploadXml(records));
    pharmacyDocs.push(buildUploadXml(dispensings));
  }

  const ours = await sandbox.listen(0);
  const hello = new Koa();
  hello.use(async (ctx) => {
    for await (const _chunk of ctx.req) {
      // drain the body like a real endpoint must
    }
    ctx.body = { hello: "world" };
  });
  const helloServer = await new Promise<Server>((resolve) => {
    const s = hello.listen(0, "127.0.0.1", () => resolve(s));
  });
  const helloUrl = `http://127.0.0.1:${(helloServer.address() as AddressInfo).port}`;
  const client = createHttpNhiClient(ours.url, { timeoutMs: 120_000 });

  // Uploads: each run sends the next document; every record must be accepted for the figure to count.
  const uploadAll = async (institutionCode: string, docs: Uint8Array[]) => {
    let next = 0;
    return time(
      async () => {
        const caller = { institutionCode };
        const receipt = await client.upload(caller, docs[next++]!);
        const text = Buffer.from((await client.fetchCheckReport(caller, receipt.uploadId)) ?? []).toString("latin1");
        if (receipt.recordCount !== RECORDS || text.length > 0)
          throw new Error(`upload rejected records: ${text.slice(0, 400)}`);
      },
      RUNS,
      1,
    );
  };
  const helloUpload = await time(
    async () => {
      const response = await fetch(helloUrl, { method: "POST", body: clinicDocs[0]! });
      await response.arrayBuffer();
    },
    RUNS,
    1,
  );
  const clinicUpload = await uploadAll(CLINIC, clinicDocs);
  const pharmacyUpload = await uploadAll(PHARMACY, pharmacyDocs);
  const kib = (clinicDocs[0]!.length / 1024).toFixed(0);
  report(
    `clinic upload, ${RECORDS} prescriptions/request (${kib} KiB)`,
    clinicUpload.medianMs,
    helloUpload.medianMs,
    "ms/request",
  );
  report(
    `pharmacy upload, ${RECORDS} dispensings/request`,
    pharmacyUpload.medianMs,
    helloUpload.medianMs,
    "ms/request",
  );
  report(
    "dispensing records checked and stored per second",
    (RECORDS * 1000) / pharmacyUpload.medianMs,
    (RECORDS * 1000) / helloUpload.medianMs,
    "records/s",
  );

  async function rate(run: (i: number) => Promise<void>): Promise<number> {
    const pass = async (count: number) => {
      let i = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (i < count) await run(i++);
        }),
      );
      return (count * 1000) / (performance.now() - start);
    };
    await pass(QUERIES / 3); // warm-up: JIT, keep-alive connections
    return pass(QUERIES);
  }
  const statusRate = await rate(async (i) => {
    const r = await client.prescriptionStatus(
      { institutionCode: PHARMACY },
      prescriptionIds[i % prescriptionIds.length]!,
    );
    if (!r.found) throw new Error("status not found");
  });
  const helloRate = await rate(async () => {
    const response = await fetch(`${helloUrl}/v1/prescriptions/x`);
    await response.arrayBuffer();
  });
  report(`status queries (${CONCURRENCY} concurrent)`, statusRate, helloRate, "queries/s");

  await ours.close();
  await new Promise<void>((resolve) => helloServer.close(() => resolve()));
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
