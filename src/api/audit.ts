/**
 * The API's append-only audit trail: one entry per event (dispensing, override, delete, correction, export, key
 * management, login failure, role denial), kept in the database. Each entry carries the SHA-256 of the previous one,
 * so an edited or removed entry breaks the chain (`verifyAudit`). An entry is appended in a write transaction that
 * reads the last entry and inserts the next `seq` (the primary key), so processes sharing one database extend one
 * chain. Patient national IDs are stored masked; the service's own audit keeps the full record.
 */
import { createHash } from "node:crypto";
import { type Insertable, type Kysely, sql, type Transaction } from "kysely";
import type { Engine } from "../db/migrations.js";
import type { ApiAuditTable, Database } from "../db/schema.js";
import type { Principal } from "./keys.js";

export type AuditEventType =
  | "dispensing"
  | "override"
  | "dispense-refused"
  | "delete"
  | "correct"
  | "incident-acknowledged"
  | "export"
  | "login-failure"
  | "forbidden"
  | "key-created"
  | "key-revoked"
  | "key-imported"
  | "outbox-retry"
  | "outbox-run";

export interface AuditInput {
  type: AuditEventType;
  keyId?: string;
  role?: string;
  terminalId?: string;
  pharmacistId?: string;
  requestId?: string;
  ip?: string;
  route?: string;
  /** Free-form facts (dispensing id, visit IDs, reason, NHI codes, export format …). */
  data?: Record<string, unknown>;
}

/** Who acted, as every audit entry names them: the API key, its role and its terminal. */
export function auditActor(
  principal: Pick<Principal, "keyId" | "role" | "terminalId">,
): Pick<AuditInput, "keyId" | "role" | "terminalId"> {
  return { keyId: principal.keyId, role: principal.role, terminalId: principal.terminalId };
}

export interface AuditEntry extends AuditInput {
  seq: number;
  at: string;
  prev: string;
  hash: string;
}

export interface AuditFilter {
  from?: string;
  to?: string;
  type?: AuditEventType;
  limit?: number;
}

export const GENESIS = "0".repeat(64);

export function hashEntry(entry: Omit<AuditEntry, "hash">): string {
  return createHash("sha256").update(JSON.stringify(entry)).digest("hex");
}

export interface AuditSink {
  append(input: AuditInput): Promise<AuditEntry>;
  read(filter?: AuditFilter): Promise<AuditEntry[]>;
}

/** Serializes appenders on PostgreSQL (SQLite's BEGIN IMMEDIATE already does). */
const AUDIT_LOCK = 7263002;

export class AuditLog implements AuditSink {
  constructor(
    readonly db: Kysely<Database>,
    readonly engine: Engine,
    private readonly now: () => Date = () => new Date(),
  ) {}

  append(input: AuditInput): Promise<AuditEntry> {
    return this.db.transaction().execute((trx) => this.appendIn(trx, input));
  }

  /** Appends inside a caller's transaction, so the entry commits (or not) with the change it records. */
  async appendIn(trx: Transaction<Database>, input: AuditInput): Promise<AuditEntry> {
    if (this.engine === "postgres") await sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx);
    const last = await trx
      .selectFrom("api_audit")
      .select(["seq", "hash"])
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
    const base = {
      seq: Number(last?.seq ?? 0) + 1,
      at: this.now().toISOString(),
      ...input,
      prev: last?.hash ?? GENESIS,
    };
    const entry: AuditEntry = { ...base, hash: hashEntry(base) };
    await trx.insertInto("api_audit").values(auditRow(entry)).execute();
    return entry;
  }

  async read(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    let q = this.db.selectFrom("api_audit").select("entry_json");
    if (filter.type) q = q.where("type", "=", filter.type);
    if (filter.from) q = q.where("at", ">=", filter.from);
    if (filter.to) q = q.where("at", "<", filter.to);
    const rows = filter.limit
      ? (await q.orderBy("seq", "desc").limit(filter.limit).execute()).reverse()
      : await q.orderBy("seq", "asc").execute();
    return rows.map((r) => JSON.parse(r.entry_json) as AuditEntry);
  }
}

/** The row of an entry: its seq, and its text exactly as hashed. */
export function auditRow(entry: AuditEntry): Insertable<ApiAuditTable> {
  return { seq: entry.seq, at: entry.at, type: entry.type, entry_json: JSON.stringify(entry), hash: entry.hash };
}

export type AuditVerdict = { ok: true; entries: number } | { ok: false; seq: number };

/** Checks the hash chain in seq order; returns the first broken entry's seq, or the count when intact. */
export async function verifyAudit(db: Kysely<Database>): Promise<AuditVerdict> {
  const rows = await db.selectFrom("api_audit").select(["seq", "entry_json", "hash"]).orderBy("seq").execute();
  return verifyChain(rows.map((r) => ({ seq: Number(r.seq), text: r.entry_json, hash: r.hash })));
}

/** The chain check over entries as text (database rows, or the lines of an old audit file). */
export function verifyChain(entries: { seq: number; text: string; hash?: string }[]): AuditVerdict {
  let prev = GENESIS;
  let expectedSeq = 1;
  for (const { seq, text, hash: stored } of entries) {
    let entry: AuditEntry;
    try {
      entry = JSON.parse(text) as AuditEntry;
    } catch {
      return { ok: false, seq };
    }
    const { hash, ...rest } = entry;
    const intact =
      entry.seq === expectedSeq && entry.prev === prev && hashEntry(rest) === hash && (stored ?? hash) === hash;
    if (!intact) return { ok: false, seq };
    prev = hash;
    expectedSeq++;
  }
  return { ok: true, entries: entries.length };
}
