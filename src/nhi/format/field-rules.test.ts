import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fieldRule, fieldRules, loadFieldRules } from "./field-rules.js";
import { MB1_FIELDS, MB2_FIELDS } from "./record.js";

describe("schemas/upload-format-2.0.json", () => {
  const rules = fieldRules();

  it("describes H00, H01, M01–M56 and D01–D15, each once, in order", () => {
    expect(rules.msh.map((r) => r.id)).toEqual(["H00", "H01"]);
    expect(rules.mb1.map((r) => r.id)).toEqual(MB1_FIELDS);
    expect(rules.mb2.map((r) => r.id)).toEqual(MB2_FIELDS);
  });

  it("every field has zh-TW and English names and a consistent length", () => {
    expect(rules.byId.size).toBeGreaterThan(50);
    for (const r of rules.byId.values()) {
      expect(r.zh.length).toBeGreaterThan(0);
      expect(r.en.length).toBeGreaterThan(0);
      if (r.length !== undefined) expect(r.length).toBeLessThanOrEqual(r.maxLength);
      if (r.valuesComplete) expect(r.values?.length).toBeGreaterThan(0);
    }
  });

  it("carries the known code lists", () => {
    expect(fieldRule("H01")!.values!.map((v) => v.code)).toEqual(["A", "B", "C", "D", "E"]);
    expect(fieldRule("M07")!.values!.map((v) => v.code)).toEqual(expect.arrayContaining(["AE", "AF", "AG", "01"]));
    expect(fieldRule("M12")!.values!.map((v) => v.code)).toEqual(["1", "2", "3", "4"]);
    expect(fieldRule("D04")!.values!.map((v) => v.code)).toEqual(["A", "B", "C", "D", "E", "F"]);
    expect(fieldRule("D05[3]")!.id).toBe("D05");
    expect(fieldRule("M15")).toMatchObject({ kind: "visitId", length: 20 });
    expect(fieldRule("M13")!.emptyWhen).toEqual([{ h01: ["A"], m07: ["AF"], code: "AD14" }]);
  });

  it("a malformed schema file is refused with a clear error", () => {
    const file = join(tmpdir(), `rxdesk-bad-schema-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ version: "2.0", segments: { MSH: [{ id: "H00" }] } }));
    expect(() => loadFieldRules(file)).toThrow();
  });
});
