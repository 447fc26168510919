/** The in-memory "NHI last answered" times stay bounded however many prescriptions a long-running server sees. */
import { describe, expect, it } from "vitest";
import { LAST_SEEN_CAPACITY, LastSeen } from "./last-seen.js";

const at = (minute: number) => new Date(Date.UTC(2024, 2, 21, 2, minute));

describe("LastSeen", () => {
  it("keeps at most its capacity, however many prescriptions are answered", () => {
    const seen = new LastSeen();
    for (let i = 0; i < 3 * LAST_SEEN_CAPACITY; i++) seen.set(`rx-${i}`, at(i % 60));
    expect(seen.size).toBe(LAST_SEEN_CAPACITY);
    // The most recent ones are the ones kept.
    expect(seen.get(`rx-${3 * LAST_SEEN_CAPACITY - 1}`)).toEqual(at((3 * LAST_SEEN_CAPACITY - 1) % 60));
    expect(seen.get(`rx-${2 * LAST_SEEN_CAPACITY}`)).toBeDefined();
    expect(seen.get(`rx-${2 * LAST_SEEN_CAPACITY - 1}`)).toBeUndefined();
  });

  it("forgets the prescription NHI answered about longest ago, counting repeated answers as recent", () => {
    const seen = new LastSeen(3);
    seen.set("A", at(1));
    seen.set("B", at(2));
    seen.set("C", at(3));
    seen.set("A", at(4)); // answered again: now the most recent
    seen.set("D", at(5));
    expect(seen.get("B")).toBeUndefined();
    expect([seen.get("A"), seen.get("C"), seen.get("D")]).toEqual([at(4), at(3), at(5)]);
    expect(seen.size).toBe(3);
  });

  it("keeps the latest time of a prescription answered again", () => {
    const seen = new LastSeen(2);
    seen.set("A", at(1));
    seen.set("A", at(7));
    expect(seen.get("A")).toEqual(at(7));
    expect(seen.size).toBe(1);
  });

  it("refuses a capacity that could hold nothing", () => {
    expect(() => new LastSeen(0)).toThrow(RangeError);
    expect(() => new LastSeen(1.5)).toThrow(RangeError);
  });
});
