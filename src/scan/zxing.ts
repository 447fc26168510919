/**
 * zxing-wasm, offline. The package's default `locateFile` fetches the `.wasm` from a CDN; rxdesk never downloads at
 * run time, so the reader module is instantiated from the `zxing_reader.wasm` shipped in node_modules, read from
 * disk and handed over as `wasmBinary` (with a `locateFile` that only ever points into the package directory).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { prepareZXingModule, type ReaderOptions, type ReadResult, readBarcodes } from "zxing-wasm/reader";

const require = createRequire(import.meta.url);

/** Absolute path of the reader `.wasm` inside the installed zxing-wasm package. */
export function zxingWasmPath(): string {
  return require.resolve("zxing-wasm/reader/zxing_reader.wasm");
}

let ready: Promise<unknown> | undefined;

/** Instantiates the reader module from the local `.wasm` (once per process). */
export function loadZxing(): Promise<unknown> {
  if (!ready) {
    const wasmPath = zxingWasmPath();
    const wasmBinary = readFileSync(wasmPath);
    const wasmDir = dirname(wasmPath);
    ready = prepareZXingModule({
      overrides: {
        wasmBinary: wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength),
        locateFile: (file: string) => join(wasmDir, file),
      },
      fireImmediately: true,
    }).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
  }
  return ready;
}

/** `readBarcodes` on the locally loaded module. `input` is an encoded PNG/JPEG or RGBA pixels. */
export async function readCodes(
  input: Uint8Array | { data: Uint8ClampedArray; width: number; height: number },
  options: ReaderOptions,
): Promise<ReadResult[]> {
  await loadZxing();
  return readBarcodes(input as Uint8Array, options);
}

export type { ReaderOptions, ReadResult };
