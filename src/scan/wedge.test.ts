import { describe, expect, it } from "vitest";
import { createWedgeBuffer, readWedgeScans, splitWedgeInput } from "./wedge.js";

describe("keyboard-wedge input", () => {
  it("splits on CR, LF, CR LF and Tab, dropping blanks", () => {
    expect(splitWedgeInput("1BYFWZQ21QQXY3B54X0L\r\n7K3M9PQ2RX4T8VW5YZ6H\rA\tB\n\n  \r\n")).toEqual([
      "1BYFWZQ21QQXY3B54X0L",
      "7K3M9PQ2RX4T8VW5YZ6H",
      "A",
      "B",
    ]);
    expect(splitWedgeInput("")).toEqual([]);
  });

  it("buffers keystrokes until a terminator arrives, even when CR and LF come in separate chunks", () => {
    const buffer = createWedgeBuffer();
    expect(buffer.push("1BYFWZQ21Q")).toEqual([]);
    expect(buffer.pending).toBe("1BYFWZQ21Q");
    expect(buffer.push("QXY3B54X0L\r")).toEqual(["1BYFWZQ21QQXY3B54X0L"]);
    expect(buffer.push("\nNHIVC1:4Q7W")).toEqual([]);
    expect(buffer.push("2K9MZ3X8RT6VB1NC5HJ0PAS2DEFG\t7K3M")).toEqual(["NHIVC1:4Q7W2K9MZ3X8RT6VB1NC5HJ0PAS2DEFG"]);
    expect(buffer.flush()).toBe("7K3M");
    expect(buffer.flush()).toBeUndefined();
  });

  it("says what each scan is", () => {
    const scans = readWedgeScans("OUSE4FA11RP4J370WR4K\rNHIVC1:4Q7W2K9MZ3X8RT6VB1NC5HJ0PAS2DEFG\r4710088412345\r");
    expect(scans.map((s) => s.meaning.kind)).toEqual(["visit-id", "virtual-card", "other"]);
    expect(scans[0]!.meaning).toMatchObject({ visitId: "0USE4FA11RP4J370WR4K", corrections: [{ position: 1 }] });
    expect((scans[2]!.meaning as { reason: { en: string } }).reason.en).toContain("20 characters");
  });
});
