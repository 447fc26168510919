/**
 * Runs a child process asynchronously (the test worker stays responsive, e.g. for a virtual card or a server) and
 * collects its output. Tests of the real CLI go through `runRxdesk`: `node --import tsx src/cli/main.ts …`, the same
 * as `npx tsx`, without npm's start-up.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface ProcessResult {
  code: number | null;
  /** Raw standard output (binary outputs such as Big5 XML or PDF). */
  stdout: Buffer;
  out: string;
  err: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the child (SIGKILL) after this long; no limit by default. */
  timeoutMs?: number;
}

export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    const timer = options.timeoutMs ? setTimeout(() => child.kill("SIGKILL"), options.timeoutMs) : undefined;
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out);
      resolve({ code, stdout, out: stdout.toString("utf8"), err: Buffer.concat(err).toString("utf8") });
    });
  });
}

/** `node --import tsx <args>` from the repository root. */
export function runTsx(args: string[], options: RunOptions = {}): Promise<ProcessResult> {
  return runProcess(process.execPath, ["--import", "tsx", ...args], options);
}

/** The real `rxdesk` CLI from the sources. */
export function runRxdesk(...args: string[]): Promise<ProcessResult> {
  return runTsx(["src/cli/main.ts", ...args]);
}
