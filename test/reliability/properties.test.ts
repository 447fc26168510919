/**
 * Property tests over the inputs rxdesk reads from outside: visit IDs, national IDs (and their masking in logs),
 * ROC dates, upload XML, check-result reports and card profile bytes. ≥ 10,000 cases each in the full run
 * (`npm run test:reliability`), a few hundred inside `npm test`.
 */
import fc from "fast-check";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { maskRequestTarget } from "../../src/api/mask.js";
import { isCardError } from "../../src/card/errors.js";
import { decodeProfile, encodeProfile } from "../../src/card/profile.js";
import { checkNationalId, nationalIdCheckDigit } from "../../src/domain/national-id.js";
import {
  addDays,
  daysBetween,
  isRocDate,
  parseRocDate,
  type RocDate,
  rocDateFromIso,
  rocDateToIso,
} from "../../src/domain/roc-date.js";
import { parseVisitId, VISIT_ID_ALPHABET } from "../../src/domain/visit-id.js";
import { formatCheckReport } from "../../src/nhi/check-report/format.js";
import { CheckReportRefusedError, readCheckReport } from "../../src/nhi/check-report/parse.js";
import { MB1_FIELDS, MB2_FIELDS, type Mb1, type Mb2, type UploadRecord } from "../../src/nhi/format/record.js";
import { buildUploadXml, parseUploadXml } from "../../src/nhi/format/xml.js";
import { sized } from "../support/reliability/mode.js";

const RUNS = { numRuns: sized(10_000, 200) };
/** Some properties need minutes at 10,000 cases on a busy machine. */
const LONG = { timeout: sized(600_000, 60_000) };

// --- generators -----------------------------------------------------------------------------------------------

const visitId = fc.string({ unit: fc.constantFrom(...VISIT_ID_ALPHABET), minLength: 20, maxLength: 20 });
const letter = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ");
const nationalId = fc
  .tuple(letter, fc.constantFrom("1", "2", "8", "9"), fc.stringMatching(/^\d{7}$/))
  .map(([l, second, rest]) => {
    const first9 = `${l}${second}${rest}`;
    return `${first9}${nationalIdCheckDigit(first9)}`;
  });
const isoDate = fc
  .date({ min: new Date("1915-01-01T00:00:00Z"), max: new Date("2100-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const fullWidth = (ch: string) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0);

const fieldValue = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    fc.constantFrom(..."藥局調劑飯後服用早晚台灣健保"),
  ),
  minLength: 1,
  maxLength: 10,
});
function fieldsOf<F extends string>(names: readonly F[]): fc.Arbitrary<Partial<Record<F, string>>> {
  return fc.dictionary(fc.constantFrom(...names), fieldValue, { maxKeys: 8 }) as fc.Arbitrary<
    Partial<Record<F, string>>
  >;
}
const uploadRecord: fc.Arbitrary<UploadRecord> = fc.record({
  h00: fc.constant("1"),
  h01: fc.constantFrom("A", "B", "C", "D", "E"),
  mb1: fieldsOf(MB1_FIELDS) as fc.Arbitrary<Mb1>,
  mb2: fc.array(fieldsOf(MB2_FIELDS) as fc.Arbitrary<Mb2>, { maxLength: 2 }),
});
const reportEntries = fc
  .array(
    fc.record({
      record: uploadRecord,
      errors: fc.array(
        fc.record({
          field: fc.constantFrom("M15", "M16", "M33", ""),
          code: fc.constantFrom("D025", "D024", "C001", "Y014"),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((entries) => entries.map((e, i) => ({ ...e, recordNo: i + 1 })));

// --- properties -----------------------------------------------------------------------------------------------

describe("visit IDs", () => {
  it("every way a counter may deliver a valid ID normalises to it", () => {
    const formatted = fc.tuple(
      visitId,
      fc.constantFrom("", " ", "-"),
      fc.boolean(),
      fc.boolean(),
      fc.constantFrom("", "\r", "\n", "\r\n", "\t"),
    );
    fc.assert(
      fc.property(formatted, ([id, separator, lower, wide, suffix]) => {
        let typed = (id.match(/.{4}/g) ?? []).join(separator);
        if (lower) typed = typed.toLowerCase();
        if (wide) typed = [...typed].map((ch) => (/[0-9A-Za-z]/.test(ch) ? fullWidth(ch) : ch)).join("");
        const parsed = parseVisitId(`${typed}${suffix}`);
        expect(parsed.valid && parsed.visitId).toBe(id);
      }),
      RUNS,
    );
  });

  it("any other text is refused with a reason in both languages, never an exception", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: "grapheme" }), (input) => {
        const parsed = parseVisitId(input);
        if (!parsed.valid) expect(parsed.reason.zh.length * parsed.reason.en.length).toBeGreaterThan(0);
        else expect(parsed.visitId).toMatch(/^[0-9A-HJ-NP-Z]{20}$/);
      }),
      RUNS,
    );
  });
});

describe("national IDs", () => {
  it("valid IDs pass in any case and spacing; a changed digit of odd weight fails the checksum", () => {
    // Digits weighted 7, 3, 1, 1: a change there always shows (even weights miss a change by 5, as the rule does).
    const oddWeight = fc.constantFrom(2, 6, 8, 9);
    fc.assert(
      fc.property(nationalId, oddWeight, fc.integer({ min: 1, max: 9 }), (id, at, delta) => {
        const typed = checkNationalId(`  ${id.toLowerCase()}\t`);
        expect(typed.valid && typed.nationalId).toBe(id);
        const changed = `${id.slice(0, at)}${(Number(id[at]) + delta) % 10}${id.slice(at + 1)}`;
        expect(checkNationalId(changed).valid).toBe(false);
      }),
      RUNS,
    );
  });

  it("no percent-encoding of an ID in a request target gets past the log mask", () => {
    fc.assert(
      fc.property(
        nationalId,
        fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
        fc.boolean(),
        (id, picks, twice) => {
          const once = [...id]
            .map((ch, i) => (picks[i] ? `%${ch.charCodeAt(0).toString(16).toUpperCase()}` : ch))
            .join("");
          const encoded = twice ? once.replace(/%/g, "%25") : once;
          const logged = maskRequestTarget(`/api/patients/${encoded}/prescriptions?nationalId=${encoded}`);
          expect(logged).not.toContain(id.slice(3, 7));
        },
      ),
      RUNS,
    );
  });
});

describe("ROC dates", () => {
  it("ISO ↔ ROC round-trips, and day arithmetic agrees with itself", () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: -800, max: 800 }), (iso, days) => {
        const roc = rocDateFromIso(iso);
        expect(isRocDate(roc)).toBe(true);
        expect(rocDateToIso(roc)).toBe(iso);
        expect(daysBetween(roc, addDays(roc, days))).toBe(days);
      }),
      RUNS,
    );
  });

  it("any seven digits are a real date or refused", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{7}$/), (text) => {
        let parsed: RocDate | undefined;
        try {
          parsed = parseRocDate(text);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          expect(isRocDate(text)).toBe(false);
          return;
        }
        expect(rocDateFromIso(rocDateToIso(parsed))).toBe(text);
      }),
      RUNS,
    );
  });
});

