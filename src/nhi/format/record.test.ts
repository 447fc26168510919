import { describe, expect, it } from "vitest";
import { chronicRefillRecord, pharmacyAfRecord } from "../../../fixtures/xml/records.js";
import {
  filled,
  isChronicRecord,
  isH01,
  isMb1Field,
  isMb2Field,
  MB1_FIELDS,
  MB2_FIELDS,
  recordValue,
  uploadRecordProblems,
} from "./record.js";

describe("UploadRecord helpers", () => {
  it("field lists and guards", () => {
    expect(MB1_FIELDS).toHaveLength(56);
    expect(MB1_FIELDS[0]).toBe("M01");
    expect(MB1_FIELDS.at(-1)).toBe("M56");
    expect(MB2_FIELDS).toEqual([...Array(15)].map((_, i) => `D${String(i + 1).padStart(2, "0")}`));
    expect([isMb1Field("M56"), isMb1Field("M57"), isMb1Field("M00"), isMb2Field("D15"), isMb2Field("D16")]).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
    expect([isH01("E"), isH01("F"), isH01("")]).toEqual([true, false, false]);
    expect([filled(""), filled(undefined), filled(" ")]).toEqual([false, false, true]);
  });

  it("recordValue reads MSH and MB1 fields", () => {
    const r = pharmacyAfRecord();
    expect([recordValue(r, "H00"), recordValue(r, "H01"), recordValue(r, "M07"), recordValue(r, "D01")]).toEqual([
      "1",
      "A",
      "AF",
      undefined,
    ]);
  });

  it("a chronic record has an order of kind C or a refill count", () => {
    expect(isChronicRecord(chronicRefillRecord())).toBe(true);
    expect(isChronicRecord(pharmacyAfRecord())).toBe(false);
    const r = pharmacyAfRecord();
    r.mb1.M26 = "3";
    expect(isChronicRecord(r)).toBe(true);
  });

  it("uploadRecordProblems accepts records and names every shape problem", () => {
    expect(uploadRecordProblems(pharmacyAfRecord())).toEqual([]);
    expect(uploadRecordProblems(null)).toEqual(["record: not an object"]);
    expect(
      uploadRecordProblems({
        h00: 1,
        h01: "A",
        mb1: { M01: "x", M99: "y", M02: 3 },
        mb2: [{ D01: "x", Q: "z" }, 5],
        extra: 1,
      }),
    ).toEqual([
      "record.extra: unknown property",
      "record.h00: string expected",
      "record.mb1.M99: not an MB1 field (M01–M56)",
      "record.mb1.M02: string expected",
      "record.mb2[0].Q: not an MB2 field (D01–D15)",
      "record.mb2[1]: object expected",
    ]);
  });
});
