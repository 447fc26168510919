/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) one after another in its own
 * process. Each benchmark prints its results as ratios against a baseline measured in the same run.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt } from "./lib.js";

const dir = dirname(fileURLToPath(import.meta.url));
// Benchmarks of the running program measure the compiled build it ships as; bring it up to date first.
ensureBuilt();
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
// One run folder for all the benchmarks of this run: the 1,000,000-dispensing SQLite database is built once in it.
const runDir = mkdtempSync(join(tmpdir(), "rxdesk-bench-run-"));
let failed = 0;
try {
  for (const file of files) {
    process.stdout.write(`\n=== ${file}\n`);
    const result = spawnSync(process.execPath, ["--import", "tsx", join(dir, file)], {
      stdio: "inherit",
      env: { ...process.env, RXDESK_BENCH_RUN_DIR: runDir },
    });
    if (result.status !== 0) failed++;
  }
} finally {
  rmSync(runDir, { recursive: true, force: true });
}
if (failed > 0) {
  process.stderr.write(`${failed} benchmark(s) failed\n`);
  process.exit(1);
}
