/**
 * Real-shaped fixtures (fixtures/generate-real-shaped.ts): the files on disk are what the script writes, and rxdesk
 * reads every one of them as its expected result says.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { REAL_SHAPED_DIR, realShapedFixtures } from "../fixtures/generate-real-shaped.js";
import { CheckReportRefusedError, readCheckReport } from "../src/nhi/check-report/parse.js";
import { validateDocument } from "../src/nhi/format/validate.js";

const fixtures = realShapedFixtures();

describe("real-shaped fixtures", () => {
  it("the folder holds exactly what the generator writes", () => {
    const names = fixtures.flatMap((f) => [f.name, `${f.name}.expected.json`]).sort();
    expect(readdirSync(REAL_SHAPED_DIR).sort()).toEqual(names);
    for (const f of fixtures) {
      expect(readFileSync(`${REAL_SHAPED_DIR}${f.name}`).equals(f.bytes)).toBe(true);
      const expected = JSON.parse(readFileSync(`${REAL_SHAPED_DIR}${f.name}.expected.json`, "utf8"));
      expect(expected).toEqual({ description: f.description, ...f.expected });
    }
  });

  it("the uploads are shaped as real generators write them", () => {
    const text = (name: string) => readFileSync(`${REAL_SHAPED_DIR}${name}`).toString("latin1");
    const pos = text("pos-indented-crlf.xml");
    expect(pos.startsWith('<?xml version="1.0" encoding="big5"?>\r\n<RECS>\r\n  <REC>')).toBe(true);
    expect(pos).toMatch(/<M14>[0-9A-F]{256}<\/M14>/);
    expect(pos).toContain("<M44>245</M44>");
    expect(pos).toContain("<M13></M13>");
    expect(pos).not.toContain("/>");
    const his = text("his-no-declaration-lf.xml");
    expect(his.startsWith("<RECS>\n\t<REC>")).toBe(true);
    expect(his).not.toContain("\r");
    expect(his).toContain("<D02>G</D02>");
  });

  it.each(fixtures.map((f) => [f.name, f] as const))("%s reads as expected", (_name, f) => {
    const bytes = readFileSync(`${REAL_SHAPED_DIR}${f.name}`);
    const expected = f.expected;
    if (expected.kind === "upload") {
      const { records, findings } = validateDocument(bytes, { pharmacy: true });
      expect(records).toHaveLength(expected.records);
      expect(findings.map((x) => `#${x.recordNo} ${x.field ?? "-"} ${x.code}`)).toEqual(expected.findings);
    } else if ("refused" in expected) {
      let refused: CheckReportRefusedError | undefined;
      try {
        readCheckReport(bytes);
      } catch (error) {
        if (error instanceof CheckReportRefusedError) refused = error;
        else throw error;
      }
      expect(refused).toBeDefined();
      expect(refused!.problems.map((p) => (p.lineNo ? `line ${p.lineNo}: ${p.message.en}` : p.message.en))).toEqual(
        expected.refused,
      );
    } else {
      const report = readCheckReport(bytes);
      expect(report.summary).toEqual(expected.summary);
      expect(
        report.entries.map((e) => ({
          recordNo: e.recordNo,
          rejected: e.rejected,
          errors: e.errors.map((x) => `${x.field}:${x.code}`),
        })),
      ).toEqual(expected.entries);
    }
  });
});
