/**
 * zxing-wasm must load its `.wasm` from node_modules, never from its CDN default. Any network attempt (fetch, or an
 * XHR the Emscripten glue could fall back to) fails this test.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";

const fetchSpy = vi.fn(() => Promise.reject(new Error("network access attempted")));
vi.stubGlobal("fetch", fetchSpy);
vi.stubGlobal(
  "XMLHttpRequest",
  class {
    constructor() {
      throw new Error("network access attempted (XMLHttpRequest)");
    }
  },
);
afterAll(() => {
  vi.unstubAllGlobals();
});

describe("offline zxing-wasm", () => {
  it("loads the reader wasm from the installed package and decodes without any fetch", async () => {
    const { zxingWasmPath } = await import("./zxing.js");
    expect(zxingWasmPath()).toMatch(/node_modules[\\/]zxing-wasm[\\/]dist[\\/]reader[\\/]zxing_reader\.wasm$/);
    const { decodeImage } = await import("./decode.js");
    const bytes = new Uint8Array(readFileSync(join(import.meta.dirname, "..", "..", "fixtures", "scan", "clean.png")));
    const result = await decodeImage(bytes);
    expect(result.visitId).toBe("1BYFWZQ21QQXY3B54X0L");
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
