import { describe, expect, it } from "vitest";
import { abnormalRecord, chronicRefillRecord, pharmacyAfRecord } from "../../../fixtures/xml/records.js";
import type { UploadRecord } from "./record.js";
import { type Finding, validateDocument, validateRecord } from "./validate.js";
import { buildUploadXml } from "./xml.js";

const codes = (findings: Finding[]) => findings.map((f) => `${f.field ?? ""}:${f.code}`).sort();
const check = (record: UploadRecord, options = {}) => codes(validateRecord(record, 1, options));

function edit(base: () => UploadRecord, change: (r: UploadRecord) => void): UploadRecord {
  const r = base();
  change(r);
  return r;
}

describe("validateRecord — valid records", () => {
  it("passes the pharmacy AF, chronic refill and abnormal A000 fixtures", () => {
    expect(check(pharmacyAfRecord(), { pharmacy: true })).toEqual([]);
    expect(check(chronicRefillRecord(), { pharmacy: true })).toEqual([]);
    expect(check(abnormalRecord(), { pharmacy: true })).toEqual([]);
  });

  it("accepts J000 as the prescriber's sequence number (M18) and a virtual-card number in M13 of H01=A non-AF", () => {
    expect(check(edit(chronicRefillRecord, (r) => (r.mb1.M18 = "J000")))).toEqual([]);
  });

  it("numbers findings with the record number given", () => {
    const f = validateRecord(
      edit(pharmacyAfRecord, (r) => delete r.mb1.M15),
      7,
    );
    expect(f.map((x) => x.recordNo)).toEqual([7]);
    expect(f[0]!.message.zh).toContain("M15 就醫識別碼");
    expect(f[0]!.message.en).toContain("required field is missing");
  });
});

describe("AA required", () => {
  it.each(["M03", "M04", "M05", "M06", "M07", "M11", "M12", "M15", "M16", "M17", "M18", "M19", "M20"])(
    "%s missing on an AF record",
    (field) => {
      const r = edit(pharmacyAfRecord, (x) => delete x.mb1[field as "M03"]);
      expect(check(r)).toContain(`${field}:AA`);
    },
  );

  it("an empty string counts as missing", () => {
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb1.M15 = "")))).toEqual(["M15:AA"]);
  });

  it("H00 and H01 are required", () => {
    expect(check(edit(pharmacyAfRecord, (r) => (r.h00 = "")))).toEqual(["H00:AA"]);
  });

  it("M01/M02/M14 are required with H01=A but not on abnormal uploads", () => {
    expect(check(edit(pharmacyAfRecord, (r) => delete r.mb1.M14))).toEqual(["M14:AA"]);
    expect(check(edit(pharmacyAfRecord, (r) => delete r.mb1.M01))).toEqual(["M01:AA"]);
    expect(check(abnormalRecord())).toEqual([]);
  });

  it("chronic refills need M21, M26 and M33", () => {
    for (const field of ["M21", "M26", "M33"] as const) {
      const r = edit(chronicRefillRecord, (x) => delete x.mb1[field]);
      expect(check(r)).toContain(`${field}:AA`);
    }
  });

  it("order lines of an AF record need D01, D02, D03, D04, D05, D06, D09, D10 (with the 1-based line index)", () => {
    const r = edit(pharmacyAfRecord, (x) => {
      delete x.mb2[1]!.D06;
      delete x.mb2[1]!.D09;
    });
    expect(check(r)).toEqual(["D06[2]:AA", "D09[2]:AA"]);
  });

  it("M13 is required for H01=A outside pharmacies", () => {
    const r = edit(pharmacyAfRecord, (x) => {
      x.mb1.M07 = "01";
      delete x.mb1.M16;
    });
    expect(check(r)).toContain("M13:AA");
  });

  it("card supplement (M12=2) needs M49 and M52", () => {
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb1.M12 = "2")))).toEqual(["M49:AA", "M52:AA"]);
    const ok = edit(pharmacyAfRecord, (r) => {
      r.mb1.M12 = "2";
      r.mb1.M49 = "1130318090000";
      r.mb1.M52 = "3MXT7KQ2VN9B4ZC8PDWA";
    });
    expect(check(ok)).toEqual([]);
  });

  it("delete (H01=D) needs only the keys", () => {
    const r: UploadRecord = {
      h00: "1",
      h01: "D",
      mb1: { M03: "A123456789", M05: "5901010017", M07: "AF", M11: "1130321100512", M15: "0USE4FA11RP4J370WR4K" },
      mb2: [],
    };
    expect(check(r)).toEqual([]);
  });
});

