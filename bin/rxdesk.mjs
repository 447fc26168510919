#!/usr/bin/env node
// Launcher for `rxdesk` / `npm start`: runs the compiled program in dist/ when it is up to date with the sources
// (fast start at the counter), otherwise the TypeScript sources through tsx.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compiledIsFresh } from "../scripts/dist-freshness.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

if (compiledIsFresh(root)) {
  await import(pathToFileURL(join(root, "dist", "src", "cli", "main.js")).href);
} else {
  const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
  const result = spawnSync(process.execPath, [tsxCli, join(root, "src/cli/main.ts"), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.exit(result.status ?? 1);
}
