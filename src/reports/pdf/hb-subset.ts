/**
 * HarfBuzz's font subsetter (hb-subset), called directly on the WebAssembly build the `harfbuzzjs` package ships.
 * The `subset-font` wrapper we used before loaded a WOFF/WOFF2 converter (wawoff2, ~35 ms) that a TrueType-only
 * report never needs, and took each font as a Buffer that it then copied into the wasm memory. Here the font file
 * is read once, straight into the wasm memory, and its HarfBuzz face is kept for the life of the process (a
 * server embeds the same two weights again and again); every call is synchronous.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { createRequire } from "node:module";

/** The part of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

/** The hb-subset exports this module calls (pointers and handles are offsets into `memory`). */
interface HbExports {
  memory: { buffer: ArrayBuffer };
  _initialize(): void;
  malloc(bytes: number): number;
  free(pointer: number): void;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, length: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, value: number): void;
  hb_set_clear(set: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_set(input: number, which: number): number;
  hb_subset_input_unicode_set(input: number): number;
  hb_subset_input_get_flags(input: number): number;
  hb_subset_input_set_flags(input: number, flags: number): void;
  hb_subset_or_fail(face: number, input: number): number;
}

const HB_MEMORY_MODE_WRITABLE = 2;
const HB_SUBSET_SETS_DROP_TABLE_TAG = 3;
const HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6;
const HB_SUBSET_FLAGS_NO_HINTING = 0x1;
const HB_SUBSET_FLAGS_NO_LAYOUT_CLOSURE = 0x200;

export class FontSubsetError extends Error {}

export interface SubsetOptions {
  /** Table tags (four characters) left out of the subset. */
  dropTables: readonly string[];
}

const require = createRequire(import.meta.url);
let harfbuzz: HbExports | undefined;
/** The HarfBuzz face of each font file, over the file's bytes in the wasm memory. */
const faces = new Map<string, number>();

/** Compiled on first use, synchronously: the module is 0.7 MB and its functions are compiled as they are first called. */
function hb(): HbExports {
  if (!harfbuzz) {
    const wasm = readFileSync(require.resolve("harfbuzzjs/dist/harfbuzz-subset.wasm"));
    harfbuzz = new WebAssembly.Instance(new WebAssembly.Module(wasm), {}).exports as unknown as HbExports;
    harfbuzz._initialize();
  }
  return harfbuzz;
}

function tag(name: string): number {
  if (name.length !== 4) throw new FontSubsetError(`not a table tag: "${name}"`);
  let value = 0;
  for (let i = 0; i < 4; i++) value = value * 256 + name.charCodeAt(i);
  return value;
}

function faceOf(file: string): number {
  let face = faces.get(file);
  if (face !== undefined) return face;
  const h = hb();
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const data = h.malloc(size);
    if (data === 0) throw new FontSubsetError(`no memory for ${file} (${size} bytes)`);
    // A view taken after malloc: growing the memory detaches the views taken before.
    const target = new Uint8Array(h.memory.buffer, data, size);
    for (let done = 0; done < size; ) {
      const read = readSync(fd, target, done, size - done, done);
      if (read === 0) throw new FontSubsetError(`${file} ended after ${done} of ${size} bytes`);
      done += read;
    }
    const blob = h.hb_blob_create(data, size, HB_MEMORY_MODE_WRITABLE, 0, 0);
    face = h.hb_face_create(blob, 0);
    h.hb_blob_destroy(blob); // the face holds its own reference
  } finally {
    closeSync(fd);
  }
  faces.set(file, face);
  return face;
}

/**
 * The TrueType font `file` cut down to the glyphs of `codePoints` (plus .notdef), without hinting, layout features
 * or the tables in `dropTables`; glyph IDs are renumbered, so read the subset's own cmap for them.
 */
export function subsetTrueType(file: string, codePoints: Iterable<number>, options: SubsetOptions): Uint8Array {
  const face = faceOf(file);
  const h = hb();
  const input = h.hb_subset_input_create_or_fail();
  if (input === 0) throw new FontSubsetError("hb_subset_input_create_or_fail failed");
  let subset = 0;
  try {
    // No layout features: without layout closure, the glyph for a character is its cmap glyph.
    h.hb_set_clear(h.hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG));
    const flags = h.hb_subset_input_get_flags(input) | HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_NO_LAYOUT_CLOSURE;
    h.hb_subset_input_set_flags(input, flags);
    const drop = h.hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (const name of options.dropTables) h.hb_set_add(drop, tag(name));
    const unicodes = h.hb_subset_input_unicode_set(input);
    for (const cp of codePoints) h.hb_set_add(unicodes, cp);
    subset = h.hb_subset_or_fail(face, input);
  } finally {
    h.hb_subset_input_destroy(input);
  }
  if (subset === 0) throw new FontSubsetError(`HarfBuzz could not subset ${file}`);
  const blob = h.hb_face_reference_blob(subset);
  try {
    const data = h.hb_blob_get_data(blob, 0);
    const length = h.hb_blob_get_length(blob);
    if (length === 0) throw new FontSubsetError(`HarfBuzz made an empty subset of ${file}`);
    return new Uint8Array(h.memory.buffer).slice(data, data + length);
  } finally {
    h.hb_blob_destroy(blob);
    h.hb_face_destroy(subset);
  }
}