describe("AB wrong type or value", () => {
  it.each([
    ["M20", "7a"],
    ["M04", "0791301"],
    ["M11", "1130230100000"],
    ["M11", "1130321250000"],
    ["M12", "9"],
    ["M03", "A123456788"],
    ["M06", "a123456789"],
    ["M05", "59010100AB"],
    ["M15", "0USE4FA11RP4J370WR4I"],
    ["M15", "0use4fa11rp4j370wr4k"],
    ["M18", "X000"],
    ["M20", "99"],
  ])("%s = %s", (field, value) => {
    const r = edit(pharmacyAfRecord, (x) => (x.mb1[field as "M20"] = value));
    expect(check(r)).toContain(`${field}:AB`);
  });

  it("H01 outside A–E and H00 other than 1", () => {
    expect(check(edit(pharmacyAfRecord, (r) => (r.h01 = "F" as "A")))).toContain("H01:AB");
    expect(check(edit(pharmacyAfRecord, (r) => (r.h00 = "2")))).toContain("H00:AB");
  });

  it("closed code lists (D04) reject unknown values; open lists (M07) accept well-formed unknown codes", () => {
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb2[0]!.D04 = "G")))).toEqual(["D04[1]:AB"]);
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb2[0]!.D09 = "0")))).toEqual(["D09[1]:AB"]);
    const other = edit(abnormalRecord, (r) => (r.mb1.M07 = "ZZ"));
    expect(check(other)).not.toContain("M07:AB");
    expect(check(edit(abnormalRecord, (r) => (r.mb1.M07 = "a!")))).toContain("M07:AB");
  });

  it("control characters in any value", () => {
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb2[0]!.D15 = "a\tb")))).toEqual(["D15[1]:AB"]);
  });
});

describe("AC wrong length", () => {
  it("fixed lengths", () => {
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb1.M15 = "0USE4FA11RP4J370WR4")))).toEqual(["M15:AC"]);
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb1.M17 = "11011100260")))).toEqual(["M17:AC"]);
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb1.M11 = "11303211005")))).toEqual(["M11:AC"]);
  });

  it("maximum lengths count Big5 bytes (a Chinese character is two)", () => {
    const twenty = "藥".repeat(20);
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb2[0]!.D15 = twenty)))).toEqual([]);
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb2[0]!.D15 = `${twenty}a`)))).toEqual(["D15[1]:AC"]);
  });

  it("reports one code per field: length before type", () => {
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb1.M11 = "abc")))).toEqual(["M11:AC"]);
  });
});

describe("AF must be empty and the AD codes", () => {
  it("AD14: a pharmacy record with H01=A leaves M13 empty", () => {
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb1.M13 = "0003")))).toEqual(["M13:AD14"]);
  });

  it("AD02: H01=B needs an abnormal code in M13", () => {
    expect(check(edit(abnormalRecord, (r) => (r.mb1.M13 = "0012")))).toEqual(["M13:AD02"]);
    expect(check(edit(abnormalRecord, (r) => delete r.mb1.M13))).toEqual(["M13:AA"]);
    for (const code of ["C000", "D010", "E000", "G000", "Z000"]) {
      expect(check(edit(abnormalRecord, (r) => (r.mb1.M13 = code)))).toEqual([]);
    }
  });

  it("AD23: a pharmacy must use M07=AF (only when the uploader is a pharmacy)", () => {
    const r = edit(chronicRefillRecord, (x) => {
      x.mb1.M07 = "AE";
      x.mb1.M13 = "0005";
    });
    expect(check(r, { pharmacy: true })).toEqual(["M07:AD23"]);
    expect(check(r)).toEqual([]);
  });

  it("AF: M49/M52 must be empty on a normal visit (M12=1)", () => {
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb1.M49 = "1130318090000")))).toEqual(["M49:AF"]);
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb1.M52 = "3MXT7KQ2VN9B4ZC8PDWA")))).toEqual(["M52:AF"]);
  });
});

