/** A confirm acts on the decision shown, once: tokens, repeated confirmations, the card-needed state, typed IDs. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createHarness, ENGINES, type Harness, PHARMACIST } from "../../test/support/service-harness.js";
import { paperOf } from "../../test/support/service-paper.js";
import { upsertPatient } from "./store/patients.js";
import type { DispenseResult } from "./types.js";

/** When set, the next lookup by confirmation key misses, as a read taken just before an earlier commit would. */
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

describe("confirming a decision", () => {
  it("a chronic refill without a card is card-needed: never dispensed, refused as invalid, nothing logged as blocked", async () => {
    h = await createHarness("sqlite");
    const c = h.scenarios.cases.chronicFresh;
    const d = await h.service.check({ visitIdInput: c.originalVisitId });
    expect(d.outcome).toBe("card-needed");
    expect(d.missingEvidence).toBe("patient-card");
    const r = await h.service.dispense({ visitIdInput: c.originalVisitId, refillNo: 1, pharmacistId: PHARMACIST });
    expect(r).toMatchObject({ ok: false, kind: "invalid", reasons: [{ code: "no-card-chronic", severity: "block" }] });
    expect(await blockedCount()).toBe(0);
    expect(await h.service.recentDispensings(5)).toEqual([]);
  });

  it("a token from another moment is refused with the fresh decision (a conflict) and logs no refusal", async () => {
    h = await createHarness("sqlite");
    const c = h.scenarios.cases.chronicFresh;
    const card = h.card(c);
    const without = await h.service.check({ visitIdInput: c.originalVisitId });
    const withCard = await h.service.check({ visitIdInput: c.originalVisitId, card });
    expect(without.token).not.toBe(withCard.token);
    // The client saw "card needed", then sent a card along: the decision it confirms is not the one that holds.
    const stale = await h.service.dispense({
      visitIdInput: c.originalVisitId,
      refillNo: 1,
      pharmacistId: PHARMACIST,
      card,
      decisionToken: without.token,
    });
    expect(stale).toMatchObject({ ok: false, kind: "conflict", reasons: [{ code: "decision-changed" }] });
    expect(!stale.ok && stale.decision?.token).toBe(withCard.token);
    expect(await blockedCount()).toBe(0);
    const ok = await h.service.dispense({
      visitIdInput: c.originalVisitId,
      refillNo: 1,
      pharmacistId: PHARMACIST,
      card,
      decisionToken: withCard.token,
    });
    expect(ok.ok).toBe(true);
  });

  it("repeating a confirmation returns the first success, even concurrently, and logs no refusal", async () => {
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
      confirmKey: "api:key1:retry-me",
    };
    const [a, b] = await Promise.all([h.service.dispense(request), h.service.dispense(request)]);
    const again = await h.service.dispense(request);
    for (const r of [a, b, again]) expect(r.ok).toBe(true);
    const ids = [a, b, again].map((r) => (r.ok ? r.dispensing.id : ""));
    expect(new Set(ids).size).toBe(1);
    expect(again).toMatchObject({ repeated: true, nextRefill: { refillNo: 2 } });
    expect(await h.service.recentDispensings(5)).toHaveLength(1);
    expect(await blockedCount()).toBe(0);
    // Another confirmation of the same refill is a real duplicate: refused and logged.
    const other = await h.service.dispense({ ...request, confirmKey: "api:key1:another" });
    expect(other.ok).toBe(false);
  });

  it("an ID typed from the paper needs a reason, and the dispensing records it as typed", async () => {
    h = await createHarness("sqlite");
    const c = h.scenarios.cases.chronicFresh;
    const typed = { source: "typed" as const, nationalId: c.nationalId };
    expect((await h.service.check({ visitIdInput: c.originalVisitId, card: typed })).outcome).toBe("block");
    const card = { ...typed, typedReason: "病人忘記帶卡" };
    const d = await h.service.check({ visitIdInput: c.originalVisitId, card });
    expect(d.outcome).toBe("dispense");
    expect(d.evidence).toEqual({ source: "typed", nationalId: c.nationalId });
    const r = await h.service.dispense({
      visitIdInput: c.originalVisitId,
      refillNo: 1,
      pharmacistId: PHARMACIST,
      card,
    });
    expect(r.ok).toBe(true);
    const row = await h.service.db.selectFrom("dispensings").select(["card_source"]).executeTakeFirstOrThrow();
    expect(row.card_source).toBe("typed");
    const audit = await h.service.db
      .selectFrom("audit_log")
      .select("detail_json")
      .where("action", "=", "dispense")
      .execute();
    expect(JSON.parse(audit[0]!.detail_json).card).toMatchObject({ source: "typed", typedReason: "病人忘記帶卡" });
  });

  it("names the prescription's patient, not the holder of another person's card", async () => {
    h = await createHarness("sqlite");
    const c = h.scenarios.cases.dispensedElsewhere;
    const d = await h.service.check({
      visitIdInput: c.originalVisitId,
      card: { source: "ic-card", nationalId: "A123456789", name: "王小明" },
    });
    expect(d.reasons.map((r) => r.code)).toContain("person-mismatch");
    expect(d.prescription!.patientName).not.toBe("王小明");
  });

  it.each(ENGINES)(
    "names a patient we know on the first scan of a prescription we never stored (%s)",
    async (engine) => {
      h = await createHarness(engine);
      const c = h.scenarios.cases.chronicFresh;
      const stored = await h.service.db.selectFrom("prescriptions").select("original_visit_id").execute();
      expect(stored.map((r) => r.original_visit_id)).not.toContain(c.originalVisitId);
      await upsertPatient(h.service.db, h.now(), { nationalId: c.nationalId, name: "林美玲" });
      const d = await h.service.check({ visitIdInput: c.originalVisitId });
      expect(d.prescription!.patientName).toBe("林美玲");
    },
  );
});

