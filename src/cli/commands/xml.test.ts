import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { pharmacyAfRecord } from "../../../fixtures/xml/records.js";
import { runRxdesk as rxdesk } from "../../../test/support/process.js";
import { parseUploadXml } from "../../nhi/format/xml.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const fixture = (name: string) => join(root, "fixtures", "xml", name);

// Each case spawns the real CLI; generous timeouts for a loaded CI machine (no timing is asserted).
describe("rxdesk xml", { timeout: 180_000 }, () => {
  it("validate: a valid pharmacy record exits 0", async () => {
    const r = await rxdesk("xml", "validate", fixture("three-records.xml"));
    expect(r.code).toBe(0);
    expect(r.out).toContain("共3筆，0筆有誤");
  });

  it("validate: findings with record no., field, code, zh-TW and English; exit 1", async () => {
    const r = await rxdesk("xml", "validate", fixture("invalid-fields.xml"));
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "#2\tM13\tAD14\tM13 就醫序號：資料格式(H01)為A且就醫類別(M07)非[01-09，AC]時，就醫序號(M13)需為空值",
    );
    expect(r.out).toContain(
      "H01=A with a visit category other than 01–09 or AC (e.g. pharmacy AF) must leave M13 empty",
    );
    expect(r.out).toMatch(/#4\tM15\tAA\t/);
    expect(r.out).toContain("共5筆，4筆有誤");
  });

  it("validate --json: one finding per line plus a summary; structural codes; exit 1", async () => {
    const r = await rxdesk("xml", "validate", "--json", fixture("broken-missing-rec-close.xml"));
    expect(r.code).toBe(1);
    const lines = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ recordNo: 1, code: "Y006" });
    expect(lines[0].advice.en).toBeTruthy();
    expect(lines.at(-1)).toEqual({ summary: { records: 2, invalid: 1, findings: 1 } });
  });

  it("validate: more than one RECS rejects the file (exit 1); a missing file exits 2", async () => {
    const two = await rxdesk("xml", "validate", "--lang", "en", fixture("broken-two-recs.xml"));
    expect(two.code).toBe(1);
    expect(two.out).toContain("Y015");
    const missing = await rxdesk("xml", "validate", fixture("no-such-file.xml"));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("cannot read");
  });

  it("build: writes Big5 XML to stdout that parses back to the record", async () => {
    const r = await rxdesk("xml", "build", fixture("pharmacy-af.record.json"));
    expect(r.code).toBe(0);
    expect(parseUploadXml(new Uint8Array(r.stdout))).toEqual({ records: [pharmacyAfRecord()], findings: [] });
  });

  const dir = mkdtempSync(join(tmpdir(), "rxdesk-xml-"));

  it("build --out: writes the file", async () => {
    const out = join(dir, "upload.xml");
    expect((await rxdesk("xml", "build", fixture("chronic-refill.record.json"), "--out", out)).code).toBe(0);
    expect(readFileSync(out).toString("latin1").startsWith('<?xml version="1.0" encoding="Big5"?>')).toBe(true);
  });

  it("build: refuses non-Big5 characters (Y014)", async () => {
    const bad = pharmacyAfRecord();
    bad.mb2[0]!.D15 = "飯後😀";
    writeFileSync(join(dir, "bad.json"), JSON.stringify(bad));
    const r = await rxdesk("xml", "build", join(dir, "bad.json"), "--out", join(dir, "bad.xml"));
    expect(r.code).toBe(1);
    expect(r.err).toContain("D15[1]");
    expect(r.err).toContain("Y014");
  });

  it("build: refuses records that fail validation, and JSON that is not a record", async () => {
    const invalid = pharmacyAfRecord();
    invalid.mb1.M13 = "0001";
    writeFileSync(join(dir, "invalid.json"), JSON.stringify(invalid));
    const v = await rxdesk("xml", "build", join(dir, "invalid.json"));
    expect(v.code).toBe(1);
    expect(v.err).toContain("AD14");
    expect(v.stdout.length).toBe(0);

    writeFileSync(join(dir, "shape.json"), JSON.stringify({ h00: "1", mb1: { X1: 1 } }));
    const s = await rxdesk("xml", "build", join(dir, "shape.json"));
    expect(s.code).toBe(2);
    expect(s.err).toContain("record 1.mb1.X1");
  });
});
