/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) one after another in its own
 * process. Each benchmark prints its results as ratios against a baseline measured in the same run.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compiledIsFresh } from "../scripts/dist-freshness.mjs";

const dir = dirname(fileURLToPath(import.meta.url));
// Benchmarks of the running program measure the compiled build it ships as; bring it up to date first.
if (!compiledIsFresh(join(dir, ".."))) {
  process.stdout.write("dist/ is older than the sources: building it first (npm run build)\n");
  const build = spawnSync(process.execPath, [join(dir, "..", "scripts", "build.mjs")], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n=== ${file}\n`);
  const result = spawnSync(process.execPath, ["--import", "tsx", join(dir, file)], { stdio: "inherit" });
  if (result.status !== 0) failed++;
}
if (failed > 0) {
  process.stderr.write(`${failed} benchmark(s) failed\n`);
  process.exit(1);
}
