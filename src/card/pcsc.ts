/**
 * A typed wrapper around the `pcsclite` native binding (pcsc-lite / pcscd): reader discovery, card insert/remove
 * status, connect / transmit / disconnect.
 *
 * We drive the binding's native classes directly rather than its JS helper so we know when the first reader list
 * has arrived ("no reader" is then a fact, not a timeout). Lessons built in:
 * - `new PCSCLite()` throws at once when pcscd is down: mapped to CardError "pcscd-not-running".
 * - Closing a reader from inside (or right after) its status callback deadlocks or leaks the native thread: the
 *   callback holds the reader's mutex, and a close racing the thread's loop can leave it waiting forever. Every close
 *   here is deferred until the native side has been quiet for a moment and no transmit is in flight.
 * - After close, pcsclite reports "Command cancelled" as an error: ignored.
 * - A card that never answers blocks SCardTransmit (vpcd has no timeout): transmits have a timeout and the reader
 *   is then considered wedged until the call returns (usually when the card is pulled).
 */
import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { type CardError, cardErrors } from "./errors.js";
import { mapPcscError } from "./pcsc-errors.js";
import {
  DISPOSITION,
  loadBinding,
  MAX_RESPONSE,
  type NativeCardReader,
  type NativePcscLite,
  PROTOCOL_T0,
  PROTOCOL_T1,
  SHARE,
} from "./pcsc-native.js";
import { describeState, parseReaderList, type ReaderStatus } from "./reader-status.js";

export interface PcscEvents {
  "reader-added": [reader: string];
  "reader-removed": [reader: string];
  status: [status: ReaderStatus];
  error: [error: CardError];
}

/** How long the native side must have been quiet before a reader may be closed (see the file comment). */
const QUIET_BEFORE_CLOSE_MS = 30;

class ReaderHandle {
  status?: ReaderStatus;
  readonly firstStatus: Promise<ReaderStatus>;
  resolveFirstStatus!: (s: ReaderStatus) => void;
  pending = 0;
  wedged = false;
  removed = false;
  closed = false;
  connection?: CardConnection;
  lastEventAt = 0;

  constructor(
    readonly name: string,
    readonly native: NativeCardReader,
  ) {
    this.firstStatus = new Promise((resolve) => {
      this.resolveFirstStatus = resolve;
    });
  }
}

/** A connected card. */
export class CardConnection {
  #closed = false;

