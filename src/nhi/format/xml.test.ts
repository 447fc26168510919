import { readFileSync } from "node:fs";
import fc from "fast-check";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { abnormalRecord, chronicRefillRecord, pharmacyAfRecord } from "../../../fixtures/xml/records.js";
import { MB1_FIELDS, MB2_FIELDS, type Mb1, type Mb2, type UploadRecord } from "./record.js";
import { validateDocument } from "./validate.js";
import { Big5EncodingError, buildUploadXml, buildUploadXmlText, parseUploadXml } from "./xml.js";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../fixtures/xml/${name}`, import.meta.url)));
const codes = (findings: { recordNo: number; field?: string; code: string }[]) =>
  findings.map((f) => `${f.recordNo}:${f.field ?? ""}:${f.code}`);

describe("buildUploadXml", () => {
  it("writes a Big5 document with the RECS/REC/MSH/MB/MB1/MB2 structure", () => {
    const record = pharmacyAfRecord();
    record.mb2[0]!.D15 = "飯後服用";
    const bytes = buildUploadXml([record]);
    const text = iconv.decode(Buffer.from(bytes), "cp950");
    expect(text.startsWith('<?xml version="1.0" encoding="Big5"?>')).toBe(true);
    expect(text).toMatch(
      /<RECS>\r\n<REC>\r\n<MSH><H00>1<\/H00><H01>A<\/H01><\/MSH>\r\n<MB>\r\n<MB1><M01>000000012345<\/M01>/,
    );
    expect(text).toContain("<M13></M13>");
    expect(text).toContain("<MB2><D01>1130321100512</D01>");
    // 飯 is A6 B6 in Big5.
    expect(Buffer.from(bytes).includes(Buffer.from([0xb6, 0xba]))).toBe(true);
    expect(Buffer.from(bytes).includes(Buffer.from("飯", "utf8"))).toBe(false);
  });

  it("writes fields in M01…M56 / D01…D15 order whatever the object's key order", () => {
    const record: UploadRecord = {
      h00: "1",
      h01: "A",
      mb1: { M20: "07", M03: "A123456789" },
      mb2: [{ D10: "1", D01: "x" }],
    };
    const text = buildUploadXmlText([record]);
    expect(text.indexOf("<M03>")).toBeLessThan(text.indexOf("<M20>"));
    expect(text.indexOf("<D01>")).toBeLessThan(text.indexOf("<D10>"));
  });

  it("escapes &, < and > and reads them back", () => {
    const record = pharmacyAfRecord();
    record.mb2[0]!.D15 = "A&B <1> & 2";
    const text = buildUploadXmlText([record]);
    expect(text).toContain("<D15>A&amp;B &lt;1&gt; &amp; 2</D15>");
    expect(parseUploadXml(buildUploadXml([record])).records[0]).toEqual(record);
  });

  it.each([
    ["😀", "U+1F600"],
    ["\ue000", "U+E000"],
    ["㗎", "U+35CE"],
    ["峯", "U+5CEF"],
  ])("refuses %s with Big5EncodingError naming record, field and character (Y014)", (ch, hex) => {
    const ok = pharmacyAfRecord();
    const bad = chronicRefillRecord();
    bad.mb2[1]!.D15 = `早晚${ch}`;
    let error: unknown;
    try {
      buildUploadXml([ok, bad]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Big5EncodingError);
    const e = error as Big5EncodingError;
    expect([e.recordNo, e.field, e.character, e.code]).toEqual([2, "D15[2]", ch, "Y014"]);
    expect(e.message).toContain(hex);
    expect(e.userMessage.zh).toContain("第2筆 D15[2]");
  });

  it("refuses characters in MB1 too", () => {
    const r = pharmacyAfRecord();
    r.mb1.M03 = "A12345678😀";
    expect(() => buildUploadXml([r])).toThrow(/record 1 field M03/);
  });
});

describe("parseUploadXml", () => {
  it("reads the fixtures back to the records they were built from", () => {
    expect(parseUploadXml(fixture("pharmacy-af.xml"))).toEqual({ records: [pharmacyAfRecord()], findings: [] });
    expect(parseUploadXml(fixture("three-records.xml")).records).toEqual([
      pharmacyAfRecord(),
      chronicRefillRecord(),
      abnormalRecord(),
    ]);
  });

  it("keeps leading zeros, spaces and empty elements as strings", () => {
    const r = pharmacyAfRecord();
    r.mb1.M44 = "0003227";
    r.mb1.M22 = "";
    r.mb2[0]!.D15 = "  two spaces  ";
    const back = parseUploadXml(buildUploadXml([r])).records[0]!;
    expect(back.mb1.M44).toBe("0003227");
    expect(back.mb1.M22).toBe("");
    expect(back.mb2[0]!.D15).toBe("  two spaces  ");
    expect(back.mb1.M18).toBe("0003");
  });

  it("accepts an already decoded string", () => {
    expect(parseUploadXml(buildUploadXmlText([pharmacyAfRecord()])).records).toEqual([pharmacyAfRecord()]);
  });

  it("Y006: a REC without </REC>; the other records still parse", () => {
    const { records, findings } = parseUploadXml(fixture("broken-missing-rec-close.xml"));
    expect(codes(findings)).toEqual(["1::Y006"]);
    expect(records).toEqual([pharmacyAfRecord(), chronicRefillRecord()]);
    expect(findings[0]!.message.en).toContain("line 3");
  });

  it("Y007: no </RECS>", () => {
    const { records, findings } = parseUploadXml(fixture("broken-missing-recs-close.xml"));
    expect(codes(findings)).toEqual(["0::Y007"]);
    expect(records).toHaveLength(2);
  });

  it("Y015: more than one RECS rejects the file", () => {
    const { records, findings } = parseUploadXml(fixture("broken-two-recs.xml"));
    expect(codes(findings)).toEqual(["0::Y015"]);
    expect(records).toEqual([]);
  });

  it("Y014: bytes that are not Big5, by record and field", () => {
    const { findings } = parseUploadXml(fixture("broken-non-big5-bytes.xml"));
    expect(codes(findings)).toEqual(["1:D15[1]:Y014"]);
  });

  it("Y014: a document declared in another encoding", () => {
    const text = buildUploadXmlText([pharmacyAfRecord()]).replace('encoding="Big5"', 'encoding="UTF-8"');
    const utf8 = new TextEncoder().encode(text.replace("<D14>PO</D14>", "<D14>PO</D14><D15>飯後</D15>"));
    expect(codes(parseUploadXml(utf8).findings)).toContain("0::Y014");
  });

  it("a mismatched tag is a clear XML finding with the line, and the record is salvaged", () => {
    const { records, findings } = parseUploadXml(fixture("broken-mismatched-tag.xml"));
    expect(codes(findings)).toEqual(["1::XML"]);
    expect(findings[0]!.message.en).toMatch(/line 6.*M30/);
    expect(records[0]!.mb1.M15).toBe(pharmacyAfRecord().mb1.M15);
    expect(records[1]).toEqual(chronicRefillRecord());
  });

  it("not XML at all, or empty: one file-level finding, no exception", () => {
    expect(codes(parseUploadXml(fixture("broken-not-xml.xml")).findings)).toEqual(["0::XML"]);
    expect(parseUploadXml(new Uint8Array()).findings[0]!.message.en).toContain("empty");
  });

  it("unexpected elements are reported", () => {
    const text = buildUploadXmlText([pharmacyAfRecord()]).replace("<M01>", "<M57>x</M57><M01>");
    expect(codes(parseUploadXml(text).findings)).toEqual(["1:MB1/M57:XML"]);
  });

  it("invalid-fields.xml: well-formed records with NHI field findings", () => {
    const { findings } = validateDocument(fixture("invalid-fields.xml"));
    expect(codes(findings)).toEqual(["2:M13:AD14", "3:MB2:Y012", "4:M15:AA", "5:M11:AB", "5:M17:AC"]);
  });
});

// Values a record may hold: printable ASCII and some Big5 Chinese, with leading zeros and spaces.
const big5Char = fc.constantFrom(..."藥局調劑飯後服用早晚一二三四五六七八九十台臺灣健保碁裏～　ㄅ€");
const asciiChar = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const value = fc.string({ unit: fc.oneof(asciiChar, big5Char), maxLength: 12 });

function pick<F extends string>(fields: readonly F[]): fc.Arbitrary<Partial<Record<F, string>>> {
  return fc.dictionary(fc.constantFrom(...fields), value, { maxKeys: 12 }) as fc.Arbitrary<Partial<Record<F, string>>>;
}

const recordArb: fc.Arbitrary<UploadRecord> = fc.record({
  h00: value,
  h01: fc.constantFrom("A", "B", "C", "D", "E"),
  mb1: pick(MB1_FIELDS) as fc.Arbitrary<Mb1>,
  mb2: fc.array(pick(MB2_FIELDS) as fc.Arbitrary<Mb2>, { maxLength: 3 }),
});

describe("properties", () => {
  it("build → parse gives back exactly the records", () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 4 }), (records) => {
        const { records: back, findings } = parseUploadXml(buildUploadXml(records));
        expect(findings).toEqual([]);
        expect(back).toEqual(records);
      }),
      { numRuns: 200 },
    );
  });

  it("parsing arbitrary bytes or text never throws", () => {
    const doc = buildUploadXmlText([pharmacyAfRecord(), chronicRefillRecord()]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(doc.length), fc.nat(40), (junk, at, cut) => {
        parseUploadXml(junk);
        validateDocument(junk);
        const mangled = doc.slice(0, at) + doc.slice(at + cut);
        validateDocument(mangled);
      }),
      { numRuns: 300 },
    );
  });
});

describe("buildUploadXml and buildUploadXmlText agree", () => {
  it("the bytes are the Big5 encoding of the text", () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 5 }), (records) => {
        expect(Buffer.from(buildUploadXml(records)).equals(iconv.encode(buildUploadXmlText(records), "cp950"))).toBe(
          true,
        );
      }),
      { numRuns: 150 },
    );
  });

  it("grows its buffer for records far larger than estimated", () => {
    const r = pharmacyAfRecord();
    r.mb2 = Array.from({ length: 400 }, (_, i) => ({ ...r.mb2[0]!, D03: String(i + 1), D15: "飯後服用".repeat(5) }));
    const bytes = buildUploadXml([r]);
    expect(parseUploadXml(bytes).records[0]).toEqual(r);
  });
});
