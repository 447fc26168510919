/**
 * The real counter program (`rxdesk ui`, started as `npm start` starts it) in a real terminal: tmux at 80×24 on a
 * data folder, with a card reader. Keys go in with `tmux send-keys` as a keyboard-wedge scanner and a pharmacist
 * would type them; `tmux capture-pane` is what the pharmacist sees.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "vitest";
import { loadCardFixtures } from "../../src/card/virtual-card/fixture.js";
import { RemoteVirtualCard } from "../../src/card/virtual-card/remote.js";
import type { SeededScenarios } from "../../src/nhi/sandbox/index.js";
import { createRxdesk } from "../../src/service/bootstrap.js";
import { takeEmptyReader } from "./pcscd.js";
import { ROOT } from "./process.js";
import { shows } from "./screen-text.js";

export interface WaitOptions {
  /**
   * Text the screen must no longer show: what the screen before the key had too (a banner, the status bar, the same
   * decision), so the wait cannot end before the key has been handled.
   */
  without?: string | RegExp;
  timeoutMs?: number;
}

export interface TmuxUi {
  screen(): string;
  /**
   * Waits for text only the expected next screen shows (or add `without:` the old screen's text): a wait that the
   * screen before the key already satisfies lets the next key arrive before this one has been handled.
   */
  waitScreen(what: string | RegExp, options?: WaitOptions): Promise<string>;
  /** Types like a keyboard-wedge scanner: the characters, then Enter. */
  scan(text: string): void;
  key(...names: string[]): void;
  stop(): void;
}

export function startTmuxUi(options: {
  dataDir: string;
  /** The PC/SC reader to use; none: `--no-card`. */
  reader?: string;
  name: string;
  /** More `rxdesk ui` options (`--nhi-url …`, `--no-demo`). */
  args?: string[];
  /** The terminal type the program sees (default `screen`, as tmux sets it). */
  term?: string;
}): TmuxUi {
  const socket = `rxdesk-${options.name}-${process.pid}`;
  const session = "counter";
  const tmux = (...args: string[]) => execFileSync("tmux", ["-u", "-L", socket, ...args], { encoding: "utf8" });
  // As `npm start` runs it: bin/rxdesk.mjs starts the compiled build when it is up to date, the sources otherwise.
  const command =
    `cd ${JSON.stringify(ROOT)} && env TERM=${options.term ?? "screen"} LANG=C.UTF-8 ${JSON.stringify(process.execPath)} bin/rxdesk.mjs ui` +
    ` --data-dir ${JSON.stringify(options.dataDir)}` +
    (options.reader ? ` --reader ${JSON.stringify(options.reader)}` : " --no-card") +
    (options.args ?? []).map((a) => ` ${JSON.stringify(a)}`).join("");
  tmux(
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    "80",
    "-y",
    "24",
    `sh -c '${command.replace(/'/g, "'\\''")}; echo EXITED:$?; sleep 60'`,
  );
  const screen = () => tmux("capture-pane", "-p", "-t", session);
  const lag = keyLag(() => tmux("list-panes", "-t", session, "-F", "#{pane_pid}").trim());
  return {
    screen,
    async waitScreen(what, { without, timeoutMs = 30_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      let last = "";
      while (Date.now() < deadline) {
        last = screen();
        if (shows(last, what) && !(without !== undefined && shows(last, without))) return last;
        await sleep(100);
      }
      const gone = without === undefined ? "" : ` without ${String(without)}`;
      throw new Error(`the terminal never showed ${String(what)}${gone}; it shows:\n${last}`);
    },
    scan(text) {
      lag.hold();
      tmux("send-keys", "-t", session, "-l", text);
      tmux("send-keys", "-t", session, "Enter");
    },
    key(...names) {
      lag.hold();
      tmux("send-keys", "-t", session, ...names);
    },
    stop() {
      lag.stop();
      spawnSync("tmux", ["-L", socket, "kill-server"]);
    },
  };
}

/**
 * RXDESK_TEST_KEY_LAG_MS=N plays a loaded machine: the program is frozen (SIGSTOP) before each key is sent and
 * thawed N ms after the last one, so keys the test sends meanwhile reach it in one read. A wait that the screen
 * before the key already satisfies then lets the next keys through too early and the test fails; a wait for the
 * next screen's own text still passes. Off by default.
 */
function keyLag(panePid: () => string): { hold(): void; stop(): void } {
  const ms = Number(process.env.RXDESK_TEST_KEY_LAG_MS ?? 0);
  let timer: NodeJS.Timeout | undefined;
  // The pane's shell stays running: tmux continues a pane's stopped process group at once. Its descendants (the
  // launcher, the program, tsx's child) are frozen one by one.
  const signal = (name: "SIGSTOP" | "SIGCONT") => {
    const shell = panePid();
    const pids = spawnSync("pgrep", ["-s", shell], { encoding: "utf8" }).stdout.split("\n");
    for (const pid of pids.filter((p) => p && p !== shell)) {
      try {
        process.kill(Number(pid), name);
      } catch {
        // Gone meanwhile.
      }
    }
  };
  const resume = () => {
    if (timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    signal("SIGCONT");
  };
  return {
    hold() {
      if (!(ms > 0)) return;
      if (timer === undefined) signal("SIGSTOP");
      clearTimeout(timer);
      timer = setTimeout(resume, ms);
    },
    stop: resume,
  };
}

/** The vpcd reader the terminal tests use (locked against the card watcher test, which uses it too). */
export const UI_READER = "Virtual PCD 00 01";
const UI_READER_PORT = 35964;

export interface CounterInTmux {
  ui: TmuxUi;
  dataDir: string;
  /** The demo prescriptions the fresh data folder got, as a first `rxdesk ui` run seeds them. */
  demo: SeededScenarios;
  /** Puts a virtual card (a fixture of src/card/virtual-card) into the reader. */
  insertCard(profile: string): Promise<void>;
  /** Pulls the card out of the reader, if one is in. */
  pullCard(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `rxdesk ui` in tmux on a fresh data folder with the demo prescriptions, with the UI reader locked for this test
 * file and empty. The program is started, not waited for: tests wait for what they expect on screen.
 */
export async function startCounterInTmux(name: string): Promise<CounterInTmux> {
  expect(spawnSync("tmux", ["-V"]).status, "tmux must be installed (scripts/setup.sh)").toBe(0);
  const dataDir = mkdtempSync(join(tmpdir(), `rxdesk-${name}-`));
  const rx = await createRxdesk({ dataDir, demo: true });
  const demo = rx.demo!;
  await rx.close();
  const releaseReader = await takeEmptyReader(UI_READER);
  const ui = startTmuxUi({ dataDir, reader: UI_READER, name });
  let card: RemoteVirtualCard | undefined;
  const pullCard = async () => {
    await card?.remove();
    card = undefined;
  };
  return {
    ui,
    dataDir,
    demo,
    async insertCard(profile) {
      await pullCard();
      card = RemoteVirtualCard.fromFixture(loadCardFixtures().get(profile)!, { port: UI_READER_PORT });
      await card.insert();
    },
    pullCard,
    async stop() {
      await pullCard();
      releaseReader();
      ui.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
