/** The outbox's settings and the one 24-hour upload deadline (seed 000: upload within 24 hours of M11). */
import type { Kysely } from "kysely";
import type { Engine } from "../../db/migrations.js";
import type { Database } from "../../db/schema.js";
import type { NhiCaller, NhiClient } from "../../nhi/client.js";

export const DEADLINE_MS = 24 * 60 * 60 * 1000;

export interface OutboxSettings {
  batchSize: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** How long an "uploading" claim is held before another run may take it over (crash recovery). */
  leaseMs: number;
  timeoutMs: number;
}

export const DEFAULT_OUTBOX_SETTINGS: OutboxSettings = {
  batchSize: 100,
  baseBackoffMs: 30_000,
  maxBackoffMs: 60 * 60_000,
  leaseMs: 5 * 60_000,
  timeoutMs: 15_000,
};

export function backoffMs(attempts: number, settings: OutboxSettings): number {
  return Math.min(settings.maxBackoffMs, settings.baseBackoffMs * 2 ** Math.max(0, attempts - 1));
}

export interface RunResult {
  uploaded: number;
  accepted: number;
  rejected: number;
  failed: number;
}

export interface OutboxContext {
  db: Kysely<Database>;
  engine: Engine;
  nhi: NhiClient;
  caller: NhiCaller;
  now: () => Date;
  settings: OutboxSettings;
}
