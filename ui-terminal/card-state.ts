/**
 * The card reader as the status line shows it, folded from the card watcher's events. The watcher is optional:
 * without pcscd or a reader the counter still works and says "no reader".
 */
import type { Message } from "../src/domain/message.js";
import type { CardIdentity } from "../src/service/types.js";

/** The slice of `CardWatchEvent` (src/card/watcher.ts) the UI needs. */
export type CardEvent =
  | { type: "reader-added"; reader: string }
  | { type: "reader-removed"; reader: string }
  | { type: "card-inserted"; reader: string; identity: CardIdentity }
  | { type: "card-removed"; reader: string }
  | { type: "error"; reader?: string; error: { code: string; reason: Message } };

/** What `CardWatcher` offers; tests pass an EventEmitter. */
export interface CardSource {
  on(name: "event", listener: (event: CardEvent) => void): unknown;
  off(name: "event", listener: (event: CardEvent) => void): unknown;
}

export interface CardState {
  /** pcscd answered at least once. */
  service: "unknown" | "up" | "down";
  readers: string[];
  /** Identity read from each card present. */
  cards: Record<string, CardIdentity>;
  lastError?: { code: string; reason: Message };
}

export const INITIAL_CARD_STATE: CardState = { service: "unknown", readers: [], cards: {} };

export function reduceCard(state: CardState, event: CardEvent): CardState {
  switch (event.type) {
    case "reader-added":
      return {
        ...state,
        service: "up",
        lastError: undefined,
        readers: state.readers.includes(event.reader) ? state.readers : [...state.readers, event.reader],
      };
    case "reader-removed": {
      const cards = { ...state.cards };
      delete cards[event.reader];
      return { ...state, readers: state.readers.filter((r) => r !== event.reader), cards };
    }
    case "card-inserted":
      return {
        ...state,
        service: "up",
        lastError: undefined,
        readers: state.readers.includes(event.reader) ? state.readers : [...state.readers, event.reader],
        cards: { ...state.cards, [event.reader]: event.identity },
      };
    case "card-removed": {
      const cards = { ...state.cards };
      delete cards[event.reader];
      return { ...state, cards };
    }
    case "error":
      if (event.error.code === "pcscd-not-running") {
        return { service: "down", readers: [], cards: {}, lastError: event.error };
      }
      return { ...state, lastError: event.error };
  }
}

/** The identity of the card in the reader (the first one when several readers hold cards). */
export function currentCard(state: CardState): CardIdentity | undefined {
  return Object.values(state.cards)[0];
}

export type ReaderSummary = "no-service" | "no-reader" | "ready" | "card" | "error";

export function summarizeReader(state: CardState): ReaderSummary {
  if (currentCard(state)) return "card";
  if (state.service === "down") return "no-service";
  if (state.lastError && state.readers.length > 0) return "error";
  if (state.readers.length === 0) return "no-reader";
  return "ready";
}

/**
 * Keeps the watcher's events until the UI subscribes (the watcher starts while the database opens, so readers
 * and a card already in place are reported before the first screen), then replays them in order.
 */
export function bufferCardEvents(source: CardSource): CardSource {
  const listeners = new Set<(event: CardEvent) => void>();
  const backlog: CardEvent[] = [];
  source.on("event", (event) => {
    if (listeners.size === 0) backlog.push(event);
    else for (const l of [...listeners]) l(event);
  });
  return {
    on(_name, listener) {
      listeners.add(listener);
      for (const event of backlog.splice(0)) listener(event);
      return this;
    },
    off(_name, listener) {
      listeners.delete(listener);
      return this;
    },
  };
}
