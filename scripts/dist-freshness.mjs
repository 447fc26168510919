// Whether dist/ (built by scripts/build.mjs) is at least as new as every source it is built from. The launcher runs
// the compiled program only then, and the benchmarks measure it only then.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Tests and test support are not built (tsconfig.build.json excludes them), so they never make dist/ stale. */
const NOT_BUILT = /\.test\.tsx?$/;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "testing") newest = Math.max(newest, newestSource(path));
    } else if (/\.(ts|tsx|json)$/.test(entry.name) && !NOT_BUILT.test(entry.name)) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/** `root` is the repository folder. */
export function compiledIsFresh(root) {
  try {
    const built = statSync(join(root, "dist", ".build-stamp")).mtimeMs;
    return ["src", "ui-terminal", "schemas"].every((dir) => newestSource(join(root, dir)) <= built);
  } catch {
    return false;
  }
}
