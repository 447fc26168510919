import { describe, expect, it } from "vitest";
import { breakPieces, wrapText } from "./text.js";

/** Every character is 1 unit wide except spaces (0.5) — enough to reason about breaks. */
const measure = (s: string) => [...s].reduce((w, ch) => w + (ch === " " ? 0.5 : 1), 0);

describe("breakPieces (UAX #14)", () => {
  it("splits CJK per character and keeps Latin words whole with their spaces", () => {
    expect(breakPieces("調劑 ABC123 藥師")).toEqual(["調", "劑 ", "ABC123 ", "藥", "師"]);
  });
  it("keeps closing punctuation with the character before it and opening with the one after", () => {
    expect(breakPieces("已調劑，不可")).toEqual(["已", "調", "劑，", "不", "可"]);
    expect(breakPieces("第（D025）次")).toEqual(["第", "（D025）", "次"]);
  });
  it("lets a line break after a hyphen or slash in Latin text", () => {
    expect(breakPieces("check-result 113/03/21")).toEqual(["check-", "result ", "113/03/21"]);
  });
});

describe("wrapText", () => {
  it("breaks Chinese between any two characters, never wider than the line", () => {
    const lines = wrapText("慢性病連續處方箋第二次調劑已完成", 5, measure);
    expect(lines).toEqual(["慢性病連續", "處方箋第二", "次調劑已完", "成"]);
    for (const line of lines) expect(measure(line)).toBeLessThanOrEqual(5);
  });
  it("never starts a line with closing punctuation", () => {
    const lines = wrapText("第二次已調劑，不可重複", 6, measure);
    expect(lines).toEqual(["第二次已調", "劑，不可重複"]);
  });
  it("breaks Latin text at spaces and drops the space at the break", () => {
    expect(wrapText("refill was already dispensed", 12, measure)).toEqual(["refill was", "already", "dispensed"]);
  });
  it("splits a code longer than the line between characters", () => {
    const lines = wrapText("1BYFWZQ21QQXY3B54X0L", 8, measure);
    expect(lines).toEqual(["1BYFWZQ2", "1QQXY3B5", "4X0L"]);
  });
  it("keeps explicit line breaks and empty input", () => {
    expect(wrapText("甲\n乙", 10, measure)).toEqual(["甲", "乙"]);
    expect(wrapText("甲\r\n乙", 10, measure)).toEqual(["甲", "乙"]);
    expect(wrapText("", 10, measure)).toEqual([""]);
  });
});
