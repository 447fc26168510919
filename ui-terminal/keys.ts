/**
 * Keyboard input as the counter produces it: a barcode scanner in keyboard-wedge mode types a whole visit ID and
 * Enter in one burst, people press F-keys, arrows and Esc. Ink hands us one raw sequence per escape sequence or per
 * run of plain text; `parseKeys` turns each into key events in order (text runs, then Enter, …).
 */
export type KeyName =
  | "f1"
  | "f2"
  | "f3"
  | "f4"
  | "f5"
  | "f6"
  | "f7"
  | "f8"
  | "f9"
  | "f10"
  | "f11"
  | "f12"
  | "up"
  | "down"
  | "left"
  | "right"
  | "pageup"
  | "pagedown"
  | "home"
  | "end"
  | "return"
  | "escape"
  | "tab"
  | "backtab"
  | "backspace"
  | "delete";

export type KeyEvent =
  | { kind: "text"; text: string }
  | { kind: "key"; name: KeyName }
  | { kind: "ctrl"; letter: string }
  | { kind: "unknown"; sequence: string };

/** Escape sequences of xterm, the Linux console (TERM=linux), rxvt, screen/tmux and VT220. */
const SEQUENCES: Record<string, KeyName> = {
  "\u001bOP": "f1",
  "\u001bOQ": "f2",
  "\u001bOR": "f3",
  "\u001bOS": "f4",
  "\u001b[11~": "f1",
  "\u001b[12~": "f2",
  "\u001b[13~": "f3",
  "\u001b[14~": "f4",
  "\u001b[[A": "f1",
  "\u001b[[B": "f2",
  "\u001b[[C": "f3",
  "\u001b[[D": "f4",
  "\u001b[[E": "f5",
  "\u001b[15~": "f5",
  "\u001b[17~": "f6",
  "\u001b[18~": "f7",
  "\u001b[19~": "f8",
  "\u001b[20~": "f9",
  "\u001b[21~": "f10",
  "\u001b[23~": "f11",
  "\u001b[24~": "f12",
  "\u001b[A": "up",
  "\u001b[B": "down",
  "\u001b[C": "right",
  "\u001b[D": "left",
  "\u001bOA": "up",
  "\u001bOB": "down",
  "\u001bOC": "right",
  "\u001bOD": "left",
  "\u001b[5~": "pageup",
  "\u001b[6~": "pagedown",
  "\u001b[H": "home",
  "\u001b[F": "end",
  "\u001bOH": "home",
  "\u001bOF": "end",
  "\u001b[1~": "home",
  "\u001b[4~": "end",
  "\u001b[7~": "home",
  "\u001b[8~": "end",
  "\u001b[3~": "delete",
  "\u001b[Z": "backtab",
  "\u001b": "escape",
  "\u001b\u001b": "escape",
};

export function parseKeys(sequence: string): KeyEvent[] {
  if (sequence.startsWith("\u001b")) {
    const name = SEQUENCES[sequence];
    if (name) return [{ kind: "key", name }];
    // Modified keys (e.g. ESC[1;2P = Shift+F1, ESC[15;5~ = Ctrl+F5): keep the key, drop the modifier.
    const modified = /^\u001b\[(\d+);\d+([~A-Z])$/.exec(sequence);
    if (modified) {
      const base = modified[2] === "~" ? `\u001b[${modified[1]}~` : `\u001bO${modified[2]}`;
      const alt = SEQUENCES[base] ?? SEQUENCES[`\u001b[${modified[2]}`];
      if (alt) return [{ kind: "key", name: alt }];
    }
    return [{ kind: "unknown", sequence }];
  }
  const events: KeyEvent[] = [];
  let text = "";
  const flush = () => {
    if (text) events.push({ kind: "text", text });
    text = "";
  };
  for (const ch of sequence) {
    const code = ch.codePointAt(0)!;
    if (ch === "\r" || ch === "\n") {
      flush();
      // A scanner may send CR LF: one Enter.
      const last = events[events.length - 1];
      if (ch === "\n" && last?.kind === "key" && last.name === "return" && sequence.includes("\r\n")) continue;
      events.push({ kind: "key", name: "return" });
    } else if (ch === "\u007f" || ch === "\b") {
      flush();
      events.push({ kind: "key", name: "backspace" });
    } else if (ch === "\t") {
      flush();
      events.push({ kind: "key", name: "tab" });
    } else if (code < 0x20) {
      flush();
      events.push({ kind: "ctrl", letter: String.fromCharCode(code + 0x60) });
    } else {
      text += ch;
    }
  }
  flush();
  return events;
}

export function isKey(event: KeyEvent, ...names: KeyName[]): boolean {
  return event.kind === "key" && names.includes(event.name);
}

/** A single typed letter (case-insensitive), for the back-office screens' letter shortcuts. */
export function isLetter(event: KeyEvent, letter: string): boolean {
  return event.kind === "text" && event.text.toLowerCase() === letter.toLowerCase();
}
