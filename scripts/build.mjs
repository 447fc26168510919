// Compiles src/, ui-terminal/ and schemas/ to dist/ (plain ESM JavaScript) so the counter program starts without a
// TypeScript loader, bundles the terminal UI's first screen and the report command into one file each
// (scripts/bundle-ui.mjs, scripts/bundle-report.mjs), then makes the
// data files the code reads next to itself (schemas JSON, fixtures) and stamps it.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleReport } from "./bundle-report.mjs";
import { bundleUi } from "./bundle-ui.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
rmSync(join(dist, ".build-stamp"), { force: true });
// tsc never deletes outputs whose source moved or became test support: start from empty output folders.
for (const dir of ["src", "ui-terminal", "schemas", "test"]) rmSync(join(dist, dir), { force: true, recursive: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
if (result.status !== 0) process.exit(result.status ?? 1);
await bundleUi(root);
await bundleReport(root);
mkdirSync(join(dist, "schemas"), { recursive: true });
for (const file of readdirSync(join(root, "schemas"))) {
  if (file.endsWith(".json")) copyFileSync(join(root, "schemas", file), join(dist, "schemas", file));
}
rmSync(join(dist, "fixtures"), { force: true, recursive: true });
symlinkSync("../fixtures", join(dist, "fixtures"));
writeFileSync(join(dist, ".build-stamp"), `${new Date().toISOString()}\n`);
