/** Renders the app with ink-testing-library and drives it like a keyboard (and a keyboard-wedge scanner). */
import { EventEmitter } from "node:events";
import { render } from "ink-testing-library";
import { vi } from "vitest";
import type { Locale } from "../../src/domain/message.js";
import { App } from "../../ui-terminal/App.js";
import type { UiActions } from "../../ui-terminal/actions.js";
import type { CardEvent, CardSource } from "../../ui-terminal/card-state.js";
import type { Note } from "../../ui-terminal/i18n.js";
import type { DemoCase } from "../../ui-terminal/screens/Help.js";
import { columns } from "../../ui-terminal/text.js";
import { FakeService } from "./fake-service.js";
import { shows } from "./screen-text.js";

export const KEY = {
  f1: "\u001bOP",
  f2: "\u001bOQ",
  f3: "\u001bOR",
  f4: "\u001bOS",
  f5: "\u001b[15~",
  f6: "\u001b[17~",
  f7: "\u001b[18~",
  f8: "\u001b[19~",
  f9: "\u001b[20~",
  f10: "\u001b[21~",
  f12: "\u001b[24~",
  esc: "\u001b",
  enter: "\r",
  up: "\u001b[A",
  down: "\u001b[B",
  backspace: "\u007f",
  ctrlU: "\u0015",
} as const;

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function plain(frame: string | undefined): string {
  return (frame ?? "").replace(ANSI, "");
}

export class FakeCards extends EventEmitter implements CardSource {
  send(event: CardEvent): void {
    this.emit("event", event);
  }
}

export function renderApp(
  options: {
    service?: FakeService;
    actions?: UiActions;
    locale?: Locale;
    cards?: FakeCards;
    rows?: number;
    demoCases?: DemoCase[];
  } = {},
) {
  const service = options.service ?? new FakeService();
  const cards = options.cards ?? new FakeCards();
  const onQuit = vi.fn();
  const element = (notice?: Note) => (
    <App
      service={service}
      pharmacistId="B223456782"
      pharmacyName="示範藥局"
      cards={cards}
      actions={options.actions}
      locale={options.locale}
      demoCases={options.demoCases}
      now={() => new Date("2024-04-10T02:00:00Z")}
      columns={80}
      rows={options.rows ?? 24}
      statusIntervalMs={60_000}
      onQuit={onQuit}
      notice={notice}
    />
  );
  const r = render(element());
  const screen = () => plain(r.lastFrame());
  return {
    ...r,
    service,
    cards,
    onQuit,
    screen,
    /** What the start-up says once the service has opened (the app is already on screen). */
    notifyLater(notice: Note) {
      r.rerender(element(notice));
    },
    /** Writes raw input, then lets ink (escape flush uses setImmediate) and React settle. */
    async press(...sequences: string[]) {
      for (const s of sequences) {
        r.stdin.write(s);
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    },
    /**
     * Waits for text only the expected next screen shows, or names the old screen's text that must be gone
     * (`without`): a wait the screen before the key already meets proves nothing about the key.
     */
    async waitFor(text: string | RegExp, { without }: { without?: string | RegExp } = {}) {
      await vi.waitFor(
        () => {
          const s = screen();
          if (!shows(s, text)) throw new Error(`screen does not show ${String(text)}:\n${s}`);
          if (without !== undefined && shows(s, without)) {
            throw new Error(`screen still shows ${String(without)}:\n${s}`);
          }
        },
        { timeout: 3000, interval: 10 },
      );
      return screen();
    },
  };
}

/** Every frame must fit 80×23 (one line less than the terminal, so the terminal never scrolls). */
export function assertFits(frame: string, width = 80, height = 23): void {
  const lines = frame.split("\n");
  if (lines.length > height) throw new Error(`frame has ${lines.length} lines (> ${height}):\n${frame}`);
  for (const line of lines) {
    if (columns(line) > width) throw new Error(`line is ${columns(line)} columns (> ${width}): ${line}`);
  }
}

/** A promise held until `release()`: lets a test type while a service call is in flight. */
export function gate(): { wait: Promise<void>; release: () => void } {
  let release!: () => void;
  const wait = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { wait, release };
}
