import { describe, expect, it } from "vitest";
import { describeLocation } from "./geometry.js";
import { interpretCodes, type RawCode } from "./interpret.js";

const A = "1BYFWZQ21QQXY3B54X0L";
const B = "7K3M9PQ2RX4T8VW5YZ6H";
const TOKEN = "NHIVC1:4Q7W2K9MZ3X8RT6VB1NC5HJ0PAS2DEFG";
const image = { width: 1000, height: 1400 };

function at(format: string, text: string, x: number, y: number, w: number, h: number): RawCode {
  return {
    format,
    text,
    corners: {
      topLeft: { x, y },
      topRight: { x: x + w, y },
      bottomRight: { x: x + w, y: y + h },
      bottomLeft: { x, y: y + h },
    },
  };
}
const linear = (text: string, y = 200) => at("Code128", text, 50, y, 510, 70);
const qr = (text: string, y = 200) => at("QRCode", text, 790, y - 10, 105, 105);

describe("interpretCodes", () => {
  it("one prescription, 1D and QR agree", () => {
    const r = interpretCodes([linear(A), qr(A)], { image });
    expect(r.visitId).toBe(A);
    expect(r.prescriptions).toHaveLength(1);
    expect(r.prescriptions[0]!.sources.map((s) => s.form)).toEqual(["1d", "qr"]);
    expect(r.usable).toBe(true);
    expect(r.problems).toEqual([]);
  });

  it("1D ≠ QR side by side is a conflict, not two prescriptions and not a choice", () => {
    const r = interpretCodes([linear(A), qr(B)], { image });
    expect(r.visitId).toBeUndefined();
    expect(r.usable).toBe(false);
    expect(r.prescriptions).toHaveLength(1);
    expect(r.prescriptions[0]!.conflict!.values).toEqual([
      { visitId: A, forms: ["Code128"] },
      { visitId: B, forms: ["QRCode"] },
    ]);
    expect(r.problems[0]!.code).toBe("conflict");
  });

  it("two complete prescriptions on one sheet stay apart, in reading order", () => {
    const r = interpretCodes([qr(B, 900), linear(A), linear(B, 900), qr(A)], { image });
    expect(r.prescriptions.map((p) => p.visitId)).toEqual([A, B]);
    expect(r.visitId).toBeUndefined();
    expect(r.usable).toBe(true);
    expect(r.problems.map((p) => p.code)).toEqual(["several-prescriptions"]);
  });

  it("a lone 1D and a lone QR far apart are two prescriptions, not a conflict", () => {
    const r = interpretCodes([linear(A, 100), qr(B, 1250)], { image });
    expect(r.prescriptions.map((p) => p.visitId)).toEqual([A, B]);
  });

  it("typed text is a third form: agreeing joins, disagreeing is a conflict", () => {
    expect(interpretCodes([linear(A)], { typedText: A.toLowerCase() }).visitId).toBe(A);
    const r = interpretCodes([linear(A), qr(A)], { typedText: B });
    expect(r.prescriptions[0]!.conflict!.values).toContainEqual({ visitId: B, forms: ["text"] });
    expect(r.usable).toBe(false);
  });

  it("typed text alone (no code in the image) still gives a prescription", () => {
    const r = interpretCodes([], { typedText: `${A}\r\n` });
    expect(r.visitId).toBe(A);
  });

  it("typed text that matches none of several prescriptions is reported", () => {
    const r = interpretCodes([linear(A), qr(A), linear(B, 900), qr(B, 900)], { typedText: "OUSE4FA11RP4J370WR4K" });
    expect(r.problems.some((p) => p.code === "conflict" && p.message.en.includes("matches none"))).toBe(true);
  });

  it("I→1 / O→0 corrections are reported", () => {
    const r = interpretCodes([qr("OUSE4FA11RP4J370WR4K")]);
    expect(r.visitId).toBe("0USE4FA11RP4J370WR4K");
    expect(r.prescriptions[0]!.sources[0]!.corrections).toEqual([{ position: 1, from: "O", to: "0" }]);
    expect(r.problems.map((p) => p.code)).toEqual(["corrected"]);
  });

  it("virtual-card QR is recognized and kept apart from visit IDs", () => {
    const r = interpretCodes([at("QRCode", TOKEN, 60, 270, 270, 270)], { image: { width: 390, height: 844 } });
    expect(r.virtualCardToken).toBe(TOKEN);
    expect(r.virtualCards[0]!.format).toBe("QRCode");
    expect(r.prescriptions).toEqual([]);
    expect(r.usable).toBe(true);
  });

  it("codes that are not visit IDs: each explained, and a not-visit-id problem", () => {
    const r = interpretCodes([linear("4710088412345"), qr("SM000000000000000000")]);
    expect(r.usable).toBe(false);
    expect(r.codes.map((c) => c.meaning.kind)).toEqual(["other", "other"]);
    const sm00 = r.codes[1]!.meaning as { reason: { en: string } };
    expect(sm00.reason.en).toContain("special upload value");
    expect(r.problems[0]!.code).toBe("not-visit-id");
    expect(r.problems[0]!.message.zh).toContain("4710088412345");
  });

  it("nothing at all: no-code", () => {
    const r = interpretCodes([]);
    expect(r.problems.map((p) => p.code)).toEqual(["no-code"]);
    expect(r.usable).toBe(false);
  });

  it("describes where on the page a box sits", () => {
    expect(describeLocation({ x: 0, y: 0, width: 10, height: 10 }, { width: 90, height: 90 })).toEqual({
      zh: "頁面左上（x=0, y=0）",
      en: "top left of the page (x=0, y=0)",
    });
    expect(describeLocation({ x: 40, y: 40, width: 10, height: 10 }, { width: 90, height: 90 }).en).toMatch(/^centre/);
    expect(describeLocation({ x: 80, y: 80, width: 10, height: 10 }, { width: 90, height: 90 }).zh).toMatch(
      /^頁面右下/,
    );
  });
});
