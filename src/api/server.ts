/**
 * Runs the API on the embedded default: the dispensing service from `createRxdesk` (SQLite file + in-process NHI
 * sandbox, or `nhiUrl`), keys and audit trail in its database, the pcscd card reader, the scan decoder and the
 * report exports.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino, { type Logger } from "pino";
import { dataDirOf, rxdeskConfig } from "../config.js";
import type { NhiClient } from "../nhi/client.js";
import { createHttpNhiClient } from "../nhi/sandbox/index.js";
import { reportSourceFor } from "../reports/service-source.js";
import { createRxdesk, type Rxdesk } from "../service/bootstrap.js";
import { apiStoreOn } from "./api-store.js";
import { createApp } from "./app.js";
import { createPcscCardReader } from "./card-reader.js";
import type { ApiLimits, VirtualCardVerifier } from "./deps.js";
import type { KeyStore } from "./keys.js";
import { createReportsExporter } from "./reports-exporter.js";
import { loadScanner } from "./scanner.js";

export interface ServeOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  dbFile?: string;
  nhiUrl?: string;
  demo?: boolean;
  /** terminal → PC/SC reader name; `false` disables card reading. */
  cardReaders?: Record<string, string> | false;
  limits?: Partial<ApiLimits>;
  logger?: Logger;
  /** Upload the outbox every so many ms (NHI wants records within 24 h); 0 = only on demand. Default 60 s. */
  outboxIntervalMs?: number;
}

export interface RunningServer {
  url: string;
  server: Server;
  rx: Rxdesk;
  keys: KeyStore;
  close(): Promise<void>;
}

/**
 * JSON lines on standard output, written in pieces of at least 4 KB, at least once a second and on exit: one write
 * per request line was ~6 % of the server's main thread under load. A crash loses at most the last second's lines
 * (every record and audit entry is in the database, not the log).
 */
function defaultLogger(): Logger {
  const out = pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 1000 });
  return pino({ level: rxdeskConfig().logLevel }, out);
}

export function virtualCardVerifier(nhi: NhiClient, pharmacyCode: string): VirtualCardVerifier {
  return { verify: (token) => nhi.verifyVirtualCard({ institutionCode: pharmacyCode }, token) };
}

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const dataDir = dataDirOf(options.dataDir);
  const logger = options.logger ?? defaultLogger();
  const rx = await createRxdesk({
    dataDir,
    ...(options.dbFile ? { dbFile: options.dbFile } : {}),
    ...(options.nhiUrl ? { nhiUrl: options.nhiUrl } : {}),
    ...(options.demo ? { demo: true } : {}),
    onStoreError: (error, originalVisitId) =>
      logger.warn({ err: String(error), originalVisitId }, "NHI's answer to a check was not stored"),
  });
  try {
    // Keys and the audit trail live in the same database as the dispensings.
    const { keys, audit } = await apiStoreOn(rx.database, dataDir);
    let listening: string | undefined;
    const app = createApp({
      serverUrl: () => listening,
      service: rx.service,
      auth: keys,
      audit,
      logger,
      ...(options.cardReaders === false ? {} : { cardReader: createPcscCardReader(options.cardReaders ?? {}) }),
      scanner: await loadScanner(),
      virtualCards: virtualCardVerifier(
        options.nhiUrl ? createHttpNhiClient(options.nhiUrl) : rx.sandbox!.client,
        rx.pharmacy.pharmacyCode,
      ),
      // The full source reads whole months (the service's outbox listing stops at 1,000 entries).
      reports: createReportsExporter(reportSourceFor(rx), {
        name: rx.pharmacy.name ?? "",
        pharmacyCode: rx.pharmacy.pharmacyCode,
      }),
      ...(options.limits ? { limits: options.limits } : {}),
      info: { nhi: options.nhiUrl ? { mode: "remote", url: options.nhiUrl } : { mode: "sandbox" } },
    });
    const server = createServer(app.callback());
    server.keepAliveTimeout = 65_000;
    server.requestTimeout = 60_000;
    await new Promise<void>((done, fail) => {
      server.once("error", fail);
      server.listen(options.port ?? 8717, options.host ?? "127.0.0.1", () => done());
    });
    const interval = options.outboxIntervalMs ?? 60_000;
    let outboxTimer: NodeJS.Timeout | undefined;
    if (interval > 0) {
      outboxTimer = setInterval(() => {
        rx.service.runOutbox().then(
          (result) => {
            if (result.uploaded + result.failed + result.accepted + result.rejected > 0)
              logger.info({ outbox: result }, "outbox run");
          },
          (error: unknown) => logger.warn({ err: String(error) }, "outbox run failed"),
        );
      }, interval);
      outboxTimer.unref();
    }
    const address = server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    listening = `http://${host}:${address.port}`;
    return {
      url: listening,
      server,
      rx,
      keys,
      async close() {
        if (outboxTimer) clearInterval(outboxTimer);
        server.closeIdleConnections();
        await new Promise<void>((done) => server.close(() => done()));
        await rx.close();
      },
    };
  } catch (error) {
    await rx.close();
    throw error;
  }
}
