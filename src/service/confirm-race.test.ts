/**
 * A retried confirmation whose first look for an earlier success came just before that success committed: it finds
 * the refill dispensed when it evaluates, and must still answer with the first success, not a duplicate refusal.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createHarness, type Harness, PHARMACIST } from "../../test/support/service-harness.js";
import { paperOf } from "../../test/support/service-paper.js";

/** When set, the next lookup by confirmation key misses, as a read taken just before the first commit would. */
const lookup = vi.hoisted(() => ({ missNext: false }));

vi.mock("./store/dispensings.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("./store/dispensings.js")>();
  return {
    ...original,
    dispensingByConfirmKey: (...args: Parameters<typeof original.dispensingByConfirmKey>) => {
      if (!lookup.missNext) return original.dispensingByConfirmKey(...args);
      lookup.missNext = false;
      return Promise.resolve(undefined);
    },
  };
});

let h: Harness;
afterEach(async () => {
  lookup.missNext = false;
  await h?.close();
});

async function blockedCount(): Promise<number> {
  const log = await h.service.refillLog({ from: "1000101" as never, to: "1991231" as never, types: ["blocked"] });
  return log.length;
}

describe("a confirmation retried while the first one commits", () => {
  it("gets the first success, and no refusal is logged", async () => {
    h = await createHarness("sqlite");
    const c = h.scenarios.cases.chronicFresh;
    const card = h.card(c);
    const d = await h.service.check({ visitIdInput: c.originalVisitId, card });
    const request = {
      visitIdInput: c.originalVisitId,
      refillNo: 1,
      pharmacistId: PHARMACIST,
      card,
      decisionToken: d.token,
      confirmKey: "api:key1:retried-during-commit",
    };
    const first = await h.service.dispense(request);
    expect(first.ok).toBe(true);
    lookup.missNext = true;
    const retried = await h.service.dispense(request);
    expect(lookup.missNext).toBe(false);
    expect(retried).toMatchObject({ ok: true, repeated: true });
    expect(retried.ok && first.ok && retried.dispensing.id).toBe(first.ok && first.dispensing.id);
    expect(await blockedCount()).toBe(0);
    // A different confirmation of the same refill is still the duplicate it is.
    const other = await h.service.dispense({ ...request, confirmKey: "api:key1:someone-else" });
    expect(other).toMatchObject({ ok: false, kind: "conflict" });
    expect(await blockedCount()).toBe(1);
  });

  it("from the paper too: the retry gets the first success, and no refusal is logged", async () => {
    h = await createHarness("sqlite");
    const c = h.scenarios.cases.sm00PreFormat2;
    const request = {
      paper: paperOf(c),
      pharmacistId: PHARMACIST,
      card: h.card(c),
      confirmKey: "api:key1:paper-retried-during-commit",
    };
    const first = await h.service.dispensePaper(request);
    expect(first.ok).toBe(true);
    lookup.missNext = true;
    const retried = await h.service.dispensePaper(request);
    expect(lookup.missNext).toBe(false);
    expect(retried).toMatchObject({ ok: true, repeated: true });
    expect(retried.ok && first.ok && retried.dispensing.id).toBe(first.ok && first.dispensing.id);
    expect(await blockedCount()).toBe(0);
    const other = await h.service.dispensePaper({ ...request, confirmKey: "api:key1:paper-someone-else" });
    expect(other).toMatchObject({ ok: false, kind: "conflict" });
    expect(await h.service.recentDispensings(5)).toHaveLength(1);
  });
});
