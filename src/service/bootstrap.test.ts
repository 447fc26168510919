import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PHARMACIST } from "../../test/support/service-harness.js";
import { createSandbox } from "../nhi/sandbox/index.js";
import { createRxdesk } from "./bootstrap.js";

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "rxdesk-boot-"));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("createRxdesk", () => {
  it("runs on a SQLite file and the in-process sandbox, seeds the demo once and keeps everything across restarts", async () => {
    const dataDir = tmp();
    const rx = await createRxdesk({ dataDir, demo: true });
    expect(rx.database.engine).toBe("sqlite");
    expect(rx.database.location).toBe(join(dataDir, "rxdesk.sqlite3"));
    expect(rx.sandbox).toBeDefined();
    const cases = rx.demo!.cases;
    const expected: Record<string, "dispense" | "block"> = {
      chronicFresh: "dispense",
      dispensedElsewhere: "block",
      cancelledRestored: "dispense",
      j000ClinicClosed: "dispense",
      sm00PreFormat2: "block",
      oneOff: "dispense",
    };
    for (const [name, outcome] of Object.entries(expected)) {
      const c = cases[name as keyof typeof cases];
      const d = await rx.service.check({
        visitIdInput: c.originalVisitId,
        card: { source: "ic-card", nationalId: c.nationalId },
      });
      expect(`${name}:${d.outcome}`).toBe(`${name}:${outcome}`);
    }
    const c = cases.oneOff;
    const r = await rx.service.dispense({
      visitIdInput: c.originalVisitId,
      refillNo: 1,
      pharmacistId: PHARMACIST,
      card: { source: "ic-card", nationalId: c.nationalId, cardNumber: "000078901234" },
    });
    expect(r.ok).toBe(true);
    expect(await rx.service.runOutbox()).toMatchObject({ uploaded: 1, accepted: 1 });
    await rx.close();

    const again = await createRxdesk({ dataDir, demo: true });
    try {
      expect(again.demo!.cases.oneOff.originalVisitId).toBe(c.originalVisitId);
      expect(await again.service.recentDispensings(10)).toHaveLength(1);
      const d = await again.service.check({
        visitIdInput: c.originalVisitId,
        card: { source: "ic-card", nationalId: c.nationalId },
      });
      expect(d.reasons.map((x) => x.code)).toContain("dispensed-here");
      // The sandbox kept its state too: NHI knows about our accepted upload.
      expect((await again.service.health()).outbox.accepted).toBe(1);
    } finally {
      await again.close();
    }
  });

  it("talks to a standalone sandbox over HTTP with nhiUrl", async () => {
    const sandbox = await createSandbox();
    const server = await sandbox.listen(0);
    try {
      const rx = await createRxdesk({ dataDir: tmp(), nhiUrl: server.url, demo: true });
      try {
        expect(rx.sandbox).toBeUndefined();
        const c = rx.demo!.cases.chronicFresh;
        const d = await rx.service.check({
          visitIdInput: c.originalVisitId,
          card: { source: "ic-card", nationalId: c.nationalId },
        });
        expect(d.outcome).toBe("dispense");
        const r = await rx.service.dispense({
          visitIdInput: c.originalVisitId,
          refillNo: 1,
          pharmacistId: PHARMACIST,
          card: { source: "ic-card", nationalId: c.nationalId, cardNumber: "000012345678" },
        });
        expect(r.ok).toBe(true);
        expect(await rx.service.runOutbox()).toMatchObject({ uploaded: 1, accepted: 1 });
      } finally {
        await rx.close();
      }
    } finally {
      await server.close();
      await sandbox.close();
    }
  });

  it("starts with nhiUrl while NHI is down: no demo yet, said why, the scan offers the paper; seeds at the next start", async () => {
    const sandbox = await createSandbox();
    const server = await sandbox.listen(0);
    const url = server.url;
    await server.close(); // the port is closed now: NHI is unreachable
    const dataDir = tmp();
    const rx = await createRxdesk({ dataDir, nhiUrl: url, demo: true, nhiTimeoutMs: 2_000 });
    try {
      expect(rx.demo).toBeUndefined();
      expect(rx.demoUnavailable?.zh).toMatch(/示範處方未能載入/);
      expect(rx.demoUnavailable?.en).toMatch(/Demo prescriptions not loaded.*unreachable/);
      const d = await rx.service.check({ visitIdInput: "L7CQYB1ATBZQFH86D2MA" });
      expect(d.paperEntry).toBe("nhi-unreachable");
    } finally {
      await rx.close();
    }
    const again = await sandbox.listen(0);
    try {
      const rx2 = await createRxdesk({ dataDir, nhiUrl: again.url, demo: true });
      try {
        expect(rx2.demoUnavailable).toBeUndefined();
        expect(rx2.demo?.cases.chronicFresh.originalVisitId).toMatch(/^[0-9A-Z]{20}$/);
      } finally {
        await rx2.close();
      }
    } finally {
      await again.close();
      await sandbox.close();
    }
  });
});

describe("CLI", () => {
  it("rxdesk dispense checks and dispenses; rxdesk outbox run uploads and reports", async () => {
    const dataDir = tmp();
    const main = new URL("../cli/main.ts", import.meta.url).pathname;
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", main, ...args, "--data-dir", dataDir, "--demo", "--json"], {
        encoding: "utf8",
        env: { ...process.env, RXDESK_PHARMACIST_ID: PHARMACIST },
      });
    const rx = await createRxdesk({ dataDir, demo: true });
    const seeded = rx.demo!.cases.oneOff;
    await rx.close();
    const ok = cli(
      "dispense",
      seeded.originalVisitId,
      "--national-id",
      seeded.nationalId,
      "--card-number",
      "000078901234",
    );
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).result.ok).toBe(true);
    const run = cli("outbox", "run");
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).result).toMatchObject({ uploaded: 1, accepted: 1 });
    expect(JSON.parse(run.stdout).status).toMatchObject({ accepted: 1, waiting: 0, uploadedWithin24hShare: 1 });
  }, 120_000);
});
