import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/open.js";

const dir = mkdtempSync(join(tmpdir(), "rxdesk-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CHILD = new URL("../../test/support/service-crash-child.ts", import.meta.url).pathname;

function runChild(
  file: string,
  mode: "hang" | "finish" | "check-hang" | "check",
): Promise<{ out: string; signal: NodeJS.Signals | null; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, file, mode], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      const stopped = mode === "hang" ? "CLAIMED" : mode === "check-hang" ? "CHECKED" : undefined;
      if (stopped && out.includes(stopped)) child.kill("SIGKILL");
    });
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code !== 0 && signal === null) reject(new Error(`child failed (${code}): ${err}`));
      else resolve({ out, signal, code });
    });
  });
}

async function counts(file: string) {
  const h = await openDatabase({ engine: "sqlite", file });
  try {
    const n = async (table: "dispensings" | "outbox" | "refill_events" | "audit_log") =>
      Number(
        (
          await h.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const integrity = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(h.db);
    return {
      dispensings: await n("dispensings"),
      outbox: await n("outbox"),
      events: await n("refill_events"),
      audit: await n("audit_log"),
      integrity: integrity.rows[0]!.integrity_check,
    };
  } finally {
    await h.close();
  }
}

describe("crash safety (real child process, SIGKILL)", () => {
  it("leaves nothing half-written when killed inside the dispensing transaction", async () => {
    const file = join(dir, "killed.sqlite3");
    const run = await runChild(file, "hang");
    expect(run.out).toContain("CLAIMED");
    expect(run.signal).toBe("SIGKILL");
    const after = await counts(file);
    expect(after).toEqual({ dispensings: 0, outbox: 0, events: 0, audit: 0, integrity: "ok" });
    // The prescription the child synced from NHI before the transaction is there: the file is usable.
    const h = await openDatabase({ engine: "sqlite", file });
    try {
      expect(await h.db.selectFrom("prescriptions").select("original_visit_id").execute()).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it("writes everything when the same dispensing is allowed to finish", async () => {
    const file = join(dir, "finished.sqlite3");
    const run = await runChild(file, "finish");
    expect(run.out).toContain('DONE {"ok":true}');
    const after = await counts(file);
    expect(after.dispensings).toBe(1);
    expect(after.outbox).toBe(1);
    expect(after.events).toBeGreaterThanOrEqual(1);
    expect(after.audit).toBe(1);
    expect(after.integrity).toBe("ok");
  });

  it("loses only NHI's copy when killed after a check answered and before its copy was stored", async () => {
    const file = join(dir, "checked.sqlite3");
    const run = await runChild(file, "check-hang");
    expect(run.out).toContain("CHECKED dispense");
    expect(run.signal).toBe("SIGKILL");
    // The check had answered; its copy of NHI's answer was still queued, and nothing else was written.
    expect(await counts(file)).toEqual({ dispensings: 0, outbox: 0, events: 0, audit: 0, integrity: "ok" });
    expect(await prescriptionCount(file)).toBe(0);
    // The next check (another process, the same NHI) answers the same and stores the copy; the refill dispenses.
    expect((await runChild(file, "check")).out).toContain("CHECKED dispense");
    expect(await prescriptionCount(file)).toBe(1);
    expect((await runChild(file, "finish")).out).toContain('DONE {"ok":true}');
    expect(await counts(file)).toMatchObject({ dispensings: 1, outbox: 1, audit: 1, integrity: "ok" });
  });
});

async function prescriptionCount(file: string): Promise<number> {
  const h = await openDatabase({ engine: "sqlite", file });
  try {
    return (await h.db.selectFrom("prescriptions").select("original_visit_id").execute()).length;
  } finally {
    await h.close();
  }
}
