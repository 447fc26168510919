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

    const asks = ["AAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBB", "CCCCCCCCCCCCCCCCCCCC"].map((originalVisitId) => ({
      originalVisitId,
    }));
    expect(await lookUpPrescriptions(opened.db, "postgres", asks)).toEqual([{}, {}, {}]);
    // Any number of prescriptions: one statement.
    expect(await lookUpPrescriptions(opened.db, "postgres", asks.slice(0, 2).concat(asks))).toHaveLength(5);
    await lookUpPrescriptions(opened.db, "postgres", asks.slice(1));
    const prepared = await preparedStatements(opened.db);
    expect(prepared.map((p) => p.name)).toEqual([expect.stringMatching(/^rx_[0-9a-f]{20}$/)]);
    expect(prepared[0]!.statement).toMatch(/LEFT JOIN prescriptions/);

    // A prepared lookup sees rows written after it was prepared, like any other read.
    const at = "2026-11-30T00:00:00.000Z";
    await opened.db
      .insertInto("patients")
      .values([
        { national_id: "A123456789", name: "王小明", created_at: at, updated_at: at },
        { national_id: "B223456789", name: "林美華", created_at: at, updated_at: at },
      ])
      .execute();
    await opened.db
      .insertInto("prescriptions")
      .values({
        original_visit_id: asks[1]!.originalVisitId,
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
    const [none, found, named] = await lookUpPrescriptions(opened.db, "postgres", [
      asks[0]!,
      { ...asks[1]!, nationalId: "B223456789" },
      { ...asks[2]!, nationalId: "B223456789" },
    ]);
    expect(none).toEqual({});
    // Our row names its own patient; one we do not hold names the patient NHI said it is for.
    expect(found!.row).toMatchObject({ original_visit_id: asks[1]!.originalVisitId, patient_name: "王小明" });
    expect(found!.row!.dispensings_json).toEqual([]);
    expect(named).toEqual({ patientName: "林美華" });
    expect(await preparedStatements(opened.db)).toHaveLength(1);
  });
});
