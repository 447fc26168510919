/**
 * The compiled program (`npm run build`, run by scripts/setup.sh) is what `npm start` and `npx rxdesk` start at the
 * counter; it must behave like the sources. Builds dist/ first when it is missing or stale.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compiledIsFresh } from "../scripts/dist-freshness.mjs";

const root = join(import.meta.dirname, "..");

describe("compiled program and launcher", { timeout: 120_000 }, () => {
  beforeAll(() => {
    if (!compiledIsFresh(root)) {
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

  it("ships no tests and no test support in dist/", () => {
    const shipped: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        // dist/fixtures is a link back to the data files the CLI reads, not compiled output.
        if (entry.isSymbolicLink()) continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else shipped.push(relative(join(root, "dist"), path));
      }
    };
    walk(join(root, "dist"));
    expect(shipped.length).toBeGreaterThan(100);
    expect(shipped.filter((path) => /(^|\/)(testing|test)(\/|$)|\.test\.|testing[-.]/.test(path))).toEqual([]);
    const importsTestCode = shipped
      .filter((path) => path.endsWith(".js"))
      .filter((path) =>
        /from "vitest"|\/test\/support\/|\/testing\//.test(readFileSync(join(root, "dist", path), "utf8")),
      );
    expect(importsTestCode).toEqual([]);
  });
});
