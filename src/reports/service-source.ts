/**
 * The report source over the real dispensing service: events from the service, and the range queries of the report
 * store (dispensings by card-write date with their uploads, prescriptions in bulk, refills due bounded by dates),
 * read-only queries on the service's own tables that cost in proportion to the period, not to the history.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { rocDateFromDate } from "../domain/roc-date.js";
import type { PharmacyIdentity } from "../service/context.js";
import { reportStore } from "../service/store/period.js";
import type { DispensingServiceApi } from "../service/types.js";
import type { RefillLogSource } from "./refill-log-data.js";
import type { SlipSource } from "./slip-data.js";

/** What a report reads of the service (the whole service, or the report-only start of ./report-source.ts). */
export interface ReportService {
  service: Pick<DispensingServiceApi, "refillLog" | "prescription" | "outboxEntries" | "getDispensing">;
  dispensing: { db: Kysely<Database>; pharmacy: PharmacyIdentity; now: () => Date };
}

export function reportSourceFor(rx: ReportService): RefillLogSource & SlipSource {
  const service = rx.service;
  const { db, pharmacy, now } = rx.dispensing;
  const store = reportStore(db, pharmacy.pharmacyCode, () => rocDateFromDate(now()));
  return {
    refillLog: (query) => service.refillLog(query),
    refillsDue: (query) => store.refillsDue(query),
    prescription: (id) => service.prescription(id),
    prescriptions: (ids) => store.prescriptions(ids),
    outboxEntries: (filter) => service.outboxEntries(filter),
    getDispensing: (id) => service.getDispensing(id),
    dispensings: (range) => store.dispensings(range),
    outboxFor: (range) => store.outboxFor(range),
  };
}
