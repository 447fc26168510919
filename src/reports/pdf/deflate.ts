/**
 * pdf-lib compresses every stream (the embedded font subsets, each page's drawing) with pako, zlib written in
 * JavaScript: a third of a small log's CPU time went there. Node's own zlib writes the same format (RFC 1950) in a
 * fraction of the time, so pdf-lib's deflate is pointed at it: the pako module pdf-lib itself loads (resolved from
 * pdf-lib's folder, the same instance in the bundled report command, where pako stays external) is given a
 * `deflate` that calls zlib. pdf-lib calls nothing else of pako.
 */
import { createRequire } from "node:module";
import { constants, deflateSync } from "node:zlib";

const require = createRequire(import.meta.url);
const pdfLibRequire = createRequire(require.resolve("pdf-lib"));
const pako = pdfLibRequire("pako") as { deflate: (data: Uint8Array) => Uint8Array };

pako.deflate = (data: Uint8Array): Uint8Array => deflateSync(data, { level: constants.Z_BEST_COMPRESSION });
