/** Regenerates schemas/openapi.json from the API's routes and schemas: `npx tsx schemas/api/generate-openapi.ts`. */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { openApiText } from "../../src/api/openapi-text.js";
import { OPENAPI_FILE } from "../../src/api/routes/system.js";

writeFileSync(OPENAPI_FILE, openApiText());
// Keep the committed file in the repository's format (biome), so `biome check .` stays clean.
spawnSync("npx", ["biome", "format", "--write", OPENAPI_FILE], { stdio: "ignore" });
process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