describe("record-level rules", () => {
  it("Y012: AF/AE need at least one MB2", () => {
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb2 = [])))).toEqual(["MB2:Y012"]);
    expect(
      check(
        edit(chronicRefillRecord, (r) => {
          r.mb1.M07 = "AE";
          r.mb1.M13 = "0005";
          r.mb2 = [];
        }),
      ),
    ).toEqual(["MB2:Y012"]);
  });

  it("AG: at most 500 order lines", () => {
    const r = pharmacyAfRecord();
    r.mb2 = Array.from({ length: 501 }, (_, i) => ({ ...r.mb2[0]!, D03: String(i + 1).padStart(3, "0") }));
    expect(check(r)).toEqual(["MB2:AG"]);
  });

  it("D053: dispensing records may not use H01=C or E", () => {
    expect(check(edit(chronicRefillRecord, (r) => (r.h01 = "C")))).toEqual(["H01:D053"]);
    expect(check(edit(chronicRefillRecord, (r) => (r.h01 = "E")))).toEqual(["H01:D053"]);
  });

  it("D014: refill count 2–4; D019: refill number ≤ count", () => {
    expect(check(edit(chronicRefillRecord, (r) => (r.mb1.M26 = "5")))).toEqual(["M26:D014"]);
    const one = edit(chronicRefillRecord, (r) => {
      r.mb1.M26 = "1";
      r.mb1.M33 = "1";
    });
    expect(check(one)).toEqual(["M26:D014"]);
    expect(check(edit(chronicRefillRecord, (r) => (r.mb1.M33 = "4")))).toEqual(["M33:D019"]);
  });

  it("D008: chronic total days a multiple of the days supplied", () => {
    expect(check(edit(chronicRefillRecord, (r) => (r.mb1.M21 = "80")))).toEqual(["M21:D008"]);
  });

  it("D007: the prescriber's visit (M19) is before ours (M11)", () => {
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb1.M19 = "1130321100512")))).toEqual(["M19:D007"]);
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb1.M19 = "1130322080000")))).toEqual(["M19:D007"]);
  });

  it("D054 / D002: MISS only in M52 with M12=4", () => {
    const miss = "MISS0000000000000000";
    expect(
      check(
        edit(pharmacyAfRecord, (r) => {
          r.mb1.M12 = "4";
          r.mb1.M49 = "1130318090000";
          r.mb1.M52 = "3MXT7KQ2VN9B4ZC8PDWA";
        }),
      ),
    ).toEqual(["M52:D054"]);
    expect(
      check(
        edit(pharmacyAfRecord, (r) => {
          r.mb1.M12 = "4";
          r.mb1.M49 = "1130318090000";
          r.mb1.M52 = miss;
        }),
      ),
    ).toEqual([]);
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb1.M16 = miss)))).toEqual(["M16:D002"]);
  });

  it("D068: SM00 as our own ID only for visits before our switch (seed 002 說明三(三)1); the prescriber's before 113/09/01", () => {
    const sm00 = "SM000000000000000000";
    const ownSm00 = edit(pharmacyAfRecord, (r) => (r.mb1.M15 = sm00));
    expect(pharmacyAfRecord().mb1.M11! < "1130901000000").toBe(true);
    expect(check(ownSm00)).toEqual([]);
    expect(validateRecord(ownSm00, 1, { format2Since: "1130301" })).toMatchObject([{ field: "M15", code: "D068" }]);
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb1.M16 = sm00)))).toEqual([]);
    const late = edit(pharmacyAfRecord, (r) => {
      r.mb1.M16 = sm00;
      r.mb1.M19 = "1130902101010";
      r.mb1.M11 = "1130903101010";
      for (const line of r.mb2) line.D01 = "1130903101010";
    });
    expect(check(late)).toEqual(["M16:D068"]);
  });

  it("D028: order numbers unique; D064: prescription kind needs its count", () => {
    expect(check(edit(pharmacyAfRecord, (r) => (r.mb2[1]!.D03 = "001")))).toEqual(["D03[2]:D028"]);
    expect(check(edit(pharmacyAfRecord, (r) => delete r.mb1.M24))).toEqual(["D04[1]:D064", "D04[2]:D064"]);
    expect(check(edit(chronicRefillRecord, (r) => (r.mb2[0]!.D04 = "B")))).toEqual(["D04[1]:D064"]);
  });

  it("Y014: a character outside Big5 names field and character", () => {
    for (const ch of ["😀", "\ue000", "㗎", "峯"]) {
      const f = validateRecord(
        edit(pharmacyAfRecord, (r) => (r.mb2[0]!.D15 = `飯後${ch}`)),
        1,
      );
      expect(f.map((x) => `${x.field}:${x.code}`)).toEqual(["D15[1]:Y014"]);
      expect(f[0]!.message.en).toContain(`U+${ch.codePointAt(0)!.toString(16).toUpperCase()}`);
    }
  });
});

describe("validateDocument", () => {
  it("combines structural and field findings without duplicates", () => {
    const bytes = buildUploadXml([pharmacyAfRecord(), edit(pharmacyAfRecord, (r) => (r.mb1.M13 = "0003"))]);
    const { records, findings } = validateDocument(bytes, { pharmacy: true });
    expect(records).toHaveLength(2);
    expect(findings.map((f) => `${f.recordNo}:${f.field}:${f.code}`)).toEqual(["2:M13:AD14"]);
  });
});
