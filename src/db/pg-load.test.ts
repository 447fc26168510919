/**
 * Loading the PostgreSQL driver does not load Node's fetch implementation (see loadPg in ./open.ts), and leaves the
 * `Response` global as it was. In a process of its own: the test runner itself may have loaded fetch already.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createThrowawayDatabase } from "../../test/support/postgres.js";

const root = join(import.meta.dirname, "..", "..");

describe("the PostgreSQL driver's start", () => {
  it("opens and queries without loading undici, and fetch still works afterwards", async () => {
    const database = await createThrowawayDatabase();
    try {
      const script = `
        import { openDatabase } from "./src/db/open.ts";
        const h = await openDatabase({ engine: "postgres", connection: ${JSON.stringify(database.connection)} });
        await h.db.selectFrom("settings").selectAll().execute();
        const loaded = process.moduleLoadList.some((m) => m.includes("undici"));
        await h.close();
        const body = await (await fetch("data:text/plain,still%20here")).text();
        console.log(JSON.stringify({ loaded, body, response: typeof Response }));
      `;
      const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        cwd: root,
        encoding: "utf8",
      });
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout.trim().split("\n").at(-1)!)).toEqual({
        loaded: false,
        body: "still here",
        response: "function",
      });
    } finally {
      await database.drop();
    }
  });
});
