/** The upload queue's counts and the 24-hour KPI (share of records first uploaded within their deadline). */
import { sql } from "kysely";
import type { Db } from "../store/db.js";
import type { OutboxStatus } from "../types.js";

export async function outboxStatus(db: Db, now: Date): Promise<OutboxStatus> {
  const counts = await db
    .selectFrom("outbox")
    .select(["state", (eb) => eb.fn.countAll<string>().as("n"), (eb) => eb.fn.min("created_at").as("oldest")])
    .where("state", "!=", "superseded")
    .groupBy("state")
    .execute();
  const n = (state: string) => Number(counts.find((c) => c.state === state)?.n ?? 0);
  const oldest = counts
    .filter((c) => c.state === "pending" || c.state === "uploading")
    .map((c) => c.oldest as string | null)
    .filter((x): x is string => !!x)
    .sort()[0];
  // KPI: per record (M15) of a dispensing, first upload within 24 h of the card write. Records still waiting
  // count only once their deadline has passed; records withdrawn before any upload (superseded only) do not count.
  const kpi = await db
    .selectFrom(
      db
        .selectFrom("outbox")
        .select([
          "visit_id",
          (eb) => eb.fn.min("uploaded_at").as("first_upload"),
          (eb) => eb.fn.min("deadline").as("deadline"),
          (eb) => eb.fn.sum<number>(sql<number>`CASE WHEN state <> 'superseded' THEN 1 ELSE 0 END`).as("live"),
        ])
        .where("data_format", "in", ["A", "B"])
        .groupBy("visit_id")
        .as("r"),
    )
    .select([
      sql<number>`SUM(CASE WHEN first_upload IS NOT NULL AND first_upload <= deadline THEN 1 ELSE 0 END)`.as("on_time"),
      sql<number>`SUM(CASE WHEN first_upload IS NOT NULL OR (deadline < ${now.toISOString()} AND live > 0) THEN 1 ELSE 0 END)`.as(
        "due",
      ),
    ])
    .executeTakeFirst();
  const status: OutboxStatus = {
    waiting: n("pending") + n("uploading") + n("uploaded"),
    rejected: n("rejected"),
    accepted: n("accepted"),
  };
  if (oldest) status.oldestWaitingAgeMs = Math.max(0, now.getTime() - new Date(oldest).getTime());
  const due = Number(kpi?.due ?? 0);
  if (due > 0) status.uploadedWithin24hShare = Number(kpi?.on_time ?? 0) / due;
  return status;
}
