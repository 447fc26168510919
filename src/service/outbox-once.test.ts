/**
 * Exactly once at NHI: an upload whose answer never came back (or whose receipt was never stored) is confirmed
 * through NHI's prescription status before anything is sent again.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, PHARMACIST } from "../../test/support/service-harness.js";
import { type NhiClient, NhiUnavailableError } from "../nhi/client.js";

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** The sandbox behind a wire that can lose upload answers; counts the documents NHI took. */
function lossyWire() {
  const wire = { loseAnswers: false, taken: 0 };
  const wrap = (client: NhiClient): NhiClient =>
    new Proxy(client, {
      get(target, prop) {
        if (prop === "upload") {
          return async (...args: Parameters<NhiClient["upload"]>) => {
            const receipt = await target.upload(...args);
            wire.taken++;
            if (wire.loseAnswers) throw new NhiUnavailableError("upload: connection reset before the answer");
            return receipt;
          };
        }
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  return { wire, wrap };
}

async function dispenseTwo(harness: Harness) {
  const ids: string[] = [];
  for (const c of [harness.scenarios.cases.chronicFresh, harness.scenarios.cases.oneOff]) {
    const r = await harness.dispenseHere(c, c.nextRefillNo);
    if (!r.ok) throw new Error(JSON.stringify(r.reasons));
    ids.push(r.dispensing.id);
  }
  return ids;
}

async function heldAtNhi(harness: Harness, originalVisitId: string, refillNo: number) {
  const status = await harness.sandbox.central.prescriptionStatus({ institutionCode: "5901012345" }, originalVisitId);
  return status.found ? status.status.refills.find((r) => r.refillNo === refillNo)?.dispensedVisitId : undefined;
}

describe("exactly once at NHI", () => {
  it("confirms a batch whose upload answer was lost instead of sending it again", async () => {
    const { wire, wrap } = lossyWire();
    h = await createHarness("sqlite", { wrapNhi: wrap });
    await dispenseTwo(h);
    wire.loseAnswers = true;
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 0, failed: 2 });
    expect(wire.taken).toBe(1);
    const waiting = await h.service.outboxEntries();
    expect(waiting.map((e) => e.state)).toEqual(["pending", "pending"]);
    wire.loseAnswers = false;
    h.advance(61_000);
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 0, accepted: 2, failed: 0 });
    expect(wire.taken).toBe(1);
    const entries = await h.service.outboxEntries();
    expect(entries.map((e) => e.state)).toEqual(["accepted", "accepted"]);
    // The confirmation is on file, and the first upload's time counts for the 24-hour KPI.
    expect(entries.every((e) => e.uploadedAt !== undefined)).toBe(true);
    const audits = await h.db.db
      .selectFrom("audit_log")
      .select("action")
      .where("action", "=", "confirmed-at-nhi")
      .execute();
    expect(audits).toHaveLength(2);
  });

  it("sends again, once, a batch NHI never took", async () => {
    const { wire, wrap } = lossyWire();
    h = await createHarness("sqlite", { wrapNhi: wrap });
    await dispenseTwo(h);
    h.sandbox.faults.set({ drop: true, only: ["upload"] });
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 0, failed: 2 });
    expect(wire.taken).toBe(0);
    h.sandbox.faults.clear();
    h.advance(61_000);
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 2, accepted: 2 });
    expect(wire.taken).toBe(1);
    for (const c of [h.scenarios.cases.chronicFresh, h.scenarios.cases.oneOff]) {
      expect(await heldAtNhi(h, c.originalVisitId, c.nextRefillNo)).toMatch(/./);
    }
  });

  it("waits, never sending blind, while NHI's status cannot be asked", async () => {
    const { wire, wrap } = lossyWire();
    h = await createHarness("sqlite", { wrapNhi: wrap });
    await dispenseTwo(h);
    wire.loseAnswers = true;
    await h.service.runOutbox();
    wire.loseAnswers = false;
    h.sandbox.faults.set({ serverError: true, only: ["prescriptionStatus"] });
    h.advance(61_000);
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 0, accepted: 0 });
    expect(wire.taken).toBe(1);
    const waiting = await h.service.outboxEntries();
    expect(waiting.map((e) => e.lastError)).toEqual([
      expect.stringMatching(/not confirmed/),
      expect.stringMatching(/not confirmed/),
    ]);
    h.sandbox.faults.clear();
    h.advance(10 * 60_000);
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 0, accepted: 2 });
    expect(wire.taken).toBe(1);
  });

  it("confirms a deletion (H01=D) NHI took without an answer", async () => {
    const { wire, wrap } = lossyWire();
    h = await createHarness("sqlite", { wrapNhi: wrap });
    const [id] = await dispenseTwo(h);
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 2, accepted: 2 });
    const c = h.scenarios.cases.chronicFresh;
    expect(await heldAtNhi(h, c.originalVisitId, c.nextRefillNo)).toMatch(/./);
    const deleted = await h.service.deleteDispensing({ dispensingId: id!, pharmacistId: PHARMACIST, reason: "退藥" });
    expect(deleted.ok).toBe(true);
    wire.loseAnswers = true;
    expect(await h.service.runOutbox()).toMatchObject({ failed: 1 });
    expect(wire.taken).toBe(2);
    wire.loseAnswers = false;
    h.advance(61_000);
    expect(await h.service.runOutbox()).toMatchObject({ uploaded: 0, accepted: 1 });
    expect(wire.taken).toBe(2);
    expect(await heldAtNhi(h, c.originalVisitId, c.nextRefillNo)).toBeUndefined();
    const deletion = (await h.service.outboxEntries()).find((e) => e.dataFormat === "D");
    expect(deletion?.state).toBe("accepted");
  });
});
