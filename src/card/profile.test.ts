import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WANG } from "../../test/support/card-profile.js";
import { nationalIdCheckDigit } from "../domain/national-id.js";
import { fromHex, PROFILE_LENGTH, toHex } from "./apdu.js";
import { CardError } from "./errors.js";
import { decodeProfile, encodeProfile, type ProfileFields, profileToIdentity } from "./profile.js";

function decodeError(bytes: Uint8Array): CardError {
  try {
    decodeProfile(bytes, "R");
  } catch (error) {
    if (error instanceof CardError) return error;
    throw error;
  }
  throw new Error("expected decodeProfile to fail");
}

function withField(fields: Partial<ProfileFields>): Uint8Array {
  return encodeProfile({ ...WANG, ...fields });
}

function patch(bytes: Uint8Array, offset: number, patchHex: string): Uint8Array {
  const out = Uint8Array.from(bytes);
  out.set(fromHex(patchHex), offset);
  return out;
}

describe("profile layout", () => {
  it("encodes the documented byte layout", () => {
    expect(toHex(encodeProfile(WANG))).toBe(
      `${toHex(Buffer.from("000012345678"))}A4FDA470A9FA${"20".repeat(14)}${toHex(Buffer.from("A1234567890790315M1020801"))}`,
    );
    expect(encodeProfile(WANG).length).toBe(PROFILE_LENGTH);
  });

  it("decodes every field", () => {
    expect(decodeProfile(encodeProfile(WANG))).toEqual({
      cardNumber: "000012345678",
      name: "王小明",
      nationalId: "A123456789",
      nationalIdKind: "citizen",
      birthDate: "0790315",
      sex: "M",
      issueDate: "1020801",
      nameUserDefinedChars: 0,
    });
  });

  it("accepts NUL padding and a name filling all 20 bytes", () => {
    expect(decodeProfile(encodeProfile(WANG, { padding: "nul" })).name).toBe("王小明");
    expect(decodeProfile(withField({ name: "瓦歷斯．諾幹．尤幹" })).name).toBe("瓦歷斯．諾幹．尤幹");
  });

  it("ignores bytes after the 57th", () => {
    const long = new Uint8Array(64).fill(0xff);
    long.set(encodeProfile(WANG));
    expect(decodeProfile(long).name).toBe("王小明");
  });

  it("reads resident certificate numbers, new and old", () => {
    const resident = decodeProfile(withField({ name: "NGUYEN THI LAN", nationalId: "F912345678", sex: "F" }));
    expect(resident).toMatchObject({ name: "NGUYEN THI LAN", nationalIdKind: "resident" });
    expect(decodeProfile(withField({ nationalId: "AC12345679" })).nationalIdKind).toBe("resident-old");
  });

  it("flags user-defined characters in the name", () => {
    expect(decodeProfile(withField({ name: "林\ue0a3" })).nameUserDefinedChars).toBe(1);
  });

  it("maps to the service's CardIdentity", () => {
    expect(profileToIdentity(decodeProfile(encodeProfile(WANG)))).toEqual({
      source: "ic-card",
      nationalId: "A123456789",
      name: "王小明",
      birthDate: "0790315",
      sex: "M",
      cardNumber: "000012345678",
    });
  });

  it("round-trips any valid citizen", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("A", "F", "H", "Z"),
        fc.constantFrom("1", "2"),
        fc.stringMatching(/^\d{7}$/),
        fc.stringMatching(/^\d{12}$/),
        fc.array(fc.constantFrom("王", "小", "明", "淼", "碁", "A", " ", "．"), { minLength: 1, maxLength: 6 }),
        (letter, sexDigit, digits, cardNumber, chars) => {
          const first9 = `${letter}${sexDigit}${digits}`;
          const name = chars.join("").trim() || "王";
          const fields = {
            ...WANG,
            cardNumber,
            name,
            nationalId: `${first9}${nationalIdCheckDigit(first9)}`,
            sex: sexDigit === "1" ? "M" : "F",
          };
          const decoded = decodeProfile(encodeProfile(fields));
          expect(decoded).toMatchObject({ cardNumber, name, nationalId: fields.nationalId, sex: fields.sex });
        },
      ),
    );
  });
});

describe("garbage in the profile", () => {
  it("short data", () => {
    expect(decodeError(encodeProfile(WANG).subarray(0, 40)).code).toBe("short-response");
  });

  it.each([
    ["card number with letters", withField({ cardNumber: "00001234567X" }), "card number"],
    ["card number with a NUL", patch(encodeProfile(WANG), 3, "00"), "card number"],
    ["invalid Big5 in the name", patch(encodeProfile(WANG), 12, "80FF"), "name is not valid Big5"],
    ["a half character at the end of the name", patch(encodeProfile(WANG), 18, "A4"), "name is not valid Big5"],
    ["a control character inside the name", patch(encodeProfile(WANG), 14, "09"), "name is not valid Big5"],
    ["an empty name", patch(encodeProfile(WANG), 12, "20".repeat(20)), "name is empty"],
    ["a national ID failing its checksum", withField({ nationalId: "A123456780" }), "national ID"],
    ["a lower-case national ID", withField({ nationalId: "a123456789" }), "national ID"],
    ["a national ID of spaces", withField({ nationalId: "          " }), "national ID"],
    ["a birth date of 29 Feb in a common year", withField({ birthDate: "0880229" }), "birth date"],
    ["a birth date with letters", withField({ birthDate: "07903AB" }), "birth date"],
    ["sex 1 instead of M", withField({ sex: "1" }), "sex"],
    ["an issue date in month 13", withField({ issueDate: "1021301" }), "issue date"],
    ["an issue date before birth", withField({ issueDate: "0780101" }), "before the birth date"],
  ])("%s", (_, bytes, fieldText) => {
    const error = decodeError(bytes);
    expect(error.code).toBe("garbage");
    expect(error.reason.en).toContain(fieldText);
    expect(error.reason.zh).toMatch(/健保卡資料無法辨識/);
    expect(error.reader).toBe("R");
  });
});

describe("encodeProfile guards", () => {
  it("refuses a name longer than 20 bytes or outside Big5, and wrong-length fields", () => {
    expect(() => withField({ name: "一二三四五六七八九十百" })).toThrow(/at most 20/);
    expect(() => withField({ name: "堃" })).toThrow(/Big5/);
    expect(() => withField({ cardNumber: "123" })).toThrow(/card number/);
  });
});
