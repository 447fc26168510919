/**
 * A virtual NHI card that runs in its own process. Tests that read cards through pcsclite must not host the card
 * in the same process: pcsclite's CardReader destructor calls SCardReleaseContext synchronously on the main
 * thread when the garbage collector runs it, and pcscd may at that moment be waiting for our card's answer — a
 * deadlock neither side can break. Out of process, the card keeps answering whatever the test process is doing.
 */
import { type ChildProcess, fork } from "node:child_process";
import { EventEmitter } from "node:events";
import { fileURLToPath } from "node:url";
import { fromHex } from "../apdu.js";
import type { CardFixture } from "./fixture.js";
import { vpcdReaderName } from "./virtual-card.js";
import { VPCD_BASE_PORT } from "./vpcd-protocol.js";

export type HostCommand =
  | { op: "insert"; fixture: CardFixture; port: number; pullAfterApdus?: number }
  | { op: "remove" };
export type HostRequest = HostCommand & { id: number };

export type HostReply =
  | { id: number; ok: true }
  | { id: number; ok: false; message: string }
  | { event: "ready" }
  | { event: "apdu"; command: string; response: string | null }
  | { event: "removed" }
  | { event: "error"; message: string };

export interface RemoteCardEvents {
  inserted: [];
  removed: [];
  apdu: [command: Uint8Array, response: Uint8Array | undefined];
  error: [error: Error];
}

const CHILD = fileURLToPath(new URL("./card-process.ts", import.meta.url));

export class RemoteVirtualCard extends EventEmitter<RemoteCardEvents> {
  readonly port: number;
  #child?: ChildProcess;
  #ready?: Promise<void>;
  #nextId = 1;
  #pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  #inserted = false;
  #apdus = 0;

  constructor(
    private readonly fixture: CardFixture,
    options: { port?: number } = {},
  ) {
    super();
    this.port = options.port ?? VPCD_BASE_PORT;
  }

  static fromFixture(fixture: CardFixture, options: { port?: number } = {}): RemoteVirtualCard {
    return new RemoteVirtualCard(fixture, options);
  }

  get readerName(): string {
    return vpcdReaderName(this.port);
  }

  get inserted(): boolean {
    return this.#inserted;
  }

  /** APDUs the card has answered so far (reported by its process, so a moment after the reader saw the answer). */
  get apdus(): number {
    return this.#apdus;
  }

  /** Connects the card to vpcd. `pullAfterApdus`: the card leaves the reader by itself after answering n APDUs. */
  async insert(options: { pullAfterApdus?: number } = {}): Promise<void> {
    await this.#request({ op: "insert", fixture: this.fixture, port: this.port, ...options });
    this.#inserted = true;
    this.emit("inserted");
  }

  async remove(): Promise<void> {
    if (!this.#child) return;
    await this.#request({ op: "remove" });
    this.#markRemoved();
    this.#child.disconnect();
    this.#child = undefined;
    this.#ready = undefined;
  }

  #markRemoved(): void {
    if (!this.#inserted) return;
    this.#inserted = false;
    this.emit("removed");
  }

  #start(): Promise<void> {
    if (this.#ready) return this.#ready;
    const child = fork(CHILD, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.#child = child;
    this.#ready = new Promise((resolve, reject) => {
      child.once("error", reject);
      child.on("exit", (code) => {
        for (const pending of this.#pending.values())
          pending.reject(new Error(`virtual card process exited (${code})`));
        this.#pending.clear();
        reject(new Error(`virtual card process exited before it was ready (${code})`));
      });
      child.on("message", (reply: HostReply) => {
        if ("event" in reply) {
          if (reply.event === "ready") resolve();
          else if (reply.event === "apdu") {
            this.#apdus++;
            this.emit("apdu", fromHex(reply.command), reply.response === null ? undefined : fromHex(reply.response));
          } else if (reply.event === "removed") this.#markRemoved();
          else this.emit("error", new Error(reply.message));
          return;
        }
        const pending = this.#pending.get(reply.id);
        this.#pending.delete(reply.id);
        if (reply.ok) pending?.resolve();
        else pending?.reject(new Error(reply.message));
      });
    });
    // The parent may exit while a card is still inserted; the child follows when the channel closes.
    child.unref();
    return this.#ready;
  }

  async #request(request: HostCommand): Promise<void> {
    await this.#start();
    const id = this.#nextId++;
    const done = new Promise<void>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.#child!.send({ ...request, id });
    await done;
  }
}
