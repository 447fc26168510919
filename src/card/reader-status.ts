/** A reader's state as pcsc-lite reports it (SCARD_STATE_* bits), and the reader list it hands over. */

export const SCARD_STATE = {
  UNAWARE: 0x0,
  IGNORE: 0x1,
  CHANGED: 0x2,
  UNKNOWN: 0x4,
  UNAVAILABLE: 0x8,
  EMPTY: 0x10,
  PRESENT: 0x20,
  ATRMATCH: 0x40,
  EXCLUSIVE: 0x80,
  INUSE: 0x100,
  MUTE: 0x200,
} as const;
export interface ReaderStatus {
  reader: string;
  /** Raw SCARD_STATE_* bits (event counter stripped). */
  state: number;
  present: boolean;
  empty: boolean;
  mute: boolean;
  inUse: boolean;
  exclusive: boolean;
  unavailable: boolean;
  /** Answer-to-reset of the card, hex, when one is present. */
  atr?: string;
}

export function describeState(reader: string, rawState: number, atr?: Uint8Array): ReaderStatus {
  const state = rawState & 0xffff;
  return {
    reader,
    state,
    present: (state & SCARD_STATE.PRESENT) !== 0,
    empty: (state & SCARD_STATE.EMPTY) !== 0,
    mute: (state & SCARD_STATE.MUTE) !== 0,
    inUse: (state & SCARD_STATE.INUSE) !== 0,
    exclusive: (state & SCARD_STATE.EXCLUSIVE) !== 0,
    unavailable: (state & SCARD_STATE.UNAVAILABLE) !== 0,
    atr: atr && atr.length > 0 ? Buffer.from(atr).toString("hex").toUpperCase() : undefined,
  };
}

/** pcsclite hands the reader list over as NUL-separated names ending in a double NUL. */
export function parseReaderList(data: Uint8Array): string[] {
  return Buffer.from(data)
    .toString("utf8")
    .split("\u0000")
    .filter((name) => name.length > 0);
}
