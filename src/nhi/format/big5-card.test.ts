import { describe, expect, it } from "vitest";
import { pharmacyAfRecord } from "../../../fixtures/xml/records.js";
import { decodeProfile, encodeProfile, profileToIdentity } from "../../card/profile.js";
import { decodeBig5Strict, describeCharacter, displayUserDefined, encodeBig5Strict, isBig5Char } from "./big5.js";
import { validateRecord } from "./validate.js";
import { Big5EncodingError, buildUploadXml } from "./xml.js";

const hex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));

describe("Big5 for card names", () => {
  it("decodes common, level-2 and ETEN-extension characters", () => {
    expect(decodeBig5Strict(hex("a4fda470a9fa"))).toEqual({ ok: true, text: "王小明", userDefined: 0 });
    expect(decodeBig5Strict(hex("b6c0d9e7f9d6"))).toEqual({ ok: true, text: "黃淼碁", userDefined: 0 });
  });

  it("maps user-defined characters (造字) to the Private Use Area like cp950, and back", () => {
    const decoded = decodeBig5Strict(hex("aa4cfb46"));
    expect(decoded).toEqual({ ok: true, text: "林\ue0a3", userDefined: 1 });
    expect(Buffer.from(encodeBig5Strict("林\ue0a3")).toString("hex")).toBe("aa4cfb46");
    expect(decodeBig5Strict(hex("fa40")).ok && decodeBig5Strict(hex("fa40"))).toMatchObject({ text: "\ue000" });
    expect(decodeBig5Strict(hex("8e40"))).toMatchObject({ text: "\ue311" });
    expect(decodeBig5Strict(hex("8140"))).toMatchObject({ text: "\ueeb8" });
    expect(decodeBig5Strict(hex("fefe"))).toMatchObject({ text: "\ue310" });
  });

  it("rejects bytes that are no character", () => {
    expect(decodeBig5Strict(hex("a4"))).toEqual({ ok: false, offset: 0, bytes: "A4" });
    expect(decodeBig5Strict(hex("4180ff"))).toMatchObject({ ok: false, offset: 1 });
    expect(decodeBig5Strict(hex("a430"))).toMatchObject({ ok: false, offset: 0 });
    expect(decodeBig5Strict(hex("41004142"))).toMatchObject({ ok: false, offset: 1 });
  });

  it("refuses to encode what Big5 cannot hold", () => {
    expect(() => encodeBig5Strict("堃")).toThrow(/not a Big5 character/);
    expect(() => encodeBig5Strict("😀")).toThrow(/not a Big5 character/);
    expect(() => encodeBig5Strict("a\tb")).toThrow(/control character/);
  });
});

describe("one policy for user-defined characters (造字): kept and shown on the card side, refused on upload", () => {
  const profile = decodeProfile(
    encodeProfile({
      cardNumber: "000012345678",
      name: "林\ue0a3",
      nationalId: "A123456789",
      birthDate: "0790101",
      sex: "M",
      issueDate: "1100101",
    }),
  );

  it("a card name with a user-defined character: kept, counted, and shown to the pharmacist as □", () => {
    expect(profile.name).toBe("林\ue0a3");
    expect(profile.nameUserDefinedChars).toBe(1);
    expect(profileToIdentity(profile).name).toBe("林□");
    expect(displayUserDefined("王小明")).toBe("王小明");
    expect(isBig5Char("□")).toBe(true);
  });

  it("the same character in an upload is refused with Y014, named as 造字, never written as something else", () => {
    expect(isBig5Char("\ue0a3")).toBe(false);
    expect(describeCharacter("\ue0a3")).toBe("U+E0A3 (造字 user-defined)");
    const record = pharmacyAfRecord();
    record.mb2[0]!.D15 = `病人${profile.name}`;
    const findings = validateRecord(record, 1);
    expect(findings.map((f) => `${f.field}:${f.code}`)).toEqual(["D15[1]:Y014"]);
    expect(findings[0]!.message.zh).toContain("造字");
    expect(() => buildUploadXml([record])).toThrow(Big5EncodingError);
    try {
      buildUploadXml([record]);
    } catch (error) {
      expect((error as Big5EncodingError).userMessage.zh).toContain("U+E0A3 (造字 user-defined)");
      expect((error as Big5EncodingError).userMessage.en).toContain("Y014");
    }
  });
});
