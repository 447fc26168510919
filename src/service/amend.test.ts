import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, PHARMACIST } from "../../test/support/service-harness.js";
import type { MutationResult } from "./types.js";

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const codes = (r: MutationResult) => (r.ok ? [] : r.reasons.map((x) => x.code));

describe("amending a dispensing: each refusal has its own code", () => {
  it("tells a missing reason, an invalid pharmacist and an unknown record apart, and changes nothing", async () => {
    h = await createHarness("sqlite");
    const c = h.scenarios.cases.chronicFresh;
    const r = await h.dispenseHere(c, 1);
    if (!r.ok) throw new Error("dispense failed");
    const id = r.dispensing.id;
    expect(
      codes(await h.service.deleteDispensing({ dispensingId: id, pharmacistId: PHARMACIST, reason: " " })),
    ).toEqual(["reason-required"]);
    expect(codes(await h.service.deleteDispensing({ dispensingId: id, pharmacistId: "X999", reason: "x" }))).toEqual([
      "invalid-pharmacist-id",
    ]);
    expect(
      codes(await h.service.correctDispensing({ dispensingId: "nope", pharmacistId: PHARMACIST, reason: "x" })),
    ).toEqual(["no-such-dispensing"]);
    expect(
      codes(await h.service.correctDispensing({ dispensingId: id, pharmacistId: PHARMACIST, reason: "x", days: 99 })),
    ).toEqual(["days-supplied-out-of-range"]);
    expect((await h.service.getDispensing(id))?.status).toBe("active");
    expect((await h.service.getDispensing(id))?.days).toBe(r.dispensing.days);
  });
});
