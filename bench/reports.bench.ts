/**
 * The owner's refill log end to end, as the owner runs it: `rxdesk report refill-log` of the shipped build
 * (bin/rxdesk.mjs → dist/) in its own process, on a pharmacy database with 1,000,000 historical dispensings, on
 * SQLite and PostgreSQL in the same run (bench/fixture.ts builds them with set-based SQL).
 *
 * Each case is measured on that database and, as its baseline, on a database holding the same period and nothing
 * older: the same command doing the same work, so the ratio is what the history costs (it should be ~1×). Wall
 * time and peak memory (RSS) come from /usr/bin/time; the median of RUNS runs.
 *
 * Goals (issue 18): a 3,000-dispensing month ≤ 2 s; a 3-page log ≤ 0.5 s and ≤ 50 KB; a whole year ≤ 10 s; memory
 * flat in the history size (≤ 1.25× the no-history run). A missed goal is printed as MISSED.
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
import { ensureBuilt, shippedFrom } from "./lib.js";

const RUNS = Number(process.env.REPORTS_BENCH_RUNS ?? 3);
const root = fileURLToPath(new URL("..", import.meta.url));
ensureBuilt();

interface Case {
  name: string;
  from: string;
  to: string;
  format: "pdf" | "csv";
  goal: { seconds: number; kilobytes?: number };
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

function verdict(ok: boolean): string {
  return ok ? "met" : "MISSED";
}

process.stdout.write(`measuring ${shippedFrom()} through bin/rxdesk.mjs; run folder ${runDir()}\n`);
const missed: string[] = [];
for (const engine of ["sqlite", "postgres"] as Engine[]) {
  const big = await benchDatabase(engine);
  const bare = await benchDatabase(engine, 0);
  process.stdout.write(
    `\n${engine}: ${HISTORY_DISPENSINGS.toLocaleString("en")} historical dispensings ${
      big.buildMs > 0 ? `built in ${(big.buildMs / 1000).toFixed(1)} s` : "(built earlier in this run)"
    }; no-history baseline built in ${(bare.buildMs / 1000).toFixed(1)} s\n`,
  );
  try {
    for (const c of CASES) {
      const ours = median(Array.from({ length: RUNS }, () => runCli(big, c)));
      const base = median(Array.from({ length: RUNS }, () => runCli(bare, c)));
      const timeOk = ours.seconds <= c.goal.seconds;
      const sizeOk = c.goal.kilobytes === undefined || ours.bytes / 1024 <= c.goal.kilobytes;
      const memoryOk = ours.rssMb <= base.rssMb * 1.25;
      const line = [
        `${engine} ${c.name}${ours.pages ? ` (${ours.pages} pages)` : ""}:`,
        `ours ${ours.seconds.toFixed(2)} s | no-history baseline ${base.seconds.toFixed(2)} s | ratio ${(
          ours.seconds / base.seconds
        ).toFixed(2)}x | goal ≤ ${c.goal.seconds} s ${verdict(timeOk)}`,
        `  size ${(ours.bytes / 1024).toFixed(0)} KB${
          c.goal.kilobytes ? ` | goal ≤ ${c.goal.kilobytes} KB ${verdict(sizeOk)}` : ""
        }; peak RSS ${ours.rssMb.toFixed(0)} MB vs ${base.rssMb.toFixed(0)} MB without history, ratio ${(
          ours.rssMb / base.rssMb
        ).toFixed(2)}x | goal flat (≤ 1.25x) ${verdict(memoryOk)}`,
      ];
      process.stdout.write(`${line.join("\n")}\n`);
      if (!timeOk) missed.push(`${engine} ${c.name}: time`);
      if (!sizeOk) missed.push(`${engine} ${c.name}: size`);
      if (!memoryOk) missed.push(`${engine} ${c.name}: memory`);
    }
  } finally {
    await big.drop();
    await bare.drop();
  }
}
process.stdout.write(missed.length ? `\nMISSED goals: ${missed.join("; ")}\n` : "\nall report goals met\n");
