/**
 * Queries over a period (refill logs, refills due): the queries a report runs, each bounded by the report's dates and answered in a fixed
 * number of statements (set-based, never one per row), so a month costs the same on a young pharmacy's database as
 * on one with millions of older dispensings. Every query here has an index (migration "report indexes").
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "../../db/schema.js";
import { prescriptionView, refillFacts } from "../../domain/decision.js";
import { MAX_DAYS_PER_DISPENSING, WINDOW_DAYS_BEFORE_RUN_OUT } from "../../domain/limits.js";
import { nextRefill, windowFor, windowPosition } from "../../domain/refill-rules.js";
import { addDays, type RocDate } from "../../domain/roc-date.js";
import { groupBy } from "../../reports/group.js";
import type { DispensingView, OutboxEntryView, PrescriptionView, RefillDue } from "../types.js";
import { type LocalDispensing, localFacts } from "./local-state.js";
import { cachedStatus } from "./prescriptions.js";
import { dispensingView, outboxView } from "./views.js";

type Db = Kysely<Database>;
/**
 * The prescriptions whose refill window may meet [from, to]: the refill before it was dispensed (here or, as NHI
 * told us, elsewhere) on a day P with N days of supply such that its window (P + N − 10 … P + N − 1, 1 ≤ N ≤ 90)
 * meets the range. The index finds the dispensings between from − 89 and to + 9 days; each one's own N then narrows
 * that to P between from − (N − 1) and to − max(0, N − 10), in SQL (a CASE over N), so a quiet day's log loads
 * the handful of prescriptions due around it, not the three months of a busy pharmacy's prescriptions (~3,000 on
 * the benchmark's database: 100–200 ms of a 3-page log). A refill NHI reported without its days stays a candidate.
 */
function dueCandidates(db: Db, from: RocDate, to: RocDate) {
  const earliest = `${addDays(from, 1 - MAX_DAYS_PER_DISPENSING)}000000`;
  const latest = `${addDays(to, WINDOW_DAYS_BEFORE_RUN_OUT - 1)}235959`;
  // Supplies in tens (1–9, 10–19, …, 80–89; anything else, a missing one included, takes the widest bounds), each
  // with the loosest bound of its ten: a few candidates too many, filtered exactly below, for a statement of nine
  // branches instead of ninety (PostgreSQL plans it for every report).
  const tens = Array.from({ length: Math.floor(MAX_DAYS_PER_DISPENSING / 10) }, (_, i) => ({
    lo: Math.max(1, 10 * i),
    hi: 10 * i + 9,
  }));
  const bySupply = (pick: (ten: { lo: number; hi: number }) => string, otherwise: string) =>
    sql<string>`CASE ${sql.join(
      tens.map((ten) => sql`WHEN ${sql.ref("days")} <= ${sql.lit(ten.hi)} THEN ${pick(ten)}`),
      sql` `,
    )} ELSE ${otherwise} END`;
  const first = bySupply(({ hi }) => `${addDays(from, 1 - hi)}000000`, earliest);
  const last = bySupply(({ lo }) => `${addDays(to, -Math.max(0, lo - WINDOW_DAYS_BEFORE_RUN_OUT))}235959`, latest);
  return db
    .selectFrom("dispensings")
    .select("original_visit_id")
    .where("visit_date_time", ">=", earliest)
    .where("visit_date_time", "<=", latest)
    .where("visit_date_time", ">=", first)
    .where("visit_date_time", "<=", last)
    .where("status", "=", "active")
    .union(
      db
        .selectFrom("nhi_refills")
        .select("original_visit_id")
        .where("dispensed_at", ">=", earliest)
        .where("dispensed_at", "<=", latest)
        .where("dispensed_at", ">=", first)
        .where("dispensed_at", "<=", last),
    );
}

/** Which prescriptions to load: a list of M16, or a query that yields them. */
type IdSource = readonly string[] | ReturnType<typeof dueCandidates>;

/** At most this many IDs go into one IN list (SQLite's and PostgreSQL's parameter limits are far above it). */
const CHUNK = 900;

interface LoadedPrescription {
  view: PrescriptionView;
  facts: ReturnType<typeof refillFacts>;
}

