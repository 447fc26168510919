import { readFileSync } from "node:fs";
import fc from "fast-check";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { chronicRefillRecord, pharmacyAfRecord, SEED_ORIGINAL_VISIT_ID } from "../../../fixtures/xml/records.js";
import { MB1_FIELDS, MB2_FIELDS, type Mb1, type Mb2, type UploadRecord } from "../format/record.js";
import { formatCheckReport } from "./format.js";
import { REPORT_FIELD_ORDER } from "./layout.js";
import { CheckReportRefusedError, parseCheckReport, readCheckReport } from "./parse.js";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../fixtures/check-reports/${name}`, import.meta.url)));

describe("parseCheckReport — the seed sample (seed 000 §如何得知是否上傳成功?-2)", () => {
  const [entry, ...rest] = parseCheckReport(fixture("seed-sample.txt"));

  it("has one entry, record 2, with M15:AA", () => {
    expect(rest).toEqual([]);
    expect(entry!.recordNo).toBe(2);
    expect(entry!.errors).toEqual([{ field: "M15", code: "AA", known: true, rejects: true }]);
  });

  it("keeps the shown values as strings (leading zeros) and leaves NULL fields out", () => {
    const f = entry!.fields;
    expect(f.H00).toBe("1");
    expect(f.H01).toBe("B");
    expect(f.M13).toBe("A000");
    expect(f.M16).toBe(SEED_ORIGINAL_VISIT_ID);
    expect(f.M17).toBe("1101110026");
    expect(f.M19).toBe("1130320133912");
    expect(f.M44).toBe("0003227");
    expect(f.M45).toBe("0000080");
    expect(f.M18).toBe("0003");
    expect(f.M04).toBe("082");
    expect("M15" in f).toBe(false);
    expect("M01" in f).toBe(false);
    expect(Object.keys(f)).toHaveLength(23);
  });

  it("masked blanks (M03=[ ]) are empty strings, not absent", () => {
    expect(entry!.fields.M03).toBe("");
    expect(entry!.fields.M06).toBe("");
  });

  it("the field order of the seed is the layout the formatter writes", () => {
    const text = new TextDecoder().decode(fixture("seed-sample.txt"));
    const order = [...text.matchAll(/^([HM]\d\d)=\[/gm)].map((m) => m[1]);
    expect(order).toEqual(REPORT_FIELD_ORDER);
  });
});

describe("parseCheckReport — several records, Big5, CRLF", () => {
  const bytes = fixture("multi-record-big5-crlf.txt");

  it("reads every record and every error, MB2 indices and unknown codes included", () => {
    const entries = parseCheckReport(bytes);
    expect(entries.map((e) => e.recordNo)).toEqual([1, 3, 7]);
    expect(entries[0]!.errors).toEqual([
      { field: "M16", code: "D051", known: true, rejects: false },
      { field: "M33", code: "D024", known: true, rejects: false },
    ]);
    expect(entries[2]!.errors).toEqual([
      { field: "D05[1]", code: "AF", known: true, rejects: true },
      { field: "M15", code: "Z999", known: false, rejects: true },
    ]);
    expect(entries[2]!.fields["D15[1]"]).toBe("飯後服用");
    expect(entries[2]!.fields["D06[2]"]).toBe("A012345100");
    expect("D07[1]" in entries[2]!.fields).toBe(false);
  });

  it("is really Big5 with CRLF, and UTF-8 or LF input gives the same result", () => {
    expect(Buffer.from(bytes).includes(Buffer.from("\r\n"))).toBe(true);
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    const text = iconv.decode(Buffer.from(bytes), "cp950");
    expect(parseCheckReport(new TextEncoder().encode(text))).toEqual(parseCheckReport(bytes));
    expect(parseCheckReport(text.replace(/\r\n/g, "\n"))).toEqual(parseCheckReport(bytes));
    expect(parseCheckReport(`\uFEFF${text}`)).toEqual(parseCheckReport(bytes));
  });
});

describe("parseCheckReport — variations", () => {
  it("full-width colons and semicolons, spaces, lowercase codes, errors without a field", () => {
    const text = "第[ 4 ]筆\nM15=[ NULL ]\n錯誤原因：M15：aa；M33:D019; Y015;\n";
    expect(parseCheckReport(text)).toEqual([
      {
        recordNo: 4,
        fields: {},
        errors: [
          { field: "M15", code: "AA", known: true, rejects: true },
          { field: "M33", code: "D019", known: true, rejects: true },
          { field: "", code: "Y015", known: true, rejects: true },
        ],
        rejected: true,
      },
    ]);
  });

  it("several 錯誤原因 lines add up; a title before the first record and separators are understood", () => {
    const text =
      "健保卡就醫資料上傳檢核結果\n第[1]筆\nH00=[ 1 ]\n錯誤原因:M01:AA;\n錯誤原因:M02:AB;\n=====\n第[2]筆\n錯誤原因:\n";
    const entries = parseCheckReport(text);
    expect(entries.map((e) => e.errors.map((x) => x.code))).toEqual([["AA", "AB"], []]);
  });
});

function refusal(input: string | Uint8Array): CheckReportRefusedError {
  try {
    readCheckReport(input);
  } catch (error) {
    if (error instanceof CheckReportRefusedError) return error;
    throw error;
  }
  throw new Error("the report was not refused");
}

describe("readCheckReport — complete or refused", () => {
  it("a wrapped error list belongs to the record it follows", () => {
    const text = "第[1]筆\nM15=[ X ]\n錯誤原因:M16:D049;\nD05[1]:AF; D09[2]:AA04\n第[2]筆\n錯誤原因:\nM15:AA;\n";
    const { entries } = readCheckReport(text);
    expect(entries[0]!.errors.map((e) => `${e.field}:${e.code}`)).toEqual(["M16:D049", "D05[1]:AF", "D09[2]:AA04"]);
    expect(entries[1]!.errors.map((e) => `${e.field}:${e.code}`)).toEqual(["M15:AA"]);
  });

  it("a line not understood is reported with its line number, never dropped", () => {
    const text = "第[1]筆\nM15=[ X ]\n這一行不知道是什麼\n錯誤原因:M15:AA;\n";
    const error = refusal(text);
    expect(error.problems).toEqual([expect.objectContaining({ lineNo: 3 })]);
    expect(error.problems[0]!.message.en).toContain("not understood");
    expect(error.userMessage.zh).toContain("第3行");
    expect(error.userMessage.zh).toContain("這一行不知道是什麼");
  });

  it("an error line that is not a list of codes is not guessed at", () => {
    expect(refusal("第[1]筆\n錯誤原因:M15(就醫識別碼)為錯誤欄位\n").problems[0]!.lineNo).toBe(2);
  });

  it("returns the summary counts and checks them against the blocks", () => {
    const body = "第[3]筆\nM15=[ X ]\n錯誤原因:M15:AA;\n第[5]筆\n錯誤原因:M33:D024;\n";
    const head = "健保卡就醫資料上傳檢核結果\n接收筆數:[ 6 ]  有效明細筆數:[ 5 ]\t無效明細筆數:[ 1 ]\n";
    const report = readCheckReport(`${head}${body}實際接收筆數：6\n`);
    expect(report.summary).toEqual({ received: 6, valid: 5, invalid: 1, actualReceived: 6 });
    // D024 alone is accepted with a warning: one rejected block, one accepted.
    expect(report.entries.map((e) => e.rejected)).toEqual([true, false]);
    expect(refusal(`${head.replace("[ 1 ]", "[ 2 ]")}${body}`).problems.map((p) => p.message.en)).toEqual([
      "valid (5) plus invalid (2) records is not the 6 received",
      "the report counts 2 invalid record(s) but holds 1 rejected record block(s): it may be incomplete",
    ]);
    expect(refusal(`${head}${body}實際接收筆數:7\n`).problems[0]!.message.en).toContain("differ");
    expect(refusal(`接收筆數:4\n${body}`).problems[0]!.message.en).toBe("record 5 is beyond the 4 record(s) received");
  });

  it("a report with counts and no blocks is a report where nothing was rejected", () => {
    expect(readCheckReport("接收筆數=3 有效明細=3 無效明細=0\n")).toEqual({
      entries: [],
      summary: { received: 3, valid: 3, invalid: 0 },
    });
  });

  it.each([
    ["empty", "", "empty"],
    ["blank", " \r\n\r\n", "empty"],
    ["XML", '<?xml version="1.0" encoding="Big5"?><RECS></RECS>\n', "XML"],
    ["binary", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0x0a]), "binary"],
    ["not a report", "Dear pharmacist,\nhello\n", "not understood"],
    ["cut off mid-line", "第[1]筆\nM15=[ X ]\n錯誤原因:M15:A", "cut off"],
    ["cut off between lines", "第[1]筆\nM15=[ X ]\n", "cut off"],
  ])("%s input is refused", (_name, input, reason) => {
    const error = refusal(input);
    expect(error.message).toContain(reason);
  });

  it("an empty body from NHI after an upload means nothing was rejected", () => {
    expect(parseCheckReport("")).toEqual([]);
    expect(parseCheckReport(new Uint8Array())).toEqual([]);
  });

  it("random bytes are read or refused, never anything else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          readCheckReport(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(CheckReportRefusedError);
        }
      }),
    );
  });
});

const valueChar = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  fc.constantFrom(..."藥局調劑飯後服用臺灣　～"),
);
const value = fc.string({ unit: valueChar, minLength: 1, maxLength: 10 }).filter((v) => v.trim() !== "NULL");
const recordArb: fc.Arbitrary<UploadRecord> = fc.record({
  h00: value,
  h01: fc.constantFrom("A", "B", "C", "D", "E"),
  mb1: fc.dictionary(fc.constantFrom(...MB1_FIELDS), value, { maxKeys: 15 }) as fc.Arbitrary<Mb1>,
  mb2: fc.array(fc.dictionary(fc.constantFrom(...MB2_FIELDS), value, { maxKeys: 6 }) as fc.Arbitrary<Mb2>, {
    maxLength: 3,
  }),
});
const errorArb = fc.record({
  field: fc.oneof(fc.constantFrom(...MB1_FIELDS), fc.constantFrom("D05[1]", "D03[2]")),
  code: fc.constantFrom("AA", "AB", "AC", "AF", "D025", "Y014", "Q123"),
});

describe("formatCheckReport", () => {
  it("writes the seed layout: 第[n]筆, FIELD=[ value ], NULL for empty, no M14, 錯誤原因 line", () => {
    const text = formatCheckReport([
      { recordNo: 2, record: pharmacyAfRecord(), errors: [{ field: "M15", code: "AA" }] },
    ]);
    const lines = text.split("\r\n");
    expect(lines[0]).toBe("第[2]筆");
    expect(lines[1]).toBe("H00=[ 1 ]");
    expect(lines).toContain("M13=[ NULL ]");
    expect(lines).toContain("M10=[ NULL ]");
    expect(lines.some((l) => l.startsWith("M14="))).toBe(false);
    expect(lines).toContain("D05[2]=[ A ]");
    expect(lines.at(-2)).toBe("錯誤原因:M15:AA;");
    expect(text.endsWith("\r\n")).toBe(true);
  });

  it("parse(format(x)) gives back every filled field except M14, and every error", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            recordNo: fc.integer({ min: 1, max: 99_999 }),
            record: recordArb,
            errors: fc.array(errorArb, { maxLength: 4 }),
          }),
          {
            maxLength: 4,
          },
        ),
        (entries) => {
          const parsed = parseCheckReport(iconv.encode(formatCheckReport(entries), "cp950"));
          expect(parsed).toHaveLength(entries.length);
          entries.forEach((entry, i) => {
            const expected: Record<string, string> = { H00: entry.record.h00, H01: entry.record.h01 };
            for (const [k, v] of Object.entries(entry.record.mb1)) if (k !== "M14") expected[k] = v;
            entry.record.mb2.forEach((line, j) => {
              for (const [k, v] of Object.entries(line)) expected[`${k}[${j + 1}]`] = v;
            });
            expect(parsed[i]!.recordNo).toBe(entry.recordNo);
            expect(parsed[i]!.fields).toEqual(expected);
            expect(parsed[i]!.errors.map(({ field, code }) => ({ field, code }))).toEqual(entry.errors);
            expect(parsed[i]!.errors.find((e) => e.code === "Q123")?.known ?? false).toBe(false);
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("with the received count: header and trailer counts that the reader checks against the blocks", () => {
    const entries = [
      { recordNo: 2, record: pharmacyAfRecord(), errors: [{ field: "M15", code: "AA" }] },
      { recordNo: 4, record: chronicRefillRecord(), errors: [{ field: "M16", code: "D024" }] },
    ];
    const text = formatCheckReport(entries, { received: 5 });
    expect(text.split("\r\n")[1]).toBe("接收筆數:[ 5 ]\t有效明細筆數:[ 4 ]\t無效明細筆數:[ 1 ]");
    const report = readCheckReport(iconv.encode(text, "cp950"));
    expect(report.summary).toEqual({ received: 5, valid: 4, invalid: 1, actualReceived: 5 });
    expect(report.entries.map((e) => [e.recordNo, e.rejected])).toEqual([
      [2, true],
      [4, false],
    ]);
    expect(readCheckReport(formatCheckReport([], { received: 3 }))).toEqual({
      entries: [],
      summary: { received: 3, valid: 3, invalid: 0, actualReceived: 3 },
    });
    // One block lost in transfer: the counts no longer match and the report is refused.
    const lost = text.replace(/第\[2\]筆[\s\S]*?={60}\r\n/, "");
    expect(lost).not.toContain("第[2]筆");
    expect(() => readCheckReport(lost)).toThrow(CheckReportRefusedError);
  });

  it("an empty list is an empty report", () => {
    expect(formatCheckReport([])).toBe("");
    expect(
      parseCheckReport(formatCheckReport([{ recordNo: 1, record: chronicRefillRecord(), errors: [] }]))[0]!.errors,
    ).toEqual([]);
  });
});

describe("parseCheckReport — line ends", () => {
  it("CR-only, LF, CRLF and mixed line ends give the same entries", () => {
    const text = formatCheckReport([
      { recordNo: 5, record: pharmacyAfRecord(), errors: [{ field: "M15", code: "AA" }] },
      { recordNo: 6, record: chronicRefillRecord(), errors: [{ field: "D05[2]", code: "AF" }] },
    ]);
    const expected = parseCheckReport(text);
    expect(expected).toHaveLength(2);
    expect(parseCheckReport(text.replace(/\r\n/g, "\r"))).toEqual(expected);
    expect(parseCheckReport(text.replace(/\r\n/g, "\n"))).toEqual(expected);
    let i = 0;
    expect(parseCheckReport(text.replace(/\r\n/g, () => (i++ % 2 ? "\n" : "\r\n")))).toEqual(expected);
  });

  it("Big5 bytes with bare CRs among CRLFs read Big5 and long values from the right bytes", () => {
    const record = pharmacyAfRecord();
    record.mb2[0]!.D15 = "飯後服用";
    const text = formatCheckReport([{ recordNo: 8, record, errors: [{ field: "D15[1]", code: "AB" }] }]);
    let i = 0;
    const mixed = text.replace(/\r\n/g, () => (i++ % 3 === 0 ? "\r" : "\r\n"));
    const [fromBig5] = parseCheckReport(iconv.encode(mixed, "cp950"));
    const [fromText] = parseCheckReport(text);
    expect(fromBig5).toEqual(fromText);
    expect(fromBig5!.fields["D15[1]"]).toBe("飯後服用");
    expect(fromBig5!.fields.M16).toBe(record.mb1.M16);
  });

  it("field lines with odd spacing still parse (general path)", () => {
    const [entry] = parseCheckReport(
      "第[1]筆\n  M15 = [ 1BYFWZQ21QQXY3B54X0L ]  \nM16=[NULL]\nD05[12]=[ A ]   \nM17=[ a]b ]\n錯誤原因:\n",
    );
    expect(entry!.fields).toEqual({ M15: "1BYFWZQ21QQXY3B54X0L", "D05[12]": "A", M17: "a]b" });
  });
});

describe("parseCheckReport — Big5 trail bytes that look like ASCII", () => {
  it("values with characters whose second byte is [, \\ or ] read back exactly", () => {
    const tricky: string[] = [];
    for (let code = 0x4e00; code <= 0x9fff && tricky.length < 12; code++) {
      const ch = String.fromCharCode(code);
      const bytes = iconv.encode(ch, "cp950");
      if (bytes.length === 2 && [0x5b, 0x5c, 0x5d].includes(bytes[1]!) && iconv.decode(bytes, "cp950") === ch)
        tricky.push(ch);
    }
    expect(tricky.length).toBeGreaterThan(3);
    const record = pharmacyAfRecord();
    record.mb2[0]!.D15 = tricky.join("");
    record.mb2[1]!.D15 = `${tricky[0]}]`;
    const bytes = iconv.encode(
      formatCheckReport([{ recordNo: 1, record, errors: [{ field: "D15[1]", code: "AB" }] }]),
      "cp950",
    );
    const [entry] = parseCheckReport(bytes);
    expect(entry!.fields["D15[1]"]).toBe(tricky.join(""));
    expect(entry!.fields["D15[2]"]).toBe(`${tricky[0]}]`);
    expect(entry!.errors).toEqual([{ field: "D15[1]", code: "AB", known: true, rejects: true }]);
  });
});

describe("parseCheckReport — large Big5 reports", () => {
  const records = Array.from({ length: 400 }, (_, i) => {
    const record = i % 2 === 0 ? pharmacyAfRecord() : chronicRefillRecord();
    record.mb1.M15 = `${String(i).padStart(4, "0")}ABCDEFGHJKLMNPQR`;
    record.mb2[0]!.D15 = i % 3 === 0 ? `飯後服用${i}` : "";
    return { recordNo: i + 1, record, errors: [{ field: "M16", code: "D025" }] };
  });
  const text = formatCheckReport(records);

  it("reads every record the same as the UTF-8 text, across the pieces the bytes are read in", () => {
    const bytes = iconv.encode(text, "cp950");
    expect(bytes.length).toBeGreaterThan(4 * 64 * 1024);
    const fromBig5 = parseCheckReport(bytes);
    expect(fromBig5).toHaveLength(400);
    expect(fromBig5).toEqual(parseCheckReport(new TextEncoder().encode(text)));
    expect(fromBig5[399]!.fields.M15).toBe("0399ABCDEFGHJKLMNPQR");
    expect(fromBig5[399]!.fields["D15[1]"]).toBe("飯後服用399");
  });

  it("a line longer than a piece is read whole", () => {
    const long = "藥".repeat(70_000);
    const bytes = iconv.encode(`第[1]筆\r\nD15[1]=[ ${long} ]\r\nM15=[ X ]\r\n錯誤原因:D15[1]:AB;\r\n`, "cp950");
    const [entry] = parseCheckReport(bytes);
    expect(entry!.fields).toEqual({ "D15[1]": long, M15: "X" });
    expect(entry!.errors).toEqual([{ field: "D15[1]", code: "AB", known: true, rejects: true }]);
  });
});
