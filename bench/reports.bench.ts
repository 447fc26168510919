/**
 * The owner's refill log end to end, as the owner runs it: `rxdesk report refill-log` of the shipped build
 * (bin/rxdesk.mjs → dist/) in its own process, on a pharmacy database with 1,000,000 historical dispensings, on
 * SQLite and PostgreSQL in the same run (bench/fixture.ts builds them with set-based SQL).
 *
 * Each case is measured on that database and, as its baseline, on one holding the same period and 10,000 older
 * dispensings: the same command doing the same work, so the ratio is what the history costs (it should be ~1×).
 * Wall time and peak memory (RSS) come from /usr/bin/time; the median of RUNS runs.
 *
 * Goals (issue 18): a 3,000-dispensing month ≤ 2 s; a 3-page log ≤ 0.5 s and ≤ 50 KB; a whole year ≤ 10 s; memory
 * flat in the history size (peak RSS at 1,000,000 ≤ 1.25× at 10,000). A missed goal is printed as MISSED. The
 * 3-page log must be three pages in every run: otherwise a MISMATCH line, and the benchmark exits 1.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Engine } from "../src/db/migrations.js";
import {
  type BenchDatabase,
  benchDatabase,
  HISTORY_DISPENSINGS,
  MONTH,
  PHARMACY_CODE,
  QUIET_DAY,
  runDir,
  YEAR,
} from "./fixture.js";
import { ensureBuilt, goal, report, shippedFrom, sized } from "./lib.js";

const RUNS = sized(3, 1);
const root = fileURLToPath(new URL("..", import.meta.url));
ensureBuilt();

interface Case {
  name: string;
  from: string;
  to: string;
  format: "pdf" | "csv";
  goal: { seconds: number; kilobytes?: number };
  /** The page count the goal names: every run of the case must render exactly this many pages. */
  pages?: number;
}

const CASES: Case[] = [
  { name: "3,000-dispensing month, PDF", from: MONTH.from, to: MONTH.to, format: "pdf", goal: { seconds: 2 } },
  { name: "3,000-dispensing month, CSV", from: MONTH.from, to: MONTH.to, format: "csv", goal: { seconds: 2 } },
  {
    name: "3-page log, PDF",
    from: QUIET_DAY.day,
    to: QUIET_DAY.day,
    format: "pdf",
    goal: { seconds: 0.5, kilobytes: 50 },
    pages: QUIET_DAY.pages,
  },
  { name: "whole year, PDF", from: YEAR.from, to: YEAR.to, format: "pdf", goal: { seconds: 10 } },
];

interface Run {
  seconds: number;
  rssMb: number;
  bytes: number;
  pages?: number;
}

function runCli(db: BenchDatabase, c: Case): Run {
  const out = join(db.dataDir, `log.${c.format}`);
  const stats = join(db.dataDir, "time.txt");
  const args = ["-f", "%e %M", "-o", stats, process.execPath, join(root, "bin", "rxdesk.mjs"), "report", "refill-log"];
  args.push("--from", c.from, "--to", c.to, "--format", c.format, "--out", out, "--data-dir", db.dataDir);
  args.push("--pharmacy-code", PHARMACY_CODE);
  const result = spawnSync("/usr/bin/time", args, { env: { ...process.env, ...db.env }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`rxdesk report failed (${result.status}): ${result.stderr}`);
  const [seconds, kb] = readFileSync(stats, "utf8").trim().split(/\s+/).slice(-2).map(Number);
  const run: Run = { seconds: seconds!, rssMb: kb! / 1024, bytes: statSync(out).size };
  if (c.format === "pdf") {
    const info = execFileSync("pdfinfo", [out], { encoding: "utf8" });
    run.pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
  }
  rmSync(out);
  return run;
}

function median(runs: Run[]): Run {
  const by = (key: "seconds" | "rssMb") => [...runs].sort((a, b) => a[key] - b[key])[Math.floor(runs.length / 2)]!;
  return { ...by("seconds"), rssMb: by("rssMb").rssMb };
}

/** The small history the big one is compared with: what "memory flat in the history size" is measured against. */
const SMALL_HISTORY = 10_000;

process.stdout.write(
  `measuring ${shippedFrom()} through bin/rxdesk.mjs; median of ${RUNS} runs; run folder ${runDir()}\n`,
);
for (const engine of ["sqlite", "postgres"] as Engine[]) {
  const big = await benchDatabase(engine);
  const small = await benchDatabase(engine, SMALL_HISTORY);
  const built = (db: BenchDatabase) => (db.buildMs > 0 ? `built in ${(db.buildMs / 1000).toFixed(0)} s` : "reused");
  process.stdout.write(
    `\n${engine}: ${HISTORY_DISPENSINGS.toLocaleString("en")} historical dispensings (fixture ${built(big)}); ${SMALL_HISTORY.toLocaleString(
      "en",
    )}-dispensing baseline (fixture ${built(small)})\n`,
  );
  try {
    for (const c of CASES) {
      const oursRuns = Array.from({ length: RUNS }, () => runCli(big, c));
      const baseRuns = Array.from({ length: RUNS }, () => runCli(small, c));
      const ours = median(oursRuns);
      const base = median(baseRuns);
      const offPages = c.pages === undefined ? [] : [...oursRuns, ...baseRuns].filter((r) => r.pages !== c.pages);
      process.stdout.write(
        `${engine} ${c.name}${ours.pages ? ` (${ours.pages} pages)` : ""}: ${(ours.bytes / 1024).toFixed(0)} KB, peak RSS ${ours.rssMb.toFixed(
          0,
        )} MB\n`,
      );
      report(`  wall time, ${HISTORY_DISPENSINGS} vs ${SMALL_HISTORY} history`, ours.seconds, base.seconds, "s");
      report(`  peak RSS, ${HISTORY_DISPENSINGS} vs ${SMALL_HISTORY} history`, ours.rssMb, base.rssMb, "MB");
      let history = `${HISTORY_DISPENSINGS.toLocaleString("en")} history`;
      if (offPages.length > 0) {
        // Not the document the goal names: say so on the goal lines and fail the run, so it cannot drift unseen.
        const counts = [...new Set(offPages.map((r) => r.pages))].join(", ");
        history += `; MISMATCH: rendered ${counts} pages, not ${c.pages}`;
        process.stdout.write(
          `MISMATCH reports: ${engine}: "${c.name}" rendered ${counts} pages, not ${c.pages}: resize QUIET_DAY in bench/fixture.ts\n`,
        );
        process.exitCode = 1;
      }
      goal(`${engine}: ${c.name}, wall time through the CLI`, ours.seconds, "s", "≤", c.goal.seconds, history);
      if (c.goal.kilobytes !== undefined) {
        goal(`${engine}: ${c.name}, file size`, ours.bytes / 1024, "KB", "≤", c.goal.kilobytes, history);
      }
      goal(
        `${engine}: ${c.name}, peak RSS at ${HISTORY_DISPENSINGS.toLocaleString("en")} / at ${SMALL_HISTORY.toLocaleString("en")} history (flat)`,
        ours.rssMb / base.rssMb,
        "×",
        "≤",
        1.25,
      );
    }
  } finally {
    await big.drop();
    await small.drop();
  }
}
