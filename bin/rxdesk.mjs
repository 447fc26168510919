#!/usr/bin/env node
// Launcher for `rxdesk` / `npm start`: runs the compiled program in dist/ when it is up to date with the sources
// (fast start at the counter), otherwise the TypeScript sources through tsx.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|tsx|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function compiledIsFresh() {
  try {
    const built = statSync(join(root, "dist", ".build-stamp")).mtimeMs;
    return ["src", "ui-terminal", "schemas"].every((dir) => newestSource(join(root, dir)) <= built);
  } catch {
    return false;
  }
}

if (compiledIsFresh()) {
  await import(pathToFileURL(join(root, "dist", "src", "cli", "main.js")).href);
} else {
  const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
  const result = spawnSync(process.execPath, [tsxCli, join(root, "src/cli/main.ts"), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.exit(result.status ?? 1);
}
