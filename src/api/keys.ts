/**
 * Per-terminal API keys. A key is `rxk_<id>_<secret>` where the secret is 32 random bytes (base64url); only the
 * SHA-256 of the secret is stored (a slow hash adds nothing for 256-bit random secrets and would cost every request).
 * The store is the `api_keys` table of the rxdesk database; every create and revoke is audited in the same
 * transaction, whichever entry point (API, CLI) made it.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import { Batcher } from "../db/batcher.js";
import type { ApiKeysTable, Database } from "../db/schema.js";
import { checkNationalId } from "../domain/national-id.js";
import type { AuditInput, AuditLog } from "./audit.js";

export type Role = "pharmacist" | "owner";
export const ROLES: readonly Role[] = ["pharmacist", "owner"];

export interface ApiKeyRecord {
  id: string;
  label: string;
  role: Role;
  /** Terminal (counter, pickup tablet, back office) this key belongs to. */
  terminalId: string;
  /** M06: the pharmacist's national ID; every dispensing made with this key is signed with it. */
  pharmacistId?: string;
  /** hex SHA-256 of the secret part. */
  secretHash: string;
  createdAt: string;
  revokedAt?: string;
}

/** What a request is authenticated as (never contains the secret or its hash). */
export interface Principal {
  keyId: string;
  label: string;
  role: Role;
  terminalId: string;
  pharmacistId?: string;
}

export interface NewKey {
  label?: string;
  role: Role;
  terminalId: string;
  pharmacistId?: string;
}

export class KeyStoreError extends Error {
  override readonly name = "KeyStoreError";
}

const KEY_RE = /^rxk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

export function validateNewKey(input: NewKey): string | undefined {
  if (!ROLES.includes(input.role)) return `role must be one of ${ROLES.join(", ")}`;
  if (!/^[A-Za-z0-9._-]{1,40}$/.test(input.terminalId)) return "terminalId: 1–40 letters, digits, . _ -";
  if (input.pharmacistId !== undefined) {
    const check = checkNationalId(input.pharmacistId);
    if (!check.valid) return `pharmacistId: ${check.reason.en}`;
  }
  if (input.role === "pharmacist" && input.pharmacistId === undefined) {
    return "a pharmacist key needs the pharmacist's national ID (M06)";
  }
  if (input.label !== undefined && input.label.length > 80) return "label: at most 80 characters";
  return undefined;
}

/** Who changed a key, for its audit entry: an API principal (with its request) or the command line. */
export type KeyChangeActor = Pick<AuditInput, "keyId" | "role" | "terminalId" | "requestId" | "data">;

function toRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    label: row.label,
    role: row.role as Role,
    terminalId: row.terminal_id,
    ...(row.pharmacist_id ? { pharmacistId: row.pharmacist_id } : {}),
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
  };
}

/**
 * How long a key read from the database is trusted before a request reads it again. A key revoked in this process
 * stops working at once; one revoked by another (`rxdesk keys revoke` beside a running server) within this time.
 * Every request reading its key would put a database read in front of every answer.
 */
export const KEY_RECHECK_MS = 1000;
/** Keys kept between reads: a pharmacy has a handful; past this many the memory starts over. */
const MAX_RECENT_KEYS = 1000;

type KeyRow = Selectable<ApiKeysTable>;

/**
 * Keys in the database: every change is one transaction together with its audit entry, so keys created or revoked
 * by several processes at once (the API, `rxdesk keys`) are all kept, and a request checks the key as it was at
 * most KEY_RECHECK_MS ago (as it is now, when this process changed it).
 */
export class KeyStore {
  /** Requests arriving together share one read of their keys (each still sees the key as committed when it asked). */
  readonly #rows: Batcher<string, KeyRow | undefined>;
  /** Keys found by recent reads, with when the read began. */
  readonly #recent = new Map<string, { row: KeyRow; readAt: number }>();
  /** Moves on every revoke here: a read that began before it may not be remembered. */
  #revocations = 0;
  readonly #clock: () => number;

