import { describe, expect, it } from "vitest";
import { problemCodeSchema } from "../../schemas/api/problem-codes.js";
import { problemSchema } from "../../schemas/api/responses.js";
import { ApiProblem, problems } from "./problem.js";

describe("problem codes are a closed list in the response schema", () => {
  it("accepts the API's own codes, reason codes and the device/report families", () => {
    for (const code of ["route-not-found", "refused", "dispensed-here", "card-no-reader", "scan-too-large"]) {
      expect(problemCodeSchema.safeParse(code).success, code).toBe(true);
    }
    expect(problemCodeSchema.safeParse("report-range-reversed").success).toBe(true);
    expect(problemCodeSchema.safeParse("virtual-card-expired").success).toBe(true);
  });

  it("refuses a code nobody defined", () => {
    expect(problemCodeSchema.safeParse("teapot").success).toBe(false);
    expect(problemCodeSchema.safeParse("card-").success).toBe(false);
    expect(problemCodeSchema.safeParse("Card-No-Reader").success).toBe(false);
  });

  it("problem bodies the API writes match the schema", () => {
    const bodies = [
      problems.routeNotFound("/x").toBody(),
      problems.forbidden(["owner"]).toBody(),
      new ApiProblem(409, "dispensed-here", { zh: "此次已調劑", en: "Already dispensed" }).toBody(),
    ];
    for (const body of bodies) expect(problemSchema.safeParse(body).success, body.code).toBe(true);
    expect(bodies).toHaveLength(3);
  });
});
