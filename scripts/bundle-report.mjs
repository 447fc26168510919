// Bundles `rxdesk report` (src/cli/commands/report.ts: the refill log, slips, check-report parsing, with the
// service and the database) into dist/src/cli/report-bundle/, minified, and replaces tsc's
// dist/src/cli/commands/report.js with a one-line module that re-exports it.
// Node loaded the command as some 600 separate modules (pdf-lib, since replaced by src/reports/pdf/document.ts,
// alone as 139 CommonJS files): a third of a small log's CPU time. As one 2.9 MB file it still parsed and ran code
// that a 3-page log never uses (the check-report parser's Big5 tables, the slip's QR code, the CSV or PDF writer not
// asked for), so the modules src/ imports dynamically become chunks of their own (code splitting), loaded only when
// an action needs them. Packages' ES module builds are preferred where they ship one: they are hoisted into the
// bundle's scope instead of run as CommonJS wrappers and re-exported through getters.
// Left outside the bundle: native and WebAssembly packages, packages that find files next to themselves
// (__dirname, worker threads), commander (src/cli/main.js has loaded it already: a bundled copy was a second
// commander to parse and run), and our modules that locate files from import.meta.url (imported from their
// compiled copies). The entry and its chunks share one folder, so the relative paths to those compiled copies hold
// for every chunk.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import * as esbuild from "esbuild";
import { REQUIRE_BANNER } from "./bundle-ui.mjs";

const LOCATES_ITS_FILES = /new URL\([^)]*import\.meta\.url\)|fileURLToPath\(import\.meta\.url\)/;
const EXTERNAL = ["sqlite3", "pg-native", "pino", "pino-pretty", "thread-stream", "commander"];

export async function bundleReport(root) {
  const outdir = join(root, "dist", "src", "cli", "report-bundle");
  rmSync(outdir, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { report: join(root, "src", "cli", "commands", "report.ts") },
    outdir,
    chunkNames: "[name]-[hash]",
    bundle: true,
    splitting: true,
    minify: true,
    // Error and class names stay readable in messages and stack traces.
    keepNames: true,
    format: "esm",
    platform: "node",
    mainFields: ["module", "main"],
    target: "node20",
    sourcemap: true,
    metafile: true,
    logLevel: "warning",
    external: EXTERNAL,
    banner: REQUIRE_BANNER,
    plugins: [
      {
        name: "report-bundle",
        setup(build) {
          // Our module that reads a file relative to itself stays a separate, compiled module.
          build.onResolve({ filter: /^\.\.?\// }, (args) => {
            if (!/[\\/](src|schemas)[\\/]/.test(args.importer)) return undefined;
            const source = join(args.resolveDir, args.path.replace(/\.js$/, ".ts"));
            let text;
            try {
              text = readFileSync(source, "utf8");
            } catch {
              return undefined;
            }
            if (!LOCATES_ITS_FILES.test(text)) return undefined;
            const compiled = join(root, "dist", relative(root, source)).replace(/\.ts$/, ".js");
            const path = relative(outdir, compiled);
            return { path: path.startsWith(".") ? path : `./${path}`, external: true };
          });
        },
      },
    ],
  });
  // The command file the CLI finds in dist/src/cli/commands/ (src/cli/main.ts lists that folder).
  const command = join(root, "dist", "src", "cli", "commands", "report.js");
  rmSync(`${command}.map`, { force: true });
  writeFileSync(command, `export * from "${relative(dirname(command), join(outdir, "report.js"))}";\n`);
  return result.metafile.outputs;
}
