import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AuditLog, verifyAuditFile } from "./audit.js";

describe("audit trail", () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), "rxdesk-audit-"));
    dirs.push(dir);
    return join(dir, "api-audit.jsonl");
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("appends in order across restarts, continuing the hash chain", async () => {
    const file = fresh();
    const first = new AuditLog(file);
    await Promise.all([
      first.append({ type: "dispensing", data: { n: 1 } }),
      first.append({ type: "override", data: { n: 2 } }),
      first.append({ type: "export", data: { n: 3 } }),
    ]);
    const second = new AuditLog(file);
    await second.append({ type: "delete", data: { n: 4 } });
    const entries = await second.read();
    expect(entries.map((e) => [e.seq, e.type, e.data?.n])).toEqual([
      [1, "dispensing", 1],
      [2, "override", 2],
      [3, "export", 3],
      [4, "delete", 4],
    ]);
    expect(verifyAuditFile(file)).toEqual({ ok: true, entries: 4 });
    expect((await second.read({ type: "export" })).map((e) => e.seq)).toEqual([3]);
  });

  it("detects an edited, removed or reordered line", async () => {
    const file = fresh();
    const log = new AuditLog(file);
    for (let i = 0; i < 4; i++) await log.append({ type: "dispensing", data: { reason: `r${i}` } });
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");

    writeFileSync(file, `${lines.map((l, i) => (i === 1 ? l.replace('"r1"', '"r9"') : l)).join("\n")}\n`);
    expect(verifyAuditFile(file)).toEqual({ ok: false, line: 2 });

    writeFileSync(file, `${lines.filter((_, i) => i !== 2).join("\n")}\n`);
    expect(verifyAuditFile(file)).toEqual({ ok: false, line: 3 });

    writeFileSync(file, `${[lines[0], lines[2], lines[1], lines[3]].join("\n")}\n`);
    expect(verifyAuditFile(file)).toEqual({ ok: false, line: 2 });
  });
});
