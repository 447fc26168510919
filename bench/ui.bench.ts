/**
 * Terminal UI speed, each next to a baseline measured in the same run:
 *  - cold start to first screen: the real `rxdesk ui` as `npm start` runs it (bin/rxdesk.mjs: the compiled dist/ when
 *    fresh, built first here) in a real terminal (tmux 80×24), next to the same program from the sources via tsx
 *    until the first screen is drawn, and until the service is ready (NHI status shown), vs a bare `node -e`
 *    printing one line and vs a bare ink app rendering one <Text> (plain node, same terminal, same poll);
 *  - keystroke to repaint: the shipped program (bin/rxdesk.mjs ui → the dist/ bundle, real service: SQLite +
 *    sandbox) in a real pseudo-terminal; one key typed into the counter's scan field until the whole frame with it
 *    has been written to the terminal, 1,000 keys, p99 of all of them; vs a bare ink app echoing one input line in
 *    the same kind of terminal.
 * Goals: cold start ≤ 1 s (median), keystroke to repaint p99 ≤ 16 ms.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { ensureBuilt, goal, percentile, report, sized } from "./lib.js";

// Ink only paints the final frame when it believes it runs in CI; these measurements need every frame.
process.env.CI = "false";
process.env.CONTINUOUS_INTEGRATION = "false";
// The shipped UI bundle runs React's production build (scripts/bundle-ui.mjs); the bare ink baselines use the same.
process.env.NODE_ENV = "production";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SOCKET = `rxdesk-ui-bench-${process.pid}`;
const RUNS = sized(11, 3);

function tmux(...args: string[]): string {
  return execFileSync("tmux", ["-u", "-L", SOCKET, ...args], { encoding: "utf8" });
}

/** Starts `command` in a fresh 80×24 tmux window; resolves with ms until the pane shows `marker`. */
async function timeToScreen(command: string, marker: string, timeoutMs = 60_000): Promise<number> {
  spawnSync("tmux", ["-L", SOCKET, "kill-session", "-t", "b"]);
  const start = performance.now();
  tmux("new-session", "-d", "-s", "b", "-x", "80", "-y", "24", `${command}; sleep 30`);
  for (;;) {
    const pane = tmux("capture-pane", "-p", "-t", "b");
    if (pane.includes(marker)) {
      const ms = performance.now() - start;
      spawnSync("tmux", ["-L", SOCKET, "kill-session", "-t", "b"]);
      return ms;
    }
    if (performance.now() - start > timeoutMs) throw new Error(`never saw ${marker}:\n${pane}`);
    await sleep(5);
  }
}

async function median(runs: number, fn: () => Promise<number>): Promise<{ median: number; p99: number }> {
  await fn(); // warm the disk cache and tsx's transform cache
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await fn());
  samples.sort((a, b) => a - b);
  return { median: percentile(samples, 50), p99: percentile(samples, 99) };
}

const BARE_INK = `
import React from "react";
import { render, Text } from "ink";
render(React.createElement(Text, null, "READY"));
`;

async function coldStart(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "rxdesk-ui-bench-"));
  const scratch = mkdtempSync(join(ROOT, "node_modules", ".rxdesk-ui-bench-"));
  const bareInk = join(scratch, "bare-ink.mjs");
  writeFileSync(bareInk, BARE_INK);
  const node = JSON.stringify(process.execPath);
  const env = "env CI=false LANG=C.UTF-8";
  try {
    ensureBuilt();
    // A session that outlives every measured one: killing the measured session must not stop the tmux server, or
    // the next new-session may reach a server that is still exiting ("server exited unexpectedly").
    tmux("new-session", "-d", "-s", "keep", "-x", "80", "-y", "24", "sleep 3600");
    const args = `ui --no-card --data-dir ${JSON.stringify(dataDir)}`;
    const ui = `cd ${JSON.stringify(ROOT)} && ${env} ${node} bin/rxdesk.mjs ${args}`;
    const fromSources = `cd ${JSON.stringify(ROOT)} && ${env} ${node} --import tsx src/cli/main.ts ${args}`;
    const first = await timeToScreen(ui, "健保署 連線");
    // First screen: scan field, keys and status bar drawn, keyboard live (the database opens meanwhile).
    const ours = await median(RUNS, () => timeToScreen(ui, "F10結束"));
    // Ready: the database and the NHI sandbox are open and the status bar shows the NHI link.
    const ready = await median(RUNS, () => timeToScreen(ui, "健保署 連線"));
    const viaTsx = await median(RUNS, () => timeToScreen(fromSources, "F10結束"));
    const bareNode = await median(RUNS, () => timeToScreen(`${node} -e "console.log('READY')"`, "READY"));
    const ink = await median(RUNS, () =>
      timeToScreen(`cd ${JSON.stringify(scratch)} && ${env} ${node} bare-ink.mjs`, "READY"),
    );
    process.stdout.write(
      `first run on a fresh data folder (creates the database, seeds the demo): ${first.toFixed(0)} ms\n`,
    );
    report("ui cold start to first screen vs bare node", ours.median, bareNode.median, "ms");
    report("ui cold start to first screen vs bare ink <Text>", ours.median, ink.median, "ms");
    report("ui cold start until the service is ready vs bare ink <Text>", ready.median, ink.median, "ms");
    report("ui cold start to first screen, compiled vs from the sources (tsx)", ours.median, viaTsx.median, "ms");
    goal(`ui cold start to first screen, median of ${RUNS}`, ours.median, "ms", "≤", 1000);
  } finally {
    spawnSync("tmux", ["-L", SOCKET, "kill-server"]);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * A program running in a real pseudo-terminal (util-linux `script`, 80×24), driven by keystrokes written to it; it
 * notes what the program writes to the terminal.
 */
class Pty {
  readonly child: ChildProcess;
  output = "";
  #wake: (() => void) | undefined;
  constructor(command: string, cwd: string) {
    this.child = spawn("script", ["-qfec", `stty cols 80 rows 24; exec ${command}`, "/dev/null"], {
      cwd,
      env: { ...process.env, CI: "false", CONTINUOUS_INTEGRATION: "false", LANG: "C.UTF-8", TERM: "xterm-256color" },
      stdio: ["pipe", "pipe", "ignore"],
    });
    this.child.stdout!.setEncoding("utf8");
    this.child.stdout!.on("data", (chunk: string) => {
      this.output += chunk;
      this.#wake?.();
    });
  }
  async until(predicate: (output: string) => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate(this.output)) {
      if (performance.now() > deadline) throw new Error(`the terminal never showed it:\n${this.output.slice(-1500)}`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 100);
      });
    }
  }
  /** ms from writing `key` until a whole frame (ink's synchronized-output block) holding `expect` is written. */
  async keyToFrame(key: string, expect: string): Promise<number> {
    this.output = "";
    const start = performance.now();
    this.child.stdin!.write(key);
    await this.until((o) => {
      const at = o.indexOf(expect);
      return at >= 0 && o.indexOf(FRAME_END, at) >= 0;
    }, 10_000);
    return performance.now() - start;
  }
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await Promise.race([exited, sleep(5000).then(() => this.child.kill("SIGKILL"))]);
  }
}

