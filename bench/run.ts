/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) one after another in its own
 * process. Each benchmark prints its results next to a baseline measured in the same run, and every goal with its
 * measured value and MET or MISSED; the run ends with all the goals in one list, the machine and its load.
 *
 * `npm run bench -- --quick` (or RXDESK_BENCH_QUICK=1) takes small samples and data sizes: for working on a
 * benchmark only, its figures are not the goal measurements and every goal line says so.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt, formatGoal, GOALS_FILE, type GoalResult } from "./lib.js";

const dir = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes("--quick") || process.env.RXDESK_BENCH_QUICK === "1";
const only = args.filter((a) => a !== "--quick");
// Benchmarks of the running program measure the compiled build it ships as; bring it up to date first.
ensureBuilt();
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}`;
const started = new Date();
process.stdout.write(
  `rxdesk benchmarks ${started.toISOString()} on ${machine}; load average at start ${load()}${
    quick ? "\nQUICK RUN: small samples, NOT the goal measurements" : ""
  }\n`,
);
// One run folder for all the benchmarks of this run (goal list, scratch data folders).
const runDir = mkdtempSync(join(tmpdir(), "rxdesk-bench-run-"));
let failed = 0;
try {
  for (const file of files) {
    process.stdout.write(`\n=== ${file}\n`);
    const result = spawnSync(process.execPath, ["--import", "tsx", join(dir, file)], {
      stdio: "inherit",
      env: { ...process.env, RXDESK_BENCH_RUN_DIR: runDir, ...(quick ? { RXDESK_BENCH_QUICK: "1" } : {}) },
    });
    if (result.status !== 0) {
      failed++;
      process.stdout.write(`${file} FAILED (exit ${result.status ?? result.signal})\n`);
    }
  }
  const goalsFile = join(runDir, GOALS_FILE);
  const goals: GoalResult[] = existsSync(goalsFile)
    ? readFileSync(goalsFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as GoalResult)
    : [];
  const missed = goals.filter((g) => !g.met).length;
  process.stdout.write(
    `\n=== goals (${goals.length}: ${goals.length - missed} MET, ${missed} MISSED)${quick ? " QUICK RUN" : ""}\n`,
  );
  for (const g of goals) process.stdout.write(`${formatGoal(g)}\n`);
  process.stdout.write(
    `\n${started.toISOString()} → ${new Date().toISOString()}; ${machine}; load average at end ${load()}\n`,
  );
} finally {
  rmSync(runDir, { recursive: true, force: true });
}
if (failed > 0) {
  process.stderr.write(`${failed} benchmark(s) failed\n`);
  process.exit(1);
}