/** Prescriptions with their refill facts, for the prescriptions `filter` selects: three statements. */
async function loadPrescriptions(
  db: Db,
  ids: IdSource,
  pharmacyCode: string,
): Promise<Map<string, LoadedPrescription>> {
  const [rows, dispensings, refills] = await Promise.all([
    db
      .selectFrom("prescriptions")
      .leftJoin("patients", "patients.national_id", "prescriptions.national_id")
      .selectAll("prescriptions")
      .select("patients.name as patient_name")
      .where("prescriptions.original_visit_id", "in", ids)
      .execute(),
    db
      .selectFrom("dispensings")
      .select(["original_visit_id", "visit_id", "refill_no", "visit_date_time", "pharmacist_id", "days", "status"])
      .where("dispensings.original_visit_id", "in", ids)
      .execute(),
    db
      .selectFrom("nhi_refills")
      .selectAll()
      .where("nhi_refills.original_visit_id", "in", ids)
      .orderBy("refill_no")
      .execute(),
  ]);
  const byPrescription = (row: { original_visit_id: string }) => row.original_visit_id;
  const dispensingsOf = groupBy<LocalDispensing & { original_visit_id: string }, string>(dispensings, byPrescription);
  const refillsOf = groupBy(refills, byPrescription);
  const loaded = new Map<string, LoadedPrescription>();
  for (const { patient_name, ...row } of rows) {
    const status = cachedStatus(row, refillsOf.get(row.original_visit_id) ?? []);
    const own = (dispensingsOf.get(row.original_visit_id) ?? []).sort((a, b) => a.refill_no - b.refill_no);
    const facts = refillFacts(
      status,
      localFacts(own.filter((d) => d.status === "active")),
      pharmacyCode,
      own.filter((d) => d.status === "deleted").map((d) => d.visit_id),
    );
    loaded.set(row.original_visit_id, { view: prescriptionView(status, facts, patient_name ?? undefined), facts });
  }
  return loaded;
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export interface ReportStore {
  /** The prescriptions asked for (those we hold), in one pass of three statements per 900 IDs. */
  prescriptions(originalVisitIds: readonly string[]): Promise<Map<string, PrescriptionView>>;
  /** Our dispensings whose card write (M11) falls in the range, deleted ones included, with their upload state. */
  dispensings(range: { from: RocDate; to: RocDate }): Promise<DispensingView[]>;
  /** Every A/B upload entry of the dispensings in the range (for the 24-hour KPI). */
  outboxFor(range: { from: RocDate; to: RocDate }): Promise<OutboxEntryView[]>;
  /** Chronic refills whose window meets the range, from the prescriptions dispensed shortly before it. */
  refillsDue(range: { from: RocDate; to: RocDate }): Promise<RefillDue[]>;
}

export function reportStore(db: Db, pharmacyCode: string, today: () => RocDate): ReportStore {
  const inRange = (range: { from: RocDate; to: RocDate }) =>
    db
      .selectFrom("dispensings")
      .select("id")
      .where("visit_date_time", ">=", `${range.from}000000`)
      .where("visit_date_time", "<=", `${range.to}235959`);

  return {
    async prescriptions(ids) {
      const found = new Map<string, PrescriptionView>();
      for (const part of chunks([...new Set(ids)])) {
        const loaded = await loadPrescriptions(db, part, pharmacyCode);
        for (const [id, p] of loaded) found.set(id, p.view);
      }
      return found;
    },

    async dispensings(range) {
      const [rows, outbox] = await Promise.all([
        db
          .selectFrom("dispensings")
          .selectAll()
          .where("visit_date_time", ">=", `${range.from}000000`)
          .where("visit_date_time", "<=", `${range.to}235959`)
          .orderBy("visit_date_time")
          .orderBy("id")
          .execute(),
        db
          .selectFrom("outbox")
          .selectAll()
          .where("dispensing_id", "in", inRange(range))
          .where("state", "!=", "superseded")
          .orderBy("created_at")
          .orderBy("revision")
          .execute(),
      ]);
      const latest = new Map(outbox.map((row) => [row.dispensing_id, row]));
      return rows.map((row) => dispensingView(row, latest.get(row.id)));
    },

    async outboxFor(range) {
      const rows = await db
        .selectFrom("outbox")
        .selectAll()
        .where("dispensing_id", "in", inRange(range))
        .where("data_format", "in", ["A", "B"])
        .execute();
      // A superseded entry that never went up was replaced before upload; it says nothing about timeliness.
      return rows.filter((row) => row.state !== "superseded" || row.uploaded_at).map(outboxView);
    },

    async refillsDue({ from, to }) {
      // Older and newer history is never read: only the prescriptions dispensed shortly before the range. The
      // candidates are found once; the three loads then look them up by key (or, past one IN list, by the query).
      const candidates = dueCandidates(db, from, to);
      const ids = (await candidates.execute()).map((row) => row.original_visit_id);
      if (ids.length === 0) return [];
      const loaded = await loadPrescriptions(db, ids.length <= CHUNK ? ids : candidates, pharmacyCode);
      const now = today();
      const due: RefillDue[] = [];
      for (const [id, { view, facts }] of loaded) {
        if (!view.chronic || !facts.some((f) => f.dispensedHere)) continue;
        const next = nextRefill(facts, view.refillCount);
        if (!next || next.state === "cancelled") continue;
        const window = windowFor(facts, next.refillNo);
        if (!window || window.to < from || window.from > to) continue;
        const position = windowPosition(window, now);
        const item: RefillDue = {
          originalVisitId: id,
          nationalId: view.nationalId,
          refillNo: next.refillNo,
          window,
          state: position === "after" ? "missed" : position === "inside" ? "due" : "upcoming",
        };
        if (view.patientName) item.patientName = view.patientName;
        due.push(item);
      }
      return due.sort(
        (a, b) => a.window.from.localeCompare(b.window.from) || a.originalVisitId.localeCompare(b.originalVisitId),
      );
    },
  };
}
