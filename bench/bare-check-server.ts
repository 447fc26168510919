/**
 * api.bench's baseline: a status check done the bare way, with Koa + @koa/router and the database driver alone, in a
 * process of its own as `rxdesk serve` is. Started as `node --import tsx bench/bare-check-server.ts <sqlite file |
 * postgres URL> <sandbox file>`; prints `listening <url>` once it answers.
 *
 * POST /checks {"visitId"} does the work of a first scan of that prescription: NHI's record of it from memory (the
 * embedded sandbox keeps its state in memory too; this loads the same sandbox file's records at start, as the sandbox
 * does), the same single lookup query rxdesk's check runs (the prescription, the patient's name and our dispensings
 * of it as one JSON array), the status stored when it is new or changed (patient, prescription, one row per refill,
 * in one transaction), and a JSON answer built from both. No auth, validation, decision rules, masking or logging:
 * that is what the comparison shows.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { userInfo } from "node:os";
import Router from "@koa/router";
import Koa from "koa";
import pg from "pg";
import sqlite3 from "sqlite3";

const [target, sandboxFile] = process.argv.slice(2);
if (!target || !sandboxFile) throw new Error("usage: bare-check-server.ts <sqlite file | postgres URL> <sandbox file>");
const postgres = /^postgres(ql)?:\/\//.test(target);

interface Stored {
  key: string;
  record: { mb1: Record<string, string | undefined>; mb2: unknown[] };
}

/** The database the bare way: `query` answers rows, `transaction` runs statements one after another atomically. */
interface Bare {
  query(text: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  transaction(statements: [string, unknown[]][]): Promise<void>;
}

function sqliteBare(file: string): Promise<Bare> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (err) => {
      if (err) return reject(err);
      db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
      const all = (text: string, params: unknown[]) =>
        new Promise<Record<string, unknown>[]>((ok, no) =>
          db.all(text, params, (e, rows) => (e ? no(e) : ok(rows as Record<string, unknown>[]))),
        );
      // One connection: write transactions take turns.
      let turn: Promise<unknown> = Promise.resolve();
      resolve({
        query: all,
        transaction(statements) {
          const run = turn.then(async () => {
            await all("BEGIN IMMEDIATE", []);
            try {
              for (const [text, params] of statements) await all(text, params);
              await all("COMMIT", []);
            } catch (error) {
              await all("ROLLBACK", []);
              throw error;
            }
          });
          turn = run.catch(() => undefined);
          return run;
        },
      });
    });
  });
}

function pgBare(url: string): Bare {
  // The fixture's URL names no user: the OS user, as rxdesk connects.
  process.env.PGUSER ??= userInfo().username;
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  return {
    query: async (text, params) => (await pool.query(text, params)).rows,
    async transaction(statements) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        for (const [text, params] of statements) await client.query(text, params);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

/** The sandbox's records, loaded as the sandbox loads them. */
async function nhiRecords(file: string): Promise<Map<string, Stored>> {
  const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY);
  const rows = await new Promise<{ json: string }[]>((ok, no) =>
    db.all("SELECT json FROM sandbox_docs WHERE kind = 'record' ORDER BY seq", (e, r) =>
      e ? no(e) : ok(r as { json: string }[]),
    ),
  );
  await new Promise((ok) => db.close(ok));
  return new Map(rows.map((r) => JSON.parse(r.json) as Stored).map((s) => [s.key, s]));
}

const p = (n: number) => (postgres ? `$${n}` : `?${n}`);
const dispensingsJson = postgres
  ? "coalesce(json_agg(json_build_object('visit_id', d.visit_id, 'refill_no', d.refill_no, 'visit_date_time', d.visit_date_time, 'pharmacist_id', d.pharmacist_id, 'days', d.days, 'status', d.status)), '[]'::json)"
  : "json_group_array(json_object('visit_id', d.visit_id, 'refill_no', d.refill_no, 'visit_date_time', d.visit_date_time, 'pharmacist_id', d.pharmacist_id, 'days', d.days, 'status', d.status))";
const LOOKUP = `SELECT prescriptions.*, patients.name AS patient_name,
  (SELECT ${dispensingsJson} FROM dispensings d WHERE d.original_visit_id = prescriptions.original_visit_id) AS dispensings_json
  FROM prescriptions LEFT JOIN patients ON patients.national_id = prescriptions.national_id
  WHERE prescriptions.original_visit_id = ${p(1)}`;
const UPSERT_PATIENT = `INSERT INTO patients (national_id, birth_date, created_at, updated_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(3)})
  ON CONFLICT (national_id) DO UPDATE SET birth_date = excluded.birth_date, updated_at = excluded.updated_at`;
const UPSERT_PRESCRIPTION = `INSERT INTO prescriptions (original_visit_id, national_id, prescriber_institution_code,
  original_visit_date_time, chronic, refill_count, days_per_refill, total_days, orders_json, nhi_status_json,
  nhi_checked_at, created_at, updated_at)
  VALUES (${[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11, 11].map(p).join(", ")})
  ON CONFLICT (original_visit_id) DO UPDATE SET nhi_status_json = excluded.nhi_status_json,
  nhi_checked_at = excluded.nhi_checked_at, updated_at = excluded.updated_at`;
const UPSERT_REFILL = `INSERT INTO nhi_refills (original_visit_id, refill_no, state, restored, updated_at)
  VALUES (${p(1)}, ${p(2)}, 'undispensed', 0, ${p(3)})
  ON CONFLICT (original_visit_id, refill_no) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`;

const db = postgres ? pgBare(target) : await sqliteBare(target);
const nhi = await nhiRecords(sandboxFile);

const router = new Router();
router.post("/checks", async (ctx) => {
  let text = "";
  for await (const chunk of ctx.req) text += chunk;
  const visitId = (JSON.parse(text) as { visitId: string }).visitId;
  const stored = nhi.get(visitId);
  if (!stored) {
    ctx.status = 404;
    ctx.body = { error: "unknown visit ID" };
    return;
  }
  const mb1 = stored.record.mb1;
  const status = JSON.stringify(stored.record);
  let [row] = await db.query(LOOKUP, [visitId]);
  if (row?.nhi_status_json !== status) {
    const now = new Date().toISOString();
    const refills = Number(mb1.M26 ?? 1);
    await db.transaction([
      [UPSERT_PATIENT, [mb1.M03, mb1.M04, now]],
      [
        UPSERT_PRESCRIPTION,
        [
          visitId,
          mb1.M03,
          mb1.M05,
          mb1.M11,
          refills > 1 ? 1 : 0,
          refills,
          Number(mb1.M20),
          mb1.M21 ? Number(mb1.M21) : null,
          JSON.stringify(stored.record.mb2),
          status,
          now,
        ],
      ],
      ...Array.from({ length: refills }, (_, i): [string, unknown[]] => [UPSERT_REFILL, [visitId, i + 1, now]]),
    ]);
    [row] = await db.query(LOOKUP, [visitId]);
  }
  const dispensings = row?.dispensings_json;
  ctx.body = {
    visitId,
    refillNo: 1,
    refillCount: row?.refill_count,
    prescription: { ...row, dispensings_json: undefined, nhi_status_json: undefined },
    patientName: row?.patient_name ?? null,
    dispensings: typeof dispensings === "string" ? JSON.parse(dispensings) : dispensings,
    nhi: stored.record.mb1,
  };
});
const app = new Koa();
app.use(router.routes());
const server = createServer(app.callback());
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
