// Bundles `rxdesk report` (src/cli/commands/report.ts: the refill log, slips, check-report parsing, with the
// service, the database and pdf-lib) into one file, dist/src/cli/commands/report.js, replacing tsc's output there.
// Node loaded it as some 600 separate modules, pdf-lib alone as 139 CommonJS files each scanned for its exports:
// a third of a small log's CPU time. Left outside the bundle: native and WebAssembly packages, packages that find
// files next to themselves (__dirname, worker threads), pako (so src/reports/pdf/deflate.ts reaches the instance
// pdf-lib uses), and our modules that locate files from import.meta.url (imported from their compiled copies).
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import * as esbuild from "esbuild";
import { keepDynamicImportsSeparate, REQUIRE_BANNER } from "./bundle-ui.mjs";

const LOCATES_ITS_FILES = /new URL\([^)]*import\.meta\.url\)|fileURLToPath\(import\.meta\.url\)/;
const EXTERNAL = ["sqlite3", "pg-native", "pino", "pino-pretty", "thread-stream", "pako"];

export async function bundleReport(root) {
  const outfile = join(root, "dist", "src", "cli", "commands", "report.js");
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [join(root, "src", "cli", "commands", "report.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
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
          keepDynamicImportsSeparate(build);
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
            const path = relative(dirname(outfile), compiled);
            return { path: path.startsWith(".") ? path : `./${path}`, external: true };
          });
        },
      },
    ],
  });
  return result.metafile.outputs;
}
