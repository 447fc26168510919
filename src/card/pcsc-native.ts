/**
 * The surface of pcsclite's native binding that pcsc.ts drives (its JS helper is bypassed), the PC/SC constants it
 * passes, and how the binding is loaded.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export const SHARE = { exclusive: 1, shared: 2, direct: 3 } as const;
export const PROTOCOL_T0 = 1;
export const PROTOCOL_T1 = 2;
export const DISPOSITION = { leave: 0, reset: 1, unpower: 2, eject: 3 } as const;
/** Response buffer: short APDUs need 258, extended ones up to 65538. */
export const MAX_RESPONSE = 65_538;

export type NativeCallback<T extends unknown[]> = (err: Error | null | undefined, ...rest: T) => void;

export interface NativePcscLite {
  start(cb: NativeCallback<[Buffer]>): void;
  close(): number;
}

export interface NativeCardReader {
  readonly name: string;
  readonly connected: boolean;
  emit?: (event: string) => void;
  get_status(cb: NativeCallback<[number, Buffer]>): void;
  _connect(shareMode: number, protocols: number, cb: NativeCallback<[number]>): void;
  _disconnect(disposition: number, cb: NativeCallback<[]>): void;
  _transmit(data: Buffer, responseLength: number, protocol: number, cb: NativeCallback<[Buffer]>): void;
  close(): number;
}

interface NativeBinding {
  PCSCLite: new () => NativePcscLite;
  CardReader: new (name: string) => NativeCardReader;
}

let binding: NativeBinding | undefined;
export function loadBinding(): NativeBinding {
  if (!binding) {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve("pcsclite/package.json"));
    const bindings = require("bindings") as (opts: { bindings: string; module_root: string }) => NativeBinding;
    try {
      binding = bindings({ bindings: "pcsclite", module_root: root });
    } catch {
      binding = require(join(root, "build", "Release", "pcsclite.node")) as NativeBinding;
    }
  }
  return binding;
}
