import { describe, expect, it } from "vitest";
import { ABNORMAL_CODES } from "../domain/sequence-number.js";
import { describeNhiCode, isKnownNhiCode, NHI_ERROR_CODES } from "./error-codes.js";

// Every error code domain.md names (§3, §4, §7 and the table).
const DOMAIN_CODES = [
  "AA",
  "AB",
  "AC",
  "AF",
  "AG",
  "AD02",
  "AD14",
  "AD23",
  "C001",
  "D001",
  "D002",
  "D003",
  "D004",
  "D005",
  "D007",
  "D008",
  "D014",
  "D016",
  "D019",
  "D022",
  "D023",
  "D024",
  "D025",
  "D028",
  "D034",
  "D035",
  "D038",
  "D049",
  "D051",
  "D053",
  "D054",
  "D058",
  "D059",
  "D064",
  "D065",
  "D068",
  "D069",
  "D070",
  "D071",
  "D072",
  "D073",
  "D074",
  "Y000",
  "Y006",
  "Y007",
  "Y012",
  "Y014",
  "Y015",
];

describe("describeNhiCode", () => {
  it.each(DOMAIN_CODES)("%s is known, with zh-TW and English meaning and advice", (code) => {
    const d = describeNhiCode(code);
    expect(d.known).toBe(true);
    expect(d.source).toBe("nhi");
    for (const text of [d.message.zh, d.message.en, d.advice.zh, d.advice.en]) expect(text.length).toBeGreaterThan(3);
    expect(d.message.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(d.message.en).toMatch(/^[\x20-\x7e–≤]+$/);
  });

  it("unknown codes are described as unknown, never dropped", () => {
    const d = describeNhiCode(" z999 ");
    expect(d).toMatchObject({ code: "Z999", known: false });
    expect(d.message.en).toContain("Z999");
    expect(isKnownNhiCode("Z999")).toBe(false);
  });

  it("C001, D001 and E001 mean the error here, not the abnormal sequence code", () => {
    expect(describeNhiCode("C001").message.en).toBe("duplicate key");
    expect(describeNhiCode("D001").message.en).toContain("nothing to delete");
    expect(describeNhiCode("C001").message.zh).not.toBe(ABNORMAL_CODES.get("C001")!.meaning.zh);
    expect(describeNhiCode("E001").known).toBe(false);
  });

  it("the local XML code is marked as rxdesk's own", () => {
    expect(describeNhiCode("XML").source).toBe("rxdesk");
    expect(NHI_ERROR_CODES).toContain("Y015");
  });

  it("is case- and space-insensitive", () => {
    expect(describeNhiCode("ad14").code).toBe("AD14");
    expect(isKnownNhiCode(" y014")).toBe(true);
  });
});
