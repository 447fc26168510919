/**
 * The report source over the real dispensing service: events from the service, and the range queries of the report
 * store (dispensings by card-write date with their uploads, prescriptions in bulk, refills due bounded by dates),
 * read-only queries on the service's own tables that cost in proportion to the period, not to the history.
 */
import { rocDateFromDate } from "../domain/roc-date.js";
import type { Rxdesk } from "../service/bootstrap.js";
import { reportStore } from "../service/store/period.js";
import type { RefillLogSource } from "./refill-log-data.js";
import type { SlipSource } from "./slip-data.js";

export function reportSourceFor(rx: Pick<Rxdesk, "service" | "dispensing">): RefillLogSource & SlipSource {
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
