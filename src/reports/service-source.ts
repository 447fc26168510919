/**
 * The report source over the real dispensing service. Adds the two range queries the builder wants for busy
 * months (the service's `outboxEntries()` stops at 1,000 entries): dispensings by card-write date and the A/B
 * upload entries of exactly those dispensings — read-only queries on the service's own tables.
 */
import type { Rxdesk } from "../service/bootstrap.js";
import { outboxView } from "../service/store.js";
import type { DispensingView, OutboxEntryView } from "../service/types.js";
import type { RefillLogSource } from "./refill-log-data.js";
import type { SlipSource } from "./slip-data.js";

const CHUNK = 500;

export function reportSourceFor(rx: Pick<Rxdesk, "service" | "dispensing">): RefillLogSource & SlipSource {
  const service = rx.service;
  const db = rx.dispensing.db;
  return {
    refillLog: (query) => service.refillLog(query),
    refillsDue: (query) => service.refillsDue(query),
    prescription: (id) => service.prescription(id),
    outboxEntries: (filter) => service.outboxEntries(filter),
    getDispensing: (id) => service.getDispensing(id),
    async dispensings({ from, to }) {
      const rows = await db
        .selectFrom("dispensings")
        .select("id")
        .where("visit_date_time", ">=", `${from}000000`)
        .where("visit_date_time", "<=", `${to}235959`)
        .orderBy("visit_date_time")
        .orderBy("id")
        .execute();
      const views: DispensingView[] = [];
      for (const { id } of rows) {
        const view = await service.getDispensing(id);
        if (view) views.push(view);
      }
      return views;
    },
    async outboxFor(ids) {
      const entries: OutboxEntryView[] = [];
      for (let i = 0; i < ids.length; i += CHUNK) {
        const rows = await db
          .selectFrom("outbox")
          .selectAll()
          .where("dispensing_id", "in", ids.slice(i, i + CHUNK))
          .where("data_format", "in", ["A", "B"])
          .execute();
        // A superseded entry that never went up was replaced before upload; it says nothing about timeliness.
        for (const row of rows) if (row.state !== "superseded" || row.uploaded_at) entries.push(outboxView(row));
      }
      return entries;
    },
  };
}
