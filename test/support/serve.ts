/**
 * `rxdesk serve` as a child process on a free port: waits for its "listening on" line (30 s at most), stops it with
 * SIGTERM (SIGKILL after 30 s).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./process.js";

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Whether the process is still running. */
  alive(): boolean;
  /** SIGTERM (SIGKILL after 30 s), then the exit code. */
  stop(): Promise<number | null>;
}

/** The serve/keys commands alone (src/cli/main.ts registers the same commands, plus every other one). */
export const SERVE_ENTRY = join(ROOT, "test/support/serve-entry.ts");

export async function startServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", SERVE_ENTRY, "serve", "--port", "0", ...args], {
    cwd: ROOT,
    env: { ...process.env, RXDESK_LOG_LEVEL: "warn", ...env },
  });
  let stderr = "";
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      exited = true;
      resolve(code);
    }),
  );
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that never says it listens must not outlive the test that gave up on it.
      child.kill("SIGKILL");
      reject(new Error(`no listening line: ${stderr}`));
    }, 30_000);
    const look = () => {
      const m = /listening on (http:\/\/\S+) /.exec(stderr);
      if (!m) return;
      clearTimeout(timer);
      child.stderr?.off("data", look);
      resolve(m[1]!);
    };
    child.stderr?.on("data", look);
    void exit.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  return {
    url,
    child,
    stderr: () => stderr,
    alive: () => !exited,
    async stop() {
      if (exited) return exit;
      child.kill("SIGTERM");
      // Bounded: a server that ignores SIGTERM is killed (and its exit code is then null, which tests expecting 0
      // report) rather than left running after the test.
      const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      try {
        return await exit;
      } finally {
        clearTimeout(killer);
      }
    },
  };
}
