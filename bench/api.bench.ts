/**
 * Status checks end to end through the shipped server: `rxdesk serve` from dist/ (bin/rxdesk.mjs) in a process of
 * its own, real HTTP on loopback, on a pharmacy database with 1,000,000 historical dispensings (bench/fixture.ts),
 * SQLite and PostgreSQL in the same run, with the embedded NHI sandbox (the shipped default) holding the
 * prescriptions. Every measured request checks a different prescription: a first scan of it, so NHI's status is
 * fetched, the lookup runs against the big database and the new status is stored. A check answers before its copy
 * of NHI's answer is committed (ServiceContext.queueStatus): a round ends when its last answer is in AND every
 * prescription it checked is stored, read from the database itself.
 *
 * Beside it, in the same run on the same database: bare Koa doing the same work the bare way
 * (bench/bare-check-server.ts: NHI's record from memory, the same lookup query with the driver alone, the same
 * writes, a JSON answer). The two alternate in rounds so machine-load drift hits both alike; each checks its own
 * prescriptions. Load: CONCURRENCY keep-alive clients in a worker thread of this process.
 *
 * Goals (issue 18): ≥ 2,000 status checks/s with p99 ≤ 25 ms on 2 cores.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Engine } from "../src/db/migrations.js";
import type { RocDate } from "../src/domain/roc-date.js";
import type { UploadRecord } from "../src/nhi/format/record.js";
import { benchDatabase, HISTORY_DISPENSINGS, PHARMACIST_ID, PHARMACY_CODE } from "./fixture.js";
import { goal, report, shipped, shippedFrom, sized } from "./lib.js";

const { nationalIdCheckDigit } =
  await shipped<typeof import("../src/domain/national-id.js")>("src/domain/national-id.ts");
const { buildUploadXml } = await shipped<typeof import("../src/nhi/format/xml.js")>("src/nhi/format/xml.ts");
const { createSandbox, prescriptionRecord, SCENARIO_CLINIC } =
  await shipped<typeof import("../src/nhi/sandbox/index.js")>("src/nhi/sandbox/index.ts");
const { createKysely } = await shipped<typeof import("../src/db/open.js")>("src/db/open.ts");

const root = fileURLToPath(new URL("..", import.meta.url));
const CONCURRENCY = 16;
/** Measured checks per server (in ROUNDS alternating rounds), after WARMUP unmeasured ones. */
const CHECKS = sized(4000, 400);
const ROUNDS = 2;
const WARMUP = sized(1500, 200);
const DAY_MS = 86_400_000;

interface LoadResult {
  count: number;
  failures: number;
  statuses: Record<string, number>;
  elapsedMs: number;
  /** Of elapsedMs: from the last answer until every prescription of the round was stored. */
  storedMs: number;
  p50: number;
  p99: number;
  latencies: number[];
  sampleBody: string;
}

