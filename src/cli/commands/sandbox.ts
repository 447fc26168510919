/**
 * `rxdesk sandbox --port N [--file path]`: the local NHI sandbox as a standalone HTTP service (state in its own
 * SQLite file, or in memory). `rxdesk sandbox seed|faults|visit-id` talk to a running one or to a sandbox file.
 */
import type { Command } from "commander";
import { isRocDateTime } from "../../domain/roc-date.js";
import { createSandbox } from "../../nhi/sandbox/index.js";
import { CliError } from "../errors.js";
import { registerInstrument } from "../sandbox-instrument.js";

interface ServeOptions {
  port: string;
  host: string;
  file?: string;
  key?: string;
  seed?: string;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`not a TCP port: ${value}`);
  return n;
}

async function serve(options: ServeOptions): Promise<void> {
  const sandbox = await createSandbox({
    ...(options.file ? { file: options.file } : {}),
    ...(options.key ? { key: options.key } : {}),
  });
  const listening = await sandbox.listen(port(options.port), options.host);
  let seeded: unknown;
  if (options.seed) seeded = await sandbox.seedScenarios({ pharmacyCode: options.seed });
  process.stdout.write(
    `${JSON.stringify({
      url: listening.url,
      state: options.file ?? "memory",
      ...(seeded ? { scenarios: seeded } : {}),
    })}\n`,
  );
  process.stderr.write(`健保署沙盒已啟動 / NHI sandbox listening on ${listening.url} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await listening.close();
  await sandbox.close();
}

async function post(url: string, path: string, method: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${url.replace(/\/+$/, "")}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (error) {
    throw new CliError(`無法連線沙盒 ${url} / the sandbox at ${url} cannot be reached`, { cause: error });
  }
  const text = await response.text();
  if (!response.ok) {
    let detail = text;
    try {
      const error = (JSON.parse(text) as { error?: { zh?: string; en?: string } }).error;
      if (error?.zh || error?.en) detail = `${error.zh ?? ""} / ${error.en ?? ""}`;
    } catch {
      // not JSON: show the text as it came
    }
    throw new CliError(`沙盒回應 HTTP ${response.status} / the sandbox answered HTTP ${response.status}: ${detail}`);
  }
  return text ? (JSON.parse(text) as unknown) : null;
}

export function register(program: Command): void {
  const sandbox = program
    .command("sandbox")
    .description("local NHI sandbox (健保署模擬環境): uploads, check reports, prescription status, virtual cards")
    .option("--port <port>", "TCP port (0 = any free port)", "8790")
    .option("--host <host>", "address to listen on (loopback only by default)", "127.0.0.1")
    .option("--file <path>", "SQLite file for the sandbox state (default: memory, lost on exit)")
    .option("--key <key>", "visit-ID key (default: the file's key, else random)")
    .option("--seed <pharmacyCode>", "seed the demo scenarios for this pharmacy on start")
    .action(async (options: ServeOptions) => {
      await serve(options);
    });

  sandbox
    .command("seed")
    .description("seed the demo scenarios (chronic, dispensed elsewhere, C/E, J000, SM00, 補卡 MISS, one-off)")
    .requiredOption("--pharmacy <code>", "our pharmacy's institution code")
    .option("--url <url>", "a running sandbox (rxdesk sandbox --port …)")
    .option("--state <path>", "or a sandbox SQLite state file")
    .action(async (options: { pharmacy: string; url?: string; state?: string }) => {
      if (options.url) {
        const out = await post(options.url, "/v1/scenarios", "POST", { pharmacyCode: options.pharmacy });
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      if (!options.state) throw new Error("give --url of a running sandbox or --state of a sandbox state file");
      const sb = await createSandbox({ file: options.state });
      try {
        process.stdout.write(
          `${JSON.stringify(await sb.seedScenarios({ pharmacyCode: options.pharmacy }), null, 2)}\n`,
        );
      } finally {
        await sb.close();
      }
    });

  registerInstrument(sandbox, post);

  sandbox
    .command("faults")
    .description("switch faults on a running sandbox: --slow <ms>, --error [status], --drop, --garbled, or --clear")
    .requiredOption("--url <url>", "the running sandbox")
    .option("--slow <ms>", "delay every answer")
    .option("--error [status]", "answer with a 5xx status (default 503)")
    .option("--drop", "drop connections without an answer")
    .option("--garbled", "garble check reports")
    .option("--clear", "switch every fault off")
    .action(
      async (options: {
        url: string;
        slow?: string;
        error?: string | boolean;
        drop?: boolean;
        garbled?: boolean;
        clear?: boolean;
      }) => {
        if (options.clear) {
          await post(options.url, "/v1/faults", "DELETE");
          process.stdout.write("{}\n");
          return;
        }
        const settings = {
          ...(options.slow !== undefined ? { slowMs: Number(options.slow) } : {}),
          ...(options.error !== undefined
            ? { serverError: options.error === true ? true : Number(options.error) }
            : {}),
          ...(options.drop ? { drop: true } : {}),
          ...(options.garbled ? { garbledReport: true } : {}),
        };
        process.stdout.write(`${JSON.stringify(await post(options.url, "/v1/faults", "PUT", settings))}\n`);
      },
    );

  sandbox
    .command("visit-id")
    .description("issue a visit ID for person + ROC date-time + institution, or decode one (needs the sandbox file)")
    .requiredOption("--state <path>", "the sandbox SQLite state file (holds the key)")
    .option("--decode <visitId>", "decode this visit ID")
    .option("--national-id <id>", "person")
    .option("--at <yyyMMddHHmmss>", "ROC visit date-time")
    .option("--institution <code>", "institution code")
    .action(
      async (options: { state: string; decode?: string; nationalId?: string; at?: string; institution?: string }) => {
        const sb = await createSandbox({ file: options.state });
        try {
          if (options.decode) {
            const decoded = sb.decodeVisitId(options.decode);
            process.stdout.write(`${JSON.stringify(decoded ?? { valid: false, code: "D002" })}\n`);
            if (!decoded) process.exitCode = 1;
            return;
          }
          if (!options.nationalId || !options.at || !options.institution || !isRocDateTime(options.at)) {
            throw new Error("give --national-id, --at (yyyMMddHHmmss) and --institution, or --decode");
          }
          const visitId = await sb.issueVisitId({
            nationalId: options.nationalId,
            institutionCode: options.institution,
            visitDateTime: options.at,
          });
          process.stdout.write(`${JSON.stringify({ visitId })}\n`);
        } finally {
          await sb.close();
        }
      },
    );
}
