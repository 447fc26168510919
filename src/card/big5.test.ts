import { describe, expect, it } from "vitest";
import { decodeBig5Strict, encodeBig5Strict } from "./big5.js";

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
