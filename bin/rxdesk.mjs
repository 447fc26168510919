#!/usr/bin/env node
// Launcher for `rxdesk` / `npm start`: runs the compiled program in dist/ when it is up to date with the sources
// (fast start at the counter), otherwise the TypeScript sources through tsx (always with RXDESK_FROM_SOURCES=1).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compiledIsFresh } from "../scripts/dist-freshness.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

if (process.env.RXDESK_FROM_SOURCES !== "1" && compiledIsFresh(root)) {
  await import(pathToFileURL(join(root, "dist", "src", "cli", "main.js")).href);
} else {
  const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
  const child = spawn(process.execPath, [tsxCli, join(root, "src/cli/main.ts"), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  // A service manager or test stops `rxdesk` with SIGTERM/SIGHUP to this process alone: pass it on, or the program
  // would run on without us. Ctrl-C already reaches the whole foreground group, so SIGINT is only kept from
  // ending this process before the program has shut down.
  const forward = (signal) => () => child.kill(signal);
  process.on("SIGTERM", forward("SIGTERM"));
  process.on("SIGHUP", forward("SIGHUP"));
  process.on("SIGINT", () => {});
  child.on("exit", (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
}
