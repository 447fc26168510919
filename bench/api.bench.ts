/**
 * rxdesk API over loopback HTTP (keep-alive clients in a worker thread), next to a bare Koa route in the same run:
 *  - API layer: POST /api/checks through the whole HTTP stack (key auth, rate limit, body limit + zod validation,
 *    masking, pino log line, problem handling) answering the service's decision as `check` returned it for that
 *    visit ID a moment earlier — the API's own cost, vs a bare Koa + router JSON route;
 *  - status checks end to end: POST /api/checks with the real service (SQLite file, in-process NHI sandbox, status
 *    synced into the local database on every check), vs the bare route and vs calling `service.check` in-process
 *    at the same concurrency (so the API's overhead on top of the service shows);
 *  - dispenses: POST /api/dispensings of fresh chronic prescriptions (card pass, SQLite transaction, outbox,
 *    audit trail) vs the bare route and vs `service.dispense` in-process.
 * Targets (issue 7): ≥ 2,000 status checks/s, p99 ≤ 25 ms.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import Router from "@koa/router";
import Koa from "koa";
import pino from "pino";
import type { RocDate } from "../src/domain/roc-date.js";
import type { UploadRecord } from "../src/nhi/format/record.js";
import type { Decision, DispensingServiceApi } from "../src/service/types.js";
import { report, shipped, shippedFrom } from "./lib.js";

// The server side as it ships (compiled dist/ when up to date); all of it from one build.
const { createApp } = await shipped<typeof import("../src/api/app.js")>("src/api/app.ts");
const { apiStoreOn } = await shipped<typeof import("../src/api/api-store.js")>("src/api/api-store.ts");
const { nationalIdCheckDigit } =
  await shipped<typeof import("../src/domain/national-id.js")>("src/domain/national-id.ts");
const { buildUploadXml } = await shipped<typeof import("../src/nhi/format/xml.js")>("src/nhi/format/xml.ts");
const { prescriptionRecord, SCENARIO_CLINIC } =
  await shipped<typeof import("../src/nhi/sandbox/index.js")>("src/nhi/sandbox/index.ts");
const { createRxdesk } = await shipped<typeof import("../src/service/bootstrap.js")>("src/service/bootstrap.ts");

const CONCURRENCY = 16;
const CHECKS = 6000;
const DISPENSES = 600;
const DAY_MS = 86_400_000;

interface LoadResult {
  count: number;
  failures: number;
  statuses: Record<string, number>;
  elapsedMs: number;
  p50: number;
  p99: number;
}

/** The load generator: plain JS in a worker so it does not share the servers' event loop. */
const LOADER = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const { url, requests, concurrency, expect } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);
const latencies = new Float64Array(requests.length);
const statuses = {};
let next = 0, failures = 0;
function one(i) {
  return new Promise((resolve) => {
    const r = requests[i];
    const body = r.body === undefined ? undefined : Buffer.from(r.body);
    const started = performance.now();
    const req = http.request({ host: target.hostname, port: target.port, path: r.path, method: r.method, agent,
      headers: { ...r.headers, ...(body ? { "content-type": "application/json", "content-length": body.length } : {}) } },
      (res) => {
        res.resume();
        res.on("end", () => {
          latencies[i] = performance.now() - started;
          statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
          if (res.statusCode !== expect) failures++;
          resolve();
        });
      });
    req.on("error", () => { failures++; latencies[i] = performance.now() - started; resolve(); });
    if (body) req.write(body);
    req.end();
  });
}
async function lane() { while (next < requests.length) { const i = next++; await one(i); } }
(async () => {
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, lane));
  const elapsedMs = performance.now() - started;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
  agent.destroy();
  parentPort.postMessage({ count: requests.length, failures, statuses, elapsedMs, p50: at(50), p99: at(99) });
})();
`;

interface Req {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

function load(url: string, requests: Req[], expect: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOADER, { eval: true, workerData: { url, requests, concurrency: CONCURRENCY, expect } });
    worker.once("message", (m: LoadResult) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once("error", reject);
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function nationalId(i: number): string {
  const first9 = `${"ABCDEFGHJK"[i % 10]}${1 + (i % 2)}${String(3_000_000 + i).slice(-7)}`;
  return `${first9}${nationalIdCheckDigit(first9)}`;
}

function rate(r: LoadResult): number {
  return (r.count / r.elapsedMs) * 1000;
}

/** Two runs as one: total count over total time, the worse p50/p99. */
function merge(results: LoadResult[]): LoadResult {
  return {
    count: results.reduce((a, r) => a + r.count, 0),
    failures: results.reduce((a, r) => a + r.failures, 0),
    statuses: Object.assign({}, ...results.map((r) => r.statuses)),
    elapsedMs: results.reduce((a, r) => a + r.elapsedMs, 0),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
  };
}

/** The same loop as the load generator, calling a function in-process (no HTTP). */
async function inProcess(count: number, fn: (i: number) => Promise<boolean>): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        if (!(await fn(i))) failures++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!;
  return { count, failures, statuses: {}, elapsedMs, p50: at(50), p99: at(99) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "rxdesk-api-bench-"));
  const rx = await createRxdesk({ dataDir: dir, demo: true });
  const sandbox = rx.sandbox!;
  const { keys, audit } = await apiStoreOn(rx.database, dir);
  const pharmacistId = "E123456783";
  const pharmacist = (
    await keys.create({ role: "pharmacist", terminalId: "counter-1", pharmacistId }, { data: { via: "bench" } })
  ).key;
  // A structured info line per request, as in production, written to a discarding stream.
  const logger = pino({ level: "info" }, { write: () => {} });
  const common = {
    auth: keys,
    audit,
    logger,
    limits: { ratePerSecond: 100_000, burst: 100_000 },
  };
  const ours = createServer(createApp({ service: rx.service, ...common }).callback());
  const oursUrl = await listen(ours);

  // The API layer alone: the real service, except that `check` answers the decision it gave for that input.
  const visitIds = Object.values(rx.demo!.cases).map((c) => c.originalVisitId);
  const decisions = new Map<string, Decision>();
  for (const id of visitIds) decisions.set(id, await rx.service.check({ visitIdInput: id }));
  const layerService: DispensingServiceApi = Object.create(rx.service, {
    check: { value: async (input: { visitIdInput: string }) => decisions.get(input.visitIdInput)! },
  });
  const layer = createServer(createApp({ service: layerService, ...common }).callback());
  const layerUrl = await listen(layer);

  const bare = new Koa();
  const bareRouter = new Router();
  bareRouter.post("/ping", async (ctx) => {
    for await (const _ of ctx.req) {
      // drain
    }
    ctx.body = { status: "ok" };
  });
  bare.use(bareRouter.routes());
  const bareServer = createServer(bare.callback());
  const bareUrl = await listen(bareServer);

  // Prescriptions for the dispense runs: fresh 3-refill chronic prescriptions uploaded by the demo clinic.
  const now = Date.now();
  const patients: { visitId: string; nationalId: string }[] = [];
  const records: UploadRecord[] = [];
  for (let i = 0; i < DISPENSES * 2; i++) {
    const id = nationalId(i);
    const pass = await sandbox.client.passCard(
      { institutionCode: SCENARIO_CLINIC },
      { nationalId: id, visitCategory: "01", at: new Date(now - DAY_MS - i * 1000) },
    );
    records.push(
      prescriptionRecord({
        institutionCode: SCENARIO_CLINIC,
        samId: pass.samId,
        cardNumber: "000012345678",
        nationalId: id,
        birthDate: "0700101" as RocDate,
        doctorId: `F12661734${nationalIdCheckDigit("F12661734")}`,
        visitDateTime: pass.visitDateTime,
        sequenceNumber: pass.sequenceNumber ?? "0001",
        signature: pass.signature,
        visitId: pass.visitId,
        refillCount: 3,
        daysPerRefill: 28,
      }),
    );
    patients.push({ visitId: pass.visitId, nationalId: id });
  }
  await sandbox.client.upload({ institutionCode: SCENARIO_CLINIC }, buildUploadXml(records));
  // The API takes no client-asserted card: the load test names each patient by the ID typed from the paper.
  const cardOf = (i: number) => ({
    source: "typed" as const,
    nationalId: patients[i]!.nationalId,
    reason: "load test: no card reader",
  });

  const auth = { authorization: `Bearer ${pharmacist}` };
  const checks: Req[] = Array.from({ length: CHECKS }, (_, i) => ({
    method: "POST",
    path: "/api/checks",
    headers: auth,
    body: JSON.stringify({ visitId: visitIds[i % visitIds.length] }),
  }));
  const pings: Req[] = Array.from({ length: CHECKS }, () => ({ method: "POST", path: "/ping", body: "{}" }));
  const dispenses: Req[] = Array.from({ length: DISPENSES }, (_, i) => ({
    method: "POST",
    path: "/api/dispensings",
    headers: auth,
    body: JSON.stringify({ visitId: patients[i]!.visitId, refillNo: 1, card: cardOf(i) }),
  }));

  // Warm-up (JIT, SQLite page cache): a counter server runs for hours, so every path is measured warm; the service
  // path needs a few thousand calls before V8 has optimized it.
  for (let round = 0; round < 2; round++) {
    await load(oursUrl, checks, 200);
    await inProcess(CHECKS / 2, async (i) => {
      await rx.service.check({ visitIdInput: visitIds[i % visitIds.length]! });
      return true;
    });
  }
  await load(layerUrl, checks, 200);
  await load(bareUrl, pings, 200);

  const bareRun = await load(bareUrl, pings, 200);
  const layerRun = await load(layerUrl, checks, 200);
  // End to end and in-process alternate (twice each) so machine-load drift hits both alike.
  const directCheck = () =>
    inProcess(CHECKS / 2, async (i) => {
      await rx.service.check({ visitIdInput: visitIds[i % visitIds.length]! });
      return true;
    });
  const e2eCheck = () => load(oursUrl, checks.slice(0, CHECKS / 2), 200);
  const runs: [LoadResult[], LoadResult[]] = [[], []];
  for (let round = 0; round < 2; round++) {
    runs[0].push(await e2eCheck());
    runs[1].push(await directCheck());
  }
  const [endToEnd, direct] = runs.map(merge) as [LoadResult, LoadResult];
  const dispensed = await load(oursUrl, dispenses, 201);
  const directDispense = await inProcess(DISPENSES, async (i) => {
    const n = DISPENSES + i;
    const r = await rx.service.dispense({
      visitIdInput: patients[n]!.visitId,
      refillNo: 1,
      pharmacistId,
      card: { source: "typed", nationalId: patients[n]!.nationalId, typedReason: cardOf(n).reason },
    });
    return r.ok;
  });

  for (const [name, r] of [
    ["API layer", layerRun],
    ["status checks", endToEnd],
    ["dispenses", dispensed],
    ["in-process dispenses", directDispense],
  ] as const) {
    if (r.failures > 0)
      process.stdout.write(`${name}: ${r.failures} unexpected answers ${JSON.stringify(r.statuses)}\n`);
  }
  process.stdout.write(
    `(${CONCURRENCY} concurrent keep-alive clients in a worker thread; bare = Koa + router JSON route; rxdesk from ${shippedFrom()})\n`,
  );
  report("API layer POST /api/checks req/s", rate(layerRun), rate(bareRun), "req/s", "≥ 2000 req/s");
  report("API layer p99 vs bare", layerRun.p99, bareRun.p99, "ms", "≤ 25 ms");
  report("status checks end to end req/s vs bare", rate(endToEnd), rate(bareRun), "req/s", "≥ 2000 req/s");
  report("status checks end to end req/s vs in-process service.check", rate(endToEnd), rate(direct), "req/s");
  report("status checks end to end p99 vs in-process service.check", endToEnd.p99, direct.p99, "ms", "≤ 25 ms");
  report("dispenses req/s vs in-process service.dispense", rate(dispensed), rate(directDispense), "req/s");
  report("dispenses p99 vs in-process service.dispense", dispensed.p99, directDispense.p99, "ms");
  report("dispenses req/s vs bare", rate(dispensed), rate(bareRun), "req/s");
  const verdict = (r: LoadResult) => (rate(r) >= 2000 && r.p99 <= 25 ? "met" : "NOT met");
  process.stdout.write(
    `status-check target (≥ 2000/s, p99 ≤ 25 ms): API layer ${verdict(layerRun)}, end to end ${verdict(endToEnd)} on this machine\n`,
  );

  for (const server of [ours, layer, bareServer]) {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }
  await rx.close();
  rmSync(dir, { recursive: true, force: true });
  if ([layerRun, endToEnd, dispensed].some((r) => r.failures > 0)) process.exitCode = 1;
}

await main();
