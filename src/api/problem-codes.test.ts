import { describe, expect, it } from "vitest";
import { API_PROBLEM_CODES, PASSED_ON_PROBLEM_CODES, problemCodeSchema } from "../../schemas/api/problem-codes.js";
import { problemSchema } from "../../schemas/api/responses.js";
import { CARD_ERROR_CODES } from "../card/errors.js";
import { REASON_CODES } from "../domain/reasons.js";
import { VIRTUAL_CARD_REFUSALS } from "../nhi/client.js";
import { REPORT_ERROR_CODES } from "../reports/errors.js";
import { SCAN_ERROR_CODES } from "../scan/errors.js";
import { ApiProblem, problems } from "./problem.js";

describe("problem codes are one closed list in the response schema", () => {
  it("lists every passed-on device and report error, and nothing else under those prefixes", () => {
    const expected = [
      ...CARD_ERROR_CODES.map((c) => `card-${c}`),
      ...SCAN_ERROR_CODES.map((c) => `scan-${c}`),
      "scan-failed",
      ...REPORT_ERROR_CODES.map((c) => `report-${c}`),
      ...VIRTUAL_CARD_REFUSALS.map((c) => `virtual-card-${c}`),
    ];
    expect(expected.length).toBeGreaterThan(20);
    expect([...PASSED_ON_PROBLEM_CODES].sort()).toEqual(expected.sort());
  });

  it("gives every code one meaning: no code is in two groups", () => {
    const all = [...API_PROBLEM_CODES, ...REASON_CODES, ...PASSED_ON_PROBLEM_CODES];
    expect(all.length).toBeGreaterThan(50);
    expect(new Set(all).size).toBe(all.length);
  });

  it("accepts exactly the listed codes", () => {
    const listed = ["route-not-found", "refused", "dispensed-here", "card-no-reader", "scan-too-large"];
    expect(listed.map((code) => problemCodeSchema.safeParse(code).success)).toEqual(listed.map(() => true));
    expect(problemCodeSchema.safeParse("report-range-reversed").success).toBe(true);
    expect(problemCodeSchema.safeParse("virtual-card-expired").success).toBe(true);
  });

  it("refuses a code nobody defined, even one that looks like a family member", () => {
    expect(problemCodeSchema.safeParse("teapot").success).toBe(false);
    expect(problemCodeSchema.safeParse("card-").success).toBe(false);
    expect(problemCodeSchema.safeParse("card-melted").success).toBe(false);
    expect(problemCodeSchema.safeParse("scan-blurry").success).toBe(false);
    expect(problemCodeSchema.safeParse("Card-No-Reader").success).toBe(false);
  });

  it("lists the codes as an enum in the OpenAPI document", async () => {
    const { openApiText } = await import("./openapi-text.js");
    const doc = JSON.parse(openApiText()) as { components: { schemas: Record<string, { enum?: string[] }> } };
    const listed = doc.components.schemas.ProblemCode?.enum ?? [];
    expect(listed).toContain("card-transmit-failed");
    expect(listed).toContain("virtual-card-revoked");
    expect(listed.length).toBe(API_PROBLEM_CODES.length + REASON_CODES.length + PASSED_ON_PROBLEM_CODES.length);
  });

  it("problem bodies the API writes match the schema", () => {
    const bodies = [
      problems.routeNotFound("/x").toBody(),
      problems.forbidden(["owner"]).toBody(),
      new ApiProblem(409, "dispensed-here", { zh: "此次已調劑", en: "Already dispensed" }).toBody(),
    ];
    expect(bodies.map((body) => problemSchema.safeParse(body).success)).toEqual([true, true, true]);
  });
});