describe("upload XML", LONG, () => {
  it("build → parse gives back the records; a cut document never passes as fewer records", () => {
    fc.assert(
      fc.property(fc.array(uploadRecord, { minLength: 1, maxLength: 3 }), fc.nat(), (records, cutAt) => {
        const bytes = buildUploadXml(records);
        const back = parseUploadXml(bytes);
        expect(back.findings).toEqual([]);
        expect(back.records).toEqual(records);
        const cut = parseUploadXml(bytes.subarray(0, cutAt % bytes.length));
        if (cut.findings.length === 0) expect(cut.records).toEqual(records);
      }),
      RUNS,
    );
  });

  it("arbitrary bytes are parsed into findings, never an exception", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (junk) => {
        parseUploadXml(junk);
      }),
      RUNS,
    );
  });
});

describe("check-result reports", LONG, () => {
  it("a report NHI writes reads back with every record number and code; a cut one never yields a partial record", () => {
    fc.assert(
      fc.property(reportEntries, fc.nat(), (entries, cutAt) => {
        const bytes = iconv.encode(formatCheckReport(entries), "cp950");
        const read = readCheckReport(bytes);
        const codes = (list: { errors: { code: string }[] }[]) => list.map((e) => e.errors.map((x) => x.code));
        expect(read.entries.map((e) => e.recordNo)).toEqual(entries.map((e) => e.recordNo));
        expect(codes(read.entries)).toEqual(codes(entries));
        const cut = bytes.subarray(0, cutAt % bytes.length);
        try {
          const partial = readCheckReport(cut);
          expect(partial.entries).toEqual(read.entries.slice(0, partial.entries.length));
        } catch (error) {
          expect(error).toBeInstanceOf(CheckReportRefusedError);
        }
      }),
      RUNS,
    );
  });

  it("arbitrary bytes are refused with CheckReportRefusedError or read, never another exception", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (junk) => {
        try {
          readCheckReport(junk);
        } catch (error) {
          expect(error).toBeInstanceOf(CheckReportRefusedError);
        }
      }),
      RUNS,
    );
  });
});

describe("card profile bytes", LONG, () => {
  it("a valid profile round-trips; any 57 bytes decode to a valid identity or a card error", () => {
    const profile = fc.record({
      cardNumber: fc.stringMatching(/^\d{12}$/),
      name: fc.string({ unit: fc.constantFrom(..."王小明林淑芬陳"), minLength: 1, maxLength: 5 }),
      nationalId,
      sex: fc.constantFrom("M", "F"),
    });
    const dates = fc.tuple(isoDate, isoDate).map(([a, b]) => (a <= b ? [a, b] : [b, a]).map(rocDateFromIso));
    const profileWithDates = fc
      .tuple(profile, dates)
      .map(([fields, [birthDate, issueDate]]) => ({ ...fields, birthDate: birthDate!, issueDate: issueDate! }));
    fc.assert(
      fc.property(profileWithDates, fc.uint8Array({ minLength: 57, maxLength: 57 }), (fields, junk) => {
        expect(decodeProfile(encodeProfile(fields))).toMatchObject(fields);
        try {
          const decoded = decodeProfile(junk);
          expect(checkNationalId(decoded.nationalId).valid).toBe(true);
        } catch (error) {
          expect(isCardError(error)).toBe(true);
        }
      }),
      RUNS,
    );
  });
});
