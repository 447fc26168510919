/** Small timing helpers shared by the benchmarks: results are always reported next to a same-run baseline. */
import { spawnSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compiledIsFresh } from "../scripts/dist-freshness.mjs";

export interface Timing {
  /** Median milliseconds per run. */
  medianMs: number;
  p99Ms: number;
  runs: number;
}

export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)]!;
}

/** Runs `fn` `runs` times after `warmup` unmeasured runs. */
export async function time(fn: () => unknown, runs = 10, warmup = 2): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: percentile(samples, 50), p99Ms: percentile(samples, 99), runs };
}

/** Prints one line: ours vs baseline, the ratio, and the target verdict. */
export function report(name: string, ours: number, baseline: number, unit: string, target?: string): void {
  const ratio = ours / baseline;
  const line = `${name}: ours ${ours.toFixed(2)} ${unit} | baseline ${baseline.toFixed(2)} ${unit} | ratio ${ratio.toFixed(2)}x${
    target ? ` | target ${target}` : ""
  }`;
  process.stdout.write(`${line}\n`);
}

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/** Builds dist/ (scripts/build.mjs) when it is older than the sources; exits the process if the build fails. */
export function ensureBuilt(): void {
  if (compiledIsFresh(repoRoot)) return;
  process.stdout.write("dist/ is older than the sources: building it first (npm run build)\n");
  const build = spawnSync(process.execPath, [join(repoRoot, "scripts", "build.mjs")], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

/** Decided once per benchmark process, so that every module `shipped` loads comes from the same build. */
let fromDist: boolean | undefined;

/**
 * Loads a module of the program the way it ships: from the compiled dist/ (what `npm start` and `rxdesk serve` run)
 * when it is up to date, else from the TypeScript sources. `path` is the source path, e.g. "src/api/app.ts".
 */
export async function shipped<T>(path: string): Promise<T> {
  fromDist ??= compiledIsFresh(repoRoot);
  const file = fromDist ? join(repoRoot, "dist", path.replace(/\.tsx?$/, ".js")) : join(repoRoot, path);
  return (await import(pathToFileURL(file).href)) as T;
}

/** Which build `shipped` loads, for the report. */
export function shippedFrom(): string {
  fromDist ??= compiledIsFresh(repoRoot);
  return fromDist ? "compiled dist/" : "TypeScript sources via tsx (dist/ is stale)";
}

/**
 * Quick mode (`npm run bench -- --quick`, or RXDESK_BENCH_QUICK=1): small sample counts and data sizes while a
 * benchmark is being worked on. Its figures are NOT the goal measurements; every goal line says so.
 */
export const QUICK = process.env.RXDESK_BENCH_QUICK === "1";

/** The sample count (or size) for the goal measurement, or the quick one in quick mode. */
export function sized(full: number, quick: number): number {
  return QUICK ? quick : full;
}

export interface GoalResult {
  bench: string;
  name: string;
  measured: number;
  unit: string;
  op: "≤" | "≥";
  limit: number;
  met: boolean;
  quick: boolean;
  note?: string;
}

/**
 * Prints one goal with its measured value and MET or MISSED (the limit as the project states it, never adjusted
 * here), and notes it for the run's summary (`npm run bench` prints every goal at the end). Returns whether it is met.
 */
export function goal(
  name: string,
  measured: number,
  unit: string,
  op: "≤" | "≥",
  limit: number,
  note?: string,
): boolean {
  const met = Number.isFinite(measured) && (op === "≤" ? measured <= limit : measured >= limit);
  const bench = basename(process.argv[1] ?? "bench").replace(/\.bench\.ts$/, "");
  const result: GoalResult = { bench, name, measured, unit, op, limit, met, quick: QUICK, ...(note ? { note } : {}) };
  process.stdout.write(`${formatGoal(result)}\n`);
  const dir = process.env.RXDESK_BENCH_RUN_DIR;
  if (dir) appendFileSync(join(dir, GOALS_FILE), `${JSON.stringify(result)}\n`);
  return met;
}

export const GOALS_FILE = "goals.jsonl";

function figure(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(Math.abs(n) >= 10 ? 1 : 2);
}

export function formatGoal(g: GoalResult): string {
  return `GOAL ${g.bench}: ${g.name}: measured ${figure(g.measured)} ${g.unit} | goal ${g.op} ${figure(g.limit)} ${
    g.unit
  } | ${g.met ? "MET" : "MISSED"}${g.quick ? " (quick run: not the goal measurement)" : ""}${g.note ? ` (${g.note})` : ""}`;
}
