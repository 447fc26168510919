/**
 * Terminal UI speed, each next to a baseline measured in the same run:
 *  - cold start to first screen: the real `rxdesk ui` as `npm start` runs it (bin/rxdesk.mjs: the compiled dist/ when
 *    fresh, built first here) in a real terminal (tmux 80×24), next to the same program from the sources via tsx
 *    until the first screen is drawn, and until the service is ready (NHI status shown), vs a bare `node -e`
 *    printing one line and vs a bare ink app rendering one <Text> (plain node, same terminal, same poll);
 *  - keystroke to repaint: one key typed into the counter's scan field (real service: SQLite + sandbox) until the
 *    frame with it is written, vs the same in a bare ink app that echoes one input line;
 *  - scan to decision: a visit ID + Enter until the decision is on screen (includes the service check).
 * Targets: cold start ≤ 1 s, keystroke to repaint ≤ 16 ms.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { ensureBuilt, percentile, report } from "./lib.js";

// Ink only paints the final frame when it believes it runs in CI; these measurements need every frame.
process.env.CI = "false";
process.env.CONTINUOUS_INTEGRATION = "false";
// The shipped UI bundle runs React's production build (scripts/bundle-ui.mjs); the keystroke runs here use the same.
process.env.NODE_ENV = "production";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SOCKET = `rxdesk-ui-bench-${process.pid}`;
const RUNS = Number(process.env.UI_BENCH_RUNS ?? 5);

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
    report("ui cold start to first screen vs bare node", ours.median, bareNode.median, "ms", "≤ 1000 ms");
    report("ui cold start to first screen vs bare ink <Text>", ours.median, ink.median, "ms", "≤ 1000 ms");
    report("ui cold start until the service is ready vs bare ink <Text>", ready.median, ink.median, "ms");
    report("ui cold start to first screen, compiled vs from the sources (tsx)", ours.median, viaTsx.median, "ms");
  } finally {
    spawnSync("tmux", ["-L", SOCKET, "kill-server"]);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A terminal-like output stream that notes when a frame containing `waitFor` has been written. */
class FakeTty extends EventEmitter {
  isTTY = true;
  columns = 80;
  rows = 24;
  written = "";
  write(chunk: string): boolean {
    this.written += chunk;
    this.emit("written");
    return true;
  }
  async until(text: string): Promise<void> {
    while (!this.written.includes(text)) await new Promise((r) => this.once("written", r));
  }
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  data: string | null = null;
  write(data: string) {
    this.data = data;
    this.emit("readable");
  }
  read() {
    const d = this.data;
    this.data = null;
    return d;
  }
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

/** ms from writing `key` to stdin until the output holds `expect`. */
async function keyToFrame(stdin: FakeStdin, out: FakeTty, key: string, expect: string): Promise<number> {
  out.written = "";
  const start = performance.now();
  stdin.write(key);
  await out.until(expect);
  return performance.now() - start;
}

// Loaded after the CI override above (ink reads it when first imported).
const React = await import("react");
const { render, Text, useInput } = await import("ink");
const { RENDER_OPTIONS } = await import("../ui-terminal/run.js");

/** Baseline: a bare ink app echoing one input line. */
function Echo() {
  const [v, setV] = React.useState("");
  useInput((input) => setV((x) => (x.length >= 19 ? input : x + input)));
  return React.createElement(Text, null, `> ${v}|`);
}

async function keystrokes(): Promise<void> {
  const { App } = await import("../ui-terminal/App.js");
  const { createRxdesk } = await import("../src/service/bootstrap.js");
  const dataDir = mkdtempSync(join(tmpdir(), "rxdesk-ui-bench-"));
  const rx = await createRxdesk({ dataDir, demo: true, sandboxFile: ":memory:" });
  const opts = (stdin: FakeStdin, out: FakeTty) => ({
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: out as unknown as NodeJS.WriteStream,
    stderr: out as unknown as NodeJS.WriteStream,
    ...RENDER_OPTIONS,
    patchConsole: false,
  });
  const KEYS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  try {
    // ours: the counter with the real service
    const stdin = new FakeStdin();
    const out = new FakeTty();
    const app = render(
      React.createElement(App, { service: rx.service, pharmacistId: "B223456782", columns: 80, rows: 24 }),
      opts(stdin, out),
    );
    await out.until("健保署 連線");
    const ours: number[] = [];
    let typed = "";
    for (let i = 0; i < 60; i++) {
      if (typed.length >= 19) {
        await keyToFrame(stdin, out, "\u0015", "掃描就醫識別碼"); // Ctrl+U clears the field
        typed = "";
      }
      const key = KEYS[i % KEYS.length]!;
      typed += key;
      await sleep(20); // a person types slower than one frame
      ours.push(await keyToFrame(stdin, out, key, typed));
    }
    // scan to decision (service check included)
    const scans: number[] = [];
    const id = rx.demo!.cases.chronicFresh.originalVisitId;
    await keyToFrame(stdin, out, "\u0015", "掃描");
    for (let i = 0; i < 10; i++) {
      await sleep(20);
      scans.push(await keyToFrame(stdin, out, `${id}\r`, "可 調 劑"));
      await sleep(20);
      await keyToFrame(stdin, out, "\u001b", "掃描處方箋條碼"); // Esc: back to the empty scan field
    }
    app.unmount();

    // baseline: bare ink echoing one input line
    const stdin2 = new FakeStdin();
    const out2 = new FakeTty();
    const bare = render(React.createElement(Echo), opts(stdin2, out2));
    await out2.until("> |");
    const base: number[] = [];
    let echoed = "";
    for (let i = 0; i < 60; i++) {
      const key = KEYS[i % KEYS.length]!;
      echoed = echoed.length >= 19 ? key : echoed + key;
      await sleep(20);
      base.push(await keyToFrame(stdin2, out2, key, `> ${echoed}|`));
    }
    bare.unmount();

    const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
    const o = sorted(ours.slice(10));
    const b = sorted(base.slice(10));
    report("keystroke to repaint (median)", percentile(o, 50), percentile(b, 50), "ms", "≤ 16 ms");
    report("keystroke to repaint (p99)", percentile(o, 99), percentile(b, 99), "ms", "≤ 16 ms");
    const s = sorted(scans.slice(2));
    report(
      "scan + Enter to decision on screen (median, incl. service check)",
      percentile(s, 50),
      percentile(b, 50),
      "ms",
    );
  } finally {
    await rx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (spawnSync("tmux", ["-V"]).status !== 0) {
  process.stderr.write("tmux is not installed: cold start is measured in a real terminal (scripts/setup.sh)\n");
  process.exit(1);
}
if (!process.env.UI_BENCH_SKIP_KEYS) await keystrokes();
if (!process.env.UI_BENCH_SKIP_COLD) await coldStart();
