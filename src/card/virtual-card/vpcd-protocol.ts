/**
 * The vpcd (vsmartcard virtual reader) wire protocol, seen from the card: every message is a 2-byte big-endian
 * length followed by that many bytes. A 1-byte message from the reader is a control (0 power off, 1 power on,
 * 2 reset, 4 get ATR — only 4 wants an answer); anything longer is a command APDU answered by one response APDU.
 */
export const VPCD_CONTROL = { powerOff: 0, powerOn: 1, reset: 2, getAtr: 4 } as const;

/** vpcd's default ports: reader "Virtual PCD 00 00" on 35963, "00 01" on 35964. */
export const VPCD_BASE_PORT = 35963;

export function frame(payload: Uint8Array): Uint8Array {
  if (payload.length > 0xffff) throw new RangeError(`vpcd message too long: ${payload.length}`);
  const out = new Uint8Array(payload.length + 2);
  out[0] = payload.length >> 8;
  out[1] = payload.length & 0xff;
  out.set(payload, 2);
  return out;
}

export interface Frame {
  payload: Uint8Array;
  /** ms between the first and the last chunk of this frame arriving (the Nagle / delayed-ACK stall shows here). */
  assemblyMs: number;
}

/** Reassembles frames from TCP chunks; remembers when each frame started arriving. */
export class FrameReader {
  #buffer = new Uint8Array(0);
  #startedAt: number | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  push(chunk: Uint8Array): Frame[] {
    const at = this.now();
    if (this.#buffer.length === 0) this.#startedAt = at;
    const merged = new Uint8Array(this.#buffer.length + chunk.length);
    merged.set(this.#buffer, 0);
    merged.set(chunk, this.#buffer.length);
    this.#buffer = merged;
    const frames: Frame[] = [];
    while (this.#buffer.length >= 2) {
      const length = (this.#buffer[0]! << 8) | this.#buffer[1]!;
      if (this.#buffer.length < 2 + length) break;
      frames.push({ payload: this.#buffer.slice(2, 2 + length), assemblyMs: at - (this.#startedAt ?? at) });
      this.#buffer = this.#buffer.slice(2 + length);
      this.#startedAt = at;
    }
    return frames;
  }
}
