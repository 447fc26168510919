/**
 * The API's append-only audit trail: one JSON line per event (dispensing, override, delete, correction, export,
 * key management, login failure, role denial). Each line carries the SHA-256 of the previous line, so an edited or
 * removed line breaks the chain (`verifyAuditFile`). Lines are appended in order through one write queue; the file
 * is never rewritten. Patient national IDs are stored masked; the service's own audit keeps the full record.
 */
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Principal } from "./keys.js";

export type AuditEventType =
  | "dispensing"
  | "override"
  | "dispense-refused"
  | "delete"
  | "correct"
  | "export"
  | "login-failure"
  | "forbidden"
  | "key-created"
  | "key-revoked"
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

const GENESIS = "0".repeat(64);

function hashLine(entry: Omit<AuditEntry, "hash">): string {
  return createHash("sha256").update(JSON.stringify(entry)).digest("hex");
}

export interface AuditSink {
  append(input: AuditInput): Promise<AuditEntry>;
  read(filter?: { from?: string; to?: string; type?: AuditEventType; limit?: number }): Promise<AuditEntry[]>;
}

/** File-backed audit log (`file` undefined keeps it in memory: isolated middleware tests only). */
export class AuditLog implements AuditSink {
  private seq = 0;
  private prev = GENESIS;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly memory: AuditEntry[] = [];

  constructor(
    readonly file?: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      if (existsSync(file)) {
        const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
        const last = lines.at(-1);
        if (last) {
          const entry = JSON.parse(last) as AuditEntry;
          this.seq = entry.seq;
          this.prev = entry.hash;
        }
      } else {
        appendFileSync(file, "", { mode: 0o600 });
      }
    }
  }

  append(input: AuditInput): Promise<AuditEntry> {
    const base = { seq: ++this.seq, at: this.now().toISOString(), ...input, prev: this.prev };
    const entry: AuditEntry = { ...base, hash: hashLine(base) };
    this.prev = entry.hash;
    const file = this.file;
    const write = this.queue.then(async () => {
      if (file) await appendFile(file, `${JSON.stringify(entry)}\n`, { flag: "a" });
      else this.memory.push(entry);
      return entry;
    });
    this.queue = write.catch(() => undefined);
    return write;
  }

  async read(
    filter: { from?: string; to?: string; type?: AuditEventType; limit?: number } = {},
  ): Promise<AuditEntry[]> {
    await this.queue;
    const all = this.file
      ? readFileSync(this.file, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as AuditEntry)
      : [...this.memory];
    const picked = all.filter(
      (e) =>
        (!filter.type || e.type === filter.type) &&
        (!filter.from || e.at >= filter.from) &&
        (!filter.to || e.at < filter.to),
    );
    return filter.limit ? picked.slice(-filter.limit) : picked;
  }
}

/** Checks the hash chain; returns the first broken line (1-based) or undefined when intact. */
export function verifyAuditFile(file: string): { ok: true; entries: number } | { ok: false; line: number } {
  const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
  let prev = GENESIS;
  for (let i = 0; i < lines.length; i++) {
    let entry: AuditEntry;
    try {
      entry = JSON.parse(lines[i]!) as AuditEntry;
    } catch {
      return { ok: false, line: i + 1 };
    }
    const { hash, ...rest } = entry;
    if (entry.prev !== prev || hashLine(rest) !== hash) return { ok: false, line: i + 1 };
    prev = hash;
  }
  return { ok: true, entries: lines.length };
}
