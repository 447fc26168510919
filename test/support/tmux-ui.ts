/**
 * The real counter program (`rxdesk ui`, started as `npm start` starts it) in a real terminal: tmux at 80×24 on a
 * data folder, with a card reader. Keys go in with `tmux send-keys` as a keyboard-wedge scanner and a pharmacist
 * would type them; `tmux capture-pane` is what the pharmacist sees.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
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
}): TmuxUi {
  const socket = `rxdesk-${options.name}-${process.pid}`;
  const session = "counter";
  const tmux = (...args: string[]) => execFileSync("tmux", ["-u", "-L", socket, ...args], { encoding: "utf8" });
  // As `npm start` runs it: bin/rxdesk.mjs starts the compiled build when it is up to date, the sources otherwise.
  const command =
    `cd ${JSON.stringify(ROOT)} && env TERM=screen LANG=C.UTF-8 ${JSON.stringify(process.execPath)} bin/rxdesk.mjs ui` +
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
