/**
 * Watches the PC/SC readers and reads each NHI card as it is inserted. The terminal UI and the API subscribe to
 * its events; `stop()` releases pcscd so the process can exit. If pcscd is not running (or stops) the watcher
 * reports an error and keeps retrying until stopped.
 */
import { EventEmitter } from "node:events";
import type { CardIdentity } from "../domain/identity.js";
import { type CardError, cardErrors } from "./errors.js";
import { PcscClient } from "./pcsc.js";
import { mapPcscError } from "./pcsc-errors.js";
import type { NhiCardProfile } from "./profile.js";
import { readCardIn } from "./read.js";
import type { ReaderStatus } from "./reader-status.js";

export type CardWatchEvent =
  | { type: "reader-added"; reader: string }
  | { type: "reader-removed"; reader: string }
  | { type: "card-inserted"; reader: string; atr?: string; identity: CardIdentity; profile: NhiCardProfile }
  | { type: "card-removed"; reader: string }
  | { type: "error"; reader?: string; error: CardError };

type EventOf<T extends CardWatchEvent["type"]> = Extract<CardWatchEvent, { type: T }>;

export interface CardWatcherEvents {
  event: [CardWatchEvent];
  "reader-added": [EventOf<"reader-added">];
  "reader-removed": [EventOf<"reader-removed">];
  "card-inserted": [EventOf<"card-inserted">];
  "card-removed": [EventOf<"card-removed">];
  error: [EventOf<"error">];
  /** Another attempt to reach pcscd after it was missing (not a CardWatchEvent: nothing changed for the user). */
  retry: [attempt: number];
}

export interface CardWatcherOptions {
  /** Only these readers (default: all). */
  readers?: readonly string[];
  /** Per-command timeout; a card silent that long is reported as mute. */
  commandTimeoutMs?: number;
  /** How often to retry reaching pcscd after it was not running or stopped. */
  retryMs?: number;
}

interface ReaderState {
  /** A card is in the reader (as last reported). */
  present: boolean;
  reading: boolean;
  identity?: CardIdentity;
}

export class CardWatcher extends EventEmitter<CardWatcherEvents> {
  #client?: PcscClient;
  #readers = new Map<string, ReaderState>();
  #running = false;
  #retry?: NodeJS.Timeout;
  #lastErrorCode?: string;
  #attempts = 0;

  constructor(private readonly options: CardWatcherOptions = {}) {
    super();
  }

  get running(): boolean {
    return this.#running;
  }

  /** Cards currently in the readers, with the identity read from each (when the read succeeded). */
  cards(): { reader: string; identity?: CardIdentity }[] {
    return [...this.#readers.entries()]
      .filter(([, s]) => s.present)
      .map(([reader, s]) => ({ reader, identity: s.identity }));
  }

  /** Starts watching; resolves once the first reader list is known (or pcscd was found missing). */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#connect();
  }

  /** Stops watching and releases pcscd; resolves when everything native is closed. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    const client = this.#client;
    this.#client = undefined;
    this.#readers.clear();
    if (client) await client.close();
  }

  #emit(event: CardWatchEvent): void {
    if (!this.#running) return;
    if (event.type === "error") {
      // Repeated identical failures (pcscd still down) are reported once.
      if (!event.reader && event.error.code === this.#lastErrorCode) return;
      if (!event.reader) this.#lastErrorCode = event.error.code;
    }
    this.emit("event", event);
    // "error" without a listener would throw (EventEmitter rule): subscribers of "event" get it anyway.
    if (event.type === "error" && this.listenerCount("error") === 0) return;
    (this.emit as (name: string, e: CardWatchEvent) => boolean)(event.type, event);
  }

  #wanted(reader: string): boolean {
    return !this.options.readers || this.options.readers.includes(reader);
  }

  async #connect(): Promise<void> {
    let client: PcscClient;
    try {
      client = PcscClient.open();
    } catch (error) {
      this.#emit({ type: "error", error: mapPcscError(error) });
      this.#scheduleRetry();
      return;
    }
    this.#client = client;
    client.on("reader-added", (reader) => {
      if (!this.#wanted(reader) || this.#client !== client) return;
      this.#readers.set(reader, { present: false, reading: false });
      this.#emit({ type: "reader-added", reader });
    });
    client.on("reader-removed", (reader) => {
      if (!this.#wanted(reader) || this.#client !== client) return;
      const state = this.#readers.get(reader);
      this.#readers.delete(reader);
      if (state?.present) this.#emit({ type: "card-removed", reader });
      this.#emit({ type: "reader-removed", reader });
    });
    client.on("status", (status) => {
      if (this.#wanted(status.reader) && this.#client === client) this.#onStatus(client, status);
    });
    client.on("error", (error) => {
      if (this.#client !== client) return;
      if (error.code === "pcscd-not-running") {
        this.#lostService(client, error);
      } else {
        this.#emit({ type: "error", reader: error.reader, error });
      }
    });
    try {
      await client.waitForReaderList();
      this.#lastErrorCode = undefined;
      this.#attempts = 0;
    } catch (error) {
      this.#lostService(client, mapPcscError(error));
    }
  }

  #lostService(client: PcscClient, error: CardError): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    for (const [reader, state] of this.#readers) {
      if (state.present) this.#emit({ type: "card-removed", reader });
      this.#emit({ type: "reader-removed", reader });
    }
    this.#readers.clear();
    this.#emit({
      type: "error",
      error: error.code === "pcscd-not-running" ? error : cardErrors.pcscdNotRunning(error.detail),
    });
    void client.close();
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (!this.#running) return;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (!this.#running || this.#client) return;
      this.emit("retry", ++this.#attempts);
      // A retry listener may have stopped the watcher.
      if (this.#running && !this.#client) void this.#connect();
    }, this.options.retryMs ?? 2000);
  }

  #onStatus(client: PcscClient, status: ReaderStatus): void {
    let state = this.#readers.get(status.reader);
    if (!state) {
      state = { present: false, reading: false };
      this.#readers.set(status.reader, state);
    }
    const nowPresent = status.present || status.mute;
    if (nowPresent && !state.present) {
      state.present = true;
      state.identity = undefined;
      if (status.mute) {
        this.#emit({
          type: "error",
          reader: status.reader,
          error: cardErrors.cardMute(status.reader, "reader reports the card as mute (no answer to reset)"),
        });
        return;
      }
      void this.#read(client, status, state);
    } else if (!nowPresent && state.present) {
      state.present = false;
      state.identity = undefined;
      this.#emit({ type: "card-removed", reader: status.reader });
    }
  }

  async #read(client: PcscClient, status: ReaderStatus, state: ReaderState): Promise<void> {
    if (state.reading) return;
    state.reading = true;
    try {
      const result = await readCardIn(client, status, this.options.commandTimeoutMs);
      if (this.#client !== client || !state.present) return;
      state.identity = result.identity;
      this.#emit({
        type: "card-inserted",
        reader: status.reader,
        atr: status.atr,
        identity: result.identity,
        profile: result.profile,
      });
    } catch (error) {
      if (this.#client !== client) return;
      const cardError = mapPcscError(error, status.reader);
      // A card pulled mid-read is simply gone: the removal event follows.
      if (cardError.code === "card-removed" && !state.present) return;
      this.#emit({ type: "error", reader: status.reader, error: cardError });
    } finally {
      state.reading = false;
    }
  }
}

export function createCardWatcher(options?: CardWatcherOptions): CardWatcher {
  return new CardWatcher(options);
}
