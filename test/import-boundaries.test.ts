/**
 * The import direction biome.json enforces: src/domain imports only itself; schemas/ import only src/domain. The
 * real Biome runs with the project's configuration on probe files in a scratch copy of the layout, so a change
 * that loosens the rule makes this test fail.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runProcess } from "./support/process.js";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rxdesk-boundaries-"));
  cpSync(join(ROOT, "biome.json"), join(dir, "biome.json"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Lints one probe file placed at `path` (relative to the project root); returns the restricted-import findings. */
async function restrictedImports(path: string, source: string): Promise<string[]> {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, source);
  const biome = join(ROOT, "node_modules", ".bin", "biome");
  const result = await runProcess(
    biome,
    ["lint", "--vcs-enabled=false", "--reporter=json", "--max-diagnostics=50", path],
    { cwd: dir },
  );
  const report = JSON.parse(result.out) as { diagnostics: { category: string; message: string }[] };
  return report.diagnostics.filter((d) => d.category === "lint/style/noRestrictedImports").map((d) => d.message);
}

describe("import boundaries (biome noRestrictedImports)", () => {
  it("refuses a domain file that imports an adapter, a library or a Node module", async () => {
    const found = await restrictedImports(
      "src/domain/probe-out.ts",
      [
        'import { randomUUID } from "node:crypto";',
        'import { sql } from "kysely";',
        'import type { NhiClient } from "../nhi/client.js";',
        'import type { CardIdentity } from "../service/types.js";',
        "export const probe = [randomUUID, sql] as unknown as [NhiClient, CardIdentity];",
        "",
      ].join("\n"),
    );
    expect(found).toHaveLength(4);
    expect(found[0]).toMatch(/src\/domain is pure/);
  });

  it("lets a domain file import its own files", async () => {
    const found = await restrictedImports(
      "src/domain/probe-in.ts",
      'import { msg } from "./message.js";\nexport const probe = msg("甲", "A");\n',
    );
    expect(found).toEqual([]);
  });

  it("lets schemas import the domain, and refuses any other part of src", async () => {
    const found = await restrictedImports(
      "schemas/api/probe.ts",
      [
        'import { isRocDate } from "../../src/domain/roc-date.js";',
        'import type { DispenseRequest } from "../../src/service/types.js";',
        'import { buildApp } from "../../src/api/app.js";',
        "export const probe = [isRocDate, buildApp] as unknown as DispenseRequest;",
        "",
      ].join("\n"),
    );
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/schemas\/ describe the contract/);
  });
});
