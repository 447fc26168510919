import { describe, expect, it } from "vitest";
import {
  checkProfileResponse,
  checkSelectResponse,
  describeStatusWord,
  fromHex,
  parseResponse,
  READ_PROFILE,
  SELECT_NHI_APPLICATION,
  toHex,
} from "./apdu.js";
import { CardError } from "./errors.js";

function cardError(fn: () => unknown): CardError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CardError) return error;
    throw error;
  }
  throw new Error("expected a CardError");
}

describe("NHI APDUs", () => {
  it("SELECT is the 21-byte select-by-AID of the NHI application, with no Le", () => {
    expect(toHex(SELECT_NHI_APPLICATION)).toBe("00A4040010D1580000010000000000000000001100");
    expect(SELECT_NHI_APPLICATION.length).toBe(21);
  });

  it("READ PROFILE is 00 CA 11 00 02 00 00", () => {
    expect(toHex(READ_PROFILE)).toBe("00CA11000200" + "00");
  });
});

describe("parseResponse", () => {
  it("splits data and status word", () => {
    const r = parseResponse(fromHex("0102 9000"));
    expect(toHex(r.data)).toBe("0102");
    expect(r.sw).toBe(0x9000);
  });

  it("rejects a response shorter than a status word", () => {
    expect(cardError(() => parseResponse(fromHex("90"))).code).toBe("short-response");
    expect(cardError(() => parseResponse(new Uint8Array(0))).code).toBe("short-response");
  });
});

describe("SELECT answers", () => {
  it("accepts 90 00 and 61 xx", () => {
    expect(() => checkSelectResponse({ data: new Uint8Array(0), sw: 0x9000 })).not.toThrow();
    expect(() => checkSelectResponse({ data: new Uint8Array(0), sw: 0x6110 })).not.toThrow();
  });

  it.each([0x6a82, 0x6a86, 0x6d00, 0x6e00, 0x6986])("%s means another card (wrong-card)", (sw) => {
    const error = cardError(() => checkSelectResponse({ data: new Uint8Array(0), sw }, "R1"));
    expect(error.code).toBe("wrong-card");
    expect(error.reason.zh).toContain("不是健保卡");
    expect(error.reader).toBe("R1");
  });

  it("other failures are a bad status word, named in both languages", () => {
    const error = cardError(() => checkSelectResponse({ data: new Uint8Array(0), sw: 0x6581 }));
    expect(error.code).toBe("bad-status");
    expect(error.reason.zh).toContain("6581");
    expect(error.reason.en).toContain("memory failure");
  });
});

describe("READ PROFILE answers", () => {
  it("returns exactly the 57 profile bytes", () => {
    const data = new Uint8Array(60).fill(0x31);
    expect(checkProfileResponse({ data, sw: 0x9000 }).length).toBe(57);
  });

  it("short data is a short response", () => {
    const error = cardError(() => checkProfileResponse({ data: new Uint8Array(56), sw: 0x9000 }));
    expect(error.code).toBe("short-response");
    expect(error.reason.en).toContain("57 bytes expected, 56 received");
  });

  it("a failing status word is reported with its meaning", () => {
    const error = cardError(() => checkProfileResponse({ data: new Uint8Array(0), sw: 0x6982 }));
    expect(error.code).toBe("bad-status");
    expect(error.reason.en).toContain("security status not satisfied");
  });
});

describe("describeStatusWord", () => {
  it("knows the common ones and the families", () => {
    expect(describeStatusWord(0x9000).en).toBe("success");
    expect(describeStatusWord(0x6a82).zh).toBe("找不到應用程式或檔案");
    expect(describeStatusWord(0x6110).en).toBe("16 more bytes available");
    expect(describeStatusWord(0x63c2).en).toContain("2 tries left");
    expect(describeStatusWord(0x1234).en).toBe("unknown status word");
  });
});

describe("hex helpers", () => {
  it("round-trip and reject junk", () => {
    expect(toHex(fromHex("de:ad be ef"))).toBe("DEADBEEF");
    expect(() => fromHex("abc")).toThrow(RangeError);
    expect(() => fromHex("zz")).toThrow(RangeError);
  });
});
