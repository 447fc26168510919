/**
 * `rxdesk serve`: the HTTP API for counters, pickup tablets and the owner's PC (embedded default: SQLite file +
 * in-process NHI sandbox). Its keys: `rxdesk keys` (./keys.ts).
 */
import type { Command } from "commander";
import { parseReaderMap } from "../../api/card-reader.js";
import { startServer } from "../../api/server.js";

interface ServeCliOptions {
  port: string;
  host: string;
  dataDir?: string;
  db?: string;
  nhiUrl?: string;
  demo?: boolean;
  cardReader: string[];
  card: boolean;
  rate?: string;
  outboxInterval: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInt(name: string, value: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}: expected an integer ≥ ${min}, got "${value}"`);
  return n;
}

export function register(program: Command): void {
  program
    .command("serve")
    .description("start the HTTP API (SQLite file + in-process NHI sandbox by default)")
    .option("--port <port>", "TCP port", "8717")
    .option("--host <host>", "address to listen on (keep 127.0.0.1 unless the LAN needs it)", "127.0.0.1")
    .option(
      "--data-dir <dir>",
      "data folder: database, sandbox, API keys, audit trail (default RXDESK_DATA_DIR or ./data)",
    )
    .option("--db <file>", "SQLite database file")
    .option("--nhi-url <url>", "standalone NHI sandbox / NHI endpoint instead of the in-process sandbox")
    .option("--demo", "seed the sandbox scenarios on the first run")
    .option("--card-reader <terminal=reader>", "map a terminal to its PC/SC reader (repeatable)", collect, [])
    .option("--no-card", "disable card reading through pcscd")
    .option("--rate <perSecond>", "requests per second per API key (burst 4×)")
    .option("--outbox-interval <seconds>", "upload the outbox every N seconds (0: only on demand)", "60")
    .action(async (opts: ServeCliOptions) => {
      const port = positiveInt("--port", opts.port);
      const rate = opts.rate === undefined ? undefined : positiveInt("--rate", opts.rate, 1);
      const running = await startServer({
        port,
        host: opts.host,
        dataDir: opts.dataDir,
        ...(opts.db ? { dbFile: opts.db } : {}),
        ...(opts.nhiUrl ? { nhiUrl: opts.nhiUrl } : {}),
        ...(opts.demo ? { demo: true } : {}),
        cardReaders: opts.card ? parseReaderMap(opts.cardReader) : false,
        ...(rate ? { limits: { ratePerSecond: rate, burst: rate * 4 } } : {}),
        outboxIntervalMs: positiveInt("--outbox-interval", opts.outboxInterval) * 1000,
      });
      const stop = async () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        try {
          await running.close();
          process.exit(0);
        } catch (error) {
          process.stderr.write(
            `rxdesk API: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`,
          );
          process.exit(1);
        }
      };
      // Installed before the listening line, so a supervisor's SIGTERM right after start is a clean stop too.
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      process.stderr.write(`rxdesk API listening on ${running.url} (OpenAPI: ${running.url}/openapi.json)\n`);
      if ((await running.keys.list()).filter((k) => !k.revokedAt).length === 0) {
        process.stderr.write(
          "尚無 API 金鑰 / no API keys yet: rxdesk keys create --role owner --terminal office" +
            `${opts.dataDir ? ` --data-dir ${opts.dataDir}` : ""}\n`,
        );
      }
    });
}
