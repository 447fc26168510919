/**
 * What every part of the dispensing service shares: the database, NHI, our pharmacy, the clock, and the batchers
 * that let concurrent counters share one read (scans) and one write (NHI's answers, blocked attempts).
 */
import type { Kysely } from "kysely";
import { Batcher } from "../db/batcher.js";
import type { Engine } from "../db/migrations.js";
import type { Database } from "../db/schema.js";
import type { NhiCaller, NhiClient } from "../nhi/client.js";
import { LastSeen } from "./last-seen.js";
import type { OutboxSettings } from "./outbox/settings.js";
import { addRefillEvents, type RefillEventInput } from "./store/events.js";
import {
  type LocalState,
  type LookupAnswer,
  type LookupAsk,
  loadLocalState,
  lookUpPrescriptions,
  MAX_LOOKUP_BATCH,
} from "./store/local-state.js";
import { type StatusSync, syncPrescriptionStatuses } from "./store/status-sync.js";

export interface PharmacyIdentity {
  /** Our institution code (M05). */
  pharmacyCode: string;
  name?: string;
}

export interface DispensingServiceOptions {
  db: Kysely<Database>;
  engine: Engine;
  nhi: NhiClient;
  pharmacy: PharmacyIdentity;
  now?: () => Date;
  /** NHI calls slower than this count as unreachable (ms). */
  nhiTimeoutMs?: number;
  outbox?: Partial<OutboxSettings>;
  /** Closes what the service was given (database, sandbox) on `close()`. */
  onClose?: () => Promise<void>;
  /** Institution names for messages (e.g. from the sandbox registry). */
  institutionName?: (code: string) => string | undefined;
  /**
   * An answer of NHI's that a check queued for storing and that could not be stored (it is not lost: NHI still holds
   * it, and the next scan or dispensing of the prescription stores it again, waiting for the write).
   */
  onStoreError?: (error: unknown, originalVisitId: string) => void;
  /** Test seam: runs inside the dispensing transaction right after the refill is claimed. */
  hooks?: { afterClaim?: (dispensingId: string) => Promise<void> };
}

export interface ServiceContext {
  readonly db: Kysely<Database>;
  readonly nhi: NhiClient;
  readonly pharmacy: PharmacyIdentity;
  /** Who we are when calling NHI. */
  readonly caller: NhiCaller;
  readonly now: () => Date;
  /** NHI calls slower than this count as unreachable (ms). */
  readonly timeoutMs: number;
  readonly options: DispensingServiceOptions;
  /** When NHI last answered about a prescription (M16), kept in memory (bounded) when the answer said nothing new. */
  readonly lastSeen: LastSeen;
  /** Blocked attempts from concurrent counters are written together (each caller still waits for its commit). */
  readonly blockedEvents: Batcher<RefillEventInput>;
  /**
   * Stores NHI's answer about a prescription; answers from concurrent scans go in one statement (group commit),
   * and each caller waits until its own answer is committed.
   */
  syncStatus(sync: StatusSync): Promise<void>;
  /**
   * Queues NHI's answer for the same group commit without waiting for it (a check: its decision is made from NHI's
   * answer, and what we store is a copy of it). Waits only when more than MAX_QUEUED_STATUSES are queued, so that
   * storing keeps up with scanning. A failure goes to `onStoreError`.
   */
  queueStatus(sync: StatusSync): Promise<void>;
  /** Settles when every answer queued so far is stored (or has failed). */
  statusesStored(): Promise<void>;
  /**
   * Our state of one prescription, read after any queued answer about it is stored. `cached`: also rebuild NHI's
   * last answer from our tables (the default). `nationalId`: the patient NHI says it is for, whose name we know
   * answers for a prescription we do not hold yet (NHI names nobody).
   */
  localState(originalVisitId: string, options?: { cached?: boolean; nationalId?: string }): Promise<LocalState>;
}

export function serviceContext(options: DispensingServiceOptions): ServiceContext {
  const { db, engine } = options;
  /** Concurrent scans share one read of our tables (each still sees every commit made before it asked). */
  const prescriptions = new Batcher<LookupAsk, LookupAnswer>((asks) => lookUpPrescriptions(db, engine, asks), {
    maxBatch: MAX_LOOKUP_BATCH,
  });
  const find = (ask: LookupAsk) => prescriptions.add(ask);
  /** A check's answer while it waits in `statusSyncs` (a read of that prescription waits for it). */
  const queuedStatuses = new Map<string, Promise<void>>();
  const statusSyncs = new Batcher<StatusSync, unknown>((syncs) => writeStatuses(db, engine, syncs, options.pharmacy), {
    maxBatch: MAX_STATUS_BATCH,
  });
  return {
    db,
    nhi: options.nhi,
    pharmacy: options.pharmacy,
    caller: { institutionCode: options.pharmacy.pharmacyCode },
    now: options.now ?? (() => new Date()),
    timeoutMs: options.nhiTimeoutMs ?? 10_000,
    options,
    lastSeen: new LastSeen(),
    blockedEvents: new Batcher<RefillEventInput>(async (events) => {
      await addRefillEvents(db, events);
      return undefined;
    }),
    async syncStatus(sync) {
      const error = await statusSyncs.add(sync);
      if (error) throw error;
    },
    queueStatus(sync) {
      const id = sync.status.originalVisitId;
      const report = (error: unknown) => {
        try {
          options.onStoreError?.(error, id);
        } catch {
          // A failing report must not fail later reads of this prescription, nor the process.
        }
      };
      const stored: Promise<void> = statusSyncs.add(sync).then((error) => {
        if (error) report(error);
      }, report);
      const entry = stored.finally(() => {
        if (queuedStatuses.get(id) === entry) queuedStatuses.delete(id);
      });
      queuedStatuses.set(id, entry);
      return statusSyncs.queued > MAX_QUEUED_STATUSES ? entry : Promise.resolve();
    },
    statusesStored: () => statusSyncs.flushed(),
    async localState(originalVisitId, read = {}) {
      await queuedStatuses.get(originalVisitId);
      const ask = read.nationalId ? { originalVisitId, nationalId: read.nationalId } : { originalVisitId };
      return loadLocalState(db, find, ask, { cached: read.cached ?? true });
    },
  };
}

/** NHI answers per commit: a few hundred rows per statement, within every engine's limit on bound parameters. */
const MAX_STATUS_BATCH = 64;

/**
 * Answers a check may leave queued for storing before it waits for its own: two commits' worth, a few milliseconds
 * of writing.
 */
export const MAX_QUEUED_STATUSES = 2 * MAX_STATUS_BATCH;

/**
 * One statement for all the answers; if it fails, each answer alone, so that one bad answer fails only its own
 * scan. Answers each item's error (or undefined).
 */
async function writeStatuses(
  db: Kysely<Database>,
  engine: Engine,
  syncs: StatusSync[],
  pharmacy: PharmacyIdentity,
): Promise<unknown[]> {
  const write = (batch: StatusSync[]) => syncPrescriptionStatuses(db, engine, batch, pharmacy.pharmacyCode);
  try {
    await write(syncs);
    return syncs.map(() => undefined);
  } catch (error) {
    if (syncs.length === 1) return [error];
    const errors: unknown[] = [];
    for (const sync of syncs)
      errors.push(
        await write([sync]).then(
          () => undefined,
          (e: unknown) => e,
        ),
      );
    return errors;
  }
}
