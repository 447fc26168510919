/** The report store's queries: same answers as the service, in a fixed number of statements, blind to old history. */
import {
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  sql,
  type UnknownRow,
} from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { insertHistory } from "../../../test/support/history.js";
import {
  createHarness,
  type EngineName,
  type Harness,
  PHARMACIST,
  PHARMACY,
} from "../../../test/support/service-harness.js";
import type { RocDate } from "../../domain/roc-date.js";
import { addDays, rocDateFromDate } from "../../domain/roc-date.js";
import { reportStore } from "./period.js";

/** Counts the statements a store runs and the rows they return. */
class Counter implements KyselyPlugin {
  queries = 0;
  rows = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  /** Called once per executed statement (transformQuery also sees subqueries). */
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.queries++;
    this.rows += args.result.rows.length;
    return args.result;
  }
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each<EngineName>(["sqlite", "postgres"])("report store on %s", (engine) => {
  it("finds the refills due as the service does, in four statements, whatever the older history", async () => {
    h = await createHarness(engine);
    const fresh = h.scenarios.cases.chronicFresh;
    expect((await h.dispenseHere(fresh, 1)).ok).toBe(true);
    const range = { from: "1150301" as RocDate, to: "1150430" as RocDate };
    const today = () => rocDateFromDate(h!.now());
    const measure = async () => {
      const counter = new Counter();
      const store = reportStore(h!.db.db.withPlugin(counter), PHARMACY.pharmacyCode, today);
      const due = await store.refillsDue(range);
      return { due, queries: counter.queries, rows: counter.rows };
    };
    const before = await measure();
    expect(before.due.map((d) => d.originalVisitId)).toContain(fresh.originalVisitId);
    // The candidates, then the prescriptions, their dispensings and NHI's refill rows.
    expect(before.queries).toBe(4);

    // Years of older history, half of it with refills never collected (missed long ago).
    const history = { pharmacyCode: PHARMACY.pharmacyCode, pharmacistId: PHARMACIST, dispensings: 900 };
    await insertHistory(h.db.db, engine, {
      ...history,
      prefix: "H",
      start: new Date("2016-01-01T00:00:00Z"),
      end: new Date("2025-06-01T00:00:00Z"),
    });
    await insertHistory(h.db.db, engine, {
      ...history,
      prefix: "K",
      dispensed: 1,
      start: new Date("2016-01-01T00:00:00Z"),
      end: new Date("2025-06-01T00:00:00Z"),
    });
    const after = await measure();
    expect(after).toEqual(before);
    // The service answers from the same bounded query.
    expect(await h.service.refillsDue(range)).toEqual(after.due);
  });

  it("narrows the candidates by each refill's own supply without losing one due in the range", async () => {
    h = await createHarness(engine);
    // First refills of 1- to 90-day supplies over four months (the ends of the tens the query groups supplies in
    // among them): windows of every width, checked on every day they can meet.
    const supplies = [1, 7, 9, 10, 11, 19, 28, 30, 89, 90];
    for (const [i, days] of supplies.entries()) {
      await insertHistory(h.db.db, engine, {
        prefix: "ABCDEFGHJK"[i]!,
        dispensings: 40,
        dispensed: 1,
        days,
        pharmacyCode: PHARMACY.pharmacyCode,
        pharmacistId: PHARMACIST,
        start: new Date("2026-01-01T00:00:00+08:00"),
        end: new Date("2026-05-01T00:00:00+08:00"),
      });
    }
    const store = reportStore(h.db.db, PHARMACY.pharmacyCode, () => "1150315" as RocDate);
    // Over ten years every candidate's window meets the range: the answer to filter for each narrower one.
    const all = await store.refillsDue({ from: "1100101" as RocDate, to: "1201231" as RocDate });
    expect(all).toHaveLength(supplies.length * 40);
    const meets = (from: RocDate, to: RocDate) => all.filter((d) => d.window.from <= to && d.window.to >= from);
    for (let day = "1141225" as RocDate; day <= "1150815"; day = addDays(day, 1)) {
      expect(await store.refillsDue({ from: day, to: day }), day).toEqual(meets(day, day));
    }
    const april = { from: "1150401" as RocDate, to: "1150430" as RocDate };
    expect(await store.refillsDue(april)).toEqual(meets(april.from, april.to));
  });

  it("loads a period's dispensings with their uploads and many prescriptions in a fixed number of statements", async () => {
    h = await createHarness(engine);
    await insertHistory(h.db.db, engine, {
      prefix: "M",
      dispensings: 1200,
      dispensed: 1,
      pharmacyCode: PHARMACY.pharmacyCode,
      pharmacistId: PHARMACIST,
      start: new Date("2026-02-01T00:00:00+08:00"),
      end: new Date("2026-03-01T00:00:00+08:00"),
    });
    const counter = new Counter();
    const store = reportStore(h.db.db.withPlugin(counter), PHARMACY.pharmacyCode, () => "1150310" as RocDate);
    const feb = { from: "1150201" as RocDate, to: "1150228" as RocDate };
    const dispensings = await store.dispensings(feb);
    expect(dispensings).toHaveLength(1200);
    expect(dispensings[0]).toMatchObject({ refillNo: 1, status: "active", upload: { state: "accepted" } });
    const uploads = await store.outboxFor(feb);
    expect(uploads.length).toBeGreaterThan(0);
    expect(uploads.every((e) => e.uploadedAt !== undefined)).toBe(true);
    const prescriptions = await store.prescriptions(dispensings.map((d) => d.originalVisitId));
    expect(prescriptions.size).toBe(1200);
    const one = dispensings[0]!;
    expect(prescriptions.get(one.originalVisitId)).toEqual(await h.service.prescription(one.originalVisitId));
    // 2 (dispensings + latest uploads) + 1 (upload entries) + 3 × ⌈1,200 / 900⌉ (prescriptions).
    expect(counter.queries).toBe(2 + 1 + 3 * 2);
  });

  it("answers the period queries from indexes, not by scanning the history", async () => {
    h = await createHarness(engine);
    const plan = async (query: string) => {
      if (engine === "postgres") {
        await sql`SET enable_seqscan = off`.execute(h!.db.db);
        const { rows } = await sql<{ "QUERY PLAN": string }>`EXPLAIN ${sql.raw(query)}`.execute(h!.db.db);
        return rows.map((r) => r["QUERY PLAN"]).join("\n");
      }
      const { rows } = await sql<{ detail: string }>`EXPLAIN QUERY PLAN ${sql.raw(query)}`.execute(h!.db.db);
      return rows.map((r) => r.detail).join("\n");
    };
    expect(
      await plan(
        "SELECT id FROM dispensings WHERE visit_date_time >= '1150201000000' AND visit_date_time <= '1150228235959'",
      ),
    ).toMatch(/dispensings_visit_date_time/);
    expect(
      await plan(
        "SELECT original_visit_id FROM nhi_refills WHERE dispensed_at >= '1150201000000' AND dispensed_at <= '1150228235959'",
      ),
    ).toMatch(/nhi_refills_dispensed_at/);
    expect(await plan("SELECT id FROM refill_events WHERE at >= '2026-02-01' AND at < '2026-03-01'")).toMatch(
      /refill_events_at/,
    );
  });
});
