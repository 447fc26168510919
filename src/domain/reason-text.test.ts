import { describe, expect, it } from "vitest";
import { REASON_TEXT, reason } from "./reason-text.js";
import { REASON_CODES, REASON_KINDS } from "./reasons.js";

describe("reason catalogue", () => {
  it("has words for every code and no words without a code", () => {
    expect(Object.keys(REASON_TEXT).sort()).toEqual([...REASON_CODES].sort());
    expect(Object.keys(REASON_KINDS).sort()).toEqual([...REASON_CODES].sort());
  });

  it("builds a reason from a code, its facts and the NHI code", () => {
    expect(reason("cancelled", "block", { refillNo: 2 }, "D023")).toEqual({
      code: "cancelled",
      severity: "block",
      nhiCode: "D023",
      message: {
        zh: "第2次已由原處方院所註銷（C），未取消註銷前不可調劑",
        en: "Refill 2 was cancelled by the prescriber (C) and has not been restored",
      },
    });
    expect(reason("reason-required", "block").message.en).toBe("A reason is required");
  });
});
