/**
 * SIGKILL at every step of dispensing and of the upload cycle, against a real child process, a SQLite file and the
 * NHI sandbox over HTTP (through a tap that counts what reaches NHI). After each kill a fresh process on the same
 * file recovers: every dispensing exists once, every record reaches the sandbox exactly once and is accepted
 * there, and retrying the same refills at the counter dispenses nothing twice.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSandbox, type ScenarioCase } from "../../src/nhi/sandbox/index.js";
import { COUNTER_PHARMACY } from "../support/reliability/counter.js";
import { sized } from "../support/reliability/mode.js";
import { type NhiCall, type NhiTap, startNhiTap, type TapMoment } from "../support/reliability/nhi-tap.js";

const CHILD = join(import.meta.dirname, "..", "support", "reliability", "counter-child.ts");

type Step =
  | "before-transaction"
  | "in-transaction"
  | "after-commit"
  | "mid-batch"
  | "after-upload-before-receipt"
  | "before-check-report";

/** Where the parent kills the child for steps it cannot announce itself: at the NHI tap. */
const KILL_AT: Partial<Record<Step, { call: NhiCall; moment: TapMoment }>> = {
  "before-transaction": { call: "status", moment: "arrived" },
  "mid-batch": { call: "upload", moment: "arrived" },
  "after-upload-before-receipt": { call: "upload", moment: "answered" },
  "before-check-report": { call: "report", moment: "arrived" },
};

interface Summary {
  redispensed: boolean[];
  dispensings: { visit_id: string; original_visit_id: string; refill_no: number; status: string }[];
  outbox: { visit_id: string; state: string; rejections_json: string | null }[];
}

function run(args: string[], tap: NhiTap, step?: Step): Promise<{ out: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let killed = false;
    const kill = () => {
      killed = true;
      child.kill("SIGKILL");
    };
    const at = step ? KILL_AT[step] : undefined;
    tap.on((call, moment) => {
      if (at && !killed && call === at.call && moment === at.moment) {
        kill();
        return "hold";
      }
      return "pass";
    });
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      if (step && out.includes(`AT ${step}`) && !killed) kill();
    });
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      tap.on(() => "pass");
      if (signal === "SIGKILL" && killed) resolve({ out, killed });
      else if (code === 0) resolve({ out, killed });
      else reject(new Error(`child ${args[0]} failed (${code ?? signal}): ${err}`));
    });
  });
}

describe("SIGKILL at every step of dispensing and uploading", () => {
  const dir = mkdtempSync(join(tmpdir(), "rxdesk-reliability-crash-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const allSteps: Step[] = [
    "before-transaction",
    "in-transaction",
    "after-commit",
    "mid-batch",
    "after-upload-before-receipt",
    "before-check-report",
  ];
  const steps = sized(allSteps, ["in-transaction", "after-upload-before-receipt"] satisfies Step[]);
  it.each(steps)("killed %s: afterwards every dispensing exists once and reaches NHI once", async (step) => {
    // A fresh NHI for every step: a chronic refill and a one-off, dispensed in one counter session.
    const sandbox = await createSandbox();
    const listening = await sandbox.listen(0);
    await sandbox.registerInstitution({ code: COUNTER_PHARMACY.pharmacyCode, kind: "pharmacy" });
    const seeded = await sandbox.seedScenarios({ pharmacyCode: COUNTER_PHARMACY.pharmacyCode });
    const cases: ScenarioCase[] = [seeded.cases.chronicFresh, seeded.cases.oneOff];
    const tap = await startNhiTap(listening.url);
    try {
      const file = join(dir, `${step}.sqlite3`);
      const args = [file, tap.url, JSON.stringify(cases)];
      const work = await run(["work", ...args, step], tap, step);
      expect(work.killed, `the child was killed at ${step}`).toBe(true);
      expect(work.out).not.toContain("DONE");

      const recovered = await run(["recover", ...args], tap);
      const line = recovered.out.split("\n").find((l) => l.startsWith("SUMMARY "));
      expect(line).toBeDefined();
      const summary = JSON.parse(line!.slice("SUMMARY ".length)) as Summary;

      // Retrying at the counter never dispenses a refill a second time.
      expect(summary.redispensed.length).toBe(cases.length);
      const active = summary.dispensings.filter((d) => d.status === "active");
      const kept = cases.filter((_, i) => !summary.redispensed[i]);
      expect(active.length).toBe(cases.length);
      for (const c of cases) {
        expect(
          active.filter((d) => d.original_visit_id === c.originalVisitId && d.refill_no === c.nextRefillNo),
        ).toHaveLength(1);
      }
      // Kills that come before the first commit leave nothing: the retry dispenses everything.
      if (step === "before-transaction" || step === "in-transaction") expect(kept).toEqual([]);
      else expect(summary.redispensed[0]).toBe(false);

      // Every record was uploaded and NHI accepted it; NHI holds each visit ID once.
      expect(summary.outbox.length).toBeGreaterThanOrEqual(active.length);
      expect(summary.outbox.filter((o) => o.state !== "accepted")).toEqual([]);
      for (const d of active) {
        // Exactly once, at every step: a record sent without a stored receipt is looked up at NHI (prescription
        // status by M16) before the outbox would send it again.
        expect(tap.arrivals.get(d.visit_id) ?? 0, d.visit_id).toBe(1);
        const status = await sandbox.central.prescriptionStatus(
          { institutionCode: COUNTER_PHARMACY.pharmacyCode },
          d.original_visit_id,
        );
        expect(status.found).toBe(true);
        const refill = status.found ? status.status.refills.find((r) => r.refillNo === d.refill_no) : undefined;
        expect(refill).toMatchObject({
          state: "dispensed",
          dispensedBy: COUNTER_PHARMACY.pharmacyCode,
          dispensedVisitId: d.visit_id,
        });
      }
      const atNhi = new Set(tap.arrivals.keys());
      expect([...atNhi].sort()).toEqual(active.map((d) => d.visit_id).sort());
    } finally {
      await tap.close();
      await listening.close();
      await sandbox.close();
    }
  });
});
