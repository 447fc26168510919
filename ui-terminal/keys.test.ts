import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import {
  bufferCardEvents,
  type CardEvent,
  type CardSource,
  INITIAL_CARD_STATE,
  reduceCard,
  summarizeReader,
} from "./card-state.js";
import { parseKeys } from "./keys.js";
import { columns, formatAge, padTo, truncate } from "./text.js";

describe("parseKeys", () => {
  it("splits a keyboard-wedge burst into text and Enter (CR, LF or CR LF once)", () => {
    expect(parseKeys("1BYFWZQ21QQXY3B54X0L\r")).toEqual([
      { kind: "text", text: "1BYFWZQ21QQXY3B54X0L" },
      { kind: "key", name: "return" },
    ]);
    expect(parseKeys("AB\r\n")).toEqual([
      { kind: "text", text: "AB" },
      { kind: "key", name: "return" },
    ]);
    expect(parseKeys("AB\n")).toEqual([
      { kind: "text", text: "AB" },
      { kind: "key", name: "return" },
    ]);
  });

  it("knows F-keys of xterm, the Linux console and VT220, with modifiers dropped", () => {
    expect(parseKeys("\u001bOP")).toEqual([{ kind: "key", name: "f1" }]);
    expect(parseKeys("\u001b[[A")).toEqual([{ kind: "key", name: "f1" }]);
    expect(parseKeys("\u001b[[E")).toEqual([{ kind: "key", name: "f5" }]);
    expect(parseKeys("\u001b[20~")).toEqual([{ kind: "key", name: "f9" }]);
    expect(parseKeys("\u001b[20;2~")).toEqual([{ kind: "key", name: "f9" }]);
    expect(parseKeys("\u001b[1;2P")).toEqual([{ kind: "key", name: "f1" }]);
    expect(parseKeys("\u001b")).toEqual([{ kind: "key", name: "escape" }]);
    expect(parseKeys("\u001b[99~")).toEqual([{ kind: "unknown", sequence: "\u001b[99~" }]);
  });

  it("maps backspace, tab and control letters", () => {
    expect(parseKeys("\u007f")).toEqual([{ kind: "key", name: "backspace" }]);
    expect(parseKeys("\u0003")).toEqual([{ kind: "ctrl", letter: "c" }]);
    expect(parseKeys("a\tb")).toEqual([
      { kind: "text", text: "a" },
      { kind: "key", name: "tab" },
      { kind: "text", text: "b" },
    ]);
    // Shift-Tab goes back a field in forms.
    expect(parseKeys("\u001b[Z")).toEqual([{ kind: "key", name: "backtab" }]);
  });
});

describe("text width", () => {
  it("counts CJK and full-width characters as two columns", () => {
    expect(columns("可調劑")).toBe(6);
    expect(columns("ABC")).toBe(3);
    expect(columns("Ａ１")).toBe(4);
    expect(truncate("健保署無法連線", 7)).toBe("健保署…");
    expect(columns(padTo("王小明", 10))).toBe(10);
    expect(formatAge(90 * 60_000)).toBe("1h30m");
  });
});

describe("card state", () => {
  it("folds watcher events into what the status line says", () => {
    let s = INITIAL_CARD_STATE;
    expect(summarizeReader(s)).toBe("no-reader");
    s = reduceCard(s, { type: "reader-added", reader: "R1" });
    expect(summarizeReader(s)).toBe("ready");
    s = reduceCard(s, {
      type: "card-inserted",
      reader: "R1",
      identity: { source: "ic-card", nationalId: "A123456789" },
    });
    expect(summarizeReader(s)).toBe("card");
    s = reduceCard(s, { type: "card-removed", reader: "R1" });
    expect(summarizeReader(s)).toBe("ready");
    s = reduceCard(s, { type: "error", error: { code: "pcscd-not-running", reason: { zh: "", en: "" } } });
    expect(summarizeReader(s)).toBe("no-service");
  });
});

describe("bufferCardEvents", () => {
  it("replays what the watcher said before the UI subscribed, then passes events through", () => {
    const watcher = new EventEmitter() as EventEmitter & CardSource;
    const buffered = bufferCardEvents(watcher);
    watcher.emit("event", { type: "reader-added", reader: "R1" });
    const seen: CardEvent[] = [];
    buffered.on("event", (e) => seen.push(e));
    watcher.emit("event", { type: "card-removed", reader: "R1" });
    expect(seen.map((e) => e.type)).toEqual(["reader-added", "card-removed"]);
  });
});
