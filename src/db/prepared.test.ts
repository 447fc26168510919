/**
 * On PostgreSQL the scan's lookup goes as a prepared statement, once per connection; other statements stay unnamed.
 * Read from the server's own list of the session's prepared statements, on a pool of one connection.
 */
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createThrowawayDatabase, type ThrowawayDatabase } from "../../test/support/postgres.js";
import { lookUpPrescriptions } from "../service/store/local-state.js";
import { openDatabase, type RxdeskDb } from "./open.js";

let database: ThrowawayDatabase | undefined;
let opened: RxdeskDb | undefined;
afterEach(async () => {
  await opened?.close();
  await database?.drop();
  opened = database = undefined;
});

async function preparedStatements(db: RxdeskDb["db"]) {
  const { rows } = await sql<{ name: string; statement: string }>`
    SELECT name, statement FROM pg_prepared_statements ORDER BY name`.execute(db);
  return rows;
}

describe("prepared statements on PostgreSQL", () => {
  it("prepares the scan's lookup once per connection and leaves other statements unnamed", async () => {
    database = await createThrowawayDatabase();
    opened = await openDatabase({ engine: "postgres", connection: database.connection, poolSize: 1 });
    expect(await preparedStatements(opened.db)).toEqual([]);

    const ids = ["AAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBB", "CCCCCCCCCCCCCCCCCCCC"];
    expect(await lookUpPrescriptions(opened.db, "postgres", ids)).toEqual([undefined, undefined, undefined]);
    // Three IDs are padded to four: one statement, whatever the batch of three or four.
    expect(await lookUpPrescriptions(opened.db, "postgres", ids.slice(0, 2).concat(ids))).toHaveLength(5);
    await lookUpPrescriptions(opened.db, "postgres", ids);
    const prepared = await preparedStatements(opened.db);
    expect(prepared.map((p) => p.name)).toEqual([expect.stringMatching(/^rx_[0-9a-f]{20}$/), expect.any(String)]);
    expect(prepared.every((p) => /from "prescriptions"/.test(p.statement))).toBe(true);
    expect(new Set(prepared.map((p) => p.name)).size).toBe(2);

    // A prepared lookup sees rows written after it was prepared, like any other read.
    const at = "2026-11-30T00:00:00.000Z";
    await opened.db
      .insertInto("patients")
      .values({ national_id: "A123456789", name: "王小明", created_at: at, updated_at: at })
      .execute();
    await opened.db
      .insertInto("prescriptions")
      .values({
        original_visit_id: ids[1]!,
        national_id: "A123456789",
        prescriber_institution_code: "3501200000",
        original_visit_date_time: "1151130090000",
        chronic: 1,
        refill_count: 3,
        days_per_refill: 28,
        orders_json: "[]",
        created_at: at,
        updated_at: at,
      })
      .execute();
    const [none, found] = await lookUpPrescriptions(opened.db, "postgres", ids.slice(0, 2));
    expect(none).toBeUndefined();
    expect(found).toMatchObject({ original_visit_id: ids[1], patient_name: "王小明", dispensings_json: [] });
    expect((await preparedStatements(opened.db)).length).toBe(3);
  });
});