/** The load generator: plain JS in a worker so it does not share this process's event loop. */
const LOADER = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const { url, requests, concurrency } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);
const latencies = new Array(requests.length);
const statuses = {};
let next = 0, failures = 0, sampleBody = "";
function one(i) {
  return new Promise((resolve) => {
    const r = requests[i];
    const body = Buffer.from(r.body);
    const started = performance.now();
    const req = http.request({ host: target.hostname, port: target.port, path: r.path, method: "POST", agent,
      headers: { ...r.headers, "content-type": "application/json", "content-length": body.length } },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          latencies[i] = performance.now() - started;
          statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
          if (res.statusCode !== 200) failures++;
          if (i === 0) sampleBody = Buffer.concat(chunks).toString();
          resolve();
        });
      });
    req.on("error", () => { failures++; latencies[i] = performance.now() - started; resolve(); });
    req.end(body);
  });
}
async function lane() { while (next < requests.length) { const i = next++; await one(i); } }
(async () => {
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, lane));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  parentPort.postMessage({ count: requests.length, failures, statuses, elapsedMs, latencies, sampleBody });
})();
`;

interface Req {
  path: string;
  headers?: Record<string, string>;
  body: string;
}

const at = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

function load(url: string, requests: Req[]): Promise<Omit<LoadResult, "storedMs">> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOADER, { eval: true, workerData: { url, requests, concurrency: CONCURRENCY } });
    worker.once("message", (m: Omit<LoadResult, "p50" | "p99">) => {
      void worker.terminate();
      const sorted = [...m.latencies].sort((a, b) => a - b);
      resolve({ ...m, p50: at(sorted, 50), p99: at(sorted, 99) });
    });
    worker.once("error", reject);
  });
}

/** Rounds as one: total count over total time, percentiles over all the samples. */
function merge(results: LoadResult[]): LoadResult {
  const latencies = results.flatMap((r) => r.latencies);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: results.reduce((a, r) => a + r.count, 0),
    failures: results.reduce((a, r) => a + r.failures, 0),
    statuses: Object.assign({}, ...results.map((r) => r.statuses)),
    elapsedMs: results.reduce((a, r) => a + r.elapsedMs, 0),
    storedMs: results.reduce((a, r) => a + r.storedMs, 0),
    p50: at(sorted, 50),
    p99: at(sorted, 99),
    latencies,
    sampleBody: results[0]!.sampleBody,
  };
}

const rate = (r: LoadResult) => (r.count / r.elapsedMs) * 1000;

function nationalId(i: number): string {
  const first9 = `${"ABCDEFGHJK"[i % 10]}${1 + (i % 2)}${String(3_000_000 + i).slice(-7)}`;
  return `${first9}${nationalIdCheckDigit(first9)}`;
}

/** `n` fresh 3-refill chronic prescriptions uploaded by the demo clinic to the sandbox kept in `file`. */
async function seedPrescriptions(file: string, n: number): Promise<string[]> {
  const sandbox = await createSandbox({ file });
  try {
    await sandbox.registerInstitution({ code: PHARMACY_CODE, kind: "pharmacy", name: "基準藥局" });
    const now = Date.now();
    const visitIds: string[] = [];
    for (let start = 0; start < n; start += 1000) {
      const records: UploadRecord[] = [];
      for (let i = start; i < Math.min(n, start + 1000); i++) {
        const id = nationalId(i);
        const pass = await sandbox.client.passCard(
          { institutionCode: SCENARIO_CLINIC },
          { nationalId: id, visitCategory: "01", at: new Date(now - DAY_MS - i * 1000) },
        );
        const { samId, visitDateTime, signature, visitId } = pass;
        const sequenceNumber = pass.sequenceNumber ?? "0001";
        const doctorId = `F12661734${nationalIdCheckDigit("F12661734")}`;
        const patient = { nationalId: id, birthDate: "0700101" as RocDate, cardNumber: "000012345678" };
        const chronic = { refillCount: 3, daysPerRefill: 28 };
        const fromPass = { samId, visitDateTime, signature, visitId, sequenceNumber };
        records.push(
          prescriptionRecord({ institutionCode: SCENARIO_CLINIC, doctorId, ...patient, ...chronic, ...fromPass }),
        );
        visitIds.push(pass.visitId);
      }
      await sandbox.client.upload({ institutionCode: SCENARIO_CLINIC }, buildUploadXml(records));
    }
    return visitIds;
  } finally {
    await sandbox.close();
  }
}

/** Starts a server process; resolves with its URL once it has printed it to `logFile`. */
async function startProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  pattern: RegExp,
): Promise<{ url: string; child: ChildProcess }> {
  const fd = openSync(logFile, "w");
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const match = pattern.exec(readFileSync(logFile, "utf8"));
    if (match) return { url: match[1]!, child };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`${args.join(" ")} did not start:\n${readFileSync(logFile, "utf8").slice(-2000)}`);
    }
    await sleep(50);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(10_000).then(() => child.kill("SIGKILL"))]);
}

function checks(visitIds: string[], path: string, headers?: Record<string, string>): Req[] {
  return visitIds.map((visitId) => ({ path, ...(headers ? { headers } : {}), body: JSON.stringify({ visitId }) }));
}

function describe(r: LoadResult): string {
  return `${r.count} checks, ${rate(r).toFixed(0)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms${
    r.storedMs > 0 ? ` (all stored ${r.storedMs.toFixed(1)} ms after the last answer, the checking read included)` : ""
  }${r.failures ? `, ${r.failures} failed ${JSON.stringify(r.statuses)}` : ""}`;
}

/**
 * A round of first scans: the load, then reading the database (a connection of this process) until every
 * prescription it checked is stored; that wait counts in the round's time.
 */
async function firstScans(
  url: string,
  requests: Req[],
  visitIds: string[],
  stored: (ids: string[]) => Promise<number>,
): Promise<LoadResult> {
  const result = await load(url, requests);
  const started = performance.now();
  while ((await stored(visitIds)) < visitIds.length) {
    if (performance.now() - started > 60_000) throw new Error("checked prescriptions not stored within 60 s");
  }
  const storedMs = performance.now() - started;
  return { ...result, elapsedMs: result.elapsedMs + storedMs, storedMs };
}

async function benchEngine(engine: Engine): Promise<boolean> {
  const db = await benchDatabase(engine);
  const children: ChildProcess[] = [];
  let reader: ReturnType<typeof createKysely> | undefined;
  try {
    const perServer = WARMUP + CHECKS;
    const sandboxFile = join(db.dataDir, "nhi-sandbox.sqlite3");
    const seeded = performance.now();
    const visitIds = await seedPrescriptions(sandboxFile, 2 * perServer);
    process.stdout.write(
      `\n${engine}: ${HISTORY_DISPENSINGS.toLocaleString("en")} historical dispensings (fixture ${
        db.buildMs > 0 ? `built in ${(db.buildMs / 1000).toFixed(0)} s` : "reused"
      }); ${visitIds.length} distinct prescriptions seeded in the sandbox in ${(
        (performance.now() - seeded) / 1000
      ).toFixed(1)} s\n`,
    );
    const env = { ...process.env, ...db.env, RXDESK_PHARMACY_CODE: PHARMACY_CODE };
    const cli = [join(root, "bin", "rxdesk.mjs")];
    const dataDir = ["--data-dir", db.dataDir];
    const created = execFileSync(
      process.execPath,
      [...cli, "keys", "create", "--role", "pharmacist", "--terminal", "counter-1"].concat(
        ["--pharmacist-id", PHARMACIST_ID],
        dataDir,
      ),
      { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
    const key = created.trim().split("\n").at(-1)!;
    // --rate: 16 load clients share one key here, where a pharmacy gives each terminal its own.
    // RXDESK_BENCH_CPU_PROF=<dir>: a V8 CPU profile of `rxdesk serve` for finding where its time goes.
    const profile = process.env.RXDESK_BENCH_CPU_PROF;
    const profiling = profile ? ["--cpu-prof", "--cpu-prof-dir", profile] : [];
    const ours = await startProcess(
      [...profiling, ...cli, "serve", "--port", "0", "--no-card", "--rate", "1000000", ...dataDir],
      env,
      join(db.dataDir, "serve.log"),
      /listening on (http:\/\/\S+)/,
    );
    children.push(ours.child);
    const dbTarget = engine === "sqlite" ? join(db.dataDir, "rxdesk.sqlite3") : db.env.RXDESK_DATABASE_URL!;
    const bare = await startProcess(
      ["--import", "tsx", join(root, "bench", "bare-check-server.ts"), dbTarget, sandboxFile],
      env,
      join(db.dataDir, "bare.log"),
      /listening (http:\/\/\S+)/,
    );
    children.push(bare.child);

    reader = createKysely(
      engine === "sqlite"
        ? { engine, file: join(db.dataDir, "rxdesk.sqlite3") }
        : { engine, connection: db.env.RXDESK_DATABASE_URL!, poolSize: 1 },
    );
    const read = reader;
    const stored = async (ids: string[]) =>
      Number(
        (
          await read
            .selectFrom("prescriptions")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("original_visit_id", "in", ids)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const auth = { authorization: `Bearer ${key}` };
    const oursIds = visitIds.slice(0, perServer);
    const bareIds = visitIds.slice(perServer);
    // Warm-up (JIT, caches): a counter server runs for hours, so both are measured warm.
    await load(ours.url, checks(oursIds.slice(0, WARMUP), "/api/checks", auth));
    await load(bare.url, checks(bareIds.slice(0, WARMUP), "/checks"));
    const perRound = CHECKS / ROUNDS;
    const runs: [LoadResult[], LoadResult[]] = [[], []];
    for (let round = 0; round < ROUNDS; round++) {
      const slice = (ids: string[]) => ids.slice(WARMUP + round * perRound, WARMUP + (round + 1) * perRound);
      runs[0].push(await firstScans(ours.url, checks(slice(oursIds), "/api/checks", auth), slice(oursIds), stored));
      runs[1].push(await firstScans(bare.url, checks(slice(bareIds), "/checks"), slice(bareIds), stored));
    }
    const [e2e, base] = runs.map(merge) as [LoadResult, LoadResult];
    process.stdout.write(`  first scans, rxdesk serve: ${describe(e2e)}; answer ${e2e.sampleBody.length} bytes\n`);
    process.stdout.write(`  first scans, bare Koa:     ${describe(base)}; answer ${base.sampleBody.length} bytes\n`);
    // For information: the same prescriptions scanned again, NHI's status unchanged (no write on either side).
    const measured = (ids: string[]) => ids.slice(WARMUP);
    const again = { ...(await load(ours.url, checks(measured(oursIds), "/api/checks", auth))), storedMs: 0 };
    const bareAgain = { ...(await load(bare.url, checks(measured(bareIds), "/checks"))), storedMs: 0 };
    process.stdout.write(
      `  scanned again, rxdesk serve: ${describe(again)}\n  scanned again, bare Koa:     ${describe(bareAgain)}\n`,
    );
    report(`${engine} status checks req/s, rxdesk serve vs bare Koa`, rate(e2e), rate(base), "req/s");
    report(`${engine} status checks p99, rxdesk serve vs bare Koa`, e2e.p99, base.p99, "ms");
    report(`${engine} scanned again req/s, rxdesk serve vs bare Koa`, rate(again), rate(bareAgain), "req/s");
    const outcome = /"outcome":"([a-z-]+)"/.exec(e2e.sampleBody)?.[1];
    const note = `${e2e.count} distinct prescriptions, outcome ${outcome ?? "?"}`;
    goal(`${engine}: status checks end to end through rxdesk serve, throughput`, rate(e2e), "req/s", "≥", 2000, note);
    goal(`${engine}: status checks end to end through rxdesk serve, p99`, e2e.p99, "ms", "≤", 25, note);
    for (const [r, log] of [
      [e2e, "serve.log"],
      [base, "bare.log"],
      [again, "serve.log"],
      [bareAgain, "bare.log"],
    ] as const) {
      if (r.failures > 0)
        process.stdout.write(`  ${log}:\n${readFileSync(join(db.dataDir, log), "utf8").slice(-1500)}\n`);
    }
    return [e2e, base, again, bareAgain].every((r) => r.failures === 0);
  } finally {
    await reader?.destroy();
    for (const child of children) await stop(child);
    await db.drop();
  }
}

process.stdout.write(
  `rxdesk serve from ${shippedFrom()} (bin/rxdesk.mjs); ${CONCURRENCY} concurrent keep-alive clients in a worker thread; ${CHECKS} measured checks per server in ${ROUNDS} alternating rounds after ${WARMUP} warm-up checks\n`,
);
let ok = true;
for (const engine of ["sqlite", "postgres"] as Engine[]) ok = (await benchEngine(engine)) && ok;
if (!ok) process.exitCode = 1;
