/**
 * Test harness: the API on a real loopback HTTP listener, with the key store and audit trail in a database (a SQLite
 * file in a temp directory unless the service's database is given),
 * one key per role (plus a second pharmacist), and the pino log captured in memory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type request from "supertest";
import { expect } from "vitest";
import { apiStoreOn } from "../../src/api/api-store.js";
import { type ApiApp, createApp } from "../../src/api/app.js";
import type { AuditLog } from "../../src/api/audit.js";
import type { AppOptions } from "../../src/api/deps.js";
import type { KeyChangeActor, KeyStore } from "../../src/api/keys.js";
import { openDatabase, type RxdeskDb } from "../../src/db/open.js";

export const PHARMACIST_ID = "E123456783";
export const PHARMACIST2_ID = "P222333441";
export const OWNER_ID = "K100000000";

export interface ApiHarness {
  url: string;
  server: Server;
  app: ApiApp;
  dir: string;
  keys: KeyStore;
  audit: AuditLog;
  /** The database holding the keys and the audit trail. */
  db: RxdeskDb["db"];
  logLines: string[];
  pharmacistKey: string;
  pharmacist2Key: string;
  ownerKey: string;
  /** An owner key without a pharmacist ID (back-office PC). */
  officeKey: string;
  close(): Promise<void>;
}

/** Key changes made by the test itself, as the audit trail names them. */
export const TEST_ACTOR: KeyChangeActor = { data: { via: "test" } };

export async function startApi(
  options: Omit<AppOptions, "auth" | "audit" | "logger"> & {
    dir?: string;
    /** The service's database (keys and audit live beside the dispensings); default: a SQLite file in `dir`. */
    database?: Pick<RxdeskDb, "db" | "engine">;
  },
): Promise<ApiHarness> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "rxdesk-api-"));
  const own = options.database ? undefined : await openDatabase({ engine: "sqlite", file: join(dir, "api.sqlite3") });
  const database = options.database ?? own!;
  const { keys, audit } = await apiStoreOn(database, dir);
  const logLines: string[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void logLines.push(line) });
  const app = createApp({ ...options, auth: keys, audit, logger });
  const create = async (input: Parameters<KeyStore["create"]>[0]) => (await keys.create(input, TEST_ACTOR)).key;
  const pharmacistKey = await create({ role: "pharmacist", terminalId: "counter-1", pharmacistId: PHARMACIST_ID });
  const pharmacist2Key = await create({ role: "pharmacist", terminalId: "counter-2", pharmacistId: PHARMACIST2_ID });
  const ownerKey = await create({ role: "owner", terminalId: "office", pharmacistId: OWNER_ID });
  const officeKey = await create({ role: "owner", terminalId: "office-pc" });
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    app,
    dir,
    keys,
    audit,
    db: database.db,
    logLines,
    pharmacistKey,
    pharmacist2Key,
    ownerKey,
    officeKey,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await own?.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The answer is a problem (RFC 9457 shape) with this status, zh-TW and English text, and the code if given. */
export function expectProblem(res: request.Response, status: number, code?: string): void {
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, type: expect.stringMatching(/^urn:rxdesk:problem:/) });
  expect(typeof res.body.title).toBe("string");
  expect(res.body.message.zh.length).toBeGreaterThan(0);
  expect(res.body.message.en.length).toBeGreaterThan(0);
  if (code) expect(res.body.code).toBe(code);
}