  constructor(
    readonly db: Kysely<Database>,
    readonly audit: AuditLog,
    options: { clock?: () => number } = {},
  ) {
    this.#clock = options.clock ?? Date.now;
    this.#rows = new Batcher(async (ids) => {
      const rows = await db
        .selectFrom("api_keys")
        .selectAll()
        .where("id", "in", [...new Set(ids)])
        .execute();
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id));
    });
  }

  /** Creates a key and returns the full key text once; it cannot be recovered later. */
  async create(input: NewKey, by: KeyChangeActor, now = new Date()): Promise<{ key: string; record: ApiKeyRecord }> {
    const problem = validateNewKey(input);
    if (problem) throw new KeyStoreError(problem);
    const id = randomBytes(8).toString("hex");
    const secret = randomBytes(32).toString("base64url");
    const record: ApiKeyRecord = {
      id,
      label: input.label ?? `${input.role}@${input.terminalId}`,
      role: input.role,
      terminalId: input.terminalId,
      ...(input.pharmacistId ? { pharmacistId: input.pharmacistId.trim().toUpperCase() } : {}),
      secretHash: sha256(secret).toString("hex"),
      createdAt: now.toISOString(),
    };
    await this.db.transaction().execute(async (trx) => {
      await insertKey(trx, record);
      await this.audit.appendIn(trx, {
        type: "key-created",
        ...by,
        data: { ...by.data, newKeyId: id, role: record.role, terminalId: record.terminalId },
      });
    });
    return { key: `rxk_${id}_${secret}`, record };
  }

  /** Revokes a key (audited the first time); undefined when there is no such key. */
  async revoke(id: string, by: KeyChangeActor, now = new Date()): Promise<ApiKeyRecord | undefined> {
    // Forgotten before and after: a read racing the revoke's commit is not remembered either way.
    this.#forget(id);
    try {
      return await this.#revokeIn(id, by, now);
    } finally {
      this.#forget(id);
    }
  }

  #forget(id: string): void {
    this.#revocations++;
    this.#recent.delete(id);
  }

  #revokeIn(id: string, by: KeyChangeActor, now: Date): Promise<ApiKeyRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const changed = await trx
        .updateTable("api_keys")
        .set({ revoked_at: now.toISOString() })
        .where("id", "=", id)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) > 0) {
        await this.audit.appendIn(trx, { type: "key-revoked", ...by, data: { ...by.data, revokedKeyId: id } });
      }
      const row = await trx.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    });
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = await this.db.selectFrom("api_keys").selectAll().orderBy("created_at").orderBy("id").execute();
    return rows.map(toRecord);
  }

  /** The principal for a presented key, or undefined (unknown, malformed, revoked, wrong secret). */
  async verify(presented: string): Promise<Principal | undefined> {
    const match = KEY_RE.exec(presented);
    if (!match) return undefined;
    const row = await this.#row(match[1]!);
    const actual = sha256(match[2]!);
    const expected = row ? Buffer.from(row.secret_hash, "hex") : Buffer.alloc(32);
    const same = expected.length === actual.length && timingSafeEqual(expected, actual);
    if (!row || !same || row.revoked_at) return undefined;
    return toPrincipal(toRecord(row));
  }

  /** The key's row: as read within KEY_RECHECK_MS, else read now (unknown IDs are read every time). */
  async #row(id: string): Promise<KeyRow | undefined> {
    const startedAt = this.#clock();
    const recent = this.#recent.get(id);
    if (recent && startedAt - recent.readAt < KEY_RECHECK_MS) return recent.row;
    const revocations = this.#revocations;
    const row = await this.#rows.add(id);
    if (!row || revocations !== this.#revocations) {
      this.#recent.delete(id);
      return row;
    }
    if (this.#recent.size >= MAX_RECENT_KEYS) this.#recent.clear();
    this.#recent.set(id, { row, readAt: startedAt });
    return row;
  }
}

/** Stores a key record as it is (new keys, and the import of an old key file); false when the id was taken. */
export async function insertKey(db: Kysely<Database>, record: ApiKeyRecord): Promise<boolean> {
  const inserted = await db
    .insertInto("api_keys")
    .values({
      id: record.id,
      label: record.label,
      role: record.role,
      terminal_id: record.terminalId,
      pharmacist_id: record.pharmacistId ?? null,
      secret_hash: record.secretHash,
      created_at: record.createdAt,
      revoked_at: record.revokedAt ?? null,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export function toPrincipal(record: ApiKeyRecord): Principal {
  return {
    keyId: record.id,
    label: record.label,
    role: record.role,
    terminalId: record.terminalId,
    ...(record.pharmacistId ? { pharmacistId: record.pharmacistId } : {}),
  };
}

/** The record without its hash, for listing. */
export function publicKeyView(record: ApiKeyRecord): Omit<ApiKeyRecord, "secretHash"> {
  const { secretHash: _omit, ...rest } = record;
  return rest;
}
