/**
 * Soak (full run only): `rxdesk serve` as a child process on a SQLite file, NHI = a sandbox on the real clock over
 * HTTP, a clinic writing new prescriptions, and 4 counters (one API key each) verifying the patient's virtual card,
 * then checking and dispensing for RXDESK_SOAK_MS (default 10 minutes) while the outbox uploads every 15 s. Reports
 * the server's resident memory and the p99 of check + dispense at the start and at the end (first and last minute),
 * and writes them to
 * RXDESK_SOAK_REPORT when set; asserts only correctness: no 5xx, every dispensing accepted by NHI at the end.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSandbox } from "../../src/nhi/sandbox/index.js";
import { runRxdesk } from "../support/process.js";
import { COUNTER_PHARMACIST, COUNTER_PHARMACY } from "../support/reliability/counter.js";
import { FULL_RUN } from "../support/reliability/mode.js";
import { startPrescriber } from "../support/reliability/prescriber.js";
import { type ServeProcess, startServe } from "../support/serve.js";

const DURATION_MS = Number(process.env.RXDESK_SOAK_MS ?? 600_000);
const WINDOW_MS = Math.min(60_000, DURATION_MS / 4);
const COUNTERS = 4;

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
  return line ? Math.round(Number(line[1]) / 1024) : Number.NaN;
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN);
}

describe.runIf(FULL_RUN)("soak: 4 counters dispensing and uploading", () => {
  const dir = mkdtempSync(join(tmpdir(), "rxdesk-soak-"));
  let serve: ServeProcess | undefined;
  afterAll(async () => {
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`runs ${Math.round(DURATION_MS / 1000)} s without errors, memory and p99 reported`, {
    timeout: DURATION_MS + 180_000,
  }, async () => {
    const sandbox = await createSandbox();
    const nhi = await sandbox.listen(0);
    await sandbox.registerInstitution({ code: COUNTER_PHARMACY.pharmacyCode, kind: "pharmacy" });
    const clinic = await startPrescriber(sandbox);
    const env = { ...process.env, RXDESK_PHARMACY_CODE: COUNTER_PHARMACY.pharmacyCode };
    const keys: string[] = [];
    for (let i = 1; i <= COUNTERS; i++) {
      const created = await runRxdesk(
        "keys",
        "create",
        "--role",
        "pharmacist",
        "--terminal",
        `counter-${i}`,
        "--pharmacist-id",
        COUNTER_PHARMACIST,
        "--data-dir",
        dir,
      );
      const key = /rxk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/.exec(created.out + created.err)?.[0];
      expect(key, created.err).toBeDefined();
      keys.push(key!);
    }
    serve = await startServe(
      ["--data-dir", dir, "--nhi-url", nhi.url, "--no-card", "--outbox-interval", "15", "--rate", "1000"],
      env,
    );
    const pid = serve.child.pid!;
    const started = Date.now();
    const samples: { at: number; ms: number }[] = [];
    const memory: { at: number; mb: number }[] = [{ at: 0, mb: rssMb(pid) }];
    const failures: string[] = [];
    let dispensed = 0;
    const sampler = setInterval(() => memory.push({ at: Date.now() - started, mb: rssMb(pid) }), 5_000);

    const counter = async (key: string) => {
      const call = async (path: string, body: unknown) => {
        const res = await fetch(`${serve!.url}${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        const answer = (await res.json()) as { outcome?: string; reasons?: { code: string }[]; evidenceId?: string };
        if (res.status >= 300) failures.push(`${path} ${res.status} ${JSON.stringify(answer).slice(0, 300)}`);
        return answer;
      };
      while (Date.now() - started < DURATION_MS) {
        const rx = await clinic.prescribe();
        // The patient's identity is evidence the server produced: the virtual card verified at this counter.
        const verified = await call("/api/virtual-cards/verify", { token: await rx.showCard() });
        if (!verified.evidenceId) continue;
        const card = { evidenceId: verified.evidenceId };
        const t0 = performance.now();
        const decision = await call("/api/checks", { visitId: rx.visitId, card });
        if (decision.outcome !== "dispense") {
          failures.push(`check ${rx.visitId}: ${decision.outcome} ${decision.reasons?.map((r) => r.code).join(",")}`);
          continue;
        }
        await call("/api/dispensings", { visitId: rx.visitId, refillNo: 1, card });
        samples.push({ at: Date.now() - started, ms: performance.now() - t0 });
        dispensed += 1;
      }
    };
    await Promise.all(keys.map(counter));
    clearInterval(sampler);
    memory.push({ at: Date.now() - started, mb: rssMb(pid) });

    // Let the outbox catch up, then every dispensing must be accepted by NHI.
    const auth = { authorization: `Bearer ${keys[0]}` };
    let outbox = { waiting: -1, accepted: 0, rejected: 0 };
    for (let round = 0; round < 20 && outbox.waiting !== 0; round++) {
      await fetch(`${serve.url}/api/outbox/run`, { method: "POST", headers: auth });
      outbox = (
        (await (await fetch(`${serve.url}/api/outbox?state=rejected`, { headers: auth })).json()) as {
          status: typeof outbox;
        }
      ).status;
    }
    await nhi.close();
    await sandbox.close();

    const first = samples.filter((s) => s.at < WINDOW_MS).map((s) => s.ms);
    const last = samples.filter((s) => s.at >= DURATION_MS - WINDOW_MS).map((s) => s.ms);
    const memStart = memory.find((m) => m.at >= WINDOW_MS)?.mb ?? memory[0]!.mb;
    const report = {
      durationS: Math.round(DURATION_MS / 1000),
      counters: COUNTERS,
      dispensed,
      failures: failures.length,
      rssMb: { afterFirstMinute: memStart, end: memory.at(-1)!.mb, max: Math.max(...memory.map((m) => m.mb)) },
      p99Ms: { firstMinute: p99(first), lastMinute: p99(last) },
      outboxAtEnd: outbox,
    };
    console.log(`soak: ${JSON.stringify(report)}`);
    if (process.env.RXDESK_SOAK_REPORT)
      writeFileSync(process.env.RXDESK_SOAK_REPORT, `${JSON.stringify(report, null, 2)}\n`);
    expect(failures.slice(0, 5)).toEqual([]);
    expect(dispensed).toBeGreaterThan(0);
    expect(outbox).toMatchObject({ waiting: 0, rejected: 0, accepted: dispensed });
  });
});
