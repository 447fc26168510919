import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ABNORMAL_CODES } from "../domain/sequence-number.js";
import {
  describeNhiCode,
  isKnownNhiCode,
  isRejectionCode,
  NHI_CODE_SEVERITIES,
  NHI_ERROR_CODES,
  nhiCodeSeverity,
} from "./error-codes.js";

// NHI's public check table as the project received it (code → official meaning); the dictionary must cover it.
const reference = JSON.parse(
  readFileSync(new URL("../../fixtures/reference/nhi-check-codes.json", import.meta.url), "utf8"),
) as { codes: Record<string, string> };

describe("the code dictionary covers NHI's public check table", () => {
  const codes = Object.entries(reference.codes);

  it("has every one of the reference's codes", () => {
    expect(codes.length).toBe(218);
    expect(codes.map(([code]) => code).filter((code) => !isKnownNhiCode(code))).toEqual([]);
  });

  it.each(codes)("%s: the official meaning verbatim, English, a severity and advice", (code, official) => {
    const d = describeNhiCode(code);
    expect(d).toMatchObject({ code, known: true, source: "nhi" });
    expect(d.message.zh).toBe(official);
    expect(d.message.en).toMatch(/^[\x20-\x7e–→§]{8,}$/);
    expect(NHI_CODE_SEVERITIES).toContain(d.severity);
    expect(d.advice.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(d.advice.en.length).toBeGreaterThan(8);
  });

  it("codes the official text says are still accepted are warnings or notices, not rejections", () => {
    const accepted = codes.filter(([, text]) => /(如無合併其他錯誤|如無合併其它錯誤)，?本筆.*仍會收載/.test(text));
    // BB03–BB08 were accepted only before 112/09/01 and are rejections since.
    const stillAccepted = accepted.filter(([, text]) => !text.includes("112/09/01日起檢核錯誤"));
    expect(stillAccepted.map(([c]) => c).sort()).toEqual(["AD34", "AD47", "D024", "D049", "D050", "D051"]);
    for (const [code] of stillAccepted) expect(isRejectionCode(code)).toBe(false);
    for (const code of ["BB03", "BB08", "AA", "D025", "Y014"]) expect(nhiCodeSeverity(code)).toBe("rejected");
    expect(nhiCodeSeverity("AD34")).toBe("information");
    expect(nhiCodeSeverity("D024")).toBe("warning");
  });
});

describe("corrected meanings", () => {
  it("D058 is NHI's own decoding problem for letters in positions 7–9, not an invalid institution code", () => {
    const d = describeNhiCode("D058");
    expect(d.message.en).toContain("positions 7–9");
    expect(d.message.en).not.toMatch(/invalid institution code/);
    expect(d.severity).toBe("information");
    expect(d.advice.en).toMatch(/nothing to change/);
  });

  it("D049 is a prescriber elsewhere, D051 is us; both dual-track warnings", () => {
    expect(describeNhiCode("D049").message.en).toMatch(/another institution/);
    expect(describeNhiCode("D051").message.en).toMatch(/this institution/);
    expect(describeNhiCode("D049").severity).toBe("warning");
    expect(describeNhiCode("D051").severity).toBe("warning");
  });

  it("the codes a pharmacy meets that the old table lacked are described", () => {
    for (const code of ["10", "13", "14", "AA04", "AD34", "AD49", "AD54", "D027", "D036", "D040", "D041", "D044"]) {
      expect(describeNhiCode(code).known).toBe(true);
    }
    for (const code of ["D045", "D046", "D047", "D056", "D062", "D063", "Y008"])
      expect(isKnownNhiCode(code)).toBe(true);
  });
});

describe("describeNhiCode", () => {
  it("unknown codes are described as unknown rejections, never dropped", () => {
    const d = describeNhiCode(" z999 ");
    expect(d).toMatchObject({ code: "Z999", known: false, severity: "rejected" });
    expect(d.message.en).toContain("Z999");
    expect(isKnownNhiCode("Z999")).toBe(false);
    expect(isRejectionCode("Z999")).toBe(true);
  });

  it("C001, D001 and E001 mean the check error here, not the abnormal sequence code", () => {
    expect(describeNhiCode("C001").message.zh).toBe("資料重複：鍵值資料已存在");
    expect(describeNhiCode("D001").message.en).toMatch(/nothing|no such/);
    expect(describeNhiCode("C001").message.zh).not.toBe(ABNORMAL_CODES.get("C001")!.meaning.zh);
    expect(describeNhiCode("E001").message.en).toContain("E02");
  });

  it("rxdesk's own codes are marked as such", () => {
    expect(describeNhiCode("XML").source).toBe("rxdesk");
    expect(describeNhiCode("J000").source).toBe("rxdesk");
    expect(NHI_ERROR_CODES).toContain("Y015");
  });

  it("is case- and space-insensitive", () => {
    expect(describeNhiCode("ad14").code).toBe("AD14");
    expect(isKnownNhiCode(" y014")).toBe(true);
  });
});
