// Bundles the terminal UI's first screen (ui-terminal/run.tsx with ink, React and the screens) into one file,
// dist/ui-terminal/run.js, replacing tsc's output there. Loading ink and React as some 150 separate modules took
// most of the start-up time; one file starts in a fraction of it. Everything the UI imports lazily (the service,
// the database, the sandbox, card reading, reports) stays a dynamic import of the compiled modules next to it, so
// paths that those modules resolve from their own location keep working.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";

/** Modules that locate files next to themselves must not be copied into the bundle. */
const LOCATES_ITS_FILES =
  /new URL\([^)]*import\.meta\.url\)|fileURLToPath\(import\.meta\.url\)|createRequire\(import\.meta\.url\)/;

/** CommonJS packages inside an ES module bundle need a `require` for Node's built-in modules. */
export const REQUIRE_BANNER = {
  js: 'import { createRequire as __rxdeskCreateRequire } from "node:module"; const require = __rxdeskCreateRequire(import.meta.url);',
};

/** Dynamic imports stay imports of separate modules, loaded when (if) they are needed. */
export function keepDynamicImportsSeparate(build) {
  build.onResolve({ filter: /.*/ }, (args) =>
    args.kind === "dynamic-import" ? { path: args.path, external: true } : undefined,
  );
}

export async function bundleUi(root) {
  const outfile = join(root, "dist", "ui-terminal", "run.js");
  const ours = new Set();
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [join(root, "ui-terminal", "run.tsx")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    jsx: "automatic",
    sourcemap: true,
    metafile: true,
    logLevel: "warning",
    // The shipped program runs React's production build (the development build checks and warns on every render).
    define: { "process.env.NODE_ENV": '"production"' },
    // ink loads react-devtools-core only when DEV=true; it is not installed.
    external: ["react-devtools-core"],
    banner: REQUIRE_BANNER,
    plugins: [
      {
        name: "lazy-imports-stay-separate",
        setup(build) {
          keepDynamicImportsSeparate(build);
          build.onLoad({ filter: /[\\/](src|ui-terminal)[\\/].*\.tsx?$/ }, (args) => {
            ours.add(args.path);
            return undefined;
          });
        },
      },
    ],
  });
  for (const file of ours) {
    if (LOCATES_ITS_FILES.test(readFileSync(file, "utf8"))) {
      throw new Error(`bundle-ui: ${file} locates files from import.meta.url; import it lazily from the UI instead`);
    }
  }
  return result.metafile.outputs;
}
