/**
 * Test harness: the API on a real loopback HTTP listener, with a key store and audit file in a temp directory,
 * one key per role (plus a second pharmacist), and the pino log captured in memory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { type ApiApp, createApp } from "../app.js";
import { AuditLog } from "../audit.js";
import type { AppOptions } from "../deps.js";
import { KeyStore } from "../keys.js";

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
  logLines: string[];
  pharmacistKey: string;
  pharmacist2Key: string;
  ownerKey: string;
  /** An owner key without a pharmacist ID (back-office PC). */
  officeKey: string;
  close(): Promise<void>;
}

export async function startApi(
  options: Omit<AppOptions, "auth" | "audit" | "logger"> & { dir?: string },
): Promise<ApiHarness> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "rxdesk-api-"));
  const keys = new KeyStore(join(dir, "api-keys.json"));
  const audit = new AuditLog(join(dir, "api-audit.jsonl"));
  const logLines: string[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void logLines.push(line) });
  const app = createApp({ ...options, auth: keys, audit, logger });
  const pharmacistKey = keys.create({ role: "pharmacist", terminalId: "counter-1", pharmacistId: PHARMACIST_ID }).key;
  const pharmacist2Key = keys.create({ role: "pharmacist", terminalId: "counter-2", pharmacistId: PHARMACIST2_ID }).key;
  const ownerKey = keys.create({ role: "owner", terminalId: "office", pharmacistId: OWNER_ID }).key;
  const officeKey = keys.create({ role: "owner", terminalId: "office-pc" }).key;
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
    logLines,
    pharmacistKey,
    pharmacist2Key,
    ownerKey,
    officeKey,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
