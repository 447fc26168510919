/**
 * Keyboard-wedge scanners type the code followed by a terminator (CR, LF, CR LF or Tab, depending on how the scanner
 * is set up). `splitWedgeInput` turns a burst of such input into the individual scans; `createWedgeBuffer` does the
 * same for keystrokes arriving one chunk at a time (a terminal or a browser field).
 */
import { type CodeMeaning, meaningOf } from "./interpret.js";

const TERMINATORS = /\r\n|\r|\n|\t/;

/** Splits wedge input into scans: terminators separate scans, blank pieces are dropped, edges are trimmed. */
export function splitWedgeInput(input: string): string[] {
  return input
    .split(TERMINATORS)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

export interface WedgeBuffer {
  /** Adds typed characters; returns the scans completed by a terminator in this chunk. */
  push(chunk: string): string[];
  /** Returns what was typed without a terminator yet (a person typing by hand) and clears it. */
  flush(): string | undefined;
  /** The characters waiting for a terminator. */
  readonly pending: string;
}

export function createWedgeBuffer(): WedgeBuffer {
  let pending = "";
  return {
    push(chunk) {
      pending += chunk;
      const parts = pending.split(TERMINATORS);
      pending = parts.pop() ?? "";
      return parts.map((p) => p.trim()).filter((p) => p.length > 0);
    },
    flush() {
      const rest = pending.trim();
      pending = "";
      return rest.length > 0 ? rest : undefined;
    },
    get pending() {
      return pending;
    },
  };
}

/** Splits wedge input and says what each scan is (visit ID with corrections, virtual-card token, or why neither). */
export function readWedgeScans(input: string): { text: string; meaning: CodeMeaning }[] {
  return splitWedgeInput(input).map((text) => ({ text, meaning: meaningOf(text) }));
}
