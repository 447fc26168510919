/**
 * A report-only start: the database and the read-only queries of the dispensing service, nothing else. Reports read
 * our own tables only, so `rxdesk report …` does not start the in-process NHI sandbox, the outbox or anything of the
 * card (and the bundled report command does not even load their code): on a three-page log that start was a
 * third of the command's time. Any NHI call from this context is a bug and throws.
 */
import { mkdirSync } from "node:fs";
import { dataDirOf, rxdeskConfig } from "../config.js";
import { databaseConfigFor, openDatabase } from "../db/open.js";
import type { NhiClient } from "../nhi/client.js";
import type { PharmacyIdentity } from "../service/context.js";
import { serviceContext } from "../service/context.js";
import { outboxEntries } from "../service/outbox/entries.js";
import * as queries from "../service/queries.js";
import type { RefillLogSource } from "./refill-log-data.js";
import { type ReportService, reportSourceFor } from "./service-source.js";
import type { SlipSource } from "./slip-data.js";

export interface ReportSourceOptions {
  /** Data folder (default RXDESK_DATA_DIR or ./data). */
  dataDir?: string;
  /** SQLite file (default `<dataDir>/rxdesk.sqlite3`; RXDESK_DATABASE_URL selects PostgreSQL). */
  dbFile?: string;
  pharmacy?: Partial<PharmacyIdentity>;
  now?: () => Date;
}

export interface OpenReportSource {
  source: RefillLogSource & SlipSource;
  pharmacy: PharmacyIdentity;
  close(): Promise<void>;
}

function noNhi(): never {
  throw new Error("report-only start: reports never call NHI");
}

/** Stands in for NHI in a context that only reads: every call throws. */
const NO_NHI: NhiClient = {
  upload: noNhi,
  fetchCheckReport: noNhi,
  prescriptionStatus: noNhi,
  verifyVirtualCard: noNhi,
  ping: noNhi,
  passCard: noNhi,
  offlineVisitId: noNhi,
};

/** Opens the database (migrating it like any start) and returns the report source over it. */
export async function openReportSource(options: ReportSourceOptions = {}): Promise<OpenReportSource> {
  const dataDir = dataDirOf(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const configured = rxdeskConfig().pharmacy;
  const pharmacy: PharmacyIdentity = {
    pharmacyCode: configured.pharmacyCode,
    name: configured.name,
    ...options.pharmacy,
  };
  const now = options.now ?? (() => new Date());
  const opened = await openDatabase(
    databaseConfigFor({ dataDir, ...(options.dbFile ? { dbFile: options.dbFile } : {}) }),
  );
  const ctx = serviceContext({ db: opened.db, engine: opened.engine, nhi: NO_NHI, pharmacy, now });
  const service: ReportService["service"] = {
    refillLog: (query) => queries.refillLog(ctx, query),
    prescription: (id) => queries.prescription(ctx, id),
    outboxEntries: (filter) => outboxEntries(opened.db, filter),
    getDispensing: (id) => queries.getDispensing(ctx, id),
  };
  return {
    source: reportSourceFor({ service, dispensing: { db: opened.db, pharmacy, now } }),
    pharmacy,
    close: () => opened.close(),
  };
}