/**
 * A retried confirmation whose first look for an earlier success came just before that success committed finds the
 * refill taken when it evaluates: it must still answer with the first success, not a duplicate refusal.
 */
describe("a confirmation retried while the first one commits", () => {
  async function retriedDuringCommit(confirm: (confirmKey: string) => Promise<DispenseResult>): Promise<void> {
    const first = await confirm("api:key1:retried-during-commit");
    expect(first.ok).toBe(true);
    lookup.missNext = true;
    const retried = await confirm("api:key1:retried-during-commit");
    expect(lookup.missNext).toBe(false);
    expect(retried).toMatchObject({ ok: true, repeated: true });
    expect(retried.ok && first.ok && retried.dispensing.id).toBe(first.ok && first.dispensing.id);
    expect(await blockedCount()).toBe(0);
    // A different confirmation of the same refill is still the duplicate it is.
    expect(await confirm("api:key1:someone-else")).toMatchObject({ ok: false, kind: "conflict" });
    expect(await h.service.recentDispensings(5)).toHaveLength(1);
  }

  it("scanned: gets the first success, and no refusal is logged", async () => {
    h = await createHarness("sqlite");
    const c = h.scenarios.cases.chronicFresh;
    const card = h.card(c);
    const d = await h.service.check({ visitIdInput: c.originalVisitId, card });
    await retriedDuringCommit((confirmKey) =>
      h.service.dispense({
        visitIdInput: c.originalVisitId,
        refillNo: 1,
        pharmacistId: PHARMACIST,
        card,
        decisionToken: d.token,
        confirmKey,
      }),
    );
  });

  it("from the paper: gets the first success, and no refusal is logged", async () => {
    h = await createHarness("sqlite");
    const c = h.scenarios.cases.sm00PreFormat2;
    const card = h.card(c);
    await retriedDuringCommit((confirmKey) =>
      h.service.dispensePaper({ paper: paperOf(c), pharmacistId: PHARMACIST, card, confirmKey }),
    );
  });
});