/** Ink ends each frame with "end synchronized update" (DEC mode 2026). */
const FRAME_END = "\u001b[?2026l";
const KEYSTROKES = sized(1000, 100);
const KEYS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/** Baseline: a bare ink app echoing one input line, in the same terminal. */
const BARE_ECHO = `
import React from "react";
import { render, Text, useInput } from "ink";
function Echo() {
  const [v, setV] = React.useState("");
  useInput((input) => setV((x) => (x.length >= 19 ? input : x + input)));
  return React.createElement(Text, null, "> " + v + "|");
}
render(React.createElement(Echo), { exitOnCtrlC: false, maxFps: 120 });
`;

/**
 * Types keys a person's pace apart until `count` have been measured (after 20 unmeasured ones); answers the sorted
 * ms. A step with `measure: false` is typed but not counted (one character alone could match any frame).
 */
async function typeKeys(
  pty: Pty,
  count: number,
  next: (typed: string, key: string) => { typed: string; expect: string; clear?: [string, string]; measure?: false },
): Promise<number[]> {
  const samples: number[] = [];
  let typed = "";
  for (let i = 0; samples.length < count; i++) {
    const key = KEYS[i % KEYS.length]!;
    const step = next(typed, key);
    if (step.clear) {
      await pty.keyToFrame(...step.clear);
      await sleep(20);
    }
    typed = step.typed;
    await sleep(20); // a person types slower than one frame
    const ms = await pty.keyToFrame(key, step.expect);
    if (i >= 20 && step.measure !== false) samples.push(ms);
  }
  return samples.sort((a, b) => a - b);
}

async function keystrokes(): Promise<void> {
  ensureBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), "rxdesk-ui-bench-"));
  const scratch = mkdtempSync(join(ROOT, "node_modules", ".rxdesk-ui-bench-"));
  writeFileSync(join(scratch, "echo.mjs"), BARE_ECHO);
  const node = JSON.stringify(process.execPath);
  const ui = new Pty(`${node} bin/rxdesk.mjs ui --no-card --data-dir ${JSON.stringify(dataDir)}`, ROOT);
  try {
    await ui.until((o) => o.includes("健保署 連線"));
    // ours: the counter's scan field, the shipped program (bin/rxdesk.mjs → dist/ui-terminal/run.js bundle)
    const ours = await typeKeys(ui, KEYSTROKES, (typed, key) =>
      typed.length >= 19
        ? { typed: key, expect: key, clear: ["\u0015", "掃描就醫識別碼"], measure: false } // Ctrl+U clears the field
        : { typed: typed + key, expect: typed + key },
    );
    await ui.stop();
    const bare = new Pty(`${node} echo.mjs`, scratch);
    try {
      await bare.until((o) => o.includes("> |"));
      const base = await typeKeys(bare, KEYSTROKES, (typed, key) => {
        const echoed = typed.length >= 19 ? key : typed + key;
        return { typed: echoed, expect: `> ${echoed}|` };
      });
      process.stdout.write(
        `keystroke to repaint: ${ours.length} keys each in a real pseudo-terminal (script, 80×24), bin/rxdesk.mjs ui (dist/) vs a bare ink app echoing one line\n`,
      );
      report("keystroke to repaint (median)", percentile(ours, 50), percentile(base, 50), "ms");
      report("keystroke to repaint (p99)", percentile(ours, 99), percentile(base, 99), "ms");
      goal(`keystroke to repaint p99 (${ours.length} keys, shipped bundle)`, percentile(ours, 99), "ms", "≤", 16);
    } finally {
      await bare.stop();
    }
  } finally {
    await ui.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (spawnSync("tmux", ["-V"]).status !== 0) {
  process.stderr.write("tmux is not installed: cold start is measured in a real terminal (scripts/setup.sh)\n");
  process.exit(1);
}
if (!process.env.UI_BENCH_SKIP_KEYS) await keystrokes();
if (!process.env.UI_BENCH_SKIP_COLD) await coldStart();
