/**
 * The pharmacy database the report and API benchmarks run against: 1,000,000 historical dispensings (with their
 * prescriptions, patients, NHI refill state, accepted uploads and log events) plus one busy month, on SQLite and
 * PostgreSQL. Built with set-based SQL (test/support/history.ts) through the shipped build's migrations.
 *
 * Both are built once and kept between runs as fixtures (see FIXTURES_DIR below); each benchmark works on its own
 * copy, removed when it is done.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import pg from "pg";
import type { Engine } from "../src/db/migrations.js";
import { insertHistory } from "../test/support/history.js";
import { dropDatabase, ensurePostgres, PG_SOCKET_DIR } from "../test/support/postgres.js";
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
/**
 * A quiet day (a Sunday half-day opening) whose log is three A4 pages, the "3-page log" of issue 18's goal: with the
 * statistics, weekly, per-pharmacist and per-patient tables, 12 to 18 such dispensings render three pages in zh-TW and
 * in English, and 16 leaves room either way. reports.bench.ts counts the pages of every run and fails when the
 * layout has drifted off three: resize this then.
 */
export const QUIET_DAY = {
  day: "1141207",
  start: "2025-12-07T09:00:00+08:00",
  end: "2025-12-07T12:00:00+08:00",
  dispensings: 16,
  pages: 3,
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

/**
 * Built databases are kept between runs as fixtures, clearly: SQLite files in RXDESK_BENCH_FIXTURES (default
 * <tmp>/rxdesk-bench-fixtures) and PostgreSQL template databases named rxdesk_bench_fx_<history>_<key>. The key
 * hashes everything the rows depend on (the migrations and schema, the history generator, this file), so a schema
 * change builds them again and drops the outdated ones. Each benchmark works on a copy (a copied file, a database
 * created from the template), never on the fixture itself, and nothing else is cached.
 */
export const FIXTURES_DIR = process.env.RXDESK_BENCH_FIXTURES ?? join(tmpdir(), "rxdesk-bench-fixtures");
const root = fileURLToPath(new URL("..", import.meta.url));

function fixtureKey(): string {
  const hash = createHash("sha256");
  const files = [
    ...readdirSync(join(root, "src", "db"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .map((f) => join("src", "db", f)),
    join("test", "support", "history.ts"),
    join("bench", "fixture.ts"),
  ].sort();
  for (const file of files) hash.update(file).update(readFileSync(join(root, file)));
  return hash.digest("hex").slice(0, 12);
}

const PG_FIXTURE_PREFIX = "rxdesk_bench_fx_";

async function pgAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  await ensurePostgres();
  const client = new pg.Client({ host: PG_SOCKET_DIR, database: "postgres", user: userInfo().username });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function sqliteFixture(history: number, key: string): Promise<{ file: string; buildMs: number }> {
  mkdirSync(FIXTURES_DIR, { recursive: true });
  const prefix = `sqlite-history-${history}-`;
  const file = join(FIXTURES_DIR, `${prefix}${key}.sqlite3`);
  if (existsSync(file)) return { file, buildMs: 0 };
  for (const old of readdirSync(FIXTURES_DIR)) if (old.startsWith(prefix)) rmSync(join(FIXTURES_DIR, old));
  const started = performance.now();
  const building = join(FIXTURES_DIR, `building-${process.pid}-${prefix}${key}.sqlite3`);
  try {
    await fill({ engine: "sqlite", file: building }, history);
    // One file, no WAL beside it: what a copy needs.
    const { default: sqlite3 } = await import("sqlite3");
    await new Promise<void>((resolve, reject) => {
      const db = new sqlite3.Database(building, (err) => {
        if (err) return reject(err);
        db.exec("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;", (e) => db.close(() => (e ? reject(e) : resolve())));
      });
    });
    renameSync(building, file);
  } finally {
    for (const f of [building, `${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
  }
  return { file, buildMs: performance.now() - started };
}

async function pgFixture(history: number, key: string): Promise<{ name: string; buildMs: number }> {
  const prefix = `${PG_FIXTURE_PREFIX}${history}_`;
  const name = `${prefix}${key}`;
  // Compared in JavaScript: in LIKE, "_" matches any character, so the 10,000 prefix would match the 1,000,000 one.
  const existing = await pgAdmin(async (c) =>
    (await c.query<{ datname: string }>("SELECT datname FROM pg_database")).rows
      .map((r) => r.datname)
      .filter((n) => n.startsWith(prefix)),
  );
  if (existing.includes(name)) return { name, buildMs: 0 };
  await pgAdmin(async (c) => {
    for (const old of existing) await dropDatabase(c, old);
  });
  const started = performance.now();
  const building = `${name}_building`;
  await pgAdmin((c) => c.query(`CREATE DATABASE "${building}"`));
  try {
    await fill(
      { engine: "postgres", connection: { host: PG_SOCKET_DIR, database: building, user: userInfo().username } },
      history,
    );
    await pgAdmin((c) => c.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`));
  } finally {
    await pgAdmin((c) => dropDatabase(c, building));
  }
  return { name, buildMs: performance.now() - started };
}

/**
 * A working copy of the benchmark database with `history` older dispensings (1,000,000 unless told) on `engine`,
 * made from its fixture (built first when missing or outdated). `drop()` removes the copy.
 */
export async function benchDatabase(engine: Engine, history = HISTORY_DISPENSINGS): Promise<BenchDatabase> {
  const key = fixtureKey();
  const dataDir = mkdtempSync(join(runDir(), `${engine}-${history}-`));
  if (engine === "sqlite") {
    const { file, buildMs } = await sqliteFixture(history, key);
    copyFileSync(file, join(dataDir, "rxdesk.sqlite3"));
    return { engine, dataDir, env: {}, buildMs, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const { name: template, buildMs } = await pgFixture(history, key);
  const name = `rxdesk_bench_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await pgAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    engine,
    dataDir,
    env: { RXDESK_DATABASE_URL: `postgres:///${name}?host=${encodeURIComponent(PG_SOCKET_DIR)}` },
    buildMs,
    async drop() {
      await pgAdmin((c) => dropDatabase(c, name));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
