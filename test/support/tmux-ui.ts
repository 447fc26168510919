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

export interface TmuxUi {
  screen(): string;
  waitScreen(what: string | RegExp, timeoutMs?: number): Promise<string>;
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
  return {
    screen,
    async waitScreen(what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last = "";
      while (Date.now() < deadline) {
        last = screen();
        if (typeof what === "string" ? last.includes(what) : what.test(last)) return last;
        await sleep(100);
      }
      throw new Error(`the terminal never showed ${String(what)}; it shows:\n${last}`);
    },
    scan(text) {
      tmux("send-keys", "-t", session, "-l", text);
      tmux("send-keys", "-t", session, "Enter");
    },
    key(...names) {
      tmux("send-keys", "-t", session, ...names);
    },
    stop() {
      spawnSync("tmux", ["-L", socket, "kill-server"]);
    },
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
