/**
 * The compiled program (`npm run build`, run by scripts/setup.sh) is what `npm start` and `npx rxdesk` start at the
 * counter; it must behave like the sources. Builds dist/ first when it is missing or stale.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

describe("compiled program and launcher", { timeout: 120_000 }, () => {
  beforeAll(() => {
    if (!existsSync(join(root, "dist", ".build-stamp"))) {
      execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, stdio: "ignore" });
    }
  });

  it("dist/ runs the CLI and reads its data files (field rules schema)", () => {
    const run = spawnSync(
      process.execPath,
      [join(root, "dist/src/cli/main.js"), "xml", "validate", join(root, "fixtures/xml/chronic-refill.xml")],
      { encoding: "utf8" },
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("the bin launcher answers with the same results as the sources", () => {
    const args = ["visit-id", "check", "OUSE 4FA1 1RP4 J370 WR4K"];
    const viaBin = spawnSync(process.execPath, [join(root, "bin/rxdesk.mjs"), ...args], { encoding: "utf8" });
    expect(viaBin.status).toBe(0);
    expect(JSON.parse(viaBin.stdout)).toMatchObject({ valid: true, normalized: "0USE4FA11RP4J370WR4K" });
    const help = spawnSync(process.execPath, [join(root, "bin/rxdesk.mjs"), "--help"], { encoding: "utf8" });
    for (const command of ["ui", "serve", "sandbox", "card", "scan", "xml", "report", "dispense", "outbox"]) {
      expect(help.stdout).toContain(command);
    }
  });
});
