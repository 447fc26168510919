/**
 * Per-terminal API keys. A key is `rxk_<id>_<secret>` where the secret is 32 random bytes (base64url); only the
 * SHA-256 of the secret is stored (a slow hash adds nothing for 256-bit random secrets and would cost every request).
 * The store is a JSON file under the data directory, written atomically (temp file + rename) with mode 0600, and
 * re-read when another process (the `rxdesk serve keys` CLI) changes it.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { checkNationalId } from "../domain/national-id.js";

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

export class KeyStore {
  private records = new Map<string, ApiKeyRecord>();
  /** mtime + inode of the file as last read (every write is a rename, so the inode changes too). */
  private version = "";
  private checkedAt = 0;

  /** `file` undefined: memory only (tests of isolated middleware). */
  constructor(
    readonly file?: string,
    private readonly reloadIntervalMs = 1000,
  ) {
    this.reload(true);
  }

  private reload(force = false): void {
    if (!this.file) return;
    const now = Date.now();
    if (!force && now - this.checkedAt < this.reloadIntervalMs) return;
    this.checkedAt = now;
    let version: string;
    try {
      const stat = statSync(this.file);
      version = `${stat.mtimeMs}:${stat.ino}:${stat.size}`;
    } catch {
      this.records.clear();
      this.version = "";
      return;
    }
    if (version === this.version && !force) return;
    const parsed = JSON.parse(readFileSync(this.file, "utf8")) as { keys?: ApiKeyRecord[] };
    this.records = new Map((parsed.keys ?? []).map((k) => [k.id, k]));
    this.version = version;
  }

  private persist(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ version: 1, keys: [...this.records.values()] }, null, 2)}\n`, {
      mode: 0o600,
    });
    renameSync(tmp, this.file);
    const stat = statSync(this.file);
    this.version = `${stat.mtimeMs}:${stat.ino}:${stat.size}`;
  }

  /** Creates a key and returns the full key text once; it cannot be recovered later. */
  create(input: NewKey, now = new Date()): { key: string; record: ApiKeyRecord } {
    const problem = validateNewKey(input);
    if (problem) throw new KeyStoreError(problem);
    this.reload(true);
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
    this.records.set(id, record);
    this.persist();
    return { key: `rxk_${id}_${secret}`, record };
  }

  revoke(id: string, now = new Date()): ApiKeyRecord | undefined {
    this.reload(true);
    const record = this.records.get(id);
    if (!record) return undefined;
    if (!record.revokedAt) {
      record.revokedAt = now.toISOString();
      this.persist();
    }
    return record;
  }

  list(): ApiKeyRecord[] {
    this.reload();
    return [...this.records.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** The principal for a presented key, or undefined (unknown, malformed, revoked, wrong secret). */
  verify(presented: string): Principal | undefined {
    const match = KEY_RE.exec(presented);
    if (!match) return undefined;
    this.reload();
    const record = this.records.get(match[1]!);
    const actual = sha256(match[2]!);
    const expected = record ? Buffer.from(record.secretHash, "hex") : Buffer.alloc(32);
    const same = expected.length === actual.length && timingSafeEqual(expected, actual);
    if (!record || !same || record.revokedAt) return undefined;
    return toPrincipal(record);
  }
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
