/**
 * The domain's limits against NHI's upload field rules (schemas/upload-format-2.0.json), their one source: a change
 * to either side alone fails here.
 */
import { describe, expect, it } from "vitest";
import { fieldRule } from "../nhi/format/field-rules.js";
import { MAX_DAYS_PER_CHRONIC_DISPENSING, MAX_DAYS_PER_DISPENSING, MAX_TOTAL_DAYS } from "./limits.js";

describe("domain limits match the field rules", () => {
  it("the 90-day total is M21's maximum", () => {
    expect(fieldRule("M21")?.max).toBe(MAX_TOTAL_DAYS);
  });

  it("the longest single supply is M20's maximum", () => {
    expect(fieldRule("M20")?.max).toBe(MAX_DAYS_PER_DISPENSING);
  });

  it("a chronic dispensing's 30 days fit within both field limits", () => {
    expect(MAX_DAYS_PER_CHRONIC_DISPENSING).toBeLessThanOrEqual(MAX_DAYS_PER_DISPENSING);
    expect(MAX_DAYS_PER_CHRONIC_DISPENSING).toBeLessThanOrEqual(MAX_TOTAL_DAYS);
  });
});
