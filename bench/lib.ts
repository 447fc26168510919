/** Small timing helpers shared by the benchmarks: results are always reported next to a same-run baseline. */
import { performance } from "node:perf_hooks";

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
