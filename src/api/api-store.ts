/**
 * The API's key store and audit trail on the rxdesk database, for `rxdesk serve` and `rxdesk keys|audit`. Data
 * folders from before kept them in `api-keys.json` and `api-audit.jsonl`: the first start imports both (keys as they
 * were, audit entries with their seq and hashes, so the chain continues) and renames the files `*.imported`.
 */
import { existsSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { type DatabaseConfig, databaseConfigFor, openDatabase, type RxdeskDb } from "../db/open.js";
import { type AuditEntry, AuditLog } from "./audit.js";
import { type ApiKeyRecord, insertKey, KeyStore } from "./keys.js";

export interface ApiStore {
  keys: KeyStore;
  audit: AuditLog;
}

export const LEGACY_KEY_FILE = "api-keys.json";
export const LEGACY_AUDIT_FILE = "api-audit.jsonl";

type DbHandle = Pick<RxdeskDb, "db" | "engine">;

/** The stores on an open database, after importing the data folder's old files. */
export async function apiStoreOn(handle: DbHandle, dataDir: string, now?: () => Date): Promise<ApiStore> {
  await importLegacyFiles(handle, dataDir);
  const audit = new AuditLog(handle.db, handle.engine, now);
  return { audit, keys: new KeyStore(handle.db, audit) };
}

/** Opens the data folder's database (SQLite file or RXDESK_DATABASE_URL, unless given) for the key and audit commands. */
export async function openApiStore(
  dataDir: string,
  database?: DatabaseConfig,
): Promise<ApiStore & { close(): Promise<void> }> {
  const opened = await openDatabase(databaseConfigFor({ dataDir, ...(database ? { database } : {}) }));
  try {
    return { ...(await apiStoreOn(opened, dataDir)), close: () => opened.close() };
  } catch (error) {
    await opened.close();
    throw error;
  }
}

/** Runs `fn` on the data folder's stores and closes the database afterwards (the CLI commands). */
export async function withApiStore<T>(dataDir: string, fn: (store: ApiStore) => Promise<T>): Promise<T> {
  const store = await openApiStore(dataDir);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * Imports old key and audit files in one transaction (under the audit's lock, so two processes starting together
 * import once), then renames them. Keys already in the database are kept as they are; audit entries are imported
 * only into an empty trail (another process got there first otherwise).
 */
export async function importLegacyFiles(handle: DbHandle, dataDir: string): Promise<void> {
  const keyFile = join(dataDir, LEGACY_KEY_FILE);
  const auditFile = join(dataDir, LEGACY_AUDIT_FILE);
  const hasKeys = existsSync(keyFile);
  const hasAudit = existsSync(auditFile);
  if (!hasKeys && !hasAudit) return;
  await handle.db.transaction().execute(async (trx) => {
    if (handle.engine === "postgres") await sql`SELECT pg_advisory_xact_lock(7263002)`.execute(trx);
    const imported: ApiKeyRecord[] = [];
    if (hasKeys && existsSync(keyFile)) {
      const parsed = JSON.parse(readFileSync(keyFile, "utf8")) as { keys?: ApiKeyRecord[] };
      for (const record of parsed.keys ?? []) if (await insertKey(trx, record)) imported.push(record);
    }
    if (hasAudit && existsSync(auditFile)) {
      const any = await trx.selectFrom("api_audit").select("seq").limit(1).executeTakeFirst();
      if (!any) {
        const lines = readFileSync(auditFile, "utf8").split("\n").filter(Boolean);
        // Each line goes in verbatim at its position: a line edited, or a seq written twice by two processes (the
        // old file's failure), stays visible to verifyAudit instead of being lost or refused.
        for (const [i, line] of lines.entries()) {
          const entry = parseEntry(line);
          await trx
            .insertInto("api_audit")
            .values({
              seq: i + 1,
              at: String(entry?.at ?? ""),
              type: String(entry?.type ?? "unreadable"),
              entry_json: line,
              hash: String(entry?.hash ?? ""),
            })
            .execute();
        }
      }
    }
    // Keys entering the store are a key change like any other: audited, after the imported trail, in this
    // transaction (a second process finds them already there and audits nothing).
    if (imported.length > 0) {
      await new AuditLog(handle.db, handle.engine).appendIn(trx, {
        type: "key-imported",
        data: {
          via: "import",
          file: LEGACY_KEY_FILE,
          keyIds: imported.map((k) => k.id),
          revokedKeyIds: imported.filter((k) => k.revokedAt).map((k) => k.id),
        },
      });
    }
  });
  for (const file of [keyFile, auditFile]) {
    try {
      renameSync(file, `${file}.imported`);
    } catch (error) {
      // Another process renamed it first.
      if ((error as { code?: unknown }).code !== "ENOENT") throw error;
    }
  }
}

function parseEntry(line: string): Partial<AuditEntry> | undefined {
  try {
    return JSON.parse(line) as Partial<AuditEntry>;
  } catch {
    return undefined;
  }
}
