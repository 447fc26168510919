/**
 * Property: at a counter that re-checks on every scan and card change (as the terminal UI does), random sequences
 * of scan / card insert / card remove / confirm / retry never dispense one refill twice, never dispense anything
 * but the prescription on screen, never log a refusal for a repeated confirm, and 可調劑 on screen means confirming
 * now succeeds.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createHarness, type Harness, PHARMACIST } from "../../test/support/service-harness.js";
import type { ScenarioCase } from "../nhi/sandbox/index.js";
import type { CardIdentity, Decision, DispenseRequest } from "./types.js";

type Action =
  | { kind: "scan"; rx: 0 | 1 }
  | { kind: "insert"; person: 0 | 1 | 2 }
  | { kind: "remove" }
  | { kind: "confirm" }
  | { kind: "retry" };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant("scan" as const), rx: fc.constantFrom(0 as const, 1 as const) }),
  fc.record({ kind: fc.constant("insert" as const), person: fc.constantFrom(0 as const, 1 as const, 2 as const) }),
  fc.constant({ kind: "remove" as const }),
  fc.constant({ kind: "confirm" as const }),
  fc.constant({ kind: "retry" as const }),
);

async function blocked(h: Harness): Promise<number> {
  return (await h.service.refillLog({ from: "1000101" as never, to: "1991231" as never, types: ["blocked"] })).length;
}

async function play(h: Harness, actions: Action[]): Promise<void> {
  const cases: ScenarioCase[] = [h.scenarios.cases.chronicFresh, h.scenarios.cases.oneOff];
  const people: CardIdentity[] = [h.card(cases[0]!), h.card(cases[1]!), h.card(h.scenarios.cases.cancelledRestored)];
  let card: CardIdentity | undefined;
  let screen: Decision | undefined;
  let lastConfirm: DispenseRequest | undefined;
  let confirms = 0;
  let lastSuccess: string | undefined;
  const recheck = async () => {
    if (screen) screen = await h.service.check({ visitIdInput: screen.input, card });
  };
  for (const a of actions) {
    if (a.kind === "scan") {
      screen = await h.service.check({ visitIdInput: cases[a.rx]!.originalVisitId, card });
    } else if (a.kind === "insert") {
      card = people[a.person];
      await recheck();
    } else if (a.kind === "remove") {
      card = undefined;
      await recheck();
    } else if (a.kind === "confirm" && screen && screen.refillNo !== undefined) {
      lastConfirm = {
        visitIdInput: screen.input,
        refillNo: screen.refillNo,
        pharmacistId: PHARMACIST,
        ...(card ? { card } : {}),
        decisionToken: screen.token,
        confirmKey: `prop:${++confirms}`,
      };
      const r = await h.service.dispense(lastConfirm);
      lastSuccess = r.ok ? r.dispensing.id : undefined;
      if (screen.outcome === "dispense") expect(r.ok, JSON.stringify(r)).toBe(true);
      if (r.ok) {
        expect(screen.outcome).toBe("dispense");
        expect(r.dispensing.originalVisitId).toBe(screen.originalVisitId);
        expect(r.dispensing.refillNo).toBe(screen.refillNo);
      }
      await recheck();
    } else if (a.kind === "retry" && lastConfirm) {
      // The same confirmation again (a second F9, a retried POST): a success stays that success, unlogged.
      const before = await blocked(h);
      const again = await h.service.dispense(lastConfirm);
      if (lastSuccess) {
        expect(again).toMatchObject({ ok: true, repeated: true, dispensing: { id: lastSuccess } });
        expect(await blocked(h)).toBe(before);
      } else if (again.ok) {
        lastSuccess = again.dispensing.id;
      }
    }
  }
  const rows = await h.service.db.selectFrom("dispensings").select(["original_visit_id", "refill_no"]).execute();
  const keys = rows.map((r) => `${r.original_visit_id}#${r.refill_no}`);
  expect(new Set(keys).size).toBe(keys.length);
}

describe("confirm at the counter (property)", () => {
  it("random scan / card / confirm / retry sequences keep the counter truthful", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 14 }), async (actions) => {
        const h = await createHarness("sqlite");
        try {
          await play(h, actions);
        } finally {
          await h.close();
        }
      }),
      { numRuns: 60 },
    );
  }, 180_000);
});
