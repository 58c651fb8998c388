import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { serveOrEmit } from './serve-or-emit.js';

const require = createRequire(import.meta.url);

/** Where onnxruntime-web keeps its builds (found through a file its `exports` map lists). */
export const ortDist = path.dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));

/**
 * The build that loads its WebAssembly from `env.wasm.wasmPaths` instead of inlining a URL:
 * the page points that at `ort/`, which this plugin serves, so nothing comes from a CDN.
 */
export const ortWasmEntry = path.join(ortDist, 'ort.wasm.min.mjs');

// The plain wasm EP needs only these two (the jsep/jspi/asyncify variants serve ORT's own WebGPU EP).
const FILES = [
  { file: 'ort-wasm-simd-threaded.wasm', type: 'application/wasm' },
  { file: 'ort-wasm-simd-threaded.mjs', type: 'text/javascript' },
];

export const ortWasmAssets = () =>
  serveOrEmit('matryoshka:ort-wasm', async () =>
    FILES.map(({ file, type }) => ({ url: `ort/${file}`, type, read: async () => new Uint8Array(await readFile(path.join(ortDist, file))) })),
  );
