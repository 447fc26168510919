/**
 * NHI's answers from concurrent scans are stored together (group commit): one statement for the lot, the same rows
 * as stored one by one, and a bad answer fails only its own scan. Both engines.
 */
import { sql } from "kysely";
import { afterEach, describe, expect, it, vi } from "vitest";
import { holdStatusStores, STATUS_STORE_SQL } from "../../../test/support/held-stores.js";
import {
  createHarness,
  ENGINES,
  type EngineName,
  type Harness,
  PHARMACY,
} from "../../../test/support/service-harness.js";
import type { PrescriptionStatus } from "../../domain/prescription.js";
import { MAX_QUEUED_STATUSES, serviceContext } from "../context.js";
import { upsertPatient } from "./patients.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function statusesOf(harness: Harness): Promise<PrescriptionStatus[]> {
  const statuses: PrescriptionStatus[] = [];
  for (const c of Object.values(harness.scenarios.cases)) {
    const answer = await harness.sandbox.client.prescriptionStatus(
      { institutionCode: PHARMACY.pharmacyCode },
      c.originalVisitId,
    );
    if (answer.found) statuses.push(answer.status);
  }
  return statuses;
}

describe.each<EngineName>(ENGINES)("storing NHI's answers on %s", (engine) => {
  it("stores concurrent answers together, row for row as NHI said them", async () => {
    h = await createHarness(engine);
    const statuses = await statusesOf(h);
    expect(statuses.length).toBeGreaterThan(3);
    const ctx = serviceContext({ db: h.db.db, engine: h.db.engine, nhi: h.sandbox.client, pharmacy: PHARMACY });
    // A patient the card named before: NHI's answer names nobody, so the name stays.
    await upsertPatient(h.db.db, h.now(), { nationalId: statuses[0]!.nationalId, name: "王小明", sex: "M" });
    const executed = vi.spyOn(h.db.db.getExecutor(), "executeQuery");
    const writes = () => executed.mock.calls.filter(([q]) => STATUS_STORE_SQL.test(q.sql));
    await Promise.all(statuses.map((status) => ctx.syncStatus({ status, at: h!.now() })));
    // The first answer is written at once; all that came meanwhile go together in the next statement.
    expect(writes()).toHaveLength(2);
    if (engine === "sqlite") {
      // The routine's inbox row is gone again once its trigger has stored it.
      const inbox = await sql<{ n: number }>`SELECT count(*) AS n FROM nhi_status_inbox`.execute(h.db.db);
      expect(inbox.rows[0]!.n).toBe(0);
    }
    // Our rows name the patient we know (NHI's answer names nobody); concurrent reads share a query.
    executed.mockClear();
    const states = await Promise.all(statuses.map((s) => ctx.localState(s.originalVisitId, { cached: false })));
    expect(states.map((s) => s.patientName)).toEqual(
      statuses.map((s) => (s.nationalId === statuses[0]!.nationalId ? "王小明" : undefined)),
    );
    expect(executed.mock.calls.filter(([q]) => /LEFT JOIN prescriptions/.test(q.sql))).toHaveLength(2);

    for (const status of statuses) {
      const row = await h.db.db
        .selectFrom("prescriptions")
        .select(["nhi_status_json", "national_id", "refill_count"])
        .where("original_visit_id", "=", status.originalVisitId)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(row.nhi_status_json!)).toEqual(status);
      expect([row.national_id, row.refill_count]).toEqual([status.nationalId, status.refillCount]);
      const refills = await h.db.db
        .selectFrom("nhi_refills")
        .select(["refill_no", "state"])
        .where("original_visit_id", "=", status.originalVisitId)
        .orderBy("refill_no")
        .execute();
      expect(refills).toEqual(status.refills.map((r) => ({ refill_no: r.refillNo, state: r.state })));
    }
    const patient = await h.db.db
      .selectFrom("patients")
      .select(["name", "sex", "birth_date"])
      .where("national_id", "=", statuses[0]!.nationalId)
      .executeTakeFirstOrThrow();
    expect(patient).toEqual({ name: "王小明", sex: "M", birth_date: statuses[0]!.birthDate ?? null });
    // The prescriber's C/E and other pharmacies' dispensings became refill-log events, once each, even when the
    // same answer arrives again in a later batch.
    const countEvents = async () =>
      Number(
        (
          await h!.db.db
            .selectFrom("refill_events")
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const events = await countEvents();
    expect(events).toBeGreaterThan(0);
    await Promise.all(statuses.map((status) => ctx.syncStatus({ status, at: h!.now() })));
    expect(await countEvents()).toBe(events);
  });

  it("fails only the scan whose answer cannot be stored; the others in its batch are kept", async () => {
    h = await createHarness(engine);
    const [good1, bad, good2] = await statusesOf(h);
    const broken = { ...bad!, prescriberInstitutionCode: null as unknown as string };
    const ctx = serviceContext({ db: h.db.db, engine: h.db.engine, nhi: h.sandbox.client, pharmacy: PHARMACY });
    const results = await Promise.allSettled(
      [good1!, broken, good2!].map((status) => ctx.syncStatus({ status, at: h!.now() })),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const stored = await h.db.db.selectFrom("prescriptions").select("original_visit_id").execute();
    expect(stored.map((r) => r.original_visit_id).sort()).toEqual(
      [good1!.originalVisitId, good2!.originalVisitId].sort(),
    );
  });

  it("queues a check's answer without waiting; reads of that prescription wait for it, and failures are reported", async () => {
    h = await createHarness(engine);
    const [first, second] = await statusesOf(h);
    const failures: [string, string][] = [];
    const ctx = serviceContext({
      db: h.db.db,
      engine: h.db.engine,
      nhi: h.sandbox.client,
      pharmacy: PHARMACY,
      onStoreError: (error, id) => failures.push([id, String(error)]),
    });
    const stores = holdStatusStores(h.db.db);

    await ctx.queueStatus({ status: first!, at: h.now() });
    await ctx.queueStatus({ status: second!, at: h.now() });
    const stored = await h.db.db.selectFrom("prescriptions").select("original_visit_id").execute();
    expect(stored).toEqual([]);
    let read: unknown;
    const reading = ctx.localState(first!.originalVisitId).then((state) => {
      read = state;
    });
    let listed = false;
    const listing = ctx.statusesStored().then(() => {
      listed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([read, listed]).toEqual([undefined, false]);

    stores.open();
    await Promise.all([reading, listing]);
    expect(read).toMatchObject({ prescription: { original_visit_id: first!.originalVisitId } });
    expect(failures).toEqual([]);

    // An answer that cannot be stored fails no check: it is reported, and nothing of it is kept.
    const broken = { ...second!, originalVisitId: "BROKEN00000000000000", prescriberInstitutionCode: null };
    await ctx.queueStatus({ status: broken as unknown as PrescriptionStatus, at: h.now() });
    await ctx.statusesStored();
    expect(failures.map(([id]) => id)).toEqual(["BROKEN00000000000000"]);
    expect((await ctx.localState("BROKEN00000000000000")).prescription).toBeUndefined();
  });

  it("keeps reading a prescription whose queued answer failed, even when reporting the failure fails", async () => {
    h = await createHarness(engine);
    const [status] = await statusesOf(h);
    const ctx = serviceContext({
      db: h.db.db,
      engine: h.db.engine,
      nhi: h.sandbox.client,
      pharmacy: PHARMACY,
      onStoreError: () => {
        throw new Error("the log is down");
      },
    });
    const broken = { ...status!, prescriberInstitutionCode: null } as unknown as PrescriptionStatus;
    await ctx.queueStatus({ status: broken, at: h.now() });
    await expect(ctx.localState(broken.originalVisitId)).resolves.toMatchObject({ active: [] });
    await ctx.statusesStored();
  });

  it("waits for its own answer once more than MAX_QUEUED_STATUSES wait to be stored", async () => {
    h = await createHarness(engine);
    const [status] = await statusesOf(h);
    const ctx = serviceContext({ db: h.db.db, engine: h.db.engine, nhi: h.sandbox.client, pharmacy: PHARMACY });
    const stores = holdStatusStores(h.db.db);
    const answer = (i: number) => ({
      status: { ...status!, originalVisitId: `Q${String(i).padStart(19, "0")}` },
      at: h!.now(),
    });
    // The first answer's batch is running (held at the gate); the next ones wait in the queue.
    for (let i = 0; i <= MAX_QUEUED_STATUSES; i++) await ctx.queueStatus(answer(i));
    let returned = false;
    const over = ctx.queueStatus(answer(MAX_QUEUED_STATUSES + 1)).then(() => {
      returned = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(returned).toBe(false);
    stores.open();
    await over;
    await ctx.statusesStored();
    const n = await h.db.db
      .selectFrom("prescriptions")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("original_visit_id", "like", "Q%")
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(MAX_QUEUED_STATUSES + 2);
  });
});
