/**
 * The pharmacy database the report and API benchmarks run against: 1,000,000 historical dispensings (with their
 * prescriptions, patients, NHI refill state, accepted uploads and log events) plus one busy month, on SQLite and
 * PostgreSQL. Built with set-based SQL (test/support/history.ts) through the shipped build's migrations.
 *
 * The SQLite file is built once per bench run folder (RXDESK_BENCH_RUN_DIR, which `npm run bench` creates and
 * removes) and reused by the benchmarks of that run: a counter's own database is such a file. PostgreSQL gets a
 * fresh throwaway database per benchmark process, dropped at exit.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import type { Engine } from "../src/db/migrations.js";
import { insertHistory } from "../test/support/history.js";
import { createThrowawayDatabase } from "../test/support/postgres.js";
import { shipped } from "./lib.js";

export const HISTORY_DISPENSINGS = Number(process.env.RXDESK_BENCH_HISTORY ?? 1_000_000);
export const MONTH_DISPENSINGS = 3000;
export const PHARMACY_CODE = "5901012345";
export const PHARMACIST_ID = "B123456780";
/** The busy month (Taiwan time) and the year around it. */
export const MONTH = {
  from: "1141001",
  to: "1141031",
  start: "2025-10-01T00:00:00+08:00",
  end: "2025-11-01T00:00:00+08:00",
};
export const YEAR = { from: "1140101", to: "1141231" };
/** A quiet day (a Sunday half-day opening) whose log is about three pages. */
export const QUIET_DAY = {
  day: "1141207",
  start: "2025-12-07T09:00:00+08:00",
  end: "2025-12-07T12:00:00+08:00",
  dispensings: 30,
};
/**
 * The history ends before the year the benchmark reports on, so every case reads the same rows with and without it
 * (the no-history baseline then does the same work); only the older million rows differ.
 */
const HISTORY = { start: "2000-01-01T00:00:00+08:00", end: "2024-10-01T00:00:00+08:00" };

export interface BenchDatabase {
  engine: Engine;
  /** What to give the CLI: a data folder (SQLite) or RXDESK_DATABASE_URL (PostgreSQL). */
  dataDir: string;
  env: Record<string, string>;
  /** Milliseconds spent building (0 when an earlier benchmark of this run built it). */
  buildMs: number;
  drop(): Promise<void>;
}

/**
 * The run folder shared by the benchmarks of one `npm run bench`; a benchmark run on its own gets a folder of its
 * own, removed when it exits.
 */
export function runDir(): string {
  let dir = process.env.RXDESK_BENCH_RUN_DIR;
  if (!dir) {
    const own = mkdtempSync(join(tmpdir(), "rxdesk-bench-run-"));
    process.on("exit", () => rmSync(own, { recursive: true, force: true }));
    dir = process.env.RXDESK_BENCH_RUN_DIR = own;
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function fill(config: Parameters<typeof import("../src/db/open.js").openDatabase>[0], history: number) {
  const { openDatabase } = await shipped<typeof import("../src/db/open.js")>("src/db/open.ts");
  const db = await openDatabase(config);
  try {
    const common = { pharmacyCode: PHARMACY_CODE, pharmacistId: PHARMACIST_ID };
    if (history > 0) {
      await insertHistory(db.db, db.engine, {
        ...common,
        prefix: "H",
        dispensings: history,
        start: new Date(HISTORY.start),
        end: new Date(HISTORY.end),
      });
    }
    // The month: first refills of 3-refill prescriptions, so refills 2 fall due (or are missed) within it.
    await insertHistory(db.db, db.engine, {
      ...common,
      prefix: "M",
      dispensings: MONTH_DISPENSINGS,
      dispensed: 1,
      start: new Date(MONTH.start),
      end: new Date(MONTH.end),
    });
    await insertHistory(db.db, db.engine, {
      ...common,
      prefix: "Q",
      dispensings: QUIET_DAY.dispensings,
      dispensed: 1,
      start: new Date(QUIET_DAY.start),
      end: new Date(QUIET_DAY.end),
    });
    if (db.engine === "postgres") await sql`VACUUM ANALYZE`.execute(db.db);
  } finally {
    await db.close();
  }
}

/** The benchmark database with `history` older dispensings (1,000,000 unless told) on `engine`. */
export async function benchDatabase(engine: Engine, history = HISTORY_DISPENSINGS): Promise<BenchDatabase> {
  const started = performance.now();
  if (engine === "sqlite") {
    const dataDir = join(runDir(), `history-${history}`);
    const done = join(dataDir, ".complete");
    if (existsSync(done)) return { engine, dataDir, env: {}, buildMs: 0, drop: async () => {} };
    mkdirSync(dataDir, { recursive: true });
    await fill({ engine: "sqlite", file: join(dataDir, "rxdesk.sqlite3") }, history);
    writeFileSync(done, "");
    return { engine, dataDir, env: {}, buildMs: performance.now() - started, drop: async () => {} };
  }
  const pg = await createThrowawayDatabase("rxdesk_bench");
  await fill({ engine: "postgres", connection: pg.connection }, history);
  const dataDir = mkdtempSync(join(runDir(), "pg-"));
  const url = `postgres:///${pg.name}?host=${encodeURIComponent(String(pg.connection.host))}`;
  return {
    engine,
    dataDir,
    env: { RXDESK_DATABASE_URL: url },
    buildMs: performance.now() - started,
    drop: () => pg.drop(),
  };
}
