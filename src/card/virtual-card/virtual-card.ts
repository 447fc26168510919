/**
 * A virtual NHI card: a TCP client of vpcd (the vsmartcard virtual reader driver inside pcscd) that answers the
 * reader's APDUs from a fixture. `insert()` connects (pcscd sees a card arrive), `remove()` disconnects.
 *
 * vpcd writes its length prefix and payload separately with Nagle on; with our delayed ACKs each command then
 * arrives ~40 ms late on loopback. We set TCP_NODELAY on our side and record per-command stall (time between the
 * first and last chunk of a frame) so benchmarks can report reads net of it.
 */
import { EventEmitter } from "node:events";
import { connect, type Socket } from "node:net";
import { fromHex } from "../apdu.js";
import { type AppletConfig, NhiApplet } from "./applet.js";
import { appletConfig, type CardFixture } from "./fixture.js";
import { FrameReader, frame, VPCD_BASE_PORT, VPCD_CONTROL } from "./vpcd-protocol.js";

export interface VirtualCardStats {
  apdus: number;
  controls: number;
  /** Sum of frame-assembly stalls (ms) over the APDUs received. */
  apduStallMs: number;
  /** Same, over control messages (pcscd's presence polls ask for the ATR). */
  controlStallMs: number;
}

export interface VirtualCardOptions {
  host?: string;
  port?: number;
  atr: Uint8Array;
  applet: AppletConfig;
  /** Logs every message to this function (the CLI's --verbose). */
  log?: (line: string) => void;
}

export interface VirtualCardEvents {
  inserted: [];
  removed: [];
  apdu: [command: Uint8Array, response: Uint8Array | undefined];
  error: [error: Error];
}

export class VirtualNhiCard extends EventEmitter<VirtualCardEvents> {
  readonly host: string;
  readonly port: number;
  #socket?: Socket;
  #applet: NhiApplet;
  #stats: VirtualCardStats = { apdus: 0, controls: 0, apduStallMs: 0, controlStallMs: 0 };

  constructor(private readonly options: VirtualCardOptions) {
    super();
    this.host = options.host ?? "127.0.0.1";
    this.port = options.port ?? VPCD_BASE_PORT;
    this.#applet = new NhiApplet(options.applet);
  }

  static fromFixture(fixture: CardFixture, options: Omit<VirtualCardOptions, "atr" | "applet"> = {}): VirtualNhiCard {
    return new VirtualNhiCard({ ...options, atr: fromHex(fixture.atr), applet: appletConfig(fixture) });
  }

  get inserted(): boolean {
    return this.#socket !== undefined && !this.#socket.destroyed;
  }

  /** The reader name pcscd gives this port ("Virtual PCD 00 00" for 35963 …). */
  get readerName(): string {
    return vpcdReaderName(this.port);
  }

  stats(): VirtualCardStats {
    return { ...this.#stats };
  }

  resetStats(): void {
    this.#stats = { apdus: 0, controls: 0, apduStallMs: 0, controlStallMs: 0 };
  }

  /** Connects to vpcd: the reader now holds this card. */
  insert(): Promise<void> {
    if (this.inserted) return Promise.resolve();
    this.#applet.reset();
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port, noDelay: true });
      const reader = new FrameReader();
      socket.once("connect", () => {
        socket.setNoDelay(true);
        socket.off("error", reject);
        socket.on("error", (error) => this.emit("error", error));
        this.#socket = socket;
        this.emit("inserted");
        resolve();
      });
      socket.once("error", reject);
      socket.on("data", (chunk) => {
        for (const f of reader.push(chunk)) this.#handle(socket, f.payload, f.assemblyMs);
      });
      socket.on("close", () => {
        if (this.#socket === socket) {
          this.#socket = undefined;
          this.emit("removed");
        }
      });
    });
  }

  /** Disconnects from vpcd: the card leaves the reader. */
  remove(): Promise<void> {
    const socket = this.#socket;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once("close", () => resolve());
      socket.destroy();
    });
  }

  #log(line: string): void {
    this.options.log?.(line);
  }

  #handle(socket: Socket, payload: Uint8Array, stallMs: number): void {
    if (payload.length === 1) {
      this.#stats.controls++;
      this.#stats.controlStallMs += stallMs;
      const control = payload[0];
      if (control === VPCD_CONTROL.powerOff || control === VPCD_CONTROL.reset) this.#applet.reset();
      if (control === VPCD_CONTROL.getAtr) socket.write(frame(this.options.atr));
      this.#log(`control ${control}`);
      return;
    }
    this.#stats.apdus++;
    this.#stats.apduStallMs += stallMs;
    const response = this.#applet.respond(payload);
    this.#log(
      `C-APDU ${Buffer.from(payload).toString("hex")} → ${response ? Buffer.from(response).toString("hex") : "(silent)"}`,
    );
    if (response) socket.write(frame(response));
    this.emit("apdu", payload, response);
  }
}

export function vpcdReaderName(port: number): string {
  return `Virtual PCD 00 ${String(port - VPCD_BASE_PORT).padStart(2, "0")}`;
}