  constructor(
    readonly reader: string,
    readonly protocol: number,
    private readonly handle: ReaderHandle,
    private readonly client: PcscClient,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends one command APDU and resolves with the full response (data + SW1 SW2). */
  transmit(apdu: Uint8Array, options: { timeoutMs?: number } = {}): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(cardErrors.transmitFailed(this.reader, "connection closed"));
    if (this.handle.wedged) return Promise.reject(cardErrors.cardMute(this.reader, "previous command still pending"));
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise<Uint8Array>((resolve, reject) => {
      let settled = false;
      this.handle.pending++;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        this.handle.wedged = true;
        reject(
          cardErrors.cardMute(
            this.reader,
            `no answer to ${Buffer.from(apdu.subarray(0, 4)).toString("hex")} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.handle.native._transmit(Buffer.from(apdu), MAX_RESPONSE, this.protocol, (err, data) => {
        this.handle.pending--;
        this.handle.wedged = false;
        clearTimeout(timer);
        this.client.nativeActivity(this.handle);
        if (settled) return;
        settled = true;
        if (err) reject(mapPcscError(err, this.reader));
        else resolve(Uint8Array.from(data));
      });
    });
  }

  /** Releases the card; `leave` keeps it powered for the next reader of it (default). */
  async disconnect(disposition: keyof typeof DISPOSITION = "leave"): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.handle.connection === this) this.handle.connection = undefined;
    if (this.handle.wedged || !this.handle.native.connected) return;
    this.handle.pending++;
    await new Promise<void>((resolve) => {
      this.handle.native._disconnect(DISPOSITION[disposition], () => {
        this.handle.pending--;
        resolve();
      });
    });
  }
}

/**
 * One PC/SC context. Emits "reader-added"/"reader-removed" as readers come and go, "status" on every reader state
 * change (card inserted, removed, mute …) and "error" (pcscd stopped, reader failure). Always `close()` it.
 */
export class PcscClient extends EventEmitter<PcscEvents> {
  readonly #native: NativePcscLite;
  readonly #readers = new Map<string, ReaderHandle>();
  readonly #listed: Promise<void>;
  #resolveListed!: () => void;
  #rejectListed!: (e: CardError) => void;
  #closing?: Promise<void>;
  #lastEventAt = 0;

  private constructor(native: NativePcscLite) {
    super();
    this.#native = native;
    this.#listed = new Promise((resolve, reject) => {
      this.#resolveListed = resolve;
      this.#rejectListed = reject;
    });
    this.#listed.catch(() => {});
    native.start((err, data) => this.#onReaderList(err, data));
  }

  /** Establishes the context; throws CardError "pcscd-not-running" at once when pcscd is down. */
  static open(): PcscClient {
    const { PCSCLite } = loadBinding();
    let native: NativePcscLite;
    try {
      native = new PCSCLite();
    } catch (error) {
      throw mapPcscError(error);
    }
    return new PcscClient(native);
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Reader names currently attached. */
  readers(): string[] {
    return [...this.#readers.values()].filter((r) => !r.removed).map((r) => r.name);
  }

  /** Resolves once pcscd has told us its reader list (possibly empty). */
  async waitForReaderList(timeoutMs = 5000): Promise<string[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(cardErrors.pcscdNotRunning(`no reader list within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.#listed, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return this.readers();
  }

  /** The reader's current status (waits for its first report). */
  async status(reader: string, timeoutMs = 5000): Promise<ReaderStatus> {
    await this.waitForReaderList(timeoutMs);
    const handle = this.#handle(reader);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(cardErrors.transmitFailed(reader, "no status report")), timeoutMs);
    });
    try {
      return await Promise.race([handle.firstStatus.then(() => handle.status!), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits until the reader's status satisfies `predicate` (e.g. a card is present); undefined on timeout. */
  async waitForStatus(
    reader: string,
    predicate: (status: ReaderStatus) => boolean,
    timeoutMs: number,
  ): Promise<ReaderStatus | undefined> {
    const current = await this.status(reader);
    if (predicate(current)) return current;
    return new Promise((resolve) => {
      const onStatus = (status: ReaderStatus) => {
        if (status.reader === reader && predicate(status)) finish(status);
      };
      const finish = (status: ReaderStatus | undefined) => {
        clearTimeout(timer);
        this.off("status", onStatus);
        resolve(status);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      this.on("status", onStatus);
    });
  }

  /** Connects to the card in `reader` (shared mode, T=0 or T=1). */
  async connect(
    reader: string,
    options: { share?: keyof typeof SHARE; timeoutMs?: number } = {},
  ): Promise<CardConnection> {
    const handle = this.#handle(reader);
    if (handle.wedged) throw cardErrors.cardMute(reader, "previous command still pending");
    const timeoutMs = options.timeoutMs ?? 5000;
    const protocol = await new Promise<number>((resolve, reject) => {
      let settled = false;
      handle.pending++;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        handle.wedged = true;
        reject(cardErrors.cardMute(reader, `connect did not complete within ${timeoutMs} ms`));
      }, timeoutMs);
      handle.native._connect(SHARE[options.share ?? "shared"], PROTOCOL_T0 | PROTOCOL_T1, (err, proto) => {
        handle.pending--;
        handle.wedged = false;
        clearTimeout(timer);
        this.nativeActivity(handle);
        if (settled) return;
        settled = true;
        if (err) reject(mapPcscError(err, reader));
        else resolve(proto);
      });
    });
    const connection = new CardConnection(reader, protocol, handle, this);
    handle.connection = connection;
    return connection;
  }

  /**
   * Stops watching and releases pcscd resources so the process can exit. Safe to call from event handlers and more
   * than once: the native closes run later, once in-flight commands have returned and the native threads are idle.
   */
  close(): Promise<void> {
    this.#closing ??= this.#doClose();
    return this.#closing;
  }

  /** @internal Marks native activity (a callback just ran): closes wait for quiet. */
  nativeActivity(handle?: ReaderHandle): void {
    const now = Date.now();
    this.#lastEventAt = now;
    if (handle) handle.lastEventAt = now;
  }

  #handle(reader: string): ReaderHandle {
    if (this.closed) throw cardErrors.transmitFailed(reader, "PC/SC context closed");
    const handle = this.#readers.get(reader);
    if (!handle || handle.removed) throw cardErrors.readerNotFound(reader, this.readers());
    return handle;
  }

  #onReaderList(err: Error | null | undefined, data: Buffer | undefined): void {
    this.nativeActivity();
    if (this.closed) return;
    if (err) {
      const error = mapPcscError(err);
      const mapped = error.code === "transmit-failed" ? cardErrors.pcscdNotRunning(error.detail) : error;
      this.#rejectListed(mapped);
      setImmediate(() => this.emit("error", mapped));
      return;
    }
    const names = data ? parseReaderList(data) : [];
    for (const name of names) {
      if (!this.#readers.has(name) || this.#readers.get(name)!.removed) this.#addReader(name);
    }
    for (const handle of this.#readers.values()) {
      if (!handle.removed && !names.includes(handle.name)) {
        handle.removed = true;
        this.#readers.delete(handle.name);
        setImmediate(() => this.emit("reader-removed", handle.name));
        void this.#closeReader(handle);
      }
    }
    this.#resolveListed();
  }

  #addReader(name: string): void {
    const { CardReader } = loadBinding();
    const native = new CardReader(name);
    const handle = new ReaderHandle(name, native);
    // The native side calls `emit("_end")` on the object when its status thread stops.
    native.emit = () => {};
    this.#readers.set(name, handle);
    setImmediate(() => this.emit("reader-added", name));
    native.get_status((err, state, atr) => {
      // Runs with the reader's native mutex held: never call into the reader from here, only record and defer.
      this.nativeActivity(handle);
      if (this.closed || handle.closed) return;
      if (err) {
        const error = mapPcscError(err, name);
        setImmediate(() => this.emit("error", error));
        return;
      }
      const status = describeState(name, state, atr);
      handle.status = status;
      handle.resolveFirstStatus(status);
      setImmediate(() => {
        if (!this.closed && !handle.removed) this.emit("status", status);
      });
    });
  }

  async #closeReader(handle: ReaderHandle): Promise<void> {
    if (handle.closed) return;
    handle.closed = true;
    // Let in-flight commands return (a wedged transmit returns when its card is pulled).
    const deadline = Date.now() + 2000;
    while (handle.pending > 0 && !handle.wedged && Date.now() < deadline) await sleep(10);
    if (handle.connection) await handle.connection.disconnect("leave").catch(() => {});
    while (handle.pending > 0 && !handle.wedged && Date.now() < deadline) await sleep(10);
    await this.#quiet(handle);
    if (handle.pending > 0) {
      // Closing now would block on the mutex the stuck transmit holds: close once it returns.
      const poll = setInterval(() => {
        if (handle.pending === 0) {
          clearInterval(poll);
          handle.native.close();
        }
      }, 50);
      return;
    }
    handle.native.close();
  }

  async #quiet(handle?: ReaderHandle): Promise<void> {
    for (;;) {
      const last = Math.max(this.#lastEventAt, handle?.lastEventAt ?? 0);
      const wait = last + QUIET_BEFORE_CLOSE_MS - Date.now();
      if (wait <= 0) return;
      await sleep(wait);
    }
  }

  async #doClose(): Promise<void> {
    // Never close synchronously: we may be inside a native callback.
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([...this.#readers.values()].map((h) => this.#closeReader(h)));
    await this.#quiet();
    this.#native.close();
    this.removeAllListeners("status");
  }
}
