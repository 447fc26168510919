/**
 * The dispensing service (調劑服務), the one entry point the terminal UI, the API and the CLI use. A prescription
 * travels top-down through it:
 *
 *   scan     the visit ID from the scanner, keyboard or photo (src/scan) arrives as `visitIdInput`
 *   check    ./check.ts     NHI's status + our dispensings → the domain's decision (src/domain/decision.ts)
 *   dispense ./dispense.ts  the decision again with the card, our own visit (./own-visit.ts), the 2.0 record
 *   record   ./record.ts    one transaction: dispensing, outbox entry, refill events, audit
 *   upload   ./outbox/      batches to NHI within 24 hours, check reports, re-checks, retries
 *
 * Beside the path: ./amend.ts (delete H01=D, correct the same M15) and ./queries.ts (history, refills due, log).
 * All SQL is in ./store/ and ./outbox/; the rules are in src/domain/.
 */
import { sql } from "kysely";
import type { RocDate } from "../domain/roc-date.js";
import { correctDispensing, deleteDispensing } from "./amend.js";
import { check } from "./check.js";
import { type DispensingServiceOptions, type ServiceContext, serviceContext } from "./context.js";
import { dispense } from "./dispense.js";
import { acknowledgeIncident, listIncidents } from "./incidents.js";
import { withTimeout } from "./nhi-calls.js";
import { outboxEntries } from "./outbox/entries.js";
import { retryOutboxEntry } from "./outbox/retry.js";
import { runOutbox as runOutboxOnce } from "./outbox/run.js";
import { DEFAULT_OUTBOX_SETTINGS, type OutboxSettings, type RunResult } from "./outbox/settings.js";
import { outboxStatus } from "./outbox/status.js";
import { evaluatePaper, type PaperCheckRequest } from "./paper/check-paper.js";
import { dispensePaper } from "./paper/dispense-paper.js";
import * as queries from "./queries.js";
import type {
  AcknowledgeIncidentRequest,
  CardIdentity,
  CorrectRequest,
  Decision,
  DeleteRequest,
  DispenseRequest,
  DispenseResult,
  DispensingServiceApi,
  DispensingView,
  IncidentQuery,
  IncidentResult,
  IncidentView,
  MutationResult,
  OutboxEntryView,
  OutboxStatus,
  PaperCheckResult,
  PaperDispenseRequest,
  PrescriptionView,
  RefillDue,
  RefillEventView,
  RefillLogQuery,
  ServiceHealth,
  UploadState,
} from "./types.js";

export type { DispensingServiceOptions, PharmacyIdentity } from "./context.js";
export { type CommitDispensingInput, commitDispensing } from "./record.js";

export class DispensingService implements DispensingServiceApi {
  readonly #ctx: ServiceContext;
  readonly #options: DispensingServiceOptions;
  readonly #outbox: OutboxSettings;
  #outboxRun: Promise<RunResult> | undefined;
  #closed = false;

  constructor(options: DispensingServiceOptions) {
    this.#options = options;
    this.#ctx = serviceContext(options);
    this.#outbox = { ...DEFAULT_OUTBOX_SETTINGS, timeoutMs: this.#ctx.timeoutMs, ...options.outbox };
  }

  get db() {
    return this.#ctx.db;
  }
  get engine() {
    return this.#options.engine;
  }
  get nhi() {
    return this.#ctx.nhi;
  }
  get pharmacy() {
    return this.#ctx.pharmacy;
  }
  get now() {
    return this.#ctx.now;
  }

  // ---------------------------------------------------------------- the dispensing path

  check(input: { visitIdInput: string; card?: CardIdentity }): Promise<Decision> {
    return check(this.#ctx, input);
  }

  dispense(request: DispenseRequest): Promise<DispenseResult> {
    return dispense(this.#ctx, request);
  }

  // ---------------------------------------------------------------- prescriptions entered from the paper

  checkPaper(request: PaperCheckRequest): Promise<PaperCheckResult> {
    return evaluatePaper(this.#ctx, request).then((e) => e.result);
  }

  dispensePaper(request: PaperDispenseRequest): Promise<DispenseResult> {
    return dispensePaper(this.#ctx, request);
  }

  // ---------------------------------------------------------------- incidents found by re-checks

  incidents(query?: IncidentQuery): Promise<IncidentView[]> {
    return listIncidents(this.#ctx, query);
  }

  acknowledgeIncident(request: AcknowledgeIncidentRequest): Promise<IncidentResult> {
    return acknowledgeIncident(this.#ctx, request);
  }

  // ---------------------------------------------------------------- amending our records

  deleteDispensing(request: DeleteRequest): Promise<MutationResult> {
    return deleteDispensing(this.#ctx, request);
  }

  correctDispensing(request: CorrectRequest): Promise<MutationResult> {
    return correctDispensing(this.#ctx, request);
  }

  // ---------------------------------------------------------------- queries

  getDispensing(id: string): Promise<DispensingView | undefined> {
    return queries.getDispensing(this.#ctx, id);
  }

  recentDispensings(limit: number): Promise<DispensingView[]> {
    return queries.recentDispensings(this.#ctx, limit);
  }

  prescription(originalVisitId: string): Promise<PrescriptionView | undefined> {
    return queries.prescription(this.#ctx, originalVisitId);
  }

  // Lists read whole tables: they wait until the answers checks left queued are stored (milliseconds), so that
  // they show every prescription and NHI event a check has seen.

  async patientPrescriptions(nationalId: string): Promise<PrescriptionView[]> {
    await this.#ctx.statusesStored();
    return queries.patientPrescriptions(this.#ctx, nationalId);
  }

  async refillsDue(query: { from: RocDate; to: RocDate }): Promise<RefillDue[]> {
    await this.#ctx.statusesStored();
    return queries.refillsDue(this.#ctx, query);
  }

  async refillLog(query: RefillLogQuery): Promise<RefillEventView[]> {
    await this.#ctx.statusesStored();
    return queries.refillLog(this.#ctx, query);
  }

  // ---------------------------------------------------------------- upload

  outboxStatus(): Promise<OutboxStatus> {
    return outboxStatus(this.db, this.now());
  }

  outboxEntries(filter?: { state?: UploadState }): Promise<OutboxEntryView[]> {
    return outboxEntries(this.db, filter);
  }

  /** Runs the outbox once; concurrent callers share the run in progress. */
  runOutbox(): Promise<RunResult> {
    this.#outboxRun ??= runOutboxOnce({
      db: this.db,
      engine: this.#ctx.options.engine,
      nhi: this.nhi,
      caller: this.#ctx.caller,
      now: this.now,
      settings: this.#outbox,
    }).finally(() => {
      this.#outboxRun = undefined;
    });
    return this.#outboxRun;
  }

  retryOutboxEntry(id: string): Promise<boolean> {
    return retryOutboxEntry(this.db, id, this.now);
  }

  // ---------------------------------------------------------------- lifecycle

  async health(): Promise<ServiceHealth> {
    let database = true;
    try {
      await sql`SELECT 1`.execute(this.db);
    } catch {
      database = false;
    }
    let nhiReachable = false;
    try {
      nhiReachable = await withTimeout("ping", Math.min(this.#ctx.timeoutMs, 3000), () => this.nhi.ping());
    } catch {
      nhiReachable = false;
    }
    const outbox = database ? await this.outboxStatus() : { waiting: 0, rejected: 0, accepted: 0 };
    return { database, nhiReachable, outbox };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#outboxRun?.catch(() => undefined);
    await this.#ctx.statusesStored();
    await this.#ctx.blockedEvents.flushed();
    await this.#options.onClose?.();
  }
}
