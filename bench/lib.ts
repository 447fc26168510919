/** Small timing helpers shared by the benchmarks: results are always reported next to a same-run baseline. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
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
