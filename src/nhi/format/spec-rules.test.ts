/**
 * Field rules from the spec and from real generators' files (issue 17): sources cited, unpadded fees, virtual order
 * lines, drug codes NHI issues, the all-9s placeholder, format 1.0 files and no self-closing elements.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pharmacyAfRecord } from "../../../fixtures/xml/records.js";
import { fieldRules } from "./field-rules.js";
import { validateDocument, validateRecord } from "./validate.js";
import { buildUploadXml, buildUploadXmlText, parseUploadXml } from "./xml.js";

const codes = (findings: { field?: string; code: string }[]) => findings.map((f) => `${f.field ?? "-"}:${f.code}`);

describe("schemas/upload-format-2.0.json", () => {
  it("every field and record rule cites its source", () => {
    const raw = JSON.parse(readFileSync(new URL("../../../schemas/upload-format-2.0.json", import.meta.url), "utf8"));
    const fields = [...raw.segments.MSH, ...raw.segments.MB1, ...raw.segments.MB2];
    expect(fields.filter((f: { source?: string }) => !f.source?.trim())).toEqual([]);
    const rules = Object.entries(raw.recordRules).filter(([k]) => !k.startsWith("$"));
    expect(rules.filter(([, r]) => !(r as { source?: string }).source?.trim())).toEqual([]);
  });

  it("no numeric field has a fixed length", () => {
    const fixed = [...fieldRules().byId.values()].filter((r) => r.type === "numeric" && r.length !== undefined);
    expect(fixed.map((r) => r.id)).toEqual([]);
  });
});

describe("what real generators write and NHI accepts", () => {
  it("M44/M45 as plain integers or zero-padded", () => {
    for (const [m44, m45] of [
      ["245", "0"],
      ["0003227", "0000080"],
    ]) {
      const record = pharmacyAfRecord();
      record.mb1.M44 = m44;
      record.mb1.M45 = m45;
      expect(validateRecord(record, 1)).toEqual([]);
    }
    const record = pharmacyAfRecord();
    record.mb1.M44 = "12345678";
    expect(codes(validateRecord(record, 1))).toEqual(["M44:AC"]);
  });

  it("a virtual order line (D02 = G, R001–R008 / V000) needs no D04, D05, D09 or D10", () => {
    const record = pharmacyAfRecord();
    record.mb2.push({ D01: record.mb1.M11, D02: "G", D03: "003", D06: "R004" });
    record.mb2.push({ D01: record.mb1.M11, D02: "G", D03: "004", D06: "V000" });
    expect(validateRecord(record, 1)).toEqual([]);
  });

  it("drug lines (D02 = 1 or M) still need D04, D05, D09 and D10", () => {
    const record = pharmacyAfRecord();
    record.mb2[0] = { D01: record.mb1.M11, D02: "1", D03: "001", D06: "AC43213100" };
    expect(codes(validateRecord(record, 1))).toEqual(["D04[1]:AA", "D05[1]:AA", "D09[1]:AA", "D10[1]:AA"]);
  });

  it("a virtual order code on a drug line is check code 19", () => {
    const record = pharmacyAfRecord();
    record.mb2.push({ D01: record.mb1.M11, D02: "1", D03: "003", D04: "A", D05: "A", D06: "R001", D09: "7", D10: "1" });
    expect(codes(validateRecord(record, 1))).toEqual(["D02[3]:19"]);
  });

  it("drug codes with hyphens and lower case that NHI issues", () => {
    for (const code of ["CV19-S-Ab-N", "FSTP-COVID19", "XCOVID0001", "A012345100"]) {
      const record = pharmacyAfRecord();
      record.mb2[0]!.D06 = code;
      expect(validateRecord(record, 1)).toEqual([]);
    }
    const record = pharmacyAfRecord();
    record.mb2[0]!.D06 = "AC 4321";
    expect(codes(validateRecord(record, 1))).toEqual(["D06[1]:AB"]);
  });
});

describe("placeholders and old formats", () => {
  it("M16 = twenty 9s is reported as a placeholder (D002), not a valid visit ID", () => {
    const record = pharmacyAfRecord();
    record.mb1.M16 = "9".repeat(20);
    const findings = validateRecord(record, 1);
    expect(codes(findings)).toEqual(["M16:D002"]);
    expect(findings[0]!.message.en).toContain("placeholder");
    expect(findings[0]!.message.zh).toContain("不可據以調劑");
  });

  it("a format 1.0 file (A-fields) is answered with Y000 and what to do, not generic XML errors", () => {
    const xml =
      '<?xml version="1.0" encoding="Big5"?>\r\n<RECS><REC><MSH><A00>1</A00><A01>1</A01></MSH>' +
      "<MB><A11>000012345678</A11><A12>A123456789</A12><A17>1130321100512</A17></MB></REC></RECS>\r\n";
    const { records, findings } = validateDocument(xml);
    expect(records).toEqual([]);
    expect(findings.map((f) => f.code)).toEqual(["Y000"]);
    expect(findings[0]!.message.en).toMatch(/format 1\.0.*Regenerate the file in format 2\.0/);
    expect(findings[0]!.message.zh).toContain("請以2.0格式");
  });
});

describe("the builder", () => {
  it("never writes a self-closing element: empty values are <X></X>", () => {
    const record = pharmacyAfRecord();
    record.mb1.M13 = "";
    record.mb1.M22 = "";
    record.mb2[0]!.D07 = "";
    record.mb2.push({});
    const text = buildUploadXmlText([record, { h00: "1", h01: "A", mb1: {}, mb2: [] }]);
    expect(text).not.toMatch(/\/>/);
    expect(text).toContain("<M13></M13>");
    expect(text).toContain("<MB2></MB2>");
    expect(text).toContain("<MB1></MB1>");
    expect(Buffer.from(buildUploadXml([record])).includes("/>")).toBe(false);
    expect(parseUploadXml(buildUploadXml([record])).records[0]!.mb1.M13).toBe("");
  });
});
