/**
 * Test helpers have one home, test/support/: no `testing/` folder in the shipped trees, and no shipped source file
 * imports test code (so dist/ never carries any of it).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/process.js";

const SHIPPED = ["src", "ui-terminal", "schemas"];

function walk(dir: string, out: { dirs: string[]; files: string[] }): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      out.dirs.push(relative(ROOT, path));
      walk(path, out);
    } else if (/\.(ts|tsx)$/.test(entry.name)) {
      out.files.push(relative(ROOT, path));
    }
  }
}

describe("test helpers live in test/support", () => {
  const found = { dirs: [] as string[], files: [] as string[] };
  for (const top of SHIPPED) walk(join(ROOT, top), found);

  it("finds no testing/ folder in src/, ui-terminal/ or schemas/", () => {
    expect(found.dirs.length).toBeGreaterThan(10);
    expect(found.dirs.filter((d) => d.split("/").includes("testing"))).toEqual([]);
  });

  it("finds no shipped source importing test code", () => {
    const shipped = found.files.filter((f) => !/\.test\.tsx?$/.test(f));
    expect(shipped.length).toBeGreaterThan(100);
    const importsTest = shipped.filter((f) =>
      /from\s+["'](\.\.\/)+test\/|import\(\s*["'](\.\.\/)+test\//.test(readFileSync(join(ROOT, f), "utf8")),
    );
    expect(importsTest).toEqual([]);
  });
});
